"""Backtests: run a documented historical shock through the shock engine, set model beside observed.

:func:`backtest` takes an :class:`~riskgraph.graph.events.Event` (loaded by the CLI from
``ingest/data/events/``) and runs each of its :class:`~riskgraph.graph.events.ModelRun` with
:func:`riskgraph.engine.shock.run_shock`.  Options the engine does not offer yet
(``--exports-to``, ``--horizon``/``--duration``, ``--allocation``) are left out and said so; a
run that cannot be stated without one (an export control without ``exports_to``) is not run.

Each observation that judges a run gets one comparison:

* ``shortfall`` - the modelled shortfall of the observation's node over its window.  With the
  dynamic model (a monthly path in the result) the path is read over the calendar months of the
  window (``peak`` or ``mean``; months before the run starts or after its horizon count as 0);
  without it the static shortfall is held over the run's months (``duration``, or every month
  from the start) that fall in the window: no lags, no inventories, an upper bound for a
  temporary cut.
* ``price`` - the run's indicative price ratio for the mineral (the market model's price
  pressure, central with low/high), when the engine gives one.
* ``shock_input`` - never compared: the record sizes the run, so it cannot judge it.

Verdict: ``within`` the observed range, ``above`` or ``below`` it, or ``not comparable`` with the
reason.  Nothing here is fit to the observations (docs/model.md "Backtests").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from riskgraph.errors import RiskgraphError
from riskgraph.graph.events import Event, ModelRun, Observation
from riskgraph.graph.lookup import find_node
from riskgraph.graph.model import GraphData

SCHEMA = "riskgraph.backtest/1"
VERDICTS = ("within", "above", "below", "not comparable")
# run attribute -> (run_shock keyword, CLI option)
OPTIONAL = {
    "exports_to": ("exports_to", "--exports-to"),
    "horizon": ("horizon", "--horizon"),
    "duration": ("duration", "--duration"),
    "allocation": ("allocation", "--allocation"),
}
_EPS = 1e-9  # float noise only; the observed ranges carry every tolerance
TOP = 5  # most affected nodes reported per run (context, not compared)

Runner = Callable[..., dict[str, Any]]


def _default_runner() -> Runner:
    from riskgraph.engine.shock import run_shock

    return run_shock


def supported_options(runner: Runner) -> set[str]:
    """Keyword arguments ``runner`` accepts (so a backtest uses what the engine offers)."""
    try:
        return set(inspect.signature(runner).parameters)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return set()


def months_between(a: str, b: str) -> int:
    """Calendar months from ``a`` to ``b`` (``YYYY-MM``): ``2023-08`` -> ``2023-10`` is 2."""
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def command_line(r: ModelRun, used: dict[str, Any]) -> str:
    """The ``riskgraph shock`` command the run amounts to (only the options it used)."""
    parts = ["riskgraph shock", r.target, f"--pct {r.pct:g}"]
    if r.country:
        parts.append(f"--country {r.country}")
    for attr, (kw, opt) in OPTIONAL.items():
        if kw in used:
            parts.append(f"{opt} {getattr(r, attr)}")
    return " ".join(parts)


def verdict(model: float, low: float | None, high: float | None) -> str:
    """``within``, ``above`` or ``below`` the observed range (an open bound never binds)."""
    if low is not None and model < low - _EPS:
        return "below"
    if high is not None and model > high + _EPS:
        return "above"
    return "within"


# -- reading a result --------------------------------------------------------------------------
def _node_entry(result: dict[str, Any], node_id: str) -> dict[str, Any] | None:
    return next((n for n in result.get("nodes", []) if n.get("id") == node_id), None)


def monthly_path(result: dict[str, Any], node_id: str) -> list[float] | None:
    """A node's monthly shortfall path in a shock result (``dynamic.nodes[].path``, schema
    ``riskgraph.shock/2``); ``None`` when the result is static only.  A node the dynamic block
    does not list was not affected: its path is zeros."""
    dyn = result.get("dynamic")
    if not isinstance(dyn, dict) or not isinstance(dyn.get("nodes"), list):
        return None
    for n in dyn["nodes"]:
        if isinstance(n, dict) and n.get("id") == node_id and isinstance(n.get("path"), list):
            return [float(x) for x in n["path"]]
    horizon = dyn.get("horizon")
    return [0.0] * int(horizon) if isinstance(horizon, int) else None


def price_signal(result: dict[str, Any], mineral_id: str) -> dict[str, float] | None:
    """``{"central", "low", "high"}`` price ratio P1/P0 for ``mineral_id``, if the result has it.

    Reads ``market.minerals[].price`` (engine/market.py: ``ratio``, ``ratio_low``,
    ``ratio_high``), else ``market.price_pressure``/``market.price`` (a dict by mineral id, or a
    list of dicts with ``mineral``); a percent change ``pct`` is turned into a ratio.
    """
    market = result.get("market")
    if not isinstance(market, dict):
        return None
    for m in market.get("minerals") or []:  # engine/market.py block: minerals[].price
        if isinstance(m, dict) and m.get("id") == mineral_id and isinstance(m.get("price"), dict):
            got = _ratio_triplet(m["price"])
            if got is not None:
                return got
    for key in ("price_pressure", "price", "prices"):
        block = market.get(key)
        entry = None
        if isinstance(block, dict):
            entry = block.get(mineral_id)
            if entry is None and block.get("mineral") == mineral_id:
                entry = block
        elif isinstance(block, list):
            entry = next((b for b in block if isinstance(b, dict)
                          and b.get("mineral") == mineral_id), None)
        if isinstance(entry, dict):
            out = _ratio_triplet(entry)
            if out is not None:
                return out
    return None


def _ratio_triplet(e: dict[str, Any]) -> dict[str, float] | None:
    def num(*keys: str) -> float | None:
        for k in keys:
            v = e.get(k)
            if isinstance(v, int | float) and not isinstance(v, bool):
                return float(v)
        return None

    central = num("ratio", "central", "value", "price_ratio")
    if central is not None:
        lo, hi = num("low", "ratio_low"), num("high", "ratio_high")
        return {"central": central, "low": central if lo is None else lo,
                "high": central if hi is None else hi}
    pct = num("pct", "change_pct")
    if pct is not None:
        lo, hi = num("pct_low", "low_pct"), num("pct_high", "high_pct")
        return {"central": 1 + pct / 100, "low": 1 + (pct if lo is None else lo) / 100,
                "high": 1 + (pct if hi is None else hi) / 100}
    return None


# -- comparisons -------------------------------------------------------------------------------
def _base(o: Observation) -> dict[str, Any]:
    return {
        "observation": o.id, "title": o.title, "kind": o.kind, "unit": o.unit,
        "node": o.node, "mineral": o.mineral, "window": list(o.window), "metric": o.metric,
        "observed": o.observed, "observed_low": o.low, "observed_high": o.high,
        "before": o.before, "after": o.after, "source": o.source, "as_of": o.as_of,
        "confidence": o.confidence,
        "model": None, "model_low": None, "model_high": None, "model_basis": None,
        "model_static": None, "model_path": None, "node_name": None,
        "model_band": None, "band_verdict": None, "band_note": None,
        "verdict": "not comparable", "why": None,
    }


def _window_months(o: Observation) -> list[str]:
    a, b = o.window
    out = []
    y, m = int(a[:4]), int(a[5:7])
    for _ in range(months_between(a, b) + 1):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _read_window(value: Callable[[int], float], o: Observation, r: ModelRun) -> float:
    """Peak or mean of a monthly path (``value(k)``, month k = 1.. of the run) over the
    observation's window; months before the run count as 0."""
    got = [value(k) if k >= 1 else 0.0
           for k in (months_between(r.start, mo) + 1 for mo in _window_months(o))]
    return max(got) if o.metric == "peak" else sum(got) / len(got)


