"""``riskgraph exposure`` and the money part of ``riskgraph shock --direction upstream``."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from riskgraph.cli.app import app


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_exposure_vertiv_json_and_csv() -> None:
    code, out, _ = _run("exposure", "Vertiv", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["schema"] == "riskgraph.exposure/2" and d["company"] == "company:vertiv"
    assert 0 < d["share_of_revenue"] < 1 and d["units"]["usd_m"] == "USD million per year"
    assert d["covered"] is True and d["coverage"].startswith("measured: ")
    assert all(r["source"] for r in d["customers"])
    code, out, _ = _run("exposure", "Vertiv", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["customer"] for r in rows} >= {"company:microsoft"}
    assert all(r["confidence"] in ("reported", "estimated") for r in rows)


def test_exposure_table_and_errors() -> None:
    code, out, _ = _run("exposure", "Vertiv")
    assert code == 0 and "AI exposure of Vertiv (2024)" in out and "Microsoft" in out
    code, _, err = _run("exposure", "Vertivv")
    assert code == 2 and err.startswith("Error: unknown node 'Vertivv'; did you mean")
    code, _, err = _run("exposure", "gallium")
    assert code == 2 and err == "Error: 'gallium' is mineral:gallium, not a company\n"


def test_exposure_without_flows_says_not_measured_not_zero() -> None:
    code, out, _ = _run("exposure", "NuScale", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["covered"] is False and d["share_of_revenue"] is None
    assert d["ai_revenue_usd_m"] is None and d["revenue_usd_m"] > 0
    code, out, _ = _run("exposure", "NuScale")
    assert code == 0
    assert out.startswith("AI exposure of NuScale Power (2024): not measured (revenue ")
    flat = " ".join(out.split())  # the table console wraps long lines at its width
    assert ("coverage: not measured: ingest/data/financials/flows.csv holds no AI spend flow to "
            "NuScale Power; no figure is given because missing data is not zero exposure.") in flat
    assert "0%" not in out


def test_shock_upstream_prints_revenue_at_risk_in_usd() -> None:
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream")
    assert code == 0
    assert "Revenue at risk in USD (2024 AI spend flows; demand-side IIM)" in out
    for name in ("Nvidia", "Vertiv", "Constellation Energy", "Vistra", "ASML"):
        assert name in out.split("Revenue at risk in USD")[1]
    flat = " ".join(out.split())
    assert ("Not measured (revenue on file but in no AI spend flow of the year, so no USD figure; "
            "not a zero): ") in flat
    assert "NuScale Power" in flat.split("Not measured")[1]


def test_shock_capex_usd_and_its_errors() -> None:
    code, out, _ = _run("shock", "capex:microsoft", "--usd", "10e9", "--direction", "upstream",
                        "--format", "json")
    assert code == 0
    m = json.loads(out)["money"]
    assert m["capex"]["cut_usd_m"] == 10_000
    code, _, err = _run("shock", "gallium")
    assert code == 2 and err == ("Error: --pct is required (or --usd N with a capex:COMPANY "
                                 "target)\n")
    code, _, err = _run("shock", "capex:microsoft", "--usd", "1e9", "--pct", "5")
    assert code == 2 and err == "Error: give --pct or --usd, not both\n"
    code, _, err = _run("shock", "capex:microsoft", "--usd", "1e9")
    assert code == 2 and err == ("Error: a capex target is a demand shock: use --direction "
                                 "upstream\n")
    code, _, err = _run("shock", "Microsoft", "--usd", "1e9", "--direction", "upstream")
    assert code == 2 and err == ("Error: --usd needs a capex target such as capex:microsoft, "
                                 "not 'Microsoft'\n")
