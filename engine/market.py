r"""Shortage economics of minerals (issue 13): supply response, allocation, export controls, price.

Where a mineral node carries market data (graph/markets.py: end uses with world-consumption
shares and priority ranks, supply-response parameters), the arcs out of the mineral no longer
pass on the mineral's shortfall *q_m* as it is (the v0.1 rule).  Instead, in the order of the
flow (docs/model.md, section "Shortage economics"):

1. **supply response** (:func:`supply_response`): spare primary capacity outside the shocked
   producer restarts over ``restart_months`` and secondary supply over ``secondary_months``
   (linear ramps; ``month=None`` = the long run: all of it); releasable stocks fill the rest of
   the gap while they last (a state the dynamic model carries: ``stocks_used``).  Net shortfall
   :math:`d_m = \max(0, q_m - R_m)`.
2. **allocation** (:func:`allocate`) of the remaining supply :math:`1 - d_m` among the end uses:
   ``proportional`` (every use loses :math:`d_m`: the v0.1 rule), ``priority`` (uses are served
   in rank order, ties pro rata), ``mixed`` = :math:`\theta` priority + (1 - :math:`\theta`)
   proportional; then a use's output shortfall is :math:`d_u (1 - s_u)` (substitution).
3. **the arc** m -> p carries :math:`a^*_{pm} d_{u(p)}` as a constant into p's input group
   (:func:`arc_constants`, :func:`group_constants`); graph nodes in no end use keep
   :math:`d_m`.  A mineral without market data is untouched (exactly v0.1).
4. **export controls** (:func:`exports_arithmetic`): ``--country C --exports-to D`` cuts C's
   exports to D, not world production; D's lost tonnes, what others re-route, D's net
   shortfall, and only D's share of each downstream product is hit.
5. **price pressure** (:func:`price_ratio`, :func:`price_pressure`): constant elasticities.

-----------------------------------------------------------------------------------------------
INTERFACE FOR HELPER C (engine/dynamic.py) AND D (backtests, Monte Carlo) -- kept stable:

    ctx = market.build(graph, setup, *, allocation=None, theta=None, supply_response=None,
                       exports_to=None, country=None, pct=None)
        # allocation/theta/supply_response None -> setup.params (defaults.toml [market] after
        # --set); ``pct`` (0-100) is needed with exports_to only.  ctx.active is False when no
        # mineral has market data and there is no export control: then skip the market pass.
    k, info = market.arc_constants(ctx, q, month=None, stocks_used=None, arc_values=None)
        # k: per-arc array, a*_arc d_u(arc) on ctx.mineral_arcs, 0 elsewhere.  q: per-node
        # shortfalls (only q at the market minerals is read: their gross cut).  month=None: long
        # run (full ramps, stocks used up); month=t (1, 2, ...): ramps at t.  stocks_used: per
        # ctx.minerals entry, months of world consumption already drawn (None: no stocks);
        # info["stock_release"] (same order) is this month's draw: add it to stocks_used.
        # arc_values: a* of a Monte Carlo draw (default: the run's).
    ctx.mineral_arcs   # bool per arc: these arcs' contribution comes from k, not from q
    market.group_constants(ctx, k)  # per downstream group: the ``const`` of aggregate.solve
    market.price_pressure(ctx, info["net"]) -> {mineral id: {...} | None}
Differences from issue13.md (additions only): build() also takes ``pct`` (for exports_to);
arc_constants() also takes ``arc_values`` (Monte Carlo draws); group_constants(),
effective_values() (path explanation) and block() (the result's ``market``) are new;
supply_response=False also switches off substitution and export re-routing (so proportional +
no response is v0.1 exactly); stocks are drawn only when ``stocks_used`` is passed.
-----------------------------------------------------------------------------------------------
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from riskgraph.errors import UsageError
from riskgraph.graph.markets import MineralMarket, markets
from riskgraph.graph.model import GraphData, is_number
from riskgraph.graph.trade import trade_of

if TYPE_CHECKING:
    from riskgraph.engine.shock import Setup

ALLOCATIONS: tuple[str, ...] = ("proportional", "priority", "mixed")
SUPPLY_DEFAULTS: dict[str, float] = {  # a parameter not on file: no response of that kind
    "spare_capacity": 0.0, "restart_months": 0.0, "secondary_supply": 0.0,
    "secondary_months": 0.0, "stocks_months": 0.0, "reroute_share": 0.0,
}
# Destinations whose consumption riskgraph has (USGS MCS 2025 Table 5: U.S. figures only).
CONSUMPTION_PROP = "us_apparent_consumption_t_2024"
NIR_PROP = "us_net_import_reliance_pct_2024"
DESTINATIONS: tuple[str, ...] = ("US",)


# -- 1. pure functions (hand-testable) ---------------------------------------------------------
def priority_shortfall(shares: Any, priorities: Any, delta: float) -> np.ndarray:
    """Unmet fraction of each use when supply ``1 - delta`` (a fraction of total demand) serves
    the uses in rank order (1 first); uses of equal rank share what is left pro rata."""
    w = _weights(shares)
    pr = np.asarray(priorities, dtype=float).ravel()
    supply = 1.0 - _frac(delta)
    out = np.ones(w.size)
    for r in sorted(set(pr.tolist())):
        idx = pr == r
        dem = float(w[idx].sum())
        if dem <= 0.0:
            out[idx] = 0.0 if supply > 1e-15 else 1.0
            continue
        served = min(dem, max(0.0, supply))
        out[idx] = 1.0 - served / dem
        supply -= served
    return np.clip(out, 0.0, 1.0)


def allocate_mineral(shares: Any, priorities: Any, delta: float, rule: str = "mixed",
                     theta: float = 0.5) -> np.ndarray:
    """Per use, the unmet fraction of its normal mineral demand (before substitution).

    Feasible for every rule: ``sum_u w_u (1 - d_u) = 1 - delta`` when demand exceeds supply
    (``w`` the shares scaled to sum 1); a convex mix of two feasible allocations is feasible.
    """
    if rule not in ALLOCATIONS:
        raise UsageError(f"--allocation must be one of {', '.join(ALLOCATIONS)}, not {rule!r}")
    w = _weights(shares)
    d = _frac(delta)
    prop = np.full(w.size, d)
    if rule == "proportional" or w.size == 0:
        return prop
    pri = priority_shortfall(w, priorities, d)
    if rule == "priority":
        return pri
    t = _frac(theta)
    return np.asarray(t * pri + (1.0 - t) * prop)


def allocate(shares: Any, priorities: Any, delta: float, rule: str = "mixed",
             theta: float = 0.5, substitution: Any = None) -> np.ndarray:
    r"""Per-use output shortfall :math:`d_u (1 - s_u)` of a mineral short by ``delta``.

    Parameters
    ----------
    shares : array of float
        World-consumption share of each end use (scaled to sum 1 here).
    priorities : array of int
        Rank by value per unit of mineral, 1 = served first.
    delta : float
        Net shortfall of the mineral in [0, 1] (after supply response).
    rule : {"proportional", "priority", "mixed"}
    theta : float
        Weight of ``priority`` in ``mixed``.
    substitution : array of float, optional
        Fraction of each use's demand it can substitute away.

    Examples
    --------
    Two uses, 60% chips (rank 1) and 40% LEDs (rank 2), 30% short:

    >>> allocate([0.6, 0.4], [1, 2], 0.3, "priority").round(3).tolist()
    [0.0, 0.75]
    >>> allocate([0.6, 0.4], [1, 2], 0.3, "mixed", 0.5).round(3).tolist()
    [0.15, 0.525]
    """
    d = allocate_mineral(shares, priorities, delta, rule, theta)
    if substitution is None:
        return d
    s = np.clip(np.asarray(substitution, dtype=float).ravel(), 0.0, 1.0)
    return np.asarray(d * (1.0 - s))


def served(shares: Any, d_u: Any) -> float:
    """Mineral delivered, as a fraction of total demand: ``sum_u w_u (1 - d_u)``."""
    w = _weights(shares)
    return float(np.sum(w * (1.0 - np.asarray(d_u, dtype=float))))


def ramp(amount: float, months: float, month: int | float | None) -> float:
    """``amount`` coming in linearly over ``months`` (``month=None`` or ``months <= 0``: all)."""
    if month is None or months <= 0:
        return float(amount)
    return float(amount) * min(1.0, max(0.0, float(month)) / float(months))


def supply_response(spare: float, restart_months: float, secondary: float,
                    secondary_months: float, month: int | float | None = None
                    ) -> tuple[float, float]:
    """(spare capacity, secondary supply) on stream in ``month`` (fractions of world supply)."""
    return ramp(spare, restart_months, month), ramp(secondary, secondary_months, month)


def net_shortfall(gross: float, response: float, stocks_available: float = 0.0
                  ) -> tuple[float, float]:
    """``(d, release)``: the shortfall left after ``response`` and a stock release of at most
    ``stocks_available`` (months of world consumption; one month of a gap ``g`` draws ``g``)."""
    gap = max(0.0, float(gross) - max(0.0, float(response)))
    release = min(gap, max(0.0, float(stocks_available)))
    return gap - release, release


def price_ratio(d: float, demand_elasticity: float, supply_elasticity: float) -> float:
    r"""Indicative price ratio :math:`P_1/P_0 = (1 - d)^{1/(\varepsilon_d - \varepsilon_s)}`.

    Constant-elasticity demand :math:`D = D_0 (P/P_0)^{\varepsilon_d}` (:math:`\varepsilon_d < 0`)
    meets supply cut by ``d`` that still responds to price,
    :math:`S = (1 - d) D_0 (P/P_0)^{\varepsilon_s}`; the clearing price solves
    :math:`(1 - d)(P/P_0)^{\varepsilon_s} = (P/P_0)^{\varepsilon_d}`.  Elasticities are read as
    magnitudes (the demand one negative, the supply one positive, whatever the sign on file).
    ``inf`` for ``d >= 1`` (no finite price clears a total loss).

    >>> round(price_ratio(0.1, -0.1, 0.1), 3)
    1.694
    """
    ed, es = -abs(float(demand_elasticity)), abs(float(supply_elasticity))
    if ed - es == 0:
        return math.inf if d > 0 else 1.0
    if d >= 1.0:
        return math.inf
    return float((1.0 - max(0.0, float(d))) ** (1.0 / (ed - es)))


def exports_arithmetic(consumption_t: float, import_reliance: float, import_share: float,
                       cut: float, reroute_share: float, available_t: float,
                       reroute_ramp: float = 1.0) -> dict[str, float]:
    """Export control in tonnes: destination consumption ``C``, net import reliance ``n``,
    share ``s`` of its imports from the controlling country, cut ``P`` (0-1).

    ``lost = C n s P``; ``rerouted = min(reroute_share lost, available) x ramp``;
    ``net = lost - rerouted``; ``shortfall = net / C`` (0 when C = 0).

    >>> r = exports_arithmetic(19.0, 1.0, 0.2, 1.0, 0.5, 100.0)
    >>> r["lost_t"], r["rerouted_t"], round(r["shortfall"], 3)
    (3.8, 1.9, 0.1)
    """
    lost = consumption_t * import_reliance * import_share * cut
    rer = min(reroute_share * lost, max(0.0, available_t)) * min(1.0, max(0.0, reroute_ramp))
    net = max(0.0, lost - rer)
    return {"consumption_t": consumption_t, "import_reliance": import_reliance,
            "import_share": import_share, "cut": cut, "lost_t": lost, "rerouted_t": rer,
            "net_lost_t": net, "available_t": available_t,
            "shortfall": net / consumption_t if consumption_t > 0 else 0.0}


def _weights(shares: Any) -> np.ndarray:
    w = np.clip(np.asarray(shares, dtype=float).ravel(), 0.0, None)
    tot = float(w.sum())
    return w / tot if tot > 0 else w


def _frac(x: float) -> float:
    return min(1.0, max(0.0, float(x)))


# -- 2. the context of one run -----------------------------------------------------------------
@dataclass
class MineralCtx:
    """One mineral with market data, as the run sees it (``--set`` applied)."""

    id: str
    name: str
    index: int  # node index
    market: MineralMarket
    arcs: np.ndarray  # arc indices out of the mineral (its mineral arcs)
    arc_use: np.ndarray  # per arc in ``arcs``: index into market.uses, -1 = in no end use
    shares: np.ndarray
    priorities: np.ndarray
    substitution: np.ndarray
    params: dict[str, float]  # supply parameters after --set (SUPPLY_DEFAULTS where absent)
    sources: dict[str, str]  # parameter -> source ("--set" for an override)
    elasticities: dict[str, tuple[float, float, float]]  # name -> (value, low, high)
    world_t: float | None  # world production, t/yr (price and export arithmetic)


@dataclass
class ExportsCtx:
    """``--country C --exports-to D`` on one mineral."""

    mineral: int  # position in MarketContext.minerals, or -1 (no market data)
    mineral_id: str
    country: str
    destination: str
    cut: float
    consumption_t: float
    import_reliance: float
    import_reliance_text: str
    import_share: float
    import_share_basis: dict[str, Any]
    country_share: float  # the country's share of world production (PRODUCES weight)
    arcs: np.ndarray  # arcs out of the mineral
    location: np.ndarray  # per arc: share of the customer's production located in D
    location_basis: list[str]
    world_t: float | None
    reroute_share: float
    restart_months: float
    spare: float


@dataclass
class MarketContext:
    """What :func:`arc_constants` needs, built once per run by :func:`build`."""

    minerals: list[MineralCtx]
    mineral_arcs: np.ndarray  # bool per arc
    arc_values: np.ndarray  # a* per arc of the run
    allocation: str
    theta: float
    supply_response: bool
    substitution_months: float
    groups: Any  # the compiled graph's downstream Groups
    n: int
    ids: list[str]  # node ids by index
    cus: np.ndarray  # customer node index per arc
    exports: ExportsCtx | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.mineral_arcs.any())


def build(graph: GraphData, setup: Setup, *, allocation: str | None = None,
          theta: float | None = None, supply_response: bool | None = None,
          exports_to: str | None = None, country: str | None = None,
          pct: float | None = None) -> MarketContext:
    """The market context of one downstream run (see the module docstring for the contract).

    Raises
    ------
    UsageError
        Unknown allocation rule; ``--exports-to`` without ``--country``, on a target that is not
        a mineral, to a destination without consumption data, or a mineral without trade data.
    """
    p = setup.params
    rule = p.allocation if allocation is None else allocation
    if rule not in ALLOCATIONS:
        raise UsageError(f"--allocation must be one of {', '.join(ALLOCATIONS)}, not {rule!r}")
    th = p.theta if theta is None else float(theta)
    if supply_response is not None:
        resp = bool(supply_response)
    elif allocation == "proportional":  # asked for by name: the v0.1 rule, the upper bound
        resp = False  # (supply response with it: --allocation proportional --supply-response)
    else:
        resp = bool(p.supply_response)
    cg = setup.compiled
    arc_values = cg.arc_astar(setup.arrays.w, setup.arrays.s, setup.arrays.b)
    overrides = _supply_overrides(setup)
    mask = np.zeros(cg.m, dtype=bool)
    mins: list[MineralCtx] = []
    for mid, mk in markets(graph).items():
        if mid not in cg.index or not mk.uses:
            continue
        i = cg.index[mid]
        arcs = np.flatnonzero((cg.sup == i) & ~cg.exogenous)
        if arcs.size == 0:
            continue
        pos = {u.use: k for k, u in enumerate(mk.uses)}
        arc_use = np.array([pos[u.use] if (u := mk.use_of(cg.ids[int(cg.cus[a])])) else -1
                            for a in arcs], dtype=np.int64)
        params, sources = {}, {}
        for key, dflt in SUPPLY_DEFAULTS.items():
            r = mk.param(key)
            params[key] = dflt if r is None else float(r.value)
            sp = mk.supply.get(key)
            sources[key] = sp.source if sp is not None else "not on file (0: none)"
        for key, (val, text) in overrides.get(mid, {}).items():
            params[key] = val
            sources[key] = f"--set {text}"
        el = {}
        for key in ("demand_elasticity", "supply_elasticity"):
            r = mk.param(key)
            if r is not None:
                el[key] = (float(r.value), float(r.low), float(r.high))
            if key in overrides.get(mid, {}):
                v = overrides[mid][key][0]
                el[key] = (v, v, v)
        mins.append(MineralCtx(
            id=mid, name=graph.nodes[mid].name, index=i, market=mk, arcs=arcs, arc_use=arc_use,
            shares=np.array([u.share.value for u in mk.uses], dtype=float),
            priorities=np.array([u.priority for u in mk.uses], dtype=float),
            substitution=np.array([u.substitution.value for u in mk.uses], dtype=float),
            params=params, sources=sources, elasticities=el, world_t=_world_t(graph, mid)))
        mask[arcs] = True
    ctx = MarketContext(minerals=mins, mineral_arcs=mask, arc_values=arc_values,
                        allocation=rule, theta=th, supply_response=resp,
                        substitution_months=float(p.substitution_months), groups=cg.groups,
                        n=cg.n, ids=cg.ids, cus=cg.cus)
    if exports_to is not None:
        ctx.exports = _exports_ctx(graph, setup, ctx, exports_to, country, pct)
        ctx.mineral_arcs[ctx.exports.arcs] = True
    return ctx


def _supply_overrides(setup: Setup) -> dict[str, dict[str, tuple[float, str]]]:
    """``--set KEY[MINERAL]=V`` per mineral id (``KEY[*]``: every mineral with a market)."""
    from riskgraph.engine.defaults import SUPPLY_KEYS

    out: dict[str, dict[str, tuple[float, str]]] = {}
    graph = setup.compiled.graph
    every = [nid for nid, n in graph.nodes.items() if n.kind == "mineral"]
    for o in setup.overrides:
        if o.key not in SUPPLY_KEYS or o.target is None:
            continue
        if o.target == "*":
            ids = every
        else:
            nid = setup.resolve(o.target)
            if graph.nodes[nid].kind != "mineral":
                raise UsageError(f"--set {o.text}: {nid} is not a mineral; market parameters "
                                 "belong to minerals")
            ids = [nid]
        for nid in ids:
            out.setdefault(nid, {})[o.key] = (o.value, o.text)
    return out


def _world_t(graph: GraphData, mid: str) -> float | None:
    """World production in tonnes per year: the node's MCS 2025 figure, else None."""
    v = graph.nodes[mid].props.get("world_production_t_2024")
    return float(v) if is_number(v) and float(v) > 0 else None  # type: ignore[arg-type]


