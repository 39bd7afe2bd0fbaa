r"""Which assumptions matter: exact derivatives of one node's shortfall by the adjoint method.

The shock engine solves a fixed point :math:`q = F(q; \theta)`, where :math:`\theta` are the
assumptions (estimated edge weights, ``default_weight``, substitutabilities, buffers).  For the
IIM with typed dependencies (docs/model.md) :math:`F_i = \max(c_i, \max_g \min(1, u_g))`,
:math:`u = G q + k`: each input group ``g`` of node ``i`` (shares of one input add; each
requirement is a group of one) loses :math:`u_g`, and the scarcest input sets the shortfall.
Locally every node follows ONE term: its own cut, its binding group while uncapped, or the cap
(derivative 0).  With :math:`J = \partial F / \partial q` (the binding groups' rows of ``G``) the
implicit function theorem gives

.. math:: \frac{dq}{d\theta} = (I - J)^{-1} \frac{\partial F}{\partial \theta},

so the derivative of ONE node's shortfall :math:`q_k` with respect to EVERY assumption needs a
single extra linear solve, the adjoint :math:`(I - J)^\top \lambda = e_k`:
:math:`dq_k/d\theta = \lambda^\top \partial F/\partial \theta`.  :math:`\partial F/\partial
\theta` is the exact partial with respect to each arc value (:math:`q_j` of the sender for the
arc that makes its group's entry; :math:`c_j` for DESIGNS-type arcs, which pass on only their
sender's own shock) times the change of the engine's arc values under the assumption, taken
through the engine's own ``run_arrays`` and ``CompiledGraph.arc_astar`` (so share normalisation
and the override rules are those of the engine) and, with ``--country``, through ``perturb``.
An engine without groups (the additive IIM, ``Propagation.matrix``) is handled the same way.

For each assumption the ranking reports the derivative, its range (stated on the edge,
``defaults.toml``, or ``sensitivity.toml`` where the data state none), the shortfall re-solved at
both ends of the range (the *swing*, exact, for the listed assumptions), the ``--set KEY=VALUE``
that changes it and its source.  Ranked by :math:`|dq_k/d\theta| \cdot (\text{high} - \text{low})`,
the listed ones then by their exact swing.  The result carries a finite-difference check of the
top assumption (two more solves).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from riskgraph.engine import market
from riskgraph.engine import shock as eng
from riskgraph.engine.compile import CompiledGraph, run_arrays
from riskgraph.engine.defaults import Override, Params
from riskgraph.errors import ModelError, UsageError
from riskgraph.graph.model import GraphData

SCHEMA = "riskgraph.sensitivity/1"
RANGES_FILE = Path(str(resources.files("riskgraph.engine") / "sensitivity.toml"))
DEFAULTS_REF = "engine/defaults.toml"
RANGES_REF = "engine/sensitivity.toml"
METHOD = ("adjoint of the fixed point: one solve (I - J)^T lambda = e_node, then "
          "dq_node/dtheta = lambda^T dF/dtheta for every assumption (J = dF/dq at the solution: "
          "each node's binding input group, 0 where the cap or its own cut binds)")


@dataclass(frozen=True)
class Ranges:
    """The fallback ranges of ``sensitivity.toml``."""

    substitutability_low: float = 0.0
    substitutability_high: float = 0.5
    buffer_low: float = 0.0
    buffer_high: float = 0.25
    unstated_weight_rel: float = 0.5
    edge_substitutability_span: float = 0.25


def load_ranges(path: Path = RANGES_FILE) -> Ranges:
    with path.open("rb") as fh:
        raw = tomllib.load(fh).get("ranges", {})
    known = set(Ranges.__dataclass_fields__)
    bad = set(raw) - known
    if bad:
        raise UsageError(f"{path}: unknown keys {sorted(bad)}")
    return Ranges(**{k: float(v) for k, v in raw.items()})


@dataclass
class Gradients:
    """Derivatives of one node's shortfall ``q_k`` with respect to the run's arrays.

    ``d_v`` and ``d_c`` are exact (the adjoint); the assumptions' derivatives are
    ``d_v . dv/dtheta + d_c . dc/dtheta`` (:func:`assumption_derivatives`).
    """

    node: int
    q: np.ndarray
    active: np.ndarray  # bool per node: q moves with its binding input group (cap not binding)
    own: np.ndarray  # bool per node: its own cut c* is what sets q
    lam: np.ndarray  # adjoint per node
    d_v: np.ndarray  # dq_k / d(arc value a*) per arc (0 for arcs that do not bind)
    d_c: np.ndarray  # dq_k / d(initial shock c*) per node
    # issue 13's market pass: dq_k / d(constant k_arc) per mineral arc (0 elsewhere) and the
    # minerals' gross cuts the constants were computed from (None: no market in the run)
    d_k: np.ndarray | None = None
    q_gross: np.ndarray | None = None
    k0: np.ndarray | None = None  # the mineral arcs' constants of the run


def _entries(M: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``M[rows[t], cols[t]]`` for a sparse array (0 where absent)."""
    coo = M.tocoo()
    ncol = M.shape[1]
    keys = coo.row.astype(np.int64) * ncol + coo.col
    order = np.argsort(keys)
    keys, data = keys[order], coo.data[order]
    want = rows.astype(np.int64) * ncol + cols
    pos = np.searchsorted(keys, want)
    pos_c = np.minimum(pos, max(keys.size - 1, 0))
    found = (pos < keys.size) & (keys[pos_c] == want) if keys.size else np.zeros(want.size, bool)
    return np.where(found, data[pos_c] if keys.size else 0.0, 0.0)


