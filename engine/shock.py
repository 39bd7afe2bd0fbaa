"""Shock a graph: resolve the target, build the perturbation, propagate, explain, summarise.

:func:`run_shock` is what ``riskgraph shock`` calls; see docs/model.md for the model.  It runs
five stages, one function each:

1. :func:`resolve` - check the options, find the target's node ids, compile the graph and the
   per-run arc arrays (``--set`` applied);
2. :func:`perturb` - the initial shock ``c`` (``pct`` on each target, or ``pct x`` the country's
   share with ``--country``);
3. :func:`propagate` - solve the model (IIM or DebtRank) for the shortfalls ``q``;
4. :func:`explain` - which nodes are listed, their top paths, binding caps, Monte Carlo bands;
5. :func:`assemble` - the result dict (schema ``riskgraph.shock/2``; the ``dynamic`` block
   comes from :mod:`riskgraph.engine.dynamic`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from riskgraph.engine import aggregate, dynamic, market, money, montecarlo
from riskgraph.engine.compile import CompiledGraph, RunArrays, compile_graph, run_arrays
from riskgraph.engine.debtrank import debtrank
from riskgraph.engine.defaults import (
    SUPPLY_KEYS,
    Override,
    Params,
    apply_params,
    load_defaults,
    parse_set,
)
from riskgraph.engine.paths import Path, path_to_dict, top_paths
from riskgraph.engine.result import SCHEMA
from riskgraph.errors import UsageError
from riskgraph.graph import schema
from riskgraph.graph.lookup import find_node, name_index
from riskgraph.graph.markets import WEEKS_PER_MONTH
from riskgraph.graph.model import GraphData

MODELS = ("iim", "debtrank")
DIRECTIONS = ("downstream", "upstream")
LAYER_TARGETS = schema.LAYERS

EQUATIONS = {
    ("iim", "downstream"): ("q_i = max(c*_i, max_g min(1, sum_{j in g} a*_ij q_j)), "
                            "a*_ij = (1 - b_i) a_ij (1 - s_ij); shares of one input add, "
                            "requirements combine by max (Leontief)"),
    ("iim", "upstream"): "q_j = max(d_j, min(1, sum_i S_ji q_i)), S_ji = sales_share(j -> i)",
    ("debtrank", "downstream"): "DebtRank (Battiston et al. 2012) with W = A*, buffers 1",
    ("debtrank", "upstream"): "DebtRank (Battiston et al. 2012) with W = S, buffers 1",
}


def resolve_targets(graph: GraphData, text: str, index: dict[str, set[str]] | None = None
                    ) -> list[str]:
    """Node ids a shock target names: a layer name (every node of it) or one node."""
    key = text.strip().casefold()
    if key in LAYER_TARGETS:
        ids = sorted(n.id for n in graph.nodes.values() if n.layer == key)
        if not ids:
            raise UsageError(f"layer {key!r} has no nodes in this graph")
        return ids
    return [find_node(graph, text, index=index)]


class Resolver:
    """Name, alias or id -> node id of one graph (the name index is built once)."""

    def __init__(self, graph: GraphData) -> None:
        self.graph = graph
        self.index = name_index(graph)

    def __call__(self, name: str) -> str:
        return find_node(self.graph, name.strip(), index=self.index)


# -- the stages' results ---------------------------------------------------------------------
@dataclass
class Setup:
    """Stage 1 (:func:`resolve`): what is shocked, and the arrays the model runs on."""

    targets: list[str]
    resolve: Resolver
    compiled: CompiledGraph
    arrays: RunArrays
    params: Params
    overrides: list[Override]
    market: market.MarketContext | None = None  # issue 13: minerals with market data


@dataclass
class Perturbation:
    """Stage 2 (:func:`perturb`): the initial shock per node and the country cut, if any."""

    c: np.ndarray
    country: str | None


@dataclass
class Propagation:
    """Stage 3 (:func:`propagate`): shortfalls and the operator they solve."""

    arc_values: np.ndarray  # per-arc transmission (a* downstream, sales_share upstream)
    q: np.ndarray
    iterations: int
    matrix: Any  # DebtRank: the sparse array it iterates (exogenous arcs left out)
    c_eff: np.ndarray  # c* plus what exogenous arcs pass on
    group_u: np.ndarray | None = None  # IIM: uncapped loss per input group (G q + k)
    scaled_groups: int = 0  # share groups whose weights were scaled to sum 1
    # issue 13, the market pass: what the mineral arcs carried, and the path explanation's
    # arc values and start shocks (a mineral arc's transmission = its constant / source)
    market_info: dict[str, Any] | None = None
    path_values: np.ndarray | None = None
    path_c: np.ndarray | None = None


@dataclass
class Explanation:
    """Stage 4 (:func:`explain`): the listed nodes and what explains their shortfalls."""

    affected: np.ndarray  # node indices with shortfall > min_shortfall
    listed: np.ndarray  # the first ``top`` of them, by shortfall then id
    paths: dict[int, list[Path]]
    capped: np.ndarray  # bool per node: the cap q <= 1 binds
    monte_carlo: dict[str, Any]  # empty without samples
    monte_carlo_block: dict[str, Any] | None


def run_shock(
    graph: GraphData,
    target: str,
    pct: float,
    *,
    country: str | None = None,
    direction: str = "downstream",
    model: str = "iim",
    top: int = 25,
    sets: Iterable[str] = (),
    samples: int = 0,
    seed: int | None = None,
    compiled: CompiledGraph | None = None,
    params: Params | None = None,
    backend: str = "embedded",
    allow_zero: bool = False,
    usd: float | None = None,
    horizon: int | None = None,
    duration: int | None = None,
    money_year: int | None = None,
    allocation: str | None = None,
    supply_response: bool | None = None,
    exports_to: str | None = None,
    purchase_basis: str | None = None,
) -> dict[str, Any]:
    """Run one shock and return the result dict (schema ``riskgraph.shock/2``).

    Parameters
    ----------
    graph : GraphData
    target : str
        Node name, id or alias, or a layer (``minerals``, ``chips``, ``clouds``, ``labs`` ...).
    pct : float
        Size of the cut in percent, in (0, 100] (0 allowed only with ``allow_zero``).
    country : str, optional
        Whose output is cut: the perturbation is ``pct * weight(country -> target)``.
    direction : {"downstream", "upstream"}
    model : {"iim", "debtrank"}
    top : int
        Nodes listed (by shortfall); every affected node still counts in the layer summary.
    sets : iterable of str
        ``--set KEY=VALUE`` overrides (see :mod:`riskgraph.engine.defaults`).
    samples, seed : int
        Monte Carlo draws and seed (``samples=0``: none).
    compiled : CompiledGraph, optional
        A compiled ``graph`` to reuse (compile once, shock many times).
    usd : float, optional
        With a ``capex:COMPANY`` target (upstream): the cut of its capex in US dollars;
        ``pct`` is then ignored (engine/money.py).
    horizon, duration : int, optional
        The dynamic model (engine/dynamic.py): months simulated (``None``: defaults.toml
        [dynamic] ``horizon``; 0: the static answer only, ``dynamic`` is ``None``) and months the
        cut lasts (``None``: the whole horizon).  Downstream IIM shocks only.
    money_year : int, optional
        Upstream runs: the calendar year of the money model's flows and revenue (``None``: the
        latest year with complete data; engine/money.py ``resolve_year``).
    allocation, supply_response : optional
        Shortage economics of minerals with market data (engine/market.py; ``None``:
        defaults.toml [market]).  ``allocation="proportional", supply_response=False`` gives
        the v0.1 figures.  Downstream IIM shocks only (elsewhere the mineral arcs pass q on).
    exports_to : str, optional
        With ``country`` and a mineral target: cut the country's exports to this destination
        by ``pct`` instead of its production (world supply is not cut).
    purchase_basis : {"revenue", "segment"}, optional
        Upstream runs: what a company's AI-infrastructure purchases fall in proportion to in
        the money model (``None``: defaults.toml [money]; engine/money.py).

    Raises
    ------
    UsageError
        Bad pct, direction, model, target, country or ``--set``.
    ModelError
        The fixed point did not converge.
    """
    money_shock = node_target = None  # issue 12: capex:COMPANY --usd N, and the money block
    if usd is not None or target.strip().casefold().startswith(money.CAPEX_PREFIX):
        node_target, pct, money_shock = money.capex_target(graph, target, usd, direction,
                                                           money_year)
    if money_year is not None and direction != "upstream":
        raise UsageError("--year (the money model's year) needs --direction upstream")
    if purchase_basis is not None:
        if direction != "upstream":
            raise UsageError("--purchase-basis (the money model's) needs --direction upstream")
        if purchase_basis not in money.BASES:
            raise UsageError(f"--purchase-basis must be one of {', '.join(money.BASES)}, "
                             f"got {purchase_basis!r}")
    check_options(pct, direction=direction, model=model, top=top, samples=samples,
                  allow_zero=allow_zero)
    dynamic.check(horizon, duration, model=model, direction=direction)
    setup = resolve(graph, node_target or target, sets=sets, compiled=compiled, params=params)
    pert = perturb(graph, setup, pct, country=country, direction=direction)
    upstream = direction == "upstream"
    with_market(graph, setup, pert, pct, model=model, direction=direction, country=country,
                allocation=allocation, supply_response=supply_response, exports_to=exports_to)
    prop = propagate(setup, pert.c, model=model, upstream=upstream)
    months = dynamic.months_of(setup, horizon) if dynamic.applies(model, direction) else 0
    expl = explain(setup, pert, prop, model=model, upstream=upstream, top=top,
                   samples=samples, seed=seed, horizon=months, duration=duration)
    result = assemble(graph, setup, pert, prop, expl, target=target, pct=pct,
                      direction=direction, model=model, backend=backend)
    # issue 13: the dynamic model (monthly paths of the listed nodes), schema riskgraph.shock/2
    mk_fn, mk_arcs = _monthly_market(setup)
    result["dynamic"] = (dynamic.block(setup, pert, prop, expl, horizon=months,
                                       duration=duration, market=mk_fn, market_arcs=mk_arcs)
                         if months > 0 else None)
    if upstream:
        result["money"] = money.money_block(
            graph, setup.targets, pct, money_shock, top=top, year=money_year,
            basis=purchase_basis or setup.params.purchase_basis)
    return result


def _dynamic_peak(setup: Setup, c: np.ndarray, prop: Propagation, horizon: int,
                  duration: int | None) -> np.ndarray:
    """Per node, the peak of the dynamic model's monthly path (one Monte Carlo sample)."""
    weeks, _ = dynamic.cover_weeks(setup)
    mk_fn, mk_arcs = _monthly_market(setup)
    sim = dynamic.simulate(setup.compiled.groups, prop.arc_values, c, horizon=horizon,
                           duration=horizon if duration is None else int(duration),
                           cover_months=weeks / WEEKS_PER_MONTH, refill=setup.params.refill_rate,
                           exogenous=setup.compiled.exogenous, market=mk_fn,
                           market_arcs=mk_arcs, tol=setup.params.tol)
    return np.asarray(sim.q.max(axis=0))


