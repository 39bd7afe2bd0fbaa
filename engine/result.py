"""The shock result: plain data with a versioned JSON form (``"schema": "riskgraph.shock/2"``).

The JSON Schema is ``engine/shock-schema.json`` (:func:`schema_path`); docs/model.md explains each
field.  Views (table, CSV, HTML) only render this dict.

Version 2 (issue 13) adds two top-level fields: ``market``, the shortage economics of minerals
with market data (engine/market.py), and ``dynamic``, the monthly model of ``--horizon MONTHS``
(engine/dynamic.py; ``null`` with ``--horizon 0``, upstream shocks and DebtRank) with its
settings and, per listed node, the monthly path, peak, cumulative loss, time-to-survive and
time-to-recover.  Every field of version 1 keeps its name and meaning; a reader of version 1
results only needs to accept the new version string and may ignore the two new fields.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any

from riskgraph.graph.text import csv_cell

SCHEMA = "riskgraph.shock/2"

CSV_COLUMNS = (
    "rank", "id", "name", "kind", "layer", "shortfall", "absolute_value", "absolute_unit",
    "mc_median", "mc_p5", "mc_p95", "peak", "peak_month", "first_month", "back_by",
    "cumulative_loss", "main_path",
)
DYNAMIC_CSV = ("peak", "peak_month", "first_month", "back_by", "cumulative_loss")


def schema_path() -> Path:
    """The JSON Schema of the result, a resource of ``riskgraph.engine`` (any install)."""
    return Path(str(resources.files("riskgraph.engine") / "shock-schema.json"))


def main_path_text(node: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """``Gallium -> GaN power devices -> Nvidia GPU`` for the node's best path ('' if none)."""
    if not node.get("paths"):
        return ""
    p = node["paths"][0]
    if not p["hops"]:
        return "(shocked)"
    ids = [p["start"]] + [h["dst"] for h in p["hops"]]
    nm = names or {}
    return " -> ".join(nm.get(i, i) for i in ids)


def names_of(result: dict[str, Any]) -> dict[str, str]:
    out = {n["id"]: n["name"] for n in result["nodes"]}
    out.update(result.get("names", {}))
    return out


def to_csv(result: dict[str, Any]) -> str:
    """One row per listed node (columns :data:`CSV_COLUMNS`; the dynamic model's peak, peak
    month, first month with a shortfall, month back and cumulative loss are empty without a
    dynamic run); text cells a spreadsheet would evaluate as formulas start with ``'``
    (:func:`riskgraph.graph.text.csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    names = names_of(result)
    dyn = {d["id"]: d for d in (result.get("dynamic") or {}).get("nodes", [])}
    for n in result["nodes"]:
        ab = n.get("absolute") or {}
        mc = n.get("monte_carlo") or {}
        d = dyn.get(n["id"], {})
        w.writerow([
            n["rank"], csv_cell(n["id"]), csv_cell(n["name"]), csv_cell(n["kind"]),
            csv_cell(n["layer"]), f"{n['shortfall']:.6g}",
            "" if not ab else f"{ab['value']:.6g}", csv_cell(ab.get("unit", "")),
            *("" if not mc else f"{mc[k]:.6g}" for k in ("median", "p5", "p95")),
            *("" if d.get(k) is None else f"{d[k]:.6g}" for k in DYNAMIC_CSV),
            csv_cell(main_path_text(n, names)),
        ])
    return buf.getvalue()
