r"""The dynamic model (``riskgraph shock ... --horizon MONTHS``): inventories, lags and recovery.

The static model (:mod:`riskgraph.engine.aggregate`) answers "what share of each node's output is
lost once a permanent shock has worked through the whole chain".  This module runs the same
model month by month (docs/model.md, "Time: inventories, ramp-up and recovery"):

* **lag**: a supplier's shortfall in month *t* reaches its customers in month *t + 1* (one month
  per hop, the order of a month's transit and processing time per stage);
* **inventories**: each input group *g* of node *i* starts with :math:`\tau_i` months of cover
  (the node's ``inventory_weeks`` / 4.345, :func:`riskgraph.graph.markets.inventory_of`, else the
  default ``inventory_weeks`` of engine/defaults.toml [dynamic]); the stock fills the gap while
  it lasts and is rebuilt at the refill rate :math:`\rho` once the group's suppliers are whole;
* **shock profile**: the cut *c* holds in months ``1..duration`` and is lifted after;
* **sites**: an arc from a country (its mines, its LOCATED_IN capacity share of a firm) is where
  the output is made, not an input the customer stocks: a country's cut stops that output in
  the same month, with no lag and no inventory (``site_arcs``);
* **capital goods**: an arc from a supplier of capital goods (a tool or an equipment maker,
  :func:`riskgraph.graph.markets.capital_of`: ``ingest/data/markets/capital_goods.csv``) to a
  customer that is not itself one does not pass the supplier's shortfall on at once: the
  customer's installed base, worth :math:`L_j` months of deliveries, keeps running, and its
  capacity falls by the deliveries lost over the last :math:`L_j` months,
  :math:`a^*_{ij} \frac{1}{L_j}\sum_{s=t-L_j}^{t-1} q_j(s)` (perpetual inventory with an
  installed base turning over in :math:`L_j` months); such groups hold no inventory.  After
  :math:`L_j` months of a constant cut it is the static :math:`a^*_{ij} q_j`, so the long-run
  limit is unchanged.

Month *t* (``q(0) = 0``, :math:`I_g(1) = \tau_i`):

.. math::

   u_g(t) &= \textstyle\sum_{j \in g} a^*_{ij}\, q_j(t-1) + k_g(t-1)
       \quad\text{(the static group loss, one month late; }k\text{: mineral-arc constants)}\\
   x_g(t) &= \max\bigl(0,\; u_g(t) - I_g(t)\bigr)\\
   I_g(t+1) &= \begin{cases} \min\bigl(\tau_i,\; I_g(t) + \rho\bigr) & u_g(t) = 0\\
       I_g(t) - \min\bigl(I_g(t), u_g(t)\bigr) & u_g(t) > 0 \end{cases}\\
   q_i(t) &= \max\Bigl(c_i(t),\; \max_{g \in G(i)} \min\bigl(1, x_g(t)\bigr)\Bigr)

The group loss and the node combine are the static ones (the group matrix of
:class:`~riskgraph.engine.aggregate.Groups` times *q*, and :meth:`Groups.node_max`): shares of
one input add, requirements combine by max.  Refill only while a group's suppliers deliver in
full: a supplier short of output has no spare output to over-deliver.  (The design sketch had
the refill ``max(0, rho - u)`` also during a partial shortfall; then a permanent shock smaller
than :math:`\rho/2` would never reach the customer and the long-run limit would not be the static
answer.)  Hence, for a permanent shock, every inventory with a positive draw runs out in finite
time and :math:`q(t)` rises to the static least fixed point: the static answer is the dynamic
model's long-run limit (tested on the shipped graph to 1e-9).

Per listed node the result gives the monthly path, its peak and peak month, the cumulative loss
(sum of the monthly shortfalls: months of output lost), the time-to-survive (months before the
shortfall first exceeds ``min_shortfall``) and the time-to-recover (months after the shock ends
until the shortfall is back under ``min_shortfall`` for good), after Simchi-Levi, Schmidt & Wei
(2014) and Simchi-Levi et al. (2015); see :func:`node_summary`.

References
----------
.. [1] Lian, C. & Haimes, Y. Y. (2006). Managing the risk of terrorism to interdependent
   infrastructure systems through the dynamic inoperability input-output model.
   *Systems Engineering* 9(3), 241-258.
.. [2] Inoue, H. & Todo, Y. (2019). Firm-level propagation of shocks through supply-chain
   networks. *Nature Sustainability* 2, 841-847.
.. [3] Simchi-Levi, D., Schmidt, W. & Wei, Y. (2014). From superstorms to factory fires:
   managing unpredictable supply-chain disruptions. *Harvard Business Review* 92(1/2), 96-101.
.. [4] Simchi-Levi, D., Schmidt, W., Wei, Y., Zhang, P. Y., Combs, K., Ge, Y., Gusikhin, O.,
   Sanders, M. & Zhang, D. (2015). Identifying risks and mitigating disruptions in the
   automotive supply chain. *Interfaces* 45(5), 375-390. doi:10.1287/inte.2015.0804
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from riskgraph.engine.aggregate import Groups
from riskgraph.errors import UsageError
from riskgraph.graph.markets import WEEKS_PER_MONTH, capital_of, inventory_of
from riskgraph.graph.model import Node

if TYPE_CHECKING:
    from riskgraph.engine.shock import Explanation, Perturbation, Propagation, Setup

ORIGINS = ("default", "node", "--set")  # where a node's inventory cover comes from
EQUATION = (
    "u_g(t) = sum_{j in g} a*_ij q_j(t-1) + k_g(t-1); x_g(t) = max(0, u_g(t) - I_g(t)); "
    "I_g(t+1) = min(tau_i, I_g(t) + rho) if u_g(t) = 0 else I_g(t) - min(I_g(t), u_g(t)); "
    "q_i(t) = max(c_i(t), max_g min(1, x_g(t))); c(t) = c for t <= duration, 0 after"
)


def node_cover_weeks(node: Node) -> float | None:
    """The node's own inventory cover in weeks (``inventory_weeks``), or ``None``."""
    inv = inventory_of(node)
    return None if inv is None else float(inv.weeks.value)