def with_market(graph: GraphData, setup: Setup, pert: Perturbation, pct: float, *,
                model: str = "iim", direction: str = "downstream", country: str | None = None,
                allocation: str | None = None, supply_response: bool | None = None,
                exports_to: str | None = None) -> None:
    """Issue 13: build ``setup.market`` for a downstream IIM run (None when no mineral has
    market data and there is no export control: exactly the v0.1 model); an export control
    zeroes ``pert.c`` (it cuts trade, world supply is not cut).  Call it between
    :func:`perturb` and :func:`propagate` (what :func:`run_shock` does)."""
    upstream = direction == "upstream"
    if exports_to is not None:
        if upstream or model != "iim":
            raise UsageError("--exports-to works with the downstream iim model only")
        pert.c[:] = 0.0
    if upstream or model != "iim":
        return
    setup.market = market.build(graph, setup, allocation=allocation, theta=None,
                                supply_response=supply_response, exports_to=exports_to,
                                country=country, pct=pct)
    if not setup.market.active and setup.market.exports is None:
        setup.market = None


def _monthly_market(setup: Setup) -> tuple[Any, np.ndarray | None]:
    """For the dynamic model: ``(q, month) -> k`` (mineral-arc constants of that month, stocks
    drawn month by month) and the mineral-arc mask; ``(None, None)`` without a market."""
    ctx = setup.market
    if ctx is None:
        return None, None
    used = np.zeros(len(ctx.minerals))
    last = {"month": 0}

    def fn(q: np.ndarray, month: int) -> np.ndarray:
        nonlocal used
        if month <= last["month"]:  # a new run of the months: stocks are full again
            used = np.zeros(len(ctx.minerals))
        last["month"] = month
        k, info = market.arc_constants(ctx, q, month=month, stocks_used=used)
        used = used + info["stock_release"]
        return k

    return fn, ctx.mineral_arcs


