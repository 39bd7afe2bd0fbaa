"""Layers point down only: the import-linter contracts of pyproject.toml hold.

``scripts/lint_imports.py`` runs import-linter over the package as it installs (every root folder
mapped into ``riskgraph.*``).  The contracts: riskgraph.cli > views, export, cypher > ingest |
engine (independent of each other) > graph; the Neo4j launcher only used by the CLI;
riskgraph.errors imports nothing of riskgraph.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "lint_imports.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--no-logo", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_every_contract_is_kept() -> None:
    r = _run()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout
    # the check sees the whole package, not only riskgraph/ (every module of every root folder)
    files = int(re.search(r"Analyzed (\d+) files", r.stdout).group(1))  # type: ignore[union-attr]
    folders = ["riskgraph", "graph", "ingest", "engine", "cypher", "views", "export", "cli",
               "docker/neo4j-local"]
    assert files >= sum(len(list((REPO / f).glob("*.py"))) for f in folders)


def test_a_broken_layer_fails(tmp_path: Path) -> None:
    """The same check with the layers upside down must fail, naming an import that breaks it."""
    with open(REPO / "pyproject.toml", "rb") as f:
        cfg = tomllib.load(f)["tool"]["importlinter"]
    roots = ", ".join(f'"{r}"' for r in cfg["root_packages"])
    bad = tmp_path / "upside-down.toml"
    bad.write_text(
        "[tool.importlinter]\n"
        f"root_packages = [{roots}]\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "upside down"\n'
        'type = "layers"\n'
        'layers = ["riskgraph.graph", "riskgraph.engine", "riskgraph.cli"]\n',
        encoding="utf-8",
    )
    r = _run(str(bad))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "BROKEN" in r.stdout
    assert re.search(r"riskgraph\.engine\.\w+ -> riskgraph\.graph", r.stdout), r.stdout


def test_the_root_packages_are_the_layout() -> None:
    """A new root folder cannot slip past the check: root_packages must be the layout map."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import lint_imports
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert sorted(lint_imports.configured_roots()) == sorted(lint_imports.expected_roots())