def _representative(group: np.ndarray, sup: np.ndarray, mask: np.ndarray, vals: np.ndarray,
                    M: Any) -> np.ndarray:
    """Bool per arc: in ``mask`` and the (first) arc whose value is its (group, sender) entry."""
    out = np.zeros(group.size, dtype=bool)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return out
    entry = _entries(M, group[idx], sup[idx])
    v = np.fmax(np.nan_to_num(vals[idx], nan=0.0), 0.0)
    hit = idx[v == entry]
    key = group[hit].astype(np.int64) * (int(sup.max()) + 1) + sup[hit]
    _, first = np.unique(key, return_index=True)
    out[hit[first]] = True
    return out


def gradients(setup: eng.Setup, pert: eng.Perturbation, prop: eng.Propagation, node: int
              ) -> Gradients:
    """Adjoint derivatives of ``q[node]`` (downstream IIM) w.r.t. arc values and initial shocks.

    The engine's fixed point is ``q_i = max(c_i, max_g min(1, u_g))`` with ``u = G q + k`` per
    input group ``g`` of ``i`` (shares of one input add, requirements are groups of one;
    ``k`` what DESIGNS-type arcs pass on, ``D c``).  Locally each node follows one term: its own
    cut (``dq_i = dc_i``), its binding group while uncapped (``dq_i = du_g``), or the cap
    (``dq_i = 0``).  So ``J = P G`` (``P`` picks each active node's binding group) and one solve
    ``(I - J)^T lam = e_node`` gives every derivative.
    """
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    cg = setup.compiled
    groups = cg.groups
    n, q, c = cg.n, prop.q, pert.c
    if getattr(prop, "group_u", None) is None:
        if getattr(prop, "matrix", None) is None:
            raise ModelError("sensitivity needs the IIM solution (model iim, downstream)")
        return _gradients_additive(setup, pert, prop, node)
    u = np.asarray(prop.group_u, dtype=float)
    loss = np.minimum(1.0, u)
    lmax = groups.node_max(loss)
    bind = groups.binding(loss)
    own = (c > 0) & (c >= lmax)
    active = ~own & (bind >= 0) & (lmax > 0)
    active[active] = u[bind[active]] <= 1.0 + 1e-12
    vals = prop.arc_values
    exo = cg.exogenous
    ctx = _market_of(setup, prop)
    # with the market pass the mineral arcs carry constants k (engine/market.py), not a* q
    mineral = ctx.mineral_arcs if ctx is not None else np.zeros(cg.m, dtype=bool)
    G = groups.matrix(np.where(exo | mineral, np.nan, vals))
    rows = np.flatnonzero(active)
    P = sp.csr_array((np.ones(rows.size), (rows, bind[rows])), shape=(n, groups.ng))
    J = (P @ G).tocsc()
    K = (sp.identity(n, format="csc") - J).T.tocsc()
    rhs = np.zeros(n)
    rhs[node] = 1.0
    with np.errstate(all="ignore"):
        lam = np.atleast_1d(spsolve(K, rhs))
    if not np.all(np.isfinite(lam)):
        raise ModelError("sensitivity: I - J is singular on the uncapped nodes (a cycle of "
                         "unit weights); no derivative exists")
    # partial of F_i (i = the arc's customer) w.r.t. the arc's value, where its group binds
    sel = active[cg.cus] & (bind[cg.cus] == groups.group)
    g = np.zeros(cg.m)
    rep = _representative(groups.group, cg.sup, ~exo & ~mineral & sel, vals, G)
    g[rep] = q[cg.sup[rep]]
    lam_g = P.T @ (lam * active)  # adjoint per group (binding groups of active nodes)
    d_c = lam * own
    if exo.any():
        D = groups.matrix(np.where(exo, vals, np.nan))
        rep_x = _representative(groups.group, cg.sup, exo & sel, vals, D)
        g[rep_x] = c[cg.sup[rep_x]]
        d_c = d_c + D.T @ lam_g
    d_v = lam[cg.cus] * g
    d_k = q_gross = k0 = None
    if ctx is not None:
        d_k = np.where(mineral & sel, lam[cg.cus], 0.0)
        q_gross = np.zeros(n)
        info: dict[str, Any] = prop.market_info or {"minerals": {}}
        for mc in ctx.minerals:
            m = info["minerals"].get(mc.id)
            if m is not None:
                q_gross[mc.index] = m["gross"]
        k0, _ = market.arc_constants(ctx, q_gross, arc_values=np.nan_to_num(vals, nan=0.0))
    return Gradients(node=node, q=q, active=active, own=own, lam=lam, d_v=d_v,
                     d_c=np.asarray(d_c, dtype=float), d_k=d_k, q_gross=q_gross, k0=k0)