def cover_weeks(setup: Setup) -> tuple[np.ndarray, np.ndarray]:
    """Per node, weeks of inventory cover and where it comes from: 1 the node's own
    (``inventory_weeks`` props), 0 the default ``inventory_weeks`` of defaults.toml [dynamic]
    (``--set inventory_weeks=W``), 2 ``--set inventory_weeks[NODE]=W`` / ``[*]``."""
    cg = setup.compiled
    origin = np.zeros(cg.n, dtype=np.int8)
    weeks = np.full(cg.n, float(setup.params.inventory_weeks))
    for k, nid in enumerate(cg.ids):
        w = node_cover_weeks(cg.graph.nodes[nid])
        if w is not None:
            weeks[k], origin[k] = w, 1
    for o in setup.overrides:
        if o.key != "inventory_weeks" or o.target is None:
            continue
        idx = (np.arange(cg.n) if o.target == "*"
               else np.array([cg.index[setup.resolve(o.target)]]))
        weeks[idx], origin[idx] = o.value, 2
    return weeks, origin


def capital_months(setup: Setup) -> np.ndarray:
    """Per arc, the installed base in months of deliveries (``capital_months`` of the
    supplier, :func:`riskgraph.graph.markets.capital_of`) where the supplier delivers capital
    goods and the customer does not (a tool maker buying parts is not using them as capital);
    0 elsewhere."""
    cg = setup.compiled
    nodes = cg.graph.nodes
    life = np.array([_capital(nodes[nid]) for nid in cg.ids])
    out = np.where(life[cg.cus] > 0, 0.0, life[cg.sup])
    return np.asarray(out, dtype=float)


def _capital(node: Node) -> float:
    cap = capital_of(node)
    return 0.0 if cap is None else float(cap.months.value)


@dataclass
class Path:
    """The monthly simulation: ``q[t - 1]`` is the shortfall per node in month ``t``."""

    q: np.ndarray  # (horizon, n)
    stock: np.ndarray  # (horizon, n): per node, the smallest stock (months) of its groups
    horizon: int
    duration: int


