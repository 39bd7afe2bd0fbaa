"""Mineral markets and inventory cover (``ingest/data/markets/``, issue 13).

Four CSV files, validated against the merged graph before anything is written (file, line,
column and the nearest valid name in every error):

* ``end_uses.csv`` – per mineral, the shares of world consumption by end use (they sum to 1,
  within 0.02), the graph nodes each use covers (``|``-separated INPUT_TO targets of the
  mineral; empty for uses outside the graph), the priority rank by value per unit of mineral
  (1 = highest) with its basis, and the fraction substitutable within 12 months.
* ``supply.csv`` – per mineral, supply-response parameters (names in
  :data:`riskgraph.graph.markets.SUPPLY_PARAMS`) with low/high and unit.
* ``cost_shares.csv`` – the cost share of the mineral in each graph product it feeds.
* ``inventories.csv`` – weeks of input cover by scope: a layer name, ``kind:<kind>`` or a node
  id; a node takes the most specific row (node id beats kind beats layer).
* ``capital_goods.csv`` (optional) – suppliers whose deliveries are capital goods (tools): the
  months of their deliveries a customer's installed base embodies, by scope ``role:<role>``
  (company role), ``type:<type>`` (a node's ``type`` prop, e.g. CSET ``tool_resource``) or a
  node id (node id beats role beats type).

Every row carries ``source``, ``as_of`` and ``confidence`` (``reported`` cites a document and
page/table; ``estimated`` needs a rationale).  The loader runs after the other loaders (it needs
their nodes and INPUT_TO arcs): :func:`apply` writes the ``mkt_*`` props on mineral nodes and
the ``inventory_*`` props on every node a scope reaches, in place.  Read them back with
:mod:`riskgraph.graph.markets`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.errors import IngestError, suggest
from riskgraph.graph import schema
from riskgraph.graph.markets import (
    LAYERS,
    SUPPLY_PARAMS,
    Capital,
    CostShare,
    EndUse,
    Inventory,
    MineralMarket,
    Range,
    SupplyParam,
    capital_props,
    inventory_props,
    market_props,
)
from riskgraph.graph.model import GraphData
from riskgraph.ingest.base import DATA_DIR, SourceInfo, read_csv_rows, rel

FOLDER = "markets"
SHARE_TOLERANCE = 0.02  # end-use shares of a mineral sum to 1 within this

SOURCE = SourceInfo(
    key="markets",
    title="Mineral end uses, supply response, cost shares and inventory cover",
    citation=(
        "riskgraph team, ingest/data/markets/*.csv; shares and parameters cite USGS Mineral "
        "Commodity Summaries tables (shipped copies), filings and market reports per row, or are "
        "estimated with a range and a rationale (see ingest/data/markets/README.md)"
    ),
    licence="USGS data: public domain; company filings: public; riskgraph compilation CC BY 4.0",
    as_of="2024",
    path="markets/",
)

END_USE_COLUMNS: tuple[str, ...] = (
    "mineral", "use", "name", "share", "share_low", "share_high", "nodes", "priority",
    "priority_basis", "substitution", "substitution_low", "substitution_high", "source", "as_of",
    "confidence", "rationale",
)
SUPPLY_COLUMNS: tuple[str, ...] = (
    "mineral", "parameter", "value", "low", "high", "unit", "source", "as_of", "confidence",
    "rationale",
)
COST_COLUMNS: tuple[str, ...] = (
    "mineral", "node", "share", "share_low", "share_high", "source", "as_of", "confidence",
    "rationale",
)
INVENTORY_COLUMNS: tuple[str, ...] = (
    "scope", "weeks", "low", "high", "source", "as_of", "confidence", "rationale",
)
FILES: tuple[str, ...] = ("end_uses", "supply", "cost_shares", "inventories")
CAPITAL_FILE = "capital_goods"  # optional
CAPITAL_COLUMNS: tuple[str, ...] = (
    "scope", "months", "low", "high", "source", "as_of", "confidence", "rationale",
)
_USE_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass
class Markets:
    """What the files say, validated: markets by mineral id, inventory rows by scope."""

    markets: dict[str, MineralMarket] = field(default_factory=dict)
    inventories: dict[str, Inventory] = field(default_factory=dict)  # scope -> cover
    capital: dict[str, Capital] = field(default_factory=dict)  # scope -> installed base
    rows: int = 0
    files: list[str] = field(default_factory=list)


def load(graph: GraphData, data_dir: Path = DATA_DIR) -> Markets:
    """Read and validate ``<data_dir>/markets/*.csv`` against ``graph``.

    Parameters
    ----------
    graph : GraphData
        The merged graph (mineral nodes, their INPUT_TO arcs, layers and kinds).
    data_dir : Path
        Folder holding ``markets/``.

    Returns
    -------
    Markets
        Markets by mineral node id and inventory cover by scope.

    Raises
    ------
    IngestError
        For any invalid row (file, line, column, reason, nearest valid name).
    """
    folder = Path(data_dir) / FOLDER
    paths = {n: folder / f"{n}.csv" for n in FILES}
    for p in paths.values():
        if not p.exists():
            raise IngestError(p, "missing markets file")
    ctx = _Context(graph)
    uses, n1 = _read_end_uses(paths["end_uses"], ctx)
    supply, n2 = _read_supply(paths["supply"], ctx)
    costs, n3 = _read_costs(paths["cost_shares"], ctx)
    inv, n4 = _read_inventories(paths["inventories"], ctx)
    cap_path = folder / f"{CAPITAL_FILE}.csv"
    cap, n5 = _read_capital(cap_path, ctx) if cap_path.exists() else ({}, 0)
    files = [rel(p) for p in paths.values()] + ([rel(cap_path)] if cap_path.exists() else [])
    out = Markets(inventories=inv, capital=cap, rows=n1 + n2 + n3 + n4 + n5, files=files)
    for mid in sorted(set(uses) | set(supply) | set(costs)):
        out.markets[mid] = MineralMarket(
            mineral=mid, uses=tuple(uses.get(mid, [])), supply=supply.get(mid, {}),
            cost_shares=tuple(costs.get(mid, [])))
    return out


def apply(graph: GraphData, data_dir: Path = DATA_DIR) -> Markets:
    """Load the markets files and write their props onto ``graph``'s nodes (in place).

    Mineral nodes get the ``mkt_*`` lists of their market; every node a scope of
    inventories.csv reaches gets ``inventory_*`` props (node id beats ``kind:`` beats layer).
    A data folder without ``markets/`` leaves the graph unchanged.
    """
    if not (Path(data_dir) / FOLDER).is_dir():
        return Markets()
    m = load(graph, data_dir)
    for mid, market in m.markets.items():
        graph.nodes[mid].props.update(market_props(market))
    for nid in sorted(graph.nodes):
        node = graph.nodes[nid]
        inv = (m.inventories.get(nid) or m.inventories.get(f"kind:{node.kind}")
               or m.inventories.get(node.layer))
        if inv is not None:
            node.props.update(inventory_props(inv))
        cap = m.capital.get(nid)
        for role in node.roles:
            cap = cap or m.capital.get(f"role:{role}")
        cap = cap or m.capital.get(f"type:{node.props.get('type')}")
        if cap is not None:
            node.props.update(capital_props(cap))
    return m


# -- shared checks ------------------------------------------------------------------------------
class _Context:
    """The graph's minerals, their INPUT_TO targets, kinds and layers (for names and hints)."""

    def __init__(self, graph: GraphData) -> None:
        self.graph = graph
        self.minerals = sorted(n.id for n in graph.nodes.values() if n.kind == "mineral")
        self.targets: dict[str, list[str]] = defaultdict(list)
        for e in graph.iter_edges(["INPUT_TO"]):
            src = graph.nodes.get(e.src)
            if src is not None and src.kind == "mineral" and e.dst not in self.targets[e.src]:
                self.targets[e.src].append(e.dst)
        self.kinds = sorted({n.kind for n in graph.nodes.values()})
        self.layers = sorted(set(LAYERS) | {n.layer for n in graph.nodes.values() if n.layer})

    def mineral(self, raw: str, path: Path, line: int) -> str:
        v = raw.strip()
        if not v:
            raise IngestError(path, "empty mineral", row=line, column="mineral")
        mid = v if v.startswith("mineral:") else f"mineral:{v}"
        if mid in self.graph.nodes and self.graph.nodes[mid].kind == "mineral":
            return mid
        slugs = [m.removeprefix("mineral:") for m in self.minerals]
        near = suggest(mid.removeprefix("mineral:"), slugs, n=1)
        hint = "; did you mean " + " or ".join(repr(s) for s in near) + "?" if near else ""
        raise IngestError(path, f"unknown mineral {v!r}{hint}", row=line, column="mineral")

    def target(self, mid: str, raw: str, path: Path, line: int, column: str) -> str:
        """A graph node ``mid`` feeds through an INPUT_TO arc."""
        v = raw.strip()
        fed = self.targets.get(mid, [])
        if v in fed:
            return v
        if v not in self.graph.nodes:
            near = suggest(v, list(self.graph.nodes), n=1)
            hint = "; did you mean " + " or ".join(repr(s) for s in near) + "?" if near else ""
            raise IngestError(path, f"unknown node {v!r}{hint}", row=line, column=column)
        feeds = ", ".join(fed) if fed else "none"
        raise IngestError(path, f"{mid} has no INPUT_TO arc to {v} (it feeds: {feeds})",
                          row=line, column=column)


def _text(row: dict[str, str], col: str, path: Path, line: int) -> str:
    v = row[col].strip()
    if not v:
        raise IngestError(path, f"empty {col}", row=line, column=col)
    return v


def _num(row: dict[str, str], col: str, path: Path, line: int) -> float:
    raw = row[col].strip()
    if not raw:
        raise IngestError(path, f"empty {col}", row=line, column=col)
    try:
        v = float(raw)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        raise IngestError(path, f"{raw!r} is not a number", row=line, column=col)
    return v


def _range(row: dict[str, str], cols: tuple[str, str, str], path: Path, line: int,
           conf: str, *, lo_bound: float | None = None, hi_bound: float | None = None) -> Range:
    """``value, low, high`` of a row; reported rows may leave low/high empty (= value)."""
    vcol, locol, hicol = cols
    v = _num(row, vcol, path, line)
    bounds = []
    for col in (locol, hicol):
        if not row[col].strip():
            if conf == "estimated":
                raise IngestError(path, f"an estimated figure needs its range ({locol} and "
                                        f"{hicol})", row=line, column=col)
            bounds.append(v)
        else:
            bounds.append(_num(row, col, path, line))
    lo, hi = bounds
    for col, x in ((vcol, v), (locol, lo), (hicol, hi)):
        if (lo_bound is not None and x < lo_bound) or (hi_bound is not None and x > hi_bound):
            raise IngestError(path, f"{col} {x:g} is outside [{lo_bound:g}, {hi_bound:g}]",
                              row=line, column=col)
    if lo > v:
        raise IngestError(path, f"{locol} {lo:g} is above {vcol} {v:g}", row=line, column=locol)
    if hi < v:
        raise IngestError(path, f"{hicol} {hi:g} is below {vcol} {v:g}", row=line, column=hicol)
    return Range(v, lo, hi)


def _provenance(row: dict[str, str], path: Path, line: int) -> tuple[str, str, str, str]:
    """``source, as_of, confidence, rationale`` of a row (an estimate needs a rationale)."""
    conf = row["confidence"].strip()
    if conf not in schema.CONFIDENCE:
        near = suggest(conf, schema.CONFIDENCE)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise IngestError(path, f"confidence must be reported or estimated, not {conf!r}{hint}",
                          row=line, column="confidence")
    rationale = row["rationale"].strip()
    if conf == "estimated" and not rationale:
        raise IngestError(path, "estimated without a rationale", row=line, column="rationale")
    return _text(row, "source", path, line), _text(row, "as_of", path, line), conf, rationale


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    _, rows = read_csv_rows(path, columns)
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    return rows


# -- the four files -----------------------------------------------------------------------------
def _read_end_uses(path: Path, ctx: _Context) -> tuple[dict[str, list[EndUse]], int]:
    rows = _rows(path, END_USE_COLUMNS)
    out: dict[str, list[EndUse]] = defaultdict(list)
    first: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    owner: dict[tuple[str, str], tuple[str, int]] = {}  # (mineral, node) -> (use, line)
    for line, row in rows:
        mid = ctx.mineral(row["mineral"], path, line)
        first.setdefault(mid, line)
        use = _text(row, "use", path, line)
        if not _USE_ID.fullmatch(use):
            raise IngestError(path, f"use {use!r} is not a short id (lower-case letters, digits, "
                                    "'_' and '-')", row=line, column="use")
        if (mid, use) in seen:
            raise IngestError(path, f"duplicate use {use!r} of {mid} (first on line "
                                    f"{seen[(mid, use)]})", row=line, column="use")
        seen[(mid, use)] = line
        src, as_of, conf, rat = _provenance(row, path, line)
        share = _range(row, ("share", "share_low", "share_high"), path, line, conf,
                       lo_bound=0.0, hi_bound=1.0)
        sub = _range(row, ("substitution", "substitution_low", "substitution_high"), path, line,
                     conf, lo_bound=0.0, hi_bound=1.0)
        nodes: list[str] = []
        for part in row["nodes"].split("|"):
            if not part.strip():
                continue
            nid = ctx.target(mid, part, path, line, "nodes")
            if (mid, nid) in owner:
                other, oline = owner[(mid, nid)]
                raise IngestError(path, f"{nid} is in two uses of {mid}: {other!r} (line {oline}) "
                                        f"and {use!r}", row=line, column="nodes")
            owner[(mid, nid)] = (use, line)
            nodes.append(nid)
        raw_p = _text(row, "priority", path, line)
        if not re.fullmatch(r"[1-9][0-9]*", raw_p):
            raise IngestError(path, f"priority {raw_p!r} is not a rank (1, 2, ...; 1 = highest "
                                    "value per unit of mineral)", row=line, column="priority")
        out[mid].append(EndUse(
            use=use, name=_text(row, "name", path, line), share=share, nodes=tuple(nodes),
            priority=int(raw_p), priority_basis=_text(row, "priority_basis", path, line),
            substitution=sub, source=src, as_of=as_of, confidence=conf, rationale=rat))
    for mid, uses in out.items():
        total = sum(u.share.value for u in uses)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise IngestError(path, f"the shares of {mid} sum to {total:.3f}, not 1 (within "
                                    f"{SHARE_TOLERANCE:g}); add the uses outside the graph",
                              row=first[mid], column="share")
    return dict(out), len(rows)


def _read_supply(path: Path, ctx: _Context) -> tuple[dict[str, dict[str, SupplyParam]], int]:
    rows = _rows(path, SUPPLY_COLUMNS)
    out: dict[str, dict[str, SupplyParam]] = defaultdict(dict)
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        mid = ctx.mineral(row["mineral"], path, line)
        name = _text(row, "parameter", path, line)
        if name not in SUPPLY_PARAMS:
            near = suggest(name, SUPPLY_PARAMS)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown parameter {name!r}{hint}", row=line,
                              column="parameter")
        if (mid, name) in seen:
            raise IngestError(path, f"duplicate parameter {name} of {mid} (first on line "
                                    f"{seen[(mid, name)]})", row=line, column="parameter")
        seen[(mid, name)] = line
        src, as_of, conf, rat = _provenance(row, path, line)
        bounds: dict[str, float | None] = {"lo_bound": None, "hi_bound": None}
        if name in ("spare_capacity", "secondary_supply", "reroute_share"):
            bounds = {"lo_bound": 0.0, "hi_bound": 1.0}
        elif name in ("restart_months", "secondary_months", "stocks_months", "supply_elasticity"):
            bounds = {"lo_bound": 0.0, "hi_bound": None}
        elif name == "demand_elasticity":
            bounds = {"lo_bound": None, "hi_bound": 0.0}
        value = _range(row, ("value", "low", "high"), path, line, conf, **bounds)
        out[mid][name] = SupplyParam(name=name, value=value, unit=_text(row, "unit", path, line),
                                     source=src, as_of=as_of, confidence=conf, rationale=rat)
    ordered = {mid: {k: ps[k] for k in SUPPLY_PARAMS if k in ps} for mid, ps in out.items()}
    return ordered, len(rows)


def _read_costs(path: Path, ctx: _Context) -> tuple[dict[str, list[CostShare]], int]:
    rows = _rows(path, COST_COLUMNS)
    out: dict[str, list[CostShare]] = defaultdict(list)
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        mid = ctx.mineral(row["mineral"], path, line)
        nid = ctx.target(mid, _text(row, "node", path, line), path, line, "node")
        if (mid, nid) in seen:
            raise IngestError(path, f"duplicate cost share of {mid} in {nid} (first on line "
                                    f"{seen[(mid, nid)]})", row=line, column="node")
        seen[(mid, nid)] = line
        src, as_of, conf, rat = _provenance(row, path, line)
        share = _range(row, ("share", "share_low", "share_high"), path, line, conf,
                       lo_bound=0.0, hi_bound=1.0)
        out[mid].append(CostShare(node=nid, share=share, source=src, as_of=as_of,
                                  confidence=conf, rationale=rat))
    return dict(out), len(rows)


def _read_scoped(path: Path, columns: tuple[str, ...], measure: str,
                 check_scope: Callable[[str, int], None], *, positive: bool = False
                 ) -> tuple[dict[str, dict[str, Any]], int]:
    """Rows of a file keyed by ``scope`` (inventories.csv, capital_goods.csv): each scope
    checked by ``check_scope(scope, line)``, once; ``measure`` with its low/high (``positive``:
    low > 0); provenance."""
    rows = _rows(path, columns)
    out: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for line, row in rows:
        scope = _text(row, "scope", path, line)
        check_scope(scope, line)
        if scope in seen:
            raise IngestError(path, f"duplicate scope {scope} (first on line {seen[scope]})",
                              row=line, column="scope")
        seen[scope] = line
        src, as_of, conf, rat = _provenance(row, path, line)
        value = _range(row, (measure, "low", "high"), path, line, conf, lo_bound=0.0)
        if positive and value.low <= 0:
            raise IngestError(path, f"{measure} must be > 0, got {value.low:g}", row=line,
                              column="low")
        out[scope] = {measure: value, "source": src, "as_of": as_of, "confidence": conf,
                      "rationale": rat, "scope": scope}
    return out, len(rows)


def _node_scope(path: Path, ctx: _Context, scope: str, line: int, forms: str) -> None:
    if scope not in ctx.graph.nodes:
        near = suggest(scope, list(ctx.graph.nodes), n=1)
        hint = "; did you mean " + " or ".join(repr(s) for s in near) + "?" if near else ""
        raise IngestError(path, f"unknown node {scope!r}{hint}{forms}", row=line, column="scope")


def _read_inventories(path: Path, ctx: _Context) -> tuple[dict[str, Inventory], int]:
    def check(scope: str, line: int) -> None:
        if scope.startswith("kind:"):
            kind = scope.removeprefix("kind:")
            if kind not in ctx.kinds:
                near = suggest(kind, ctx.kinds)
                hint = f"; did you mean 'kind:{near[0]}'?" if near else ""
                raise IngestError(path, f"unknown kind {kind!r}{hint}", row=line, column="scope")
        elif ":" in scope:
            _node_scope(path, ctx, scope, line, "")
        elif scope not in ctx.layers:
            near = suggest(scope, ctx.layers)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown layer {scope!r}{hint} (a scope is a layer, "
                                    "kind:<kind> or a node id)", row=line, column="scope")

    recs, n = _read_scoped(path, INVENTORY_COLUMNS, "weeks", check)
    return {k: Inventory(**v) for k, v in recs.items()}, n


def _read_capital(path: Path, ctx: _Context) -> tuple[dict[str, Capital], int]:
    roles = sorted({r for n in ctx.graph.nodes.values() for r in n.roles})
    types = sorted({str(n.props["type"]) for n in ctx.graph.nodes.values()
                    if isinstance(n.props.get("type"), str)})

    def check(scope: str, line: int) -> None:
        for prefix, valid in (("role:", roles), ("type:", types)):
            if scope.startswith(prefix):
                value = scope.removeprefix(prefix)
                if value not in valid:
                    near = suggest(value, valid)
                    hint = f"; did you mean '{prefix}{near[0]}'?" if near else ""
                    raise IngestError(path, f"unknown {prefix[:-1]} {value!r}{hint}", row=line,
                                      column="scope")
                return
        _node_scope(path, ctx, scope, line, " (a scope is role:<role>, type:<type> or a node id)")

    recs, n = _read_scoped(path, CAPITAL_COLUMNS, "months", check, positive=True)
    return {k: Capital(**v) for k, v in recs.items()}, n


__all__ = ["SOURCE", "Markets", "apply", "load"]
