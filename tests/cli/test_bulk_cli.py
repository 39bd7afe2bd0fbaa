"""`riskgraph bulk-shock`: the columnar path from the CLI, on a hand-computed three-firm chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app

runner = CliRunner()

NODES = """id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale
company:a,company,A,,materials,,our ledger,2025,reported,
company:b,company,B,,materials,,our ledger,2025,reported,
company:c,company,C,,cloud,,our ledger,2025,reported,
"""
LINKS = """from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,confidence,rationale
company:a,company:b,SUPPLIES,0.5,,,0.4,,our ledger,2025,reported,
company:b,company:c,SUPPLIES,0.8,,,1,,our ledger,2025,reported,
"""  # noqa: E501


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "my_nodes.csv").write_text(NODES, encoding="utf-8")
    (tmp_path / "my_links.csv").write_text(LINKS, encoding="utf-8")
    return tmp_path


def _json(*args: str) -> dict:
    r = runner.invoke(app, ["bulk-shock", *args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_downstream_chain(folder: Path) -> None:
    d = _json(str(folder), "company:a", "--pct", "50")
    assert d["schema"] == "riskgraph.bulkshock/1"
    assert (d["nodes"], d["arcs"], d["affected"]) == (3, 2, 3)
    got = {r["id"]: round(r["shortfall"], 12) for r in d["top"]}
    assert got == {"company:a": 0.5, "company:b": 0.25, "company:c": 0.2}  # 0.5, .5*.5, .8*.25
    assert d["bound"].startswith("no-mitigation upper bound")  # no market data, no time


def test_upstream_by_sales_shares(folder: Path) -> None:
    d = _json(str(folder), "company:c", "--pct", "50", "--direction", "upstream")
    got = {r["id"]: round(r["shortfall"], 12) for r in d["top"]}
    assert got == {"company:c": 0.5, "company:b": 0.5, "company:a": 0.2}  # 1*.5, .4*.5
    assert d["bound"] is None


def test_table_and_unknown_target(folder: Path) -> None:
    r = runner.invoke(app, ["bulk-shock", str(folder), "company:a", "--pct", "50"])
    assert r.exit_code == 0 and "25.0%" in r.stdout
    assert "Shortfall: no-mitigation upper bound: no reallocation" in r.stdout
    r = runner.invoke(app, ["bulk-shock", str(folder), "company:x", "--pct", "50"])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("Error: unknown node 'company:x'; did you mean 'company:c' or "
                                "'company:b' or 'company:a'?")


def test_bad_row_names_file_line_column(folder: Path) -> None:
    (folder / "my_links.csv").write_text(LINKS.replace("0.8", "1.8"), encoding="utf-8")
    r = runner.invoke(app, ["bulk-shock", str(folder), "company:a", "--pct", "50"])
    assert r.exit_code == 3
    assert "my_links.csv, line 3, column 'weight'" in r.stderr
    assert "Traceback" not in r.stderr
