"""riskgraph benchmark (``make bench``): scale, the networkx yardstick, CLI latency, imports.

In ONE run it prints and records:

1. per graph size (10k and 100k nodes by default; ``--full`` adds 1M nodes / 10M links): the
   time to generate the curated CSVs (``benchmarks/generate.py``), to load them into the
   columnar engine (``riskgraph.engine.columnar``: parse, validate, index, CSR pattern), one
   shock (the first, and the median of warm ones), the fixed-point iterations, and the peak
   resident memory of the process that did the load and the shocks;
2. the same shock in the per-edge networkx reference (``benchmarks/reference_nx.py``) where it
   finishes in reasonable time (``--nx-max``, default 100k nodes), the ratio of the two and the
   largest difference between their results (must be ~1e-15);
3. CLI latency: ``riskgraph --help`` cold (no bytecode cache) and warm, and
   ``riskgraph shock gallium --pct 50`` with a cold (empty) and a warm graph cache;
4. ``python -X importtime``: the cumulative import time of each heavy dependency.

Each size is measured in a fresh child process, so the memory figure is that size's own.
Results: ``benchmarks/results/latest.json`` and the log-log plot
``benchmarks/results/scaling.png`` (time vs links); with ``--full``, ``latest-full.json`` and
``scaling-full.png``, so a quick run does not overwrite the last full one.

Usage::

    .venv/bin/python benchmarks/run.py            # 10k, 100k (about a minute)
    .venv/bin/python benchmarks/run.py --full     # + 1M nodes / 10M links (several minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PY = sys.executable
RISKGRAPH = str(Path(PY).parent / "riskgraph")
HEAVY = ("numpy", "scipy", "scipy.sparse", "pandas", "networkx", "neo4j", "rdflib", "pyvis",
         "rich", "typer")
TARGETS = ("mineral:mineral-0", "company:materials-0", "company:component-1")


def _rss_mb() -> float:
    """Peak resident memory of THIS process image (VmHWM: reset by exec, unlike ru_maxrss,
    which a child inherits from the parent that forked it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- children (one fresh process per measurement) -------------------------------------------
def child_sparse(folder: Path) -> dict[str, Any]:
    """Load ``folder`` with the columnar engine and run the shocks; report times and memory."""
    import numpy as np
    import pandas  # noqa: F401  (import cost is not load cost: see import_times)
    import scipy.sparse  # noqa: F401

    from riskgraph.engine.columnar import load_dir

    base = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    g = load_dir(folder)
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    q, it = g.shock(TARGETS[0], 50, return_iterations=True)
    first_s = time.perf_counter() - t0
    warm, warm_cpu = [], []
    for tgt in TARGETS:
        t0, c0 = time.perf_counter(), time.process_time()
        q2, _ = g.shock(tgt, 50, return_iterations=True)
        warm.append(time.perf_counter() - t0)
        warm_cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    qu = g.shock(TARGETS[1], 50, direction="upstream")
    up_s = time.perf_counter() - t0
    np.save(folder / "q_sparse.npy", q)
    np.save(folder / "q_sparse_up.npy", qu)
    return {"nodes": g.n, "links": g.links, "arcs": g.m, "load_s": load_s,
            "load_cpu_s": load_cpu, "shock_cpu_s": statistics.median(warm_cpu),
            "shock_first_s": first_s, "shock_s": statistics.median(warm),
            "shock_upstream_s": up_s, "iterations": int(it),
            "affected": int((q > 1e-6).sum()), "peak_rss_mb": _rss_mb(),
            "rss_after_imports_mb": base}


def child_nx(folder: Path) -> dict[str, Any]:
    """The per-edge networkx reference on the same files; compares with the sparse result."""
    import numpy as np

    sys.path.insert(0, str(HERE))
    from reference_nx import load_nx, shock_nx

    t0 = time.perf_counter()
    G = load_nx(folder)
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    q, it = shock_nx(G, [TARGETS[0]], 50)
    shock_s, shock_cpu = time.perf_counter() - t0, time.process_time() - c0
    qu, _ = shock_nx(G, [TARGETS[1]], 50, direction="upstream")
    ids = sorted(G.nodes)
    qs = np.load(folder / "q_sparse.npy")
    qsu = np.load(folder / "q_sparse_up.npy")
    diff = float(np.max(np.abs(np.array([q[i] for i in ids]) - qs)))
    diff_up = float(np.max(np.abs(np.array([qu[i] for i in ids]) - qsu)))
    return {"nx_load_s": load_s, "nx_shock_s": shock_s, "nx_shock_cpu_s": shock_cpu,
            "nx_iterations": it,
            "nx_peak_rss_mb": _rss_mb(), "max_abs_diff": max(diff, diff_up)}


def _child(kind: str, folder: Path, timeout: float) -> dict[str, Any]:
    cmd = [PY, __file__, "--child", kind, str(folder)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if r.returncode != 0:
        raise SystemExit(f"{kind} child failed on {folder}:\n{r.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


# -- CLI latency and import times ------------------------------------------------------------
def _time_cmd(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    dt = time.perf_counter() - t0
    if r.returncode != 0 or "Traceback" in r.stderr:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return dt


def cli_latency(warm_runs: int = 5) -> dict[str, float]:
    """``riskgraph --help`` and ``riskgraph shock gallium --pct 50``, cold and warm."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, COLUMNS="140", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pyc"),
                   RISKGRAPH_CACHE=str(Path(tmp) / "cache"))
        env.pop("RISKGRAPH_DATA", None)
        help_cmd = [RISKGRAPH, "--help"]
        out["help_cold_s"] = _time_cmd(help_cmd, env)  # no bytecode yet: compiles every module
        out["help_warm_s"] = statistics.median(_time_cmd(help_cmd, env)
                                               for _ in range(warm_runs))
        shock = [RISKGRAPH, "shock", "gallium", "--pct", "50"]
        out["shock_cold_s"] = _time_cmd(shock, env)  # empty graph cache: every loader runs
        out["shock_warm_s"] = statistics.median(_time_cmd(shock, env) for _ in range(3))
    return out


_IMPORT_RE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def import_times() -> dict[str, float | None]:
    """Cumulative import time (s) of each heavy dependency in a fresh interpreter (warm .pyc)."""
    out: dict[str, float | None] = {}
    for mod in HEAVY:
        best = None
        for _ in range(2):  # the first run may write bytecode; keep the faster
            r = subprocess.run([PY, "-X", "importtime", "-c", f"import {mod}"],
                               capture_output=True, text=True, check=False)
            if r.returncode != 0:
                break
            for line in r.stderr.splitlines():
                m = _IMPORT_RE.match(line)
                if m and m.group(4) == mod and len(m.group(3)) == 1:
                    us = int(m.group(2)) / 1e6
                    best = us if best is None else min(best, us)
        out[mod] = best
    return out


# -- plot --------------------------------------------------------------------------------------
def plot(rows: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    links = [r["links"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 5), dpi=110)
    series = [("load_s", "load (columnar: parse, validate, index)", "o-"),
              ("shock_s", "one shock, sparse (warm)", "s-"),
              ("nx_shock_s", "one shock, networkx per-edge reference", "^--"),
              ("nx_load_s", "load, networkx reference", "v--")]
    for key, label, style in series:
        pts = [(r["links"], r[key]) for r in rows if r.get(key) is not None]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label=label)
    lo, hi = min(links), max(links)
    ref = rows[0]["load_s"]
    ax.plot([lo, hi], [ref, ref * hi / lo], ":", color="grey", label="slope 1 (linear)")
    ax.axhline(1.0, color="red", lw=0.8, ls=":")
    ax.axhline(60.0, color="red", lw=0.8, ls=":")
    ax.text(hi, 1.07, "1 s shock target", color="red", fontsize=8, ha="right")
    ax.text(hi, 64, "60 s load target", color="red", fontsize=8, ha="right")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("links in the graph")
    ax.set_ylabel("seconds")
    ax.set_title(f"riskgraph at scale ({os.cpu_count()} cores); benchmarks/run.py")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


# -- main ----------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also 1M nodes / 10M links (minutes)")
    ap.add_argument("--sizes", type=int, nargs="*", default=None,
                    help="node counts (default 10000 100000, --full adds 1000000)")
    ap.add_argument("--nx-max", type=int, default=100_000,
                    help="largest node count the networkx reference runs at")
    ap.add_argument("--data", type=Path, default=None,
                    help="folder for the generated CSVs (default: a temporary folder); "
                         "existing files of the same size and seed are reused")
    ap.add_argument("--no-cli", action="store_true", help="skip CLI latency and import times")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.child:
        kind, folder = a.child
        res = child_sparse(Path(folder)) if kind == "sparse" else child_nx(Path(folder))
        print(json.dumps(res))
        return

    sys.path.insert(0, str(HERE))
    import generate

    sizes = a.sizes or ([10_000, 100_000] + ([1_000_000] if a.full else []))
    tmp = None
    data = a.data
    if data is None:
        tmp = tempfile.mkdtemp(prefix="riskgraph-bench-")
        data = Path(tmp)
    rows: list[dict[str, Any]] = []
    try:
        for n in sizes:
            folder = data / f"n{n}"
            stamp = folder / "generated.json"
            reused = stamp.exists() and json.loads(stamp.read_text()).get("nodes") == n
            if reused:
                gen_s = json.loads(stamp.read_text())["seconds"]
            else:
                r = generate.write(folder, n, None, seed=0)
                gen_s = r.seconds
                stamp.write_text(json.dumps({"nodes": n, "seconds": gen_s}))
            size_mb = (folder / "links.csv").stat().st_size / 1e6
            row: dict[str, Any] = {"generate_s": gen_s, "generated_earlier": reused,
                                   "links_csv_mb": size_mb}
            row.update(_child("sparse", folder, timeout=3600))
            msg = (f"{row['nodes']:>9,} nodes {row['links']:>11,} links ({size_mb:,.0f} MB CSV): "
                   f"generate {gen_s:6.1f} s{'*' if reused else ''} | "
                   f"load {row['load_s']:6.2f} s (CPU {row['load_cpu_s']:.2f} s) | one shock "
                   f"{row['shock_s']:.3f} s (first {row['shock_first_s']:.3f} s, "
                   f"{row['iterations']} iterations, {row['affected']:,} affected) | peak "
                   f"{row['peak_rss_mb']:,.0f} MB")
            print(msg, flush=True)
            if n <= a.nx_max:
                row.update(_child("nx", folder, timeout=3600))
                row["shock_ratio_nx_over_sparse"] = row["nx_shock_s"] / row["shock_s"]
                row["shock_cpu_ratio_nx_over_sparse"] = row["nx_shock_cpu_s"] / row["shock_cpu_s"]
                row["load_ratio_nx_over_sparse"] = row["nx_load_s"] / row["load_s"]
                print(f"{'':>9}  networkx per-edge reference: load {row['nx_load_s']:.2f} s, "
                      f"one shock {row['nx_shock_s']:.2f} s = "
                      f"{row['shock_ratio_nx_over_sparse']:,.0f}x the sparse shock (CPU time: "
                      f"{row['shock_cpu_ratio_nx_over_sparse']:,.0f}x); "
                      f"largest difference {row['max_abs_diff']:.1e}", flush=True)
            rows.append(row)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    result: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": os.getloadavg(),  # other jobs on the machine slow the wall times
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "sizes": rows,
    }
    try:
        import numpy
        import pandas
        import scipy

        result["machine"].update(numpy=numpy.__version__, scipy=scipy.__version__,
                                 pandas=pandas.__version__)
    except ImportError:
        pass
    if not a.no_cli:
        cli = cli_latency()
        result["cli"] = cli
        print(f"riskgraph --help: cold {cli['help_cold_s']:.2f} s, warm "
              f"{cli['help_warm_s']:.2f} s | riskgraph shock gallium --pct 50: cold cache "
              f"{cli['shock_cold_s']:.2f} s, warm cache {cli['shock_warm_s']:.2f} s", flush=True)
        imp = import_times()
        result["import_s"] = imp
        print("import time (cumulative): " + ", ".join(
            f"{k} {v * 1000:.0f} ms" if v is not None else f"{k} n/a" for k, v in imp.items()))
    a.out.mkdir(parents=True, exist_ok=True)
    tag = "-full" if a.full else ""  # a quick run does not overwrite the last full one
    (a.out / f"latest{tag}.json").write_text(json.dumps(result, indent=2) + "\n")
    la = result["load_average"]
    print(f"load average during the run: {la[0]:.1f} {la[1]:.1f} {la[2]:.1f} on "
          f"{os.cpu_count()} cores (above the core count, other jobs slowed the wall times)")
    drawn = plot(rows, a.out / f"scaling{tag}.png")
    print(f"wrote {a.out / f'latest{tag}.json'}"
          + (f" and {a.out / f'scaling{tag}.png'}" if drawn else " (no matplotlib: no plot)"))


if __name__ == "__main__":
    main()
