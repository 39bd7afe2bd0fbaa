r"""Monte Carlo over uncertain dependency weights (``--samples N --seed S``).

Which arcs are drawn: estimated edges that state a range ``[weight_low, weight_high]``, and
edges without a weight that take ``default_weight`` (drawn in ``[default_weight_low,
default_weight_high]``).  Reported weights, weightless share-type edges (their weight is the
unallocated share) and weights fixed by ``--set weight[...]`` stay put.

Distribution: triangular on ``[low, high]`` with its mode at the point estimate (clipped into the
range), so the central figure stays the most likely one and the tails reach the stated bounds.
Each sample re-solves the model; the result reports per node the median and the 5th/95th
percentiles.  Seeded with ``numpy.random.default_rng(seed)``: the same seed gives the same
numbers on the same graph.

Structural draws (issue 13): besides the weights, each sample draws the structural assumptions
of the market and dynamic models within their stated ranges, same triangular law, mode at the
value the run uses (:func:`structural_draws`):

* ``theta`` - the weight of priority in the mixed allocation (defaults.toml [market]
  ``theta_low``..``theta_high``; only with ``--allocation mixed``);
* per mineral with market data, ``spare_capacity``, ``secondary_supply`` (static and dynamic)
  and ``restart_months`` (dynamic only), in the ranges of the markets data
  (ingest/data/markets/supply.csv);
* when the dynamic model runs (``--horizon``; default defaults.toml [dynamic] ``horizon``), the
  default inventory cover ``inventory_weeks`` and the refill rate
  ``refill_rate`` (defaults.toml [dynamic] ``*_low``..``*_high``), and ``inventory_cover``: one
  quantile, uniform on [0, 1], that places every node's own cover (ingest/data/markets/
  inventories.csv, each node's low..high) at that quantile of its triangular range (the covers
  move together: a comonotone draw, the wider band).

A key given with ``--set`` (any target: ``theta=``, ``inventory_weeks[TSMC]=``,
``spare_capacity[gallium]=``) is not drawn (for a mineral's supply parameter: for that mineral).
The structural values come from a second generator
seeded ``[seed, 1]``, the weights from ``default_rng(seed)`` as before: the same seed gives the
same bands, and the weight draws are exactly those of v0.1 whatever is drawn besides.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from riskgraph.engine.compile import CompiledGraph, RunArrays
from riskgraph.engine.defaults import Override, Params
from riskgraph.errors import UsageError
from riskgraph.graph.markets import inventory_of

DISTRIBUTION = "triangular(low, mode=point estimate, high)"


@dataclass(frozen=True)
class Draw:
    """One structural assumption drawn per sample (a ``--set`` key and its range)."""

    key: str  # e.g. "theta", "inventory_weeks", "spare_capacity[mineral:gallium]"
    low: float
    mode: float
    high: float
    source: str
    affects: str  # "static" (the static answer and the paths) or "dynamic" (paths only)
    law: str = "triangular"  # or "uniform" (a quantile in [0, 1])

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "low": self.low, "mode": self.mode, "high": self.high,
                "source": self.source, "affects": self.affects, "law": self.law}


STATIC_SUPPLY = ("spare_capacity", "secondary_supply")
DYNAMIC_SUPPLY = ("restart_months",)


def _draw(key: str, lo: float, mode: float, hi: float, source: str, affects: str
          ) -> Draw | None:
    lo, hi = min(lo, hi), max(lo, hi)
    if not hi > lo:  # a range of one value: nothing to draw
        return None
    return Draw(key, float(lo), float(min(max(mode, lo), hi)), float(hi), source, affects)


def structural_draws(params: Params, market: Any = None, *, dynamic: bool = False,
                     fixed: Sequence[str] = (), only: set[str] | None = None) -> list[Draw]:
    """The structural assumptions a run draws (module docstring); ``fixed``: keys set by
    ``--set`` (``theta``, ``inventory_weeks`` ...), never drawn; ``only``: the minerals whose
    supply parameters are drawn (those the shock reaches; ``None``: every one).

    ``market`` is the run's :class:`riskgraph.engine.market.MarketContext` (or ``None``: no
    mineral with market data, nothing of the market drawn).
    """
    out: list[Draw | None] = []
    if market is not None and getattr(market, "allocation", None) == "mixed" \
            and "theta" not in fixed and market.minerals and (only is None or only):
        out.append(_draw("theta", params.theta_low, market.theta, params.theta_high,
                         "engine/defaults.toml [market] theta_low, theta_high", "static"))
    for mc in getattr(market, "minerals", None) or []:
        if only is not None and mc.id not in only:
            continue
        for key in (*STATIC_SUPPLY, *(DYNAMIC_SUPPLY if dynamic else ())):
            r = mc.market.param(key)
            if r is None or str(mc.sources.get(key, "")).startswith("--set"):
                continue
            out.append(_draw(f"{key}[{mc.id}]", r.low, mc.params[key], r.high,
                             str(mc.sources.get(key, "")),
                             "static" if key in STATIC_SUPPLY else "dynamic"))
    if dynamic and "inventory_weeks" not in fixed:
        out.append(Draw("inventory_cover", 0.0, 0.5, 1.0,
                        "each node's own inventory_weeks low..high (ingest/data/markets/"
                        "inventories.csv); one common quantile", "dynamic", law="uniform"))
    if dynamic:
        for key in ("inventory_weeks", "refill_rate"):
            if key in fixed:
                continue
            out.append(_draw(key, getattr(params, f"{key}_low"), getattr(params, key),
                             getattr(params, f"{key}_high"),
                             f"engine/defaults.toml [dynamic] {key}_low, {key}_high",
                             "dynamic"))
    return [d for d in out if d is not None]


_COVERS: dict[int, tuple[np.ndarray, ...]] = {}  # id(compiled graph) -> own covers


def own_covers(cg: CompiledGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Node ids with an own inventory cover that states a range, and its (low, value, high)
    in weeks (cached per compiled graph)."""
    got = _COVERS.get(id(cg))
    if got is None:
        rows = []
        for nid in cg.ids:
            inv = inventory_of(cg.graph.nodes[nid])
            if inv is not None and inv.weeks.high > inv.weeks.low:
                rows.append((nid, inv.weeks.low, inv.weeks.value, inv.weeks.high))
        got = (np.array([r[0] for r in rows], dtype=object),
               *(np.array([r[k] for r in rows], dtype=float) for k in (1, 2, 3)))
        _COVERS[id(cg)] = got
        weakref.finalize(cg, _COVERS.pop, id(cg), None)  # forgotten with the graph
    ids, lo, mode, hi = got
    return ids, lo, np.clip(mode, lo, hi), hi


