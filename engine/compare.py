"""Compare two shock results (``riskgraph compare A.json B.json``): what changed per node and layer.

Both inputs are ``riskgraph.shock/2`` (or ``/1``) results
(``riskgraph shock ... --format json > A.json``).
A node listed in one result but not the other is *not listed* there, which is not the same as
0: it is reported as 0 only when that result lists every affected node (then the node's
shortfall is below ``min_shortfall``), and as unknown (``None``) otherwise (raise ``--top``).
The result has schema ``riskgraph.compare/1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from riskgraph.engine.result import SCHEMA as SHOCK_SCHEMA
from riskgraph.engine.result import main_path_text, names_of
from riskgraph.errors import UsageError

SCHEMA = "riskgraph.compare/1"


def load_result(path: Path) -> dict[str, Any]:
    """Read a saved shock result; a clear one-line error for a missing or wrong file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read it ({e})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: {e.msg})"
                         ) from None
    check_result(doc, str(path))
    out: dict[str, Any] = doc
    return out


def check_result(doc: Any, where: str) -> None:
    # a riskgraph.shock/1 file (saved before issue 13) has every field compared here
    if not isinstance(doc, dict) or doc.get("schema") not in (SHOCK_SCHEMA, "riskgraph.shock/1"):
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise UsageError(f"{where}: not a shock result (schema {got!r}, expected "
                         f"{SHOCK_SCHEMA!r}; save one with `riskgraph shock ... --format json`)")
    for key in ("shock", "nodes", "layers", "affected"):
        if key not in doc:
            raise UsageError(f"{where}: shock result without {key!r}")
    for k, n in enumerate(doc["nodes"]):
        if not isinstance(n, dict) or not {"id", "name", "layer", "shortfall"} <= set(n):
            raise UsageError(f"{where}: nodes[{k}] lacks id, name, layer or shortfall")


def describe(doc: dict[str, Any]) -> str:
    """One line naming a scenario: target, size, country, model, overrides."""
    sh = doc["shock"]
    s = f"{sh.get('target')} -{float(sh.get('pct', 0)):g}%"
    if sh.get("country"):
        s += f" (output of {sh['country']})"
    s += f", {sh.get('model', '?')}, {sh.get('direction', '?')}"
    sets = [f"{o['key']}{'[' + o['target'] + ']' if o.get('target') else ''}={o['value']:g}"
            for o in doc.get("overrides") or []]
    if sets:
        s += "; --set " + " ".join(sets)
    return s


def _value(doc: dict[str, Any], by_id: dict[str, dict[str, Any]], nid: str) -> float | None:
    if nid in by_id:
        return float(by_id[nid]["shortfall"])
    complete = int(doc["affected"]) <= len(doc["nodes"])
    return 0.0 if complete else None


def compare_results(a: dict[str, Any], b: dict[str, Any], *, tol: float = 1e-9
                    ) -> dict[str, Any]:
    """What changed from scenario ``a`` to scenario ``b`` (schema ``riskgraph.compare/1``)."""
    check_result(a, "A")
    check_result(b, "B")
    ia = {n["id"]: n for n in a["nodes"]}
    ib = {n["id"]: n for n in b["nodes"]}
    na, nb = names_of(a), names_of(b)
    order = list(ia) + [i for i in ib if i not in ia]
    rows = []
    for nid in order:
        va, vb = _value(a, ia, nid), _value(b, ib, nid)
        delta = None if va is None or vb is None else vb - va
        node = ia.get(nid) or ib[nid]
        pa = main_path_text(ia[nid], na) if nid in ia else ""
        pb = main_path_text(ib[nid], nb) if nid in ib else ""
        if delta is None:
            change = "not comparable"
        elif abs(delta) <= tol:
            change = "unchanged"
        else:
            change = "up" if delta > 0 else "down"
        rows.append({
            "id": nid, "name": node["name"], "layer": node["layer"],
            "a": va, "b": vb, "delta": delta, "change": change,
            "rank_a": ia[nid].get("rank") if nid in ia else None,
            "rank_b": ib[nid].get("rank") if nid in ib else None,
            "main_path_a": pa, "main_path_b": pb,
            "main_path_changed": bool(pa and pb and pa != pb),
        })
    rows.sort(key=lambda r: (r["delta"] is None, -abs(r["delta"] or 0.0), r["id"]))
    la = {x["layer"]: x for x in a["layers"]}
    lb = {x["layer"]: x for x in b["layers"]}
    layers = []
    for lay in list(la) + [x for x in lb if x not in la]:
        xa, xb = la.get(lay), lb.get(lay)
        layers.append({
            "layer": lay,
            "affected_a": xa["affected"] if xa else 0, "affected_b": xb["affected"] if xb else 0,
            "max_a": xa["max_shortfall"] if xa else 0.0,
            "max_b": xb["max_shortfall"] if xb else 0.0,
            "mean_a": xa["mean_shortfall"] if xa else 0.0,
            "mean_b": xb["mean_shortfall"] if xb else 0.0,
            "delta_max": (xb["max_shortfall"] if xb else 0.0)
                         - (xa["max_shortfall"] if xa else 0.0),
            "top_a": xa["top_node_name"] if xa else "", "top_b": xb["top_node_name"] if xb else "",
        })
    counts = {k: sum(r["change"] == k for r in rows)
              for k in ("up", "down", "unchanged", "not comparable")}
    return {
        "schema": SCHEMA,
        "a": {"scenario": describe(a), "shock": a["shock"], "overrides": a.get("overrides", []),
              "affected": a["affected"], "listed": len(a["nodes"])},
        "b": {"scenario": describe(b), "shock": b["shock"], "overrides": b.get("overrides", []),
              "affected": b["affected"], "listed": len(b["nodes"])},
        "counts": counts,
        "nodes": rows,
        "layers": layers,
    }


__all__ = ["SCHEMA", "check_result", "compare_results", "describe", "load_result"]