# -- 3. per-arc constants ----------------------------------------------------------------------
def _response(mc: MineralCtx, month: int | float | None, on: bool) -> tuple[float, float]:
    if not on:
        return 0.0, 0.0
    pr = mc.params
    return supply_response(pr["spare_capacity"], pr["restart_months"], pr["secondary_supply"],
                           pr["secondary_months"], month)


def arc_constants(ctx: MarketContext, q: np.ndarray, month: int | float | None = None,
                  stocks_used: np.ndarray | None = None, *, arc_values: np.ndarray | None = None
                  ) -> tuple[np.ndarray, dict[str, Any]]:
    """Per-arc contributions ``a*_arc d_u(arc)`` of the mineral arcs (0 elsewhere) and what
    produced them (``info``: per mineral the gross cut, response, net shortfall and per-use
    shortfalls; ``net`` mineral id -> net shortfall; ``stock_release`` per ctx.minerals)."""
    av = ctx.arc_values if arc_values is None else arc_values
    k = np.zeros(av.size)
    release = np.zeros(len(ctx.minerals))
    info: dict[str, Any] = {"minerals": {}, "net": {}, "stock_release": release,
                            "month": month}
    # substitution is a response too: off with the supply response (then v0.1 exactly)
    sub_ramp = ramp(1.0, ctx.substitution_months, month) if ctx.supply_response else 0.0
    ex = ctx.exports
    for j, mc in enumerate(ctx.minerals):
        if ex is not None and ex.mineral == j:
            continue  # the export control sets this mineral's arcs (below)
        gross = float(q[mc.index])
        spare, second = _response(mc, month, ctx.supply_response)
        avail = 0.0
        if stocks_used is not None and month is not None and ctx.supply_response:
            avail = max(0.0, mc.params["stocks_months"] - float(stocks_used[j]))
        d, rel = net_shortfall(gross, spare + second, avail)
        release[j] = rel
        d_min = allocate_mineral(mc.shares, mc.priorities, d, ctx.allocation, ctx.theta)
        d_use = d_min * (1.0 - np.clip(mc.substitution, 0, 1) * sub_ramp)
        per_arc = np.where(mc.arc_use >= 0, d_use[np.maximum(mc.arc_use, 0)], d)
        k[mc.arcs] = av[mc.arcs] * per_arc
        info["net"][mc.id] = d
        info["minerals"][mc.id] = {
            "gross": gross, "spare": min(spare, gross), "secondary":
                min(second, max(0.0, gross - spare)), "stocks": rel, "net": d,
            "uses_mineral": d_min, "uses_output": d_use, "per_arc": per_arc}
    if ex is not None:
        mc_ex = ctx.minerals[ex.mineral] if ex.mineral >= 0 else None
        ar = _exports_now(ctx, ex, month)
        d = ar["shortfall"]
        if mc_ex is not None:
            d_min = allocate_mineral(mc_ex.shares, mc_ex.priorities, d, ctx.allocation,
                                     ctx.theta)
            d_use = d_min * (1.0 - np.clip(mc_ex.substitution, 0, 1) * sub_ramp)
            pos = {int(a): t for t, a in enumerate(mc_ex.arcs)}
            use_idx = np.array([mc_ex.arc_use[pos[int(a)]] if int(a) in pos else -1
                                for a in ex.arcs], dtype=np.int64)
            per_arc = np.where(use_idx >= 0, d_use[np.maximum(use_idx, 0)], d)
        else:
            d_min = d_use = np.zeros(0)
            per_arc = np.full(ex.arcs.size, d)
        k[ex.arcs] = av[ex.arcs] * per_arc * ex.location
        info["net"][ex.mineral_id] = 0.0  # world supply is not cut
        info["exports_to"] = {**ar, "uses_mineral": d_min, "uses_output": d_use,
                              "per_arc": per_arc}
    return k, info


