"""The purchase basis of the money model (engine/money.py, docs/model.md section 12): under
"segment" a company's AI-infrastructure purchases fall with its AI-relevant segment's revenue,
its production inputs with its total revenue; hand-computed on a three-tier graph and on the
shipped one (Nvidia under ``shock labs --pct 30 --direction upstream --purchase-basis
segment``)."""

from __future__ import annotations

import pytest

from riskgraph.engine.money import MoneyShock, basis_text, run_money
from riskgraph.engine.shock import run_shock
from riskgraph.errors import UsageError
from riskgraph.graph.financials import revenue_usd, segment_usd
from riskgraph.graph.model import Edge, GraphData, Node


def _company(cid: str, revenue: float | None = None, segment: float | None = None) -> Node:
    figs = [(m, s, v) for m, s, v in (("revenue", "", revenue), ("segment_revenue", "AI", segment))
            if v is not None]
    n = len(figs)
    props = {} if not figs else {
        "fin_metric": [m for m, _, _ in figs], "fin_segment": [s for _, s, _ in figs],
        "fin_fiscal_year": ["FY2024"] * n, "fin_period_end": ["2024-12-31"] * n,
        "fin_calendar_year": [2024] * n, "fin_value": [float(v) for _, _, v in figs],
        "fin_currency": ["USD"] * n, "fin_value_usd": [float(v) for _, _, v in figs],
        "fin_fx": [""] * n, "fin_as_published": ["x"] * n,
        "fin_source": ["test 10-K segment note"] * n, "fin_verified_by": ["test"] * n,
        "fin_confidence": ["reported"] * n, "fin_rationale": [""] * n,
    }
    return Node(f"company:{cid}", "company", cid.upper(), "test", "2024", "reported",
                layer="chips", props=props)


def _flow(g: GraphData, sup: str, cus: str, amount: float, cat: str) -> None:
    g.add_edge(Edge(f"company:{sup}", f"company:{cus}", "SELLS_TO", "test flow", "2024",
                    "estimated", "test", key=f"company:{sup}|SELLS_TO|company:{cus}|{cat}|2024",
                    props={"amount": amount, "amount_low": amount, "amount_high": amount,
                           "unit": "MUSD", "category": cat, "year": 2024}))


@pytest.fixture
def tiers() -> GraphData:
    """Lab L -> cloud C (revenue 1,000, AI segment 400) -> chip designer N (revenue 500, AI
    segment 250) -> foundry T; C's power supplier V."""
    g = GraphData()
    g.add_node(_company("l"))
    g.add_node(_company("c", revenue=1000, segment=400))
    g.add_node(_company("n", revenue=500, segment=250))
    g.add_node(_company("t", revenue=200))
    g.add_node(_company("v", revenue=100))
    _flow(g, "c", "l", 100, "cloud_compute")
    _flow(g, "n", "c", 300, "accelerators")  # C's AI infrastructure: follows its segment
    _flow(g, "v", "c", 20, "electricity")  # likewise
    _flow(g, "t", "n", 50, "foundry")  # N's production input: follows its total revenue
    return g


def _by_id(block: dict) -> dict[str, dict]:
    return {c["id"]: c for c in block["companies"]}


