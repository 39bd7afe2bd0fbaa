"""CSET ETO Supply Chain Explorer: stages, inputs, the input sequence, providers and market shares.

Source: Emerging Technology Observatory, CSET, Georgetown University, *Supply Chain Explorer*
(github.com/georgetown-cset/eto-chip-explorer @46e0106, ``data/``), shipped unchanged in
``ingest/data/cset/`` with ``LICENSE-NOTE.md`` (repository: CC BY-NC 4.0; dataset page: CC BY 4.0).

What becomes of each file
-------------------------
``stages.csv``
    One ``Stage`` node per row (``stage:`` + slug of the name: ``stage:design``,
    ``stage:fabrication``, ``stage:assembly-testing-and-packaging-atp``), layer ``chips``.
``inputs.csv``
    One ``Input`` node per row, id ``input:`` + slugify(input_name) (``input:wafer``), with props
    ``cset_id``, ``type`` (CSET's: tool_resource, material_resource, process, design_resource,
    ultimate_output), ``description`` (the full text, at most about 1 KB: it is the cited
    definition, so it is not truncated), ``market_size`` (CSET's text, e.g. "$2.9 billion (2025)"),
    ``market_size_year`` and ``market_share_source``.  Layer: ``chips`` for the chip-design side and
    the output (type ``design_resource`` or ``ultimate_output``, and the "Chip design" process
    itself: they *are* chips or chip designs); ``inputs`` for everything else (tools, materials,
    fabrication / ATP processes, EDA and core IP).
``sequence.csv``
    ``goes_into`` -> ``GOES_INTO`` edge input -> the input it goes into: CSET's process
    *sequence* (a tool or step precedes the next), with no quantity (prop
    ``weight_basis = "none in source"``).  It is its own relationship type and does not propagate
    supply shocks (``graph/schema.py``); supply runs through CSET's ``PROVIDES`` market shares and
    the curated ``INPUT_TO`` rows.  Cypher still reaches it: ``MATCH (a)-[:GOES_INTO]->(b)``.
    ``is_type_of`` -> ``IS_TYPE_OF`` edge input -> broader input.  ``PART_OF`` input -> stage
    comes from the ``stage_id`` column of ``inputs.csv`` (11 inputs,
    ``basis = "inputs.csv stage_id"``) and, for the others, by following ``goes_into`` /
    ``is_type_of`` up to an input that has a stage (``basis = "derived: sequence.csv ..."``).
``providers.csv``
    Countries (``provider_type = country``; the name is ISO alpha-3) resolve through the country
    registry.  Firms (``organization``) resolve through the company registry by name, then by any
    of their CSET aliases; otherwise they become a new ``company:`` + slugify(name) node (source:
    ``providers.csv`` line N, roles ``provider`` plus ``equipment`` / ``materials`` /
    ``designer`` from what they provide) with a ``HEADQUARTERED_IN`` edge to their country.
    Quirk: a firm is listed once per alias (same ``provider_id``, e.g. Canon, Canon ANELVA,
    Canon Machinery); the rows are merged into one node with all aliases.
    **Aggregate providers** ("Various countries", "Various companies" and "EUR" = Europe) are not
    entities: their rows stay in the typed tables, get no node and no edge, and the input (or
    stage) they supply records them in the prop ``aggregate_providers``
    (e.g. ``["Various companies: 5.1% (2025)"]``).
``provision.csv``
    ``PROVIDES`` edge provider -> input (or -> stage, for CSET's stage-level shares of design,
    fabrication and ATP), one per (provider, input, **year**): the key ends in the year, every
    year present is kept, and ``newest = True`` marks the newest year for that input and kind of
    provider (countries and firms are ranked separately: CSET gives both for many inputs, each
    adding up to 100%).  ``weight = share_provided / 100``, ``share_pct``, ``year``, ``source`` =
    the row's citation + file and line, confidence ``reported``.  246 rows (all 2019) name a
    provider without a share: those edges carry no ``weight`` and
    ``share_basis = "provider named, no share in source"``.

Share check
-----------
Shares per (input, year, provider kind) may exceed 100% by rounding.  Up to 100.5% passes
silently; up to 105% is kept with a warning (``LoadResult.warnings`` and the ``share_checks``
table): the real data has four such groups, all by country: EDA software 2019 (102.0%), logic
chip design 2022, the design stage 2022 and the fabrication stage 2022 (101.0% each).  Above 105%
the file is wrong (e.g. a provider listed twice) and the loader raises :class:`IngestError`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from riskgraph.errors import IngestError
from riskgraph.graph import schema
from riskgraph.graph.model import Edge, GraphData, Node, PropValue
from riskgraph.graph.names import norm, slugify
from riskgraph.ingest.base import LoadResult, SourceInfo, parse_number, read_csv_rows, rel
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import Resolver

SOURCE = SourceInfo(
    key="cset",
    title="CSET ETO Supply Chain Explorer (semiconductor supply chain)",
    citation=(
        "Emerging Technology Observatory, CSET, Georgetown University, Supply Chain Explorer; "
        "github.com/georgetown-cset/eto-chip-explorer @46e010644c2399c812fd89c62cd6297e9cf58525"
    ),
    licence="CC BY-NC 4.0 (repository LICENSE.md; the dataset page says CC BY 4.0)",
    as_of="2025",
    path="cset",
)

CITE = "CSET ETO Supply Chain Explorer"

STAGE_COLS = ("stage_id", "stage_name", "description", "market_share_chart_global_market_size_info",
              "market_share_chart_caption", "market_share_chart_source")
INPUT_COLS = ("input_id", "input_name", "type", "stage_name", "stage_id", "description", "year",
              "market_share_chart_global_market_size_info", "market_share_chart_source")
SEQUENCE_COLS = ("input_name", "input_id", "goes_into_name", "goes_into_id", "is_type_of_name",
                 "is_type_of_id")
PROVIDER_COLS = ("provider_name", "alias", "provider_id", "provider_type", "country")
PROVISION_COLS = ("provider_name", "provider_id", "provided_name", "provided_id", "share_provided",
                  "year", "source")

INPUT_TYPES = frozenset(
    {"tool_resource", "material_resource", "process", "design_resource", "ultimate_output"}
)
CHIP_TYPES = frozenset({"design_resource", "ultimate_output"})
CHIP_PROCESSES = frozenset({"chip design"})  # norm() of process names that sit in the chips layer
PROVIDER_TYPES = frozenset({"country", "organization"})
# Providers that are not entities (norm() of the name): residual groups and a region.
AGGREGATE_PROVIDERS = frozenset({"various countries", "various companies", "various", "eur"})
# Roles of a new firm from the CSET type of what it provides.
ROLE_OF_TYPE = {"tool_resource": "equipment", "material_resource": "materials",
                "design_resource": "designer"}

SHARE_ROUNDING_PCT = 100.5  # sums up to here are rounding: silent
SHARE_WARN_PCT = 105.0  # sums up to here are kept with a warning; above, IngestError


@dataclass
class _Provider:
    line: int
    pid: str
    name: str
    ptype: str
    country_raw: str
    aliases: list[str]
    node_id: str | None = None  # None for aggregates
    country_id: str | None = None
    registry: bool = False


def _need(path: Path, line: int, row: dict[str, str], col: str) -> str:
    v = row[col].strip()
    if not v:
        raise IngestError(path, "missing value", row=line, column=col)
    return v


def _year(path: Path, line: int, raw: str, col: str, *, allow_missing: bool) -> int | None:
    v = parse_number(raw, path=path, row=line, column=col, allow_missing=allow_missing,
                     minimum=1900, maximum=2100)
    if v is None:
        return None
    if v != int(v):
        raise IngestError(path, f"not a year: {raw.strip()!r}", row=line, column=col)
    return int(v)


def load(data_dir: Path, resolver: Resolver) -> LoadResult:
    """Load the CSET supply-chain tables from ``data_dir / "cset"``.

    Parameters
    ----------
    data_dir : Path
        The ``ingest/data`` folder (or a copy of it).
    resolver : Resolver
        Entity registry for countries (ISO alpha-3) and companies.

    Returns
    -------
    LoadResult
        Typed tables ``stages``, ``inputs``, ``sequence``, ``providers``, ``provision``,
        ``share_checks``; the GraphData fragment; row count; files; share warnings.

    Raises
    ------
    IngestError
        A missing file or column, a bad number or year, an unknown id, country or type, a
        duplicate row, an empty file, or shares of one input adding up to more than 105%.
    """
    folder = data_dir / "cset"
    paths = {name: folder / f"{name}.csv"
             for name in ("stages", "inputs", "sequence", "providers", "provision")}
    for fp in paths.values():
        if not fp.exists():
            raise IngestError(fp, "file not found")
    stages, n_stages = _read_stages(paths["stages"])
    inputs, n_inputs = _read_inputs(paths["inputs"], stages)
    sequence, n_sequence = _read_sequence(paths["sequence"], inputs)
    providers, n_providers = _read_providers(paths["providers"], resolver)
    provision, n_provision = _read_provision(paths["provision"], providers, inputs, stages)
    checks, warnings = _check_shares(paths["provision"], provision, inputs, stages)
    g = GraphData()
    ctx = _Context.of(provision, {k: rel(v) for k, v in paths.items()})
    _add_stages(g, ctx, stages)
    _add_inputs(g, ctx, inputs)
    _add_sequence(g, ctx, inputs, stages, sequence)
    _add_providers(g, ctx, resolver, paths["providers"], providers, provision, inputs)
    _add_provision(g, ctx, provision)
    tables = _tables(stages, inputs, sequence, providers, provision, checks)
    rows_read = n_stages + n_inputs + n_sequence + n_providers + n_provision
    return LoadResult(source=SOURCE, tables=tables, graph=g, rows=rows_read,
                          files=[rel(p) for p in paths.values()], warnings=warnings)




def _read_stages(path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """``stages.csv``: stage id -> row (checked), and the rows read."""
    _, rows = read_csv_rows(path, STAGE_COLS)
    stages: dict[str, dict[str, Any]] = {}
    for line, r in rows:
        sid = _need(path, line, r, "stage_id")
        name = _need(path, line, r, "stage_name")
        if sid in stages:
            raise IngestError(path, f"duplicate stage_id {sid!r} (first on line "
                              f"{stages[sid]['line']})", row=line, column="stage_id")
        stages[sid] = {"line": line, "stage_id": sid, "stage_name": name,
                       "node_id": "stage:" + slugify(name),
                       "description": r["description"].strip(),
                       "market_size": r["market_share_chart_global_market_size_info"].strip(),
                       "caption": r["market_share_chart_caption"].strip(),
                       "market_share_source": r["market_share_chart_source"].strip()}
    if not stages:
        raise IngestError(path, "no data rows")

    return stages, len(rows)


def _read_inputs(path: Path, stages: dict[str, dict[str, Any]]
                 ) -> tuple[dict[str, dict[str, Any]], int]:
    """``inputs.csv``: input id -> row (checked against the stages), and the rows read."""
    _, rows = read_csv_rows(path, INPUT_COLS)
    inputs: dict[str, dict[str, Any]] = {}
    by_slug: dict[str, str] = {}
    for line, r in rows:
        iid = _need(path, line, r, "input_id")
        name = _need(path, line, r, "input_name")
        typ = _need(path, line, r, "type")
        if iid in inputs:
            raise IngestError(path, f"duplicate input_id {iid!r} (first on line "
                              f"{inputs[iid]['line']})", row=line, column="input_id")
        if typ not in INPUT_TYPES:
            raise IngestError(path, f"unknown input type {typ!r}; expected one of "
                              f"{', '.join(sorted(INPUT_TYPES))}", row=line, column="type")
        sid = r["stage_id"].strip()
        if sid and sid not in stages:
            raise IngestError(path, f"unknown stage_id {sid!r} (not in stages.csv)",
                              row=line, column="stage_id")
        node_id = "input:" + slugify(name)
        if node_id in by_slug:
            raise IngestError(path, f"input_name {name!r} gives the id {node_id}, as does "
                              f"{by_slug[node_id]}", row=line, column="input_name")
        by_slug[node_id] = iid
        layer = "chips" if typ in CHIP_TYPES or norm(name) in CHIP_PROCESSES else "inputs"
        inputs[iid] = {"line": line, "input_id": iid, "input_name": name, "type": typ,
                       "stage_id": sid or None, "node_id": node_id, "layer": layer,
                       "description": r["description"].strip(),
                       "year": _year(path, line, r["year"], "year", allow_missing=True),
                       "market_size": r["market_share_chart_global_market_size_info"].strip(),
                       "market_share_source": r["market_share_chart_source"].strip()}
    if not inputs:
        raise IngestError(path, "no data rows")

    return inputs, len(rows)


def _read_sequence(path: Path, inputs: dict[str, dict[str, Any]]
                   ) -> tuple[list[dict[str, Any]], int]:
    """``sequence.csv``: goes-into and is-type-of rows (checked against the inputs)."""
    _, rows = read_csv_rows(path, SEQUENCE_COLS)
    sequence: list[dict[str, Any]] = []
    seen_seq: dict[tuple[str, str, str], int] = {}
    for line, r in rows:
        iid = _need(path, line, r, "input_id")
        _check_input(path, line, r, "input_id", "input_name", inputs)
        into = r["goes_into_id"].strip()
        kind = r["is_type_of_id"].strip()
        if not into and not kind:
            raise IngestError(path, "neither goes_into_id nor is_type_of_id is given",
                              row=line, column="goes_into_id")
        if into:
            _check_input(path, line, r, "goes_into_id", "goes_into_name", inputs)
        if kind:
            _check_input(path, line, r, "is_type_of_id", "is_type_of_name", inputs)
        skey = (iid, into, kind)
        if skey in seen_seq:
            raise IngestError(path, f"duplicate row (same as line {seen_seq[skey]})", row=line)
        seen_seq[skey] = line
        sequence.append({"line": line, "input_id": iid, "goes_into_id": into or None,
                         "is_type_of_id": kind or None})
    if not sequence:
        raise IngestError(path, "no data rows")

    return sequence, len(rows)


def _read_providers(path: Path, resolver: Resolver) -> tuple[dict[str, _Provider], int]:
    """``providers.csv``: provider id -> provider, resolved to a country or company node."""
    _, rows = read_csv_rows(path, PROVIDER_COLS)
    providers: dict[str, _Provider] = {}
    seen_alias: dict[tuple[str, str], int] = {}
    for line, r in rows:
        pid = _need(path, line, r, "provider_id")
        name = _need(path, line, r, "provider_name")
        ptype = _need(path, line, r, "provider_type")
        alias = r["alias"].strip()
        country = r["country"].strip()
        if ptype not in PROVIDER_TYPES:
            raise IngestError(path, f"unknown provider_type {ptype!r}; expected country or "
                              "organization", row=line, column="provider_type")
        akey = (pid, norm(alias))
        if akey in seen_alias:
            raise IngestError(path, f"duplicate row for {pid} (same as line {seen_alias[akey]})",
                              row=line)
        seen_alias[akey] = line
        old = providers.get(pid)
        if old is not None:
            # A firm listed once per alias: the rest of the row must agree.
            for col, mine, theirs in (("provider_name", name, old.name),
                                      ("provider_type", ptype, old.ptype),
                                      ("country", country, old.country_raw)):
                if mine != theirs:
                    raise IngestError(path, f"{pid} has {col} {mine!r} here but {theirs!r} on "
                                      f"line {old.line}", row=line, column=col)
            if alias and alias not in old.aliases:
                old.aliases.append(alias)
            continue
        prov = _Provider(line, pid, name, ptype, country, [alias] if alias else [])
        providers[pid] = prov
        if norm(name) in AGGREGATE_PROVIDERS:
            continue
        if ptype == "country":
            prov.node_id = resolver.resolve(name, "country", path=path, row=line,
                                            column="provider_name")
            continue
        if not country:
            raise IngestError(path, "missing value", row=line, column="country")
        if norm(country) not in AGGREGATE_PROVIDERS:
            prov.country_id = resolver.resolve(country, "country", path=path, row=line,
                                               column="country")
        hit = resolver.lookup(name, "company")
        for a in prov.aliases:
            hit = hit or resolver.lookup(a, "company")
        prov.registry = hit is not None
        prov.node_id = hit or "company:" + slugify(name)
    if not providers:
        raise IngestError(path, "no data rows")
    owner_of: dict[str, str] = {}
    for prov in providers.values():
        if prov.node_id is None:
            continue
        other = owner_of.get(prov.node_id)
        if other is not None and prov.ptype == "organization" and not prov.registry:
            raise IngestError(path, f"{prov.pid} {prov.name!r} gives the id {prov.node_id}, as "
                              f"does {other}", row=prov.line, column="provider_name")
        owner_of[prov.node_id] = prov.pid

    return providers, len(rows)


def _read_provision(path: Path, providers: dict[str, _Provider],
                    inputs: dict[str, dict[str, Any]], stages: dict[str, dict[str, Any]]
                    ) -> tuple[list[dict[str, Any]], int]:
    """``provision.csv``: who provides what share of which input or stage, in which year."""
    _, rows = read_csv_rows(path, PROVISION_COLS)
    provision: list[dict[str, Any]] = []
    seen_prov: dict[tuple[str, str, int], int] = {}
    for line, r in rows:
        pid = _need(path, line, r, "provider_id")
        if pid not in providers:
            raise IngestError(path, f"unknown provider_id {pid!r} (not in providers.csv)",
                              row=line, column="provider_id")
        target = _need(path, line, r, "provided_id")
        if target in inputs:
            expected = inputs[target]["input_name"]
        elif target in stages:
            expected = stages[target]["stage_name"]
        else:
            raise IngestError(path, f"unknown provided_id {target!r} (neither in inputs.csv nor "
                              "in stages.csv)", row=line, column="provided_id")
        given = r["provided_name"].strip()
        if given != expected:
            raise IngestError(path, f"provided_name {given!r} does not match {target} "
                              f"{expected!r}", row=line, column="provided_name")
        share = parse_number(r["share_provided"], path=path, row=line, column="share_provided",
                             minimum=0.0, maximum=100.0)
        year = _year(path, line, r["year"], "year", allow_missing=False)
        assert year is not None
        pkey = (pid, target, year)
        if pkey in seen_prov:
            raise IngestError(path, f"duplicate row: {pid} for {target} in {year} (same as line "
                              f"{seen_prov[pkey]})", row=line)
        seen_prov[pkey] = line
        prov = providers[pid]
        provision.append({"line": line, "provider_id": pid, "provider_name": prov.name,
                          "provider_type": prov.ptype, "provider_node": prov.node_id,
                          "provided_id": target, "provided_name": expected,
                          "provided_node": (inputs[target]["node_id"] if target in inputs
                                            else stages[target]["node_id"]),
                          "share_pct": share, "year": year,
                          "source_text": r["source"].strip()})
    if not provision:
        raise IngestError(path, "no data rows")

    return provision, len(rows)


def _check_shares(path: Path, provision: list[dict[str, Any]],
                  inputs: dict[str, dict[str, Any]], stages: dict[str, dict[str, Any]]
                  ) -> tuple[list[dict[str, Any]], list[str]]:
    """Shares of one input, year and provider type: up to 100.5% silent, up to 105% kept with a
    warning, above that an :class:`IngestError`.  Returns the check table and the warnings."""
    sums: dict[tuple[str, int, str], list[Any]] = {}
    p: dict[str, Any]
    for p in provision:
        if p["share_pct"] is None:
            continue
        key = (p["provided_id"], p["year"], p["provider_type"])
        acc = sums.setdefault(key, [0.0, 0, p["line"]])
        acc[0] += p["share_pct"]
        acc[1] += 1
        acc[2] = p["line"]
    checks: list[dict[str, Any]] = []
    warnings: list[str] = []
    for (target, year, ptype), (total, n, last_line) in sorted(sums.items()):
        total = round(total, 6)
        status = "ok"
        name = (inputs[target]["input_name"] if target in inputs
                else stages[target]["stage_name"])
        kind = "countries" if ptype == "country" else "firms"
        if total > SHARE_WARN_PCT:
            raise IngestError(path, f"shares of {kind} for {target} {name!r} in "
                              f"{year} add up to {total:g}%, more than {SHARE_WARN_PCT:g}%",
                              row=last_line, column="share_provided")
        if total > SHARE_ROUNDING_PCT:
            status = "warning"
            warnings.append(f"cset/provision.csv: shares of {kind} for {target} {name!r} in "
                            f"{year} add up to {total:g}% (kept; rounding in the source)")
        checks.append({"provided_id": target, "provided_name": name, "year": year,
                       "provider_type": ptype, "share_sum_pct": total, "providers": n,
                       "status": status})

    return checks, warnings


@dataclass
class _Context:
    """What the graph of every file needs from the provision table, and the cited file names."""

    files: dict[str, str]  # "stages", "inputs", ... -> the file as cited (ingest/data-relative)
    newest: dict[tuple[str, str], int]  # (provided id, provider type) -> newest year
    newest_year: int
    input_year: dict[str, int]  # provided id -> newest year it is provided in
    aggregates: dict[str, list[str]]  # provided id -> "Various countries: 12% (2022)" ...

    @classmethod
    def of(cls, provision: list[dict[str, Any]], files: dict[str, str]) -> _Context:
        newest: dict[tuple[str, str], int] = {}
        for p in provision:
            nkey = (p["provided_id"], p["provider_type"])
            newest[nkey] = max(newest.get(nkey, p["year"]), p["year"])
        newest_year = max(p["year"] for p in provision)
        input_year: dict[str, int] = {}
        for p in provision:
            input_year[p["provided_id"]] = max(input_year.get(p["provided_id"], 0), p["year"])
        aggregates: dict[str, list[str]] = defaultdict(list)
        for p in provision:
            if p["provider_node"] is None and p["share_pct"] is not None:
                aggregates[p["provided_id"]].append(
                    f"{p['provider_name']}: {p['share_pct']:g}% ({p['year']})")
        return cls(files, newest, newest_year, input_year, aggregates)


def _add_stages(g: GraphData, ctx: _Context, stages: dict[str, dict[str, Any]]) -> None:
    """A node per stage (``stages.csv``)."""
    for s in stages.values():
        props: dict[str, Any] = {"cset_id": s["stage_id"], "description": s["description"],
                                 "market_size": s["market_size"],
                                 "market_share_caption": s["caption"],
                                 "market_share_source": s["market_share_source"]}
        if ctx.aggregates.get(s["stage_id"]):
            props["aggregate_providers"] = ctx.aggregates[s["stage_id"]]
        g.add_node(Node(s["node_id"], "stage", s["stage_name"],
                        source=f"{CITE}, {ctx.files['stages']} line {s['line']}",
                        as_of=str(ctx.input_year.get(s["stage_id"], ctx.newest_year)),
                        confidence="reported", layer="chips",
                        props={k: v for k, v in props.items() if v not in ("", None)}))


def _add_inputs(g: GraphData, ctx: _Context, inputs: dict[str, dict[str, Any]]) -> None:
    """A node per input (``inputs.csv``)."""
    for i in inputs.values():
        props = {"cset_id": i["input_id"], "type": i["type"], "description": i["description"],
                 "market_size": i["market_size"], "market_size_year": i["year"],
                 "market_share_source": i["market_share_source"]}
        if ctx.aggregates.get(i["input_id"]):
            props["aggregate_providers"] = ctx.aggregates[i["input_id"]]
        as_of = i["year"] or ctx.input_year.get(i["input_id"]) or ctx.newest_year
        g.add_node(Node(i["node_id"], "input", i["input_name"],
                        source=f"{CITE}, {ctx.files['inputs']} line {i['line']}",
                        as_of=str(as_of), confidence="reported", layer=i["layer"],
                        props={k: v for k, v in props.items() if v not in ("", None)}))


def _add_sequence(g: GraphData, ctx: _Context, inputs: dict[str, dict[str, Any]],
                  stages: dict[str, dict[str, Any]], sequence: list[dict[str, Any]]) -> None:
    """``GOES_INTO`` and ``IS_TYPE_OF`` edges (``sequence.csv``), then ``PART_OF`` input ->
    stage: the input's own ``stage_id``, else the stages reached along the sequence."""
    seq_path, input_path = ctx.files["sequence"], ctx.files["inputs"]
    parents: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for s in sequence:
        src = inputs[s["input_id"]]
        for col, rel_type in (("goes_into_id", "GOES_INTO"), ("is_type_of_id", "IS_TYPE_OF")):
            if s[col] is None:
                continue
            dst = inputs[s[col]]
            parents[s["input_id"]].append((s[col], s["line"]))
            props = {"cset_input_id": s["input_id"], "cset_target_id": s[col]}
            if rel_type == "GOES_INTO":
                props["weight_basis"] = "none in source"
            g.add_edge(Edge(src["node_id"], dst["node_id"], rel_type,
                            source=f"{CITE}, {seq_path} line {s['line']}",
                            as_of=str(src["year"] or ctx.newest_year), confidence="reported",
                            props=props,
                            key=f"{src['node_id']}|{rel_type}|{dst['node_id']}|cset"))

    for iid, i in inputs.items():
        for sid, basis in _stages_of(iid, inputs, parents):
            st = stages[sid]
            g.add_edge(Edge(i["node_id"], st["node_id"], "PART_OF",
                            source=(f"{CITE}, {input_path} line {i['line']}" if basis is None
                                    else f"{CITE}, {seq_path} {basis}"),
                            as_of=str(i["year"] or ctx.newest_year), confidence="reported",
                            props={"basis": "inputs.csv stage_id" if basis is None
                                   else f"derived: {seq_path} {basis} up to an input with a stage"},
                            key=f"{i['node_id']}|PART_OF|{st['node_id']}|cset"))