def _exports_now(ctx: MarketContext, ex: ExportsCtx, month: int | float | None
                 ) -> dict[str, float]:
    available = 0.0
    if ex.world_t is not None:
        # other producers' output (diverted from other buyers) plus their spare capacity
        available = ex.world_t * (max(0.0, 1.0 - ex.country_share) + ex.spare)
    share = ex.reroute_share if ctx.supply_response else 0.0
    return exports_arithmetic(ex.consumption_t, ex.import_reliance, ex.import_share, ex.cut,
                              share, available, ramp(1.0, ex.restart_months, month))


def group_constants(ctx: MarketContext, k: np.ndarray) -> np.ndarray:
    """Per downstream input group, the sum of its mineral arcs' constants (``const`` of
    :func:`riskgraph.engine.aggregate.solve`)."""
    vals = np.where(ctx.mineral_arcs, k, np.nan)
    return np.asarray(ctx.groups.matrix(vals) @ np.ones(ctx.n))


def effective_values(ctx: MarketContext, k: np.ndarray, source: np.ndarray,
                     arc_values: np.ndarray) -> np.ndarray:
    """Arc values for the path explanation: a mineral arc's transmission ``k / s`` (``s`` the
    shortfall its path starts from), so a path's start shock times its factors is still its
    contribution."""
    out = arc_values.copy()
    arcs = np.flatnonzero(ctx.mineral_arcs)
    if arcs.size == 0:
        return out
    cg_sup = ctx.groups.sender[arcs]
    s = source[cg_sup]
    out[arcs] = np.where(s > 0, k[arcs] / np.where(s > 0, s, 1.0), 0.0)
    return out