# -- 1. resolve ------------------------------------------------------------------------------
def check_options(pct: float, *, direction: str, model: str, top: int, samples: int,
                  allow_zero: bool = False) -> None:
    """Raise :class:`UsageError` for an option out of range (before any work is done)."""
    if direction not in DIRECTIONS:
        raise UsageError(f"--direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if model not in MODELS:
        raise UsageError(f"--model must be one of {', '.join(MODELS)}, not {model!r}")
    if not (0 < pct <= 100 or (allow_zero and pct == 0)):
        raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
    if top < 1:
        raise UsageError(f"--top must be at least 1, got {top}")
    if samples < 0:
        raise UsageError(f"--samples must be >= 0, got {samples}")


def resolve(graph: GraphData, target: str, *, sets: Iterable[str] = (),
            compiled: CompiledGraph | None = None, params: Params | None = None) -> Setup:
    """Parse ``--set``, find the target's node ids, compile the graph and the run's arrays."""
    overrides = [parse_set(s) for s in sets]
    p = apply_params(params or load_defaults(), overrides)
    resolver = Resolver(graph)
    targets = resolve_targets(graph, target, resolver.index)
    cg = compiled if compiled is not None else compile_graph(graph)
    ra = run_arrays(cg, p, overrides, resolver)
    return Setup(targets=targets, resolve=resolver, compiled=cg, arrays=ra, params=p,
                 overrides=overrides)


# -- 2. perturb ------------------------------------------------------------------------------
def perturb(graph: GraphData, setup: Setup, pct: float, *, country: str | None = None,
            direction: str = "downstream") -> Perturbation:
    """The initial shock: ``pct`` on every target, or ``pct x`` the country's share of one."""
    cg = setup.compiled
    frac = pct / 100.0
    c = np.zeros(cg.n)
    if country is None:
        for tid in setup.targets:
            c[cg.index[tid]] = frac
        return Perturbation(c=c, country=None)
    if direction == "upstream":
        raise UsageError("--country applies to downstream (supply) shocks only")
    if len(setup.targets) != 1:
        raise UsageError("--country needs a single target, not a layer")
    country_id = _resolve_country(graph, country, setup.resolve)
    t = cg.index[setup.targets[0]]
    hit = np.flatnonzero((cg.sup == cg.index[country_id]) & (cg.cus == t))
    if hit.size == 0:
        raise UsageError(f"{country_id} supplies nothing to {setup.targets[0]} in this graph")
    c[t] = frac * float(np.max(setup.arrays.w[hit]))
    return Perturbation(c=c, country=country_id)


def _resolve_country(graph: GraphData, text: str, resolve: Resolver) -> str:
    nid: str = resolve(text)
    if graph.nodes[nid].kind != "country":
        raise UsageError(f"--country {text!r} is {nid}, not a country")
    return nid


# -- 3. propagate ----------------------------------------------------------------------------
def propagate(setup: Setup, c: np.ndarray, *, model: str, upstream: bool,
              weights: np.ndarray | None = None) -> Propagation:
    """Solve the model for the shortfalls ``q`` (``weights``: arc weights other than the run's,
    e.g. a Monte Carlo draw)."""
    cg, ra = setup.compiled, setup.arrays
    arc_vals = _arc_values(cg, ra, ra.w if weights is None else weights, upstream)
    scaled = 0 if upstream else cg.shares_normalised(ra.w if weights is None else weights)[1]
    if model == "iim":
        groups = cg.up_groups if upstream else cg.groups
        exo = cg.exogenous if not upstream else np.zeros(cg.m, dtype=bool)
        const = None
        if exo.any():  # DESIGNS-type arcs pass on only their sender's own initial shock
            const = groups.matrix(np.where(exo, arc_vals, np.nan)) @ c
        q, it, u = aggregate.solve(groups, np.where(exo, np.nan, arc_vals), c, const=const,
                                   max_iter=setup.params.max_iter, tol=setup.params.tol)
        ctx = setup.market if not upstream else None
        if ctx is None:
            return Propagation(arc_values=arc_vals, q=q, iterations=it, matrix=None, c_eff=c,
                               group_u=u, scaled_groups=scaled)
        # issue 13, second pass: the minerals' q (first pass) -> supply response, allocation
        # -> the mineral arcs carry constants a* d_u; the rest solves as before
        k, info = market.arc_constants(ctx, q, arc_values=arc_vals)
        if ctx.exports is None and not any(m["gross"] > 0 for m in info["minerals"].values()):
            return Propagation(arc_values=arc_vals, q=q, iterations=it, matrix=None, c_eff=c,
                               group_u=u, scaled_groups=scaled)  # no market mineral is short
        mconst = market.group_constants(ctx, k)
        const2 = mconst if const is None else const + mconst
        skip = exo | ctx.mineral_arcs
        q2, it2, u2 = aggregate.solve(groups, np.where(skip, np.nan, arc_vals), c,
                                      const=const2, max_iter=setup.params.max_iter,
                                      tol=setup.params.tol)
        source = q.copy()
        if ctx.exports is not None and "exports_to" in info:
            source[cg.index[ctx.exports.mineral_id]] = info["exports_to"]["shortfall"]
        path_c = c.copy()
        if ctx.exports is not None:
            path_c = np.maximum(path_c, np.where(np.arange(cg.n) == cg.index[
                ctx.exports.mineral_id], source, 0.0))
        return Propagation(arc_values=arc_vals, q=q2, iterations=it + it2, matrix=None,
                           c_eff=c, group_u=u2, scaled_groups=scaled, market_info=info,
                           path_values=market.effective_values(ctx, k, source, arc_vals),
                           path_c=path_c)
    q, iterations, M, c_eff = _propagate(cg, arc_vals, c, setup.params, model, upstream)
    return Propagation(arc_values=arc_vals, q=q, iterations=iterations, matrix=M, c_eff=c_eff,
                       scaled_groups=scaled)


def _arc_values(cg: CompiledGraph, ra: RunArrays, w: np.ndarray, upstream: bool) -> np.ndarray:
    if upstream:
        return cg.sales_normalised()
    return cg.arc_astar(w, ra.s, ra.b)


def _propagate(cg: CompiledGraph, arc_vals: np.ndarray, c: np.ndarray, p: Params, model: str,
               upstream: bool) -> tuple[np.ndarray, int, Any, np.ndarray]:
    exo = cg.exogenous if not upstream else np.zeros(cg.m, dtype=bool)
    M = cg.matrix(np.where(exo, np.nan, arc_vals), upstream=upstream)
    c_eff = _with_exogenous(cg, arc_vals, c, upstream)
    r = debtrank(M, np.ones(cg.n), None, c_eff)
    return r.stress, r.rounds, M, c_eff


def _with_exogenous(cg: CompiledGraph, arc_vals: np.ndarray, c: np.ndarray, upstream: bool
                    ) -> np.ndarray:
    """c* plus what DESIGNS-type arcs pass on downstream: only their sender's initial shock."""
    if upstream or not cg.exogenous.any():
        return c
    D = cg.matrix(np.where(cg.exogenous, arc_vals, np.nan), upstream=upstream)
    return np.asarray(np.minimum(1.0, c + D @ c))


# -- 4. explain ------------------------------------------------------------------------------
def explain(setup: Setup, pert: Perturbation, prop: Propagation, *, model: str, upstream: bool,
            top: int, samples: int = 0, seed: int | None = None, horizon: int = 0,
            duration: int | None = None) -> Explanation:
    """List the ``top`` nodes; their top paths, whether the cap binds, Monte Carlo bands
    (weights and, issue 13, the structural assumptions: engine/montecarlo.py; ``horizon`` > 0
    also gives bands of the dynamic peak)."""
    cg, p, c, q = setup.compiled, setup.params, pert.c, prop.q
    affected = np.flatnonzero(q > p.min_shortfall)
    order = affected[np.lexsort((np.array([cg.ids[i] for i in affected], dtype=object)
                                 .astype(str), -q[affected]))] if affected.size else affected
    listed = order[:top]
    pv = prop.arc_values if prop.path_values is None else prop.path_values
    pc = c if prop.path_c is None else prop.path_c
    paths = top_paths(
        cg, pv, pc, set(int(i) for i in listed), k=p.paths_per_node,
        upstream=upstream, max_expansions=p.max_path_expansions,
        min_contribution=p.min_path_contribution * float(pc.max() if pc.size else 0.0),
    )
    if model == "iim" and prop.group_u is not None:
        groups = cg.up_groups if upstream else cg.groups
        capped = groups.node_max(prop.group_u) > 1.0 + 1e-12
    else:
        capped = np.zeros(cg.n, bool)
    mc: dict[str, Any] = {}
    mc_block = None
    if samples > 0:
        def solve(w: np.ndarray) -> np.ndarray:
            return propagate(setup, c, model=model, upstream=upstream, weights=w).q

        hit = None if setup.market is None else {
            mc_.id for mc_ in setup.market.minerals if q[mc_.index] > p.min_shortfall}
        draws = montecarlo.structural_draws(p, setup.market, dynamic=horizon > 0,
                                            fixed=[o.key for o in setup.overrides], only=hit)

        def solve_structural(w: np.ndarray, values: dict[str, float]) -> Any:
            s2 = montecarlo.apply_draws(setup, values)
            pr = propagate(s2, c, model=model, upstream=upstream, weights=w)
            return pr.q if horizon <= 0 else (pr.q, _dynamic_peak(s2, c, pr, horizon, duration))

        s = 0 if seed is None else int(seed)
        mc = montecarlo.run(cg, setup.arrays, p, solve, listed, samples, s, structural=draws,
                            solve_structural=solve_structural if draws else None)
        mc_block = {"samples": samples, "seed": s, "distribution": montecarlo.DISTRIBUTION,
                    "sampled_arcs": int(mc["sampled_arcs"]),
                    "structural": [dr.to_dict() for dr in mc["drawn"]]}
    return Explanation(affected=affected, listed=listed, paths=paths, capped=capped,
                       monte_carlo=mc, monte_carlo_block=mc_block)


# -- 5. assemble -----------------------------------------------------------------------------
def assemble(graph: GraphData, setup: Setup, pert: Perturbation, prop: Propagation,
             expl: Explanation, *, target: str, pct: float, direction: str, model: str,
             backend: str = "embedded") -> dict[str, Any]:
    """The result dict, schema ``riskgraph.shock/2`` (engine/shock-schema.json) without its
    ``dynamic`` block (:func:`run_shock` adds it)."""
    cg, c, q = setup.compiled, pert.c, prop.q
    nodes_out, names = _listed_nodes(graph, cg, c, prop, expl, upstream=direction == "upstream",
                                     arrays=setup.arrays)
    as_ofs = sorted(_as_of(e.as_of) for e in cg.edges if e.as_of)
    return {
        "schema": SCHEMA,
        "shock": {
            "target": target,
            "targets": setup.targets,
            "pct": float(pct),
            "country": pert.country,
            "direction": direction,
            "model": model,
            "initial": [{"id": cg.ids[i], "shock": float(c[i])} for i in np.flatnonzero(c)],
        },
        "model": {
            "name": model,
            "equation": EQUATIONS[(model, direction)],
            "parameters": setup.params.to_dict(),
            "iterations": int(prop.iterations),
        },
        "overrides": [_override(setup, o) for o in setup.overrides],
        "data": {
            "backend": backend,
            "nodes": len(graph),
            "edges": graph.number_of_edges(),
            "supply_arcs": cg.m,
            "duplicate_edges_dropped": cg.dropped,
            "arcs_into_countries_dropped": cg.into_country,
            "share_groups_scaled": int(prop.scaled_groups),
            "as_of_oldest": as_ofs[0] if as_ofs else None,
            "as_of_newest": as_ofs[-1] if as_ofs else None,
        },
        "monte_carlo": expl.monte_carlo_block,
        "market": (market.block(setup.market, prop.market_info, graph)
                   if setup.market is not None and prop.market_info is not None else None),
        "affected": int(expl.affected.size),
        "nodes": nodes_out,
        "names": names,
        "layers": _layers(graph, cg, q, expl.affected),
    }


def _listed_nodes(graph: GraphData, cg: CompiledGraph, c: np.ndarray, prop: Propagation,
                  expl: Explanation, *, upstream: bool, arrays: RunArrays | None = None
                  ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One dict per listed node, and the names of every node on their paths."""
    q, mc = prop.q, expl.monte_carlo
    binding = None
    if prop.group_u is not None:
        groups = cg.up_groups if upstream else cg.groups
        binding = groups.binding(np.minimum(1.0, prop.group_u))
    nodes_out = []
    names: dict[str, str] = {}
    for pos, i in enumerate(expl.listed):
        n = graph.nodes[cg.ids[i]]
        node_paths = [path_to_dict(cg, pp, upstream=upstream, arrays=arrays)
                      for pp in expl.paths.get(int(i), [])]
        for pth in node_paths:
            for h in pth["hops"]:
                for end in (h["src"], h["dst"]):
                    names.setdefault(end, graph.nodes[end].name)
        nodes_out.append({
            "id": n.id,
            "name": n.name,
            "kind": n.kind,
            "layer": n.layer,
            "shortfall": float(q[i]),
            "rank": pos + 1,
            "initial_shock": float(c[i]),
            "capped": bool(expl.capped[i]),
            "absolute": _absolute(cg, int(i), float(q[i])),
            "limited_by": _limited_by(cg, int(i), float(c[i]), prop, binding, upstream),
            "monte_carlo": None if not mc else {
                "median": float(mc["median"][pos]), "p5": float(mc["p5"][pos]),
                "p95": float(mc["p95"][pos]),
                **({"peak": {k: float(mc["peak"][k][pos]) for k in ("median", "p5", "p95")}}
                   if "peak" in mc else {})},
            "paths": node_paths,
        })
    return nodes_out, names


def _override(setup: Setup, o: Any) -> dict[str, Any]:
    """An override with ``reaches``: which arcs or nodes it changes (a model-wide default
    reaches only those without their own value)."""
    d = o.to_dict()
    if o.key in SUPPLY_KEYS:  # a mineral's market parameter (engine/market.py)
        n = sum(1 for nid in ([setup.resolve(o.target)] if o.target not in (None, "*")
                              else setup.compiled.ids)
                if setup.compiled.graph.nodes[nid].kind == "mineral")
        d["reaches"] = {"count": n, "of": n, "what": "minerals",
                        "text": f"the market parameter of {n} mineral{'s' if n != 1 else ''}"}
        return d
    reach = setup.compiled.override_reach(o.key, o.target, setup.resolve)
    if reach is not None:
        d["reaches"] = reach
    return d


def _limited_by(cg: CompiledGraph, i: int, c_i: float, prop: Propagation,
                binding: np.ndarray | None, upstream: bool) -> dict[str, Any] | None:
    """The constraint that sets node i's shortfall: its own cut or its scarcest input group."""
    if binding is None:
        return None
    g = int(binding[i])
    groups = cg.up_groups if upstream else cg.groups
    loss = float(min(1.0, prop.group_u[g])) if g >= 0 and prop.group_u is not None else 0.0
    if g < 0 or c_i >= loss:
        return {"input": "own cut", "dependency": None, "supplier": None, "loss": c_i}
    arcs = np.flatnonzero(groups.group == g)
    if upstream:
        return {"input": "sales", "dependency": "share", "supplier": None, "loss": loss}
    req = bool(cg.dependency[arcs[0]])
    return {"input": cg.label[arcs[0]], "dependency": "requirement" if req else "share",
            "supplier": cg.ids[int(cg.sup[arcs[0]])] if req else None, "loss": loss}


def _as_of(s: str) -> str:
    return str(s)[:10]


def _quarter(start: str, end: str) -> str:
    """``2025-10-01``/``2025-12-31`` -> ``2025-Q4`` (else ``start..end``)."""
    if start[:4] == end[:4] and start[5:] in ("01-01", "04-01", "07-01", "10-01"):
        return f"{start[:4]}-Q{(int(start[5:7]) - 1) // 3 + 1}"
    return f"{start}..{end}"


def _absolute(cg: CompiledGraph, i: int, q: float) -> dict[str, Any] | None:
    """What the shortfall means per period: tonnes per year of a mineral (USGS world
    production), H100e per quarter of an accelerator family or an owner (Epoch AI deliveries in
    the latest complete quarter); the installed base is context, never multiplied."""
    node = cg.graph.nodes[cg.ids[i]]
    if node.kind == "mineral":
        best = None
        for a in np.flatnonzero(cg.cus == i):
            e = cg.edges[a]
            wt = e.props.get("world_total")
            if (e.type == "PRODUCES" and isinstance(wt, int | float) and wt > 0
                    and (best is None or _as_of(e.as_of) > _as_of(best.as_of))):
                best = e
        if best is not None:
            total = float(best.props["world_total"])  # type: ignore[arg-type,unused-ignore]
            unit = str(best.props.get("unit") or "t")
            return {"value": q * total, "unit": f"{unit} per year", "period": str(best.as_of)[:4],
                    "basis": f"world production {total:g} {unit} in {best.as_of}, {best.source}",
                    "installed_base": None}
        return None
    flow = stock = 0.0
    periods: set[str] = set()
    srcs: list[str] = []
    arcs = np.flatnonzero(cg.sup == i) if node.kind == "accelerator" else np.flatnonzero(
        cg.cus == i)  # owners are the accelerator's customers
    for a in arcs:
        e = cg.edges[a]
        if e.type != "OWNS":
            continue
        h, f = e.props.get("h100e"), e.props.get("h100e_per_quarter")
        if isinstance(h, int | float):
            stock += float(h)
        if isinstance(f, int | float):
            flow += float(f)
            periods.add(_quarter(str(e.props.get("flow_period_start", "")),
                                 str(e.props.get("flow_period_end", ""))))
            srcs.append(str(e.props.get("flow_source", e.source)))
    if srcs:
        period = ", ".join(sorted(periods))
        basis = (f"{flow:,.0f} H100e delivered in {period} (Epoch AI quarterly, {len(srcs)} "
                 f"owner rows; e.g. {srcs[0]}); installed base {stock:,.0f} H100e (context)")
        return {"value": q * flow, "unit": "H100e per quarter", "period": period,
                "basis": basis, "installed_base": stock or None}
    return None


def _layers(graph: GraphData, cg: CompiledGraph, q: np.ndarray, affected: np.ndarray
            ) -> list[dict[str, Any]]:
    by: dict[str, list[int]] = {}
    for i in affected:
        by.setdefault(graph.nodes[cg.ids[i]].layer or "other", []).append(int(i))
    order = list(schema.LAYERS) + sorted(set(by) - set(schema.LAYERS))
    out = []
    for layer in order:
        idx = by.get(layer)
        if not idx:
            continue
        vals = q[idx]
        top_i = idx[int(vals.argmax())]
        out.append({
            "layer": layer,
            "affected": len(idx),
            "max_shortfall": float(vals.max()),
            "mean_shortfall": float(vals.mean()),
            "top_node": cg.ids[top_i],
            "top_node_name": graph.nodes[cg.ids[top_i]].name,
        })
    return out


__all__ = [
    "DIRECTIONS", "MODELS", "Override", "assemble", "explain", "perturb", "propagate", "resolve",
    "resolve_targets", "run_shock", "with_market",
]
