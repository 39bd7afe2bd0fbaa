"""Documented historical shocks (backtests) as plain data.

An event file (``ingest/data/events/NAME.toml``, loaded by :mod:`riskgraph.ingest.events`) holds
three things, each figure with its source and confidence:

* :class:`ShockStep` - the shock as it happened (which mineral or input, whose exports or
  output, from when to when, how large);
* :class:`ModelRun` - how riskgraph runs it (the ``riskgraph shock`` options, with the reasoning
  that turns the shock records into a size);
* :class:`Observation` - what was observed afterwards (prices, trade, output), the range the model
  is judged against.

The engine (:mod:`riskgraph.engine.backtest`) runs an :class:`Event` on a graph and compares.
No model parameter may be fit to the observed outcomes of the event that judges it: each event
says which parameters it informed (``parameters_informed``; normally none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SHOCK_KINDS = ("exports", "production")
"""``exports``: the country's exports (to ``exports_to``, or to everyone) were cut;
``production``: its output was."""

OBSERVATION_KINDS = ("shortfall", "price", "shock_input")
"""``shortfall``: a node's output or flow fell by a fraction (compared with the node's modelled
shortfall); ``price``: a price ratio after/before (compared with the run's price signal);
``shock_input``: a record of the shock itself (it sizes the runs, so it judges nothing)."""

METRICS = ("peak", "mean")
"""How a monthly model path is read over an observation's window: its peak, or its mean
(annual figures: months without shock count as 0)."""


@dataclass(frozen=True)
class ShockStep:
    """One documented step of the shock."""

    target: str  # what was cut: a mineral, input or company (name or id)
    country: str | None
    kind: str  # SHOCK_KINDS
    start: str  # YYYY-MM
    end: str | None  # YYYY-MM, None = still in force
    pct: float  # size, percent of the flow ``kind`` names
    pct_low: float
    pct_high: float
    description: str
    source: str
    confidence: str
    exports_to: str | None = None


@dataclass(frozen=True)
class ModelRun:
    """One ``riskgraph shock`` run of the event (the options and why)."""

    name: str
    target: str
    pct: float
    start: str  # YYYY-MM: the calendar month of the dynamic model's month 1
    rationale: str
    source: str
    confidence: str
    country: str | None = None
    exports_to: str | None = None
    horizon: int | None = None  # months; None = the static answer only
    duration: int | None = None  # months the cut lasts; None = the whole horizon
    allocation: str | None = None
    pct_low: float | None = None
    pct_high: float | None = None


@dataclass(frozen=True)
class SeriesPoint:
    """One figure of an observed series (e.g. exports in one month)."""

    month: str  # YYYY-MM or YYYY-MM..YYYY-MM
    value: float
    source: str
    year_earlier: float | None = None


@dataclass(frozen=True)
class Observation:
    """An observed outcome (or shock record) with the range the model is judged against."""

    id: str
    title: str
    kind: str  # OBSERVATION_KINDS
    unit: str
    window: tuple[str, str]  # YYYY-MM, YYYY-MM
    source: str
    as_of: str
    confidence: str
    rationale: str
    node: str | None = None  # shortfall: the graph node compared
    mineral: str | None = None  # price, shock_input
    before: str | None = None
    after: str | None = None
    observed: float | None = None
    low: float | None = None  # None = open below
    high: float | None = None  # None = open above
    metric: str = "peak"  # METRICS
    runs: tuple[str, ...] = ()  # run names it judges; () = every run
    series: tuple[SeriesPoint, ...] = ()


@dataclass(frozen=True)
class Event:
    """A documented historical shock: what happened, how it is run, what was observed."""

    name: str
    title: str
    period: tuple[str, str]
    summary: str
    shocks: tuple[ShockStep, ...]
    runs: tuple[ModelRun, ...]
    observations: tuple[Observation, ...]
    parameters_informed: tuple[str, ...]
    parameters_note: str
    not_used_for: str
    path: str = ""
    sources: tuple[str, ...] = field(default=(), compare=False)

    def observations_for(self, run: str) -> list[Observation]:
        """The observations that judge run ``run`` (shock records included)."""
        return [o for o in self.observations if not o.runs or run in o.runs]


def event_sources(ev: Event) -> tuple[str, ...]:
    """Every distinct source an event cites (shock steps, runs, observations, series)."""
    out: dict[str, None] = {}
    for s in ev.shocks:
        out.setdefault(s.source)
    for r in ev.runs:
        out.setdefault(r.source)
    for o in ev.observations:
        out.setdefault(o.source)
        for p in o.series:
            out.setdefault(p.source)
    return tuple(out)


__all__ = [
    "METRICS", "OBSERVATION_KINDS", "SHOCK_KINDS", "Event", "ModelRun", "Observation",
    "SeriesPoint", "ShockStep", "event_sources",
]
