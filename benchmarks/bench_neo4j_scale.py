"""Benchmark: Neo4j at scale -- a generated supplier graph through the bulk path, in one run.

1. Generates a layered supplier graph with ``benchmarks/generate.py`` (default 100,000 nodes and
   about 1,000,000 links; ``--nodes 1000000`` for the 1M / 10M graph) and checks every row with
   :func:`riskgraph.engine.columnar.load_columnar`.
2. Starts a THROW-AWAY second Neo4j server (its own port and home folder under a temporary
   folder, never the development server on 7687), with ``--heap`` (``NEO4J_LOCAL_HEAP``, read by
   ``docker/neo4j-local/neo4j-local.sh``) and ``--pagecache`` (the launcher's
   ``neo4j.conf.template`` fixes 128m; for another size the launcher is run from a temporary copy
   of ``docker/neo4j-local`` whose template says so, through ``RISKGRAPH_NEO4J_LOCAL``; the jars
   are shared).  The server is stopped at the end, also on failure.
3. Writes the graph with :func:`riskgraph.graph.neo4j.bulk.write_folder` (the store's
   ``UNWIND ... MERGE`` statements, one transaction per chunk of CSV rows):

   * row by row: the nodes, then the first ``--sample`` links one statement per row;
   * batched, the same sample of links (``--batch-size`` rows per statement): a like-for-like
     ratio;
   * batched, the whole graph into a wiped database: the headline relationships per second.

4. Runs every ``cypher/`` library query on that graph (read-only, as ``riskgraph query`` does):
   a cold and a warm run, rows returned.  Parameters that name nodes get the busiest node of
   the right label in the generated graph; a query whose node kind the synthetic graph lacks
   (accelerator families, foundries) is reported as n/a.

Writes ``benchmarks/results/neo4j_scale.json`` and prints one line per figure.  Usage::

    .venv/bin/python benchmarks/bench_neo4j_scale.py                    # 100k / ~1M
    .venv/bin/python benchmarks/bench_neo4j_scale.py --nodes 1000000 \
        --out benchmarks/results/neo4j_scale-1m.json                  # 1M / 10M: ~25 min

Disk: the server's store takes 3.2 GB at 1M links and 17.9 GB at 10M, under the system's
temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

# Queries' node parameters -> the label of the node to pass (the busiest one of the graph).
NODE_PARAMS = {
    "mineral": "Mineral",
    "country": "Country",
    "input": "Input",
    "lab": "ModelLab",
    "company": "ModelLab",
    "id": "Company",
    "foundry": "Foundry",
    "accelerator": "Accelerator",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launcher_copy(dest: Path, pagecache: str, tx_max: str) -> Path:
    """A copy of docker/neo4j-local whose template sets the page cache and transaction memory."""
    src = REPO / "docker" / "neo4j-local"
    dest.mkdir(parents=True)
    for name in ("neo4j-local.sh", "pom.xml"):
        shutil.copy2(src / name, dest / name)  # keep pom.xml older than lib/.complete: no fetch
    (dest / "lib").symlink_to(src / "lib")
    lines = []
    for line in (src / "neo4j.conf.template").read_text().splitlines():
        if line.startswith("server.memory.pagecache.size="):
            line = f"server.memory.pagecache.size={pagecache}"
        elif line.startswith("dbms.memory.transaction.total.max="):
            line = f"dbms.memory.transaction.total.max={tx_max}"
        lines.append(line)
    (dest / "neo4j.conf.template").write_text("\n".join(lines) + "\n")
    return dest


@contextlib.contextmanager
def throwaway_server(work: Path, heap: str, pagecache: str, tx_max: str) -> Iterator[str]:
    """Start a second local Neo4j (own port and home under ``work``); stop it on exit."""
    from riskgraph.neo4j_local import server as neo4j_server

    uri = f"bolt://127.0.0.1:{free_port()}"
    env = {
        "NEO4J_LOCAL_HOME": str(work / "home"),
        "NEO4J_LOCAL_HEAP": heap,
        "NEO4J_URI": uri,
        "RISKGRAPH_NEO4J_LOCAL": str(launcher_copy(work / "launcher", pagecache, tx_max)),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        neo4j_server.start(uri, timeout=300)
        yield uri
    finally:
        neo4j_server.stop(uri, timeout=120)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def delete_relationships(driver: Any, db: str) -> None:
    with driver.session(database=db) as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()


def busiest(driver: Any, db: str, label: str) -> str | None:
    recs, _, _ = driver.execute_query(
        f"MATCH (n:{label}) RETURN n.id AS id ORDER BY COUNT {{ (n)--() }} DESC, n.id LIMIT 1",
        database_=db,
    )
    return recs[0]["id"] if recs else None


def query_params(driver: Any, db: str) -> dict[str, str | None]:
    """Node ids of the generated graph for the library's node parameters."""
    out: dict[str, str | None] = {p: busiest(driver, db, label) for p, label in
                                  NODE_PARAMS.items()}
    # edge-sources: both ends of one PRODUCES link of the busiest country
    recs, _, _ = driver.execute_query(
        "MATCH (c:Country {id: $c})-[:PRODUCES]->(m:Mineral) RETURN m.id AS m ORDER BY m LIMIT 1",
        c=out["country"], database_=db,
    )
    out["edge-sources.from"] = out["country"]
    out["edge-sources.to"] = recs[0]["m"] if recs else None
    out["shortest-dependency-path.from"] = out["mineral"]
    out["shortest-dependency-path.to"] = out["lab"]
    return out