def test_segment_basis_by_hand(tiers: GraphData) -> None:
    # L cuts 30%: C loses 30, which is 3% of its revenue and 7.5% of its AI segment (400).
    # C's accelerators and power fall by 7.5%: N loses 22.5, V 1.5.  N's wafers are a
    # production input: they fall by 22.5 / 500 = 4.5% (not 22.5 / 250), so T loses 2.25.
    m = run_money(tiers, MoneyShock(["company:l"], pct=30), basis="segment")
    c = _by_id(m)
    assert c["company:c"]["revenue_at_risk_usd_m"] == pytest.approx(30)
    assert c["company:c"]["share_of_revenue"] == pytest.approx(0.03)
    assert c["company:c"]["purchase_cut"] == pytest.approx(0.03)
    assert c["company:c"]["ai_purchase_cut"] == pytest.approx(0.075)
    assert c["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(22.5)
    assert c["company:n"]["purchase_cut"] == pytest.approx(0.045)
    assert c["company:v"]["revenue_at_risk_usd_m"] == pytest.approx(1.5)
    assert c["company:t"]["revenue_at_risk_usd_m"] == pytest.approx(2.25)
    (b,) = c["company:n"]["by_customer"]
    assert b["customer_purchase_cut"] == pytest.approx(0.075)
    assert b["lost_usd_m"] == pytest.approx(b["flow_usd_m"] * b["customer_purchase_cut"])
    p = c["company:t"]["paths"][0]
    assert [h["usd_m"] for h in p["hops"]] == pytest.approx([30, 22.5, 2.25])
    assert m["purchase_basis"] == {
        "rule": "segment",
        "scoped_categories": ["accelerators", "buildings", "cloud_compute", "electricity",
                              "networking", "power_cooling"],
        "companies": [{"id": "company:c", "name": "C", "segment": "AI", "basis_usd_m": 400.0,
                       "revenue_usd_m": 1000.0,
                       "source": "test 10-K segment note (FY2024; verified: test)"}]}
    assert basis_text(m) == (
        "Purchase basis: AI-relevant segment (AI-infrastructure purchases fall by the share of "
        "the segment's revenue lost; the upper variant): C AI 400 m. Foundry, memory, "
        "packaging and equipment purchases fall with total revenue.")


def test_revenue_basis_ignores_the_segment(tiers: GraphData) -> None:
    # the three-tier example of docs/model.md: 30, 9, 0.6 and 0.018 x 50 = 0.9
    m = run_money(tiers, MoneyShock(["company:l"], pct=30))
    c = _by_id(m)
    assert [c[f"company:{k}"]["revenue_at_risk_usd_m"] for k in "cnvt"] == pytest.approx(
        [30, 9, 0.6, 0.9])
    assert all(x["ai_purchase_cut"] == x["purchase_cut"] for x in m["companies"])
    assert m["purchase_basis"] == {"rule": "revenue", "scoped_categories": []}
    assert basis_text(m).startswith("Purchase basis: total revenue (")


def test_a_company_without_segment_uses_its_revenue(tiers: GraphData) -> None:
    tiers.nodes["company:c"] = _company("c", revenue=1000)
    m = run_money(tiers, MoneyShock(["company:l"], pct=30), basis="segment")
    assert _by_id(m)["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(9)
    assert m["purchase_basis"]["companies"][0]["segment"] is None
    assert "total revenue where no segment is on file: C." in basis_text(m)


def test_full_cut_stays_capped_under_segment_basis(tiers: GraphData) -> None:
    m = run_money(tiers, MoneyShock(["company:l"], pct=100), basis="segment")
    c = _by_id(m)
    # C loses 100 = 25% of its segment: N loses 0.25 x 300 = 75 (15% of 500)
    assert c["company:n"]["revenue_at_risk_usd_m"] == pytest.approx(75)
    for co in m["companies"]:
        assert co["ai_purchase_cut"] <= 1 and co["purchase_cut"] <= 1
        for b in co["by_customer"]:
            assert b["lost_usd_m"] <= b["flow_usd_m"] + 1e-12


def test_segment_never_above_revenue() -> None:
    n = _company("x", revenue=100, segment=120)
    assert segment_usd(n, 2024) is None  # an impossible segment is not used as a basis
    assert segment_usd(_company("y", revenue=100, segment=60), 2024)["value_usd"] == 60


def test_errors() -> None:
    g = GraphData()
    g.add_node(_company("a", revenue=100))
    g.add_node(_company("b", revenue=100))
    _flow(g, "a", "b", 10, "accelerators")
    with pytest.raises(UsageError, match=r"^purchase basis must be one of revenue, segment, "
                                         r"got 'total'$"):
        run_money(g, MoneyShock(["company:b"], pct=10), basis="total")


# -- the shipped graph --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> GraphData:
    from riskgraph.ingest.build import load_graph

    return load_graph()


def test_nvidia_by_hand_under_segment_basis(graph: GraphData) -> None:
    """Each cloud's AI purchases fall by what the labs stop paying it over its AI-relevant
    segment (Intelligent Cloud, AWS, Google Cloud, Oracle cloud services; CoreWeave's 62% of
    revenue from Microsoft passes on Microsoft's cut over its one segment)."""
    m = run_shock(graph, "labs", 30, direction="upstream", top=100,
                  purchase_basis="segment")["money"]
    flows = [e for e in graph.edges.values() if e.type == "SELLS_TO"
             and e.props.get("year") == 2024 and not e.props.get("start")]

    def f(sup: str, cus: str) -> float:
        return sum(float(e.props["amount"]) for e in flows
                   if e.src == f"company:{sup}" and e.dst == f"company:{cus}")

    def seg(cid: str) -> float:
        s = segment_usd(graph.nodes[f"company:{cid}"], 2024)
        assert s is not None, cid
        return float(s["value_usd"])

    q = {cl: sum(0.3 * f(cl, lab) for lab in ("openai", "anthropic")) / seg(cl)
         for cl in ("microsoft", "amazon", "alphabet", "oracle")}
    q["coreweave"] = f("coreweave", "microsoft") * q["microsoft"] / seg("coreweave")
    by_hand = sum(f("nvidia", k) * qk for k, qk in q.items())
    nv = _by_id(m)["company:nvidia"]
    assert nv["revenue_at_risk_usd_m"] == pytest.approx(by_hand, rel=1e-9)
    assert nv["share_of_revenue"] == pytest.approx(
        by_hand / revenue_usd(graph.nodes["company:nvidia"], 2024), rel=1e-9)
    assert m["purchase_basis"]["rule"] == "segment"
    assert {c["id"]: c["segment"] for c in m["purchase_basis"]["companies"]}[
        "company:microsoft"] == "Intelligent Cloud"


def test_segment_basis_is_the_upper_variant_and_stays_within_the_cut(graph: GraphData) -> None:
    for target in ("labs", "clouds"):
        lo = _by_id(run_shock(graph, target, 30, direction="upstream", top=200)["money"])
        hi = _by_id(run_shock(graph, target, 30, direction="upstream", top=200,
                              purchase_basis="segment")["money"])
        assert set(lo) <= set(hi)
        for cid, co in hi.items():
            assert co["revenue_at_risk_usd_m"] >= lo[cid]["revenue_at_risk_usd_m"] - 1e-9, cid
            assert co["ai_purchase_cut"] <= 0.3 + 1e-12 or cid.endswith(
                tuple(t for t in ("openai", "anthropic"))), cid
            if co["share_of_revenue"] is not None:
                assert co["share_of_revenue"] <= 0.3 + 1e-12, cid


def test_run_shock_checks_the_basis(graph: GraphData) -> None:
    with pytest.raises(UsageError, match=r"^--purchase-basis \(the money model's\) needs "
                                         r"--direction upstream$"):
        run_shock(graph, "gallium", 30, purchase_basis="segment")
    with pytest.raises(UsageError, match=r"^--purchase-basis must be one of revenue, segment, "
                                         r"got 'x'$"):
        run_shock(graph, "labs", 30, direction="upstream", purchase_basis="x")