def simulate(groups: Groups, values: np.ndarray, c: np.ndarray, *, horizon: int,
             duration: int, cover_months: np.ndarray, refill: float,
             exogenous: np.ndarray | None = None, market: Any = None,
             market_arcs: np.ndarray | None = None, lifted_arcs: np.ndarray | None = None,
             capital_months: np.ndarray | None = None, site_arcs: np.ndarray | None = None,
             tol: float = 1e-10) -> Path:
    r"""Run the monthly model (module docstring) for ``horizon`` months.

    Parameters
    ----------
    groups : Groups
        The static group structure (``CompiledGraph.groups``).
    values : per arc, the transmission :math:`a^*` (NaN = 0).
    c : per node, the cut in months ``1..duration``.
    cover_months : per node, months of input cover :math:`\tau_i`.
    refill : the refill rate :math:`\rho` (months of cover rebuilt per month).
    exogenous : per arc, True for arcs that pass on only their sender's own cut (DESIGNS).
    market : callable ``(q, month) -> k`` giving per arc the mineral-arc constant of that month
        (engine/market.py), or ``None``: the mineral arcs are ordinary arcs.
    market_arcs : per arc, True where the constant replaces ``a* q`` (with ``market``).
    lifted_arcs : arc indices whose constants stop with the cut (an export control, which
        cuts trade and leaves the mineral's own shortfall at 0): 0 after month ``duration``.
    capital_months : per arc, the installed base in months of deliveries :math:`L` of a
        capital-good arc (0: an ordinary arc); see the module docstring.
    site_arcs : per arc, True for an arc from a country (a site of the customer's output): it
        passes the sender's cut of the same month, with no lag and no stock.
    """
    n, m = groups.n, values.size
    exo = np.zeros(m, dtype=bool) if exogenous is None else exogenous
    mk = np.zeros(m, dtype=bool) if market is None or market_arcs is None else market_arcs
    life = np.zeros(m) if capital_months is None else np.asarray(capital_months, dtype=float)
    site = np.zeros(m, dtype=bool) if site_arcs is None else np.asarray(site_arcs, dtype=bool)
    site = site & ~exo & ~mk
    cap = (life > 0) & ~exo & ~mk & ~site
    life_m = np.maximum(1, np.rint(np.where(cap, life, 1.0))).astype(int)
    G = groups.matrix(np.where(exo | mk | cap | site, np.nan, values))
    Gs = groups.matrix(np.where(site, values, np.nan)) if site.any() else None
    Gx = groups.matrix(np.where(exo, values, np.nan)) if exo.any() else None
    tau = np.asarray(cover_months, dtype=float)[groups.owner]
    if site.any():  # a site's output is not stocked by the node it belongs to
        tau[np.unique(groups.group[site])] = 0.0
    cap_arcs = np.flatnonzero(cap)
    if cap_arcs.size:  # installed bases, not stocks, buffer capital goods
        tau[np.unique(groups.group[cap_arcs])] = 0.0
        cap_sender = groups.sender[cap_arcs]
        csum = np.zeros((horizon + 1, n))  # csum[t] = sum of q over months 1..t
    stock = tau.copy()
    ones = np.ones(n)
    q_prev, c_prev = np.zeros(n), np.zeros(n)
    k_prev: np.ndarray | None = None
    out = np.zeros((horizon, n))
    low = np.zeros((horizon, n))
    for t in range(1, horizon + 1):
        ct = c if t <= duration else np.zeros(n)
        u = np.asarray(G @ q_prev, dtype=float)
        if Gx is not None:
            u += Gx @ c_prev
        if Gs is not None:  # sites: the country's cut of this month (countries are roots)
            u += Gs @ ct
        if k_prev is not None:
            u += groups.matrix(np.where(mk, k_prev, np.nan)) @ ones
        if cap_arcs.size:
            lo = np.maximum(0, t - 1 - life_m[cap_arcs])
            lost = (csum[t - 1, cap_sender] - csum[lo, cap_sender]) / life_m[cap_arcs]
            per_arc = np.full(m, np.nan)
            per_arc[cap_arcs] = values[cap_arcs] * lost
            u += groups.matrix(per_arc) @ ones
        draw = np.minimum(stock, u)
        x = u - draw
        whole = u <= tol
        stock = np.where(whole, np.minimum(tau, stock - draw + refill), stock - draw)
        q = np.maximum(ct, groups.node_max(np.minimum(1.0, x)))
        out[t - 1] = q
        if cap_arcs.size:
            csum[t] = csum[t - 1] + q
        low[t - 1] = -groups.node_max(-stock) if groups.ng else 0.0
        if market is not None and mk.any():
            # month t's deliveries of the minerals, into their customers' month t + 1
            k_prev = np.array(market(q, t), dtype=float)
            if lifted_arcs is not None and t > duration:
                k_prev[lifted_arcs] = 0.0
        q_prev, c_prev = q, ct
    return Path(q=out, stock=low, horizon=horizon, duration=duration)


