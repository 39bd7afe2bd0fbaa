"""The market layer on the shipped graph: the v0.1 upper bound is reproduced exactly."""

from __future__ import annotations

import copy

import pytest

from riskgraph.engine.shock import run_shock
from riskgraph.graph.markets import MKT_PREFIX
from riskgraph.graph.model import GraphData


@pytest.fixture(scope="module")
def shipped() -> GraphData:
    from riskgraph.ingest.build import load_graph

    return load_graph()


@pytest.fixture(scope="module")
def stripped(shipped: GraphData) -> GraphData:
    g = copy.deepcopy(shipped)
    for n in g.nodes.values():
        for k in [k for k in n.props if k.startswith(MKT_PREFIX)]:
            del n.props[k]
    return g


def _q(r: dict) -> dict[str, float]:
    return {n["id"]: n["shortfall"] for n in r["nodes"]}


@pytest.mark.parametrize(("target", "pct", "country"), [
    ("gallium", 50, None), ("germanium", 100, None), ("gallium", 100, "CN"),
    ("CN", 100, None), ("minerals", 20, None), ("indium", 30, None),
])
def test_proportional_without_response_is_v01(shipped: GraphData, stripped: GraphData,
                                              target: str, pct: float,
                                              country: str | None) -> None:
    a = run_shock(shipped, target, pct, country=country, top=10**6, horizon=0,
                  allocation="proportional", supply_response=False)
    b = run_shock(stripped, target, pct, country=country, top=10**6, horizon=0)
    assert b["market"] is None
    qa, qb = _q(a), _q(b)
    assert qa.keys() == qb.keys()
    for k, v in qb.items():
        assert qa[k] == pytest.approx(v, abs=1e-12), k


def test_new_default_is_below_the_upper_bound(shipped: GraphData) -> None:
    hi = _q(run_shock(shipped, "gallium", 50, top=10**6, horizon=0,
                      allocation="proportional", supply_response=False))
    for rule in ("mixed", "priority", "proportional"):
        lo = _q(run_shock(shipped, "gallium", 50, top=10**6, horizon=0, allocation=rule))
        for k, v in lo.items():
            assert v <= hi[k] + 1e-12, (rule, k)
    assert _q(run_shock(shipped, "gallium", 50, top=10**6, horizon=0))[
        "input:gan-power-devices"] < hi["input:gan-power-devices"]


def test_exports_to_us_differs_from_a_production_cut(shipped: GraphData) -> None:
    ex = run_shock(shipped, "gallium", 100, country="CN", exports_to="US", top=10**6,
                   horizon=0)
    prod = run_shock(shipped, "gallium", 100, country="CN", top=10**6, horizon=0)
    block = ex["market"]["exports_to"]
    assert block["destination"] == "country:US" and block["world_supply_cut"] is False
    assert block["lost_t"] == pytest.approx(block["consumption_t"] * block["import_reliance"]
                                            * block["import_share"] * 1.0)
    assert "basket" in block["import_share_basis"]["hs_note"]
    assert _q(ex) != _q(prod)
    assert max(_q(ex).values()) < max(_q(prod).values())


@pytest.mark.parametrize("rule", ["priority", "mixed", "proportional"])
@pytest.mark.parametrize(("target", "pct"), [("minerals", 20), ("germanium", 50),
                                             ("gallium", 50), ("CN", 100)])
def test_no_node_exceeds_the_cut_under_any_rule(shipped: GraphData, rule: str, target: str,
                                                pct: float) -> None:
    """Priority lets a low-rank use lose more than the cut; the graph's AI-chain nodes are in
    the top ranks, so on the shipped graph no node does (docs/model.md section 13)."""
    q = _q(run_shock(shipped, target, pct, top=10**6, horizon=0, allocation=rule))
    assert max(q.values()) <= pct / 100 + 1e-9