def _market_of(setup: eng.Setup, prop: eng.Propagation) -> Any:
    """The run's market context when its second pass ran (a market mineral is short), else
    None (the run is the plain IIM)."""
    if setup.market is None or getattr(prop, "market_info", None) is None:
        return None
    if setup.market.exports is not None:
        raise UsageError("sensitivity does not support --exports-to")
    return setup.market


def _market_term(setup: eng.Setup, grad: Gradients, v1: np.ndarray, h: float,
                 c_shift: np.ndarray | None = None, ctx1: Any = None) -> float:
    """``d_k . dk/dtheta``: the change of the mineral arcs' constants (the market's own
    :func:`~riskgraph.engine.market.arc_constants`) under a step ``h`` of an assumption that
    moves the arc values to ``v1``, the minerals' cuts by ``c_shift``, or the market
    context (``ctx1``, a supply parameter)."""
    ctx = setup.market if ctx1 is None else ctx1
    if grad.d_k is None or grad.q_gross is None or grad.k0 is None or ctx is None \
            or not grad.d_k.any():
        return 0.0
    qg1 = grad.q_gross if c_shift is None else grad.q_gross + np.where(grad.q_gross > 0,
                                                                       c_shift, 0.0)
    k1, _ = market.arc_constants(ctx, qg1, arc_values=np.nan_to_num(v1, nan=0.0))
    return float(grad.d_k @ ((k1 - grad.k0) / h))


def _gradients_additive(setup: eng.Setup, pert: eng.Perturbation, prop: eng.Propagation,
                        node: int) -> Gradients:
    """The same for the additive IIM ``q = min(1, A* q + c_eff)``, ``c_eff = min(1, c + D c)``
    (an engine whose Propagation carries the matrix instead of input groups)."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    cg = setup.compiled
    n, q, c = cg.n, prop.q, pert.c
    M = prop.matrix
    active = (M @ q + prop.c_eff) <= 1.0 + 1e-12
    rows = np.flatnonzero(active)
    Pa = sp.csr_array((np.ones(rows.size), (rows, rows)), shape=(n, n))
    K = (sp.identity(n, format="csc") - (Pa @ M)).T.tocsc()
    rhs = np.zeros(n)
    rhs[node] = 1.0
    with np.errstate(all="ignore"):
        lam = np.atleast_1d(spsolve(K, rhs))
    if not np.all(np.isfinite(lam)):
        raise ModelError("sensitivity: I - A* is singular on the uncapped nodes")
    lam = lam * active
    vals, exo = prop.arc_values, cg.exogenous
    g = np.zeros(cg.m)
    rep = _representative(cg.cus, cg.sup, ~exo, vals, M)
    g[rep] = q[cg.sup[rep]]
    unc = np.ones(n, dtype=bool)
    d_c = lam.copy()
    if exo.any():
        D = cg.matrix(np.where(exo, vals, np.nan))
        unc = (c + D @ c) <= 1.0 + 1e-12
        rep_x = _representative(cg.cus, cg.sup, exo, vals, D)
        g[rep_x] = c[cg.sup[rep_x]] * unc[cg.cus[rep_x]]
        d_c = lam * unc + D.T @ (lam * unc)
    return Gradients(node=node, q=q, active=active, own=np.zeros(n, dtype=bool), lam=lam,
                     d_v=lam[cg.cus] * g, d_c=np.asarray(d_c, dtype=float))


def arc_values(setup: eng.Setup, params: Params, overrides: list[Override]
               ) -> tuple[np.ndarray, np.ndarray]:
    """The engine's arc values a* and the run's weights for other params / overrides."""
    ra = run_arrays(setup.compiled, params, overrides, setup.resolve)
    return setup.compiled.arc_astar(ra.w, ra.s, ra.b), ra.w


def assumption_derivative(graph: GraphData, setup: eng.Setup, pert: eng.Perturbation,
                          grad: Gradients, v0: np.ndarray, *, key: str, target: str | None,
                          value: float, pct: float) -> float:
    """``dq_k/dtheta`` of one assumption: the exact adjoint partials times the change of the
    engine's arc values (and of the initial shock) under the assumption, differentiated
    through the engine's own functions (``run_arrays``, ``arc_astar``, ``perturb``) by a
    one-sided difference of step ``H`` toward the inside of [0, 1] (the arc values are linear
    in a weight, a substitutability or a buffer except where shares are normalised)."""
    h = H if value + H <= 1.0 else -H
    p, ovs = setup.params, list(setup.overrides)
    if target is None:
        changes: dict[str, Any] = {key: value + h}
        p = replace(p, **changes)
    else:
        ovs.append(Override(key=key, value=value + h, target=target, text=""))
    v1, w1 = arc_values(setup, p, ovs)
    dv = (np.nan_to_num(v1, nan=0.0) - np.nan_to_num(v0, nan=0.0)) / h
    d = float(grad.d_v @ dv)
    c_shift = None
    if pert.country is not None:
        ra1 = replace(setup.arrays, w=w1)
        c1 = eng.perturb(graph, replace(setup, arrays=ra1, params=p), pct,
                         country=pert.country).c
        d += float(grad.d_c @ ((c1 - pert.c) / h))
        c_shift = c1 - pert.c
    return d + _market_term(setup, grad, v1, h, c_shift)


H = 1e-7


# -- assumptions ---------------------------------------------------------------------------------
@dataclass
class Assumption:
    set_key: str  # the KEY of --set KEY=VALUE
    kind: str
    label: str
    value: float
    low: float
    high: float
    range_basis: str
    derivative: float
    source: str
    confidence: str
    rationale: str = ""
    as_of: str = ""
    arcs: int = 1

    @property
    def linear_swing(self) -> float:
        return abs(self.derivative) * (self.high - self.low)


def _fmt(v: float) -> str:
    return f"{v:.10g}"


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


def _targeted(cg: CompiledGraph, setup: eng.Setup, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Arcs / nodes a targeted ``--set`` of ``key`` (weight, substitutability, buffer) names."""
    arcs = np.zeros(cg.m, dtype=bool)
    nodes = np.zeros(cg.n, dtype=bool)
    for o in setup.overrides:
        if o.target is None or o.key != key:
            continue
        if key == "buffer":
            nodes[cg.index[setup.resolve(o.target)]] = True
        else:
            arcs[cg.find_arcs(o.target, setup.resolve)] = True
    return arcs, nodes


