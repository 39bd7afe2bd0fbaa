"""riskgraph: the supply chain of artificial intelligence as a knowledge graph.

One layout rule: every subpackage is a root folder of the repository mapped into ``riskgraph.*``
(``graph/`` -> ``riskgraph.graph``, ``engine/`` -> ``riskgraph.engine``, ...; the map is
``[tool.setuptools.package-dir]`` in pyproject.toml).  A wheel and the editable install lay the
package out that way; :mod:`riskgraph._layout` lets a plain checkout on ``sys.path`` (``python -c
"import riskgraph.engine"`` from the repository root) find the same modules.  This folder holds
only the public Python API and the error types (:mod:`riskgraph.errors`).
"""

from riskgraph import _layout

__version__ = "0.1.0"

_layout.install(__name__, __path__)
