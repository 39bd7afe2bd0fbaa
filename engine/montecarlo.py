r"""Monte Carlo over uncertain dependency weights (``--samples N --seed S``).

Which arcs are drawn: estimated edges that state a range ``[weight_low, weight_high]``, and
edges without a weight that take ``default_weight`` (drawn in ``[default_weight_low,
default_weight_high]``).  Reported weights, weightless share-type edges (their weight is the
unallocated share) and weights fixed by ``--set weight[...]`` stay put.

Distribution: triangular on ``[low, high]`` with its mode at the point estimate (clipped into the
range), so the central figure stays the most likely one and the tails reach the stated bounds.
Each sample re-solves the model; the result reports per node the median and the 5th/95th
percentiles.  Seeded with ``numpy.random.default_rng(seed)``: the same seed gives the same
numbers on the same graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from riskgraph.engine.compile import CompiledGraph, RunArrays
from riskgraph.engine.defaults import Params
from riskgraph.errors import UsageError

DISTRIBUTION = "triangular(low, mode=point estimate, high)"


def sampled_arcs(cg: CompiledGraph, ra: RunArrays, params: Params
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the arcs drawn and their (low, mode, high)."""
    missing = np.isnan(cg.weight) & ~cg.share_type
    ranged = cg.estimated & np.isfinite(cg.weight_low) & np.isfinite(cg.weight_high)
    pick = np.flatnonzero((missing | ranged) & ~ra.fixed)
    lo = np.where(missing[pick], params.default_weight_low, cg.weight_low[pick])
    hi = np.where(missing[pick], params.default_weight_high, cg.weight_high[pick])
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    mode = np.clip(ra.w[pick], lo, hi)
    return pick, lo, mode, hi


def triangular(u: np.ndarray, lo: np.ndarray, mode: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution (vectorised; ``lo == hi`` gives ``lo``)."""
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        fc = np.where(span > 0, (mode - lo) / np.where(span > 0, span, 1.0), 0.0)
    left = lo + np.sqrt(u * span * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * span * (hi - mode))
    return np.where(u < fc, left, right)


def run(
    cg: CompiledGraph,
    ra: RunArrays,
    params: Params,
    solve: Callable[[np.ndarray], np.ndarray],
    keep: np.ndarray,
    samples: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Draw ``samples`` weight vectors, solve each with ``solve(w)``, summarise nodes ``keep``.

    Returns ``{"median", "p5", "p95"}``, each of the shape of ``keep``.
    """
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, got {seed}")
    rng = np.random.default_rng(seed)
    pick, lo, mode, hi = sampled_arcs(cg, ra, params)
    out = np.empty((samples, keep.size))
    for t in range(samples):
        w = ra.w.copy()
        w[pick] = triangular(rng.random(pick.size), lo, mode, hi)
        out[t] = solve(w)[keep]
    p5, med, p95 = np.percentile(out, [5, 50, 95], axis=0) if samples else (out,) * 3
    return {"median": med, "p5": p5, "p95": p95, "sampled_arcs": np.array(pick.size)}
