"""Benchmark: Neo4j at scale -- a generated supplier graph, three write paths, in one run.

1. Generates a layered supplier graph with ``benchmarks/generate.py`` (default 100,000 nodes and
   about 1,000,000 links; ``--nodes 1000000`` for the 1M / 10M graph) and checks every row with
   :func:`riskgraph.engine.columnar.load_columnar`.
2. Starts a THROW-AWAY second Neo4j server (its own port and home folder under a temporary
   folder, never the development server on 7687), with ``--heap``, ``--pagecache`` and
   ``--tx-max`` (a temporary copy of ``docker/neo4j-local`` whose template says so, through
   ``RISKGRAPH_NEO4J_LOCAL``; the jars are shared).  The server is stopped at the end.
3. **Bulk import** (``riskgraph ingest --neo4j --bulk --map``'s code,
   :func:`riskgraph.cli.bulk_import.bulk_import`): the store's rows as neo4j-admin CSVs, stop,
   ``neo4j-admin database import full``, start, constraints and indexes; relationships per
   second END TO END (CSV writing, restart and schema included); the store size on disk.
4. The ``cypher/`` library on the imported graph (cold and warm, rows returned).
5. **Incremental paths**, on the first ``--sample`` links, deleted and written again each time
   (so every key is new, as in a new source): the old row-by-row path (store MERGE, one row a
   statement), the current batched MERGE path (1,000 rows a statement), and the new path
   (:mod:`riskgraph.graph.neo4j.create_path`: key lookup, CREATE for new keys) at the batch
   sizes of ``--create-batches`` and with ``CALL { } IN TRANSACTIONS``; the best new setting is
   then run on ``--big-sample`` links.

Writes ``benchmarks/results/neo4j_scale.json`` and prints one line per figure.  Usage::

    nice -n 19 .venv/bin/python benchmarks/bench_neo4j_scale.py                # 100k / ~1M
    nice -n 19 .venv/bin/python benchmarks/bench_neo4j_scale.py --nodes 1000000 \
        --out benchmarks/results/neo4j_scale-1m.json                           # 1M / 10M

Disk: the CSVs (2.4 GB at 10M), the import files (about as much again, removed after the
import) and the store, under the system's temporary folder, removed at the end.
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
    runs: list[tuple[Any, str, dict[str, str]]] = [(q, q.name, {}) for q in list_queries()]
    # the whole-graph form of lab-clouds too: every lab, first page
    runs += [(q, f"{q.name} (lab=ALL, page 1)", {"lab": "ALL"}) for q in list_queries()
             if q.name == "lab-clouds"]
    for q, label, fixed in runs:
        raw: dict[str, str] = dict(fixed)
        missing = []
        for p in q.params:
            key = f"{q.name}.{p.name}"
            if p.name in fixed:
                continue
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
        rec: dict[str, Any] = {"query": label, "params": raw}
        if missing:
            rec.update(status="n/a", note="the synthetic graph has no node for "
                       + ", ".join(missing))
            print(f"  {label:<32} n/a ({rec['note']})", flush=True)
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
            print(f"  {label:<32} error {rec['note']}", flush=True)
            out.append(rec)
            continue
        rec.update(status="ok", cold_s=round(times[0], 4), warm_s=round(times[1], 4), rows=rows)
        if rows == 0:
            rec["note"] = "0 rows: the pattern needs what the synthetic graph lacks"
        print(f"  {label:<32} cold {times[0]:8.3f} s  warm {times[1]:8.3f} s  {rows:>9} rows",
              flush=True)
        out.append(rec)
    return out


def du(path: Path) -> int:
    try:
        r = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
        return int(r.stdout.split()[0])
    except (OSError, subprocess.CalledProcessError, ValueError):
        return -1


def store_breakdown(home: Path) -> dict[str, int]:
    """Bytes per part of the store: the database's record files by kind, its indexes
    (schema/), and the transaction logs."""
    db = home / "data" / "databases" / "neo4j"
    out: dict[str, int] = {"transaction_logs": du(home / "data" / "transactions" / "neo4j"),
                           "indexes": du(db / "schema") if (db / "schema").exists() else 0}
    if db.exists():
        for f in db.iterdir():
            if f.is_file():
                name = f.name.removeprefix("neostore.")
                part = ("strings" if "string" in name else "arrays" if "array" in name
                        else "properties" if "propertystore" in name
                        else "relationships" if name.startswith("relationship")
                        else "nodes" if name.startswith("nodestore") else "other")
                out[part] = out.get(part, 0) + f.stat().st_size
    out["total"] = du(home / "data")
    return out


def sample_groups(data: Path, n: int) -> dict[str, list[dict[str, Any]]]:
    """The store's rows of the first ``n`` links of the map (per type)."""
    from riskgraph.graph.neo4j import bulk

    out: dict[str, list[dict[str, Any]]] = {}
    got = 0
    p = data / "links.csv"
    for line, df in bulk.read_chunks(p, bulk.LINK_COLUMNS, max(n, 1000)):
        df = df.iloc[: n - got]
        for t, rows in bulk.link_rows(df, p, bulk.source_key(data), line).items():
            out.setdefault(t, []).extend(rows)
        got += len(df)
        if got >= n:
            break
    return out


