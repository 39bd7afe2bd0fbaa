"""Shortage economics (engine/market.py): allocation rules, supply response, price, export controls.

Every expected number is computed by hand in the comment beside it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from riskgraph.engine import market
from riskgraph.engine.shock import run_shock
from riskgraph.errors import UsageError
from riskgraph.graph.markets import EndUse, MineralMarket, Range, SupplyParam, market_props
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.trade import TradeShares, trade_props


# -- allocation on small hand-computed markets ---------------------------------------------------
def test_proportional_cuts_every_use_alike() -> None:
    d = market.allocate([0.5, 0.3, 0.2], [1, 2, 3], 0.4, "proportional")
    assert d.tolist() == pytest.approx([0.4, 0.4, 0.4])


def test_priority_serves_in_rank_order() -> None:
    # supply 0.6 of demand: rank 1 (0.5) in full, rank 2 (0.3) gets 0.1 -> 2/3 short, rank 3 none
    d = market.allocate([0.5, 0.3, 0.2], [1, 2, 3], 0.4, "priority")
    assert d.tolist() == pytest.approx([0.0, 2 / 3, 1.0])
    assert market.served([0.5, 0.3, 0.2], d) == pytest.approx(0.6)


def test_priority_ties_share_pro_rata() -> None:
    # ranks (1, 1, 2), shares (0.4, 0.2, 0.4), 70% short: supply 0.3 < tied demand 0.6
    # -> both rank-1 uses get half their demand (0.5 short), rank 2 nothing
    d = market.allocate([0.4, 0.2, 0.4], [1, 1, 2], 0.7, "priority")
    assert d.tolist() == pytest.approx([0.5, 0.5, 1.0])


def test_mixed_is_the_convex_combination_and_feasible() -> None:
    # theta 0.25: 0.25 x (0, 2/3, 1) + 0.75 x 0.4
    d = market.allocate([0.5, 0.3, 0.2], [1, 2, 3], 0.4, "mixed", 0.25)
    assert d.tolist() == pytest.approx([0.3, 0.25 * 2 / 3 + 0.3, 0.25 + 0.3])
    assert market.served([0.5, 0.3, 0.2], d) == pytest.approx(0.6)
    # theta 0 and 1 are the two pure rules
    assert market.allocate([0.5, 0.5], [1, 2], 0.2, "mixed", 0.0).tolist() == [0.2, 0.2]
    assert market.allocate([0.5, 0.5], [1, 2], 0.2, "mixed", 1.0).tolist() == \
        pytest.approx([0.0, 0.4])


def test_substitution_scales_the_output_shortfall() -> None:
    # priority: (0, 2/3, 1); substitution (0.5, 0.5, 0.2) -> (0, 1/3, 0.8)
    d = market.allocate([0.5, 0.3, 0.2], [1, 2, 3], 0.4, "priority", substitution=[0.5, 0.5, 0.2])
    assert d.tolist() == pytest.approx([0.0, 1 / 3, 0.8])


def test_shares_are_normalised_and_no_shortage_is_no_shortage() -> None:
    assert market.allocate([2, 2], [1, 2], 0.25, "priority").tolist() == \
        pytest.approx([0.0, 0.5])
    assert market.allocate([0.6, 0.4], [1, 2], 0.0, "priority").tolist() == [0.0, 0.0]
    assert market.allocate([0.6, 0.4], [1, 2], 1.0, "mixed").tolist() == [1.0, 1.0]


def test_unknown_rule_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--allocation must be one of proportional, priority, "
                                         r"mixed, not 'best'"):
        market.allocate([1.0], [1], 0.1, "best")


# -- supply response ------------------------------------------------------------------------------
def test_supply_response_ramps_linearly_and_long_run_is_full() -> None:
    # spare 0.2 over 10 months, secondary 0.1 over 4
    assert market.supply_response(0.2, 10, 0.1, 4, month=5) == pytest.approx((0.1, 0.1))
    assert market.supply_response(0.2, 10, 0.1, 4, month=2) == pytest.approx((0.04, 0.05))
    assert market.supply_response(0.2, 10, 0.1, 4, month=None) == pytest.approx((0.2, 0.1))
    assert market.supply_response(0.2, 10, 0.1, 4, month=30) == pytest.approx((0.2, 0.1))
    assert market.ramp(0.3, 0, 1) == 0.3  # no restart time: at once


def test_net_shortfall_uses_response_then_stocks() -> None:
    # cut 0.5, response 0.2 -> gap 0.3; 0.1 month of stocks -> 0.2 left, 0.1 drawn
    assert market.net_shortfall(0.5, 0.2, 0.1) == pytest.approx((0.2, 0.1))
    # response larger than the cut: nothing left, nothing drawn
    assert market.net_shortfall(0.1, 0.3, 2.0) == (0.0, 0.0)


# -- price pressure -------------------------------------------------------------------------------
def test_price_ratio_constant_elasticity() -> None:
    # (1 - 0.2)^(1 / (-0.1 - 0.3)) = 0.8^-2.5 = 1.7469
    assert market.price_ratio(0.2, -0.1, 0.3) == pytest.approx(0.8 ** -2.5)
    # signs on file do not matter (magnitudes)
    assert market.price_ratio(0.2, 0.1, -0.3) == pytest.approx(0.8 ** -2.5)
    assert market.price_ratio(0.0, -0.1, 0.3) == 1.0
    assert math.isinf(market.price_ratio(1.0, -0.1, 0.3))


# -- export-control arithmetic ---------------------------------------------------------------
def test_exports_arithmetic_by_hand() -> None:
    # C 19 t, n 100%, s 0.194, P 100%: lost 3.686 t; reroute 0.3 -> 1.1058 t (< 154 t available)
    r = market.exports_arithmetic(19.0, 1.0, 0.194, 1.0, 0.3, 154.4)
    assert r["lost_t"] == pytest.approx(3.686)
    assert r["rerouted_t"] == pytest.approx(1.1058)
    assert r["shortfall"] == pytest.approx((3.686 - 1.1058) / 19.0)
    # the others' available supply caps the re-routing; half the restart time: half of it
    r = market.exports_arithmetic(100.0, 0.5, 0.4, 0.5, 1.0, 5.0, reroute_ramp=0.5)
    assert r["lost_t"] == pytest.approx(10.0)  # 100 x 0.5 x 0.4 x 0.5
    assert r["rerouted_t"] == pytest.approx(2.5)  # min(10, 5) x 0.5
    assert r["shortfall"] == pytest.approx(0.075)


# -- integration on a tiny graph --------------------------------------------------------------
def _tiny(with_market: bool = True, with_trade: bool = False) -> GraphData:
    """Mineral X (world 100 t, US consumption 10 t, NIR 100%) -> chips (use rank 1, share 0.5)
    and -> glass (rank 2, share 0.3); a use outside the graph (rank 3, 0.2).  Country A makes
    90% of X, B 10%.  chips -> lab (requirement 1.0), glass -> lab2 (1.0)."""
    g = GraphData()

    def node(nid: str, kind: str, layer: str = "", **props: object) -> None:
        g.add_node(Node(nid, kind, nid.split(":")[1], "test", "2024", "reported", layer=layer,
                        props=dict(props)))  # type: ignore[arg-type]

    def edge(a: str, b: str, t: str, w: float, **props: object) -> None:
        g.add_edge(Edge(a, b, t, "test", "2024", "estimated", rationale="test",
                        props={"weight": w, **props}))  # type: ignore[dict-item]

    props: dict[str, object] = {"world_production_t_2024": 100.0,
                                "us_apparent_consumption_t_2024": 10.0,
                                "us_net_import_reliance_pct_2024": 100}
    if with_market:
        def u(use: str, share: float, nodes: tuple[str, ...], rank: int, sub: float) -> EndUse:
            return EndUse(use, use, Range(share, share, share), nodes, rank, "test",
                          Range(sub, sub, sub), "test", "2024", "estimated", "test")

        def sp(name: str, v: float, lo: float, hi: float) -> SupplyParam:
            return SupplyParam(name, Range(v, lo, hi), "", "test p.1", "2024", "estimated", "t")

        mk = MineralMarket("mineral:x", uses=(
            u("chips", 0.5, ("input:chips",), 1, 0.0), u("glass", 0.3, ("input:glass",), 2, 0.5),
            u("other", 0.2, (), 3, 0.0)), supply={
            "spare_capacity": sp("spare_capacity", 0.1, 0.0, 0.2),
            "restart_months": sp("restart_months", 10.0, 5.0, 20.0),
            "demand_elasticity": sp("demand_elasticity", -0.2, -0.4, -0.1),
            "supply_elasticity": sp("supply_elasticity", 0.2, 0.1, 0.4),
            "reroute_share": sp("reroute_share", 0.5, 0.2, 0.8)})
        props.update(market_props(mk))
    if with_trade:
        props.update(trade_props(TradeShares("test", "999999", "", 2024, "US", ("AA",), (1.0,),
                                             (40.0,), 10.0, 100.0)))
    node("mineral:x", "mineral", "minerals", **props)
    node("country:AA", "country", "countries")
    node("country:BB", "country", "countries")
    node("country:US", "country", "countries")
    node("input:chips", "input", "inputs")
    node("input:glass", "input", "inputs")
    node("input:plain", "input", "inputs")
    node("company:lab", "company", "labs")
    node("company:lab2", "company", "labs")
    node("company:fab", "company", "inputs", country="US")
    edge("country:AA", "mineral:x", "PRODUCES", 0.9)
    edge("country:BB", "mineral:x", "PRODUCES", 0.1)
    edge("mineral:x", "input:chips", "INPUT_TO", 1.0)
    edge("mineral:x", "input:glass", "INPUT_TO", 1.0)
    edge("mineral:x", "input:plain", "INPUT_TO", 0.5)  # in no end use: proportional
    edge("input:chips", "company:lab", "INPUT_TO", 1.0)
    edge("input:glass", "company:lab2", "INPUT_TO", 1.0)
    edge("company:fab", "input:chips", "PROVIDES", 0.5)  # the only provider, in the US
    return g


def _q(r: dict, nid: str) -> float:
    return next((n["shortfall"] for n in r["nodes"] if n["id"] == nid), 0.0)


def test_tiny_graph_long_run_mixed() -> None:
    g = _tiny()
    r = run_shock(g, "mineral:x", 50, top=100, horizon=0, allocation="mixed")
    # cut 0.5, spare 0.1 (long run: all of it) -> d 0.4; priority (0, 2/3, 1); mixed 0.5
    # -> chips 0.2, glass (0.5 x 2/3 + 0.2) = 0.5333 x (1 - 0.5) = 0.26667, plain 0.4 x 0.5
    assert _q(r, "mineral:x") == pytest.approx(0.5)
    assert _q(r, "input:chips") == pytest.approx(0.2)
    assert _q(r, "company:lab") == pytest.approx(0.2)
    assert _q(r, "input:glass") == pytest.approx((0.5 * 2 / 3 + 0.2) * 0.5)
    assert _q(r, "input:plain") == pytest.approx(0.2)
    mk = r["market"]
    assert mk["allocation"] == "mixed" and mk["theta"] == 0.5
    m = mk["minerals"][0]
    assert m["cut"] == pytest.approx(0.5) and m["net_shortfall"] == pytest.approx(0.4)
    assert m["response"]["spare_capacity"] == pytest.approx(0.1)
    assert [u["use"] for u in m["uses"]] == ["chips", "glass", "other"]
    assert m["uses"][2]["mineral_shortfall"] == pytest.approx(0.5 * 1.0 + 0.2)
    assert m["nodes_in_no_use"] == ["input:plain"]
    # price: 0.6^(1/(-0.2-0.2)) = 0.6^-2.5
    assert m["price"]["ratio"] == pytest.approx(0.6 ** -2.5)
    assert m["price"]["ratio_low"] == pytest.approx(0.6 ** (1 / (-0.4 - 0.4)))
    assert m["price"]["ratio_high"] == pytest.approx(0.6 ** (1 / (-0.1 - 0.1)))
    # the path explanation still multiplies out to the contribution
    lab = next(n for n in r["nodes"] if n["id"] == "company:lab")
    assert lab["paths"][0]["contribution"] == pytest.approx(0.2)


def test_allocation_proportional_by_name_is_the_v01_bound() -> None:
    """``--allocation proportional`` alone is today's (v0.1) rule: no supply response unless
    ``--supply-response`` asks for it."""
    a = run_shock(_tiny(), "mineral:x", 50, top=100, horizon=0, allocation="proportional")
    b = run_shock(_tiny(with_market=False), "mineral:x", 50, top=100, horizon=0)
    assert a["market"]["supply_response"] is False
    assert {n["id"]: n["shortfall"] for n in a["nodes"]} == pytest.approx(
        {n["id"]: n["shortfall"] for n in b["nodes"]})
    c = run_shock(_tiny(), "mineral:x", 50, top=100, horizon=0, allocation="proportional",
                  supply_response=True)
    assert c["market"]["supply_response"] is True


def test_tiny_graph_proportional_without_response_is_v01() -> None:
    a = run_shock(_tiny(), "mineral:x", 50, top=100, horizon=0, allocation="proportional",
                  supply_response=False)
    b = run_shock(_tiny(with_market=False), "mineral:x", 50, top=100, horizon=0)
    assert b["market"] is None
    qa = {n["id"]: n["shortfall"] for n in a["nodes"]}
    qb = {n["id"]: n["shortfall"] for n in b["nodes"]}
    assert qa == pytest.approx(qb)
    assert qa["input:chips"] == pytest.approx(0.5)


def test_tiny_graph_set_overrides_reach_the_market() -> None:
    r = run_shock(_tiny(), "mineral:x", 50, top=100, horizon=0, allocation="proportional",
                  supply_response=True, sets=["spare_capacity[mineral:x]=0.3"])
    # d = 0.5 - 0.3 = 0.2 for every use
    assert _q(r, "input:chips") == pytest.approx(0.2)
    m = r["market"]["minerals"][0]
    assert m["parameters"]["spare_capacity"] == {"value": 0.3,
                                                 "source": "--set spare_capacity[mineral:x]=0.3"}
    r = run_shock(_tiny(), "mineral:x", 50, top=100, horizon=0, sets=["theta=0.3"])
    assert r["market"]["theta"] == 0.3


def test_tiny_graph_country_cut_uses_the_market_too() -> None:
    r = run_shock(_tiny(), "mineral:x", 100, country="AA", top=100, horizon=0,
                  allocation="priority")
    # cut 0.9, response 0.1 -> d 0.8; priority: supply 0.2 < chips' 0.5 -> chips 0.6 short
    assert _q(r, "input:chips") == pytest.approx(0.6)
    assert _q(r, "input:glass") == pytest.approx(0.5)  # 1.0 short x (1 - 0.5)


def test_tiny_graph_exports_to() -> None:
    g = _tiny(with_trade=True)
    r = run_shock(g, "mineral:x", 100, country="AA", exports_to="US", top=100, horizon=0,
                  allocation="proportional", supply_response=True)
    ex = r["market"]["exports_to"]
    # C 10 t, n 1, s 0.4 (by value), P 1: lost 4 t; reroute 0.5 x 4 = 2 t (available 100 x (0.1
    # + 0.1 spare) = 20 t) -> net 2 t, shortfall 0.2 of US consumption; world supply not cut
    assert ex["lost_t"] == pytest.approx(4.0)
    assert ex["rerouted_t"] == pytest.approx(2.0)
    assert ex["available_t"] == pytest.approx(20.0)
    assert ex["shortfall"] == pytest.approx(0.2)
    assert ex["world_supply_cut"] is False
    assert _q(r, "mineral:x") == 0.0
    # chips: all its stated provider (fab) is in the US -> 0.2; plain has no provider: upper
    # bound 1 x 0.2 x 0.5 a*; glass has no provider either -> 0.2 (proportional) x 1
    assert _q(r, "input:chips") == pytest.approx(0.2)
    assert _q(r, "input:plain") == pytest.approx(0.1)
    # differs from a production cut of the same country
    prod = run_shock(g, "mineral:x", 100, country="AA", top=100, horizon=0,
                     allocation="proportional", supply_response=True)
    assert _q(prod, "input:chips") == pytest.approx(0.8)


@pytest.mark.parametrize(("kw", "message"), [
    ({"exports_to": "US"}, "--exports-to needs --country (the exporting country, e.g. "
                           "--country CN --exports-to US)"),
    ({"exports_to": "BB", "country": "AA"},
     "--exports-to BB: riskgraph has a destination's consumption only for US (USGS MCS 2025 "
     "apparent consumption); not for BB"),
    ({"exports_to": "mineral:x", "country": "AA"},
     "--exports-to 'mineral:x' is mineral:x, not a country"),
])
def test_exports_to_errors(kw: dict, message: str) -> None:
    with pytest.raises(UsageError) as e:
        run_shock(_tiny(with_trade=True), "mineral:x", 100, top=10, horizon=0, **kw)
    assert str(e.value) == message


def test_exports_to_without_trade_data() -> None:
    with pytest.raises(UsageError) as e:
        run_shock(_tiny(), "mineral:x", 100, country="AA", exports_to="US", top=10, horizon=0)
    assert str(e.value) == ("--exports-to: no trade data for x (riskgraph has U.S. imports by "
                            "partner for: none)")


def test_arc_constants_month_and_stocks() -> None:
    """The interface helper C calls every month: ramps and the stock state."""
    from riskgraph.engine.shock import perturb, resolve

    g = _tiny()
    setup = resolve(g, "mineral:x")
    ctx = market.build(g, setup, allocation="proportional", supply_response=True)
    assert ctx.active and int(ctx.mineral_arcs.sum()) == 3
    c = perturb(g, setup, 50).c
    # month 5: spare 0.1 x 5/10 = 0.05 -> d 0.45 (no stocks passed)
    k, info = market.arc_constants(ctx, c, month=5)
    chips = next(a for a in np.flatnonzero(ctx.mineral_arcs)
                 if setup.compiled.ids[int(setup.compiled.cus[a])] == "input:chips")
    assert k[chips] == pytest.approx(0.45)
    assert info["net"]["mineral:x"] == pytest.approx(0.45)
    # long run: 0.4
    k, _ = market.arc_constants(ctx, c)
    assert k[chips] == pytest.approx(0.4)
    # stocks: 1 month on file -> month 1 draws the whole gap 0.49, then 0.51 left
    ctx.minerals[0].params["stocks_months"] = 1.0
    used = np.zeros(1)
    k, info = market.arc_constants(ctx, c, month=1, stocks_used=used)
    assert k[chips] == pytest.approx(0.0) and info["stock_release"][0] == pytest.approx(0.49)
    used = used + info["stock_release"]
    k, info = market.arc_constants(ctx, c, month=2, stocks_used=used)
    # gap 0.48, stocks left 0.51 -> all covered
    assert k[chips] == pytest.approx(0.0)
    used = used + info["stock_release"]  # 0.97
    k, info = market.arc_constants(ctx, c, month=3, stocks_used=used)
    # gap 0.47, 0.03 left -> 0.44
    assert k[chips] == pytest.approx(0.44)