def assumptions(graph: GraphData, setup: eng.Setup, pert: eng.Perturbation, grad: Gradients,
                ranges: Ranges, pct: float, mk: Market | None = None) -> list[Assumption]:
    """Every assumption of the run with its derivative of the node's shortfall."""
    mk = Market() if mk is None else mk
    cg, ra, p = setup.compiled, setup.arrays, setup.params
    names = {nid: graph.nodes[nid].name for nid in cg.ids}
    v0, _ = arc_values(setup, p, list(setup.overrides))
    moves = grad.d_v != 0.0
    if grad.d_k is not None:
        moves |= grad.d_k != 0.0
    touched = np.flatnonzero(moves)  # arcs whose value moves q_k

    def deriv(key: str, target: str | None, value: float) -> float:
        return assumption_derivative(graph, setup, pert, grad, v0, key=key, target=target,
                                     value=value, pct=pct)

    def pairs_of(mask: np.ndarray) -> dict[tuple[int, int], list[int]]:
        out: dict[tuple[int, int], list[int]] = {}
        for a in np.flatnonzero(mask):
            out.setdefault((int(cg.sup[a]), int(cg.cus[a])), []).append(int(a))
        return out

    relevant = np.zeros(cg.n, dtype=bool)  # customers of arcs that move q_k
    relevant[cg.cus[touched]] = True
    if pert.country is not None:
        relevant |= grad.d_c != 0.0
    found: list[Assumption] = []

    # 1. estimated edge weights, one assumption per (supplier, customer) pair
    set_w, _ = _targeted(cg, setup, "weight")
    for (s_i, c_i), arcs in pairs_of(cg.estimated & (~np.isnan(cg.weight) | set_w)).items():
        all_arcs = np.flatnonzero((cg.sup == s_i) & (cg.cus == c_i))
        a = arcs[0]
        e = cg.edges[a]
        v = float(ra.w[a])
        lo, hi = float(cg.weight_low[a]), float(cg.weight_high[a])
        if math.isfinite(lo) and math.isfinite(hi):
            basis = "weight_low/weight_high of the edge"
            lo, hi = min(lo, hi, v), max(lo, hi, v)
        else:
            rel = ranges.unstated_weight_rel
            lo, hi = _clip01(v * (1 - rel)), _clip01(v * (1 + rel))
            basis = f"none stated: estimate x (1 -/+ {rel:g}) ({RANGES_REF})"
        sup_id, cus_id = cg.ids[s_i], cg.ids[c_i]
        target = f"{sup_id}>{cus_id}"
        d = deriv("weight", target, v) if relevant[c_i] else 0.0
        found.append(Assumption(
            set_key=f"weight[{target}]", kind="weight",
            label=f"weight {names[sup_id]} -> {names[cus_id]} ({e.type})",
            value=v, low=lo, high=hi, range_basis=basis, derivative=d, source=e.source,
            confidence=e.confidence, rationale=e.rationale, as_of=str(e.as_of),
            arcs=int(all_arcs.size)))

    # 2. default_weight: the edges that take it (the engine's arc_weights decides which)
    alt = cg.arc_weights(replace(p, default_weight=p.default_weight + 0.125))
    n_dflt = int(((alt != cg.arc_weights(p)) & ~ra.fixed).sum())
    found.append(Assumption(
        set_key="default_weight", kind="default_weight",
        label="default weight of a supply edge that states none",
        value=p.default_weight, low=p.default_weight_low, high=p.default_weight_high,
        range_basis=f"default_weight_low/default_weight_high ({DEFAULTS_REF})",
        derivative=deriv("default_weight", None, p.default_weight),
        source=f"{DEFAULTS_REF} [model] default_weight", confidence="estimated",
        rationale="the midpoint of 'some dependency' (defaults.toml)", arcs=n_dflt))

    # 3. substitutability: the default, and each edge that states its own
    set_s, _ = _targeted(cg, setup, "substitutability")
    found.append(Assumption(
        set_key="substitutability", kind="substitutability",
        label="default substitutability of an edge that states none",
        value=p.substitutability, low=ranges.substitutability_low,
        high=ranges.substitutability_high,
        range_basis=f"substitutability_low/high ({RANGES_REF})",
        derivative=deriv("substitutability", None, p.substitutability),
        source=f"{DEFAULTS_REF} [model] substitutability", confidence="estimated",
        rationale="0 = no substitution within the shock horizon (the pure IIM)",
        arcs=int((np.isnan(cg.subst) & ~set_s).sum())))
    span = ranges.edge_substitutability_span
    for (s_i, c_i), arcs in pairs_of(~np.isnan(cg.subst) | set_s).items():
        all_arcs = np.flatnonzero((cg.sup == s_i) & (cg.cus == c_i))
        a = arcs[0]
        e = cg.edges[a]
        v = float(ra.s[a])
        sup_id, cus_id = cg.ids[s_i], cg.ids[c_i]
        target = f"{sup_id}>{cus_id}"
        d = deriv("substitutability", target, v) if relevant[c_i] else 0.0
        found.append(Assumption(
            set_key=f"substitutability[{target}]", kind="substitutability",
            label=f"substitutability {names[sup_id]} -> {names[cus_id]} ({e.type})",
            value=v, low=_clip01(v - span), high=_clip01(v + span),
            range_basis=f"value -/+ {span:g} ({RANGES_REF})", derivative=d, source=e.source,
            confidence=e.confidence, rationale=e.rationale, as_of=str(e.as_of),
            arcs=int(all_arcs.size)))

    # 4. buffers: the default, and each node that states its own (or is set by --set)
    _, set_b = _targeted(cg, setup, "buffer")
    found.append(Assumption(
        set_key="buffer", kind="buffer", label="default buffer (inventory cover) of a node",
        value=p.buffer, low=ranges.buffer_low, high=ranges.buffer_high,
        range_basis=f"buffer_low/buffer_high ({RANGES_REF})",
        derivative=deriv("buffer", None, p.buffer), source=f"{DEFAULTS_REF} [model] buffer",
        confidence="estimated", rationale="0 = no inventories (the pure IIM)",
        arcs=int((np.isnan(cg.node_buffer) & ~set_b).sum())))
    for i in np.flatnonzero(~np.isnan(cg.node_buffer) | set_b):
        nid = cg.ids[i]
        node = graph.nodes[nid]
        v = float(ra.b[i])
        found.append(Assumption(
            set_key=f"buffer[{nid}]", kind="buffer", label=f"buffer of {names[nid]}",
            value=v, low=min(v, ranges.buffer_low), high=max(v, ranges.buffer_high),
            range_basis=f"buffer_low/buffer_high ({RANGES_REF})",
            derivative=deriv("buffer", nid, v) if relevant[i] else 0.0,
            source=node.source if not set_b[i] else "--set", confidence=node.confidence,
            rationale=node.rationale, as_of=str(node.as_of)))

    # 5. any other model parameter of defaults.toml [model] (new ones as the model grows)
    for key in _other_model_keys(p):
        v = float(getattr(p, key))
        bounds: tuple[Any, Any] = (getattr(p, f"{key}_low", None), getattr(p, f"{key}_high", None))
        if None in bounds:
            bounds = (getattr(ranges, f"{key}_low", None), getattr(ranges, f"{key}_high", None))
        basis = f"{key}_low/{key}_high"
        if None in bounds:
            rel = ranges.unstated_weight_rel
            bounds = (_clip01(v * (1 - rel)), _clip01(v * (1 + rel)))
            basis = f"none stated: value x (1 -/+ {rel:g})"
        d = deriv(key, None, v)
        if d == 0.0:  # it may act elsewhere than on arc values: a difference of the solve
            d = _solve_difference(graph, setup, pert, grad.node, key, v, pct, mk)
        found.append(Assumption(
            set_key=key, kind="model parameter", label=f"model parameter {key}", value=v,
            low=float(min(bounds[0], v)), high=float(max(bounds[1], v)), range_basis=basis,
            derivative=d,
            source=f"{DEFAULTS_REF} [model] {key}", confidence="estimated"))
    # 6. the market parameters of each short mineral (engine/market.py; issue 13)
    found += _market_assumptions(setup, grad, v0)
    return found


