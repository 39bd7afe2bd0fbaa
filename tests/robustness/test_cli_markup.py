"""User text with rich markup prints verbatim (names from user curated files, folder names).

A name from the user's own curated files may contain square brackets (``[/]``, ``[bold]``); rich
would read them as markup (MarkupError traceback or silent restyling) unless the tables print
user text verbatim: ``shock``, ``paths``, ``data`` use consoles without markup, ``show`` escapes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

runner = CliRunner()
NAME = "Acme [/] [bold]Optics[/bold] [link=https://x.invalid]x[/link]"


@pytest.fixture(scope="module")
def markup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nodes = NODE_HEADER + (f'company:acme-optics,company,"{NAME}",,network,Acme,ledger,2025,'
                           "reported,\n")
    links = LINK_HEADER + ("mineral:gallium,Acme,INPUT_TO,0.9,0.8,1,,0,bill of materials,2025,"
                           "estimated,GaAs\n")
    return write_dir(tmp_path_factory.mktemp("markup"), nodes, links)


def _ok(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 0, r.stderr
    return r.stdout


def test_shock_table_prints_a_bracketed_name_verbatim(markup: Path) -> None:
    out = _ok("shock", "gallium", "--pct", "50", "--data-dir", str(markup), "--top", "100")
    assert "Acme [/] [bold]Optics[/bold]" in out


def test_paths_table_prints_a_bracketed_name_verbatim(markup: Path) -> None:
    out = _ok("paths", "gallium", "Acme", "--data-dir", str(markup))
    assert "Acme [/] [bold]Optics[/bold]" in out


def test_data_table_with_a_bracketed_folder_name(tmp_path: Path, markup: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no folding of the long temporary path
    odd = tmp_path / "[red]suppliers"  # rich would eat "[red]" and colour the rest
    odd.mkdir()
    for p in markup.iterdir():
        (odd / p.name).write_bytes(p.read_bytes())
    out = _ok("data", "--data-dir", str(odd))
    assert "[red]suppliers" in out


def test_subprocess_shock_has_no_traceback(markup: Path) -> None:
    r = subprocess.run([str(Path(sys.executable).parent / "riskgraph"), "shock", "gallium",
                        "--pct", "50", "--data-dir", str(markup)], capture_output=True,
                       text=True, env=dict(os.environ, COLUMNS="200"), timeout=120, check=False)
    assert "Traceback" not in r.stderr
    assert r.returncode == 0