def _add_providers(g: GraphData, ctx: _Context, resolver: Resolver, path: Path,
                   providers: dict[str, _Provider], provision: list[dict[str, Any]],
                   inputs: dict[str, dict[str, Any]]) -> None:
    """A node per provider (``providers.csv``): the registry's for countries and known firms,
    else a new company (roles from what it provides) headquartered in its country."""
    providers_path = ctx.files["providers"]
    provided_types: dict[str, set[str]] = defaultdict(set)
    provider_years: dict[str, int] = {}
    for p in provision:
        t = inputs[p["provided_id"]]["type"] if p["provided_id"] in inputs else "stage"
        provided_types[p["provider_id"]].add(t)
        provider_years[p["provider_id"]] = max(provider_years.get(p["provider_id"], 0), p["year"])
    for prov in providers.values():
        if prov.node_id is None:
            continue
        if prov.ptype == "country" or prov.registry:
            try:
                g.add_node(registry_node(resolver, prov.node_id))
            except KeyError:  # resolved by the registry index but not a registry row: impossible
                raise IngestError(path, f"{prov.node_id} is not in the registry",
                                  row=prov.line) from None
            continue
        roles = ["provider"] + sorted({ROLE_OF_TYPE[t] for t in provided_types[prov.pid]
                                       if t in ROLE_OF_TYPE})
        as_of = str(provider_years.get(prov.pid, ctx.newest_year))
        props: dict[str, PropValue] = {"cset_id": prov.pid}
        if prov.country_id:
            props["country"] = prov.country_id.split(":", 1)[1]
        g.add_node(Node(prov.node_id, "company", prov.name,
                        source=f"{CITE}, {providers_path} line {prov.line}", as_of=as_of,
                        confidence="reported", layer=schema.company_layer(roles), roles=roles,
                        aliases=list(prov.aliases), props=props))
        if prov.country_id:
            g.add_node(registry_node(resolver, prov.country_id))
            g.add_edge(Edge(prov.node_id, prov.country_id, "HEADQUARTERED_IN",
                            source=f"{CITE}, {providers_path} line {prov.line}", as_of=as_of,
                            confidence="reported",
                            key=f"{prov.node_id}|HEADQUARTERED_IN|{prov.country_id}|cset"))