def _resolve(graph: GraphData, name: str, out: dict[str, Any], key: str) -> str | None:
    """The node ``name`` names, recorded in ``out`` under ``key`` (and ``node_name``); ``None``
    with ``out["why"]`` set when the graph cannot express it."""
    try:
        nid = find_node(graph, name)
    except RiskgraphError as e:
        out["why"] = f"the graph cannot express it: {e}"
        return None
    out[key] = nid
    out["node_name"] = graph.nodes[nid].name
    return nid


def compare_shortfall(graph: GraphData, o: Observation, r: ModelRun, result: dict[str, Any]
                      ) -> dict[str, Any]:
    out = _base(o)
    assert o.node is not None
    nid = _resolve(graph, o.node, out, "node")
    if nid is None:
        return out
    out["_sampled"] = bool(result.get("monte_carlo"))
    entry = _node_entry(result, nid)
    static = float(entry["shortfall"]) if entry else 0.0
    out["model_static"] = static
    path = monthly_path(result, nid)
    if path is not None:
        model = _read_window(lambda k: path[k - 1] if k <= len(path) else 0.0, o, r)
        out["model_path"] = path
        out["model_basis"] = (f"dynamic model ({len(path)} months from {r.start}), "
                              f"{o.metric} of the monthly path over "
                              f"{o.window[0]}..{o.window[1]}; static (long-run) {static:.4g}")
    else:
        last = r.duration

        def held(k: int) -> float:
            return static if last is None or k <= last else 0.0

        model = _read_window(held, o, r)
        span = f"{last} months" if last is not None else "every month"
        out["model_basis"] = (f"static shortfall {static:.4g} held for {span} from {r.start} "
                              f"(no lags, no inventories: an upper bound for a temporary cut), "
                              f"{o.metric} over {o.window[0]}..{o.window[1]}")
    out["model"] = model
    out["verdict"] = verdict(model, o.low, o.high)
    _band(out, o, r, entry, path)
    del out["_sampled"]
    return out


