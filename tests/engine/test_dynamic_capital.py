"""Capital goods in the dynamic model: an installed base, not a stock, buffers a tool cut.

A fab's output does not fall with the month's tool deliveries: its installed base keeps
running and capacity falls by the deliveries lost over the base's turnover (engine/dynamic.py,
module docstring; data: ingest/data/markets/capital_goods.csv).
"""

from __future__ import annotations

import numpy as np

from riskgraph.engine import dynamic
from riskgraph.engine.shock import perturb, propagate, resolve, run_shock
from riskgraph.graph.markets import Capital, Range, capital_props
from riskgraph.graph.model import Edge, GraphData, Node


def tool_fab(life: float = 4.0) -> GraphData:
    """Tool maker T (capital good, installed base = ``life`` months of deliveries) -> fab F
    (requirement, weight 1) -> chip K (requirement, weight 1).  No inventories anywhere."""
    g = GraphData()
    cap = dict(capital_props(Capital(months=Range(life, life, life), source="fixture",
                                     as_of="2024", confidence="estimated", rationale="test")))
    zero = {"inventory_weeks": 0.0}
    for nid, props in (("company:t", {**cap, **zero}), ("company:f", zero),
                       ("input:k", zero)):
        g.add_node(Node(nid, nid.split(":")[0], nid.split(":")[1].upper(), source="fixture",
                        as_of="2024", confidence="reported", layer="chips", props=props))
    for src, dst in (("company:t", "company:f"), ("company:f", "input:k")):
        g.add_edge(Edge(src, dst, "SUPPLIES", source="fixture", as_of="2024",
                        confidence="estimated", rationale="fixture",
                        props={"weight": 1.0, "dependency": "requirement"}))
    return g


def by_id(result: dict) -> dict[str, dict]:
    return {d["id"]: d for d in result["dynamic"]["nodes"]}


def test_tool_cut_builds_up_over_the_installed_base_by_hand() -> None:
    """T -50% from month 1, L = 4 months.  F's loss in month t is the average of T's shortfall
    over months t-4..t-1 (months before the shock count 0): 0, .125, .25, .375, .5, .5 ...;
    K follows F one month later: 0, 0, .125, .25, .375, .5.  The static answer is .5 for both."""
    r = run_shock(tool_fab(), "company:t", 50, horizon=6, top=10)
    d = by_id(r)
    assert np.allclose(d["company:f"]["path"], [0, .125, .25, .375, .5, .5])
    assert np.allclose(d["input:k"]["path"], [0, 0, .125, .25, .375, .5])
    assert r["dynamic"]["capital_arcs"] == 1
    assert d["company:f"]["static"] == 0.5


def test_tool_cut_that_ends_fades_over_the_installed_base() -> None:
    """T -50% in months 1-2 only: F's window of months t-4..t-1 holds one lost month in month 2
    (.125), both in months 3-5 (.25), one in month 6 (.125), none from month 7: tools not
    delivered are not made up later, they leave the base when they would have retired."""
    r = run_shock(tool_fab(), "company:t", 50, horizon=8, duration=2, top=10)
    assert np.allclose(by_id(r)["company:f"]["path"], [0, .125, .25, .25, .25, .125, 0, 0])


def test_customer_that_is_itself_a_capital_good_is_an_ordinary_arc() -> None:
    """A tool maker buying parts from another tool maker uses them as components: no
    installed-base smoothing on that arc."""
    g = tool_fab()
    g.nodes["company:f"].props.update(capital_props(Capital(
        months=Range(4.0, 4.0, 4.0), source="fixture", as_of="2024", confidence="estimated",
        rationale="test")))
    r = run_shock(g, "company:t", 50, horizon=4, top=10)
    assert np.allclose(by_id(r)["company:f"]["path"], [0, .5, .5, .5])


def test_shipped_asml_cut_is_gradual_for_fabs_and_reaches_the_static_limit(
        real_graph: GraphData) -> None:
    """ASML -50%: TSMC's output loss grows month by month (installed base of ~60 months of
    deliveries) instead of jumping to the static 35%, and reaches it in the long run."""
    r = run_shock(real_graph, "ASML", 50, horizon=24, top=50)
    tsmc = by_id(r)["company:tsmc"]
    path = np.array(tsmc["path"])
    assert np.all(np.diff(path) >= -1e-12) and path[0] == 0.0
    assert 0.05 < tsmc["peak"] < 0.5 * tsmc["static"]
    setup = resolve(real_graph, "ASML")
    pert = perturb(real_graph, setup, 50)
    prop = propagate(setup, pert.c, model="iim", upstream=False)
    cg = setup.compiled
    sim = dynamic.simulate(cg.groups, prop.arc_values, pert.c, horizon=200, duration=200,
                           cover_months=np.zeros(cg.n), refill=0.1, exogenous=cg.exogenous,
                           capital_months=dynamic.capital_months(setup))
    assert np.max(np.abs(sim.q[-1] - prop.q)) < 1e-9


def country_fab() -> GraphData:
    """Country X hosts 60% of fab F's capacity (LOCATED_IN share 0.6); F holds 2 months of input
    cover, customer K 1 month (requirement, weight 1)."""
    g = GraphData()
    for nid, kind, weeks in (("country:XA", "country", 0.0), ("company:f", "company", 8.69),
                             ("input:k", "input", 4.345)):
        g.add_node(Node(nid, kind, nid.split(":")[1].upper(), source="fixture", as_of="2024",
                        confidence="reported", layer="countries" if kind == "country" else "chips",
                        props={"inventory_weeks": weeks}))
    g.add_edge(Edge("company:f", "country:XA", "LOCATED_IN", source="fixture", as_of="2024",
                    confidence="estimated", rationale="fixture", props={"weight": 0.6}))
    g.add_edge(Edge("company:f", "input:k", "SUPPLIES", source="fixture", as_of="2024",
                    confidence="estimated", rationale="fixture",
                    props={"weight": 1.0, "dependency": "requirement"}))
    return g


def test_a_country_cut_stops_its_sites_at_once_by_hand() -> None:
    """X -100% from month 1: F's sites in X stop in month 1 (0.6; its own 2 months of input
    cover do not run a closed plant); K gets F's month-1 shortfall in month 2 and draws its
    1 month of cover: 0.6 of it in month 2, the last 0.4 in month 3 (0.2 short), then 0.6."""
    r = run_shock(country_fab(), "country:XA", 100, horizon=5, top=10)
    d = by_id(r)
    assert np.allclose(d["company:f"]["path"], [0.6] * 5)
    assert np.allclose(d["input:k"]["path"], [0, 0, 0.2, 0.6, 0.6])
    assert r["dynamic"]["site_arcs"] == 1