def node_summary(path: np.ndarray, *, duration: int, min_shortfall: float) -> dict[str, Any]:
    """Peak, peak month, cumulative loss, first month, time-to-survive, time-to-recover.

    * ``first_month``: the first month whose shortfall exceeds ``min_shortfall`` (``None``:
      never within the horizon); ``time_to_survive`` = the months before it (``horizon`` if
      never): how long the node's output holds;
    * ``back_by``: the month from which the shortfall stays at or under ``min_shortfall`` to the
      horizon, once the shock has ended; ``time_to_recover`` = the months after the shock's last
      month (``duration``) that still have a shortfall (0: back in the first month after the
      shock).  Both ``None`` while the shock lasts the whole horizon or the node is not back by
      its end;
    * ``cumulative_loss``: the sum of the monthly shortfalls, in months of the node's output.

    >>> s = node_summary(np.array([0.0, 0.2, 0.5, 0.5, 0.1, 0.0]), duration=3,
    ...                  min_shortfall=1e-6)
    >>> s["peak"], s["peak_month"], s["first_month"], s["time_to_survive"]
    (0.5, 3, 2, 1)
    >>> s["back_by"], s["time_to_recover"], round(s["cumulative_loss"], 6)
    (6, 2, 1.3)
    """
    h = int(path.size)
    bad = np.flatnonzero(path > min_shortfall)
    first = int(bad[0]) + 1 if bad.size else None
    back = ttr = None
    if duration < h:
        if not bad.size:
            ttr = 0
        elif int(bad[-1]) + 1 < h:
            last = int(bad[-1]) + 1
            back, ttr = last + 1, max(0, last - duration)
    peak_i = int(np.argmax(path)) if h else 0
    return {
        "path": [float(v) for v in path],
        "peak": float(path[peak_i]) if h else 0.0,
        "peak_month": peak_i + 1 if h and path[peak_i] > 0 else None,
        "cumulative_loss": float(path.sum()),
        "first_month": first,
        "time_to_survive": h if first is None else first - 1,
        "back_by": back,
        "time_to_recover": ttr,
        "end": float(path[-1]) if h else 0.0,
    }


def check(horizon: int | None, duration: int | None, *, model: str = "iim",
          direction: str = "downstream") -> None:
    """Raise :class:`UsageError` for a bad ``--horizon`` / ``--duration`` (before any work)."""
    if horizon is not None and not 0 <= horizon <= 600:
        raise UsageError(f"--horizon must be between 0 and 600 months, got {horizon}")
    if duration is not None:
        if duration < 1:
            raise UsageError(f"--duration must be at least 1 month, got {duration}")
        if horizon == 0:
            raise UsageError("--duration needs a dynamic run: --horizon MONTHS (not 0)")
    if (horizon or duration) and (model != "iim" or direction != "downstream"):
        raise UsageError("--horizon and --duration apply to downstream shocks with the iim "
                         f"model, not {direction} {model}; use --horizon 0 or leave them out")


def applies(model: str, direction: str) -> bool:
    """The dynamic model runs for downstream (supply) shocks of the IIM only."""
    return model == "iim" and direction == "downstream"


def months_of(setup: Setup, horizon: int | None) -> int:
    """The horizon of a run: ``horizon`` as given, else defaults.toml [dynamic] ``horizon``
    (``--set horizon=N``)."""
    return int(setup.params.horizon) if horizon is None else int(horizon)


def block(setup: Setup, pert: Perturbation, prop: Propagation, expl: Explanation, *,
          horizon: int, duration: int | None = None, market: Any = None,
          market_arcs: np.ndarray | None = None) -> dict[str, Any]:
    """The ``dynamic`` block of a shock result (schema ``riskgraph.shock/2``): the settings
    and, per listed node, its monthly path and summary (:func:`node_summary`)."""
    cg, p = setup.compiled, setup.params
    dur = horizon if duration is None else int(duration)
    weeks, origin = cover_weeks(setup)
    months = weeks / WEEKS_PER_MONTH
    ctx = getattr(setup, "market", None)
    exports = getattr(ctx, "exports", None)
    life = capital_months(setup)
    sites = np.array([cg.graph.nodes[cg.ids[int(j)]].kind == "country" for j in cg.sup],
                     dtype=bool)
    sim = simulate(cg.groups, prop.arc_values, pert.c, horizon=horizon, duration=dur,
                   cover_months=months, refill=p.refill_rate, exogenous=cg.exogenous,
                   market=market, market_arcs=market_arcs,
                   lifted_arcs=None if exports is None else np.asarray(exports.arcs),
                   capital_months=life, site_arcs=sites, tol=p.tol)
    nodes = []
    for i in expl.listed:
        s = node_summary(sim.q[:, i], duration=dur, min_shortfall=p.min_shortfall)
        nodes.append({"id": cg.ids[int(i)], **s, "static": float(prop.q[i]),
                      "inventory_weeks": float(weeks[i]),
                      "inventory": ORIGINS[int(origin[i])]})
    return {
        "horizon": int(horizon),
        "duration": int(dur),
        "permanent": dur >= horizon,
        "step": "month",
        "lag_months_per_hop": 1,
        "equation": EQUATION,
        "refill_rate": float(p.refill_rate),
        "default_inventory_weeks": float(p.inventory_weeks),
        "nodes_with_own_inventory": int((origin == 1).sum()),
        "capital_arcs": int((life > 0).sum()),
        "site_arcs": int(sites.sum()),
        "market": market is not None,
        "min_shortfall": float(p.min_shortfall),
        "nodes": nodes,
    }


__all__ = ["EQUATION", "Path", "applies", "block", "capital_months", "check", "cover_weeks",
           "months_of",
           "node_cover_weeks", "node_summary", "simulate"]
