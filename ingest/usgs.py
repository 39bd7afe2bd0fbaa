"""Loader for USGS Mineral Commodity Summaries (MCS) world production by country.

Reads every ``usgs/mcs<YYYY>_world/mcs<YYYY>-<code>_world.csv`` (the 2024 release and the 2023
release as history), as published, into one typed table, computes each country's share of the
world total and the Herfindahl-Hirschman index (HHI), and builds ``PRODUCES`` edges.  The
newest release, MCS 2025 (2024 figures), is read from ``usgs/mcs2025_tables/``: Table 5 gives
per critical mineral the leading country's 2024 production and the world total (gallium: China
750 of 760 t), one ``PRODUCES`` edge each (release ``usgs2025``), and the U.S. salient figures as
node props; Figure 2 the net import reliance and import sources; ``usgs/mcs2024_salient/`` the
2019-2023 salient statistics (newest year as ``salient_*`` node props).  Every prop names its
file and line.

Quirks handled without editing the files (see ``../shared/data/SOURCES.md``):

* a UTF-8 byte-order mark, CRLF line ends, blank filler rows and trailing empty columns;
* per-file value columns: ``Prod_<unit>_[est_]<year>`` (``Prod_kg_2022``, ``Prod_t_est_2023``,
  ``Prod_Sponge_t_Est_2022`` ...), or ``Cap_<unit>_[est_]<year>`` when a file reports capacity
  only (abrasives); the unit comes from the column name (kg, t, kt, Mt, carats, m3);
* the type column named by its value in one file ("Mine production, fluorspar");
* footnote letters and digits glued to names ("Japane", "Korea, Republic ofe", "Germany6",
  "Other countries4"): a trailing "e" marks an estimate, digits are note references;
  qualifiers in parentheses or after a comma ("India (ocher)", "Bolivia, ulexite") are kept in
  ``qualifier``; non-breaking spaces;
* values: thousands separators, "W" (withheld), "NA", "XX", "--", "e"-prefixed estimates
  ("e3,900"), "<100", "Less than ½ unit.", "included with ilmenite" -> no quantity, the token
  kept in ``value_flag``;
* several production types per file (silicon: ferrosilicon and silicon metal; copper: mine and
  refinery; titanium concentrates: ilmenite and rutile ...).  Rows are grouped as the files
  lay them out: each "World total ..." row closes the group of rows above it; the group's
  production type is the world-total row's type without "World total"/"(rounded)" (or the
  common type of its rows when the total row's type is empty or a placeholder such as "XX").
  Files whose rows carry per-country forms (boron, talc, kyanite) form one group;
* world totals that are withheld or missing (germanium "NA", boron "XX"): the share is then
  computed over the sum of the reported rows and flagged ``world_total_basis = "sum of
  reported rows"``; germanium has no country figures at all, so it has no shares, no HHI and no
  edges (the mineral node says so).

Shares are country quantity / world total (rows of one country in one group, such as the two
U.S. helium rows, are summed).  The HHI (U.S. DOJ convention) is the sum of squared shares in
percent, 0..10000, over the *countries* of a group and year; "Other countries" and multi-country
aggregates ("United States and Canada") are not single producers and are excluded (their share
is reported as ``other_share``); countries without a figure (W, NA) are left out and the
``coverage`` column says how much of the world total the counted countries hold.  Without a
reported world total the coverage is unknown (``None``: production may be missing from the
rows), and a group with a row lacking a figure (W, NA: unknown production) has no HHI either:
the shares are of an unknown total (the mineral node says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from riskgraph.errors import IngestError
from riskgraph.graph.describe import hhi as herfindahl
from riskgraph.graph.model import Edge, GraphData, PropValue
from riskgraph.graph.names import norm
from riskgraph.ingest.base import LoadResult, SourceInfo, parse_number, read_csv_rows, rel
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import Resolver

SOURCE = SourceInfo(
    key="usgs",
    title=("USGS Mineral Commodity Summaries: MCS 2025 (2024 figures, Table 5 and Figure 2), "
           "world production by country (2024 release; 2023 history), salient statistics"),
    citation=(
        "U.S. Geological Survey, Mineral Commodity Summaries 2025 (Table 5, Figure 2); "
        "Mineral Commodity Summaries 2024 data release, "
        "doi:10.5066/P144BA54; Mineral Commodity Summaries 2023 data release, "
        "doi:10.5066/P9WCYUI6"
    ),
    licence="U.S. public domain",
    as_of="2024",
    path="usgs",
)

RELEASE_DOI = {2024: "doi:10.5066/P144BA54", 2023: "doi:10.5066/P9WCYUI6"}

FILE_RE = re.compile(r"^mcs(\d{4})-([a-z]+)(?:-[a-z]+)*_world\.csv$", re.IGNORECASE)
DIR_RE = re.compile(r"^mcs(\d{4})_world$")
VALUE_COL_RE = re.compile(
    r"^(prod|cap)_(?:(sponge|pigment)_)?([a-z]+)_(?:(est)_)?(\d{4})$", re.IGNORECASE
)
UNITS = {
    "kg": "kg",
    "t": "t",
    "kt": "kt",
    "mt": "Mt",
    "mmt": "Mt",
    "kct": "thousand carats",
    "mct": "million carats",
    "mcm": "million m3",
}
# Spellings of multi-country aggregates: kept in the table, never a single producer.
AGGREGATES = frozenset({"united states and canada"})
# Value texts that say "no figure" in words; the quantity stays unknown.
TEXT_FLAGS = (
    re.compile(r"^<\s*[\d,.]+$"),
    re.compile(r"^less than", re.IGNORECASE),
    re.compile(r"^included with", re.IGNORECASE),
)
PLACEHOLDER_TYPES = frozenset({"", "xx", "na", "n/a", "w"})
NOT_STATED = "Production (type not stated)"
SUM_BASIS = "sum of reported rows"

TABLE_COLUMNS = [
    "release", "commodity", "mineral_id", "type", "measure", "row_type", "country",
    "country_id", "row_kind", "qualifier", "year", "estimated", "quantity", "value_flag",
    "unit", "world_total", "world_total_basis", "share", "file", "line",
]
HHI_COLUMNS = [
    "release", "commodity", "mineral_id", "type", "measure", "year", "unit", "hhi",
    "n_countries", "coverage", "other_share", "world_total", "world_total_basis",
    "unreported_rows",
    "top_country", "top_share", "default_group", "default", "file",
]


@dataclass
class _Row:
    line: int
    country: str
    kind: str  # country | other | aggregate | world_total
    country_id: str | None
    qualifier: str
    footnote_e: bool
    row_type: str
    values: dict[int, tuple[float | None, str, bool]]  # year -> (quantity, flag, estimated)


@dataclass
class _Group:
    type: str
    rows: list[_Row] = field(default_factory=list)
    total: _Row | None = None
    mineral_id: str = ""
    measure: str = "production"


@dataclass
class _File:
    path: Path
    release: int
    code: str
    unit: str
    measure: str
    years: list[int]
    estimated_col: dict[int, bool]
    groups: list[_Group]


# -- parsing -----------------------------------------------------------------------------------
def _clean(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split())


def _norm_type(t: str) -> str:
    s = _clean(t)
    s = re.sub(r"^world\s+total\s*", "", s, flags=re.IGNORECASE)
    s = re.sub(r"^world\s+", "", s, flags=re.IGNORECASE)
    s = re.sub(r"\s*\(rounded\)", "", s, flags=re.IGNORECASE)
    s = s.strip().rstrip(".").strip()
    return s[:1].upper() + s[1:]


def _resolve_country(
    raw: str, resolver: Resolver, path: Path, line: int
) -> tuple[str, str, bool]:
    """``(country_id, qualifier, footnote_e)`` for a USGS country cell; raises if unknown."""
    s = re.sub(r"\d+$", "", raw).strip()  # footnote reference digits
    hit = resolver.lookup(s, "country")
    if hit:
        return hit, "", False
    if s.endswith("e") and (hit := resolver.lookup(s[:-1], "country")):
        return hit, "", True  # footnote "e": estimated
    m = re.match(r"^(.*?)\s*\((.*)\)$", s)
    if m:
        base = re.sub(r"\d+$", "", m.group(1)).strip()
        if hit := resolver.lookup(base, "country"):
            return hit, m.group(2).strip(), False
    if ", " in s:
        base, _, qual = s.rpartition(", ")
        if hit := resolver.lookup(base, "country"):
            return hit, qual.strip(), False
    hit = resolver.resolve(s, "country", path=path, row=line, column="Country")
    return hit, "", False  # pragma: no cover - resolve raised


def _parse_value(
    raw: str, path: Path, line: int, column: str
) -> tuple[float | None, str, bool]:
    """``(quantity, flag, estimated)``: flag is the raw token when there is no figure."""
    s = _clean(raw)
    est = False
    if re.match(r"^e\s*[\d,.]+$", s):
        est, s = True, s[1:].strip()
    for rx in TEXT_FLAGS:
        if rx.match(s):
            return None, s, est
    q = parse_number(s, path=path, row=line, column=column)
    return q, ("" if q is not None else (s or "blank")), est


def _read_file(path: Path, release: int, code: str, resolver: Resolver) -> _File:
    header, rows = read_csv_rows(path, ["Country"])
    value_cols: list[tuple[str, re.Match[str]]] = []
    for col in header:
        m = VALUE_COL_RE.match(col)
        if m:
            value_cols.append((col, m))
    prod = [(c, m) for c, m in value_cols if m.group(1).lower() == "prod"]
    chosen = prod or [(c, m) for c, m in value_cols if m.group(1).lower() == "cap"]
    if not chosen:
        raise IngestError(
            path, "no production column (expected Prod_<unit>_<year> or Cap_<unit>_<year>)",
            row=1,
        )
    measure = "production" if prod else "capacity"
    units = {m.group(3).lower() for _, m in chosen}
    if len(units) != 1 or next(iter(units)) not in UNITS:
        raise IngestError(path, f"unknown or mixed unit(s) {sorted(units)} in the value columns",
                          row=1, column=chosen[0][0])
    unit = UNITS[next(iter(units))]
    year_col: dict[int, str] = {}
    estimated_col: dict[int, bool] = {}
    for c, m in chosen:
        y = int(m.group(5))
        if y in year_col:
            raise IngestError(path, f"two value columns for {y}: {year_col[y]!r} and {c!r}",
                              row=1, column=c)
        year_col[y] = c
        estimated_col[y] = bool(m.group(4))
    if "Type" in header:
        type_col = "Type"
    elif len(header) > 2 and header[1] == "Country" and not VALUE_COL_RE.match(header[2]):
        type_col = header[2]  # fluorspar 2024 names the column by its value
    else:
        raise IngestError(path, "missing column 'Type'", row=1, column="Type")

    groups: list[_Group] = []
    current = _Group(type="")
    seen: dict[str, int] = {}
    for line, rec in rows:
        country = _clean(rec.get("Country", ""))
        if not country:
            if any(_clean(rec.get(c, "")) for c in year_col.values()):
                raise IngestError(path, "figures without a country", row=line,
                                  column="Country")
            continue
        row_type = _clean(rec.get(type_col, ""))
        key = norm(country)
        if key in seen:
            raise IngestError(path, f"duplicate row: {country!r} is already on line "
                              f"{seen[key]} in the same production type", row=line,
                              column="Country")
        values = {}
        for y, c in year_col.items():
            q, flag, est = _parse_value(rec.get(c, ""), path, line, c)
            values[y] = (q, flag, est)
        low = key
        if low.startswith("world total") or low == "world":
            r = _Row(line, country, "world_total", None, "", False, row_type, values)
            current.total = r
            current.type = _group_type(current, r)
            groups.append(current)
            current = _Group(type="")
            seen = {}
            continue
        seen[key] = line
        if low.startswith("other"):
            r = _Row(line, country, "other", None, "", False, row_type, values)
        elif re.sub(r"\d+$", "", low).strip() in AGGREGATES:
            r = _Row(line, country, "aggregate", None, "", False, row_type, values)
        else:
            cid, qual, fe = _resolve_country(country, resolver, path, line)
            same = f"{cid}|{norm(qual)}"
            if same in seen:  # "Japan" and "Japane": one country twice, no qualifier
                raise IngestError(path, f"duplicate row: {country!r} is the same country "
                                  f"({cid}) as line {seen[same]} in the same production type",
                                  row=line, column="Country")
            seen[same] = line
            r = _Row(line, country, "country", cid, qual, fe, row_type, values)
        current.rows.append(r)
    if current.rows:  # rows after the last world total: a group without a total
        current.type = _group_type(current, None)
        groups.append(current)
    if not groups:
        raise IngestError(path, "no data rows")
    # unique group types within a file
    names: dict[str, int] = {}
    for gr in groups:
        n = names.get(gr.type, 0) + 1
        names[gr.type] = n
        if n > 1:
            gr.type = f"{gr.type} #{n}"
        tl = gr.type.lower()
        gr.measure = "capacity" if measure == "capacity" or (
            "capacity" in tl and "production" not in tl) \
            else "production"
    return _File(path, release, code, unit, measure, sorted(year_col), estimated_col, groups)


def _group_type(group: _Group, total: _Row | None) -> str:
    if total is not None:
        t = _norm_type(total.row_type)
        if t.casefold() not in PLACEHOLDER_TYPES:
            return t
    types = {_norm_type(r.row_type) for r in group.rows}
    types.discard("")
    if len(types) == 1:
        return types.pop()
    if not types:
        return NOT_STATED
    return "All production types"


# -- minerals ----------------------------------------------------------------------------------
def _minerals_by_code(resolver: Resolver) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in resolver.rows.get("mineral", []):
        code = (row.get("usgs_code") or "").strip().lower()
        if code:
            out.setdefault(code, []).append(row)
    return out


def _assign_minerals(f: _File, cands: list[dict[str, str]]) -> None:
    if len(cands) == 1:
        for gr in f.groups:
            gr.mineral_id = f"mineral:{cands[0]['slug']}"
        return
    fallback = [c for c in cands if not (c.get("default_type") or "").strip()]
    for gr in f.groups:
        t = gr.type.casefold()
        hit = [c for c in cands if (c.get("default_type") or "").strip()
               and t.startswith(_norm_type(c["default_type"]).casefold())]
        chosen = hit[0] if hit else (fallback[0] if fallback else None)
        if chosen is None:
            raise IngestError(f.path, f"production type {gr.type!r} matches none of the "
                              f"minerals with USGS code {f.code!r} in entities/minerals.csv")
        gr.mineral_id = f"mineral:{chosen['slug']}"


def _default_group(groups: list[_Group], default_type: str) -> _Group | None:
    if not groups:
        return None
    if default_type:
        dt = _norm_type(default_type).casefold()
        for gr in groups:
            if gr.type.casefold().startswith(dt):
                return gr
    for want_measure in ("production", None):
        for gr in groups:
            if (want_measure is None or gr.measure == want_measure) and any(
                r.kind == "country" and any(v[0] for v in r.values.values()) for r in gr.rows
            ):
                return gr
    return groups[0]


# -- loading -----------------------------------------------------------------------------------
def discover(data_dir: Path) -> list[tuple[int, Path]]:
    """``(release year, csv path)`` of every USGS world file under ``data_dir/usgs``.

    Raises
    ------
    IngestError
        No ``mcs<YYYY>_world`` folder, an empty folder, or a file whose name is not
        ``mcs<YYYY>-<code>_world.csv`` or whose year is not the folder's.
    """
    base = Path(data_dir) / "usgs"
    dirs = sorted(d for d in base.glob("mcs*_world") if d.is_dir() and DIR_RE.match(d.name))
    if not dirs:
        raise IngestError(base, "no USGS release folder (expected mcs<YYYY>_world/)")
    out = []
    for d in dirs:
        m = DIR_RE.match(d.name)
        assert m is not None
        release = int(m.group(1))
        files = sorted(d.glob("*.csv"), key=lambda p: p.name.lower())
        if not files:
            raise IngestError(d, "no CSV files")
        for p in files:
            fm = FILE_RE.match(p.name)
            if not fm:
                raise IngestError(p, "file name is not mcs<YYYY>-<code>_world.csv")
            if int(fm.group(1)) != release:
                raise IngestError(p, f"file of release {fm.group(1)} in folder {d.name}")
            out.append((release, p))
    return out


def load(data_dir: Path, resolver: Resolver) -> LoadResult:
    """Load every USGS MCS world file: typed tables, shares, HHI and PRODUCES edges.

    Parameters
    ----------
    data_dir : Path
        The ``ingest/data`` folder (or a copy with the same layout: ``usgs/mcs<YYYY>_world/``).
    resolver : Resolver
        The entity registry (countries, and minerals with their ``usgs_code``).

    Returns
    -------
    LoadResult
        ``tables["production"]`` (``TABLE_COLUMNS``: one row per file row and year) and
        ``tables["hhi"]`` (``HHI_COLUMNS``: one row per release, commodity, production type and
        year).  The graph: mineral nodes with the HHI of their default production type for the
        newest year of the newest release (``hhi``, ``hhi_year``, ``hhi_type``,
        ``hhi_release``), country nodes, and one ``PRODUCES`` edge per country, release,
        production type and year with a positive figure and a world total (``weight`` =
        share; ``default`` is true for the newest release, the mineral's default type and the
        newest year).

    Raises
    ------
    IngestError
        A file that cannot be read or parsed: missing column, bad number, unknown country or
        commodity code, duplicate row, empty file (file, line and column named).
    """
    by_code = _minerals_by_code(resolver)
    files: list[_File] = []
    for release, path in discover(data_dir):
        fm = FILE_RE.match(path.name)
        assert fm is not None
        code = fm.group(2).lower()
        cands = by_code.get(code)
        if not cands:
            raise IngestError(path, f"unknown USGS commodity code {code!r} (add it to the "
                              "usgs_code column of entities/minerals.csv)")
        f = _read_file(path, release, code, resolver)
        _assign_minerals(f, cands)
        files.append(f)
    newest = max(f.release for f in files)
    mineral_rows = {f"mineral:{r['slug']}": r for r in resolver.rows.get("mineral", [])}

    # default group per (release, mineral)
    defaults: dict[tuple[int, str], _Group] = {}
    per_mineral: dict[tuple[int, str], list[_Group]] = {}
    for f in files:
        for gr in f.groups:
            per_mineral.setdefault((f.release, gr.mineral_id), []).append(gr)
    for (rel_year, mid), grs in per_mineral.items():
        dg = _default_group(grs, (mineral_rows[mid].get("default_type") or "").strip())
        if dg is not None:
            defaults[(rel_year, mid)] = dg

    table: list[dict[str, Any]] = []
    hhi_rows: list[dict[str, Any]] = []
    g = GraphData()
    edges: list[Edge] = []
    rows_read = 0
    for f in files:
        where = _cite_path(f.path, data_dir)
        rel_key = f"usgs{f.release}"
        for gr in f.groups:
            all_rows = gr.rows + ([gr.total] if gr.total else [])
            rows_read += len(all_rows)
            is_default_group = defaults.get((f.release, gr.mineral_id)) is gr
            for y in f.years:
                wt, basis = _world_total(gr, y)
                unreported = sum(1 for r in gr.rows if r.values[y][0] is None)
                for r in all_rows:
                    q, flag, est = r.values[y]
                    share = None
                    if r.kind != "world_total" and q is not None and wt:
                        share = q / wt
                    table.append({
                        "release": f.release, "commodity": f.code, "mineral_id": gr.mineral_id,
                        "type": gr.type, "measure": gr.measure, "row_type": r.row_type,
                        "country": r.country, "country_id": r.country_id, "row_kind": r.kind,
                        "qualifier": r.qualifier, "year": y,
                        "estimated": bool(f.estimated_col[y] or est or r.footnote_e),
                        "quantity": q, "value_flag": flag, "unit": f.unit, "world_total": wt,
                        "world_total_basis": basis, "share": share, "file": where,
                        "line": r.line,
                    })
                # per-country aggregation (several rows of one country are summed)
                per_c: dict[str, dict[str, Any]] = {}
                other = 0.0
                for r in gr.rows:
                    q, _flag, est = r.values[y]
                    if r.kind != "country":
                        if q is not None and wt:
                            other += q / wt
                        continue
                    assert r.country_id is not None
                    agg = per_c.setdefault(r.country_id, {"q": None, "lines": [], "est": False})
                    agg["lines"].append(r.line)
                    agg["est"] = agg["est"] or f.estimated_col[y] or est or r.footnote_e
                    if q is not None:
                        agg["q"] = (agg["q"] or 0.0) + q
                counted = {c: a["q"] / wt for c, a in per_c.items()
                           if a["q"] is not None and wt}
                # Without a reported world total, the sum of the rows is the world only when
                # every row has a figure; a row without one (W, NA) is unknown production, so
                # the shares, the HHI and the coverage are unknown (dimension stone: a U.S.
                # row, "Other countries" NA, world total NA is not a U.S. monopoly).
                known = basis == "reported" or unreported == 0
                hhi = None
                if counted and known:
                    hhi = herfindahl(list(counted.values()))
                top = max(counted.items(), key=lambda kv: kv[1]) if counted else (None, None)
                is_default = is_default_group and f.release == newest and y == max(f.years)
                hhi_rows.append({
                    "release": f.release, "commodity": f.code, "mineral_id": gr.mineral_id,
                    "type": gr.type, "measure": gr.measure, "year": y, "unit": f.unit,
                    "hhi": hhi, "n_countries": len(counted),
                    # share of the world total held by the counted countries; unknown
                    # without a reported world total (production may be missing from the rows)
                    "coverage": (sum(counted.values()) if counted and basis == "reported"
                                 else None),
                    "other_share": other if wt else None, "world_total": wt,
                    "world_total_basis": basis, "unreported_rows": unreported,
                    "top_country": top[0], "top_share": top[1],
                    "default_group": is_default_group,
                    "default": is_default_group and y == max(f.years), "file": where,
                })
                for cid, a in per_c.items():
                    q = a["q"]
                    if q is None or q <= 0 or not wt:
                        continue
                    share = q / wt
                    lines = a["lines"]
                    src_lines = ("line " if len(lines) == 1 else "lines ") + ", ".join(
                        map(str, lines))
                    props: dict[str, PropValue] = {
                        "weight": min(share, 1.0),
                        "share_pct": round(100.0 * share, 4),
                        "year": y,
                        "estimated": bool(a["est"]),
                        "quantity": q,
                        "unit": f.unit,
                        "production_type": gr.type,
                        "measure": gr.measure,
                        "world_total": wt,
                        "world_total_basis": basis,
                        "release": rel_key,
                        "dataset": rel_key,
                        "default": is_default,
                    }
                    if share > 1.0:
                        props["share_raw"] = share
                    confidence, rationale = "reported", ""
                    if basis == SUM_BASIS:
                        props["unreported_rows"] = unreported
                        confidence = "estimated"
                        rationale = (
                            "world total not given (W/NA/XX) in the USGS file; share computed "
                            f"over the sum of the rows with figures ({unreported} row(s) of "
                            "this production type without a figure)"
                        )
                    edges.append(Edge(
                        cid, gr.mineral_id, "PRODUCES",
                        source=(f"U.S. Geological Survey, Mineral Commodity Summaries "
                                f"{f.release} data release ({RELEASE_DOI.get(f.release, '')}), "
                                f"{where} {src_lines}"),
                        as_of=str(y), confidence=confidence, rationale=rationale, props=props,
                        key=f"{cid}|PRODUCES|{gr.mineral_id}|{rel_key}:{gr.type}:{y}",
                    ))

    hhi_df = pd.DataFrame(hhi_rows, columns=HHI_COLUMNS)
    # mineral nodes (every mineral a file maps to) with the headline HHI
    for mid in sorted({gr.mineral_id for f in files for gr in f.groups}):
        node = registry_node(resolver, mid)
        node.props.update(_hhi_props(hhi_df, mid))
        g.add_node(node)
    for e in edges:
        if e.src not in g:
            g.add_node(registry_node(resolver, e.src))
        g.add_edge(e)

    df = pd.DataFrame(table, columns=TABLE_COLUMNS)
    for col in ("quantity", "world_total", "share"):
        df[col] = df[col].astype("float64")
    extra_files: list[str] = []
    t5_rows, n5 = _load_mcs2025(data_dir, resolver, g, extra_files)
    sal_rows, ns = _load_salient(data_dir, resolver, g, by_code, extra_files)
    tables = {"production": df, "hhi": hhi_df,
              "mcs2025_t5": pd.DataFrame(t5_rows), "salient": pd.DataFrame(sal_rows)}
    return LoadResult(source=SOURCE, tables=tables, graph=g, rows=rows_read + n5 + ns,
                      files=[_cite_path(f.path, data_dir) for f in files] + extra_files)


# -- MCS 2025 (2024 figures) and the salient statistics ---------------------------------------
MCS2025_DIR = "mcs2025_tables"
MCS2025_T5 = "MCS2025_T5_Critical_Minerals_Salient.csv"
MCS2025_FIG2 = "MCS2025_Fig2_Net_Import_Reliance.csv"
MCS2025_CITE = "U.S. Geological Survey, Mineral Commodity Summaries 2025"
SALIENT_DIR = "mcs2024_salient"
SALIENT_RE = re.compile(r"^mcs(\d{4})-([a-z]+)_salient\.csv$", re.IGNORECASE)
# Table 5 names that are not a registry mineral name as they stand
T5_NAMES = {"aluminum (bauxite)": "mineral:bauxite-and-alumina",
            "magnesium": "mineral:magnesium",
            "titanium (metal)": "mineral:titanium"}


def _t5_mineral(name: str, resolver: Resolver) -> str | None:
    key = " ".join(name.split()).casefold()
    if key in T5_NAMES:
        return T5_NAMES[key]
    for cand in (key, re.sub(r"\s*\(.*\)$", "", key)):
        mid = resolver.lookup(cand, "mineral")
        if mid:
            return mid
    return None


def _num_or_none(raw: str, path: Path, line: int, column: str) -> float | None:
    t = (raw or "").strip()
    if t in ("", "NA", "W", "XX", "--"):
        return None
    return parse_number(t, path=path, row=line, column=column)


def _load_mcs2025(data_dir: Path, resolver: Resolver, g: GraphData, files: list[str]
                  ) -> tuple[list[dict[str, Any]], int]:
    """MCS 2025 Table 5 (2024 estimates) and Figure 2 (net import reliance 2024).

    Per critical mineral, Table 5 gives the leading producing country, its 2024 production, its
    share and the 2024 world total: a ``PRODUCES`` edge leading country -> mineral (``weight`` =
    production / world total, ``as_of`` 2024, release ``usgs2025``: the newest figure, which the
    engine prefers), and node props with the U.S. salient figures (net import reliance, primary
    import source, apparent consumption).  Figure 2 adds the major import sources.  The other
    countries' 2024 figures are not in these tables: their older shares stay (the engine scales a
    producer group whose shares then exceed 1, docs/model.md).  Absent folder: nothing loaded.
    """
    base = Path(data_dir) / "usgs" / MCS2025_DIR
    out: list[dict[str, Any]] = []
    if not base.is_dir():
        return out, 0
    path = base / MCS2025_T5
    where = _cite_path(path, data_dir)
    files.append(where)
    _header, rows = read_csv_rows(path, ("Source", "Year", "Critical_mineral",
                                         "Leading_source_country", "Leading_country_prod",
                                         "World_total_prod", "Net_Import_Reliance"))
    for line, r in rows:
        name = r["Critical_mineral"].strip()
        mid = _t5_mineral(name, resolver)
        if mid is None:  # a critical mineral riskgraph has no node for (scandium): kept as a row
            out.append({"line": line, "mineral_id": None, "name": name, "file": where})
            continue
        year = int((r["Year"] or "").strip()[:4])
        lead = (r.get("Leading_source_country") or "").strip()
        cid = _t5_country(lead, resolver, path, line) if lead else None
        q = _num_or_none(r.get("Leading_country_prod", ""), path, line, "Leading_country_prod")
        wt = _num_or_none(r.get("World_total_prod", ""), path, line, "World_total_prod")
        cite = (f"{MCS2025_CITE}, Table 5 (critical minerals, salient statistics), {where} "
                f"line {line}")
        node = g.nodes[mid] if mid in g else registry_node(resolver, mid)
        if mid not in g:
            g.add_node(node)
        props: dict[str, PropValue] = {"mcs2025_source": cite, "mcs2025_year": year}
        for col, key in (("Net_Import_Reliance", "us_net_import_reliance_pct_2024"),
                         ("Primary_import_source", "us_primary_import_source_2020_2023"),
                         ("Apparent_Consumption", "us_apparent_consumption_t_2024"),
                         ("Primary_prod", "us_primary_production_t_2024"),
                         ("World_total_prod", "world_production_t_2024"),
                         ("Leading_source_precent_world", "leading_country_share_pct_2024")):
            v = _prop(r.get(col) or "")
            if v is not None:
                props[key] = v
        node.props.update(props)
        out.append({"line": line, "mineral_id": mid, "year": year, "leading_country": cid,
                    "leading_production": q, "world_total": wt, "file": where})
        if cid and q is not None and wt:
            share = q / wt
            if cid not in g:
                g.add_node(registry_node(resolver, cid))
            g.add_edge(Edge(
                cid, mid, "PRODUCES", source=cite, as_of=str(year), confidence="reported",
                rationale="",
                props={"weight": min(share, 1.0), "share_pct": round(100.0 * share, 4),
                       "year": year, "estimated": True, "quantity": q, "unit": "t",
                       "world_total": wt, "world_total_basis": "reported",
                       "release": "usgs2025", "dataset": "usgs2025", "default": True,
                       "basis": "MCS 2025 Table 5: leading producing country only"},
                key=f"{cid}|PRODUCES|{mid}|usgs2025:table5:{year}",
            ))
    fig = base / MCS2025_FIG2
    if fig.is_file():
        fwhere = _cite_path(fig, data_dir)
        files.append(fwhere)
        _h, frows = read_csv_rows(fig, ("Commodity", "Net_Import_Reliance_pct_2024",
                                        "Major_Import_Sources_2020_2023"))
        for line, r in frows:
            head = r["Commodity"].split(",")[0].strip()
            mid = _t5_mineral(head, resolver)
            if mid is None or mid not in g:
                continue  # Figure 2 lists commodities riskgraph has no node for (cesium ...)
            nir = _prop(r["Net_Import_Reliance_pct_2024"])
            g.nodes[mid].props.update({
                "us_net_import_reliance_pct_2024": "" if nir is None else nir,
                "us_major_import_sources_2020_2023": r["Major_Import_Sources_2020_2023"].strip(),
                "nir_source": f"{MCS2025_CITE}, Figure 2 (U.S. net import reliance), "
                              f"{fwhere} line {line}"})
        rows += frows
    return out, len(rows)


def _prop(raw: str) -> PropValue | None:
    """A salient-table cell as a node prop: a number where it is one ("450" -> 450), the text
    otherwise (">75", "E" = net exporter, "W" = withheld); "NA" and empty cells are left out."""
    t = raw.strip()
    if not t or t == "NA":
        return None
    try:
        x = float(t.replace(",", ""))
    except ValueError:
        return t
    return int(x) if x.is_integer() else x


def _t5_country(name: str, resolver: Resolver, path: Path, line: int) -> str:
    cid = resolver.lookup(name, "country")
    if cid is None:
        raise IngestError(path, f"unknown country {name!r}", row=line,
                          column="Leading_source_country")
    return cid


def _load_salient(data_dir: Path, resolver: Resolver, g: GraphData,
                  by_code: dict[str, list[dict[str, str]]], files: list[str]
                  ) -> tuple[list[dict[str, Any]], int]:
    """MCS 2024 salient statistics (U.S. production, trade, consumption, prices, net import
    reliance, 2019-2023): the newest year's figures as node props ``salient_<column>`` with
    ``salient_year`` and ``salient_source`` (file and line)."""
    base = Path(data_dir) / "usgs" / SALIENT_DIR
    out: list[dict[str, Any]] = []
    n = 0
    if not base.is_dir():
        return out, 0
    for path in sorted(base.glob("*.csv"), key=lambda p: p.name.lower()):
        m = SALIENT_RE.match(path.name)
        if not m:
            raise IngestError(path, "file name is not mcs<YYYY>-<code>_salient.csv")
        cands = by_code.get(m.group(2).lower())
        where = _cite_path(path, data_dir)
        if not cands:  # a commodity riskgraph has no node for (scandium): not loaded
            out.append({"mineral_id": None, "year": None, "file": where, "line": None,
                        "note": f"no mineral with USGS code {m.group(2)!r}"})
            continue
        mid = f"mineral:{cands[0]['slug']}"
        files.append(where)
        header, rows = read_csv_rows(path, ())
        n += len(rows)
        if "Year" not in header or "DataSource" not in header:
            # quirk: mcs2024-cobal_salient.csv holds the world production table, not salient
            # statistics (no DataSource/Year columns): kept out, noted in the table
            out.append({"mineral_id": mid, "year": None, "file": where, "line": None,
                        "note": "not a salient-statistics table (no Year column)"})
            continue
        newest = None
        for line, r in rows:
            y = (r.get("Year") or "").strip()
            if y.isdigit() and (newest is None or int(y) > newest[0]):
                newest = (int(y), line, r)
        if newest is None:
            continue
        year, line, r = newest
        if mid not in g:
            g.add_node(registry_node(resolver, mid))
        props: dict[str, PropValue] = {
            "salient_year": year,
            "salient_source": (f"U.S. Geological Survey, Mineral Commodity Summaries "
                               f"{m.group(1)}, salient statistics, {where} line {line}")}
        for col in header:
            c = col.strip()
            if not c or c in ("DataSource", "Commodity", "Year"):
                continue
            v = _prop(r.get(col) or "")
            if v is not None:
                props[f"salient_{c}"] = v
        g.nodes[mid].props.update(props)
        out.append({"mineral_id": mid, "year": year, "file": where, "line": line})
    return out, n


def _cite_path(path: Path, data_dir: Path) -> str:
    """``path`` as cited in sources: relative to the data folder (``usgs/mcs2024_world/...``)."""
    try:
        return path.resolve().relative_to(Path(data_dir).resolve()).as_posix()
    except ValueError:
        return rel(path)


def _world_total(gr: _Group, year: int) -> tuple[float | None, str]:
    """The group's world total for ``year`` and its basis ("reported" or the sum of rows)."""
    if gr.total is not None:
        q = gr.total.values[year][0]
        if q is not None and q > 0:
            return q, "reported"
    s = sum(r.values[year][0] or 0.0 for r in gr.rows)
    if s > 0:
        return s, SUM_BASIS
    return None, "none"


