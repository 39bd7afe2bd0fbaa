"""Seeded generator of realistic layered supplier graphs in the curated CSV format.

The graph imitates a multi-tier supply map as a bank or a manufacturer would hold it:

* tiers, left to right: countries -> minerals -> inputs -> three tiers of companies
  (materials, components, chips) -> clouds -> labs; most links join neighbouring tiers, some
  skip one tier;
* heavy-tailed degrees: suppliers are drawn by a Zipf-like law inside their tier (a few hubs
  supply a large share of the tier below), customers by a milder one;
* rare cycles: one link in ``1 / cycle_every`` (default 10,000) runs backwards (a chip maker
  supplying a materials firm), so the graph is not a DAG;
* the relationship types the engine propagates on: ``PRODUCES`` (country -> mineral, shares that
  sum to 0.95 per mineral), ``INPUT_TO``, ``PROVIDES`` (a fifth of materials -> components),
  ``SUPPLIES``, ``RUNS_ON`` (written lab -> cloud,
  the reverse flow) and a few ``INVESTS_IN`` (no flow, no weight);
* weights in (0, 1] with every customer's inputs summing to at most 0.9 per relationship type
  (``weight_low``/``weight_high`` a +-20 % range), ``sales_share`` normalised per supplier,
  ``substitutability`` on 30 % of the links.

Every row says what it is: ``source`` names this generator and its seed, ``confidence`` is
``estimated`` with the rationale "synthetic benchmark graph: generated, not data".  Nothing here
is a real figure.

Usage::

    .venv/bin/python benchmarks/generate.py --nodes 100000 --out /tmp/rg-100k
    .venv/bin/python benchmarks/generate.py --nodes 1000000 --edges 10000000 --out /tmp/rg-1m

writes ``<out>/nodes.csv`` and ``<out>/links.csv`` (load them with
``riskgraph.engine.columnar.load_columnar`` or, when small, ``--data-dir <out>``).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (tier name, node kind, layer, roles, share of the nodes)
TIERS: tuple[tuple[str, str, str, str, float], ...] = (
    ("country", "country", "countries", "", 0.0005),
    ("mineral", "mineral", "minerals", "", 0.002),
    ("input", "input", "inputs", "", 0.03),
    ("materials", "company", "inputs", "materials", 0.30),
    ("component", "company", "chips", "equipment", 0.35),
    ("chip", "company", "chips", "designer", 0.20),
    ("cloud", "company", "clouds", "cloud", 0.05),
    ("lab", "company", "labs", "lab", 0.0675),
)
MIN_TIER = (5, 5, 10, 10, 10, 10, 5, 5)

SOURCE = "synthetic benchmark graph, riskgraph benchmarks/generate.py --seed {seed}"
RATIONALE = "synthetic benchmark graph: generated, not data"

LINK_COLUMNS = ["from", "to", "type", "weight", "weight_low", "weight_high", "sales_share",
                "substitutability", "source", "as_of", "confidence", "rationale"]
NODE_COLUMNS = ["id", "kind", "name", "layer", "roles", "aliases", "source", "as_of",
                "confidence", "rationale"]


@dataclass
class Generated:
    """Where the files went and what is in them."""

    nodes_path: Path
    links_path: Path
    nodes: int
    links: int
    supply_links: int
    back_links: int
    seconds: float


def tier_sizes(n: int) -> list[int]:
    """Nodes per tier (each tier at least its minimum; the labs take the rest)."""
    sizes = [max(mn, int(round(n * t[4]))) for t, mn in zip(TIERS, MIN_TIER, strict=True)]
    sizes[-1] = max(MIN_TIER[-1], n - sum(sizes[:-1]))
    return sizes


def _zipf_pick(rng: Any, lo: Any, size: Any, alpha: float) -> Any:
    """Index in ``[lo, lo + size)`` drawn with density ~ x**(1/alpha - 1): heavy head."""
    import numpy as np

    u = rng.random(np.shape(lo))
    return lo + np.minimum((u ** alpha * size).astype(np.int64), size - 1)


def generate_arrays(n: int, m: int | None = None, seed: int = 0, cycle_every: int = 10_000
                    ) -> dict[str, Any]:
    """The graph as numpy arrays (no files): node tiers and link columns.

    Parameters
    ----------
    n : int
        Number of nodes (at least 60).
    m : int, optional
        Number of links (default ``10 * n``); the result may hold slightly fewer after
        duplicates are removed.
    seed : int
        Seed of the random generator: the same seed gives the same graph.
    cycle_every : int
        One link in this many runs backwards (0: none, a DAG).

    Returns
    -------
    dict
        ``tier`` (per node), ``bounds`` (tier start offsets), ``sup``, ``cus``, ``type``
        (index into ``TYPES``), ``weight``, ``sales_share``, ``subst`` (NaN = empty), ``back``.
    """
    import numpy as np

    if n < 60:
        raise ValueError("n must be at least 60")
    m = 10 * n if m is None else m
    rng = np.random.default_rng(seed)
    sizes = np.array(tier_sizes(n), dtype=np.int64)
    n = int(sizes.sum())
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    tier = np.repeat(np.arange(len(sizes)), sizes)
    # a random permutation inside every tier, so hubs are not the lowest ids
    perm = np.arange(n)
    for t in range(len(sizes)):
        perm[bounds[t]:bounds[t + 1]] = bounds[t] + rng.permutation(sizes[t])

    over = int(m * 1.05) + 100
    # customer tier: proportional to tier size (countries never buy)
    p = sizes[1:] / sizes[1:].sum()
    ct = 1 + rng.choice(len(p), size=over, p=p)
    skip = (rng.random(over) < 0.1) & (ct >= 2) & (ct != 2)  # skip a tier now and then
    st = ct - 1 - skip.astype(np.int64)
    cus = perm[_zipf_pick(rng, bounds[ct], sizes[ct], 1.5)]
    sup = perm[_zipf_pick(rng, bounds[st], sizes[st], 3.0)]
    # labs -> clouds as RUNS_ON (lab written first); a few investments; rare backward links
    typ = np.full(over, 3, dtype=np.int8)  # SUPPLIES
    typ[(st == 0)] = 0  # PRODUCES country -> mineral
    typ[(st == 1)] = 1  # INPUT_TO mineral -> input/company
    typ[(st == 2)] = 1  # INPUT_TO input -> ...
    typ[(ct == 4) & (st == 3) & (rng.random(over) < 0.2)] = 2  # PROVIDES materials -> parts
    typ[(ct == 7) & (st == 6)] = 4  # RUNS_ON (cloud supplies lab)
    invest = (rng.random(over) < 0.002) & (st >= 3)
    typ[invest] = 5
    back = np.zeros(over, dtype=bool)
    if cycle_every:
        back = (rng.random(over) < 1.0 / cycle_every) & (st >= 3) & (ct >= 4) & (ct <= 5)
        sup[back], cus[back] = cus[back].copy(), sup[back].copy()
        typ[back] = 3
    ok = sup != cus
    key = np.where(ok, sup.astype(np.int64) * n + cus, -1)
    # one link per (supplier, customer): keep the first occurrence, then the first m
    _, first = np.unique(key, return_index=True)
    first = np.sort(first[key[first] >= 0])[:m]
    sup, cus, typ, back = sup[first], cus[first], typ[first], back[first]
    mm = sup.size

    # weights: every customer's links of one type sum to <= 0.9 (PRODUCES: exactly 0.95)
    raw = rng.uniform(0.2, 1.0, mm)
    grp = cus.astype(np.int64) * 8 + typ
    _, inv = np.unique(grp, return_inverse=True)
    tot = np.bincount(inv, weights=raw)
    target = np.where(typ == 0, 0.95, rng.uniform(0.3, 0.9, mm))
    w = raw / tot[inv] * np.minimum(target, np.maximum(tot[inv], 0.05))
    w = np.where(typ == 0, raw / tot[inv] * 0.95, w)
    w = np.clip(np.round(w, 4), 0.0001, 1.0)
    w[back] = np.clip(np.round(w[back] * 0.2, 4), 0.0001, 1.0)
    w[typ == 5] = np.nan
    sraw = rng.uniform(0.1, 1.0, mm)
    stot = np.bincount(sup, weights=sraw, minlength=n)
    sales = np.round(sraw / stot[sup] * 0.9, 4)
    sales[typ == 5] = np.nan
    subst = np.where(rng.random(mm) < 0.3, np.round(rng.uniform(0.0, 0.5, mm), 2), np.nan)
    subst[typ == 5] = np.nan
    # RUNS_ON is written lab -> cloud: swap the ends of the text, not of the arc
    return {"n": n, "tier": tier, "bounds": bounds, "sup": sup, "cus": cus, "type": typ,
            "weight": w, "sales_share": sales, "subst": subst, "back": back}


TYPES = ("PRODUCES", "INPUT_TO", "PROVIDES", "SUPPLIES", "RUNS_ON", "INVESTS_IN")


def node_ids(tier: Any) -> Any:
    """Node ids ``<kind>:g<tier>-<k>`` (numpy array of str), k counting inside the tier."""
    import numpy as np

    n = tier.size
    out = np.empty(n, dtype=object)
    start = 0
    for t, (name, kind, *_rest) in enumerate(TIERS):
        size = int((tier == t).sum())
        pre = f"{kind}:{name}-"
        out[start:start + size] = [f"{pre}{k}" for k in range(size)]
        start += size
    return out


def write(out: Path, n: int, m: int | None = None, seed: int = 0,
          cycle_every: int = 10_000, chunk: int = 1_000_000) -> Generated:
    """Generate and write ``<out>/nodes.csv`` and ``<out>/links.csv`` (curated format)."""
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    g = generate_arrays(n, m, seed, cycle_every)
    out.mkdir(parents=True, exist_ok=True)
    ids = node_ids(g["tier"])
    src = SOURCE.format(seed=seed)
    meta = [TIERS[t] for t in g["tier"]]
    nodes = pd.DataFrame({
        "id": ids,
        "kind": [x[1] for x in meta],
        "name": [f"Synthetic {x[0]} {i.rpartition('-')[2]}" for x, i in zip(meta, ids,
                                                                             strict=True)],
        "layer": [x[2] for x in meta],
        "roles": [x[3] for x in meta],
        "aliases": "",
        "source": src,
        "as_of": "2025",
        "confidence": "estimated",
        "rationale": RATIONALE,
    }, columns=NODE_COLUMNS)
    nodes_path = out / "nodes.csv"
    nodes.to_csv(nodes_path, index=False)

    links_path = out / "links.csv"
    types = np.array(TYPES, dtype=object)
    mm = g["sup"].size
    with links_path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(LINK_COLUMNS) + "\n")
        for a in range(0, mm, chunk):
            b = min(mm, a + chunk)
            sup, cus, typ = g["sup"][a:b], g["cus"][a:b], g["type"][a:b]
            runs_on = typ == 4
            frm = np.where(runs_on, cus, sup)  # RUNS_ON: lab (customer) -[RUNS_ON]-> cloud
            to = np.where(runs_on, sup, cus)
            w = g["weight"][a:b]
            lo = np.floor(w * 0.8 * 1e4) / 1e4
            hi = np.minimum(1.0, np.ceil(w * 1.2 * 1e4) / 1e4)
            df = pd.DataFrame({
                "from": ids[frm], "to": ids[to], "type": types[typ],
                "weight": w, "weight_low": lo, "weight_high": hi,
                "sales_share": g["sales_share"][a:b], "substitutability": g["subst"][a:b],
                "source": src, "as_of": "2025", "confidence": "estimated",
                "rationale": RATIONALE,
            }, columns=LINK_COLUMNS)
            df.to_csv(fh, index=False, header=False, float_format="%.4g", na_rep="",
                      lineterminator="\n")
    flows = (g["type"] != 5)
    return Generated(nodes_path, links_path, int(g["n"]), int(mm), int(flows.sum()),
                     int(g["back"].sum()), time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--edges", type=int, default=None, help="default: 10 x nodes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cycle-every", type=int, default=10_000,
                    help="one link in this many runs backwards (0: a DAG)")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    r = write(a.out, a.nodes, a.edges, a.seed, a.cycle_every)
    print(f"wrote {r.nodes:,} nodes to {r.nodes_path} and {r.links:,} links "
          f"({r.supply_links:,} supply, {r.back_links:,} backward) to {r.links_path} "
          f"in {r.seconds:.1f} s")


if __name__ == "__main__":
    main()