def run_queries(driver: Any, db: str, timeout: float) -> list[dict[str, Any]]:
    import neo4j
    from neo4j.exceptions import Neo4jError

    from riskgraph.cypher.library import list_queries, to_plain

    @neo4j.unit_of_work(timeout=timeout)
    def work(tx: Any, text: str, params: dict[str, Any]) -> int:
        # Every row is fetched and converted as `riskgraph query` does, then dropped (a query
        # returning ten million rows must not hold them all here).
        n = 0
        for r in tx.run(text, params):
            [to_plain(v) for v in r.values()]
            n += 1
        return n

    ids = query_params(driver, db)
    out = []
    for q in list_queries():
        raw: dict[str, str] = {}
        missing = []
        for p in q.params:
            key = f"{q.name}.{p.name}"
            if key in ids:
                val = ids[key]
            elif p.name in NODE_PARAMS:
                val = ids[p.name]
            else:
                continue
            if val is None:
                missing.append(f"{p.name} ({NODE_PARAMS.get(p.name, 'node')})")
            else:
                raw[p.name] = val
        rec: dict[str, Any] = {"query": q.name, "params": raw}
        if missing:
            rec.update(status="n/a", note="the synthetic graph has no node for "
                       + ", ".join(missing))
            print(f"  {q.name:<32} n/a ({rec['note']})", flush=True)
            out.append(rec)
            continue
        params = q.bind(raw)
        times = []
        rows = 0
        try:
            for _ in range(2):  # cold (planning, page faults), then warm
                t0 = time.perf_counter()
                with driver.session(database=db,
                                    default_access_mode=neo4j.READ_ACCESS) as session:
                    result = session.execute_read(work, q.text, params)
                times.append(time.perf_counter() - t0)
                rows = result
        except Neo4jError as e:
            rec.update(status="error", note=f"{e.code}: {(e.message or '').splitlines()[0]}")
            print(f"  {q.name:<32} error {rec['note']}", flush=True)
            out.append(rec)
            continue
        rec.update(status="ok", cold_s=round(times[0], 4), warm_s=round(times[1], 4), rows=rows)
        if rows == 0:
            rec["note"] = "0 rows: the pattern needs what the synthetic graph lacks"
        print(f"  {q.name:<32} cold {times[0]:8.3f} s  warm {times[1]:8.3f} s  {rows:>9} rows",
              flush=True)
        out.append(rec)
    return out


