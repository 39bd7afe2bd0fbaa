"""Benchmark: Neo4j ingest throughput, batched ``UNWIND`` vs row by row, in one run.

Writes the real merged graph (every shipped source) into the Neo4j named by ``NEO4J_*``
(``riskgraph neo4j start`` gives a local one) with :func:`riskgraph.graph.neo4j.store.write_graph`
exactly as ``riskgraph ingest --neo4j`` does (schema, one transaction per source, prune), once
with ``--batch-size`` rows per statement and once with one row per statement, each into a wiped
database, and, as the naive loader does it, with one auto-commit transaction per row; it reports
relationships per second (relationships written / wall time of the write,
the wipe not included) and the ratio.  The batched write is measured with the store's MERGE and
with CREATE (what ``write_graph`` uses when the database holds none of the keys, e.g. after
``--wipe``).  ``--repeat`` runs each mode several times (median);
a warm-up write first lets the server compile the query plans.  ``--scale K`` also writes a
synthetic graph of K copies of the real graph's relationships (ids suffixed) for a larger run.

THE DATABASE IS WIPED.  Usage::

    .venv/bin/riskgraph neo4j start
    .venv/bin/python benchmarks/bench_neo4j_ingest.py [--batch-size 1000] [--repeat 3] [--scale 4]

Prints one line per measurement and a JSON summary (also written to
``benchmarks/results/neo4j_ingest.json``).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.neo4j import queries, store
from riskgraph.graph.neo4j.connection import Neo4jSettings, connect

RESULTS = Path(__file__).resolve().parent / "results"


def scaled(g: GraphData, k: int) -> GraphData:
    """``k`` disjoint copies of ``g`` (node ids and edge keys suffixed ``~i``)."""
    out = GraphData()
    for i in range(k):
        for n in g.nodes.values():
            d = n.to_dict()
            d["id"] = f"{n.id}~{i}"
            out.add_node(Node.from_dict(d))
        for e in g.edges.values():
            d = e.to_dict()
            d.update(src=f"{e.src}~{i}", dst=f"{e.dst}~{i}", key=f"{e.key}~{i}")
            out.add_edge(Edge.from_dict(d))
    return out


def measure(driver, graph: GraphData, units, db: str, batch: int,  # type: ignore[no-untyped-def]
            create: bool = False) -> dict[str, float]:
    store.wipe(driver, database=db)
    t0 = time.perf_counter()
    rep = store.write_graph(driver, graph, database=db, units=units, batch_size=batch,
                            create_new=create)
    wall = time.perf_counter() - t0
    n = store.counts(driver, database=db)["relationships"]
    assert n == graph.number_of_edges(), (n, graph.number_of_edges())
    return {
        "seconds": wall,
        "relationships": n,
        "relationships_per_s": n / wall,
        "statements": sum(
            -(-len(u.node_ids) // batch) + -(-len(u.edge_keys) // batch) for u in units
        ),
        "in_unit_seconds": sum(u.seconds for u in rep.units),
    }


def measure_autocommit(driver, graph: GraphData, db: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The naive loader: one auto-commit transaction per row (same statements, rows of one)."""
    store.wipe(driver, database=db)
    store.ensure_schema(driver, db)
    unit = store.Unit("all", list(graph.nodes), list(graph.edges))
    nodes, edges = store.plan_rows(graph, unit)
    t0 = time.perf_counter()
    with driver.session(database=db) as session:
        for labels, rows in nodes.items():
            q = queries.merge_nodes(labels)
            for row in rows:
                session.run(q, rows=[row]).consume()
        for rel_type, rows in edges.items():
            q = queries.merge_edges(rel_type)
            for row in rows:
                session.run(q, rows=[row]).consume()
    wall = time.perf_counter() - t0
    n = store.counts(driver, database=db)["relationships"]
    assert n == graph.number_of_edges()
    return {"seconds": wall, "relationships": n, "relationships_per_s": n / wall}


