"""mypy over the import package ``riskgraph`` as it installs, straight from the source folders.

mypy cannot follow setuptools' ``package-dir`` map (``graph/`` is ``riskgraph.graph``, ...), so
this script hands mypy every source file with its module name (``BuildSource(path, module)``),
taken from the one map in :mod:`riskgraph._layout`.  Errors name the real files.  No link tree.

    python scripts/typecheck.py [extra mypy options]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from mypy import build
from mypy.errors import CompileError
from mypy.main import process_options
from mypy.modulefinder import BuildSource

ROOT = Path(__file__).resolve().parent.parent


def _layout() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("_rg_layout", ROOT / "riskgraph" / "_layout.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(mod.SUBPACKAGES)


def sources() -> list[BuildSource]:
    """Every .py file of the package, each with its ``riskgraph.*`` module name."""
    folders = {"": "riskgraph", **_layout()}
    out: list[BuildSource] = []
    for sub, folder in sorted(folders.items()):
        base = ROOT / folder
        package = "riskgraph" + (f".{sub}" if sub else "")
        for f in sorted(base.glob("*.py")):
            name = package if f.stem == "__init__" else f"{package}.{f.stem}"
            out.append(BuildSource(str(f), name, None, base_dir=str(ROOT)))
    return out


def main(argv: list[str]) -> int:
    _, options = process_options(
        ["--config-file", str(ROOT / "pyproject.toml"), *argv, str(ROOT / "riskgraph")]
    )
    try:
        res = build.build(sources(), options)
    except CompileError as e:
        print("\n".join(e.messages), file=sys.stderr)
        return 2
    for line in res.errors:
        print(line)
    n = len(sources())
    if res.errors:
        print(f"mypy: {len([e for e in res.errors if ': error:' in e])} errors in {n} files")
        return 1
    print(f"mypy: no issues in {n} source files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
