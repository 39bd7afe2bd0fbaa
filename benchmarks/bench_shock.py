"""Benchmark the shock engine.

1. Wall time of the main command ``riskgraph shock gallium --pct 50`` in a fresh process, with a
   cold cache (empty ``RISKGRAPH_CACHE``: every loader runs) and warm (the cached graph).
2. The propagation kernel at scale: a seeded layered supplier graph (heavy-tailed in-degrees,
   a few back edges so cycles exist) of ``--nodes`` nodes and ``--edges`` supply arcs, compiled to
   scipy.sparse once; then one shock = build A* from the arc arrays + the capped fixed point.
3. ``run_shock`` end to end (target lookup, propagation, paths, result) on a GraphData of
   ``--graph-nodes`` nodes, after compiling once.

Usage: ``.venv/bin/python benchmarks/bench_shock.py [--nodes 1000000 --edges 10000000]``
(``--quick`` for a smaller run).  Prints one line per figure and a JSON summary at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "riskgraph"


def cli_times(warm_runs: int = 3) -> dict[str, float]:
    cmd = [str(BIN), "shock", "gallium", "--pct", "50"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, RISKGRAPH_CACHE=cache, COLUMNS="140")
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(warm_runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, env=env, capture_output=True)
            warm.append(time.perf_counter() - t0)
    out = {"cli_cold_s": cold, "cli_warm_s": statistics.median(warm), "cli_warm_min_s": min(warm)}
    print(f"riskgraph shock gallium --pct 50: cold cache {cold:.2f} s, "
          f"warm cache {out['cli_warm_s']:.2f} s (median of {warm_runs})")
    return out


def layered_arrays(n: int, m: int, seed: int = 0, layers: int = 6):
    """Arcs supplier -> customer between consecutive layers, Zipf-like supplier choice."""
    import numpy as np

    rng = np.random.default_rng(seed)
    bounds = np.linspace(0, n, layers + 1).astype(np.int64)
    layer_of_arc = rng.integers(0, layers - 1, size=m)
    lo_s, hi_s = bounds[layer_of_arc], bounds[layer_of_arc + 1]
    lo_c, hi_c = bounds[layer_of_arc + 1], bounds[layer_of_arc + 2]
    # heavy tail: suppliers drawn with a power law inside their layer
    u = rng.random(m) ** 3
    sup = lo_s + (u * (hi_s - lo_s)).astype(np.int64)
    cus = lo_c + (rng.random(m) * (hi_c - lo_c)).astype(np.int64)
    back = rng.random(m) < 1e-4  # rare back edges: cycles
    sup[back], cus[back] = cus[back], sup[back]
    o = np.lexsort((cus, sup))  # as compile_graph stores them: by supplier, customer
    sup, cus = sup[o], cus[o]
    # weights: a customer's inputs share ~0.8 of its dependency
    indeg = np.bincount(cus, minlength=n)
    w = rng.random(m) * 1.6 / np.maximum(indeg[cus], 1)
    return sup, cus, np.minimum(w, 1.0)


def kernel(n: int, m: int) -> dict[str, float]:
    """The typed model's kernel (engine/aggregate.py) on a layered graph: half the arcs are
    requirements, half shares of two inputs per customer (share groups scaled to sum 1)."""
    import numpy as np

    from riskgraph.engine import aggregate

    t0 = time.perf_counter()
    sup, cus, w = layered_arrays(n, m)
    gen = time.perf_counter() - t0
    rng = np.random.default_rng(5)
    share = rng.random(m) < 0.5
    label = rng.integers(0, 2, m)
    t0 = time.perf_counter()
    groups = aggregate.build_groups(cus, sup, label, share, n)
    groups._pattern()
    compile_s = time.perf_counter() - t0
    times = []
    for k in range(3):
        c = np.zeros(n)
        c[k] = 0.5  # a shock on a top-layer supplier (heavy hitter)
        t0 = time.perf_counter()
        vals, _ = aggregate.normalise_shares(groups, w, share)
        q, it, _u = aggregate.solve(groups, vals, c)
        times.append(time.perf_counter() - t0)
    affected = int((q > 1e-6).sum())
    assert q.max() <= 0.5 + 1e-12
    print(f"kernel {n:,} nodes / {m:,} arcs ({groups.ng:,} input groups): generate {gen:.1f} s, "
          f"groups and pattern {compile_s:.2f} s, one shock {statistics.median(times):.3f} s "
          f"({it} iterations, {affected:,} nodes affected)")
    return {"kernel_nodes": n, "kernel_arcs": m, "kernel_compile_s": compile_s,
            "kernel_shock_s": statistics.median(times), "kernel_iterations": it}


def end_to_end(n: int) -> dict[str, float]:
    import numpy as np

    from riskgraph.engine.compile import compile_graph
    from riskgraph.engine.shock import run_shock
    from riskgraph.graph.model import Edge, GraphData, Node

    sup, cus, w = layered_arrays(n, 10 * n, seed=1)
    g = GraphData()
    for i in range(n):
        g.nodes[f"company:c{i}"] = Node(f"company:c{i}", "company", f"C{i}", "bench", "2024",
                                        "reported", layer="chips")
    for s, c, x in zip(sup.tolist(), cus.tolist(), w.tolist(), strict=True):
        e = Edge(f"company:c{s}", f"company:c{c}", "SUPPLIES", "bench", "2024", "reported",
                 props={"weight": x})
        g.edges.setdefault(e.key, e)
    t0 = time.perf_counter()
    cg = compile_graph(g)
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    r = run_shock(g, "C0", 50, compiled=cg)
    shock_s = time.perf_counter() - t0
    print(f"run_shock end to end on {n:,} nodes / {cg.m:,} arcs: compile {compile_s:.2f} s, "
          f"shock with paths and result {shock_s:.3f} s ({r['affected']:,} affected)")

    # the same model, straightforward: networkx graph, a Python loop over edges per iteration
    # (every arc here is a SUPPLIES share of one input: one group per customer, scaled to 1)
    import networkx as nx
    G = nx.DiGraph()
    G.add_nodes_from(g.nodes)
    for e in g.edges.values():
        G.add_edge(e.src, e.dst, a=e.props["weight"])
    tot = {v: sum(d["a"] for _, _, d in G.in_edges(v, data=True)) for v in G.nodes}
    t0 = time.perf_counter()
    q = dict.fromkeys(G.nodes, 0.0)
    c = {"company:c0": 0.5}
    for _ in range(10000):
        nxt = {v: max(c.get(v, 0.0), min(1.0, sum(
            d["a"] / max(1.0, tot[v]) * q[u] for u, _, d in G.in_edges(v, data=True))))
               for v in G.nodes}
        change = max(abs(nxt[v] - q[v]) for v in G.nodes)
        q = nxt
        if change <= 1e-10:
            break
    nx_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    from riskgraph.engine import aggregate

    cvec = np.zeros(cg.n)
    cvec[cg.index["company:c0"]] = 0.5
    vals = cg.arc_astar(cg.arc_weights(_params()), np.zeros(cg.m), np.zeros(cg.n))
    qs, _it, _u = aggregate.solve(cg.groups, vals, cvec)
    sp_s = time.perf_counter() - t0
    worst = max(abs(q[i] - qs[k]) for k, i in enumerate(cg.ids))
    print(f"same model per edge in networkx: {nx_s:.2f} s vs scipy.sparse {sp_s:.4f} s "
          f"(ratio {nx_s / sp_s:,.0f}x), largest difference {worst:.1e}")
    assert worst < 1e-9
    return {"e2e_nodes": n, "e2e_arcs": cg.m, "e2e_compile_s": compile_s, "e2e_shock_s": shock_s,
            "networkx_per_edge_s": nx_s, "sparse_s": sp_s, "max_abs_difference": worst}


def _params():
    from riskgraph.engine.defaults import load_defaults

    return load_defaults()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--graph-nodes", type=int, default=20_000)
    ap.add_argument("--quick", action="store_true", help="100k nodes / 1M arcs, 5k-node graph")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI cold/warm runs")
    a = ap.parse_args()
    if a.quick:
        a.nodes, a.edges, a.graph_nodes = 100_000, 1_000_000, 5_000
    out: dict[str, float] = {}
    if not a.no_cli:
        out.update(cli_times())
    out.update(kernel(a.nodes, a.edges))
    out.update(end_to_end(a.graph_nodes))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