def _hhi_props(hhi_df: Any, mineral_id: str) -> dict[str, PropValue]:
    """Headline HHI of a mineral: default type, newest release and year with a value."""
    sub = hhi_df[(hhi_df["mineral_id"] == mineral_id)]
    if sub.empty:
        return {}
    for release in sorted(sub["release"].unique(), reverse=True):
        rs = sub[(sub["release"] == release) & sub["hhi"].notna()]
        if rs.empty:
            continue
        d = rs[rs["default_group"]]
        if d.empty:
            d = rs
        row = d.sort_values("year", ascending=False).iloc[0]
        return {
            "hhi": round(float(row["hhi"]), 1),
            "hhi_year": int(row["year"]),
            "hhi_type": str(row["type"]),
            "hhi_release": f"usgs{int(row['release'])}",
            "hhi_basis": str(row["world_total_basis"]),
            **({"hhi_coverage": round(float(row["coverage"]), 4)}
               if row["coverage"] is not None and row["coverage"] == row["coverage"] else {}),
            "usgs_top_producer": str(row["top_country"]),
            "usgs_top_share": round(float(row["top_share"]), 4),
        }
    if (sub["n_countries"] > 0).any():
        return {"usgs_concentration": (
            "unknown (no world total in USGS MCS and production without a figure: "
            "the shares of an unknown total are unknown)"
        )}
    return {"usgs_concentration": "unknown (USGS MCS gives no country figures)"}