# the supply parameters that move the long-run (static) answer; the others act in the monthly
# model (restart_months, secondary_months, stocks_months), on the price (elasticities) or on an
# export control (reroute_share)
STATIC_SUPPLY_KEYS = ("spare_capacity", "secondary_supply")


def _market_assumptions(setup: eng.Setup, grad: Gradients, v0: np.ndarray) -> list[Assumption]:
    """A short mineral's supply parameters with the range on file (the markets data)."""
    ctx = setup.market
    if ctx is None or grad.d_k is None or grad.q_gross is None:
        return []
    out: list[Assumption] = []
    for j, mc in enumerate(ctx.minerals):
        if grad.q_gross[mc.index] <= 0:
            continue
        for key in STATIC_SUPPLY_KEYS:
            rec = mc.market.supply.get(key)
            v = float(mc.params[key])
            if rec is None:
                lo = hi = v
                basis, src, conf, why, as_of = ("none on file", mc.sources[key], "estimated",
                                                "", "")
            else:
                lo, hi = min(float(rec.value.low), v), max(float(rec.value.high), v)
                basis = "low/high of the markets data"
                src, conf, why, as_of = rec.source, rec.confidence, rec.rationale, rec.as_of
            if mc.sources[key].startswith("--set"):
                src = mc.sources[key]
            h = H if v + H <= 1.0 else -H
            mc1 = replace(mc, params={**mc.params, key: v + h})
            ctx1 = replace(ctx, minerals=[*ctx.minerals[:j], mc1, *ctx.minerals[j + 1:]])
            d = _market_term(setup, grad, v0, h, ctx1=ctx1)
            out.append(Assumption(
                set_key=f"{key}[{mc.id}]", kind="market parameter",
                label=f"{key.replace('_', ' ')} of {mc.name} (share of world supply)",
                value=v, low=lo, high=hi, range_basis=basis, derivative=d, source=src,
                confidence=conf, rationale=why, as_of=str(as_of)))
    return out


