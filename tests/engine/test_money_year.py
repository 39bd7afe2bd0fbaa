"""The money model's year (engine/money.py): the default (latest year with complete data), an
explicit ``year``, errors listing the years available, and contract flows (start/end, e.g. power
purchase agreements) counted pro rata in the years they are in force."""

from __future__ import annotations

import pytest

from riskgraph.engine import money
from riskgraph.engine.money import MoneyShock, in_force, resolve_year, run_money
from riskgraph.errors import UsageError
from riskgraph.graph.model import Edge, GraphData, Node

FLOWS = "ingest/data/financials/flows.csv"
FIN = "ingest/data/financials/financials.csv"
HALF = 184 / 365  # 1 July to 31 December 2025


def _company(cid: str, revenue: dict[int, float] | None = None) -> Node:
    figs = sorted((revenue or {}).items())
    n = len(figs)
    props: dict = {}
    if figs:
        props = {
            "fin_metric": ["revenue"] * n, "fin_segment": [""] * n,
            "fin_fiscal_year": [f"FY{y}" for y, _ in figs],
            "fin_period_end": [f"{y}-12-31" for y, _ in figs],
            "fin_calendar_year": [y for y, _ in figs], "fin_value": [float(v) for _, v in figs],
            "fin_currency": ["USD"] * n, "fin_value_usd": [float(v) for _, v in figs],
            "fin_fx": [""] * n, "fin_as_published": ["x"] * n, "fin_source": ["test 10-K"] * n,
            "fin_verified_by": ["test"] * n, "fin_confidence": ["reported"] * n,
            "fin_rationale": [""] * n,
        }
    return Node(f"company:{cid}", "company", cid.upper(), "test", "2024", "reported",
                layer="chips", props=props)


def _flow(g: GraphData, sup: str, cus: str, amount: float, cat: str, year: int,
          start: str = "", end: str = "") -> None:
    props: dict = {"amount": amount, "amount_low": amount, "amount_high": amount,
                   "unit": "MUSD", "category": cat, "year": year}
    if start:
        props["start"] = start
    if end:
        props["end"] = end
    g.add_edge(Edge(f"company:{sup}", f"company:{cus}", "SELLS_TO", "test flow", str(year),
                    "estimated", "test",
                    key=f"company:{sup}|SELLS_TO|company:{cus}|{cat}|{year}", props=props))


@pytest.fixture
def g() -> GraphData:
    """Lab L (private) rents cloud C; C's power from P, under a contract from 1 July 2025 to
    the end of 2026 (P has no 2026 accounts), and from S (no accounts) in 2024."""
    g = GraphData()
    g.add_node(_company("l"))
    g.add_node(_company("c", {2024: 1000, 2025: 2000, 2027: 4000}))
    g.add_node(_company("p", {2024: 100, 2025: 100}))
    g.add_node(_company("s"))
    for y, amt in ((2024, 100), (2025, 200), (2027, 400)):
        _flow(g, "c", "l", amt, "cloud_compute", y)
    _flow(g, "p", "c", 10, "electricity", 2024)
    _flow(g, "s", "c", 5, "electricity", 2024)
    _flow(g, "p", "c", 50, "electricity", 2025, start="2025-07-01", end="2026")
    return g


def test_in_force_fraction() -> None:
    ppa = {"year": 2025, "start": "2025-07-01", "end": "2026"}
    assert in_force(ppa, 2024) == 0
    assert in_force(ppa, 2025) == pytest.approx(HALF)
    assert in_force(ppa, 2026) == 1
    assert in_force(ppa, 2027) == 0
    assert in_force({"year": 2025, "start": "2025"}, 2060) == 1  # open-ended
    assert in_force({"year": 2024}, 2024) == 1 and in_force({"year": 2024}, 2025) == 0


def test_default_is_the_latest_year_with_complete_data_and_says_so(g: GraphData) -> None:
    ch = resolve_year(g)
    assert ch.year == 2027
    assert ch.available == [2024, 2025, 2027]  # 2026: the contract only, P has no accounts
    assert ch.complete == [2025, 2027]  # 2024: S sells without accounts
    assert ch.basis == ("latest year with complete data (flows in force and every selling "
                        "company's revenue on file): 2027; set another with --year")
    m = run_money(g, MoneyShock(["company:l"], pct=30))
    assert m["year"] == 2027 and m["year_choice"]["basis"] == ch.basis
    # the contract ended in 2026: listed, not propagated
    assert [r["reason"] for r in m["not_in_force"]] == ["no longer in force in 2027 (ended 2026)"]
    assert "company:p" not in {c["id"] for c in m["companies"]}


def test_a_contract_counts_pro_rata_in_its_first_year(g: GraphData) -> None:
    m = run_money(g, MoneyShock(["company:l"], pct=30), year=2025)
    c = {x["id"]: x for x in m["companies"]}
    # C loses 0.3 x 200 = 60 of 2,000 (3%); P's contract is in force for 184 of 365 days
    assert c["company:c"]["revenue_at_risk_usd_m"] == pytest.approx(60)
    assert c["company:p"]["revenue_at_risk_usd_m"] == pytest.approx(0.03 * 50 * HALF)
    assert c["company:p"]["by_customer"][0]["flow_usd_m"] == pytest.approx(50 * HALF)
    assert m["flows_part_year"] == [{
        "flow_key": "company:p|SELLS_TO|company:c|electricity|2025", "in_force": HALF}]
    assert m["not_in_force"] == []
    assert m["year_choice"]["basis"] == "--year 2025"