def apply_draws(setup: Any, values: dict[str, float]) -> Any:
    """A copy of a shock :class:`~riskgraph.engine.shock.Setup` with drawn values in place:
    ``theta`` and the minerals' supply parameters in its market context, ``inventory_weeks``
    and ``refill_rate`` in its parameters.  ``setup`` itself is not changed."""
    p = setup.params
    top = {k: v for k, v in values.items() if k in ("inventory_weeks", "refill_rate")}
    new = replace(setup, params=replace(p, **top) if top else p)
    if "inventory_cover" in values:  # before the user's --set inventory_weeks[NODE]: they win
        ids, lo, mode, hi = own_covers(setup.compiled)
        u = np.full(ids.size, float(values["inventory_cover"]))
        weeks = triangular(u, lo, mode, hi)
        new.overrides = [Override("inventory_weeks", float(w), str(i))
                         for i, w in zip(ids, weeks, strict=True)] + list(setup.overrides)
    ctx = setup.market if hasattr(setup, "market") else None
    if ctx is None:
        return new
    mins = []
    for mc in ctx.minerals:
        upd = {key: values[f"{key}[{mc.id}]"] for key in (*STATIC_SUPPLY, *DYNAMIC_SUPPLY)
               if f"{key}[{mc.id}]" in values}
        mins.append(replace(mc, params={**mc.params, **upd}) if upd else mc)
    new.market = replace(ctx, minerals=mins, theta=values.get("theta", ctx.theta))
    return new