_HANDLED = frozenset({"default_weight", "default_weight_low", "default_weight_high",
                      "substitutability", "buffer"})


def _other_model_keys(p: Params) -> list[str]:
    """Float parameters of the [model] section of defaults.toml not ranked above."""
    from riskgraph.engine.defaults import DEFAULTS_FILE

    with DEFAULTS_FILE.open("rb") as fh:
        model = tomllib.load(fh).get("model", {})
    return [k for k in model if k not in _HANDLED and not k.endswith(("_low", "_high"))
            and isinstance(getattr(p, k, None), float)]


def _solve_difference(graph: GraphData, setup: eng.Setup, pert: eng.Perturbation, node: int,
                      key: str, value: float, pct: float, mk: Market) -> float:
    """Forward difference of the whole solve in one parameter (step ``H``)."""
    h = H if value + H <= 1.0 else -H
    changes: dict[str, Any] = {key: value + h}
    s2 = replace(setup, params=replace(setup.params, **changes), market=None)
    s2 = replace(s2, arrays=run_arrays(s2.compiled, s2.params, list(s2.overrides), s2.resolve))
    p2 = eng.perturb(graph, s2, pct, country=pert.country)
    mk.apply(graph, s2, p2, pct, pert.country)
    q2 = eng.propagate(s2, p2.c, model="iim", upstream=False).q
    q1 = eng.propagate(setup, pert.c, model="iim", upstream=False).q
    return float((q2[node] - q1[node]) / h)


# -- the run -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Market:
    """The shortage-economics options of the run, as ``riskgraph shock`` takes them
    (``None``: ``defaults.toml [market]``); the answer is the one ``shock`` prints."""

    allocation: str | None = None
    supply_response: bool | None = None

    def apply(self, graph: GraphData, setup: eng.Setup, pert: eng.Perturbation, pct: float,
              country: str | None) -> None:
        eng.with_market(graph, setup, pert, pct, country=country, allocation=self.allocation,
                        supply_response=self.supply_response)


def _solve(graph: GraphData, target: str, pct: float, country: str | None, sets: list[str],
           compiled: CompiledGraph, node: int, mk: Market) -> float:
    setup = eng.resolve(graph, target, sets=sets, compiled=compiled)
    pert = eng.perturb(graph, setup, pct, country=country)
    mk.apply(graph, setup, pert, pct, country)
    prop = eng.propagate(setup, pert.c, model="iim", upstream=False)
    return float(prop.q[node])


