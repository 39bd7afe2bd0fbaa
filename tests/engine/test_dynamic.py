"""The dynamic model (engine/dynamic.py, ``--horizon``): a hand-computed two-stage example, the
static limit, recovery, time-to-survive / time-to-recover, the JSON schema, horizon 0."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest

from riskgraph.engine import dynamic
from riskgraph.engine.defaults import Params
from riskgraph.engine.result import schema_path
from riskgraph.engine.shock import explain, perturb, propagate, resolve, run_shock
from riskgraph.errors import UsageError
from riskgraph.graph.markets import WEEKS_PER_MONTH, Inventory, Range, inventory_props
from riskgraph.graph.model import Edge, GraphData, Node


def _cover(months: float) -> dict[str, object]:
    w = months * WEEKS_PER_MONTH
    return dict(inventory_props(Inventory(weeks=Range(w, w, w), source="fixture", as_of="2024",
                                          confidence="estimated", rationale="test cover")))


def two_stage() -> GraphData:
    """Mineral M -> part P (requirement, weight 0.8) -> customer C (requirement, weight 0.5).

    P holds 1 month of cover, C 0.1 month; M (the shocked node) none of its own (the default).
    """
    g = GraphData()
    for nid, kind, layer, props in (
        ("mineral:m", "mineral", "minerals", {}),
        ("input:p", "input", "inputs", _cover(1.0)),
        ("company:c", "company", "clouds", _cover(0.1)),
    ):
        g.add_node(Node(nid, kind, nid.split(":")[1].upper(), source="fixture", as_of="2024",
                        confidence="reported", layer=layer, props=props))
    for src, dst, w in (("mineral:m", "input:p", 0.8), ("input:p", "company:c", 0.5)):
        g.add_edge(Edge(src, dst, "INPUT_TO", source="fixture", as_of="2024",
                        confidence="estimated", rationale="fixture", props={"weight": w}))
    return g


def by_id(result: dict) -> dict[str, dict]:
    return {d["id"]: d for d in result["dynamic"]["nodes"]}


def test_two_stage_inventory_example_by_hand() -> None:
    """M -50% for 4 months, horizon 10, refill rate rho = 0.25 months of cover per month.

    a*(M->P) = 0.8, a*(P->C) = 0.5; cover tau_P = 1, tau_C = 0.1 (months).  u = group loss
    (last month's supplier shortfall x a*), I = stock at the start of the month, x = max(0, u - I).

    ====  =====  ================  ===================  ===================
    t     q_M    P: u, I -> x      C: u, I -> x         stocks after (P, C)
    ====  =====  ================  ===================  ===================
    1     0.5    0,   1   -> 0     0,   0.1 -> 0        1 (refill, capped), 0.1
    2     0.5    0.4, 1   -> 0     0,   0.1 -> 0        0.6, 0.1
    3     0.5    0.4, 0.6 -> 0     0,   0.1 -> 0        0.2, 0.1
    4     0.5    0.4, 0.2 -> 0.2   0,   0.1 -> 0        0,   0.1
    5     0      0.4, 0   -> 0.4   0.1, 0.1 -> 0        0,   0
    6     0      0,   0   -> 0     0.2, 0   -> 0.2      0.25 (refill), 0
    7     0      0,   .25 -> 0     0,   0   -> 0        0.5, 0.1 (refill to tau)
    8-10  0      0    -> 0         0    -> 0            0.75, 1.0 ...; 0.1
    ====  =====  ================  ===================  ===================

    So P: 0 0 0 .2 .4 0 0 0 0 0 (peak 0.4 in month 5, 0.6 months lost, first hit month 4:
    time-to-survive 3, back by month 6: time-to-recover 1 month after the shock's last month 4);
    C: 0 0 0 0 0 .2 0 0 0 0 (first hit month 6: survives 5 months; back by 7: recovers 2);
    M: .5 .5 .5 .5 0 ... (its own cut: survives 0, back by 5, recovers 0).  The static answer
    is M 0.5, P 0.4, C 0.2.
    """
    r = run_shock(two_stage(), "mineral:m", 50, horizon=10, duration=4,
                  sets=["refill_rate=0.25"])
    d = by_id(r)
    assert d["mineral:m"]["path"] == pytest.approx([.5, .5, .5, .5, 0, 0, 0, 0, 0, 0])
    assert d["input:p"]["path"] == pytest.approx([0, 0, 0, .2, .4, 0, 0, 0, 0, 0])
    assert d["company:c"]["path"] == pytest.approx([0, 0, 0, 0, 0, .2, 0, 0, 0, 0])
    p, c, m = d["input:p"], d["company:c"], d["mineral:m"]
    assert (p["peak"], p["peak_month"], p["cumulative_loss"]) == pytest.approx((0.4, 5, 0.6))
    assert (p["first_month"], p["time_to_survive"], p["back_by"], p["time_to_recover"]) == (
        4, 3, 6, 1)
    assert (c["peak"], c["peak_month"], c["cumulative_loss"]) == pytest.approx((0.2, 6, 0.2))
    assert (c["first_month"], c["time_to_survive"], c["back_by"], c["time_to_recover"]) == (
        6, 5, 7, 2)
    assert (m["first_month"], m["time_to_survive"], m["back_by"], m["time_to_recover"]) == (
        1, 0, 5, 0)
    assert [d[k]["static"] for k in ("mineral:m", "input:p", "company:c")] == pytest.approx(
        [0.5, 0.4, 0.2])
    assert p["inventory"] == "node" and m["inventory"] == "default"
    assert p["inventory_weeks"] == pytest.approx(WEEKS_PER_MONTH)
    blk = r["dynamic"]
    assert (blk["horizon"], blk["duration"], blk["permanent"], blk["refill_rate"]) == (
        10, 4, False, 0.25)
    assert blk["nodes_with_own_inventory"] == 2
    # the static figures of the result are unchanged by the dynamic run
    assert {n["id"]: n["shortfall"] for n in r["nodes"]} == pytest.approx(
        {"mineral:m": 0.5, "input:p": 0.4, "company:c": 0.2})


def test_two_stage_permanent_shock_reaches_the_static_answer() -> None:
    """Permanent cut: P's stock lasts 3 months (0.4 a month from 1 month), then P = 0.4; C's 0.1
    month covers month 5 (u = 0.5 x 0.2), then C = 0.2 from month 6: the static answer."""
    r = run_shock(two_stage(), "mineral:m", 50, horizon=10)
    d = by_id(r)
    assert d["input:p"]["path"] == pytest.approx([0, 0, 0, .2, .4, .4, .4, .4, .4, .4])
    assert d["company:c"]["path"] == pytest.approx([0, 0, 0, 0, 0, .2, .2, .2, .2, .2])
    for k in ("input:p", "company:c"):
        assert d[k]["end"] == pytest.approx(d[k]["static"], abs=1e-12)
        assert d[k]["back_by"] is None and d[k]["time_to_recover"] is None  # shock never ends
    assert r["dynamic"]["permanent"] is True and r["dynamic"]["duration"] == 10


def test_small_graph_long_horizon_equals_static(gallium_graph: GraphData) -> None:
    """The fixture of docs/model.md, default covers (4 weeks), permanent cut, 240 months."""
    r = run_shock(gallium_graph, "gallium", 50, horizon=240, top=100)
    q = {n["id"]: n["shortfall"] for n in r["nodes"]}
    for d in r["dynamic"]["nodes"]:
        assert d["end"] == pytest.approx(q[d["id"]], abs=1e-9), d["id"]
        assert np.all(np.diff(d["path"]) >= -1e-15)  # a permanent cut: never better next month
        assert d["peak"] <= q[d["id"]] + 1e-12


def _static_and_path(graph: GraphData, target: str, pct: float, *, horizon: int,
                     cover: float | None) -> tuple[np.ndarray, np.ndarray]:
    setup = resolve(graph, target)
    pert = perturb(graph, setup, pct)
    prop = propagate(setup, pert.c, model="iim", upstream=False)
    cg = setup.compiled
    weeks, _ = dynamic.cover_weeks(setup)
    months = np.full(cg.n, cover) if cover is not None else weeks / WEEKS_PER_MONTH
    sim = dynamic.simulate(cg.groups, prop.arc_values, pert.c, horizon=horizon,
                           duration=horizon, cover_months=months, refill=0.1,
                           exogenous=cg.exogenous)
    return prop.q, sim.q


@pytest.mark.parametrize("target", ["gallium", "germanium", "TSMC"])
def test_shipped_graph_static_limit(real_graph: GraphData, target: str) -> None:
    """Without inventories the monthly model reaches the static answer once the shock has
    crossed the graph (one month per hop); with them it never exceeds it (stocks only delay)."""
    static, path = _static_and_path(real_graph, target, 50, horizon=120, cover=0.0)
    assert np.max(np.abs(path[-1] - static)) < 1e-9
    static, path = _static_and_path(real_graph, target, 50, horizon=120, cover=None)
    assert np.all(path <= static + 1e-12)
    assert np.all(np.diff(path, axis=0) >= -1e-15)


def test_shipped_graph_long_horizon_with_inventories(real_graph: GraphData) -> None:
    """With 8 weeks of cover everywhere (the high end of the default's range), after 600 months
    every node hit by 5% or more is at its static figure (to 1e-9): a stock drawn by 0.05 a
    month lasts 37 months, the chain is a few stages deep."""
    static, path = _static_and_path(real_graph, "gallium", 50, horizon=600,
                                    cover=8 / WEEKS_PER_MONTH)
    big = static >= 0.05
    assert big.sum() > 10
    assert np.max(np.abs(path[-1][big] - static[big])) < 1e-9


def test_recovery_after_a_finite_shock(gallium_graph: GraphData) -> None:
    """A 3-month cut: every listed node is back to no shortfall within the horizon; the
    cumulative loss is below the permanent cut's."""
    r = run_shock(gallium_graph, "gallium", 50, horizon=36, duration=3, top=100)
    perm = by_id(run_shock(gallium_graph, "gallium", 50, horizon=36, top=100))
    for d in r["dynamic"]["nodes"]:
        assert d["end"] == 0.0
        assert d["time_to_recover"] is not None and d["time_to_recover"] >= 0
        if d["first_month"] is not None:
            assert d["back_by"] is not None and d["back_by"] > 3
        assert d["cumulative_loss"] <= perm[d["id"]]["cumulative_loss"] + 1e-12
    ga = by_id(r)["mineral:gallium"]
    assert ga["path"][:4] == pytest.approx([0.5, 0.5, 0.5, 0.0])
    assert (ga["back_by"], ga["time_to_recover"], ga["time_to_survive"]) == (4, 0, 0)


def test_node_summary_edge_cases() -> None:
    never = dynamic.node_summary(np.zeros(6), duration=3, min_shortfall=1e-6)
    assert (never["first_month"], never["time_to_survive"], never["peak_month"]) == (None, 6, None)
    assert (never["back_by"], never["time_to_recover"]) == (None, 0)
    still = dynamic.node_summary(np.array([0, .1, .1, .1]), duration=2, min_shortfall=1e-6)
    assert (still["back_by"], still["time_to_recover"]) == (None, None)  # not back by month 4
    perm = dynamic.node_summary(np.array([0, .1, .1, .1]), duration=4, min_shortfall=1e-6)
    assert (perm["back_by"], perm["time_to_recover"], perm["time_to_survive"]) == (None, None, 1)


def test_json_validates_against_the_schema(gallium_graph: GraphData) -> None:
    schema = json.loads(schema_path().read_text())
    for kw in ({"horizon": 6}, {"horizon": 0}, {"horizon": 24, "duration": 2}, {}):
        r = run_shock(gallium_graph, "gallium", 50, **kw)
        jsonschema.validate(json.loads(json.dumps(r)), schema)
        assert r["schema"] == "riskgraph.shock/2"
    bad = run_shock(gallium_graph, "gallium", 50, horizon=3)
    bad["dynamic"]["nodes"][0]["path"][0] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_horizon_zero_is_the_static_result(gallium_graph: GraphData) -> None:
    static = run_shock(gallium_graph, "gallium", 50, horizon=0)
    assert static["dynamic"] is None
    dyn = run_shock(gallium_graph, "gallium", 50)  # default horizon: defaults.toml [dynamic]
    assert dyn["dynamic"]["horizon"] == Params().horizon == 12
    assert {k: v for k, v in dyn.items() if k != "dynamic"} == {
        k: v for k, v in static.items() if k != "dynamic"}
    assert run_shock(gallium_graph, "gallium", 50, sets=["horizon=3"])["dynamic"]["horizon"] == 3
    assert run_shock(gallium_graph, "gallium", 50, sets=["horizon=0"])["dynamic"] is None


def test_dynamic_only_for_downstream_iim(gallium_graph: GraphData) -> None:
    assert not dynamic.applies("iim", "upstream") and dynamic.applies("iim", "downstream")
    assert run_shock(gallium_graph, "gallium", 50, model="debtrank")["dynamic"] is None
    with pytest.raises(UsageError) as ei:
        run_shock(gallium_graph, "Microsoft", 50, direction="upstream", horizon=12)
    assert str(ei.value) == ("--horizon and --duration apply to downstream shocks with the iim "
                             "model, not upstream iim; use --horizon 0 or leave them out")


@pytest.mark.parametrize(("kw", "message"), [
    ({"horizon": -1}, "--horizon must be between 0 and 600 months, got -1"),
    ({"horizon": 601}, "--horizon must be between 0 and 600 months, got 601"),
    ({"duration": 0}, "--duration must be at least 1 month, got 0"),
    ({"horizon": 0, "duration": 3},
     "--duration needs a dynamic run: --horizon MONTHS (not 0)"),
])
def test_bad_horizon_and_duration(gallium_graph: GraphData, kw: dict, message: str) -> None:
    with pytest.raises(UsageError) as ei:
        run_shock(gallium_graph, "gallium", 50, **kw)
    assert str(ei.value) == message


def test_explain_listing_is_the_dynamic_listing(gallium_graph: GraphData) -> None:
    """The dynamic block lists exactly the result's nodes, in the same order."""
    r = run_shock(gallium_graph, "gallium", 50, top=3)
    assert [d["id"] for d in r["dynamic"]["nodes"]] == [n["id"] for n in r["nodes"]]
    setup = resolve(gallium_graph, "gallium", params=Params())
    pert = perturb(gallium_graph, setup, 50)
    prop = propagate(setup, pert.c, model="iim", upstream=False)
    expl = explain(setup, pert, prop, model="iim", upstream=False, top=3)
    blk = dynamic.block(setup, pert, prop, expl, horizon=5)
    assert len(blk["nodes"]) == 3 and blk["horizon"] == 5


def test_html_view_draws_the_monthly_paths(gallium_graph: GraphData, tmp_path) -> None:
    """views/html.py: one small inline SVG per drawn node with a dynamic path; names escaped;
    no section without a dynamic run."""
    from riskgraph.views.html import dynamic_charts_html, write_shock_html

    g = gallium_graph
    g.nodes["company:meta"].name = "Meta <script>alert(1)</script>"
    r = run_shock(g, "gallium", 50, horizon=12, duration=3)
    write_shock_html(r, g, tmp_path / "d.html")
    page = (tmp_path / "d.html").read_text()
    assert page.count('<figure class="rg-dyn">') == len(r["dynamic"]["nodes"])
    assert "Monthly shortfall over 12 months (the cut lasts 3 months" in page
    assert "<script>alert(1)</script>" not in page and "Meta &lt;script&gt;" in page
    assert "back by month 4" in page  # gallium itself
    static = run_shock(g, "gallium", 50, horizon=0)
    assert dynamic_charts_html(static) == ""
    write_shock_html(static, g, tmp_path / "s.html")
    assert 'id="rg-dynamic"' not in (tmp_path / "s.html").read_text()


@pytest.mark.parametrize("target", ["gallium", "germanium"])
def test_shipped_graph_with_markets_long_run_is_static(real_graph: GraphData,
                                                       target: str) -> None:
    """run_shock as shipped (market pass where minerals have market data, shipped inventory
    covers): after 600 months the ramps are complete, the stocks used up, and every node hit by
    5% or more is at its static figure."""
    r = run_shock(real_graph, target, 50, horizon=600, top=200)
    q = {n["id"]: n["shortfall"] for n in r["nodes"]}
    big = [d for d in r["dynamic"]["nodes"] if q[d["id"]] >= 0.05]
    assert big
    for d in big:
        assert d["end"] == pytest.approx(q[d["id"]], abs=1e-9), d["id"]


def test_inventory_cover_overrides() -> None:
    """--set inventory_weeks[NODE]=W for one node, [*] for all: C without stock is short 0.1 in
    month 5 (P's 0.2 x 0.5), 0.2 after; without any stock P is short 0.4 from month 2."""
    r = run_shock(two_stage(), "mineral:m", 50, horizon=8, sets=["inventory_weeks[C]=0"])
    d = by_id(r)
    assert d["company:c"]["path"] == pytest.approx([0, 0, 0, 0, .1, .2, .2, .2])
    assert d["company:c"]["inventory"] == "--set" and d["input:p"]["inventory"] == "node"
    assert r["overrides"][0]["reaches"]["text"] == "1 node"
    r = run_shock(two_stage(), "mineral:m", 50, horizon=5, sets=["inventory_weeks[*]=0"])
    d = by_id(r)
    assert d["input:p"]["path"] == pytest.approx([0, .4, .4, .4, .4])
    assert d["company:c"]["path"] == pytest.approx([0, 0, .2, .2, .2])
    r = run_shock(two_stage(), "mineral:m", 50, horizon=3, sets=["inventory_weeks=2"])
    assert by_id(r)["mineral:m"]["inventory_weeks"] == 2.0
    assert r["overrides"][0]["reaches"]["text"] == (
        "the 1 of 3 nodes without an inventory cover of their own; inventory_weeks[*]=W sets "
        "every node")
    with pytest.raises(UsageError):
        run_shock(two_stage(), "mineral:m", 50, horizon=0, sets=["inventory_weeks[nosuch]=3"])
    with pytest.raises(UsageError) as ei:
        run_shock(two_stage(), "mineral:m", 50, sets=["inventory_weeks[C]=-1"])
    assert str(ei.value) == "--set inventory_weeks[C]=-1: inventory_weeks must be in [0, 520]"


def test_csv_has_the_dynamic_columns() -> None:
    from riskgraph.engine.result import to_csv

    rows = to_csv(run_shock(two_stage(), "mineral:m", 50, horizon=10, duration=4)).splitlines()
    head = rows[0].split(",")
    assert head[-6:] == ["peak", "peak_month", "first_month", "back_by", "cumulative_loss",
                         "main_path"]
    p = next(r.split(",") for r in rows if r.startswith("2,input:p"))
    assert p[-6:-1] == ["0.4", "5", "4", "6", "0.6"]
    static = to_csv(run_shock(two_stage(), "mineral:m", 50, horizon=0)).splitlines()
    assert static[1].split(",")[-6:-1] == ["", "", "", "", ""]


def market_stage() -> GraphData:
    """Mineral M with market data (one end use 'parts' = P; 20% spare capacity restarting over
    4 months; releasable stocks 0.3 months of world consumption) -> P (a = 0.8, no cover)."""
    from riskgraph.graph.markets import EndUse, MineralMarket, SupplyParam, market_props

    def sp(name: str, v: float, unit: str) -> SupplyParam:
        return SupplyParam(name, Range(v, v, v), unit, "fixture", "2024", "estimated", "test")

    mkt = MineralMarket("mineral:m", uses=(EndUse(
        "parts", "Parts", Range(1.0, 1.0, 1.0), ("input:p",), 1, "test", Range(0.0, 0.0, 0.0),
        "fixture", "2024", "estimated", "test"),), supply={
        "spare_capacity": sp("spare_capacity", 0.2, "fraction"),
        "restart_months": sp("restart_months", 4.0, "months"),
        "stocks_months": sp("stocks_months", 0.3, "months")}, cost_shares=())
    g = GraphData()
    g.add_node(Node("mineral:m", "mineral", "M", source="fixture", as_of="2024",
                    confidence="reported", layer="minerals", props=market_props(mkt)))
    g.add_node(Node("input:p", "input", "P", source="fixture", as_of="2024",
                    confidence="reported", layer="inputs", props=_cover(0.0)))
    g.add_edge(Edge("mineral:m", "input:p", "INPUT_TO", source="fixture", as_of="2024",
                    confidence="estimated", rationale="fixture", props={"weight": 0.8}))
    return g


def test_market_ramp_and_stocks_by_hand() -> None:
    """M -50%, permanent.  Month t: gap = 0.5 - 0.2 min(1, t/4), stocks fill up to 0.3 once:
    net d = 0.15, 0.40, 0.35, 0.30, 0.30 ...; P (a 0.8, no stock) gets 0.8 d one month later:
    0, 0.12, 0.32, 0.28, 0.24, 0.24 ... -> the static answer 0.8 x (0.5 - 0.2) = 0.24.  The
    second month is worse than the long run: the spare capacity has not restarted yet."""
    r = run_shock(market_stage(), "mineral:m", 50, horizon=8)
    assert r["dynamic"]["market"] is True
    p = by_id(r)["input:p"]
    assert p["path"] == pytest.approx([0, .12, .32, .28, .24, .24, .24, .24])
    assert p["static"] == pytest.approx(0.24) and p["peak"] == pytest.approx(0.32)
    assert p["peak_month"] == 3
    # a 2-month cut: P back in month 4 (M's month-2 deliveries reach it in month 3)
    p2 = by_id(run_shock(market_stage(), "mineral:m", 50, horizon=6, duration=2))["input:p"]
    assert p2["path"] == pytest.approx([0, .12, .32, 0, 0, 0])
    assert (p2["back_by"], p2["time_to_recover"]) == (4, 1)


def test_compare_still_reads_version_1(gallium_graph: GraphData) -> None:
    """A result saved before the schema bump (riskgraph.shock/1, no dynamic block) compares."""
    from riskgraph.engine.compare import check_result, compare_results

    old = run_shock(gallium_graph, "gallium", 50, horizon=0)
    old["schema"] = "riskgraph.shock/1"
    del old["dynamic"]
    check_result(old, "old.json")
    new = run_shock(gallium_graph, "gallium", 40)
    assert compare_results(old, new)["nodes"]
    with pytest.raises(UsageError):
        check_result({**old, "schema": "riskgraph.shock/3"}, "x.json")


def test_cycle_and_share_group_reach_the_static_answer() -> None:
    """A cycle (Y needs Z, Z needs Y) and a share group (Z's input 'parts' from Y and W): the
    monthly model converges to the static least fixed point, and never exceeds it."""
    g = GraphData()
    for nid in ("input:x", "input:y", "input:z", "input:w"):
        g.add_node(Node(nid, "input", nid[-1].upper(), source="fixture", as_of="2024",
                        confidence="reported", layer="inputs", props=_cover(0.5)))
    for src, dst, w, props in (
        ("input:x", "input:y", 0.6, {}),
        ("input:z", "input:y", 0.3, {}),
        ("input:y", "input:z", 0.7, {"dependency": "share", "input": "parts"}),
        ("input:w", "input:z", 0.3, {"dependency": "share", "input": "parts"}),
    ):
        g.add_edge(Edge(src, dst, "INPUT_TO", source="fixture", as_of="2024",
                        confidence="estimated", rationale="fixture", props={"weight": w, **props}))
    r = run_shock(g, "input:x", 80, horizon=300, top=10)
    q = {n["id"]: n["shortfall"] for n in r["nodes"]}
    assert q["input:y"] == pytest.approx(0.48) and q["input:z"] == pytest.approx(0.336)
    for d in r["dynamic"]["nodes"]:
        assert d["end"] == pytest.approx(q[d["id"]], abs=1e-9)
        assert max(d["path"]) <= q[d["id"]] + 1e-12


def test_export_control_constants_stop_with_the_cut() -> None:
    """simulate(): a market whose constant does not depend on q (an export control) reaches the
    customer one month late and stops one month after the cut's last month (lifted_arcs)."""
    from riskgraph.engine.compile import compile_graph

    cg = compile_graph(two_stage())
    arc = int(np.flatnonzero(cg.cus == cg.index["input:p"])[0])
    mask = np.zeros(cg.m, dtype=bool)
    mask[arc] = True

    def market(q: np.ndarray, month: int) -> np.ndarray:
        k = np.zeros(cg.m)
        k[arc] = 0.3
        return k

    sim = dynamic.simulate(cg.groups, np.full(cg.m, 0.5), np.zeros(cg.n), horizon=6, duration=2,
                           cover_months=np.zeros(cg.n), refill=0.1, market=market,
                           market_arcs=mask, lifted_arcs=np.array([arc]))
    assert sim.q[:, cg.index["input:p"]] == pytest.approx([0, .3, .3, 0, 0, 0])
