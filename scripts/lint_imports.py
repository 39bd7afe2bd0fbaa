"""import-linter over the package ``riskgraph`` as it installs: layers point down only.

The contracts are ``[tool.importlinter]`` in pyproject.toml.  Plain ``lint-imports`` cannot check
them: import-linter (grimp) finds a package's modules by walking the package's own folder, and
``riskgraph/`` holds only the public API and the error types; the subpackages are root folders
(``graph/`` is ``riskgraph.graph``, ..., the map in :mod:`riskgraph._layout`).  This script lets
grimp take each subpackage as a root package found where Python finds it (``importlib``), checks
that the configured ``root_packages`` are exactly ``riskgraph`` and those subpackages (so a new
folder cannot slip past the check), then runs import-linter's own command line.

    python scripts/lint_imports.py [lint-imports options]

Exit status 0: every contract kept; 1: a contract is broken (or the configuration is wrong).
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

from grimp.adaptors.packagefinder import ImportLibPackageFinder
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.filesystem import AbstractFileSystem

ROOT = Path(__file__).resolve().parent.parent


class LayoutPackageFinder(ImportLibPackageFinder):
    """grimp's finder, but a subpackage of ``riskgraph`` may be a root package too."""

    def determine_package_directories(
        self, package_name: str, file_system: AbstractFileSystem
    ) -> set[str]:
        if not package_name.startswith("riskgraph."):
            return super().determine_package_directories(package_name, file_system)
        spec = importlib.util.find_spec(package_name)
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"Could not find package {package_name!r}")
        return set(spec.submodule_search_locations)


def expected_roots() -> list[str]:
    """``riskgraph`` and each root-folder subpackage (nested ones are walked from their parent)."""
    from riskgraph import _layout

    return ["riskgraph"] + [f"riskgraph.{s}" for s in _layout.SUBPACKAGES if "." not in s]


def configured_roots() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        cfg = tomllib.load(f)
    return list(cfg["tool"]["importlinter"]["root_packages"])


def main(argv: list[str]) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    want, have = expected_roots(), configured_roots()
    if sorted(want) != sorted(have):
        print(f"pyproject.toml [tool.importlinter] root_packages must be {want}, not {have}",
              file=sys.stderr)
        return 1
    from importlinter import cli  # configures import-linter (and, through it, grimp)

    grimp_settings.configure(PACKAGE_FINDER=LayoutPackageFinder())
    args = argv if any(a.endswith(".toml") for a in argv) else [*argv, str(ROOT / "pyproject.toml")]
    if "--cache-dir" not in args:
        args = ["--no-cache", *args]
    try:
        cli.lint_imports_command.main(args=args, prog_name="lint-imports", standalone_mode=True)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
