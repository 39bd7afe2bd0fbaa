"""Mineral markets and inventory cover as the graph keeps them on nodes.

The markets loader (``riskgraph.ingest.markets``) stores, on each mineral node, its world end
uses, its supply-response parameters and the cost share of the mineral in the graph products it
feeds, as parallel homogeneous lists in ``props`` under the prefix ``mkt_`` (``mkt_use[i]``,
``mkt_use_share[i]`` ...), like :mod:`riskgraph.graph.financials` does for company figures.  It
stores inventory cover (weeks of input cover) as scalar ``inventory_*`` props on any node.  The
graph stays plain data (JSON cache, Neo4j properties: no ``None`` in lists, numbers as floats,
lists left out when empty).

This module turns the props back into frozen dataclasses and back again
(``market_of(node_with(market_props(m))) == m``).  It sits in the graph layer so the engine
(allocation, dynamic model) and the views/CLI can read it.

Examples
--------
>>> m = MineralMarket("mineral:x", uses=(EndUse("chips", "Chips", Range(1.0, 1.0, 1.0),
...     ("product:a",), 1, "high value", Range(0.0, 0.0, 0.1), "doc p.1", "2024", "reported",
...     ""),), supply={}, cost_shares=())
>>> n = Node("mineral:x", "mineral", "X", "src", "2024", "reported", props=market_props(m))
>>> market_of(n) == m
True
>>> market_of(n).use_of("product:a").use
'chips'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from riskgraph.graph.model import GraphData, Node, PropValue

MKT_PREFIX = "mkt_"
INVENTORY_PREFIX = "inventory_"
NODES_SEP = "|"  # graph node ids of one end use, joined (a list of lists is not a Neo4j property)

SUPPLY_PARAMS: tuple[str, ...] = (
    "spare_capacity", "restart_months", "secondary_supply", "secondary_months",
    "stocks_months", "demand_elasticity", "supply_elasticity", "reroute_share",
)
"""Supply-response parameters of a mineral market.

``spare_capacity`` and ``secondary_supply`` are fractions of world production (idle primary
capacity outside the top producer that can restart; recycled/secondary supply that can be
added); ``restart_months`` and ``secondary_months`` the months to bring them on stream;
``stocks_months`` months of world consumption releasable from stocks outside the shocked
producer; ``demand_elasticity`` and ``supply_elasticity`` short-run price elasticities;
``reroute_share`` the fraction of a destination's lost imports that other suppliers can divert.
"""

LAYERS: tuple[str, ...] = ("minerals", "inputs", "chips", "clouds", "labs")
"""Layer names an inventory scope may name (besides ``kind:<kind>`` and node ids)."""


@dataclass(frozen=True)
class Range:
    """A central value with its low and high bound (``low <= value <= high``)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class EndUse:
    """One end use of a mineral: its share of world consumption and how it is rationed.

    Attributes
    ----------
    use : str
        Short id of the use, unique within the mineral (``ics``, ``leds``).
    name : str
        Human name.
    share : Range
        Share of world consumption of the mineral going to this use (shares of a mineral sum
        to 1).
    nodes : tuple of str
        Graph nodes (INPUT_TO targets of the mineral) this use covers; empty for uses outside
        the graph.  A graph node belongs to at most one use of a mineral.
    priority : int
        Rank by value per unit of mineral, 1 = highest (served first under priority allocation).
    priority_basis : str
        One line on why the use ranks there.
    substitution : Range
        Fraction of the use's demand that can be substituted away within 12 months.
    source, as_of, confidence, rationale : str
        Provenance of the share (``reported`` with a citation, or ``estimated`` with a
        rationale).
    """

    use: str
    name: str
    share: Range
    nodes: tuple[str, ...]
    priority: int
    priority_basis: str
    substitution: Range
    source: str
    as_of: str
    confidence: str
    rationale: str


@dataclass(frozen=True)
class SupplyParam:
    """One supply-response parameter (see :data:`SUPPLY_PARAMS`) with its range and unit."""

    name: str
    value: Range
    unit: str
    source: str
    as_of: str
    confidence: str
    rationale: str


@dataclass(frozen=True)
class CostShare:
    """Cost share of the mineral in graph product ``node`` (fraction of the product's cost)."""

    node: str
    share: Range
    source: str
    as_of: str
    confidence: str
    rationale: str