def run_mode(driver, graph, units, db, batch, repeat, label,  # type: ignore[no-untyped-def]
             create=False) -> dict:
    runs = [measure(driver, graph, units, db, batch, create) for _ in range(repeat)]
    med = statistics.median(r["relationships_per_s"] for r in runs)
    secs = statistics.median(r["seconds"] for r in runs)
    print(
        f"{label:<34} batch={batch:<5} {runs[0]['relationships']:>7} rels  "
        f"{secs:7.2f} s  {med:10.0f} rels/s  (median of {repeat})",
        flush=True,
    )
    return {
        "batch_size": batch,
        "median_relationships_per_s": med,
        "median_seconds": secs,
        "runs": runs,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, default=0, help="also a synthetic K x graph")
    args = ap.parse_args()

    from riskgraph.ingest.build import load_build

    settings = Neo4jSettings.from_env()
    driver = connect(settings)
    db = settings.database
    b = load_build([], use_cache=True)
    g = b.graph
    units = store.units_from_parts(g, b.parts)
    recs, _, _ = driver.execute_query(
        "CALL dbms.components() YIELD versions RETURN versions[0] AS v"
    )
    print(
        f"Neo4j {recs[0]['v']} at {settings.uri}; graph {len(g)} nodes, "
        f"{g.number_of_edges()} relationships, {len(units)} sources",
        flush=True,
    )

    measure(driver, g, units, db, args.batch_size)  # warm-up: plans compiled, JIT warm
    measure(driver, g, units, db, 1)
    out: dict = {
        "neo4j": recs[0]["v"],
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "graph": {"nodes": len(g), "relationships": g.number_of_edges()},
    }
    out["batched"] = run_mode(
        driver, g, units, db, args.batch_size, args.repeat, "real graph, batched UNWIND"
    )
    measure(driver, g, units, db, args.batch_size, True)  # warm-up of the CREATE plans
    out["batched_create"] = run_mode(
        driver, g, units, db, args.batch_size, args.repeat, "real graph, batched CREATE",
        create=True,
    )
    out["ratio_create_vs_merge"] = (
        out["batched_create"]["median_relationships_per_s"]
        / out["batched"]["median_relationships_per_s"]
    )
    print(f"batched CREATE (ingest --neo4j into an empty database) / batched MERGE: "
          f"{out['ratio_create_vs_merge']:.2f}x", flush=True)
    out["row_by_row"] = run_mode(driver, g, units, db, 1, args.repeat, "real graph, row by row")
    out["ratio"] = (
        out["batched"]["median_relationships_per_s"]
        / out["row_by_row"]["median_relationships_per_s"]
    )
    print(f"batched / row-by-row: {out['ratio']:.1f}x", flush=True)
    naive = [measure_autocommit(driver, g, db) for _ in range(max(1, args.repeat // 2))]
    med = statistics.median(r["relationships_per_s"] for r in naive)
    out["row_by_row_autocommit"] = {"median_relationships_per_s": med, "runs": naive}
    out["ratio_vs_autocommit"] = out["batched"]["median_relationships_per_s"] / med
    print(
        f"{'real graph, row by row, tx per row':<34} batch=1     {naive[0]['relationships']:>7} "
        f"rels  {statistics.median(r['seconds'] for r in naive):7.2f} s  {med:10.0f} rels/s",
        flush=True,
    )
    print(
        f"batched / row-by-row (a transaction per row): {out['ratio_vs_autocommit']:.1f}x",
        flush=True,
    )

    # Re-ingest of an unchanged graph (MERGE matches, SET rewrites): the daily case.
    t0 = time.perf_counter()
    store.write_graph(driver, g, database=db, units=units, batch_size=args.batch_size)
    re_s = time.perf_counter() - t0
    out["reingest_batched"] = {"seconds": re_s, "relationships_per_s": g.number_of_edges() / re_s}
    print(
        f"{'real graph, re-ingest (batched)':<34} batch={args.batch_size:<5} "
        f"{g.number_of_edges():>7} rels  {re_s:7.2f} s  "
        f"{g.number_of_edges() / re_s:10.0f} rels/s",
        flush=True,
    )

    if args.scale > 1:
        big = scaled(g, args.scale)
        big_units = [store.Unit("synthetic", list(big.nodes), list(big.edges))]
        out["scaled"] = {
            "copies": args.scale,
            "batched": run_mode(
                driver, big, big_units, db, args.batch_size, 1, f"synthetic {args.scale}x, batched"
            ),
            "row_by_row": run_mode(
                driver, big, big_units, db, 1, 1, f"synthetic {args.scale}x, row by row"
            ),
        }
        s = out["scaled"]
        s["ratio"] = (
            s["batched"]["median_relationships_per_s"]
            / s["row_by_row"]["median_relationships_per_s"]
        )
        print(f"synthetic batched / row-by-row: {s['ratio']:.1f}x", flush=True)
    store.wipe(driver, database=db)
    driver.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "neo4j_ingest.json").write_text(json.dumps(out, indent=2) + "\n")
    print(
        json.dumps(
            {
                k: v
                for k, v in out.items()
                if k in ("ratio", "ratio_vs_autocommit", "graph", "neo4j")
            }
        )
    )


if __name__ == "__main__":
    main()