# -- 4. price pressure -------------------------------------------------------------------------
def price_pressure(ctx: MarketContext, d_m: Mapping[str, float]) -> dict[str, Any]:
    """Per mineral in ``d_m`` (net shortfall after supply response, before allocation): the
    indicative price ratio, low/central/high from the elasticity ranges (None without both
    elasticities on file)."""
    out: dict[str, Any] = {}
    by_id = {mc.id: mc for mc in ctx.minerals}
    for mid, d in d_m.items():
        mc = by_id.get(mid)
        if mc is None or set(mc.elasticities) != {"demand_elasticity", "supply_elasticity"}:
            out[mid] = None
            continue
        ed, es = mc.elasticities["demand_elasticity"], mc.elasticities["supply_elasticity"]
        corners = [price_ratio(d, a, b) for a in ed for b in es]
        out[mid] = {
            "net_shortfall": float(d),
            "ratio": price_ratio(d, ed[0], es[0]),
            "ratio_low": min(corners), "ratio_high": max(corners),
            "demand_elasticity": list(ed), "supply_elasticity": list(es),
            "formula": "P1/P0 = (1 - d)^(1/(e_d - e_s)), e_d = -|demand_elasticity|, "
                       "e_s = +|supply_elasticity|",
            "sources": {k: mc.market.supply[k].source for k in mc.elasticities
                        if k in mc.market.supply},
        }
    return out


