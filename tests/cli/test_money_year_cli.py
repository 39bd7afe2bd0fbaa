"""``--year`` of ``riskgraph exposure`` and of upstream ``riskgraph shock`` (the money model's
calendar year), and contract flows (PPAs) that are listed but not yet in force."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from riskgraph.cli.app import app

NO_2025 = ("Error: no AI spend flows in force in 2025 in ingest/data/financials/flows.csv; "
           "years available: 2024\n")


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_shock_year_default_is_said_and_ppas_are_listed_not_propagated() -> None:
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream")
    assert code == 0
    money = out.split("Revenue at risk in USD")[1]
    assert ("Year: latest year with complete data (flows in force and every selling company's "
            "revenue on file): 2024; set another with --year.") in money
    assert ("Not propagated: Constellation Energy -> Microsoft (electricity, 560 m per year), "
            "not yet in force in 2024 (starts 2028).") in money
    assert ("Not propagated: Constellation Energy -> Meta (electricity, 750 m per year), not "
            "yet in force in 2024 (starts 2027-06-01).") in money


def test_shock_year_json_and_errors() -> None:
    code, out, _ = _run("shock", "labs", "--pct", "30", "--direction", "upstream", "--year",
                        "2024", "--format", "json")
    assert code == 0
    m = json.loads(out)["money"]
    assert m["year"] == 2024 and m["year_choice"]["basis"] == "--year 2024"
    assert m["year_choice"]["years_available"] == [2024]
    assert {r["flow_key"] for r in m["not_in_force"]} == {
        "company:constellation-energy|SELLS_TO|company:microsoft|electricity|2028",
        "company:constellation-energy|SELLS_TO|company:meta|electricity|2027"}
    code, _, err = _run("shock", "labs", "--pct", "30", "--direction", "upstream", "--year",
                        "2025")
    assert code == 2 and err == NO_2025
    code, _, err = _run("shock", "capex:microsoft", "--usd", "1e9", "--direction", "upstream",
                        "--year", "2025")
    assert code == 2 and err == NO_2025
    code, _, err = _run("shock", "gallium", "--pct", "30", "--year", "2024")
    assert code == 2 and err == ("Error: --year (the money model's year) needs --direction "
                                 "upstream\n")


def test_exposure_year() -> None:
    code, out, _ = _run("exposure", "Constellation Energy", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["year"] == 2024 and d["year_choice"]["years_complete"] == [2024]
    assert [(r["customer"], r["reason"]) for r in d["not_in_force"]] == [
        ("company:meta", "not yet in force in 2024 (starts 2027-06-01)"),
        ("company:microsoft", "not yet in force in 2024 (starts 2028)")]
    counted = [r for r in d["customers"] if r["counted"]]
    assert d["ai_revenue_usd_m"] == sum(r["amount_usd_m"] for r in counted) == 700
    code, out, _ = _run("exposure", "Constellation Energy")
    assert code == 0
    assert "Not counted: Microsoft electricity 560 m per year, not yet in force in 2024 " in out
    code, _, err = _run("exposure", "Vertiv", "--year", "2025")
    assert code == 2 and err == NO_2025
