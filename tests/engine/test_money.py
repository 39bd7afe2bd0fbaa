"""The money model (engine/money.py): a hand-computed three-tier example, upstream caps, no
double counting through overlapping owners, capex targets, the JSON schema, the real graph."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from riskgraph.engine import money
from riskgraph.engine.money import MoneyShock, run_money
from riskgraph.engine.shock import run_shock
from riskgraph.errors import UsageError
from riskgraph.graph.model import Edge, GraphData, Node

SCHEMA = json.loads((Path(money.__file__).parent / "shock-schema.json").read_text())


def _company(cid: str, revenue: float | None = None, capex: float | None = None) -> Node:
    props: dict = {}
    figs = [(m, v) for m, v in (("revenue", revenue), ("capex", capex)) if v is not None]
    if figs:
        n = len(figs)
        props = {
            "fin_metric": [m for m, _ in figs], "fin_segment": [""] * n,
            "fin_fiscal_year": ["FY2024"] * n, "fin_period_end": ["2024-12-31"] * n,
            "fin_calendar_year": [2024] * n, "fin_value": [float(v) for _, v in figs],
            "fin_currency": ["USD"] * n, "fin_value_usd": [float(v) for _, v in figs],
            "fin_fx": [""] * n, "fin_as_published": ["x"] * n, "fin_source": ["test 10-K"] * n,
            "fin_verified_by": ["test"] * n, "fin_confidence": ["reported"] * n,
            "fin_rationale": [""] * n,
        }
    return Node(f"company:{cid}", "company", cid.upper(), "test", "2024", "reported",
                layer="chips", props=props)


def _flow(g: GraphData, sup: str, cus: str, amount: float, cat: str,
          low: float | None = None, high: float | None = None) -> None:
    g.add_edge(Edge(f"company:{sup}", f"company:{cus}", "SELLS_TO", "test flow", "2024",
                    "estimated", "test", key=f"company:{sup}|SELLS_TO|company:{cus}|{cat}|2024",
                    props={"amount": amount, "amount_low": low if low is not None else amount,
                           "amount_high": high if high is not None else amount, "unit": "MUSD",
                           "category": cat, "year": 2024}))


@pytest.fixture
def three_tier() -> GraphData:
    """Lab L (private, no revenue) -> cloud C -> chip designer N -> foundry T; power V."""
    g = GraphData()
    g.add_node(_company("l"))
    g.add_node(_company("c", revenue=1000, capex=1000))
    g.add_node(_company("n", revenue=500))
    g.add_node(_company("t", revenue=200))
    g.add_node(_company("v", revenue=100))
    _flow(g, "c", "l", 100, "cloud_compute", 50, 200)  # C sells 100 of compute to L
    _flow(g, "n", "c", 300, "accelerators", 200, 400)  # C buys 300 of chips from N
    _flow(g, "t", "n", 50, "foundry")  # N buys 50 of wafers from T
    _flow(g, "v", "c", 20, "electricity")  # C's power bill (opex)
    return g


def _by_id(block: dict) -> dict[str, dict]:
    return {c["id"]: c for c in block["companies"]}


def test_hand_computed_three_tier_example(three_tier: GraphData) -> None:
    # L cuts its purchases by 30%: C loses 0.3 x 100 = 30 (3% of 1000), so C buys 3% less:
    # N loses 0.03 x 300 = 9 (1.8% of 500); T loses 0.018 x 50 = 0.9; V loses 0.03 x 20 = 0.6.
    m = run_money(three_tier, MoneyShock(["company:l"], pct=30))
    c = _by_id(m)
    assert c["company:c"]["revenue_at_risk_usd_m"] == pytest.approx(30)
    assert c["company:c"]["share_of_revenue"] == pytest.approx(0.03)
    assert c["company:c"]["purchase_cut"] == pytest.approx(0.03)
    assert c["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(9)
    assert c["company:n"]["share_of_revenue"] == pytest.approx(0.018)
    assert c["company:t"]["revenue_at_risk_usd_m"] == pytest.approx(0.9)
    assert c["company:t"]["share_of_revenue"] == pytest.approx(0.0045)
    assert c["company:v"]["revenue_at_risk_usd_m"] == pytest.approx(0.6)
    assert m["direct_cut_usd_m"] == pytest.approx(30)
    assert m["total_revenue_at_risk_usd_m"] == pytest.approx(30 + 9 + 0.9 + 0.6)
    # the path that carries T's loss, hop by hop, in USD
    p = c["company:t"]["paths"][0]
    assert [(h["customer"], h["supplier"]) for h in p["hops"]] == [
        ("company:l", "company:c"), ("company:c", "company:n"), ("company:n", "company:t")]
    assert [h["usd_m"] for h in p["hops"]] == pytest.approx([30, 9, 0.9])
    assert p["usd_m"] == pytest.approx(0.9)
    # the band: every flow at its low / high end (monotone model)
    assert c["company:n"]["revenue_at_risk_low_usd_m"] == pytest.approx(0.3 * 50 / 1000 * 200)
    assert c["company:n"]["revenue_at_risk_high_usd_m"] == pytest.approx(0.3 * 200 / 1000 * 400)


def test_losses_never_exceed_the_cut_applied_to_a_customers_purchases(
        three_tier: GraphData) -> None:
    m = run_money(three_tier, MoneyShock(["company:l"], pct=30))
    for co in m["companies"]:
        for b in co["by_customer"]:
            assert b["lost_usd_m"] == pytest.approx(b["flow_usd_m"] * b["customer_purchase_cut"])
            assert b["lost_usd_m"] <= b["flow_usd_m"] * b["customer_purchase_cut"] + 1e-12
        if co["revenue_usd_m"] is not None:
            assert co["revenue_at_risk_usd_m"] <= co["revenue_usd_m"]
            assert co["revenue_at_risk_high_usd_m"] <= co["revenue_usd_m"]


def test_full_cut_on_a_cycle_is_capped() -> None:
    # A and B sell everything to each other: with a 100% cut of A, both lose all revenue, once.
    g = GraphData()
    g.add_node(_company("a", revenue=100))
    g.add_node(_company("b", revenue=100))
    _flow(g, "a", "b", 100, "cloud_compute")
    _flow(g, "b", "a", 100, "accelerators")
    c = _by_id(run_money(g, MoneyShock(["company:a"], pct=100)))
    assert c["company:b"]["revenue_at_risk_usd_m"] == pytest.approx(100)
    assert c["company:a"]["revenue_at_risk_usd_m"] == pytest.approx(100)
    assert c["company:a"]["purchase_cut"] == 1.0 and c["company:b"]["purchase_cut"] == 1.0


def test_no_double_counting_through_overlapping_owners() -> None:
    # M buys GPUs from N directly (300) and rents capacity from W (100), which buys from N
    # (80). A 50% cut by M reaches N once per dollar: 0.5 x 300 + (0.5 x 100 / 200) x 80.
    g = GraphData()
    g.add_node(_company("m", revenue=1000))
    g.add_node(_company("w", revenue=200))
    g.add_node(_company("n", revenue=1000))
    _flow(g, "n", "m", 300, "accelerators")
    _flow(g, "w", "m", 100, "cloud_compute")
    _flow(g, "n", "w", 80, "accelerators")
    c = _by_id(run_money(g, MoneyShock(["company:m"], pct=50)))
    assert c["company:w"]["revenue_at_risk_usd_m"] == pytest.approx(50)
    assert c["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(150 + 0.25 * 80)
    # at most what N's two customers buy from it, times their cuts
    assert c["company:n"]["revenue_at_risk_usd_m"] <= 300 * 0.5 + 80 * 0.25 + 1e-9


def test_capex_target_cuts_only_capex_flows(three_tier: GraphData) -> None:
    # C cuts 100 of its 1000 capex: N's 300 of accelerators shrink by 10% (30); the power bill
    # (electricity, opex) does not; T loses 30/500 x 50 = 3.
    m = run_money(three_tier, MoneyShock(["company:c"], capex_company="company:c",
                                         capex_usd_m=100))
    c = _by_id(m)
    assert c["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(30)
    assert c["company:t"]["revenue_at_risk_usd_m"] == pytest.approx(3)
    assert "company:v" not in c
    assert m["capex"]["share_of_capex"] == pytest.approx(0.1)
    with pytest.raises(UsageError, match=r"^--usd must be in \(0, 1e\+09\]"):
        run_money(three_tier, MoneyShock(["company:c"], capex_company="company:c",
                                         capex_usd_m=2000))


def test_solve_matches_the_leontief_inverse_when_nothing_is_capped(
        three_tier: GraphData) -> None:
    net = money.build_network(three_tier)
    amounts = np.array([f.amount for f in net.flows])
    c = np.zeros(net.n)
    c[net.index["company:l"]] = 0.3
    q, loss, _, q_s = money.solve(net, c, np.zeros(net.n), amounts)
    a = money._matrix(net, amounts)[:net.n, :net.n]  # the company-wide block
    assert q == pytest.approx(np.linalg.solve(np.eye(net.n) - a, c))
    assert q_s == pytest.approx(q)  # basis "revenue": one cut per company


# -- the shipped graph --------------------------------------------------------------------------
NAMED = ["nvidia", "amd", "broadcom", "marvell", "tsmc", "micron", "sk-hynix", "samsung", "asml",
         "vertiv", "constellation-energy", "vistra"]


@pytest.fixture(scope="module")
def graph() -> GraphData:
    from riskgraph.ingest.build import load_graph

    return load_graph()


def test_labs_cut_reaches_every_named_company_in_usd(graph: GraphData) -> None:
    r = run_shock(graph, "labs", 30, direction="upstream", top=50)
    jsonschema.validate(json.loads(json.dumps(r)), SCHEMA)
    c = _by_id(r["money"])
    for slug in NAMED:
        co = c[f"company:{slug}"]
        assert co["revenue_at_risk_usd_m"] > 0, slug
        assert 0 < co["share_of_revenue"] < 1, slug
        assert co["paths"], slug  # explained
        for b in co["by_customer"]:
            assert b["lost_usd_m"] <= b["flow_usd_m"] * b["customer_purchase_cut"] + 1e-9
    # what the labs stop paying is the cut, and no cloud loses more than the labs' cut of it
    assert r["money"]["direct_cut_usd_m"] == pytest.approx(0.3 * (4000 + 300 + 1000 + 500))
    assert c["company:microsoft"]["revenue_at_risk_usd_m"] == pytest.approx(0.3 * 4000)


def test_capex_target_on_the_shipped_graph(graph: GraphData) -> None:
    r = run_shock(graph, "capex:microsoft", 0, direction="upstream", usd=10e9)
    jsonschema.validate(json.loads(json.dumps(r)), SCHEMA)
    assert r["shock"]["targets"] == ["company:microsoft"]
    assert r["shock"]["pct"] == pytest.approx(100 * 10_000 / 44_477)
    nv = _by_id(r["money"])["company:nvidia"]
    assert nv["revenue_at_risk_usd_m"] == pytest.approx(0.30 * 10_000)  # Nvidia's capex share
    for text, kw, msg in (
        ("capex:microsoft", {"usd": None}, "'capex:microsoft' needs --usd N"),
        ("Microsoft", {"usd": 1e9}, "--usd needs a capex target such as capex:microsoft"),
        ("capex:openai", {"usd": 1e9}, "OpenAI has no 2024 capex"),
    ):
        with pytest.raises(UsageError, match=msg):
            run_shock(graph, text, 10, direction="upstream", **kw)
    with pytest.raises(UsageError, match="use --direction upstream"):
        run_shock(graph, "capex:microsoft", 0, usd=1e9)


def test_schema_says_which_figures_are_usd_and_which_shares() -> None:
    co = SCHEMA["properties"]["money"]["properties"]["companies"]["items"]["properties"]
    assert "USD million" in co["revenue_at_risk_usd_m"]["description"]
    assert "SHARE" in co["share_of_revenue"]["description"]
    assert "SHARE" in co["purchase_cut"]["description"]
    assert "_usd_m are USD million" in SCHEMA["properties"]["money"]["description"]


def test_downstream_results_have_no_money_block(graph: GraphData) -> None:
    assert "money" not in run_shock(graph, "gallium", 50)


def test_exposure_of_vertiv_lists_customers_with_sources(graph: GraphData) -> None:
    e = money.exposure(graph, "company:vertiv")
    assert e["revenue_usd_m"] == 8012
    assert 0 < e["share_low"] <= e["share_of_revenue"] <= e["share_high"] <= 1
    assert {r["customer"] for r in e["customers"]} >= {"company:microsoft", "company:meta"}
    assert all(r["source"] and r["rationale"] for r in e["customers"])
    assert e["ai_revenue_usd_m"] == pytest.approx(sum(r["amount_usd_m"] for r in e["customers"]))


def test_upstream_shock_on_a_graph_without_flows_has_no_money_block() -> None:
    """A graph with no SELLS_TO flows (a user's own supplier map) runs upstream with
    ``money`` null instead of failing on the year choice."""
    from riskgraph.engine.shock import run_shock
    from riskgraph.graph.model import Edge, GraphData, Node

    g = GraphData()
    for nid in ("company:a", "company:b"):
        g.add_node(Node(nid, "company", nid[-1].upper(), source="fixture", as_of="2024",
                        confidence="reported", layer="chips"))
    g.add_edge(Edge("company:a", "company:b", "SUPPLIES", source="fixture", as_of="2024",
                    confidence="estimated", rationale="fixture",
                    props={"weight": 1.0, "sales_share": 0.5}))
    r = run_shock(g, "company:b", 30, direction="upstream")
    assert r["money"] is None
    assert {n["id"]: round(n["shortfall"], 6) for n in r["nodes"]} == {
        "company:b": 0.3, "company:a": 0.15}
