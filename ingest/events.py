"""Load the backtest event files ``ingest/data/events/*.toml`` (:class:`graph.events.Event`).

Every file is checked in full before anything is returned: a missing or unknown key, a value of
the wrong type, a month that is not ``YYYY-MM``, a kind outside its list, a run named by an
observation that does not exist, a range that does not hold its figure.  The error
(:class:`~riskgraph.errors.IngestError`) names the file, the line and the key, and suggests the
nearest valid name for a typo.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from riskgraph.errors import IngestError, UnknownNodeError, suggest
from riskgraph.graph.events import (
    METRICS,
    OBSERVATION_KINDS,
    SHOCK_KINDS,
    Event,
    ModelRun,
    Observation,
    SeriesPoint,
    ShockStep,
    event_sources,
)
from riskgraph.ingest.base import DATA_DIR, read_text, rel

EVENTS_DIR = DATA_DIR / "events"
CONFIDENCES = ("reported", "estimated")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SPAN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(\.\.\d{4}-(0[1-9]|1[0-2]))?$")

# key -> (type, required); types: str, num, int, month, months2, strs, tables
TOP: dict[str, tuple[str, bool]] = {
    "name": ("str", True), "title": ("str", True), "period": ("months2", True),
    "summary": ("str", True), "parameters_informed": ("strs", True),
    "parameters_note": ("str", True), "not_used_for": ("str", True),
    "shock": ("tables", True), "run": ("tables", True), "observation": ("tables", True),
}
SHOCK: dict[str, tuple[str, bool]] = {
    "target": ("str", True), "country": ("str", False), "kind": ("str", True),
    "exports_to": ("str", False), "start": ("month", True), "end": ("month", False),
    "pct": ("num", True), "pct_low": ("num", False), "pct_high": ("num", False),
    "description": ("str", True), "source": ("str", True), "confidence": ("str", True),
}
RUN: dict[str, tuple[str, bool]] = {
    "name": ("str", True), "target": ("str", True), "pct": ("num", True),
    "pct_low": ("num", False), "pct_high": ("num", False), "start": ("month", True),
    "country": ("str", False), "exports_to": ("str", False), "horizon": ("int", False),
    "duration": ("int", False), "allocation": ("str", False), "rationale": ("str", True),
    "source": ("str", True), "confidence": ("str", True),
}
OBSERVATION: dict[str, tuple[str, bool]] = {
    "id": ("str", True), "title": ("str", True), "kind": ("str", True), "unit": ("str", True),
    "window": ("months2", True), "source": ("str", True), "as_of": ("str", True),
    "confidence": ("str", True), "rationale": ("str", True), "node": ("str", False),
    "mineral": ("str", False), "before": ("str", False), "after": ("str", False),
    "observed": ("num", False), "low": ("num", False), "high": ("num", False),
    "metric": ("str", False), "runs": ("strs", False), "series": ("tables", False),
}
POINT: dict[str, tuple[str, bool]] = {
    "month": ("span", True), "value": ("num", True), "source": ("str", True),
    "year_earlier": ("num", False),
}
TYPE_TEXT = {
    "str": "a text", "num": "a number", "int": "a whole number", "month": "a month 'YYYY-MM'",
    "months2": "two months ['YYYY-MM', 'YYYY-MM']", "strs": "a list of texts",
    "tables": "an array of tables", "span": "a month 'YYYY-MM' or 'YYYY-MM..YYYY-MM'",
}


class _File:
    """One event file: its path, its text (for line numbers) and the error helper."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = read_text(path)
        self.lines = self.text.splitlines()

    def shown(self) -> str:
        return rel(self.path)

    def line_of(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        """Line of ``key = ...`` at top level or in the ``index``-th ``[[table]]`` (0-based)."""
        lo, hi = 0, len(self.lines)
        if table is not None:
            heads = [i for i, ln in enumerate(self.lines) if ln.strip() == f"[[{table}]]"]
            if index >= len(heads):
                return None
            lo = heads[index]
            nxt = [i for i, ln in enumerate(self.lines) if i > lo and ln.lstrip().startswith("[")]
            hi = nxt[0] if nxt else len(self.lines)
        else:
            first = [i for i, ln in enumerate(self.lines) if ln.lstrip().startswith("[")]
            hi = first[0] if first else len(self.lines)
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(lo, hi):
            if pat.match(self.lines[i]):
                return i + 1
        return lo + 1 if table is not None else None

    def error(self, reason: str, key: str, table: str | None = None, index: int = 0
              ) -> IngestError:
        return IngestError(self.shown(), reason, row=self.line_of(key, table, index))


def _where(table: str | None, index: int) -> str:
    return "" if table is None else f"[[{table}]] {index + 1}: "


def _check_keys(f: _File, d: dict[str, Any], spec: dict[str, tuple[str, bool]],
                table: str | None, index: int) -> None:
    for k in d:
        if k not in spec:
            near = suggest(k, list(spec), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise f.error(f"{_where(table, index)}unknown key {k!r}{hint}", k, table, index)
    for k, (typ, required) in spec.items():
        if k not in d:
            if required:
                raise f.error(f"{_where(table, index)}missing key {k!r}", k, table, index)
            continue
        if not _typed(d[k], typ):
            raise f.error(f"{_where(table, index)}{k!r} must be {TYPE_TEXT[typ]}, "
                          f"got {d[k]!r}", k, table, index)


def _typed(v: Any, typ: str) -> bool:
    if typ == "str":
        return isinstance(v, str) and bool(v.strip())
    if typ == "num":
        return isinstance(v, int | float) and not isinstance(v, bool)
    if typ == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ == "month":
        return isinstance(v, str) and bool(MONTH.match(v))
    if typ == "span":
        return isinstance(v, str) and bool(SPAN.match(v))
    if typ == "months2":
        return (isinstance(v, list) and len(v) == 2
                and all(isinstance(x, str) and MONTH.match(x) for x in v) and v[0] <= v[1])
    if typ == "strs":
        return isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)
    if typ == "tables":
        return isinstance(v, list) and all(isinstance(x, dict) for x in v)
    raise AssertionError(typ)  # pragma: no cover


def _choice(f: _File, value: str, allowed: tuple[str, ...], key: str, table: str,
            index: int) -> str:
    if value not in allowed:
        near = suggest(value, allowed, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise f.error(f"{_where(table, index)}{key} {value!r} is not one of "
                      f"{', '.join(allowed)}{hint}", key, table, index)
    return value


def _num(d: dict[str, Any], k: str) -> float | None:
    return float(d[k]) if k in d else None


def _shock(f: _File, d: dict[str, Any], i: int) -> ShockStep:
    _check_keys(f, d, SHOCK, "shock", i)
    _choice(f, d["kind"], SHOCK_KINDS, "kind", "shock", i)
    _choice(f, d["confidence"], CONFIDENCES, "confidence", "shock", i)
    pct = float(d["pct"])
    lo, hi = _num(d, "pct_low"), _num(d, "pct_high")
    lo = pct if lo is None else lo
    hi = pct if hi is None else hi
    if not 0 < pct <= 100 or not lo <= pct <= hi:
        raise f.error(f"[[shock]] {i + 1}: pct must be in (0, 100] and within "
                      f"[pct_low, pct_high], got {pct:g} in [{lo:g}, {hi:g}]", "pct", "shock", i)
    if "end" in d and d["end"] < d["start"]:
        raise f.error(f"[[shock]] {i + 1}: end {d['end']} is before start {d['start']}",
                      "end", "shock", i)
    return ShockStep(target=d["target"], country=d.get("country"), kind=d["kind"],
                     start=d["start"], end=d.get("end"), pct=pct, pct_low=lo, pct_high=hi,
                     description=d["description"], source=d["source"],
                     confidence=d["confidence"], exports_to=d.get("exports_to"))


def _run(f: _File, d: dict[str, Any], i: int) -> ModelRun:
    _check_keys(f, d, RUN, "run", i)
    _choice(f, d["confidence"], CONFIDENCES, "confidence", "run", i)
    pct = float(d["pct"])
    if not 0 < pct <= 100:
        raise f.error(f"[[run]] {i + 1}: pct must be in (0, 100], got {pct:g}", "pct", "run", i)
    for k, least in (("horizon", 0), ("duration", 1)):
        if k in d and d[k] < least:
            raise f.error(f"[[run]] {i + 1}: {k} must be at least {least}, got {d[k]}",
                          k, "run", i)
    return ModelRun(name=d["name"], target=d["target"], pct=pct, start=d["start"],
                    rationale=d["rationale"], source=d["source"], confidence=d["confidence"],
                    country=d.get("country"), exports_to=d.get("exports_to"),
                    horizon=d.get("horizon"), duration=d.get("duration"),
                    allocation=d.get("allocation"), pct_low=_num(d, "pct_low"),
                    pct_high=_num(d, "pct_high"))


def _observation(f: _File, d: dict[str, Any], i: int, runs: list[str]) -> Observation:
    t = "observation"
    _check_keys(f, d, OBSERVATION, t, i)
    kind = _choice(f, d["kind"], OBSERVATION_KINDS, "kind", t, i)
    _choice(f, d["confidence"], CONFIDENCES, "confidence", t, i)
    metric = _choice(f, d.get("metric", "peak"), METRICS, "metric", t, i)
    need = {"shortfall": ("node", "observed"), "price": ("mineral", "observed"),
            "shock_input": ("mineral",)}[kind]
    for k in need:
        if k not in d:
            raise f.error(f"[[{t}]] {i + 1}: a {kind} observation needs {k!r}", "kind", t, i)
    obs, lo, hi = _num(d, "observed"), _num(d, "low"), _num(d, "high")
    if obs is not None and ((lo is not None and obs < lo) or (hi is not None and obs > hi)):
        raise f.error(f"[[{t}]] {i + 1}: observed {obs:g} is outside [low, high] = "
                      f"[{'-' if lo is None else f'{lo:g}'}, {'-' if hi is None else f'{hi:g}'}]",
                      "observed", t, i)
    for r in d.get("runs", []):
        if r not in runs:
            near = suggest(r, runs, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise f.error(f"[[{t}]] {i + 1}: runs names {r!r}, which is no [[run]] of this "
                          f"file{hint}", "runs", t, i)
    series = []
    for p in d.get("series", []):
        _check_keys(f, p, POINT, t, i)
        series.append(SeriesPoint(month=p["month"], value=float(p["value"]), source=p["source"],
                                  year_earlier=_num(p, "year_earlier")))
    return Observation(
        id=d["id"], title=d["title"], kind=kind, unit=d["unit"], window=tuple(d["window"]),
        source=d["source"], as_of=d["as_of"], confidence=d["confidence"],
        rationale=d["rationale"], node=d.get("node"), mineral=d.get("mineral"),
        before=d.get("before"), after=d.get("after"), observed=obs, low=lo, high=hi,
        metric=metric, runs=tuple(d.get("runs", [])), series=tuple(series))


def load_event(path: Path) -> Event:
    """Read and check one event file."""
    f = _File(path)
    try:
        d = tomllib.loads(f.text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+)", str(e))
        raise IngestError(f.shown(), f"not valid TOML: {e}",
                          row=int(m.group(1)) if m else None) from None
    _check_keys(f, d, TOP, None, 0)
    if d["name"] != path.stem:
        raise f.error(f"name {d['name']!r} differs from the file name {path.stem!r}", "name")
    for k in ("shock", "run", "observation"):
        if not d[k]:
            raise f.error(f"needs at least one [[{k}]]", k)
    shocks = tuple(_shock(f, s, i) for i, s in enumerate(d["shock"]))
    runs = tuple(_run(f, r, i) for i, r in enumerate(d["run"]))
    names = [r.name for r in runs]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise f.error(f"[[run]] {i + 1}: run name {n!r} is used twice", "name", "run", i)
    obs = tuple(_observation(f, o, i, names) for i, o in enumerate(d["observation"]))
    ids = [o.id for o in obs]
    for i, n in enumerate(ids):
        if n in ids[:i]:
            raise f.error(f"[[observation]] {i + 1}: id {n!r} is used twice", "id",
                          "observation", i)
    ev = Event(name=d["name"], title=d["title"], period=tuple(d["period"]),
               summary=d["summary"].strip(), shocks=shocks, runs=runs, observations=obs,
               parameters_informed=tuple(d["parameters_informed"]),
               parameters_note=d["parameters_note"], not_used_for=d["not_used_for"],
               path=f.shown())
    return Event(**{**ev.__dict__, "sources": event_sources(ev)})


def load_events(folder: Path | None = None) -> dict[str, Event]:
    """Every ``*.toml`` in ``folder`` (default: the shipped events), by name."""
    folder = EVENTS_DIR if folder is None else folder
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise IngestError(rel(folder), "no event files (*.toml)")
    return {ev.name: ev for ev in (load_event(p) for p in files)}


def find_event(name: str, events: dict[str, Event]) -> Event:
    """The event called ``name``; an unknown name raises with the nearest names."""
    key = name.strip()
    if key in events:
        return events[key]
    near = suggest(key, list(events), n=3)
    for n in events:  # 'galium' -> gallium-germanium-2023: a close part of the name
        if n not in near and (key.casefold() in n.casefold()
                              or suggest(key, n.split("-"), n=1)):
            near.append(n)
    raise UnknownNodeError(key, near, what="event")


__all__ = ["EVENTS_DIR", "find_event", "load_event", "load_events"]