def _band(out: dict[str, Any], o: Observation, r: ModelRun, entry: dict[str, Any] | None,
          path: list[float] | None) -> None:
    """The Monte Carlo band of the model figure (``--samples``), where the result gives one
    for the figure compared: the static shortfall's band for a static run read at its peak,
    the dynamic peak's band when the window spans the whole horizon."""
    mc = (entry or {}).get("monte_carlo")
    if entry is None and out.get("_sampled"):
        out["band_note"] = "not affected in the point run: the Monte Carlo lists no band"
    if not isinstance(mc, dict):
        return
    band = None
    if path is None and o.metric == "peak" and (
            months_between(r.start, o.window[0]) <= 0 <= months_between(r.start, o.window[1])):
        band = mc  # the static figure, held from the run's start, which the window holds
    elif path is not None and o.metric == "peak" and isinstance(mc.get("peak"), dict):
        first = months_between(r.start, o.window[0]) + 1
        last = months_between(r.start, o.window[1]) + 1
        if first <= 1 and last >= len(path):
            band = mc["peak"]
    if band is None:
        out["band_note"] = ("no band: the Monte Carlo gives the static figure and the peak over "
                            "the whole horizon, not this window's " + o.metric)
        return
    out["model_band"] = {k: float(band[k]) for k in ("p5", "median", "p95")}
    lo, hi = out["model_band"]["p5"], out["model_band"]["p95"]
    if (o.high is None or lo <= o.high + _EPS) and (o.low is None or hi >= o.low - _EPS):
        out["band_verdict"] = "overlaps"
    else:
        out["band_verdict"] = "above" if o.high is not None and lo > o.high + _EPS else "below"


def compare_price(graph: GraphData, o: Observation, result: dict[str, Any]) -> dict[str, Any]:
    out = _base(o)
    assert o.mineral is not None
    mid = _resolve(graph, o.mineral, out, "mineral")
    if mid is None:
        return out
    sig = price_signal(result, mid)
    if sig is None:
        out["why"] = (f"the shock engine gives no price signal for {mid} in this run "
                      "(issue 13 item 6: market.price_pressure)")
        return out
    horizon = (result.get("market") or {}).get("horizon")
    out.update(model=sig["central"], model_low=sig["low"], model_high=sig["high"],
               model_basis="indicative price ratio from the net shortfall after supply "
                           "response and the elasticities (central, low-high)"
                           + (f"; {horizon}" if isinstance(horizon, str) else ""),
               verdict=verdict(sig["central"], o.low, o.high))
    return out


def compare(graph: GraphData, o: Observation, r: ModelRun, result: dict[str, Any] | None,
            reason: str | None = None) -> dict[str, Any]:
    """One observation against one run's result (``result`` None: the run did not run)."""
    if o.kind == "shock_input":
        out = _base(o)
        out["why"] = "a record of the shock: it sizes the runs, so it cannot judge them"
        return out
    if result is None:
        out = _base(o)
        out["why"] = f"the run did not run: {reason}"
        return out
    if o.kind == "price":
        return compare_price(graph, o, result)
    return compare_shortfall(graph, o, r, result)