# -- 5. export controls --------------------------------------------------------------------------
def _exports_ctx(graph: GraphData, setup: Setup, ctx: MarketContext, exports_to: str,
                 country: str | None, pct: float | None) -> ExportsCtx:
    cg = setup.compiled
    if country is None:
        raise UsageError("--exports-to needs --country (the exporting country, e.g. "
                         "--country CN --exports-to US)")
    if len(setup.targets) != 1 or graph.nodes[setup.targets[0]].kind != "mineral":
        raise UsageError(f"--exports-to applies to one mineral, not {setup.targets[0]}"
                         if len(setup.targets) == 1 else
                         "--exports-to applies to one mineral, not a layer")
    mid = setup.targets[0]
    dest_id = setup.resolve(exports_to)
    dest = graph.nodes[dest_id]
    if dest.kind != "country":
        raise UsageError(f"--exports-to {exports_to!r} is {dest_id}, not a country")
    code = dest_id.split(":", 1)[-1]
    cid = setup.resolve(country)
    if cid == dest_id:
        raise UsageError(f"--exports-to {exports_to}: the destination is the exporting country")
    node = graph.nodes[mid]
    cons = node.props.get(CONSUMPTION_PROP)
    if code not in DESTINATIONS:
        raise UsageError(
            f"--exports-to {exports_to}: riskgraph has a destination's consumption only for "
            f"{', '.join(DESTINATIONS)} (USGS MCS 2025 apparent consumption); not for {code}")
    if not is_number(cons):
        raise UsageError(f"--exports-to {code}: no U.S. apparent consumption of {node.name} on "
                         f"file (USGS MCS 2025 Table 5 withholds or omits it)")
    trade = trade_of(node)
    if trade is None:
        have = sorted(n.name for n in graph.nodes.values()
                      if n.kind == "mineral" and trade_of(n) is not None)
        raise UsageError(f"--exports-to: no trade data for {node.name} (riskgraph has U.S. "
                         f"imports by partner for: {', '.join(have) or 'none'})")
    nir_raw = node.props.get(NIR_PROP)
    nir, nir_text = _nir(nir_raw)
    cut = (pct or 0.0) / 100.0
    share, basis = trade.share(code=cid.split(":", 1)[-1])
    t = cg.index[mid]
    hit = np.flatnonzero((cg.sup == cg.index[cid]) & (cg.cus == t))
    if hit.size == 0:
        raise UsageError(f"{cid} supplies nothing to {mid} in this graph")
    cshare = float(np.max(setup.arrays.w[hit]))  # as perturb() reads it
    arcs = np.flatnonzero((cg.sup == t) & ~cg.exogenous)
    loc, why = [], []
    for a in arcs:
        h, b = location_share(graph, cg.ids[int(cg.cus[a])], dest_id)
        loc.append(h)
        why.append(b)
    j = next((k for k, mc in enumerate(ctx.minerals) if mc.id == mid), -1)
    prm = ctx.minerals[j].params if j >= 0 else dict(SUPPLY_DEFAULTS)
    return ExportsCtx(
        mineral=j, mineral_id=mid, country=cid, destination=dest_id, cut=cut,
        consumption_t=float(cons), import_reliance=nir,  # type: ignore[arg-type]
        import_reliance_text=nir_text, import_share=share, import_share_basis=basis,
        country_share=cshare, arcs=arcs, location=np.array(loc, dtype=float),
        location_basis=why, world_t=_world_t(graph, mid),
        reroute_share=prm["reroute_share"], restart_months=prm["restart_months"],
        spare=prm["spare_capacity"] if ctx.supply_response else 0.0)