def delete_keys(driver: Any, db: str, groups: dict[str, list[dict[str, Any]]]) -> None:
    for t, rows in groups.items():
        keys = [r["kid"] for r in rows]
        for k in range(0, len(keys), 2_000):
            driver.execute_query(f"UNWIND $keys AS k MATCH ()-[r:{t} {{kid: k}}]->() DELETE r",
                                 keys=keys[k:k + 2_000], database_=db)


def timed(label: str, n: int, fn: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    got = fn()
    dt = time.perf_counter() - t0
    rec = {"relationships": n, "seconds": round(dt, 3), "relationships_per_s": n / dt}
    assert got == n, (label, got, n)
    print(f"  {label:<44} {n:>9,} rels {dt:8.2f} s {n / dt:10,.0f} rels/s", flush=True)
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=None, help="default: 10 x nodes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=None,
                    help="reuse a generated folder (nodes.csv, links.csv) instead of generating")
    ap.add_argument("--sample", type=int, default=20_000,
                    help="links written by each incremental path, like for like")
    ap.add_argument("--big-sample", type=int, default=200_000,
                    help="links written by the best new path (its rate at volume)")
    ap.add_argument("--create-batches", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--heap", default="2g", help="Java heap of the server (NEO4J_LOCAL_HEAP)")
    ap.add_argument("--pagecache", default="2g", help="server.memory.pagecache.size")
    ap.add_argument("--tx-max", default="1g", help="dbms.memory.transaction.total.max")
    ap.add_argument("--off-heap", default="3g", help="neo4j-admin --max-off-heap-memory")
    ap.add_argument("--query-timeout", type=float, default=300.0)
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS / "neo4j_scale.json")
    args = ap.parse_args()

    import logging

    from riskgraph.cli.bulk_import import bulk_import
    from riskgraph.engine.columnar import load_columnar
    from riskgraph.graph.neo4j import create_path, store
    from riskgraph.graph.neo4j.connection import Neo4jSettings, connect

    logging.getLogger("neo4j").setLevel(logging.ERROR)  # no notification chatter
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "load_avg_start": os.getloadavg()},
        "settings": {"sample": args.sample, "big_sample": args.big_sample,
                     "heap": args.heap, "pagecache": args.pagecache,
                     "transaction_total_max": args.tx_max, "off_heap": args.off_heap},
    }
    def save() -> None:  # after every phase: a run that dies later keeps what it measured
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")

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
            db = settings.database
            # 1. bulk import: the whole map, end to end
            rep = bulk_import(settings, folder=data, wipe=True,
                              max_off_heap=args.off_heap)
            result["bulk_import"] = {
                "nodes": rep.nodes, "relationships": rep.relationships,
                "csv_bytes": rep.csv_bytes, "write_csv_s": rep.write_seconds,
                "stop_s": rep.stop_seconds, "import_s": rep.import_seconds,
                "start_s": rep.start_seconds, "schema_s": rep.schema_seconds,
                "seconds": rep.seconds, "relationships_per_s": rep.relationships_per_second,
                "relationships_per_s_import_only": rep.relationships / rep.import_seconds,
                "tool": rep.tool_output,
            }
            print(f"bulk import (neo4j-admin)  {rep.relationships:>10,} rels {rep.seconds:8.1f} s"
                  f" {rep.relationships_per_second:10,.0f} rels/s end to end (CSV "
                  f"{rep.write_seconds:.1f} s, stop {rep.stop_seconds:.1f} s, import "
                  f"{rep.import_seconds:.1f} s, start {rep.start_seconds:.1f} s, constraints "
                  f"{rep.schema_seconds:.1f} s)", flush=True)
            result["store_bytes"] = du(work / "home" / "data")
            result["store_parts"] = parts = store_breakdown(work / "home")
            print(f"store on disk after the import: {result['store_bytes'] / 1e9:.2f} GB ("
                  + ", ".join(f"{k} {v / 1e9:.2f}" for k, v in sorted(parts.items())
                              if k != "total") + " GB)", flush=True)
            save()
            driver = connect(settings)
            try:
                c = store.counts(driver, database=db)
                assert c["nodes"] == result["graph"]["nodes"], c
                assert c["relationships"] == result["graph"]["links"], c
                # 2. the Cypher library on the imported graph
                if not args.no_queries:
                    print("cypher/ library queries:", flush=True)
                    result["queries"] = run_queries(driver, db, args.query_timeout)
                    ok = [q["warm_s"] for q in result["queries"] if q.get("status") == "ok"]
                    if ok:
                        result["queries_warm_median_s"] = statistics.median(ok)
                    save()

                # 3. incremental paths on the same sample, every key new each time
                print(f"incremental writes, first {args.sample:,} links (deleted before each):",
                      flush=True)
                groups = sample_groups(data, args.sample)
                n = sum(len(r) for r in groups.values())
                inc: dict[str, Any] = {}

                def merge(batch: int, gr: dict[str, list[dict[str, Any]]] = groups) -> int:
                    with driver.session(database=db) as session, \
                            session.begin_transaction() as tx:
                        got = store.merge_edge_rows(tx, gr, batch)
                        tx.commit()
                    return got

                delete_keys(driver, db, groups)
                inc["row_by_row_merge"] = timed("old: row by row (MERGE, 1 row a statement)", n,
                                                lambda: merge(1))
                delete_keys(driver, db, groups)
                inc["batched_merge_1000"] = timed("current: batched MERGE, 1,000 rows", n,
                                                  lambda: merge(1000))
                best = ("", 0.0)
                for b in args.create_batches:
                    delete_keys(driver, db, groups)
                    name = f"create_{b}"
                    inc[name] = timed(f"new: key lookup + CREATE, {b:,} rows", n,
                                      lambda b=b: create_path.write_links(
                                          driver, groups, database=db, batch_size=b).created)
                    if inc[name]["relationships_per_s"] > best[1]:
                        best = (name, inc[name]["relationships_per_s"])
                delete_keys(driver, db, groups)
                inc["create_in_transactions"] = timed(
                    "new: CREATE in CALL {} IN TRANSACTIONS OF 10,000", n,
                    lambda: create_path.write_links_in_transactions(driver, groups, database=db))
                if inc["create_in_transactions"]["relationships_per_s"] > best[1]:
                    best = ("create_in_transactions",
                            inc["create_in_transactions"]["relationships_per_s"])
                inc["best_new"] = best[0]
                row = inc["row_by_row_merge"]["relationships_per_s"]
                cur = inc["batched_merge_1000"]["relationships_per_s"]
                inc["ratio_new_vs_row_by_row"] = best[1] / row
                inc["ratio_new_vs_batched_merge"] = best[1] / cur
                inc["ratio_bulk_vs_row_by_row"] = rep.relationships_per_second / row
                inc["ratio_bulk_vs_batched_merge"] = rep.relationships_per_second / cur
                print(f"best new path: {best[0]}, {best[1]:,.0f} rels/s = "
                      f"{inc['ratio_new_vs_batched_merge']:.1f}x batched MERGE, "
                      f"{inc['ratio_new_vs_row_by_row']:.1f}x row by row; bulk import "
                      f"{inc['ratio_bulk_vs_batched_merge']:.1f}x batched MERGE, "
                      f"{inc['ratio_bulk_vs_row_by_row']:.1f}x row by row", flush=True)
                result["incremental"] = inc
                save()
                if args.big_sample > args.sample:
                    big = sample_groups(data, args.big_sample)
                    nb = sum(len(r) for r in big.values())
                    delete_keys(driver, db, big)
                    if best[0] == "create_in_transactions":
                        fn = lambda: create_path.write_links_in_transactions(  # noqa: E731
                            driver, big, database=db)
                    else:
                        bs = int(best[0].split("_")[1])
                        fn = lambda: create_path.write_links(  # noqa: E731
                            driver, big, database=db, batch_size=bs).created
                    inc["best_new_big_sample"] = timed(f"new ({best[0]}), {nb:,} links", nb, fn)
                    delete_keys(driver, db, big)
                    inc["batched_merge_big_sample"] = timed(
                        f"current: batched MERGE, {nb:,} links", nb, lambda: merge(1000, big))
                result["incremental"] = inc
                c = store.counts(driver, database=db)
                assert c["relationships"] == result["graph"]["links"], c
            finally:
                driver.close()
            result["store_bytes_end"] = du(work / "home" / "data")
            result["store_parts_end"] = store_breakdown(work / "home")
    result["machine"]["load_avg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
