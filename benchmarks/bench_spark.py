"""Benchmark: the Spark engine next to the columnar engine, by map size, in one run.

For each size: generate the map (``benchmarks/generate.py``), convert it to Parquet
(``riskgraph.export.parquet.convert_csv_dir``), then for the same 50 % cut of the busiest
mineral, downstream:

* columnar: ``load_dir`` (CSV, and Parquet where the loader reads it) and one shock;
* Spark (local mode, ``--master``, default ``local[2]``): one shock from CSV and from Parquet,
  reading included (Spark reads lazily: there is no separate load), after one warm-up shock on
  the smallest map (JVM start and code generation are not counted; the session start is
  printed);
* the largest difference between the two engines' shortfalls (must be <= 1e-9).

Writes ``benchmarks/results/spark.json``.  Usage::

    nice -n 19 .venv/bin/python benchmarks/bench_spark.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS / "spark.json")
    args = ap.parse_args()

    import generate
    import numpy as np

    from riskgraph.engine import spark as rs
    from riskgraph.engine.columnar import load_dir
    from riskgraph.export.parquet import convert_csv_dir

    t0 = time.perf_counter()
    spark = rs.session(args.master, partitions=args.partitions)
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "load_avg": os.getloadavg()},
        "spark": spark.version, "master": args.master, "partitions": args.partitions,
        "session_start_s": round(time.perf_counter() - t0, 2), "sizes": [],
    }
    print(f"Spark {spark.version} {args.master}: session in {result['session_start_s']} s",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="rg-bench-spark-") as tmp:
        warm = False
        for n in args.sizes:
            csv_dir = Path(tmp) / f"csv-{n}"
            pq_dir = Path(tmp) / f"parquet-{n}"
            g = generate.write(csv_dir, n, None, args.seed)
            convert_csv_dir(csv_dir, pq_dir)
            rec: dict[str, Any] = {"nodes": g.nodes, "links": g.links}
            t = time.perf_counter()
            cg = load_dir(csv_dir)
            rec["columnar_load_csv_s"] = time.perf_counter() - t
            minerals = [k for k, i in enumerate(cg.ids) if str(i).startswith("mineral:")]
            deg = np.bincount(cg.sup, minlength=cg.n)
            target = str(cg.ids[max(minerals, key=lambda k: deg[k])])
            t = time.perf_counter()
            want, it = cg.shock(target, 50, return_iterations=True)
            rec["columnar_shock_s"] = time.perf_counter() - t
            rec["iterations"] = int(it)
            rec["target"] = target
            try:
                t = time.perf_counter()
                load_dir(pq_dir)
                rec["columnar_load_parquet_s"] = time.perf_counter() - t
            except Exception as e:  # the columnar loader may not read Parquet yet
                rec["columnar_load_parquet_s"] = None
                rec["columnar_parquet_note"] = f"{type(e).__name__}: {e}"
            if not warm:
                rs.shock(csv_dir, target, 50, spark=spark)
                warm = True
            for fmt, folder in (("csv", csv_dir), ("parquet", pq_dir)):
                t = time.perf_counter()
                r = rs.shock(folder, target, 50, spark=spark)
                d = r.to_dict()
                rec[f"spark_{fmt}_s"] = time.perf_counter() - t
                q = np.array([d.get(str(i), 0.0) for i in cg.ids])
                rec[f"spark_{fmt}_max_diff"] = float(np.abs(q - want).max())
                rec["spark_iterations"] = r.iterations
            rec["ratio_spark_parquet_vs_columnar"] = rec["spark_parquet_s"] / (
                rec["columnar_load_csv_s"] + rec["columnar_shock_s"])
            print(f"{g.nodes:>9,} nodes {g.links:>11,} links  columnar load "
                  f"{rec['columnar_load_csv_s']:7.2f} s + shock {rec['columnar_shock_s']:6.3f} s"
                  f" | spark csv {rec['spark_csv_s']:7.1f} s"
                  f"  parquet {rec['spark_parquet_s']:7.1f} s ({r.iterations} iterations; "
                  f"max diff {rec['spark_parquet_max_diff']:.1e})", flush=True)
            result["sizes"].append(rec)
    spark.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