def test_a_contract_not_yet_in_force_is_listed_not_propagated(g: GraphData) -> None:
    m = run_money(g, MoneyShock(["company:l"], pct=30), year=2024)
    c = {x["id"]: x for x in m["companies"]}
    assert c["company:p"]["revenue_at_risk_usd_m"] == pytest.approx(0.3 * 100 / 1000 * 10)
    (r,) = m["not_in_force"]
    assert r["flow_key"] == "company:p|SELLS_TO|company:c|electricity|2025"
    assert r["reason"] == "not yet in force in 2024 (starts 2025-07-01)"
    assert r["amount_usd_m"] == 50 and (r["start"], r["end"]) == ("2025-07-01", "2026")
    assert "2024 are not propagated (not_in_force)" in m["notes"][-1]
    # an incomplete year is allowed when asked for, and says which sellers lack accounts
    assert m["year_choice"]["basis"] == ("--year 2024 (incomplete: no 2024 revenue for "
                                         "company:s, whose losses are counted but not passed "
                                         "on)")
    assert c["company:s"]["revenue_at_risk_usd_m"] == pytest.approx(0.03 * 5)
    assert c["company:s"]["share_of_revenue"] is None


@pytest.mark.parametrize(("year", "message"), [
    (2030, f"no AI spend flows in force in 2030 in {FLOWS}; years available: 2024, 2025, 2027"),
    (2026, f"no 2026 revenue in {FIN} for any company selling in that year's flows "
           "(company:p); years available: 2024, 2025, 2027"),
])
def test_years_without_flows_or_revenue_are_errors(g: GraphData, year: int,
                                                   message: str) -> None:
    for call in (lambda: run_money(g, MoneyShock(["company:l"], pct=30), year=year),
                 lambda: money.exposure(g, "company:p", year=year)):
        with pytest.raises(UsageError) as ei:
            call()
        assert str(ei.value) == message


def test_no_complete_year_is_an_error() -> None:
    g = GraphData()
    g.add_node(_company("a"))
    g.add_node(_company("b"))
    _flow(g, "a", "b", 10, "cloud_compute", 2024)
    with pytest.raises(UsageError) as ei:
        resolve_year(g)
    assert str(ei.value) == (f"no year has AI spend flows in {FLOWS} with every selling "
                             f"company's revenue in {FIN}; years available: none")


def test_exposure_counts_only_flows_in_force(g: GraphData) -> None:
    e = money.exposure(g, "company:p", year=2025)
    (row,) = [r for r in e["customers"] if r["counted"]]
    assert row["counted_usd_m"] == pytest.approx(50 * HALF)
    assert e["ai_revenue_usd_m"] == pytest.approx(50 * HALF)
    assert e["share_of_revenue"] == pytest.approx(50 * HALF / 100)
    e = money.exposure(g, "company:p", year=2024)
    assert e["ai_revenue_usd_m"] == 10
    assert [r["reason"] for r in e["not_in_force"]] == [
        "not yet in force in 2024 (starts 2025-07-01)"]
    assert "contracts not in force in 2024 are listed but not counted" in e["note"]


def test_a_company_in_no_flow_of_the_year_is_not_measured_never_zero() -> None:
    """No flow in force is missing data: the exposure gives no figure (None, not 0) and says
    why; an upstream run lists such companies in ``not_covered``."""
    g = GraphData()
    g.add_node(_company("l"))
    g.add_node(_company("c", {2024: 1000}))
    g.add_node(_company("p", {2024: 100, 2025: 100}))
    g.add_node(_company("z", {2024: 500}))
    _flow(g, "c", "l", 100, "cloud_compute", 2024)
    _flow(g, "p", "c", 50, "electricity", 2025, start="2025-07-01", end="2026")
    z = money.exposure(g, "company:z", year=2024)
    assert z["schema"] == "riskgraph.exposure/2" and z["covered"] is False
    assert [z[k] for k in ("ai_revenue_usd_m", "ai_revenue_low_usd_m", "ai_revenue_high_usd_m",
                           "share_of_revenue", "share_low", "share_high")] == [None] * 6
    assert z["coverage"] == (f"not measured: {FLOWS} holds no AI spend flow to Z; no figure is "
                             "given because missing data is not zero exposure")
    p = money.exposure(g, "company:p", year=2024)
    assert p["covered"] is False and p["share_of_revenue"] is None
    assert p["coverage"] == (f"not measured: none of the 1 AI spend flow(s) to P in {FLOWS} is "
                             "in force in 2024; no figure is given because missing data is not "
                             "zero exposure")
    c = money.exposure(g, "company:c", year=2024)
    assert c["covered"] is True and c["share_of_revenue"] == pytest.approx(0.1)
    assert c["coverage"] == "measured: 1 AI spend flow(s) to C in force in 2024 (0 reported)"
    m = run_money(g, MoneyShock(["company:l"], pct=30), year=2024)
    assert m["not_covered"] == [{"id": "company:p", "name": "P"},
                                {"id": "company:z", "name": "Z"}]
    assert ("2 companies with 2024 revenue on file are in no AI spend flow in force in 2024 "
            "(not_covered)") in m["notes"][-1]
