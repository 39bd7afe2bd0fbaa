"""graph/markets.py: props <-> dataclasses round trip, and through the GraphData JSON cache."""

from __future__ import annotations

import json

from riskgraph.graph.markets import (
    MKT_KEYS,
    SUPPLY_PARAMS,
    CostShare,
    EndUse,
    Inventory,
    MineralMarket,
    Range,
    SupplyParam,
    inventory_of,
    inventory_props,
    market_of,
    market_props,
    markets,
    without_markets,
)
from riskgraph.graph.model import GraphData, Node


def _market(mid: str = "mineral:gallium") -> MineralMarket:
    uses = (
        EndUse("ics", "Integrated circuits", Range(0.7, 0.6, 0.8), ("product:a", "product:b"),
               1, "highest value per kg", Range(0.05, 0.0, 0.1), "doc p.1", "2024", "reported",
               ""),
        EndUse("leds", "LEDs", Range(0.3, 0.2, 0.4), (), 2, "commodity lighting",
               Range(0.1, 0.05, 0.2), "doc p.2", "2024", "estimated", "judgement"),
    )
    supply = {
        "spare_capacity": SupplyParam("spare_capacity", Range(0.2, 0.1, 0.3), "fraction",
                                      "USGS", "2024", "reported", ""),
        "restart_months": SupplyParam("restart_months", Range(12.0, 6.0, 24.0), "months",
                                      "est", "2024", "estimated", "plant restarts"),
    }
    costs = (CostShare("product:a", Range(0.001, 0.0001, 0.01), "est", "2024", "estimated",
                       "tiny"),)
    return MineralMarket(mid, uses, supply, costs)


def _node(props: dict) -> Node:
    return Node("mineral:gallium", "mineral", "Gallium", "src", "2024", "reported", props=props)


def test_round_trip_props() -> None:
    m = _market()
    props = market_props(m)
    assert set(props) <= set(MKT_KEYS)
    for v in props.values():  # homogeneous lists, no None (Neo4j)
        assert isinstance(v, list)
        assert None not in v
        assert len({type(x) for x in v}) <= 1
    assert all(isinstance(x, float) for x in props["mkt_use_priority"])
    back = market_of(_node(props))
    assert back == m
    assert back is not None
    assert back.use_of("product:b") == m.uses[0]
    assert back.use_of("product:z") is None
    assert back.cost_share_of("product:a") == m.cost_shares[0]
    assert back.param("restart_months") == Range(12.0, 6.0, 24.0)
    assert back.param("reroute_share") is None
    assert back.uses[0].nodes == ("product:a", "product:b")
    assert back.uses[1].nodes == ()
    assert isinstance(back.uses[0].priority, int)


def test_no_market_and_partial() -> None:
    assert market_of(_node({})) is None
    assert market_props(MineralMarket("mineral:x", ())) == {}
    only_supply = MineralMarket("mineral:gallium", (), dict(_market().supply), ())
    assert market_of(_node(market_props(only_supply))) == only_supply


def test_inventory_round_trip() -> None:
    inv = Inventory(Range(8.0, 4.0, 13.0), "10-K p.50", "2025", "reported", "", scope="chips")
    props = inventory_props(inv)
    n = _node(props)
    assert inventory_of(n) == inv
    assert abs(inv.months.value - 8.0 / 4.345) < 1e-12
    assert inventory_of(_node({})) is None


def test_graphdata_json_round_trip() -> None:
    g = GraphData()
    n = _node({**market_props(_market()), **inventory_props(
        Inventory(Range(6.0, 3.0, 9.0), "s", "2024", "estimated", "r", "minerals")), "x": 1})
    g.add_node(n)
    g2 = GraphData.from_dict(json.loads(json.dumps(g.to_dict())))
    assert markets(g2) == {"mineral:gallium": _market()}
    assert inventory_of(g2.nodes["mineral:gallium"]) == inventory_of(n)
    assert without_markets(g2.nodes["mineral:gallium"].props) == {"x": 1}


def test_supply_params_names() -> None:
    assert SUPPLY_PARAMS == ("spare_capacity", "restart_months", "secondary_supply",
                             "secondary_months", "stocks_months", "demand_elasticity",
                             "supply_elasticity", "reroute_share")