@dataclass(frozen=True)
class MineralMarket:
    """The market of one mineral: end uses, supply parameters, cost shares.

    Attributes
    ----------
    mineral : str
        Mineral node id (``mineral:gallium``).
    uses : tuple of EndUse
        End uses in file order.
    supply : dict of str to SupplyParam
        Supply parameters by name (a subset of :data:`SUPPLY_PARAMS`).
    cost_shares : tuple of CostShare
        Cost share of the mineral per graph product it feeds.
    """

    mineral: str
    uses: tuple[EndUse, ...]
    supply: dict[str, SupplyParam] = field(default_factory=dict)
    cost_shares: tuple[CostShare, ...] = ()

    def use_of(self, node_id: str) -> EndUse | None:
        """The end use whose ``nodes`` include ``node_id``, or ``None``."""
        for u in self.uses:
            if node_id in u.nodes:
                return u
        return None

    def cost_share_of(self, node_id: str) -> CostShare | None:
        """The cost share of the mineral in ``node_id``, or ``None``."""
        for c in self.cost_shares:
            if c.node == node_id:
                return c
        return None

    def param(self, name: str) -> Range | None:
        """The range of supply parameter ``name``, or ``None`` when not on file."""
        p = self.supply.get(name)
        return None if p is None else p.value


@dataclass(frozen=True)
class Inventory:
    """Weeks of input cover held at a node (or inherited from its kind or layer).

    ``scope`` records the inventories.csv row it came from (node id, ``kind:<kind>`` or layer).
    """

    weeks: Range
    source: str
    as_of: str
    confidence: str
    rationale: str
    scope: str = ""

    @property
    def months(self) -> Range:
        """Cover in months (weeks / 4.345)."""
        f = 1.0 / WEEKS_PER_MONTH
        return Range(self.weeks.value * f, self.weeks.low * f, self.weeks.high * f)


WEEKS_PER_MONTH = 4.345  # 365.25 / 12 / 7

# props key suffixes per record type: (suffix, attribute path)
_USE_KEYS: tuple[str, ...] = (
    "use", "use_name", "use_share", "use_share_low", "use_share_high", "use_nodes",
    "use_priority", "use_priority_basis", "use_sub", "use_sub_low", "use_sub_high",
    "use_source", "use_as_of", "use_confidence", "use_rationale",
)
_SUP_KEYS: tuple[str, ...] = (
    "sup", "sup_value", "sup_low", "sup_high", "sup_unit", "sup_source", "sup_as_of",
    "sup_confidence", "sup_rationale",
)
_COST_KEYS: tuple[str, ...] = (
    "cost_node", "cost_share", "cost_share_low", "cost_share_high", "cost_source",
    "cost_as_of", "cost_confidence", "cost_rationale",
)
MKT_KEYS: tuple[str, ...] = tuple(MKT_PREFIX + k for k in (*_USE_KEYS, *_SUP_KEYS, *_COST_KEYS))
"""Every props key :func:`market_props` may write."""

INVENTORY_KEYS: tuple[str, ...] = (
    "inventory_weeks", "inventory_weeks_low", "inventory_weeks_high", "inventory_source",
    "inventory_as_of", "inventory_confidence", "inventory_rationale", "inventory_scope",
)
"""Every props key :func:`inventory_props` writes."""


def _col(props: dict[str, PropValue], key: str, n: int) -> list[Any]:
    v = props.get(MKT_PREFIX + key)
    out = list(v) if isinstance(v, list) else []
    return out + [None] * (n - len(out))


def _f(x: Any) -> float:
    return float(x) if x is not None else 0.0


def _s(x: Any) -> str:
    return "" if x is None else str(x)


