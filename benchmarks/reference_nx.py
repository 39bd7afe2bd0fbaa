"""A straightforward networkx implementation of the engine's model, one Python step per edge.

The yardstick for the sparse engine (``riskgraph.engine.columnar``): it reads the same curated
CSV files with the ``csv`` module, keeps the supply graph as a ``networkx.DiGraph`` (supplier ->
customer, grouped into the customer's inputs as docs/model.md section 2 says), and solves the
typed model (shares of one input add, requirements combine by max, the own cut is one more
constraint) by a fixed-point iteration from ``q = 0``, looping over every edge in every
iteration.  Same rules as ``engine/compile.py``: flow by relationship
type, ``none`` types and arcs into countries left out, ``a*_ij = (1 - b_i) a_ij (1 - s_ij)``
with the model-wide buffer and default substitutability (``engine/defaults.toml``), ``DESIGNS``
passing on only its sender's own shock.  Upstream:
``q = max(d, min(1, S q))`` with the sales shares.

It must give the same numbers as the engine (tests/robustness/test_scale_parity.py); it is
deliberately plain, not fast.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from riskgraph.engine.aggregate import REQUIREMENT, default_dependency, default_input
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

    Node attribute ``groups``: the customer's input groups, ``{key: {sender: (w, factor, exo)}}``
    (shares by ``(label)``, each requirement by ``("requirement", sender)``; a sender's several
    arcs into one group keep the largest).  Edge attribute ``sales``: the upstream value.
    """
    import networkx as nx

    G = nx.DiGraph()
    files = sorted(Path(folder).glob("*.csv"))
    for p in files:
        if "nodes" in p.name.casefold():
            with p.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    G.add_node(row["id"].strip(), kind=row["kind"].strip(), groups={})
    for p in files:
        if "links" not in p.name.casefold() or "nodes" in p.name.casefold():
            continue
        with p.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                rtype = row["type"].strip()
                flow = schema.flow_of(rtype)
                if flow == "none":
                    continue
                a, b = row["from"].strip(), row["to"].strip()
                sup, cus = (a, b) if flow == "forward" else (b, a)
                for n in (sup, cus):
                    if n not in G:
                        G.add_node(n, kind=n.partition(":")[0], groups={})
                if G.nodes[cus].get("kind") == "country":
                    continue
                w = _frac(row["weight"])
                s = _frac(row["substitutability"])
                sales = _frac(row["sales_share"]) or 0.0
                dep = (row.get("dependency") or "").strip() or default_dependency(rtype)
                if dep == REQUIREMENT:
                    key: Any = ("requirement", sup)
                else:
                    key = (row.get("input") or "").strip() or default_input(
                        rtype, G.nodes[sup].get("kind") == "country")
                factor = (1.0 - buffer) * (1.0 - (substitutability if s is None else s))
                grp = G.nodes[cus]["groups"].setdefault(key, {})
                ww = 0.5 if w is None else w
                old = grp.get(sup)
                if old is None or ww * factor > old[0] * old[1]:
                    grp[sup] = (ww, factor, rtype in EXOGENOUS_TYPES)
                if not G.has_edge(sup, cus):
                    G.add_edge(sup, cus, sales=0.0)
                G.edges[sup, cus]["sales"] = max(G.edges[sup, cus]["sales"], sales)
    return G


def shock_nx(G: Any, targets: list[str], pct: float, *, direction: str = "downstream",
             max_iter: int = 10000, tol: float = 1e-10) -> tuple[dict[str, float], int]:
    """Shortfall per node and the iterations used: the fixed point, one edge at a time.

    Downstream: ``q_i = max(c_i, max_g min(1, sum_{j in g} a*_ij q_j))`` (shares of a group
    scaled to sum at most 1); upstream: ``q_j = max(d_j, min(1, sum_i S_ji q_i))``.
    """
    c = {t: pct / 100.0 for t in targets}
    q = {n: 0.0 for n in G.nodes}
    sales_total: dict[str, float] = {}
    for u, _v, d in G.edges(data=True):
        sales_total[u] = sales_total.get(u, 0.0) + d["sales"]
    for it in range(1, max_iter + 1):
        nxt = {n: c.get(n, 0.0) for n in G.nodes}
        if direction == "downstream":
            for v, data in G.nodes(data=True):
                for _key, members in data["groups"].items():
                    total = sum(w for w, _f, _e in members.values())
                    scale = 1.0 / total if total > 1.0 + 1e-9 and _key[0] != "requirement" \
                        else 1.0
                    loss = 0.0
                    for u, (w, f, exo) in members.items():
                        src = c.get(u, 0.0) if exo else q[u]  # DESIGNS: the sender's own shock
                        loss += w * scale * f * src
                    nxt[v] = max(nxt[v], min(1.0, loss))
        else:
            lost: dict[str, float] = {}
            for u, v, d in G.edges(data=True):  # demand: customer v -> supplier u
                t = sales_total.get(u, 0.0)
                sc = 1.0 / t if t > 1.0 + 1e-9 else 1.0
                lost[u] = lost.get(u, 0.0) + d["sales"] * sc * q[v]
            for u, x in lost.items():
                nxt[u] = max(nxt[u], min(1.0, x))
        delta = max((abs(nxt[n] - q[n]) for n in nxt), default=0.0)
        q = nxt
        if delta <= tol:
            return q, it
    raise RuntimeError(f"no convergence in {max_iter} iterations")