def run_sensitivity(
    graph: GraphData,
    target: str,
    pct: float,
    *,
    node: str,
    country: str | None = None,
    sets: Iterable[str] = (),
    top: int = 15,
    compiled: CompiledGraph | None = None,
    check: bool = True,
    samples: int = 0,
    seed: int | None = None,
    allocation: str | None = None,
    supply_response: bool | None = None,
) -> dict[str, Any]:
    """Rank the assumptions by their effect on ``node``'s shortfall (schema
    ``riskgraph.sensitivity/1``).

    The shortfall is the one ``riskgraph shock`` prints with the same options: the shortage
    economics of minerals with market data (``allocation``, ``supply_response``: as ``shock
    --allocation/--supply-response``; ``None``: ``defaults.toml [market]``) are part of the
    solve, and their supply parameters are ranked with the other assumptions.
    ``allocation="proportional"`` (without ``supply_response=True``) is the no-mitigation
    upper bound.

    Raises
    ------
    UsageError
        Bad options, target, node, country or ``--set``.
    ModelError
        The fixed point did not converge, or ``I - A*`` is singular on the uncapped nodes.
    """
    if top < 1:
        raise UsageError(f"--top must be at least 1, got {top}")
    sets = list(sets)
    eng.check_options(pct, direction="downstream", model="iim", top=top, samples=samples)
    setup = eng.resolve(graph, target, sets=sets, compiled=compiled)
    cg = setup.compiled
    nid = setup.resolve(node)
    k = cg.index[nid]
    pert = eng.perturb(graph, setup, pct, country=country)
    mk = Market(allocation=allocation, supply_response=supply_response)
    mk.apply(graph, setup, pert, pct, country)
    prop = eng.propagate(setup, pert.c, model="iim", upstream=False)
    grad = gradients(setup, pert, prop, k)
    ranges = load_ranges()
    found = assumptions(graph, setup, pert, grad, ranges, pct, mk)
    ranked = sorted(found, key=lambda a: (-a.linear_swing, -abs(a.derivative), a.set_key))
    listed = [a for a in ranked if a.derivative != 0.0][:top]
    q0 = float(prop.q[k])
    rows = []
    for a in listed:
        q_lo = _solve(graph, target, pct, country, [*sets, f"{a.set_key}={_fmt(a.low)}"], cg, k,
                      mk)
        q_hi = _solve(graph, target, pct, country, [*sets, f"{a.set_key}={_fmt(a.high)}"], cg, k,
                      mk)
        rows.append((a, q_lo, q_hi))
    rows.sort(key=lambda r: (-abs(r[2] - r[1]), -abs(r[0].derivative), r[0].set_key))
    out_rows = []
    for rank, (a, q_lo, q_hi) in enumerate(rows, 1):
        out_rows.append({
            "rank": rank, "set_key": a.set_key, "kind": a.kind, "label": a.label,
            "value": a.value, "low": a.low, "high": a.high, "range_basis": a.range_basis,
            "derivative": a.derivative, "linear_swing": a.derivative * (a.high - a.low),
            "shortfall_low": q_lo, "shortfall_high": q_hi, "swing": q_hi - q_lo,
            "set": f"{a.set_key}={_fmt(a.high)}", "set_low": f"{a.set_key}={_fmt(a.low)}",
            "source": a.source, "confidence": a.confidence, "rationale": a.rationale,
            "as_of": a.as_of, "arcs": a.arcs,
        })
    fd_check = None
    if check and out_rows:
        fd_check = _fd_check(graph, target, pct, country, sets, cg, k, rows[0][0], mk)
    variance = None
    if samples > 0:
        variance = variance_shares(graph, setup, pert, k, samples, 0 if seed is None else seed,
                                   top=top)
        shares = {v["set_key"]: v["share"] for v in variance["weights"]}
        for r in out_rows:
            r["variance_share"] = shares.get(r["set_key"])
    node_obj = graph.nodes[nid]
    market_block = (market.block(setup.market, prop.market_info, graph)
                    if setup.market is not None and prop.market_info is not None else None)
    return {
        "schema": SCHEMA,
        "shock": {"target": target, "targets": setup.targets, "pct": float(pct),
                  "country": pert.country, "direction": "downstream", "model": "iim"},
        "market": market_block,
        "node": {"id": nid, "name": node_obj.name, "layer": node_obj.layer,
                 "shortfall": q0, "capped": not bool(grad.active[k])},
        "method": METHOD,
        "ranking": "by |derivative| x (high - low), the listed ones by their exact swing",
        "ranges_file": RANGES_REF,
        "overrides": [o.to_dict() for o in setup.overrides],
        "assumptions_total": len(found),
        "assumptions_nonzero": sum(a.derivative != 0.0 for a in found),
        "assumptions": out_rows,
        "check": fd_check,
        "variance": variance,
    }


