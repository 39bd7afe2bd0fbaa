"""Monte Carlo structural draws (issue 13 item 8): reproducible with the seed, listed in the
``monte_carlo`` block, and they move the bands; a graph without market data draws the weights
exactly as before."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from riskgraph.engine import montecarlo
from riskgraph.engine.shock import run_shock
from riskgraph.graph.model import GraphData


def _bands(res: dict[str, Any]) -> dict[str, tuple[float, ...]]:
    out = {}
    for n in res["nodes"]:
        m = n["monte_carlo"]
        out[n["id"]] = (m["median"], m["p5"], m["p95"]) + (
            (m["peak"]["median"], m["peak"]["p5"], m["peak"]["p95"]) if "peak" in m else ())
    return out


@pytest.fixture(scope="module")
def base(real_graph: GraphData) -> dict[str, Any]:
    return run_shock(real_graph, "gallium", 50, samples=40, seed=3, top=10, horizon=0)


def test_same_seed_same_bands(real_graph: GraphData, base: dict[str, Any]) -> None:
    again = run_shock(real_graph, "gallium", 50, samples=40, seed=3, top=10, horizon=0)
    assert _bands(again) == _bands(base)
    assert again["monte_carlo"] == base["monte_carlo"]
    other = run_shock(real_graph, "gallium", 50, samples=40, seed=4, top=10, horizon=0)
    assert _bands(other) != _bands(base)


def test_what_is_drawn(real_graph: GraphData, base: dict[str, Any]) -> None:
    keys = [d["key"] for d in base["monte_carlo"]["structural"]]
    assert keys == ["theta", "spare_capacity[mineral:gallium]",
                    "secondary_supply[mineral:gallium]"]
    theta = base["monte_carlo"]["structural"][0]
    assert theta == {"key": "theta", "low": 0.2, "mode": 0.5, "high": 0.8,
                     "source": "engine/defaults.toml [market] theta_low, theta_high",
                     "affects": "static", "law": "triangular"}
    dyn = run_shock(real_graph, "gallium", 50, samples=5, seed=3, top=10, horizon=12)
    keys = [d["key"] for d in dyn["monte_carlo"]["structural"]]
    assert keys == ["theta", "spare_capacity[mineral:gallium]",
                    "secondary_supply[mineral:gallium]", "restart_months[mineral:gallium]",
                    "inventory_cover", "inventory_weeks", "refill_rate"]
    assert all("peak" in n["monte_carlo"] for n in dyn["nodes"])
    assert all(d["affects"] == "dynamic" for d in dyn["monte_carlo"]["structural"][3:])


def test_structural_draws_move_the_bands(real_graph: GraphData, base: dict[str, Any]) -> None:
    """Fixing the structural values with --set (then they are not drawn) narrows the bands of
    the GaAs devices: the weights alone spread them less."""
    sets = [f"{d['key']}={d['mode']!r}" for d in base["monte_carlo"]["structural"]]
    fixed = run_shock(real_graph, "gallium", 50, samples=40, seed=3, top=10, horizon=0,
                      sets=sets)  # each at the value the run uses: nothing left to draw
    assert fixed["monte_carlo"]["structural"] == []
    b, f = _bands(base), _bands(fixed)
    node = "input:gaas-devices"
    assert b[node] != f[node]
    assert b[node][2] - b[node][1] > f[node][2] - f[node][1]  # wider p5-p95
    # the point estimate is the same run: only the draws differ
    sf = {n["id"]: n["shortfall"] for n in fixed["nodes"]}
    assert {n["id"]: n["shortfall"] for n in base["nodes"]}[node] == sf[node]


def test_no_market_data_draws_weights_only(gallium_graph: GraphData) -> None:
    res = run_shock(gallium_graph, "gallium", 50, samples=30, seed=1, horizon=0)
    assert res["monte_carlo"]["structural"] == []
    # the dynamic model is on by default (defaults.toml [dynamic] horizon): its two draws
    res = run_shock(gallium_graph, "gallium", 50, samples=30, seed=1)
    assert [d["key"] for d in res["monte_carlo"]["structural"]] == [
        "inventory_cover", "inventory_weeks", "refill_rate"]
    # the weight draws do not depend on what else is drawn (own generator for the structure)
    from riskgraph.engine.shock import resolve

    setup = resolve(gallium_graph, "gallium")
    keep = np.arange(setup.compiled.n)

    def solve(w: np.ndarray) -> np.ndarray:  # any function of the drawn weights will do
        return np.resize(w, keep.size)

    a = montecarlo.run(setup.compiled, setup.arrays, setup.params, solve, keep, 20, 7)
    b = montecarlo.run(setup.compiled, setup.arrays, setup.params, solve, keep, 20, 7,
                       structural=[montecarlo.Draw("theta", 0.2, 0.5, 0.8, "s", "static")],
                       solve_structural=lambda w, values: solve(w))
    for k in ("median", "p5", "p95"):
        assert np.array_equal(a[k], b[k])


def test_apply_draws_leaves_the_setup_alone(real_graph: GraphData) -> None:
    from riskgraph.engine import market
    from riskgraph.engine.shock import resolve

    setup = resolve(real_graph, "gallium")
    setup.market = market.build(real_graph, setup, pct=50)
    before = (setup.params.inventory_weeks, setup.market.theta,
              dict(next(m for m in setup.market.minerals if m.id == "mineral:gallium").params))
    s2 = montecarlo.apply_draws(setup, {"theta": 0.7, "inventory_weeks": 2.0,
                                        "spare_capacity[mineral:gallium]": 0.1})
    ga2 = next(m for m in s2.market.minerals if m.id == "mineral:gallium")
    assert (s2.params.inventory_weeks, s2.market.theta, ga2.params["spare_capacity"]) == (
        2.0, 0.7, 0.1)
    ga = next(m for m in setup.market.minerals if m.id == "mineral:gallium")
    assert (setup.params.inventory_weeks, setup.market.theta, dict(ga.params)) == before


def test_inventory_cover_quantile(real_graph: GraphData) -> None:
    """One quantile places every node's own cover in its range; a --set of one node wins."""
    from riskgraph.engine.defaults import parse_set
    from riskgraph.engine.dynamic import cover_weeks
    from riskgraph.engine.shock import resolve
    from riskgraph.graph.markets import inventory_of

    setup = resolve(real_graph, "gallium", sets=["inventory_weeks[TSMC]=3"])
    inv = inventory_of(real_graph.nodes["company:nvidia"])
    assert inv is not None and inv.weeks.low < inv.weeks.high
    idx = setup.compiled.index
    for u, expect in ((0.0, inv.weeks.low), (1.0, inv.weeks.high)):
        s2 = montecarlo.apply_draws(setup, {"inventory_cover": u})
        weeks, _ = cover_weeks(s2)
        assert weeks[idx["company:nvidia"]] == pytest.approx(expect)
        assert weeks[idx["company:tsmc"]] == 3.0  # the user's --set
    assert setup.overrides == [parse_set("inventory_weeks[TSMC]=3")]  # setup unchanged
