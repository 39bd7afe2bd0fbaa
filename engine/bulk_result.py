"""The ``riskgraph.bulkshock/1`` result: one shock of a large map on the columnar path.

:func:`bulk_shock` loads a folder of curated-format CSVs into a
:class:`~riskgraph.engine.columnar.ColumnarGraph`, runs the capped IIM and returns the versioned
payload that ``riskgraph bulk-shock --format json`` prints (the table and CSV renderings are
made from the same dict)::

    {"schema": "riskgraph.bulkshock/1", "folder", "target", "pct", "direction", "model": "iim",
     "bound": BOUND (downstream: what the figures are), "nodes", "arcs", "iterations",
     "affected", "load_seconds", "shock_seconds",
     "top": [{"rank", "id", "shortfall"}, ...]}

``affected`` counts nodes with a shortfall above ``AFFECTED_TOL``; ``top`` lists the ``top``
largest shortfalls, ties in node order.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from riskgraph.engine.columnar import load_dir

SCHEMA = "riskgraph.bulkshock/1"
AFFECTED_TOL = 1e-6  # a shortfall at or below this counts as unaffected (numerical noise)
# a bulk map carries no market data and no time: its downstream figures are the capped IIM's,
# which `riskgraph shock` gives with --allocation proportional --no-supply-response
BOUND = ("no-mitigation upper bound: no reallocation, no supply response, no inventories "
         "(the capped IIM; `riskgraph shock --allocation proportional --no-supply-response`)")


def bound_of(direction: str) -> str | None:
    """What a bulk shock's figures are (None upstream: demand shares, no mitigation model)."""
    return BOUND if direction == "downstream" else None


def bulk_shock(
    folder: Path, target: str, pct: float, *, direction: str = "downstream", top: int = 20
) -> dict[str, Any]:
    """Shock ``target`` by ``pct`` percent in the map in ``folder``; the ``bulkshock/1`` dict.

    Raises
    ------
    IngestError
        A file, row or column of the folder is invalid (file, line and column named).
    UsageError
        Unknown target id, ``pct`` outside (0, 100], unknown direction.
    ModelError
        The fixed point did not converge.
    """
    t0 = time.perf_counter()
    g = load_dir(folder)
    t1 = time.perf_counter()
    q, iterations = g.shock(target, pct, direction=direction, return_iterations=True)
    t2 = time.perf_counter()
    affected = np.flatnonzero(q > AFFECTED_TOL)
    order = affected[np.argsort(-q[affected], kind="stable")][:top]
    rows: list[dict[str, Any]] = [
        {"rank": r + 1, "id": str(g.ids[k]), "shortfall": float(q[k])}
        for r, k in enumerate(order.tolist())
    ]
    return {
        "schema": SCHEMA,
        "folder": str(folder),
        "target": target,
        "pct": pct,
        "direction": direction,
        "model": "iim",
        "bound": bound_of(direction),
        "nodes": g.n,
        "arcs": g.m,
        "iterations": int(iterations),
        "affected": int(affected.size),
        "load_seconds": round(t1 - t0, 3),
        "shock_seconds": round(t2 - t1, 3),
        "top": rows,
    }
