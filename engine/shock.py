"""Shock a graph: resolve the target, build the perturbation, propagate, explain, summarise.

:func:`run_shock` is what ``riskgraph shock`` calls; see docs/model.md for the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from riskgraph.engine.compile import CompiledGraph, RunArrays, compile_graph, run_arrays
from riskgraph.engine.defaults import Override, Params, apply_params, load_defaults, parse_set
from riskgraph.engine.result import SCHEMA
from riskgraph.errors import UsageError
from riskgraph.graph import schema
from riskgraph.graph.model import GraphData

if TYPE_CHECKING:
    import numpy as np

MODELS = ("iim", "debtrank")
DIRECTIONS = ("downstream", "upstream")
LAYER_TARGETS = schema.LAYERS

EQUATIONS = {
    ("iim", "downstream"): "q = min(1, A* q + c*), a*_ij = (1 - b_i) a_ij (1 - s_ij)",
    ("iim", "upstream"): "q = min(1, S q + d), S_ji = sales_share(j -> i)",
    ("debtrank", "downstream"): "DebtRank (Battiston et al. 2012) with W = A*, buffers 1",
    ("debtrank", "upstream"): "DebtRank (Battiston et al. 2012) with W = S, buffers 1",
}


def resolve_targets(graph: GraphData, text: str, index: dict[str, set[str]] | None = None
                    ) -> list[str]:
    """Node ids a shock target names: a layer name (every node of it) or one node."""
    from riskgraph.graph.lookup import find_node

    key = text.strip().casefold()
    if key in LAYER_TARGETS:
        ids = sorted(n.id for n in graph.nodes.values() if n.layer == key)
        if not ids:
            raise UsageError(f"layer {key!r} has no nodes in this graph")
        return ids
    return [find_node(graph, text, index=index)]


def _resolver(graph: GraphData) -> Any:
    from riskgraph.graph.lookup import find_node, name_index

    idx = name_index(graph)

    def resolve(name: str) -> str:
        return find_node(graph, name.strip(), index=idx)

    resolve.index = idx  # type: ignore[attr-defined]
    return resolve


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
) -> dict[str, Any]:
    """Run one shock and return the result dict (schema ``riskgraph.shock/1``).

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

    Raises
    ------
    UsageError
        Bad pct, direction, model, target, country or ``--set``.
    ModelError
        The fixed point did not converge.
    """
    import numpy as np

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
    overrides = [parse_set(s) for s in sets]
    p = apply_params(params or load_defaults(), overrides)

    resolve = _resolver(graph)
    targets = resolve_targets(graph, target, resolve.index)
    cg = compiled if compiled is not None else compile_graph(graph)
    ra = run_arrays(cg, p, overrides, resolve)
    frac = pct / 100.0

    c = np.zeros(cg.n)
    country_id = None
    if country is not None:
        if direction == "upstream":
            raise UsageError("--country applies to downstream (supply) shocks only")
        if len(targets) != 1:
            raise UsageError("--country needs a single target, not a layer")
        country_id = _resolve_country(graph, country, resolve)
        t = cg.index[targets[0]]
        hit = np.flatnonzero((cg.sup == cg.index[country_id]) & (cg.cus == t))
        if hit.size == 0:
            raise UsageError(f"{country_id} supplies nothing to {targets[0]} in this graph")
        share = float(np.max(ra.w[hit]))
        c[t] = frac * share
    else:
        for tid in targets:
            c[cg.index[tid]] = frac

    upstream = direction == "upstream"
    arc_vals = _arc_values(cg, ra, ra.w, upstream)

    def solve(w: np.ndarray) -> np.ndarray:
        return _propagate(cg, _arc_values(cg, ra, w, upstream), c, p, model, upstream)[0]

    q, iterations, M = _propagate(cg, arc_vals, c, p, model, upstream)

    affected = np.flatnonzero(q > p.min_shortfall)
    order = affected[np.lexsort((np.array([cg.ids[i] for i in affected], dtype=object)
                                 .astype(str), -q[affected]))] if affected.size else affected
    listed = order[:top]

    from riskgraph.engine.paths import path_to_dict, top_paths

    paths = top_paths(
        cg, arc_vals, c, set(int(i) for i in listed), k=p.paths_per_node, upstream=upstream,
        max_expansions=p.max_path_expansions,
        min_contribution=p.min_path_contribution * float(c.max() if c.size else 0.0),
    )
    c_eff = _with_exogenous(cg, arc_vals, c, upstream)
    capped = (M @ q + c_eff > 1.0 + 1e-12) if model == "iim" else np.zeros(cg.n, bool)

    mc_block = None
    mc: dict[str, np.ndarray] = {}
    if samples > 0:
        from riskgraph.engine import montecarlo

        s = 0 if seed is None else int(seed)
        mc = montecarlo.run(cg, ra, p, solve, listed, samples, s)
        mc_block = {"samples": samples, "seed": s, "distribution": montecarlo.DISTRIBUTION,
                    "sampled_arcs": int(mc["sampled_arcs"])}

    nodes_out = []
    names: dict[str, str] = {}
    for pos, i in enumerate(listed):
        n = graph.nodes[cg.ids[i]]
        node_paths = [path_to_dict(cg, pp, upstream=upstream) for pp in paths.get(int(i), [])]
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
            "capped": bool(capped[i]),
            "absolute": _absolute(cg, int(i), float(q[i])),
            "monte_carlo": None if not mc else {
                "median": float(mc["median"][pos]), "p5": float(mc["p5"][pos]),
                "p95": float(mc["p95"][pos])},
            "paths": node_paths,
        })

    as_ofs = sorted(_as_of(e.as_of) for e in cg.edges if e.as_of)
    return {
        "schema": SCHEMA,
        "shock": {
            "target": target,
            "targets": targets,
            "pct": float(pct),
            "country": country_id,
            "direction": direction,
            "model": model,
            "initial": [{"id": cg.ids[i], "shock": float(c[i])} for i in np.flatnonzero(c)],
        },
        "model": {
            "name": model,
            "equation": EQUATIONS[(model, direction)],
            "parameters": p.to_dict(),
            "iterations": int(iterations),
        },
        "overrides": [o.to_dict() for o in overrides],
        "data": {
            "backend": backend,
            "nodes": len(graph),
            "edges": graph.number_of_edges(),
            "supply_arcs": cg.m,
            "duplicate_edges_dropped": cg.dropped,
            "arcs_into_countries_dropped": cg.into_country,
            "as_of_oldest": as_ofs[0] if as_ofs else None,
            "as_of_newest": as_ofs[-1] if as_ofs else None,
        },
        "monte_carlo": mc_block,
        "affected": int(affected.size),
        "nodes": nodes_out,
        "names": names,
        "layers": _layers(graph, cg, q, affected),
    }


def _as_of(s: str) -> str:
    return str(s)[:10]


def _resolve_country(graph: GraphData, text: str, resolve: Any) -> str:
    nid: str = resolve(text)
    if graph.nodes[nid].kind != "country":
        raise UsageError(f"--country {text!r} is {nid}, not a country")
    return nid


def _arc_values(cg: CompiledGraph, ra: RunArrays, w: np.ndarray, upstream: bool) -> np.ndarray:
    if upstream:
        return cg.sales_share
    return cg.arc_astar(w, ra.s, ra.b)


def _propagate(cg: CompiledGraph, arc_vals: np.ndarray, c: np.ndarray, p: Params, model: str,
               upstream: bool) -> tuple[np.ndarray, int, Any]:
    import numpy as np

    from riskgraph.engine.debtrank import debtrank
    from riskgraph.engine.iim import inoperability

    exo = cg.exogenous if not upstream else np.zeros(cg.m, dtype=bool)
    M = cg.matrix(np.where(exo, np.nan, arc_vals), upstream=upstream)
    c_eff = _with_exogenous(cg, arc_vals, c, upstream)
    if model == "iim":
        q, it = inoperability(M, c_eff, max_iter=p.max_iter, tol=p.tol, return_iterations=True)
        return q, it, M
    r = debtrank(M, np.ones(cg.n), None, c_eff)
    return r.stress, r.rounds, M


def _with_exogenous(cg: CompiledGraph, arc_vals: np.ndarray, c: np.ndarray, upstream: bool
                    ) -> np.ndarray:
    """c* plus what DESIGNS-type arcs pass on downstream: only their sender's initial shock."""
    import numpy as np

    if upstream or not cg.exogenous.any():
        return c
    D = cg.matrix(np.where(cg.exogenous, arc_vals, np.nan), upstream=upstream)
    return np.asarray(np.minimum(1.0, c + D @ c))


def _absolute(cg: CompiledGraph, i: int, q: float) -> dict[str, Any] | None:
    """Tonnes (or kg) of a mineral, H100e of an accelerator family or an owner, at risk."""
    import numpy as np

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
            return {"value": q * total, "unit": unit,
                    "basis": f"world production {total:g} {unit} ({best.as_of}), {best.source}"}
        return None
    total = 0.0
    srcs: list[str] = []
    if node.kind == "accelerator":
        arcs = np.flatnonzero(cg.sup == i)  # owners are the accelerator's customers
    else:
        arcs = np.flatnonzero(cg.cus == i)
    for a in arcs:
        e = cg.edges[a]
        h = e.props.get("h100e")
        if e.type == "OWNS" and isinstance(h, int | float):
            total += float(h)
            srcs.append(e.source)
    if total > 0:
        basis = (f"{total:,.0f} H100e held (Epoch AI OWNS edges: {len(srcs)}; "
                 f"e.g. {srcs[0]})")
        return {"value": q * total, "unit": "H100e", "basis": basis}
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


__all__ = ["run_shock", "resolve_targets", "MODELS", "DIRECTIONS", "Override"]