def market_of(node: Node) -> MineralMarket | None:
    """The market stored on ``node``, or ``None`` when it has no ``mkt_*`` list.

    A market with no uses, supply parameters or cost shares writes no props, so it reads back
    as ``None``.

    Parameters
    ----------
    node : Node
        Usually a mineral node.

    Returns
    -------
    MineralMarket or None
    """
    p = node.props
    if not any(isinstance(p.get(MKT_PREFIX + k), list) for k in ("use", "sup", "cost_node")):
        return None
    uses_col = p.get(MKT_PREFIX + "use")
    n = len(uses_col) if isinstance(uses_col, list) else 0
    c = {k: _col(p, k, n) for k in _USE_KEYS}
    uses = tuple(
        EndUse(
            use=_s(c["use"][i]), name=_s(c["use_name"][i]),
            share=Range(_f(c["use_share"][i]), _f(c["use_share_low"][i]),
                        _f(c["use_share_high"][i])),
            nodes=tuple(x for x in _s(c["use_nodes"][i]).split(NODES_SEP) if x),
            priority=int(_f(c["use_priority"][i])),
            priority_basis=_s(c["use_priority_basis"][i]),
            substitution=Range(_f(c["use_sub"][i]), _f(c["use_sub_low"][i]),
                               _f(c["use_sub_high"][i])),
            source=_s(c["use_source"][i]), as_of=_s(c["use_as_of"][i]),
            confidence=_s(c["use_confidence"][i]), rationale=_s(c["use_rationale"][i]),
        )
        for i in range(n)
    )
    sup_col = p.get(MKT_PREFIX + "sup")
    n = len(sup_col) if isinstance(sup_col, list) else 0
    c = {k: _col(p, k, n) for k in _SUP_KEYS}
    supply = {
        _s(c["sup"][i]): SupplyParam(
            name=_s(c["sup"][i]),
            value=Range(_f(c["sup_value"][i]), _f(c["sup_low"][i]), _f(c["sup_high"][i])),
            unit=_s(c["sup_unit"][i]), source=_s(c["sup_source"][i]),
            as_of=_s(c["sup_as_of"][i]), confidence=_s(c["sup_confidence"][i]),
            rationale=_s(c["sup_rationale"][i]),
        )
        for i in range(n)
    }
    cost_col = p.get(MKT_PREFIX + "cost_node")
    n = len(cost_col) if isinstance(cost_col, list) else 0
    c = {k: _col(p, k, n) for k in _COST_KEYS}
    costs = tuple(
        CostShare(
            node=_s(c["cost_node"][i]),
            share=Range(_f(c["cost_share"][i]), _f(c["cost_share_low"][i]),
                        _f(c["cost_share_high"][i])),
            source=_s(c["cost_source"][i]), as_of=_s(c["cost_as_of"][i]),
            confidence=_s(c["cost_confidence"][i]), rationale=_s(c["cost_rationale"][i]),
        )
        for i in range(n)
    )
    return MineralMarket(mineral=node.id, uses=uses, supply=supply, cost_shares=costs)


def markets(g: GraphData) -> dict[str, MineralMarket]:
    """Every market in ``g``: mineral node id -> :class:`MineralMarket` (sorted by id)."""
    out: dict[str, MineralMarket] = {}
    for nid in sorted(g.nodes):
        m = market_of(g.nodes[nid])
        if m is not None:
            out[nid] = m
    return out


def market_props(m: MineralMarket) -> dict[str, PropValue]:
    """The ``mkt_*`` props that store ``m`` (the inverse of :func:`market_of`).

    Lists are homogeneous (str or float); a record type with no rows writes no keys.
    """
    out: dict[str, PropValue] = {}

    def put(key: str, values: list[Any]) -> None:
        if values:
            out[MKT_PREFIX + key] = values

    u = m.uses
    put("use", [x.use for x in u])
    put("use_name", [x.name for x in u])
    put("use_share", [float(x.share.value) for x in u])
    put("use_share_low", [float(x.share.low) for x in u])
    put("use_share_high", [float(x.share.high) for x in u])
    put("use_nodes", [NODES_SEP.join(x.nodes) for x in u])
    put("use_priority", [float(x.priority) for x in u])
    put("use_priority_basis", [x.priority_basis for x in u])
    put("use_sub", [float(x.substitution.value) for x in u])
    put("use_sub_low", [float(x.substitution.low) for x in u])
    put("use_sub_high", [float(x.substitution.high) for x in u])
    put("use_source", [x.source for x in u])
    put("use_as_of", [x.as_of for x in u])
    put("use_confidence", [x.confidence for x in u])
    put("use_rationale", [x.rationale for x in u])
    s = list(m.supply.values())
    put("sup", [x.name for x in s])
    put("sup_value", [float(x.value.value) for x in s])
    put("sup_low", [float(x.value.low) for x in s])
    put("sup_high", [float(x.value.high) for x in s])
    put("sup_unit", [x.unit for x in s])
    put("sup_source", [x.source for x in s])
    put("sup_as_of", [x.as_of for x in s])
    put("sup_confidence", [x.confidence for x in s])
    put("sup_rationale", [x.rationale for x in s])
    c = m.cost_shares
    put("cost_node", [x.node for x in c])
    put("cost_share", [float(x.share.value) for x in c])
    put("cost_share_low", [float(x.share.low) for x in c])
    put("cost_share_high", [float(x.share.high) for x in c])
    put("cost_source", [x.source for x in c])
    put("cost_as_of", [x.as_of for x in c])
    put("cost_confidence", [x.confidence for x in c])
    put("cost_rationale", [x.rationale for x in c])
    return out


