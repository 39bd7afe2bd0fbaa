"""Compile a :class:`~riskgraph.graph.model.GraphData` once into index maps and sparse arrays.

Orientation: every edge whose relationship type flows (``graph/schema.py`` ``FLOW``) becomes a
*supply arc* supplier -> customer (``forward``: src supplies dst; ``reverse``: dst supplies src);
``none`` edges and self-loops never propagate.

One arc per (supplier, customer, type): when several edges connect the same pair with the same
type (the article vs USGS, several USGS releases and years, CSET years) the engine uses ONE:

1. for ``PRODUCES`` into a mineral with a ``default_type`` prop, edges whose ``production_type``
   differs from it are dropped (edges without a production type stay);
2. then an edge with a ``weight`` beats one without (CSET lists many providers without a share;
   a curated estimate of that share is used instead), ``reported`` beats ``estimated``, a newer
   ``as_of`` beats an older one, and finally the edge key decides (deterministic).

When arcs of different types join the same pair, the matrix entry is the LARGEST of their
dependencies (they describe the same dependency in different words; summing would double it).

Countries are supply sources only: an arc INTO a country node (Epoch AI lists "China" as an
owner of accelerators) is left out, because a country node's output is what it produces and
lacking GPUs does not make its mines produce less; keeping it would feed every accelerator
shortfall back into the minerals (a spurious cycle).

Roles: a company node carries several roles (Alphabet designs TPUs, owns TPUs and Nvidia GPUs,
runs a cloud); its shortfall in the model is that of what it receives (compute through OWNS). A
``DESIGNS`` arc stands for design capability, which such shortfalls do not diminish within the
shock horizon, so it passes on only a shock applied to the designer itself (``shock Nvidia``), not
shortfalls that reach the designer (:data:`EXOGENOUS_TYPES`; downstream only: upstream, a
family's lost sales do reach its designer).  This also removes the designer <-> owner cycles
(Alphabet <-> TPU, Amazon <-> Trainium).

Missing weights: a share-type edge (:data:`SHARE_TYPES`: PRODUCES, PROVIDES; the weight is the
supplier's share of the customer's supply) without a weight gets an equal part of the share the
stated edges of the same customer and type leave unallocated, ``max(0, 1 - sum) / count``; any
other edge without a weight gets ``default_weight``.

Nothing here is cached between calls: a :class:`CompiledGraph` is plain data the caller keeps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from riskgraph.engine import sparse
from riskgraph.engine.aggregate import (
    REQUIREMENT,
    Groups,
    build_groups,
    default_dependency,
    default_input,
    normalise_shares,
)
from riskgraph.engine.defaults import Override, Params
from riskgraph.errors import UsageError
from riskgraph.graph import schema
from riskgraph.graph.model import Edge, GraphData, is_number

SHARE_TYPES: frozenset[str] = frozenset({"PRODUCES", "PROVIDES"})
# Arcs that pass on only a shock applied to their sender, not shortfalls that reach it.
EXOGENOUS_TYPES: frozenset[str] = frozenset({"DESIGNS"})
# CSET input types that are chip designs: a PROVIDES arc into one stands for design capability
# (Alphabet and Tesla design "AI ASICs"), exogenous like DESIGNS, so a compute shortfall that
# reaches an owner does not leak into the design market.
DESIGN_INPUT_TYPES: frozenset[str] = frozenset({"design_resource", "ultimate_output"})


def _num(v: Any) -> float:
    return float(v) if is_number(v) else math.nan


def _as_of_key(as_of: str) -> str:
    return str(as_of or "")[:10]


@dataclass
class CompiledGraph:
    """Arrays of one graph.  Node ``k`` is ``ids[k]``; arc ``a`` goes ``sup[a]`` -> ``cus[a]``."""

    graph: GraphData
    ids: list[str]
    index: dict[str, int]
    node_buffer: np.ndarray  # node prop `buffer`, NaN where absent
    # supply arcs (one per supplier, customer, type)
    edges: list[Edge]
    sup: np.ndarray
    cus: np.ndarray
    weight: np.ndarray  # NaN where the edge has no weight
    weight_low: np.ndarray
    weight_high: np.ndarray
    subst: np.ndarray  # NaN where absent
    sales_share: np.ndarray  # NaN where absent
    estimated: np.ndarray  # bool
    share_type: np.ndarray  # bool: PRODUCES/PROVIDES (missing weight = unallocated share)
    share_default: np.ndarray  # weight of share-type arcs without one (NaN elsewhere)
    exogenous: np.ndarray  # bool: DESIGNS (carries only its sender's own initial shock)
    dependency: np.ndarray  # bool: True for a requirement arc, False for a share
    label: list[str]  # per arc: the input it supplies (share group label) or "requirement"
    groups: Groups  # downstream groups (receiver = customer)
    up_groups: Groups  # upstream groups (receiver = supplier: one group per supplier)
    dropped: int  # edges not used because another edge of the same pair and type won
    into_country: int  # arcs left out because their customer is a country

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.edges)

    # -- per-run arrays --------------------------------------------------------------------------
    def buffers(self, params: Params, overrides: dict[int, float] | None = None) -> np.ndarray:
        b = np.where(np.isnan(self.node_buffer), params.buffer, self.node_buffer)
        for k, v in (overrides or {}).items():
            b[k] = v
        return b

    def arc_weights(self, params: Params) -> np.ndarray:
        """Dependency a_ij per arc, the default weight where the edge has none."""
        w = np.where(np.isnan(self.share_default), params.default_weight, self.share_default)
        return np.where(np.isnan(self.weight), w, self.weight)

    def arc_subst(self, params: Params) -> np.ndarray:
        return np.where(np.isnan(self.subst), params.substitutability, self.subst)

    def shares_normalised(self, w: np.ndarray) -> tuple[np.ndarray, int]:
        """Weights with over-full share groups scaled to sum 1 (see aggregate.normalise_shares)."""
        return normalise_shares(self.groups, w, ~self.dependency)

    def sales_normalised(self) -> np.ndarray:
        """Sales shares with each supplier's total scaled to at most 1."""
        v, _ = normalise_shares(self.up_groups, self.sales_share, np.ones(self.m, dtype=bool))
        return v

    def arc_astar(self, w: np.ndarray, s: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a*_ij = (1 - b_i) a_ij (1 - s_ij) per arc (i the customer), shares normalised."""
        w, _ = self.shares_normalised(w)
        out = w * (1.0 - s) if s.any() else w.copy()
        if b.any():
            out *= 1.0 - b[self.cus]
        return out

    def _pattern(self, upstream: bool) -> sparse.Pattern:
        """Sparsity pattern of one orientation, majors = senders (computed once, kept here)."""
        cache = self.__dict__.setdefault("_patterns", {})
        if upstream not in cache:
            receivers, senders = (self.sup, self.cus) if upstream else (self.cus, self.sup)
            cache[upstream] = sparse.build_pattern(senders, receivers, self.n)
        return cache[upstream]  # type: ignore[no-any-return,unused-ignore]

    def matrix(self, arc_values: np.ndarray, *, upstream: bool = False) -> Any:
        """Sparse array (CSC), rows = receivers, columns = senders, duplicates combined by max.

        Downstream: ``M[i, j]`` = value of arc j -> i (supplier j to customer i).
        Upstream:   ``M[j, i]`` = value of arc j -> i (demand flows customer i to supplier j).
        NaN (no value) counts as 0.  O(arcs), no sort: the pattern is computed once.
        """
        return sparse.csc(self._pattern(upstream), arc_values)

    def representative_arcs(self, arc_values: np.ndarray, *, upstream: bool = False
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sender-major adjacency of the arcs that make the matrix (the max of each pair).

        Returns ``(indptr, receivers, arcs)``: for sender ``s`` the slice
        ``indptr[s]:indptr[s+1]`` lists receivers and the arc index behind each (pairs whose
        value is 0 or NaN are left out).
        """
        pat = self._pattern(upstream)
        order, starts, ur, us = pat.order, pat.starts, pat.minor, pat.major
        n = self.n
        if starts.size == 0:
            return np.zeros(n + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        if order is None:
            order = np.arange(arc_values.size)
        v = np.nan_to_num(arc_values[order], nan=-1.0)
        gmax = np.maximum.reduceat(v, starts)
        gid = np.repeat(np.arange(starts.size), np.diff(np.append(starts, v.size)))
        idx = np.flatnonzero(v == gmax[gid])
        g = gid[idx]
        firstg = np.ones(idx.size, dtype=bool)
        firstg[1:] = g[1:] != g[:-1]
        rep = order[idx[firstg]]  # one arc per pair, in pair (sender-major) order
        keep = gmax > 0
        counts = np.bincount(us[keep], minlength=n)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return indptr, ur[keep].astype(np.int64), rep[keep]

    # -- overrides -----------------------------------------------------------------------------
    def override_reach(self, key: str, target: str | None, resolve: Any) -> dict[str, Any] | None:
        """Which arcs or nodes a ``--set`` reaches: ``{"count", "of", "what", "text"}``.

        A model-wide default (``substitutability=0.3``) reaches only the arcs (or nodes) without
        a value of their own; ``KEY[*]=V`` reaches all of them.
        """
        m, n = self.m, self.n
        node_key = key in ("buffer", "inventory_weeks")  # per node, not per arc
        if target == "*":
            count, of, what = (n, n, "nodes") if node_key else (m, m, "supply arcs")
            return {"count": count, "of": of, "what": what,
                    "text": f"all {of:,} {what}, their own values included"}
        if target is not None:
            if node_key:
                resolve(target)  # an unknown node is an error even when nothing reads it
                return {"count": 1, "of": n, "what": "nodes", "text": "1 node"}
            k = int(self.find_arcs(target, resolve).size)
            return {"count": k, "of": m, "what": "supply arcs",
                    "text": f"{k} supply arc{'s' if k != 1 else ''}"}
        if key == "substitutability":
            k, own, star = int(np.isnan(self.subst).sum()), "substitutability", True
        elif key == "default_weight":
            k = int((np.isnan(self.weight) & np.isnan(self.share_default)).sum())
            own, star = "weight", False
        elif key == "buffer":
            k = int(np.isnan(self.node_buffer).sum())
            text = (f"the {k:,} of {n:,} nodes without a buffer of their own; "
                    "buffer[*]=V sets every node")
            return {"count": k, "of": n, "what": "nodes", "text": text}
        elif key == "inventory_weeks":  # the dynamic model's default cover
            k = sum(1 for i in self.ids if "inventory_weeks" not in self.graph.nodes[i].props)
            text = (f"the {k:,} of {n:,} nodes without an inventory cover of their own; "
                    "inventory_weeks[*]=W sets every node")
            return {"count": k, "of": n, "what": "nodes", "text": text}
        else:
            return None
        text = f"the {k:,} of {m:,} supply arcs without a {own} of their own"
        if star:
            text += f"; {key}[*]=V sets all {m:,}"
        return {"count": k, "of": m, "what": "supply arcs", "text": text}

    def find_arcs(self, text: str, resolve: Any) -> np.ndarray:
        """Arc indices for ``FROM>TO`` (supply direction, or the edge's own direction)."""
        a, _, b = text.partition(">")
        ia, ib = self.index[resolve(a)], self.index[resolve(b)]
        hit = np.flatnonzero((self.sup == ia) & (self.cus == ib))
        if hit.size == 0:
            hit = np.flatnonzero((self.sup == ib) & (self.cus == ia))
            hit = np.array([k for k in hit if self.edges[k].src == self.ids[ia]], dtype=int)
        if hit.size == 0:
            raise UsageError(f"no supply edge from {self.ids[ia]} to {self.ids[ib]}")
        return hit


def compile_graph(graph: GraphData) -> CompiledGraph:
    """Index the nodes and build the supply arcs (see the module docstring for the rules)."""
    ids = sorted(graph.nodes)
    index = {nid: k for k, nid in enumerate(ids)}
    node_buffer = np.array([_num(graph.nodes[i].props.get("buffer")) for i in ids], dtype=float)

    by_pair: dict[tuple[str, str, str], list[Edge]] = {}
    into_country: set[tuple[str, str, str]] = set()
    for e in graph.edges.values():
        flow = schema.flow_of(e.type)
        if flow == "none" or e.src == e.dst:
            continue
        sup, cus = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
        if sup not in index or cus not in index:
            continue
        if graph.nodes[cus].kind == "country":
            into_country.add((sup, cus, e.type))
            continue
        by_pair.setdefault((sup, cus, e.type), []).append(e)

    chosen: list[tuple[str, str, Edge]] = []
    dropped = 0
    for (sup, cus, typ), cands in by_pair.items():
        if typ == "PRODUCES" and len(cands) > 1:
            mineral = graph.nodes[cus]
            dt = mineral.props.get("default_type")
            if dt:
                kept = [e for e in cands if e.props.get("production_type") in (None, "", dt)]
                cands = kept or cands
        best = min(
            cands,
            key=lambda e: (
                e.weight is None,  # a stated figure beats none (CSET lists shares unstated)
                e.confidence != "reported",
                _neg(_as_of_key(e.as_of)),
                e.key,
            ),
        )
        dropped += len(by_pair[(sup, cus, typ)]) - 1
        chosen.append((sup, cus, best))
    # sorted by (supplier, customer) index: the downstream matrix needs no gather per run
    chosen.sort(key=lambda t: (index[t[0]], index[t[1]], t[2].type))

    def col(name: str) -> np.ndarray:
        return np.array([_num(e.props.get(name)) for _, _, e in chosen], dtype=float)

    cus_arr = np.array([index[c] for _, c, _ in chosen], dtype=np.int64)
    sup_arr = np.array([index[s] for s, _, _ in chosen], dtype=np.int64)
    weight = col("weight")
    requirement = np.array([_dependency(e) == REQUIREMENT for _, _, e in chosen], dtype=bool)
    labels = [(str(e.props.get("input") or "requirement") if req else _input_label(graph, sup, e))
              for (sup, _, e), req in zip(chosen, requirement, strict=True)]
    codes = {lab: k for k, lab in enumerate(sorted(set(labels)))}
    label_code = np.array([codes[lab] for lab in labels], dtype=np.int64)
    dgroups = build_groups(cus_arr, sup_arr, label_code, ~requirement, len(ids))
    up_groups = build_groups(sup_arr, cus_arr, np.zeros(len(chosen), dtype=np.int64),
                             np.ones(len(chosen), dtype=bool), len(ids))
    share_type = np.array([e.type in SHARE_TYPES for _, _, e in chosen], dtype=bool)
    share_default = _share_defaults(dgroups.group, weight, share_type & ~requirement,
                                    dgroups.ng)
    exogenous = np.array([_exogenous(graph, e, c) for _, c, e in chosen], dtype=bool)
    return CompiledGraph(
        graph=graph,
        ids=ids,
        index=index,
        node_buffer=node_buffer,
        edges=[e for _, _, e in chosen],
        sup=sup_arr,
        cus=cus_arr,
        weight=weight,
        weight_low=col("weight_low"),
        weight_high=col("weight_high"),
        subst=col("substitutability"),
        sales_share=col("sales_share"),
        estimated=np.array([e.confidence == "estimated" for _, _, e in chosen], dtype=bool),
        share_type=share_type,
        share_default=share_default,
        exogenous=exogenous,
        dependency=requirement,
        label=labels,
        groups=dgroups,
        up_groups=up_groups,
        dropped=dropped,
        into_country=len(into_country),
    )


def _dependency(e: Edge) -> str:
    """The edge's ``dependency`` prop (share / requirement), else its type's default."""
    d = e.props.get("dependency")
    return str(d) if d in ("share", "requirement") else default_dependency(e.type)


def _input_label(graph: GraphData, sup: str, e: Edge) -> str:
    lab = e.props.get("input")
    if isinstance(lab, str) and lab.strip():
        return lab.strip()
    return default_input(e.type, graph.nodes[sup].kind == "country")


def _exogenous(graph: GraphData, e: Edge, cus: str) -> bool:
    if e.type in EXOGENOUS_TYPES:
        return True
    return (e.type == "PROVIDES" and graph.nodes[e.src].kind == "company"
            and graph.nodes[cus].props.get("type") in DESIGN_INPUT_TYPES)


def _share_defaults(group: np.ndarray, weight: np.ndarray, share: np.ndarray, ng: int
                    ) -> np.ndarray:
    """Unallocated share of a group split equally among its weightless share arcs."""
    out = np.full(group.size, np.nan)
    if not share.any():
        return out
    stated = share & ~np.isnan(weight)
    missing = share & np.isnan(weight)
    total = np.bincount(group[stated], weights=weight[stated], minlength=ng)
    count = np.bincount(group[missing], minlength=ng)
    rest = np.maximum(0.0, 1.0 - total)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(count > 0, rest / np.maximum(count, 1), np.nan)
    out[missing] = part[group[missing]]
    return out


def _neg(s: str) -> tuple[int, ...]:
    """Sort key that orders strings descending (newest as_of first)."""
    return tuple(-ord(ch) for ch in s) + (0,)


@dataclass
class RunArrays:
    """The per-run arc arrays after overrides: weights, substitutability, buffers."""

    w: np.ndarray
    s: np.ndarray
    b: np.ndarray
    fixed: np.ndarray  # bool: arc weight set by --set (not sampled by Monte Carlo)


def run_arrays(cg: CompiledGraph, params: Params, overrides: list[Override], resolve: Any
               ) -> RunArrays:
    """Arc weights, substitutabilities and node buffers for one run, ``--set`` applied."""
    w = cg.arc_weights(params)
    s = cg.arc_subst(params)
    fixed = np.zeros(cg.m, dtype=bool)
    node_b: dict[int, float] = {}
    for o in overrides:
        if o.target is None:
            continue
        if o.target == "*":  # KEY[*]=V: every node / arc, their own values included
            if o.key == "buffer":
                node_b.update(dict.fromkeys(range(cg.n), o.value))
            elif o.key == "substitutability":
                s[:] = o.value
            continue
        if o.key == "buffer":
            node_b[cg.index[resolve(o.target)]] = o.value
        elif o.key == "weight":
            hit = cg.find_arcs(o.target, resolve)
            w[hit] = o.value
            fixed[hit] = True
        elif o.key == "substitutability":
            s[cg.find_arcs(o.target, resolve)] = o.value
    return RunArrays(w=w, s=s, b=cg.buffers(params, node_b), fixed=fixed)
