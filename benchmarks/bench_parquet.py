"""Benchmark: the columnar path loading a map from CSV and from Parquet, by size, in one run.

For each size: generate the map (``benchmarks/generate.py``), convert it with
``riskgraph export parquet --map`` (:func:`riskgraph.export.parquet.convert_csv_dir`), load both
with :func:`riskgraph.engine.columnar.load_dir` (every curated check runs on both) and require
the same arrays.  Reports wall and CPU seconds and file sizes; writes
``benchmarks/results/parquet.json``.  Usage::

    nice -n 19 .venv/bin/python benchmarks/bench_parquet.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _size(folder: Path, ext: str) -> int:
    return sum(p.stat().st_size for p in folder.glob(f"*.{ext}"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "parquet.json")
    args = ap.parse_args()

    import generate
    import numpy as np

    from riskgraph.engine.columnar import load_dir
    from riskgraph.export.parquet import convert_csv_dir

    out: dict[str, Any] = {"cpus": os.cpu_count(), "load_avg_start": os.getloadavg(),
                           "sizes": []}
    with tempfile.TemporaryDirectory(prefix="rg-bench-parquet-") as tmp:
        for n in args.sizes:
            src, dst = Path(tmp) / f"csv-{n}", Path(tmp) / f"pq-{n}"
            g = generate.write(src, n, None, args.seed)
            t, c = time.perf_counter(), time.process_time()
            convert_csv_dir(src, dst)
            rec: dict[str, Any] = {"nodes": g.nodes, "links": g.links,
                                   "convert_s": time.perf_counter() - t,
                                   "csv_bytes": _size(src, "csv"),
                                   "parquet_bytes": _size(dst, "parquet")}
            loaded = {}
            for fmt, folder in (("csv", src), ("parquet", dst)):
                t, c = time.perf_counter(), time.process_time()
                loaded[fmt] = load_dir(folder)
                rec[f"load_{fmt}_s"] = time.perf_counter() - t
                rec[f"load_{fmt}_cpu_s"] = time.process_time() - c
            a, b = loaded["csv"], loaded["parquet"]
            for f in ("ids", "kind", "sup", "cus", "arc_type"):
                assert np.array_equal(getattr(a, f), getattr(b, f)), f
            for f in ("weight", "subst", "sales_share"):
                assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
            rec["same_arrays"] = True
            rec["ratio_csv_vs_parquet"] = rec["load_csv_s"] / rec["load_parquet_s"]
            print(f"{g.nodes:>9,} nodes {g.links:>11,} links: CSV {rec['csv_bytes'] / 1e6:7.0f} MB"
                  f" load {rec['load_csv_s']:6.2f} s (CPU {rec['load_csv_cpu_s']:6.2f}) | Parquet "
                  f"{rec['parquet_bytes'] / 1e6:6.0f} MB load {rec['load_parquet_s']:6.2f} s (CPU "
                  f"{rec['load_parquet_cpu_s']:6.2f}) | {rec['ratio_csv_vs_parquet']:.1f}x, "
                  "same arrays", flush=True)
            out["sizes"].append(rec)
            del loaded, a, b
    out["load_avg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
