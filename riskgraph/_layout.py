"""Find ``riskgraph.<sub>`` in its root folder when riskgraph runs from a source checkout.

A wheel (and setuptools' editable install) already maps ``riskgraph.graph`` to ``graph/`` and so
on.  When the checkout itself is on ``sys.path`` (the repository root is the current directory),
Python finds ``riskgraph/`` there first and would look for ``riskgraph/graph``; this finder maps
the subpackages to their root folders instead.  The map is ``SUBPACKAGES``; a test checks that it
equals ``[tool.setuptools.package-dir]`` in pyproject.toml, and ``scripts/typecheck.py`` gives
mypy the same map.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import MutableSequence, Sequence
from pathlib import Path
from types import ModuleType

# subpackage of ``riskgraph`` -> folder, relative to the repository root
SUBPACKAGES: dict[str, str] = {
    "graph": "graph",
    "graph.neo4j": "graph/neo4j",
    "ingest": "ingest",
    "engine": "engine",
    "cypher": "cypher",
    "views": "views",
    "export": "export",
    "cli": "cli",
    "neo4j_local": "docker/neo4j-local",
}


class _CheckoutFinder(importlib.abc.MetaPathFinder):
    def __init__(self, package: str, root: Path) -> None:
        self.package = package
        self.root = root

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        prefix = self.package + "."
        if not fullname.startswith(prefix):
            return None
        folder = SUBPACKAGES.get(fullname[len(prefix):])
        if folder is None:
            return None
        init = self.root / folder / "__init__.py"
        if not init.is_file():
            return None
        return importlib.util.spec_from_file_location(
            fullname, init, submodule_search_locations=[str(init.parent)]
        )


def checkout_root(package_dir: Path) -> Path | None:
    """The repository root if ``package_dir`` is ``riskgraph/`` inside a source checkout."""
    root = package_dir.parent
    in_checkout = (root / "pyproject.toml").is_file() and not (package_dir / "graph").exists()
    if in_checkout and all((root / f / "__init__.py").is_file() for f in SUBPACKAGES.values()):
        return root
    return None


def install(package: str, path: MutableSequence[str]) -> None:
    """Put the checkout finder in front of the path finder, once, when running from a checkout."""
    root = checkout_root(Path(path[0]).resolve())
    if root is None:
        return
    if not any(isinstance(f, _CheckoutFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _CheckoutFinder(package, root))
