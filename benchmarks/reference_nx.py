"""A straightforward networkx implementation of the engine's model, one Python step per edge.

The yardstick for the sparse engine (``riskgraph.engine.columnar``): it reads the same curated
CSV files with the ``csv`` module, keeps the supply graph as a ``networkx.DiGraph`` (supplier ->
customer, the largest value where several relationship types join one pair), and solves the
capped IIM ``q = min(1, A* q + c*)`` by the same fixed-point iteration from ``q = 0``, looping
over every edge in every iteration.  Same rules as ``engine/compile.py``: flow by relationship
type, ``none`` types and arcs into countries left out, ``a*_ij = (1 - b_i) a_ij (1 - s_ij)``
with the model-wide buffer and default substitutability (``engine/defaults.toml``), ``DESIGNS``
passing on only its sender's own shock.  Upstream:
``q = min(1, S q + d)`` with the sales shares.

It must give the same numbers as the engine (tests/robustness/test_scale_parity.py); it is
deliberately plain, not fast.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from riskgraph.engine.compile import EXOGENOUS_TYPES
from riskgraph.graph import schema


def _frac(raw: str | None) -> float | None:
    t = (raw or "").strip()
    if not t:
        return None
    if t.endswith("%"):
        return float(t[:-1]) / 100.0
    return float(t)


def load_nx(folder: Path, buffer: float = 0.0, substitutability: float = 0.0) -> Any:
    """The supply DiGraph of a curated-format folder (``*nodes*.csv``, ``*links*.csv``).

    Edge attributes: ``astar`` (downstream value), ``exo`` (the same for ``DESIGNS``) and
    ``sales`` (upstream value), each the largest over the relationship types joining the pair.
    """
    import networkx as nx

    G = nx.DiGraph()
    files = sorted(Path(folder).glob("*.csv"))
    for p in files:
        if "nodes" in p.name.casefold():
            with p.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    G.add_node(row["id"].strip(), kind=row["kind"].strip())
    for p in files:
        if "links" not in p.name.casefold() or "nodes" in p.name.casefold():
            continue
        with p.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                flow = schema.flow_of(row["type"].strip())
                if flow == "none":
                    continue
                a, b = row["from"].strip(), row["to"].strip()
                sup, cus = (a, b) if flow == "forward" else (b, a)
                if G.nodes[cus].get("kind") == "country":
                    continue
                w = _frac(row["weight"])
                s = _frac(row["substitutability"])
                sales = _frac(row["sales_share"]) or 0.0
                astar = (1.0 - buffer) * (0.5 if w is None else w) * \
                    (1.0 - (substitutability if s is None else s))
                key = "exo" if row["type"].strip() in EXOGENOUS_TYPES else "astar"
                if not G.has_edge(sup, cus):
                    G.add_edge(sup, cus, astar=0.0, exo=0.0, sales=0.0)
                d = G.edges[sup, cus]
                d[key] = max(d[key], astar)
                d["sales"] = max(d["sales"], sales)
    return G


def shock_nx(G: Any, targets: list[str], pct: float, *, direction: str = "downstream",
             max_iter: int = 10000, tol: float = 1e-10) -> tuple[dict[str, float], int]:
    """Shortfall per node and the iterations used: the fixed point, one edge at a time."""
    c = {t: pct / 100.0 for t in targets}
    if direction == "downstream":  # DESIGNS: passes on only its sender's own shock
        c0 = dict(c)
        for u, v, d in G.edges(data=True):
            if d["exo"] and u in c0:
                c[v] = c.get(v, 0.0) + d["exo"] * c0[u]
        c = {n: min(1.0, x) for n, x in c.items()}
    q = {n: 0.0 for n in G.nodes}
    for it in range(1, max_iter + 1):
        nxt = {n: c.get(n, 0.0) for n in G.nodes}
        if direction == "downstream":
            for u, v, d in G.edges(data=True):  # supplier u -> customer v
                nxt[v] += d["astar"] * q[u]
        else:
            for u, v, d in G.edges(data=True):  # demand: customer v -> supplier u
                nxt[u] += d["sales"] * q[v]
        delta = 0.0
        for n in nxt:
            x = min(1.0, nxt[n])
            delta = max(delta, abs(x - q[n]))
            nxt[n] = x
        q = nxt
        if delta <= tol:
            return q, it
    raise RuntimeError(f"no convergence in {max_iter} iterations")
