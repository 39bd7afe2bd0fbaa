"""riskgraph: the supply chain of artificial intelligence as a knowledge graph.

One layout rule: every subpackage is a root folder of the repository mapped into ``riskgraph.*``
(``graph/`` -> ``riskgraph.graph``, ``engine/`` -> ``riskgraph.engine``, ...; the map is
``[tool.setuptools.package-dir]`` in pyproject.toml).  A wheel and the editable install lay the
package out that way; :mod:`riskgraph._layout` lets a plain checkout on ``sys.path`` (``python -c
"import riskgraph.engine"`` from the repository root) find the same modules.  This folder holds
only the public Python API (:mod:`riskgraph.api`) and the error types (:mod:`riskgraph.errors`).

The notebook API, loaded on first use (PEP 562, so ``import riskgraph`` stays fast)::

    import riskgraph as rg
    r = rg.shock("gallium", pct=50)
    r.to_frame(); r.paths("OpenAI"); rg.sensitivity("gallium", pct=50, node="OpenAI")
"""

import importlib
from typing import Any

from riskgraph import _layout

__version__ = "0.1.0"

_layout.install(__name__, __path__)

_API = ("load_graph", "shock", "paths", "sensitivity", "show", "compare", "exposure",
        "ShockResult", "SensitivityResult", "ExposureResult")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        # imported by name: `riskgraph` itself (which every layer may import for __version__)
        # depends on no layer; riskgraph.api sits on top of them all
        api = importlib.import_module("riskgraph.api")
        return getattr(api, name)
    raise AttributeError(f"module 'riskgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