def du(path: Path) -> int:
    try:
        r = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
        return int(r.stdout.split()[0])
    except (OSError, subprocess.CalledProcessError, ValueError):
        return -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=None, help="default: 10 x nodes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=None,
                    help="reuse a generated folder (nodes.csv, links.csv) instead of generating")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--chunk-rows", type=int, default=50_000,
                    help="CSV rows per transaction")
    ap.add_argument("--sample", type=int, default=20_000,
                    help="links written row by row (and batched, like for like)")
    ap.add_argument("--heap", default="2g", help="Java heap of the server (NEO4J_LOCAL_HEAP)")
    ap.add_argument("--pagecache", default="2g", help="server.memory.pagecache.size")
    ap.add_argument("--tx-max", default="1g", help="dbms.memory.transaction.total.max")
    ap.add_argument("--query-timeout", type=float, default=300.0)
    ap.add_argument("--out", type=Path, default=RESULTS / "neo4j_scale.json")
    args = ap.parse_args()

    import logging

    from riskgraph.engine.columnar import load_columnar
    from riskgraph.graph.neo4j import bulk, store
    from riskgraph.graph.neo4j.connection import Neo4jSettings, connect

    logging.getLogger("neo4j").setLevel(logging.ERROR)  # no notification chatter
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "settings": {"batch_size": args.batch_size, "chunk_rows": args.chunk_rows,
                     "sample": args.sample, "heap": args.heap, "pagecache": args.pagecache,
                     "transaction_total_max": args.tx_max},
    }
    with tempfile.TemporaryDirectory(prefix="rg-neo4j-scale-") as tmp:
        work = Path(tmp)
        data = args.data
        if data is None:
            import generate

            data = work / "data"
            g = generate.write(data, args.nodes, args.edges, args.seed)
            result["generate"] = {"nodes": g.nodes, "links": g.links, "seconds": g.seconds}
            print(f"generated {g.nodes:,} nodes, {g.links:,} links in {g.seconds:.1f} s",
                  flush=True)
        t0 = time.perf_counter()
        cg = load_columnar(data / "links.csv", data / "nodes.csv")
        result["graph"] = {"nodes": cg.n, "links": cg.links, "supply_arcs": cg.m,
                           "csv_bytes": du(data)}
        result["check_seconds"] = time.perf_counter() - t0
        print(f"checked with load_columnar: {cg.n:,} nodes, {cg.links:,} links in "
              f"{result['check_seconds']:.1f} s", flush=True)
        del cg

        with throwaway_server(work, args.heap, args.pagecache, args.tx_max) as uri:
            settings = Neo4jSettings(uri=uri)
            driver = connect(settings)
            db = settings.database
            recs, _, _ = driver.execute_query(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS v")
            result["neo4j"] = recs[0]["v"]
            print(f"Neo4j {result['neo4j']} at {uri}: heap {args.heap}, page cache "
                  f"{args.pagecache}, transaction memory {args.tx_max}", flush=True)
            try:
                # 1. nodes (batched) + a sample of links row by row
                rep_nodes = bulk.write_folder(driver, data, database=db,
                                              batch_size=args.batch_size,
                                              chunk_rows=args.chunk_rows, max_links=0)
                rep = bulk.write_folder(driver, data, database=db, batch_size=1,
                                        chunk_rows=args.chunk_rows, max_links=args.sample,
                                        skip_nodes=True)
                row = {"relationships": rep.links, "seconds": rep.link_seconds,
                       "relationships_per_s": rep.relationships_per_second}
                print(f"row by row, sample      {rep.links:>10,} rels {rep.link_seconds:8.1f} s "
                      f"{rep.relationships_per_second:10,.0f} rels/s", flush=True)
                delete_relationships(driver, db)
                rep = bulk.write_folder(driver, data, database=db, batch_size=args.batch_size,
                                        chunk_rows=args.chunk_rows, max_links=args.sample,
                                        skip_nodes=True)
                sample_b = {"relationships": rep.links, "seconds": rep.link_seconds,
                            "relationships_per_s": rep.relationships_per_second}
                print(f"batched, same sample    {rep.links:>10,} rels {rep.link_seconds:8.1f} s "
                      f"{rep.relationships_per_second:10,.0f} rels/s", flush=True)
                result["nodes_batched"] = {"nodes": rep_nodes.nodes,
                                           "seconds": rep_nodes.node_seconds,
                                           "nodes_per_s": rep_nodes.nodes / rep_nodes.node_seconds}
                result["row_by_row_sample"] = row
                result["batched_sample"] = sample_b
                result["ratio_sample"] = (sample_b["relationships_per_s"]
                                          / row["relationships_per_s"])

                # 2. the whole graph, batched, into a wiped database
                t0 = time.perf_counter()
                store.wipe(driver, database=db)
                wipe_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                rep = bulk.write_folder(driver, data, database=db, batch_size=args.batch_size,
                                        chunk_rows=args.chunk_rows)
                wall = time.perf_counter() - t0
                c = store.counts(driver, database=db)
                assert c["nodes"] == result["graph"]["nodes"], c
                assert c["relationships"] == result["graph"]["links"], c
                result["batched_full"] = {
                    "nodes": rep.nodes, "relationships": rep.links,
                    "node_seconds": rep.node_seconds, "link_seconds": rep.link_seconds,
                    "wall_seconds": wall, "client_convert_seconds": rep.convert_seconds,
                    "transactions": rep.transactions,
                    "nodes_per_s": rep.nodes / rep.node_seconds,
                    "relationships_per_s": rep.relationships_per_second,
                    "relationships_per_s_overall": rep.links / wall,
                    "wipe_before_seconds": wipe_s,
                }
                result["ratio_full_vs_row_by_row"] = (rep.relationships_per_second
                                                      / row["relationships_per_s"])
                print(f"batched, whole graph    {rep.links:>10,} rels {rep.link_seconds:8.1f} s "
                      f"{rep.relationships_per_second:10,.0f} rels/s  (+ {rep.nodes:,} nodes in "
                      f"{rep.node_seconds:.1f} s; {wall:.1f} s in all)", flush=True)
                print(f"batched / row by row: {result['ratio_sample']:.1f}x on the sample, "
                      f"{result['ratio_full_vs_row_by_row']:.1f}x whole graph batched vs the "
                      "row-by-row sample",
                      flush=True)
                result["store_bytes"] = du(work / "home" / "data")

                # 3. the Cypher library on that graph
                print("cypher/ library queries:", flush=True)
                result["queries"] = run_queries(driver, db, args.query_timeout)
                ok = [q["warm_s"] for q in result["queries"] if q.get("status") == "ok"]
                if ok:
                    result["queries_warm_median_s"] = statistics.median(ok)
            finally:
                driver.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
