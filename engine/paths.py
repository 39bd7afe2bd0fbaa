r"""Explanations: the paths that carry a shock, from the path-sum expansion of the IIM.

Without the cap the IIM solution expands into a sum over walks from the shocked nodes,

.. math:: q = (I - A^*)^{-1} c^* = \sum_{k \ge 0} (A^*)^k c^*, \qquad
          q_i = \sum_s \sum_{\text{paths } s \to i} c^*_s \prod_{(u \to v)} a^*_{vu},

so the *contribution* of a path is the initial shock at its start times the product of the
:math:`a^*` of its hops.  :func:`top_paths` lists, per node, the simple paths with the largest
contributions by a best-first search: partial paths are popped in order of decreasing
contribution (contributions only shrink along a path since every :math:`a^* \le 1`), so the
first ``k`` paths that reach a node are its top ``k``.  The search is bounded (expansions,
minimum contribution); with the cap (:math:`q_i = 1`) the contributions of a node's paths can add
up to more than its shortfall.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from riskgraph.engine.compile import CompiledGraph, compile_graph, run_arrays
from riskgraph.engine.defaults import load_defaults
from riskgraph.graph.lookup import find_node, name_index


@dataclass
class Path:
    """A path from a shocked node: node indices, arc indices, hop values, contribution."""

    nodes: tuple[int, ...]
    arcs: tuple[int, ...]
    values: tuple[float, ...]
    start_shock: float
    contribution: float


def top_paths(
    cg: CompiledGraph,
    arc_values: np.ndarray,
    c: np.ndarray,
    wanted: set[int] | None,
    *,
    k: int = 3,
    upstream: bool = False,
    max_expansions: int = 200000,
    min_contribution: float = 0.0,
    max_hops: int = 30,
) -> dict[int, list[Path]]:
    """Best ``k`` paths into each node of ``wanted`` (all nodes if ``None``).

    Parameters
    ----------
    cg : CompiledGraph
    arc_values : numpy.ndarray
        Per-arc transmission (``a*`` downstream, ``sales_share`` upstream).
    c : numpy.ndarray
        Initial shock per node; paths start at nodes with ``c > 0``.
    wanted : set of int or None
        Nodes whose paths are wanted; the search stops once each has ``k``.
    k : int
        Paths per node.
    upstream : bool
        Follow arcs from customer to supplier (demand shocks).
    max_expansions, min_contribution, max_hops
        Bounds of the search.

    Returns
    -------
    dict
        Node index -> list of :class:`Path`, best first (a shocked node's own list starts with
        the empty path carrying its initial shock).
    """
    out: dict[int, list[Path]] = {}
    if k <= 0:
        return out
    indptr, receivers, arcs = cg.representative_arcs(arc_values, upstream=upstream)
    relevant = _ancestors(indptr, receivers, cg.n, wanted) if wanted is not None else None
    heap: list[tuple[float, int, int, tuple[int, ...], tuple[int, ...], tuple[float, ...], float]]
    heap = []
    counter = 0
    for s in np.flatnonzero(c > 0):
        heap.append((-float(c[s]), counter, int(s), (int(s),), (), (), float(c[s])))
        counter += 1
    heapq.heapify(heap)
    remaining = len(wanted) if wanted is not None else -1
    pops = 0
    while heap and pops < max_expansions and remaining != 0:
        negc, _, node, nodes, parcs, vals, c0 = heapq.heappop(heap)
        pops += 1
        contrib = -negc
        lst = out.setdefault(node, [])
        if len(lst) < k:
            lst.append(Path(nodes, parcs, vals, c0, contrib))
            if wanted is not None and node in wanted and len(lst) == k:
                remaining -= 1
        if len(parcs) >= max_hops:
            continue
        for p in range(indptr[node], indptr[node + 1]):
            r = int(receivers[p])
            if (relevant is not None and not relevant[r]) or r in nodes:
                continue
            a = int(arcs[p])
            if parcs and not upstream and cg.exogenous[a]:
                continue  # DESIGNS passes on only its sender's own shock: first hop only
            v = float(arc_values[a])
            nc = contrib * v
            if nc < min_contribution or nc <= 0:
                continue
            heapq.heappush(heap, (-nc, counter, r, nodes + (r,), parcs + (a,), vals + (v,), c0))
            counter += 1
    if wanted is not None:
        out = {i: ps for i, ps in out.items() if i in wanted}
    return out


def _ancestors(indptr: np.ndarray, receivers: np.ndarray, n: int, wanted: set[int]
               ) -> np.ndarray:
    """Mask of the nodes from which some node of ``wanted`` can be reached (``wanted`` too)."""
    senders = np.repeat(np.arange(n), np.diff(indptr))
    # RT[s, r] = 1 when s sends to r: the senders into a set are RT @ mask
    RT = sp.csr_array((np.ones(receivers.size), (senders, receivers)), shape=(n, n))
    mask = np.zeros(n, dtype=bool)
    mask[list(wanted)] = True
    frontier = mask.copy()
    while frontier.any():
        reach = (RT @ frontier.astype(float)) > 0  # senders into the frontier
        frontier = reach & ~mask
        mask |= reach
    return mask


def path_to_dict(cg: CompiledGraph, p: Path, *, upstream: bool = False,
                 arrays: Any = None) -> dict[str, Any]:
    """JSON form of a path: contribution and hops (src, dst in the direction of propagation).

    Each hop shows the edge's ``weight`` (as stored), ``weight_used`` (after defaults, ``--set``
    and share normalisation), ``substitutability``, the customer's ``buffer`` and the effective
    ``factor`` = weight_used x (1 - substitutability) x (1 - buffer) (upstream: the sales
    share), so the start shock times the factors is the path's contribution.  ``input`` and
    ``dependency`` say which input group of the customer the hop feeds.
    """
    w_used = s_arr = b_arr = None
    if arrays is not None and not upstream:
        w_used = cg.shares_normalised(arrays.w)[0]
        s_arr, b_arr = arrays.s, arrays.b
    hops = []
    running = p.start_shock
    for (u, v), a, val in zip(zip(p.nodes, p.nodes[1:], strict=False), p.arcs, p.values,
                              strict=True):
        e = cg.edges[a]
        running *= val
        if w_used is not None and s_arr is not None and b_arr is not None:
            wu, su, bu = float(w_used[a]), float(s_arr[a]), float(b_arr[cg.cus[a]])
        else:
            wu, su, bu = float(val), 0.0, 0.0
        req = bool(cg.dependency[a]) and not upstream
        hops.append({
            "src": cg.ids[u],
            "dst": cg.ids[v],
            "type": e.type,
            "edge": e.key,
            "weight": e.weight,
            "weight_used": wu if np.isfinite(wu) else 0.0,
            "substitutability": su,
            "buffer": bu,
            "factor": val,
            "input": "sales" if upstream else cg.label[a],
            "dependency": "share" if upstream else ("requirement" if req else "share"),
            "transmission": val,
            "source": e.source,
            "as_of": e.as_of,
            "confidence": e.confidence,
            "contribution": running,
        })
    return {"start": cg.ids[p.nodes[0]], "start_shock": p.start_shock,
            "contribution": p.contribution, "hops": hops}


def dependency_paths(
    graph: Any,
    src: str,
    dst: str,
    *,
    k: int = 10,
    max_hops: int = 12,
    params: Any = None,
    compiled: CompiledGraph | None = None,
) -> dict[str, Any]:
    """Supply paths from ``src`` to ``dst`` (names or ids), best first.

    A path's ``dependency`` is the product of the hops' ``a*`` (the defaults of
    ``defaults.toml`` filling missing weights): the share of a shock at ``src`` that reaches
    ``dst`` along it.  When ``src`` does not supply ``dst`` (directly or not) but ``dst``
    supplies ``src``, the paths of that direction are listed and ``reversed`` is true.

    Raises
    ------
    UnknownNodeError
        A name matches no node.
    """
    idx = name_index(graph)
    a_id, b_id = find_node(graph, src, index=idx), find_node(graph, dst, index=idx)
    cg = compiled if compiled is not None else compile_graph(graph)
    p = params or load_defaults()
    ra = run_arrays(cg, p, [], lambda s: find_node(graph, s, index=idx))
    vals = cg.arc_astar(ra.w, ra.s, ra.b)
    found: list[Path] = []
    reversed_ = False
    for first, second, rev in ((a_id, b_id, False), (b_id, a_id, True)):
        c = np.zeros(cg.n)
        c[cg.index[first]] = 1.0
        got = top_paths(cg, vals, c, {cg.index[second]}, k=k + 1, max_hops=max_hops,
                        max_expansions=p.max_path_expansions)
        found = [pp for pp in got.get(cg.index[second], []) if pp.arcs][:k]
        if found:
            reversed_ = rev
            break
    return {
        "from": a_id,
        "to": b_id,
        "reversed": reversed_,
        "paths": [
            {**path_to_dict(cg, pp, arrays=ra), "dependency": pp.contribution}
            for pp in found
        ],
    }
