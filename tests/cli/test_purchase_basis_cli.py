"""``--purchase-basis`` of upstream ``riskgraph shock`` and ``riskgraph report`` (the money
model's purchase basis, docs/model.md section 12): said under the table, in the JSON, and bad
uses are clean errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from riskgraph.cli.app import app


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_the_table_says_the_basis() -> None:
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream")
    assert code == 0
    assert "Purchase basis: total revenue (a company that loses revenue cuts its purchases" in out
    assert ("Units: this table is US dollars and shares of each company's total revenue; the "
            "shortfall table above is the share of each node's sales on file") in " ".join(
                out.split())
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream",
                        "--purchase-basis", "segment")
    assert code == 0
    flat = " ".join(out.split())
    assert ("Purchase basis: AI-relevant segment (AI-infrastructure purchases fall by the share "
            "of the segment's revenue lost; the upper variant): ") in flat
    assert "Microsoft Intelligent Cloud 87.46 bn" in flat


def test_json_carries_the_basis_and_the_two_cuts() -> None:
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream",
                        "--purchase-basis", "segment", "--format", "json")
    assert code == 0
    m = json.loads(out)["money"]
    assert m["purchase_basis"]["rule"] == "segment"
    ms = {c["id"]: c for c in m["companies"]}["company:microsoft"]
    # OpenAI's 30% of 4,000 over Intelligent Cloud (87,464) and over all revenue (245,100)
    assert abs(ms["ai_purchase_cut"] - 1200 / 87464) < 1e-9
    assert abs(ms["purchase_cut"] - 1200 / 245100) < 1e-9


def test_errors() -> None:
    code, _, err = _run("shock", "gallium", "--pct", "30", "--purchase-basis", "segment")
    assert code == 2 and err == ("Error: --purchase-basis (the money model's) needs "
                                 "--direction upstream\n")
    code, _, err = _run("shock", "labs", "--pct", "30", "--direction", "upstream", "--set",
                        "purchase_basis=segment")
    assert code == 2 and err == ("Error: --set purchase_basis=segment: purchase_basis is not "
                                 "set with --set; use --purchase-basis\n")
    code, _, err = _run("shock", "labs", "--pct", "30", "--direction", "upstream",
                        "--purchase-basis", "total")
    assert code == 2 and "'total' is not one of 'revenue', 'segment'" in err
    assert "Traceback" not in err


def test_report_takes_the_basis(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = _run("report", "labs", "--pct", "30", "--direction", "upstream",
                        "--purchase-basis", "segment", "--samples", "0", "-o", str(out))
    assert code == 0, err
    page = out.read_text()
    assert "Purchase basis: AI-relevant segment" in page
    assert "Microsoft Intelligent Cloud 87.46 bn" in page