def _nir(v: Any) -> tuple[float, str]:
    """Net import reliance (percent on file; ``">50"`` -> 0.5, a lower bound)."""
    if is_number(v):
        return min(1.0, float(v) / 100.0), f"{float(v):g}%"
    s = str(v or "").strip()
    lower = _num(s[1:]) if s.startswith(">") else None
    if lower is not None:
        return lower / 100.0, f"{s}% (lower bound used)"
    raise UsageError(f"--exports-to: no U.S. net import reliance on file ({s or 'none'})")


def _num(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def location_share(graph: GraphData, node_id: str, dest_id: str) -> tuple[float, str]:
    """Share of ``node_id``'s production located in ``dest_id``: the destination's PROVIDES
    share into it (CSET, by country), else its stated firm providers' shares weighted by each
    firm's LOCATED_IN capacity share in the destination (or, without LOCATED_IN, 1 if the firm's
    registry country is the destination), normalised over the stated shares; 1 (an upper bound)
    when riskgraph knows no provider."""
    code = dest_id.split(":", 1)[-1]
    by_country: dict[str, float] = {}
    firms: dict[str, float] = {}
    for e in graph.edges.values():
        if e.type != "PROVIDES" or e.dst != node_id or not is_number(e.weight):
            continue
        src = graph.nodes.get(e.src)
        if src is None:
            continue
        w = float(e.weight)  # type: ignore[arg-type]
        if src.kind == "country":
            by_country[e.src] = max(by_country.get(e.src, 0.0), w)
        else:
            firms[e.src] = max(firms.get(e.src, 0.0), w)
    if by_country:
        h = by_country.get(dest_id, 0.0) / max(1.0, sum(by_country.values()))
        return h, f"{code} share of providers by country (PROVIDES) {h:.2f}"
    if not firms:
        return 1.0, "no providers on file: all of it assumed in the destination (upper bound)"
    tot = sum(firms.values())
    acc = 0.0
    for f, w in firms.items():
        locs = {e.dst: float(e.weight) for e in graph.edges.values()  # type: ignore[arg-type]
                if e.type == "LOCATED_IN" and e.src == f and is_number(e.weight)}
        if locs:
            acc += w * locs.get(dest_id, 0.0) / max(1.0, sum(locs.values()))
        else:
            acc += w * (1.0 if graph.nodes[f].props.get("country") == code else 0.0)
    h = acc / tot if tot > 0 else 0.0
    return h, (f"{len(firms)} firm providers (shares sum {tot:.2f}), their {code} capacity "
               f"share (LOCATED_IN, else registry country): {h:.2f}")


# -- 6. the result block ---------------------------------------------------------------------------
def block(ctx: MarketContext, info: dict[str, Any], graph: GraphData) -> dict[str, Any]:
    """The result's ``market`` block for the long-run (static) answer."""
    minerals = []
    nets = {mid: float(v) for mid, v in info["net"].items()}
    price = price_pressure(ctx, {mid: v for mid, v in nets.items()
                                 if ctx.exports is None or mid != ctx.exports.mineral_id})
    for mc in ctx.minerals:
        m = info["minerals"].get(mc.id)
        if m is None or m["gross"] <= 0:
            continue
        uses = []
        for t, u in enumerate(mc.market.uses):
            uses.append({
                "use": u.use, "name": u.name, "share": u.share.value,
                "priority": u.priority, "priority_basis": u.priority_basis,
                "substitution": u.substitution.value, "nodes": list(u.nodes),
                "mineral_shortfall": float(m["uses_mineral"][t]),
                "shortfall": float(m["uses_output"][t]),
                "source": u.source, "as_of": u.as_of, "confidence": u.confidence})
        outside = sorted({ctx.ids[int(ctx.cus[a])] for a, ua in zip(mc.arcs, mc.arc_use,
                                                                     strict=True) if ua < 0})
        minerals.append({
            "id": mc.id, "name": mc.name, "cut": m["gross"],
            "response": {"spare_capacity": m["spare"], "secondary_supply": m["secondary"],
                         "stocks": m["stocks"],
                         "total": m["spare"] + m["secondary"] + m["stocks"]},
            "net_shortfall": m["net"],
            "parameters": {k: {"value": v, "source": mc.sources[k]}
                           for k, v in mc.params.items()},
            "uses": uses,
            "nodes_in_no_use": outside,
            "price": price.get(mc.id),
        })
    out: dict[str, Any] = {
        "allocation": ctx.allocation,
        "theta": ctx.theta if ctx.allocation == "mixed" else None,
        "supply_response": ctx.supply_response,
        "horizon": "long run (permanent shock: full supply response, substitution; stocks "
                   "used up)",
        "minerals": minerals,
        "exports_to": None,
    }
    if ctx.exports is not None and "exports_to" in info:
        out["exports_to"] = _exports_block(ctx, info["exports_to"], graph)
    return out


def _exports_block(ctx: MarketContext, ar: dict[str, Any], graph: GraphData) -> dict[str, Any]:
    ex = ctx.exports
    assert ex is not None
    arcs = []
    for t, a in enumerate(ex.arcs):
        arcs.append({"node": ctx.ids[int(ctx.cus[a])],
                     "location_share": float(ex.location[t]), "basis": ex.location_basis[t],
                     "shortfall_there": float(ar["per_arc"][t])})
    return {
        "mineral": ex.mineral_id, "country": ex.country, "destination": ex.destination,
        "cut": ex.cut,
        "consumption_t": ex.consumption_t,
        "consumption_source": f"{graph.nodes[ex.mineral_id].props.get('mcs2025_source', '')}",
        "import_reliance": ex.import_reliance, "import_reliance_text": ex.import_reliance_text,
        "import_share": ex.import_share, "import_share_basis": ex.import_share_basis,
        "lost_t": ar["lost_t"], "rerouted_t": ar["rerouted_t"], "net_lost_t": ar["net_lost_t"],
        "available_t": ar["available_t"], "reroute_share": ex.reroute_share,
        "shortfall": ar["shortfall"],
        "equation": "lost = C n s P; rerouted = min(reroute_share x lost, other producers' "
                    "output + spare capacity); shortfall = (lost - rerouted) / C; arc m -> p "
                    "carries a* d_u(shortfall) x h_p (h_p: share of p made in the destination)",
        "world_supply_cut": False,
        "products": arcs,
    }


__all__ = [
    "ALLOCATIONS", "ExportsCtx", "MarketContext", "MineralCtx", "allocate", "allocate_mineral",
    "arc_constants", "block", "build", "effective_values", "exports_arithmetic",
    "group_constants", "location_share", "net_shortfall", "price_pressure", "price_ratio",
    "priority_shortfall", "ramp", "served", "supply_response",
]