def _add_provision(g: GraphData, ctx: _Context, provision: list[dict[str, Any]]) -> None:
    """A ``PROVIDES`` edge per provision row with a provider node (``provision.csv``)."""
    for p in provision:
        if p["provider_node"] is None:
            continue
        cite = p["source_text"] or f"{CITE} (the row cites no source)"
        props = {"year": p["year"], "cset_provider_id": p["provider_id"],
                 "cset_provided_id": p["provided_id"],
                 "newest": p["year"] == ctx.newest[(p["provided_id"], p["provider_type"])]}
        if p["share_pct"] is None:
            props["share_basis"] = "provider named, no share in source"
            props["weight_basis"] = "none in source"
        else:
            props["share_pct"] = p["share_pct"]
            props["weight"] = round(p["share_pct"] / 100.0, 6)
        g.add_edge(Edge(p["provider_node"], p["provided_node"], "PROVIDES",
                        source=f"{cite} — {CITE}, {ctx.files['provision']} line {p['line']}",
                        as_of=str(p["year"]), confidence="reported", props=props,
                        key=f"{p['provider_node']}|PROVIDES|{p['provided_node']}|{p['year']}"))


def _tables(stages: dict[str, dict[str, Any]], inputs: dict[str, dict[str, Any]],
            sequence: list[dict[str, Any]], providers: dict[str, _Provider],
            provision: list[dict[str, Any]], checks: list[dict[str, Any]]
            ) -> dict[str, pd.DataFrame]:
    """The typed tables of the load result (pandas), one per file plus the share checks."""
    return {
        "stages": pd.DataFrame(list(stages.values())).astype({"line": "int64"}),
        "inputs": pd.DataFrame(list(inputs.values())).astype({"line": "int64",
                                                              "year": "Int64"}),
        "sequence": pd.DataFrame(sequence).astype({"line": "int64"}),
        "providers": pd.DataFrame([
            {"line": pv.line, "provider_id": pv.pid, "provider_name": pv.name,
             "provider_type": pv.ptype, "country": pv.country_raw,
             "aliases": "|".join(pv.aliases), "node_id": pv.node_id,
             "country_id": pv.country_id, "registry": pv.registry,
             "aggregate": pv.node_id is None}
            for pv in providers.values()]),
        "provision": pd.DataFrame(provision).astype({"line": "int64", "share_pct": "float64",
                                                     "year": "int64"}),
        "share_checks": pd.DataFrame(checks, columns=["provided_id", "provided_name", "year",
                                                      "provider_type", "share_sum_pct",
                                                      "providers", "status"]),
    }