def sampled_arcs(cg: CompiledGraph, ra: RunArrays, params: Params
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the arcs drawn and their (low, mode, high)."""
    missing = np.isnan(cg.weight) & ~cg.share_type
    ranged = cg.estimated & np.isfinite(cg.weight_low) & np.isfinite(cg.weight_high)
    pick = np.flatnonzero((missing | ranged) & ~ra.fixed)
    lo = np.where(missing[pick], params.default_weight_low, cg.weight_low[pick])
    hi = np.where(missing[pick], params.default_weight_high, cg.weight_high[pick])
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    mode = np.clip(ra.w[pick], lo, hi)
    return pick, lo, mode, hi


def triangular(u: np.ndarray, lo: np.ndarray, mode: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution (vectorised; ``lo == hi`` gives ``lo``)."""
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        fc = np.where(span > 0, (mode - lo) / np.where(span > 0, span, 1.0), 0.0)
    left = lo + np.sqrt(u * span * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * span * (hi - mode))
    return np.where(u < fc, left, right)


def run(
    cg: CompiledGraph,
    ra: RunArrays,
    params: Params,
    solve: Callable[[np.ndarray], np.ndarray],
    keep: np.ndarray,
    samples: int,
    seed: int,
    *,
    structural: Sequence[Draw] = (),
    solve_structural: Callable[[np.ndarray, dict[str, float]], Any] | None = None,
) -> dict[str, Any]:
    """Draw ``samples`` weight vectors (and the ``structural`` values), solve each with
    ``solve(w)`` (``solve_structural(w, values)`` when there are structural draws), summarise
    nodes ``keep``.

    ``solve_structural`` returns the shortfalls ``q``, or ``(q, peak)`` with the dynamic
    model's peak per node, which then gets bands of its own.  Returns ``{"median", "p5",
    "p95"}`` (each of the shape of ``keep``), ``"sampled_arcs"``, ``"drawn"`` (the structural
    draws) and, with peaks, ``"peak"`` (``{"median", "p5", "p95"}``).
    """
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, got {seed}")
    rng = np.random.default_rng(seed)
    rng_s = np.random.default_rng([seed, 1])  # structural draws: their own stream
    pick, lo, mode, hi = sampled_arcs(cg, ra, params)
    draws = list(structural) if solve_structural is not None else []
    s_lo = np.array([d.low for d in draws])
    s_mode = np.array([d.mode for d in draws])
    s_hi = np.array([d.high for d in draws])
    uniform = np.array([d.law == "uniform" for d in draws], dtype=bool)
    out = np.empty((samples, keep.size))
    peaks: np.ndarray | None = None
    for t in range(samples):
        w = ra.w.copy()
        w[pick] = triangular(rng.random(pick.size), lo, mode, hi)
        if not draws:
            out[t] = solve(w)[keep]
            continue
        assert solve_structural is not None
        u = rng_s.random(len(draws))
        vals = np.where(uniform, s_lo + u * (s_hi - s_lo), triangular(u, s_lo, s_mode, s_hi))
        got = solve_structural(w, {d.key: float(v) for d, v in zip(draws, vals, strict=True)})
        if isinstance(got, tuple):
            q, peak = got
            if peaks is None:
                peaks = np.empty((samples, keep.size))
            peaks[t] = np.asarray(peak)[keep]
        else:
            q = got
        out[t] = np.asarray(q)[keep]
    p5, med, p95 = np.percentile(out, [5, 50, 95], axis=0) if samples else (out,) * 3
    res: dict[str, Any] = {"median": med, "p5": p5, "p95": p95,
                           "sampled_arcs": np.array(pick.size), "drawn": draws}
    if peaks is not None:
        k5, k50, k95 = np.percentile(peaks, [5, 50, 95], axis=0)
        res["peak"] = {"median": k50, "p5": k5, "p95": k95}
    return res