def _scoped_fields(props: dict[str, PropValue], prefix: str, measure: str
                   ) -> dict[str, Any] | None:
    """The fields of a scoped scalar record stored as ``<prefix><measure>[_low|_high]`` plus
    ``<prefix>source/as_of/confidence/rationale/scope`` (inventory cover, capital goods), or
    ``None`` when the node has none."""
    v = props.get(prefix + measure)
    if v is None or isinstance(v, list | bool | str):
        return None
    lo, hi = props.get(f"{prefix}{measure}_low", v), props.get(f"{prefix}{measure}_high", v)
    out: dict[str, Any] = {measure: Range(float(v), _f(lo), _f(hi))}
    for key in ("source", "as_of", "confidence", "rationale", "scope"):
        out[key] = _s(props.get(prefix + key))
    return out


def _scoped_props(prefix: str, measure: str, rec: Inventory | Capital) -> dict[str, PropValue]:
    """The props that store ``rec`` (the inverse of :func:`_scoped_fields`)."""
    r: Range = getattr(rec, measure)
    return {
        prefix + measure: float(r.value),
        f"{prefix}{measure}_low": float(r.low),
        f"{prefix}{measure}_high": float(r.high),
        **{prefix + key: getattr(rec, key)
           for key in ("source", "as_of", "confidence", "rationale", "scope")},
    }


def inventory_of(node: Node) -> Inventory | None:
    """The inventory cover stored on ``node``, or ``None`` when it has none.

    Returns
    -------
    Inventory or None
        ``weeks`` of input cover with its range and provenance.
    """
    f = _scoped_fields(node.props, INVENTORY_PREFIX, "weeks")
    return None if f is None else Inventory(**f)


def inventory_props(inv: Inventory) -> dict[str, PropValue]:
    """The ``inventory_*`` props that store ``inv`` (the inverse of :func:`inventory_of`)."""
    return _scoped_props(INVENTORY_PREFIX, "weeks", inv)


CAPITAL_PREFIX = "capital_"
CAPITAL_KEYS: tuple[str, ...] = (
    "capital_months", "capital_months_low", "capital_months_high", "capital_source",
    "capital_as_of", "capital_confidence", "capital_rationale", "capital_scope",
)
"""Every props key :func:`capital_props` writes."""


@dataclass(frozen=True)
class Capital:
    """A capital good: its customers run an installed base worth ``months`` of its deliveries.

    A cut in deliveries of a capital good (a lithography tool) does not stop the customer's
    output at once: the installed base keeps running, and capacity falls by the deliveries lost
    so far over the base (the dynamic model's capital arcs; docs/model.md, Time).  ``scope``
    records the capital_goods.csv row (``role:<role>``, ``type:<type>`` or a node id).
    """

    months: Range
    source: str
    as_of: str
    confidence: str
    rationale: str
    scope: str = ""


def capital_of(node: Node) -> Capital | None:
    """The capital-good record stored on ``node`` (a supplier), or ``None``."""
    f = _scoped_fields(node.props, CAPITAL_PREFIX, "months")
    return None if f is None else Capital(**f)


def capital_props(cap: Capital) -> dict[str, PropValue]:
    """The ``capital_*`` props that store ``cap`` (the inverse of :func:`capital_of`)."""
    return _scoped_props(CAPITAL_PREFIX, "months", cap)


def without_markets(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without the ``mkt_*`` lists, ``inventory_*`` and ``capital_*`` keys (shown
    separately)."""
    return {k: v for k, v in props.items()
            if not k.startswith((MKT_PREFIX, INVENTORY_PREFIX, CAPITAL_PREFIX))}


__all__ = [
    "CAPITAL_KEYS", "Capital", "capital_of", "capital_props",
    "INVENTORY_KEYS", "LAYERS", "MKT_KEYS", "SUPPLY_PARAMS", "WEEKS_PER_MONTH", "CostShare",
    "EndUse", "Inventory", "MineralMarket", "Range", "SupplyParam", "inventory_of",
    "inventory_props", "market_of", "market_props", "markets", "without_markets",
]


# -- trade (helper B, issue 13 item 5): U.S. imports by partner; defined in graph/trade.py ------
from riskgraph.graph.trade import TradeShares, trade_of, trade_props  # noqa: E402

__all__ += ["TradeShares", "trade_of", "trade_props"]
