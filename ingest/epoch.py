"""Epoch AI accelerator ownership: who holds how much compute of which accelerator family.

Source: Epoch AI, *AI chip counts* (github.com/epoch-research/ai-chip-counts @d1b1bc3, MIT
licence), shipped unchanged in ``ingest/data/epoch/`` with ``ATTRIBUTION.md``.  Every figure is an
Epoch AI **model estimate** (median with 5th and 95th percentiles); riskgraph records it as
reported (``confidence = "reported"``, ``basis = "reported (Epoch AI model estimate)"``).

Files used
----------
Owner totals (one row per owner and quarter end, *cumulative* since the start of Epoch's window):

* ``nvidia_owners_cumulative_totals.csv``  – Microsoft, Meta, Amazon, Google, Oracle, China
* ``nvidia_owners_OTHER_cumulative_totals.csv`` – "Other" (everyone but those six, xAI and
  CoreWeave)
* ``coreweave_owners_cumulative_totals.csv`` – CoreWeave (Nvidia only)
* ``amd_owners_cumulative_totals.csv`` – Microsoft, Meta, Oracle, China, "Other" (everyone else)
* ``tpu_owners_cumulative_totals.csv`` – Google;  ``trainium_owners_cumulative_totals.csv`` – Amazon

Family sales (``sales_*_cumulative_by_chip.csv``, one row per chip type and quarter end): the
chip types of each family and its total shipped compute.  The quarterly (non-cumulative) and
per-chip owner files are not used: the cumulative totals already are their sums.

Quirks handled
--------------
* Dates are US ``M/D/YYYY`` ("3/31/2022"); they become ISO dates.
* The newest quarter (Q1 2026 for Nvidia and TPU) is flagged ``Incomplete = checked`` ("based on
  Nvidia fiscal quarters ending 1/25/2026"): a partial quarter.  The loader takes, per owner and
  family, the latest row that is **not** incomplete (2025-12-31 for every family in this
  release, so all weights compare the same date) and keeps the newer partial figure in the
  props ``newer_incomplete_as_of`` / ``newer_incomplete_h100e``.  ``trainium_*`` files have no
  ``Incomplete`` column; a note starting "Incomplete:" counts as well.
* The cumulative windows start at different dates (Nvidia 2022-01-01, TPU 2023-01-01, AMD and
  Trainium 2024-01-01; prop ``period_start``): chips shipped before are not counted.
* xAI is named only as excluded from Nvidia's "Other"; the data has no xAI figure, so there is
  no xAI edge.
* "Other" differs per family (Nvidia's excludes eight owners, AMD's four), so each family gets
  its own residual node, ``company:other-owners-nvidia-gpu`` and
  ``company:other-owners-amd-instinct`` (layer ``clouds``, prop ``aggregate = True``, prop
  ``excludes`` from Epoch's note), not one "other" node that would mix different sets.
* An owner not named in a family's file (Amazon, Google or CoreWeave for AMD) has its holdings
  of that family inside the family's residual; its weights cover the families it is named in.
* Owners resolve through the registry: companies (Google -> ``company:alphabet``, Amazon ->
  ``company:amazon`` ...), else countries.  A country owner ("China": every owner in China) is NOT
  the country node, which produces minerals: a gallium shock would otherwise cut China's
  accelerators, hence China's gallium output (a spurious cycle).  It becomes an aggregate owner
  node ``company:owners-in-cn`` ("Owners in China (Epoch AI aggregate)", layer ``clouds``, prop
  ``aggregate = True``) with ``HEADQUARTERED_IN`` to ``country:CN``.

Graph
-----
* ``Accelerator`` nodes ``accelerator:nvidia-gpu``, ``accelerator:amd-instinct``,
  ``accelerator:google-tpu``, ``accelerator:aws-trainium`` (layer ``chips``) with ``chip_types``,
  ``sales_h100e`` (family total shipped by ``as_of``) and ``unattributed_share`` (the part of
  the family total no owner row covers, 1 - owners / sales, floored at 0: about 5% for Nvidia,
  mostly xAI).
* ``OWNS`` owner -> accelerator for each owner's latest complete cumulative row, with ``h100e``
  (median), ``h100e_p5``, ``h100e_p95``, ``units`` (+ ``_p5`` / ``_p95``), ``power_mw``
  (+ ``_p5`` / ``_p95``), ``as_of`` (period end), ``period_start``, ``source`` (file and line).
* ``DESIGNS`` designer -> accelerator (Nvidia, AMD, Alphabet, Amazon: Epoch's "Chip manufacturer"
  column names the designer), ``weight = 1.0``.

Derived weights (on OWNS, all in [0, 1])
----------------------------------------
Let ``a`` be owner o's median H100e in family f and ``A = sum over families of o's H100e``
(only the four families Epoch tracks: in-house chips such as Meta MTIA or Microsoft Maia are not
in the data).

* ``weight = a / A`` – the dependency of o's accelerator compute on family f.
* ``weight_low = a_p5 / (a_p5 + sum of o's other families at p95)`` and
  ``weight_high = a_p95 / (a_p95 + sum of o's other families at p5)`` – a conservative range
  from Epoch's percentiles (wider than a 90% interval of the ratio); only for owners with more
  than one family (with one family the weight is 1.0 exactly, with no range).
* ``sales_share = a / sum over owners in f of their H100e`` – the share of the family's
  (attributed) output that o holds; drives upstream shocks.  The denominator is the owners'
  sum, not Epoch's sales total, so the shares of a family add up to 1 (the unattributed part
  is on the accelerator node).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from riskgraph.errors import IngestError, suggest
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.names import norm
from riskgraph.ingest.base import LoadResult, SourceInfo, parse_number, read_csv_rows, rel
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import Resolver

SOURCE = SourceInfo(
    key="epoch",
    title="Epoch AI, AI chip counts (accelerator ownership)",
    citation=(
        "Epoch AI, AI chip counts, github.com/epoch-research/ai-chip-counts "
        "@d1b1bc311479ed385befa400e94533afc8b59fb7"
    ),
    licence="MIT",
    as_of="2025-12-31",
    path="epoch",
)

CITE = "Epoch AI, ai-chip-counts @d1b1bc3"
BASIS = "reported (Epoch AI model estimate)"


@dataclass(frozen=True)
class Family:
    slug: str  # accelerator:<slug>
    name: str
    manufacturer: str  # Epoch's "Chip manufacturer" value
    owner_files: tuple[str, ...]
    sales_file: str


FAMILIES: tuple[Family, ...] = (
    Family("nvidia-gpu", "Nvidia data-centre GPUs", "Nvidia",
           ("nvidia_owners_cumulative_totals.csv", "nvidia_owners_OTHER_cumulative_totals.csv",
            "coreweave_owners_cumulative_totals.csv"), "sales_nvidia_cumulative_by_chip.csv"),
    Family("amd-instinct", "AMD Instinct accelerators", "AMD",
           ("amd_owners_cumulative_totals.csv",), "sales_amd_cumulative_by_chip.csv"),
    Family("google-tpu", "Google TPUs", "Google",
           ("tpu_owners_cumulative_totals.csv",), "sales_tpu_cumulative_by_chip.csv"),
    Family("aws-trainium", "AWS Trainium", "Amazon",
           ("trainium_owners_cumulative_totals.csv",), "sales_trainium_cumulative_by_chip.csv"),
)

MEDIAN = "Compute estimate in H100e (median)"
OWNER_COLS = ("Name", "Chip manufacturer", "Owner", "Start date", "End date", MEDIAN,
              "H100e (5th percentile)", "H100e (95th percentile)", "Number of Units",
              "Number of Units (5th percentile)", "Number of Units (95th percentile)",
              "Power in MW (median)", "Power in MW (5th percentile)",
              "Power in MW (95th percentile)", "Notes")
# (prop, median column, p5 column, p95 column)
TRIPLES = (
    ("h100e", MEDIAN, "H100e (5th percentile)", "H100e (95th percentile)"),
    ("units", "Number of Units", "Number of Units (5th percentile)",
     "Number of Units (95th percentile)"),
    ("power_mw", "Power in MW (median)", "Power in MW (5th percentile)",
     "Power in MW (95th percentile)"),
)
SALES_COLS = ("Name", "Chip manufacturer", "Start date", "End date", "Chip type", MEDIAN, "Notes")

OTHER_OWNER = "other"  # norm() of Epoch's residual owner
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXCLUDES_RE = re.compile(r"Excludes ([^.]*)\.")


def _date(path: Path, line: int, row: dict[str, str], col: str) -> date:
    raw = row[col].strip()
    m = _DATE_RE.match(raw)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        except ValueError:
            pass
    raise IngestError(path, f"not a date (M/D/YYYY): {raw!r}", row=line, column=col)


def _incomplete(row: dict[str, str]) -> bool:
    return bool((row.get("Incomplete") or "").strip()) or "Incomplete:" in row["Notes"]


def _check_manufacturer(path: Path, line: int, row: dict[str, str], fam: Family) -> None:
    got = row["Chip manufacturer"].strip()
    if got != fam.manufacturer:
        raise IngestError(path, f"chip manufacturer {got!r}, expected {fam.manufacturer!r} in "
                          "this file", row=line, column="Chip manufacturer")


def load(data_dir: Path, resolver: Resolver) -> LoadResult:
    """Load Epoch AI's accelerator ownership from ``data_dir / "epoch"``.

    Parameters
    ----------
    data_dir : Path
        The ``ingest/data`` folder (or a copy of it).
    resolver : Resolver
        Entity registry: owners and designers resolve to companies, else countries.

    Returns
    -------
    LoadResult
        Typed tables ``owners`` (every cumulative row), ``sales`` (every per-chip sales row) and
        ``latest`` (the rows behind the OWNS edges, with the derived weights); the fragment.

    Raises
    ------
    IngestError
        A missing file or column, an empty file, a bad number or date, percentiles out of order,
        an unexpected chip manufacturer, an unknown owner, or a duplicate (owner, period) row.
    """
    folder = data_dir / "epoch"
    g = GraphData()
    rows_read = 0
    files: list[str] = []
    owners: list[dict[str, Any]] = []
    sales: list[dict[str, Any]] = []

    for fam in FAMILIES:
        for fname in fam.owner_files:
            path = folder / fname
            if not path.exists():
                raise IngestError(path, "file not found")
            files.append(rel(path))
            _, rows = read_csv_rows(path, OWNER_COLS)
            if not rows:
                raise IngestError(path, "no data rows")
            rows_read += len(rows)
            for line, r in rows:
                owners.append(_owner_row(path, line, r, fam, resolver))
        path = folder / fam.sales_file
        if not path.exists():
            raise IngestError(path, "file not found")
        files.append(rel(path))
        _, rows = read_csv_rows(path, SALES_COLS)
        if not rows:
            raise IngestError(path, "no data rows")
        rows_read += len(rows)
        seen_sales: dict[tuple[str, date], int] = {}
        for line, r in rows:
            _check_manufacturer(path, line, r, fam)
            chip = r["Chip type"].strip()
            if not chip:
                raise IngestError(path, "missing value", row=line, column="Chip type")
            end = _date(path, line, r, "End date")
            skey = (chip, end)
            if skey in seen_sales:
                raise IngestError(path, f"duplicate row: {chip} through {end.isoformat()} (same "
                                  f"as line {seen_sales[skey]})", row=line)
            seen_sales[skey] = line
            h = parse_number(r[MEDIAN], path=path, row=line, column=MEDIAN, allow_missing=False)
            sales.append({"family": fam.slug, "file": rel(path), "line": line, "chip_type": chip,
                          "start": _date(path, line, r, "Start date"), "end": end,
                          "h100e": h, "incomplete": _incomplete(r)})

    # Duplicates: one row per (family, owner, period end).
    seen: dict[tuple[str, str, date], dict[str, Any]] = {}
    for o in owners:
        dkey = (o["family"], o["owner_node"], o["end"])
        if dkey in seen:
            first = seen[dkey]
            raise IngestError(o["path"], f"duplicate row: {o['owner']} through "
                              f"{o['end'].isoformat()} (same as {first['file']} line "
                              f"{first['line']})", row=o["line"])
        seen[dkey] = o

    # Latest complete row per (family, owner); the newer incomplete one is kept as a note.
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    newer: dict[tuple[str, str], dict[str, Any]] = {}
    for o in owners:
        okey: tuple[str, str] = (o["family"], o["owner_node"])
        if not o["incomplete"] and (okey not in latest or o["end"] > latest[okey]["end"]):
            latest[okey] = o
    for o in owners:
        okey = (o["family"], o["owner_node"])
        if okey not in latest:  # only incomplete rows: take the newest of them
            cands = [x for x in owners if (x["family"], x["owner_node"]) == okey]
            latest[okey] = max(cands, key=lambda x: x["end"])
        elif (o["incomplete"] and o["end"] > latest[okey]["end"]
              and (okey not in newer or o["end"] > newer[okey]["end"])):
            newer[okey] = o

    # Derived weights.
    by_owner: dict[str, list[dict[str, Any]]] = {}
    by_family: dict[str, float] = {}
    for (fam_slug, owner), o in latest.items():
        by_owner.setdefault(owner, []).append(o)
        by_family[fam_slug] = by_family.get(fam_slug, 0.0) + o["h100e"]
    edge_rows: list[dict[str, Any]] = []
    for (fam_slug, owner), o in sorted(latest.items()):
        mine = by_owner[owner]
        total = sum(x["h100e"] for x in mine)
        w: dict[str, Any] = {"weight": o["h100e"] / total if total else 0.0}
        if len(mine) > 1 and total:
            others = [x for x in mine if x is not o]
            lo_den = o["h100e_p5"] + sum(x["h100e_p95"] for x in others)
            hi_den = o["h100e_p95"] + sum(x["h100e_p5"] for x in others)
            w["weight_low"] = o["h100e_p5"] / lo_den if lo_den else 0.0
            w["weight_high"] = o["h100e_p95"] / hi_den if hi_den else 0.0
        fam_total = by_family[fam_slug]
        w["sales_share"] = o["h100e"] / fam_total if fam_total else 0.0
        edge_rows.append({**o, **w, "owner_families": len(mine)})

    # -- graph --------------------------------------------------------------------------------
    fam_by_slug = {f.slug: f for f in FAMILIES}
    for fam in FAMILIES:
        fam_rows = [x for x in edge_rows if x["family"] == fam.slug]
        as_of = max(x["end"] for x in fam_rows)
        srows = [s for s in sales if s["family"] == fam.slug]
        at = [s for s in srows if s["end"] == as_of]
        sold = sum(s["h100e"] for s in at)
        props: dict[str, Any] = {
            "designer_name": fam.manufacturer,
            "chip_types": sorted({s["chip_type"] for s in srows}),
            "owners_h100e": round(by_family[fam.slug], 3),
            "basis": BASIS,
        }
        if at:
            props["sales_h100e"] = round(sold, 3)
            props["unattributed_share"] = round(max(0.0, 1.0 - by_family[fam.slug] / sold), 6)
            props["period_start"] = min(s["start"] for s in at).isoformat()
        src_lines = f"lines {min(s['line'] for s in at)}-{max(s['line'] for s in at)}" if at \
            else "(no sales rows at that date)"
        g.add_node(Node(f"accelerator:{fam.slug}", "accelerator", fam.name,
                        source=f"{CITE}, epoch/{fam.sales_file} {src_lines}",
                        as_of=as_of.isoformat(), confidence="reported", layer="chips",
                        props=props))
        designer = resolver.lookup(fam.manufacturer, "company")
        first = min(fam_rows, key=lambda x: (x["file"], x["line"]))
        if designer is None:
            raise IngestError(first["path"], f"chip manufacturer {fam.manufacturer!r} is not in "
                              "the company registry", row=first["line"],
                              column="Chip manufacturer")
        g.add_node(registry_node(resolver, designer))
        g.add_edge(Edge(designer, f"accelerator:{fam.slug}", "DESIGNS",
                        source=f"{CITE}, {first['file']} line {first['line']} (Chip manufacturer)",
                        as_of=as_of.isoformat(), confidence="reported",
                        props={"weight": 1.0,
                               "basis": "reported: Epoch AI's 'Chip manufacturer' column"},
                        key=f"{designer}|DESIGNS|accelerator:{fam.slug}|epoch"))

    for x in edge_rows:
        fam = fam_by_slug[x["family"]]
        acc = f"accelerator:{fam.slug}"
        owner = x["owner_node"]
        if x["aggregate"]:
            excl = _EXCLUDES_RE.search(x["notes"])
            oprops: dict[str, Any] = {"aggregate": True}
            if excl:
                oprops["excludes"] = excl.group(1).strip()
            g.add_node(Node(owner, "company", f"Other owners of {fam.name} (Epoch AI residual)",
                            source=f"{CITE}, {x['file']} line {x['line']}",
                            as_of=x["end"].isoformat(), confidence="reported", layer="clouds",
                            props=oprops))
        elif owner.startswith("company:owners-in-"):
            country = "country:" + owner.rpartition("-")[2].upper()
            cnode = registry_node(resolver, country)
            g.add_node(cnode)
            if owner not in g.nodes:  # the first family's row defines it
                g.add_node(Node(owner, "company", f"Owners in {cnode.name} (Epoch AI aggregate)",
                                source=f"{CITE}, {x['file']} line {x['line']}",
                                as_of=x["end"].isoformat(), confidence="reported",
                                layer="clouds", roles=["compute"],  # owners, not clouds
                                props={"aggregate": True, "epoch_owner": x["owner"]}))
            hq_key = f"{owner}|HEADQUARTERED_IN|{country}|epoch"
            if hq_key not in g.edges:
                g.add_edge(Edge(owner, country, "HEADQUARTERED_IN",
                                source=f"{CITE}, {x['file']} line {x['line']} (Owner column)",
                                as_of=x["end"].isoformat(), confidence="reported", key=hq_key))
        else:
            g.add_node(registry_node(resolver, owner))
        props = {"basis": BASIS, "family": fam.slug, "epoch_owner": x["owner"],
                                 "period_start": x["start"].isoformat()}
        for name, *_ in TRIPLES:
            for suffix in ("", "_p5", "_p95"):
                v = x[name + suffix]
                if v is not None:
                    props[name + suffix] = v
        for k in ("weight", "weight_low", "weight_high", "sales_share"):
            if k in x:
                props[k] = round(x[k], 6)
        props["weight_basis"] = (
            "derived: owner's H100e in this family / owner's H100e across the Epoch AI families"
            + (" (one family: 1.0)" if x["owner_families"] == 1 else "")
        )
        if x["incomplete"]:
            props["incomplete"] = True
        nw = newer.get((x["family"], owner))
        if nw is not None:
            props["newer_incomplete_as_of"] = nw["end"].isoformat()
            props["newer_incomplete_h100e"] = nw["h100e"]
        g.add_edge(Edge(owner, acc, "OWNS",
                        source=f"{CITE}, {x['file']} line {x['line']} ({x['name']})",
                        as_of=x["end"].isoformat(), confidence="reported", props=props,
                        key=f"{owner}|OWNS|{acc}|epoch"))

    # -- typed tables -------------------------------------------------------------------------
    def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        df = pd.DataFrame([{k: v for k, v in r.items() if k != "path"} for r in rows])
        for col in ("start", "end"):
            if col in df:
                df[col] = pd.to_datetime(df[col])
        return df

    quarters, nq = _add_quarterly_flows(folder, g, resolver, files)
    rows_read += nq
    tables = {"owners": frame(owners), "sales": frame(sales), "latest": frame(edge_rows),
              "quarters": frame(quarters)}
    return LoadResult(source=SOURCE, tables=tables, graph=g, rows=rows_read, files=files)


# Quarterly deliveries (the flow a supply shock cuts): per family, the files of new H100e per
# owner and quarter (``*_by_chip`` files: one row per chip type, summed per owner and quarter).
QUARTER_FILES: dict[str, tuple[str, ...]] = {
    "nvidia-gpu": ("nvidia_owners_quarters.csv", "nvidia_owners_OTHER_quarters_by_chip.csv",
                   "coreweave_owners_quarters_by_chip.csv"),
    "amd-instinct": ("amd_owners_quarters.csv",),
    "google-tpu": ("tpu_owners_quarters_by_chip.csv",),
    "aws-trainium": ("trainium_owners_quarters_by_chip.csv",),
}
QUARTER_COLS = ("Name", "Chip manufacturer", "Owner", "Start date", "End date", MEDIAN,
                "H100e (5th percentile)", "H100e (95th percentile)", "Notes")


def _add_quarterly_flows(folder: Path, g: GraphData, resolver: Resolver, files: list[str]
                         ) -> tuple[list[dict[str, Any]], int]:
    """Per OWNS edge, the H100e delivered in the latest *complete* quarter ending on or before
    the edge's ``as_of`` (props ``h100e_per_quarter`` with ``_p5``/``_p95`` sums of the chip rows,
    ``flow_period_start``/``flow_period_end`` and ``flow_source``); the shock engine multiplies a
    shortfall by this flow.  A missing quarterly file leaves the edges without a flow."""
    fam_by_slug = {f.slug: f for f in FAMILIES}
    out: list[dict[str, Any]] = []
    n = 0
    acc: dict[tuple[str, str, date], dict[str, Any]] = {}
    for slug, names in QUARTER_FILES.items():
        fam = fam_by_slug[slug]
        for fname in names:
            path = folder / fname
            if not path.exists():
                continue
            files.append(rel(path))
            _, rows = read_csv_rows(path, QUARTER_COLS)
            n += len(rows)
            for line, r in rows:
                _check_manufacturer(path, line, r, fam)
                owner = r["Owner"].strip()
                node = _owner_node(path, line, owner, fam, resolver)
                start = _date(path, line, r, "Start date")
                end = _date(path, line, r, "End date")
                vals = [parse_number(r[c], path=path, row=line, column=c,
                                     allow_missing=(c != MEDIAN))
                        for c in (MEDIAN, "H100e (5th percentile)", "H100e (95th percentile)")]
                k = (slug, node, end)
                a = acc.setdefault(k, {"family": slug, "owner_node": node, "start": start,
                                       "end": end, "h100e": 0.0, "h100e_p5": 0.0,
                                       "h100e_p95": 0.0, "incomplete": False,
                                       "file": rel(path), "lines": []})
                a["h100e"] += vals[0] or 0.0
                a["h100e_p5"] += vals[1] or 0.0
                a["h100e_p95"] += vals[2] or 0.0
                a["incomplete"] = a["incomplete"] or _incomplete(r)
                a["lines"].append(line)
    out = [{k: v for k, v in a.items() if k != "lines"} | {"lines": len(a["lines"])}
           for a in acc.values()]
    for e in g.edges.values():
        if e.type != "OWNS":
            continue
        fam_slug = e.dst.partition(":")[2]
        cands = [a for (f, o, end), a in acc.items()
                 if f == fam_slug and o == e.src and not a["incomplete"]
                 and end.isoformat() <= e.as_of]
        if not cands:
            continue
        q = max(cands, key=lambda a: a["end"])
        lines = q["lines"]
        e.props.update({
            "h100e_per_quarter": round(q["h100e"], 3),
            "h100e_per_quarter_p5": round(q["h100e_p5"], 3),
            "h100e_per_quarter_p95": round(q["h100e_p95"], 3),
            "flow_period_start": q["start"].isoformat(),
            "flow_period_end": q["end"].isoformat(),
            "flow_source": (f"{CITE}, epoch/{q['file'].rpartition('/')[2]} "
                            + ("line " if len(lines) == 1 else "lines ")
                            + ", ".join(map(str, lines))),
        })
    return out, n


def _owner_node(path: Path, line: int, owner: str, fam: Family, resolver: Resolver) -> str:
    """The node id of an Epoch owner (as :func:`_owner_row` maps it)."""
    if not owner:
        raise IngestError(path, "missing value", row=line, column="Owner")
    if norm(owner) == OTHER_OWNER:
        return f"company:other-owners-{fam.slug}"
    found = resolver.lookup(owner, "company") or resolver.lookup(owner, "country")
    if found is None:
        raise IngestError(path, f"unknown owner {owner!r}: neither a company nor a country in "
                          "the registry", row=line, column="Owner")
    if found.startswith("country:"):
        found = f"company:owners-in-{found.partition(':')[2].lower()}"
    return found


def _owner_row(path: Path, line: int, r: dict[str, str], fam: Family,
               resolver: Resolver) -> dict[str, Any]:
    _check_manufacturer(path, line, r, fam)
    owner = r["Owner"].strip()
    if not owner:
        raise IngestError(path, "missing value", row=line, column="Owner")
    aggregate = norm(owner) == OTHER_OWNER
    if aggregate:
        node = f"company:other-owners-{fam.slug}"
    else:
        found = resolver.lookup(owner, "company") or resolver.lookup(owner, "country")
        if found is None:
            cands = [*resolver.suggestions(owner, "company"),
                     *resolver.suggestions(owner, "country")]
            cands = suggest(owner, cands) or cands[:3]
            hint = ("; did you mean " + " or ".join(repr(c) for c in cands) + "?") if cands else ""
            raise IngestError(path, f"unknown owner {owner!r}: neither a company nor a country "
                              f"in the registry{hint}", row=line, column="Owner")
        if found.startswith("country:"):
            found = f"company:owners-in-{found.partition(':')[2].lower()}"
        node = found
    start = _date(path, line, r, "Start date")
    end = _date(path, line, r, "End date")
    if end < start:
        raise IngestError(path, f"End date {end.isoformat()} is before Start date "
                          f"{start.isoformat()}", row=line, column="End date")
    out: dict[str, Any] = {"family": fam.slug, "path": path, "file": rel(path), "line": line,
                           "name": r["Name"].strip(), "owner": owner, "owner_node": node,
                           "aggregate": aggregate, "start": start, "end": end,
                           "incomplete": _incomplete(r), "notes": r["Notes"].strip()}
    for name, med, p5, p95 in TRIPLES:
        vals = [parse_number(r[c], path=path, row=line, column=c, allow_missing=(c != MEDIAN))
                for c in (p5, med, p95)]
        lo, mid, hi = vals
        if mid is not None and ((lo is not None and lo > mid) or (hi is not None and hi < mid)):
            bad = p5 if lo is not None and lo > mid else p95
            raise IngestError(path, f"percentiles out of order: 5th {r[p5].strip()}, median "
                              f"{r[med].strip()}, 95th {r[p95].strip()}", row=line, column=bad)
        out[name], out[name + "_p5"], out[name + "_p95"] = mid, lo, hi
    return out