# -- runs and the event ------------------------------------------------------------------------
def run_model(graph: GraphData, r: ModelRun, runner: Runner, supported: set[str],
              **extra: Any) -> tuple[dict[str, Any] | None, dict[str, Any], list[str], str | None]:
    """Run ``r``; returns (result or None, the keywords used, notes, why it did not run)."""
    kwargs: dict[str, Any] = {"country": r.country, "top": max(1, len(graph)), **extra}
    notes: list[str] = []
    for attr, (kw, opt) in OPTIONAL.items():
        v = getattr(r, attr)
        if v is None:
            continue
        if kw in supported:
            kwargs[kw] = v
        elif attr == "exports_to":
            return None, kwargs, notes, (f"an export control needs {opt}, which this shock "
                                         "engine does not offer yet")
        elif attr in ("horizon", "duration"):
            notes.append(f"{opt} {v} not available in this engine: static answer used")
        else:
            notes.append(f"{opt} {v} not available in this engine: its default rule used")
    kwargs = {k: v for k, v in kwargs.items() if k in supported or k in ("country", "top")}
    try:
        result = runner(graph, r.target, r.pct, **kwargs)
    except RiskgraphError as e:
        return None, kwargs, notes, str(e)
    return result, kwargs, notes, None


def backtest(graph: GraphData, event: Event, *, runner: Runner | None = None,
             samples: int = 0, seed: int | None = None, **extra: Any) -> dict[str, Any]:
    """Run every model run of ``event`` on ``graph``; model vs observed per observation.

    ``samples``/``seed``: Monte Carlo draws of every run (weights and structural assumptions,
    engine/montecarlo.py); comparisons then carry the model's p5-p95 band where the result
    has one for the figure compared.  ``extra`` goes to every ``run_shock`` call (e.g.
    ``compiled=`` to compile once).  Returns the ``riskgraph.backtest/1`` dict.
    """
    runner = runner or _default_runner()
    supported = supported_options(runner)
    if samples > 0 and "samples" in supported:
        extra = {**extra, "samples": samples, "seed": seed}
    runs = []
    for r in event.runs:
        result, used, notes, why = run_model(graph, r, runner, supported, **extra)
        comps = [compare(graph, o, r, result, why) for o in event.observations_for(r.name)]
        counts = {v: sum(c["verdict"] == v for c in comps) for v in VERDICTS}
        runs.append({
            "name": r.name,
            "command": command_line(r, used),
            "target": r.target, "pct": r.pct, "pct_low": r.pct_low, "pct_high": r.pct_high,
            "country": r.country, "exports_to": r.exports_to, "start": r.start,
            "horizon": r.horizon, "duration": r.duration, "allocation": r.allocation,
            "confidence": r.confidence, "rationale": r.rationale, "source": r.source,
            "status": "ran" if result is not None else "not run",
            "why_not_run": why,
            "notes": notes,
            "affected": None if result is None else result.get("affected"),
            "top": [] if result is None else [
                {"id": n["id"], "name": n.get("name", n["id"]), "shortfall": n["shortfall"]}
                for n in result.get("nodes", [])[:TOP]],
            "comparisons": comps,
            "verdicts": counts,
        })
    return {
        "schema": SCHEMA,
        "event": event_block(event),
        "monte_carlo": ({"samples": samples, "seed": 0 if seed is None else int(seed)}
                        if samples > 0 and "samples" in supported else None),
        "runs": runs,
    }


def event_block(event: Event) -> dict[str, Any]:
    """The event's description as the backtest reports it."""
    return {
        "name": event.name, "title": event.title, "period": list(event.period),
        "summary": event.summary, "file": event.path,
        "parameters_informed": list(event.parameters_informed),
        "parameters_note": event.parameters_note, "not_used_for": event.not_used_for,
        "sources": len(event.sources),
        "shocks": [{"target": s.target, "country": s.country, "kind": s.kind,
                    "exports_to": s.exports_to, "start": s.start, "end": s.end, "pct": s.pct,
                    "pct_low": s.pct_low, "pct_high": s.pct_high,
                    "description": s.description, "source": s.source,
                    "confidence": s.confidence} for s in event.shocks],
        "shock_records": [{"observation": o.id, "title": o.title, "unit": o.unit,
                           "series": [{"month": p.month, "value": p.value,
                                       "year_earlier": p.year_earlier, "source": p.source}
                                      for p in o.series]}
                          for o in event.observations if o.series],
    }


def listing(events: dict[str, Event]) -> list[dict[str, Any]]:
    """One row per event: name, title, period, how many sources, runs and observations."""
    return [{"name": e.name, "title": e.title, "period": list(e.period),
             "sources": len(e.sources), "runs": len(e.runs),
             "observations": sum(o.kind != "shock_input" for o in e.observations)}
            for e in sorted(events.values(), key=lambda e: e.name)]


__all__ = ["SCHEMA", "VERDICTS", "backtest", "compare", "event_block", "listing",
           "monthly_path", "months_between", "price_signal", "verdict"]