def _check_input(path: Path, line: int, row: dict[str, str], id_col: str, name_col: str,
                 inputs: dict[str, dict[str, Any]]) -> None:
    iid = row[id_col].strip()
    if iid not in inputs:
        raise IngestError(path, f"unknown input id {iid!r} (not in inputs.csv)",
                          row=line, column=id_col)
    given = row[name_col].strip()
    expected = inputs[iid]["input_name"]
    if given != expected:
        raise IngestError(path, f"{name_col} {given!r} does not match {iid} {expected!r}",
                          row=line, column=name_col)


def _stages_of(
    iid: str, inputs: dict[str, dict[str, Any]], parents: dict[str, list[tuple[str, int]]]
) -> list[tuple[str, str | None]]:
    """Stages of an input: its own ``stage_id``, else those reached along the sequence.

    Returns ``(stage_id, basis)`` pairs; ``basis`` is ``None`` for the input's own column,
    else the sequence lines followed ("lines 3, 40").
    """
    own = inputs[iid]["stage_id"]
    if own:
        return [(own, None)]
    out: dict[str, list[int]] = {}
    todo: list[tuple[str, list[int]]] = [(iid, [])]
    seen = {iid}
    while todo:
        cur, lines = todo.pop()
        for parent, line in parents.get(cur, []):
            if parent in seen:
                continue
            seen.add(parent)
            path_lines = [*lines, line]
            sid = inputs[parent]["stage_id"]
            if sid:
                out.setdefault(sid, path_lines)
            else:
                todo.append((parent, path_lines))
    return [(sid, ("line " if len(ls) == 1 else "lines ") + ", ".join(map(str, ls)))
            for sid, ls in sorted(out.items())]