def variance_shares(graph: GraphData, setup: eng.Setup, pert: eng.Perturbation, node: int,
                    samples: int, seed: int, *, top: int = 15) -> dict[str, Any]:
    """Variance-based ranking from the Monte Carlo draws of ``shock --samples`` (same arcs,
    distribution, seed and draw order as :func:`riskgraph.engine.montecarlo.run`).

    Per drawn weight, the share of the node's shortfall variance it explains alone: the squared
    correlation of the draw with the shortfall (a first-order index; exact for a model linear in
    the weights, and the weights are drawn independently).
    """
    from riskgraph.engine import montecarlo

    cg, ra, p = setup.compiled, setup.arrays, setup.params
    rng = np.random.default_rng(seed)
    pick, lo, mode, hi = montecarlo.sampled_arcs(cg, ra, p)
    draws = np.empty((samples, pick.size))
    y = np.empty(samples)
    for t in range(samples):
        w = ra.w.copy()
        w[pick] = draws[t] = montecarlo.triangular(rng.random(pick.size), lo, mode, hi)
        y[t] = eng.propagate(setup, pert.c, model="iim", upstream=False, weights=w).q[node]
    var = float(y.var())
    rows = []
    if var > 0 and samples > 2:
        xc = draws - draws.mean(axis=0)
        yc = y - y.mean()
        sx = np.sqrt((xc**2).sum(axis=0))
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (xc * yc[:, None]).sum(axis=0) / (sx * np.sqrt((yc**2).sum()))
        share = np.nan_to_num(r**2, nan=0.0)
        # only weights that can carry the shock to the node: an affected sender, and a customer
        # upstream of the node (elsewhere a correlation is sampling noise, about 1/samples)
        q0 = eng.propagate(setup, pert.c, model="iim", upstream=False).q
        share[~((q0[cg.sup[pick]] > 0) & _upstream(cg, node)[cg.cus[pick]])] = 0.0
        names = {nid: graph.nodes[nid].name for nid in cg.ids}
        for j in np.argsort(-share)[:top]:
            a = int(pick[j])
            if share[j] <= 0:
                break
            sup_id, cus_id = cg.ids[cg.sup[a]], cg.ids[cg.cus[a]]
            rows.append({"set_key": f"weight[{sup_id}>{cus_id}]",
                         "label": f"weight {names[sup_id]} -> {names[cus_id]} "
                                  f"({cg.edges[a].type})",
                         "share": float(share[j]),
                         "default_weight": bool(np.isnan(cg.weight[a])),
                         "low": float(lo[j]), "high": float(hi[j])})
    return {"samples": samples, "seed": seed, "distribution": montecarlo.DISTRIBUTION,
            "sampled_arcs": int(pick.size), "shortfall_mean": float(y.mean()),
            "shortfall_std": float(np.sqrt(var)),
            "method": "squared correlation of each drawn weight with the node's shortfall "
                      "(first-order variance share; weights that cannot reach the node: 0)",
            "noise_floor": 1.0 / max(samples - 1, 1),
            "weights": rows}


def _upstream(cg: CompiledGraph, node: int) -> np.ndarray:
    """Bool per node: ``node`` itself or a supplier of it, directly or not."""
    seen = np.zeros(cg.n, dtype=bool)
    seen[node] = True
    frontier = np.array([node])
    while frontier.size:
        hit = np.isin(cg.cus, frontier)
        nxt = np.unique(cg.sup[hit])
        frontier = nxt[~seen[nxt]]
        seen[frontier] = True
    return seen


def _fd_check(graph: GraphData, target: str, pct: float, country: str | None, sets: list[str],
              cg: CompiledGraph, k: int, a: Assumption, mk: Market) -> dict[str, Any]:
    """Central difference of the top assumption (inside its range where possible)."""
    h = 1e-5
    lo, hi = max(a.low, a.value - h), min(a.high, a.value + h)
    if hi - lo <= 0:
        lo, hi = max(0.0, a.value - h), min(1.0, a.value + h)
    q_lo = _solve(graph, target, pct, country, [*sets, f"{a.set_key}={_fmt(lo)}"], cg, k, mk)
    q_hi = _solve(graph, target, pct, country, [*sets, f"{a.set_key}={_fmt(hi)}"], cg, k, mk)
    fd = (q_hi - q_lo) / (hi - lo) if hi > lo else float("nan")
    ok = math.isfinite(fd) and abs(fd - a.derivative) <= 1e-4 * max(1.0, abs(a.derivative))
    return {"set_key": a.set_key, "from": lo, "to": hi, "finite_difference": fd,
            "derivative": a.derivative, "agrees": bool(ok)}


__all__ = ["Gradients", "Market", "Ranges", "SCHEMA", "gradients", "load_ranges", "run_sensitivity"]
