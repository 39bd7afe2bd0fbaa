"""Company financials, identifiers and AI spend flows (``ingest/data/financials/``).

Four CSV files, each validated before anything reaches the graph (file, line, column and the
nearest valid name in every error):

* ``financials.csv`` – one reported figure per row: revenue, AI-relevant segment revenue,
  AI revenue, capex, per company and fiscal year, in millions of the reporting currency, each
  citing its filing (form, period, item/note) and the page it was verified on (``verified_by``).
* ``fx.csv`` – exchange rates (units per US dollar, annual averages) that turn non-USD figures
  into USD for the money model; each cites its release or is estimated with a range.
* ``identifiers.csv`` – ticker, exchange, SEC CIK, LEI, Wikidata QID per company.  A company the
  entity registry does not (yet) know is defined here with its name, roles and country.
* ``flows.csv`` – who sells how much to whom (AI spending only): hyperscalers' capex split into
  what it buys, suppliers' revenue by customer where filings disclose it, labs' cloud spend.
  ``basis`` says how the USD amount follows: ``usd`` (the amount itself),
  ``share_of_supplier_revenue`` or ``share_of_customer_capex`` (a fraction of that company's
  figure for the flow's calendar year).  Estimates carry a range and a rationale.  Optional
  ``start``/``end`` (``YYYY`` or ``YYYY-MM-DD``; ``end`` may stay empty) make a flow a contract,
  e.g. a power purchase agreement: its annual amount (valued in ``year``, which lies in the
  term) counts in every year of the term, pro rata in the first and last (engine/money.py).

Figures become parallel ``fin_*`` lists on the company nodes (read them with
:mod:`riskgraph.graph.financials`); flows become ``SELLS_TO`` edges (supplier -> customer,
``amount`` in USD millions with ``amount_low``/``amount_high``), which never carry a supply
shock; the money model (``riskgraph.engine.money``) reads them.

Calendar year of a fiscal year: the year the fiscal year ends in when it ends in June or later,
else the year before (NVIDIA's FY2025, ended 2025-01-26, is calendar 2024; Microsoft's FY2024,
ended 2024-06-30, is 2024; Oracle's FY2025, ended 2025-05-31, is 2024).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import IngestError, suggest
from riskgraph.graph import schema
from riskgraph.graph.model import Edge, GraphData, Node, PropValue
from riskgraph.ingest.base import DATA_DIR, LoadResult, SourceInfo, parse_number, read_csv_rows, rel
from riskgraph.ingest.entities import company_layer
from riskgraph.ingest.resolve import Resolver

if TYPE_CHECKING:
    import pandas as pd

FOLDER = "financials"

SOURCE = SourceInfo(
    key="financials",
    title="Company financials (revenue, AI segment revenue, capex), identifiers, AI spend flows",
    citation=(
        "riskgraph team, ingest/data/financials/*.csv; every figure cites its filing (SEC Form "
        "10-K/20-F/6-K/S-1, annual report, results release: period, item or note) and the page "
        "it was verified on; flows are cited or estimated with a range and a rationale"
    ),
    licence="SEC filings and company reports: public; riskgraph compilation CC BY 4.0",
    as_of="2025",
    path="financials/",
)

FIN_COLUMNS: tuple[str, ...] = (
    "company", "fiscal_year", "period_end", "metric", "segment", "value", "currency",
    "as_published", "source", "verified_by", "confidence", "rationale",
)
FX_COLUMNS: tuple[str, ...] = (
    "currency", "year", "units_per_usd", "low", "high", "source", "verified_by", "confidence",
    "rationale",
)
ID_COLUMNS: tuple[str, ...] = (
    "company", "name", "roles", "country", "ticker", "exchange", "sec_cik", "lei", "wikidata",
    "source", "verified_by",
)
# Companies that publish accounts but no AI-relevant segment (optional file, issue 12): the
# statement is data with its filing, so ``show`` can say so instead of leaving a silent gap.
NOTE_COLUMNS: tuple[str, ...] = ("company", "ai_segment", "note", "source", "verified_by")
NOTE_FILE = "ai_segment_notes"
FLOW_COLUMNS: tuple[str, ...] = (
    "supplier", "customer", "category", "year", "basis", "value", "low", "high", "source",
    "confidence", "rationale",
)

METRICS: tuple[str, ...] = ("revenue", "segment_revenue", "ai_revenue", "capex")
SEGMENT_METRICS = frozenset({"segment_revenue", "ai_revenue"})
BASES: tuple[str, ...] = ("usd", "share_of_supplier_revenue", "share_of_customer_capex")
# What a flow buys (hyperscaler capex split) or what it is (supplier revenue by customer).
CATEGORIES: tuple[str, ...] = (
    "accelerators", "networking", "memory", "foundry", "packaging", "equipment",
    "power_cooling", "electricity", "cloud_compute", "buildings",
)
REL_TYPE = "SELLS_TO"

_FY_RE = re.compile(r"^FY(\d{4})$")
_CIK_RE = re.compile(r"^\d{10}$")
_LEI_RE = re.compile(r"^[A-Z0-9]{18}\d{2}$")
_QID_RE = re.compile(r"^Q[1-9]\d*$")
_TICKER_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")
_CUR_RE = re.compile(r"^[A-Z]{3}$")


def _lei_checks(lei: str) -> bool:
    """True when an LEI's two check digits verify (ISO 17442, ISO 7064 MOD 97-10).

    >>> _lei_checks("HWUPKR0MPOU8FGXBT394"), _lei_checks("HWUPKR0MPOU8FGXBT395")
    (True, False)
    """
    return int("".join(str(int(c, 36)) for c in lei)) % 97 == 1


def slugify(name: str) -> str:
    """``"SK hynix"`` -> ``"sk-hynix"`` (the registry's slug rule)."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    return "-".join(p for p in "".join(ch if ch.isalnum() else "-" for ch in s).split("-") if p)


def calendar_year(period_end: _dt.date) -> int:
    """The calendar year a fiscal year ending on ``period_end`` mostly covers (see module doc).

    >>> calendar_year(_dt.date(2025, 1, 26)), calendar_year(_dt.date(2024, 6, 30))
    (2024, 2024)
    """
    return period_end.year if period_end.month >= 6 else period_end.year - 1


@dataclass
class Figure:
    company: str
    fiscal_year: str
    period_end: str
    calendar_year: int
    metric: str
    segment: str
    value: float
    currency: str
    value_usd: float
    fx: str
    as_published: str
    source: str
    verified_by: str
    confidence: str
    rationale: str
    line: int


@dataclass
class _Companies:
    """Company ids the files may name: the registry's and those identifiers.csv defines."""

    resolver: Resolver
    defined: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> identifiers row

    def resolve(self, value: str, path: Path, line: int, column: str) -> str:
        v = value.strip()
        if not v:
            raise IngestError(path, "empty company", row=line, column=column)
        name = v.removeprefix("company:")
        hit = self.resolver.lookup(name, "company")
        if hit is not None:
            return hit
        slug = "company:" + slugify(name)
        if slug in self.defined:
            return slug
        for cid, row in self.defined.items():
            if slugify(row.get("name", "")) == slugify(name):
                return cid
        known = [r["slug"] for r in self.resolver.rows.get("company", [])]
        known += [c.removeprefix("company:") for c in self.defined]
        near = suggest(slugify(name), known)
        msg = f"unknown company {v!r}"
        if near:
            msg += "; did you mean " + " or ".join(repr(s) for s in near[:3]) + "?"
        msg += " (add it to entities/companies.csv or define it in financials/identifiers.csv)"
        raise IngestError(path, msg, row=line, column=column)

    def name_of(self, cid: str) -> str:
        for r in self.resolver.rows.get("company", []):
            if f"company:{r['slug'].strip()}" == cid:
                return r.get("name") or cid
        return self.defined.get(cid, {}).get("name") or cid


# -- public API ---------------------------------------------------------------------------------
def load(data_dir: Path = DATA_DIR, resolver: Resolver | None = None) -> LoadResult:
    """Load ``<data_dir>/financials/{identifiers,fx,financials,flows}.csv``.

    Returns the company-node fragments (figures and identifiers as props), the ``SELLS_TO``
    flow edges and tables ``financials``, ``fx``, ``identifiers``, ``flows`` (pandas).

    Raises
    ------
    IngestError
        For any invalid row (file, line, column, reason, nearest valid name).
    """
    import pandas as pd

    resolver = resolver or Resolver()
    folder = Path(data_dir) / FOLDER
    paths = {n: folder / f"{n}.csv" for n in ("identifiers", "fx", "financials", "flows")}
    for p in paths.values():
        if not p.exists():
            raise IngestError(p, "missing financials file")
    companies = _Companies(resolver)
    ids, id_rows = _read_identifiers(paths["identifiers"], companies)
    fx, fx_rows = _read_fx(paths["fx"])
    figures, fin_rows = _read_financials(paths["financials"], companies, fx)
    edges, flow_recs, flow_rows = _read_flows(paths["flows"], companies, figures)
    note_path = folder / f"{NOTE_FILE}.csv"
    notes, note_rows = (_read_notes(note_path, companies, figures) if note_path.exists()
                        else ({}, 0))

    graph = GraphData()
    by_company: dict[str, list[Figure]] = defaultdict(list)
    for f in figures:
        by_company[f.company].append(f)
    for cid in sorted(set(by_company) | set(ids) | set(notes)):
        graph.add_node(_company_node(cid, companies, by_company.get(cid, []), ids.get(cid),
                                     notes.get(cid)))
    for e in edges:
        for end in (e.src, e.dst):
            if end not in graph.nodes:
                graph.add_node(_company_node(end, companies, [], ids.get(end)))
        graph.add_edge(e)

    tables: dict[str, pd.DataFrame] = {
        "financials": pd.DataFrame([f.__dict__ for f in figures]),
        "fx": pd.DataFrame([{"currency": c, "year": y, "units_per_usd": v[0], "confidence": v[1]}
                            for (c, y), v in sorted(fx.items())]),
        "identifiers": pd.DataFrame([{"company": k, **v} for k, v in sorted(ids.items())]),
        "flows": pd.DataFrame(flow_recs),
    }
    files = [rel(p) for p in paths.values()] + ([rel(note_path)] if note_path.exists() else [])
    return LoadResult(source=SOURCE, tables=tables, graph=graph,
                      rows=id_rows + fx_rows + fin_rows + flow_rows + note_rows, files=files)


# -- identifiers --------------------------------------------------------------------------------
def _read_identifiers(path: Path, companies: _Companies
                      ) -> tuple[dict[str, dict[str, str]], int]:
    _, rows = read_csv_rows(path, ID_COLUMNS)
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    out: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    # First pass: companies the registry lacks are defined by their name/roles/country.
    for line, row in rows:
        name = row["company"].strip().removeprefix("company:")
        if name and companies.resolver.lookup(name, "company") is None:
            cid = "company:" + slugify(name)
            for col in ("name", "roles", "country"):
                if not row[col].strip():
                    raise IngestError(
                        path, f"company {name!r} is not in the entity registry, so {col!r} is "
                        "required to define it", row=line, column=col)
            roles = [r for r in row["roles"].split("|") if r]
            for r in roles:
                if r not in schema.COMPANY_ROLES:
                    near = suggest(r, schema.COMPANY_ROLES)
                    hint = f"; did you mean {near[0]!r}?" if near else ""
                    raise IngestError(path, f"unknown role {r!r}{hint}", row=line, column="roles")
            if companies.resolver.lookup(row["country"].strip(), "country") is None:
                near = companies.resolver.suggestions(row["country"], "country")
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise IngestError(path, f"unknown country {row['country'].strip()!r}{hint}",
                                  row=line, column="country")
            companies.defined[cid] = {k: row[k].strip() for k in ("name", "roles", "country")}
    for line, row in rows:
        cid = companies.resolve(row["company"], path, line, "company")
        if cid in seen:
            raise IngestError(path, f"duplicate company {cid} (first on line {seen[cid]})",
                              row=line, column="company")
        seen[cid] = line
        rec: dict[str, str] = {}
        checks = (("ticker", _TICKER_RE, "a ticker (capitals, digits, '.', '-')"),
                  ("sec_cik", _CIK_RE, "a 10-digit SEC CIK (with leading zeros)"),
                  ("lei", _LEI_RE, "a 20-character LEI (ISO 17442)"),
                  ("wikidata", _QID_RE, "a Wikidata QID such as Q182477"))
        for col, rx, what in checks:
            v = row[col].strip()
            if v and not rx.match(v):
                raise IngestError(path, f"{v!r} is not {what}", row=line, column=col)
            if v and col == "lei" and not _lei_checks(v):
                raise IngestError(path, f"LEI {v!r} fails its ISO 17442 check digits "
                                  "(a typo in one of its 20 characters)", row=line, column=col)
            if v:
                rec[col] = v
        if row["exchange"].strip():
            rec["exchange"] = row["exchange"].strip()
        if rec and not row["source"].strip():
            raise IngestError(path, "empty source", row=line, column="source")
        rec["source"] = row["source"].strip()
        rec["verified_by"] = row["verified_by"].strip()
        rec["line"] = str(line)
        out[cid] = rec
    return out, len(rows)


# -- fx -----------------------------------------------------------------------------------------
def _read_fx(path: Path) -> tuple[dict[tuple[str, int], tuple[float, str]], int]:
    _, rows = read_csv_rows(path, FX_COLUMNS)
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    out: dict[tuple[str, int], tuple[float, str]] = {}
    lines: dict[tuple[str, int], int] = {}
    for line, row in rows:
        cur = row["currency"].strip()
        if not _CUR_RE.match(cur):
            raise IngestError(path, f"{cur!r} is not an ISO 4217 currency code",
                              row=line, column="currency")
        year = _year(row["year"], path, line, "year")
        v = parse_number(row["units_per_usd"], path=path, row=line, column="units_per_usd",
                         allow_missing=False)
        assert v is not None
        if v <= 0:
            raise IngestError(path, "units_per_usd must be positive", row=line,
                              column="units_per_usd")
        conf = _confidence(row, path, line)
        lo = parse_number(row["low"], path=path, row=line, column="low")
        hi = parse_number(row["high"], path=path, row=line, column="high")
        if conf == "estimated" and (lo is None or hi is None):
            raise IngestError(path, "an estimated rate needs its range (low and high)",
                              row=line, column="low" if lo is None else "high")
        if lo is not None and lo > v:
            raise IngestError(path, f"low {lo:g} is above units_per_usd {v:g}", row=line,
                              column="low")
        if hi is not None and hi < v:
            raise IngestError(path, f"high {hi:g} is below units_per_usd {v:g}", row=line,
                              column="high")
        if not row["source"].strip():
            raise IngestError(path, "empty source", row=line, column="source")
        if (cur, year) in out:
            raise IngestError(path, f"duplicate rate {cur} {year} (first on line "
                              f"{lines[(cur, year)]})", row=line, column="currency")
        out[(cur, year)] = (v, conf)
        lines[(cur, year)] = line
    return out, len(rows)


# -- financials ---------------------------------------------------------------------------------
def _read_financials(path: Path, companies: _Companies,
                     fx: dict[tuple[str, int], tuple[float, str]]) -> tuple[list[Figure], int]:
    _, rows = read_csv_rows(path, FIN_COLUMNS)
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    currencies = sorted({"USD", *(c for c, _ in fx)})
    figures: list[Figure] = []
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for line, row in rows:
        cid = companies.resolve(row["company"], path, line, "company")
        fy = row["fiscal_year"].strip()
        m = _FY_RE.match(fy)
        if not m:
            raise IngestError(path, f"{fy!r} is not a fiscal year like FY2025", row=line,
                              column="fiscal_year")
        end = _date(row["period_end"], path, line, "period_end")
        if abs(int(m.group(1)) - end.year) > 1:
            raise IngestError(path, f"period_end {end.isoformat()} does not fall in or next to "
                              f"{fy}", row=line, column="period_end")
        metric = row["metric"].strip()
        if metric not in METRICS:
            near = suggest(metric, METRICS)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown metric {metric!r}{hint}", row=line,
                              column="metric")
        segment = row["segment"].strip()
        if metric in SEGMENT_METRICS and not segment:
            raise IngestError(path, f"{metric} needs the segment's name", row=line,
                              column="segment")
        if metric not in SEGMENT_METRICS and segment:
            raise IngestError(path, f"{metric} is a company total; leave segment empty",
                              row=line, column="segment")
        value = parse_number(row["value"], path=path, row=line, column="value",
                             allow_missing=False)
        assert value is not None
        cur = row["currency"].strip()
        if cur not in currencies:
            near = suggest(cur, currencies)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown currency {cur!r}{hint} (fx.csv has no rate for it)",
                              row=line, column="currency")
        cy = calendar_year(end)
        if cur == "USD":
            usd, fx_text = value, ""
        else:
            rate = fx.get((cur, cy))
            if rate is None:
                raise IngestError(path, f"no exchange rate for {cur} {cy} in fx.csv", row=line,
                                  column="currency")
            usd = value / rate[0]
            fx_text = f"{rate[0]:g} {cur} per USD ({cy}, {rate[1]}; fx.csv)"
        conf = _confidence(row, path, line)
        for col in ("source", "as_published"):
            if not row[col].strip():
                raise IngestError(path, f"empty {col}", row=line, column=col)
        if conf == "reported" and not row["verified_by"].strip():
            raise IngestError(path, "a reported figure names the page it was verified on",
                              row=line, column="verified_by")
        key = (cid, fy, metric, segment, cur)
        if key in seen:
            raise IngestError(path, f"duplicate figure {cid} {fy} {metric}"
                              f"{' ' + segment if segment else ''} {cur} (first on line "
                              f"{seen[key]})", row=line, column="metric")
        seen[key] = line
        figures.append(Figure(
            company=cid, fiscal_year=fy, period_end=end.isoformat(), calendar_year=cy,
            metric=metric, segment=segment, value=value, currency=cur, value_usd=usd, fx=fx_text,
            as_published=row["as_published"].strip(), source=row["source"].strip(),
            verified_by=row["verified_by"].strip(), confidence=conf,
            rationale=row["rationale"].strip(), line=line))
    check_segments(figures, path)
    return figures, len(rows)


def check_segments(figures: list[Figure], path: Path) -> None:
    """A segment's (or AI) revenue can never exceed the company's total of the same year."""
    totals = {(f.company, f.fiscal_year, f.currency): f for f in figures if f.metric == "revenue"}
    for f in figures:
        if f.metric not in SEGMENT_METRICS:
            continue
        t = totals.get((f.company, f.fiscal_year, f.currency))
        if t is not None and f.value > t.value * (1 + 1e-9):
            raise IngestError(
                path, f"{f.metric} {f.value:,.6g} {f.currency} million ({f.segment}) is above "
                f"the total revenue {t.value:,.6g} of {f.company} {f.fiscal_year} (line {t.line})",
                row=f.line, column="value")


# -- flows --------------------------------------------------------------------------------------
def _read_flows(path: Path, companies: _Companies, figures: list[Figure]
                ) -> tuple[list[Edge], list[dict[str, Any]], int]:
    _, rows = read_csv_rows(path, FLOW_COLUMNS)
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    index: dict[tuple[str, str, int], Figure] = {}
    for f in figures:
        if f.metric in ("revenue", "capex"):
            k = (f.company, f.metric, f.calendar_year)
            if k not in index or f.period_end > index[k].period_end:
                index[k] = f
    edges: list[Edge] = []
    recs: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    sold: dict[tuple[str, int], list[tuple[float, int]]] = defaultdict(list)
    capex_share: dict[tuple[str, int], float] = defaultdict(float)
    for line, row in rows:
        sup = companies.resolve(row["supplier"], path, line, "supplier")
        cus = companies.resolve(row["customer"], path, line, "customer")
        if sup == cus:
            raise IngestError(path, "supplier and customer are the same company", row=line,
                              column="customer")
        cat = row["category"].strip()
        if cat not in CATEGORIES:
            near = suggest(cat, CATEGORIES)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown category {cat!r}{hint}", row=line,
                              column="category")
        year = _year(row["year"], path, line, "year")
        basis = row["basis"].strip()
        if basis not in BASES:
            near = suggest(basis, BASES)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown basis {basis!r}{hint}", row=line, column="basis")
        share = basis != "usd"
        bound = 1.0 if share else None
        v = parse_number(row["value"], path=path, row=line, column="value", allow_missing=False,
                         maximum=bound)
        lo = parse_number(row["low"], path=path, row=line, column="low", maximum=bound)
        hi = parse_number(row["high"], path=path, row=line, column="high", maximum=bound)
        assert v is not None
        conf = _confidence(row, path, line)
        if conf == "estimated" and (lo is None or hi is None):
            raise IngestError(path, "an estimated flow needs its range (low and high)", row=line,
                              column="low" if lo is None else "high")
        lo = v if lo is None else lo
        hi = v if hi is None else hi
        if lo > v:
            raise IngestError(path, f"low {lo:g} is above value {v:g}", row=line, column="low")
        if hi < v:
            raise IngestError(path, f"high {hi:g} is below value {v:g}", row=line, column="high")
        if not row["source"].strip():
            raise IngestError(path, "empty source", row=line, column="source")
        base_text = ""
        factor = 1.0
        if share:
            who, metric = (sup, "revenue") if basis == "share_of_supplier_revenue" else (cus,
                                                                                         "capex")
            base = index.get((who, metric, year))
            if base is None:
                raise IngestError(
                    path, f"{basis} needs {who}'s {metric} for calendar {year}, which "
                    "financials.csv does not have", row=line, column="basis")
            factor = base.value_usd
            base_text = (f"{v:g} x {base.company} {base.metric} {base.fiscal_year} "
                         f"({base.value_usd:,.0f} USD million; financials.csv line {base.line})")
            if metric == "capex":
                capex_share[(cus, year)] += v
                if capex_share[(cus, year)] > 1 + 1e-9:
                    raise IngestError(
                        path, f"the shares of {cus}'s {year} capex add up to "
                        f"{capex_share[(cus, year)]:.3g}, more than 1", row=line, column="value")
        key = (sup, cus, cat, year)
        if key in seen:
            raise IngestError(path, f"duplicate flow {sup} -> {cus} ({cat}, {year}) (first on "
                              f"line {seen[key]})", row=line, column="category")
        seen[key] = line
        amount, a_lo, a_hi = v * factor, lo * factor, hi * factor
        term = _term(row, year, path, line)  # a contract (start/end): every year of its term
        for y in (range(term[0], term[1] + 1) if term else (year,)):
            if y == year or (sup, "revenue", y) in index:
                sold[(sup, y)].append((amount, line))
        props: dict[str, PropValue] = {
            "amount": amount, "amount_low": a_lo, "amount_high": a_hi, "unit": "MUSD",
            "category": cat, "year": year, "basis": basis, "basis_value": v,
            "basis_low": lo, "basis_high": hi,
        }
        if base_text:
            props["basis_figure"] = base_text
        for col in ("start", "end"):
            if (row.get(col) or "").strip():
                props[col] = row[col].strip()
        src = f"{row['source'].strip()} (financials/flows.csv line {line})"
        edges.append(Edge(sup, cus, REL_TYPE, src, str(year), conf, row["rationale"].strip(),
                          props=props, key=f"{sup}|{REL_TYPE}|{cus}|{cat}|{year}"))
        recs.append({"supplier": sup, "customer": cus, "category": cat, "year": year,
                     "basis": basis, "value": v, "amount_usd_m": amount, "amount_low": a_lo,
                     "amount_high": a_hi, "confidence": conf, "line": line,
                     "start": props.get("start", ""), "end": props.get("end", "")})
    # A supplier cannot sell more to these customers than its whole revenue.
    for (sup, year), items in sold.items():
        total = sum(a for a, _ in items)
        rev = index.get((sup, "revenue", year))
        if rev is not None and total > rev.value_usd * (1 + 1e-9):
            raise IngestError(
                path, f"flows from {sup} in {year} add up to {total:,.0f} USD million, more "
                f"than its revenue {rev.value_usd:,.0f} (financials.csv line {rev.line})",
                row=max(ln for _, ln in items), column="value")
    return edges, recs, len(rows)


def _term(row: dict[str, str], year: int, path: Path, line: int) -> tuple[int, int] | None:
    """A flow's optional contract term: first and last calendar year (``None`` without
    ``start``); ``end`` empty means open-ended (the check then stops at 2100)."""
    raw = {c: (row.get(c) or "").strip() for c in ("start", "end")}
    if not raw["start"]:
        if raw["end"]:
            raise IngestError(path, "an end needs a start (when the contract comes into force)",
                              row=line, column="start")
        return None
    when: dict[str, _dt.date] = {}
    for col, v in raw.items():
        if not v:
            continue
        try:
            when[col] = (_dt.date(int(v), *((12, 31) if col == "end" else (1, 1)))
                         if re.fullmatch(r"\d{4}", v) else _dt.date.fromisoformat(v))
        except ValueError:
            raise IngestError(path, f"{v!r} is not a year (YYYY) or a date (YYYY-MM-DD)",
                              row=line, column=col) from None
    first, last = when["start"].year, when["end"].year if "end" in when else 2100
    if "end" in when and when["end"] < when["start"]:
        raise IngestError(path, f"end {raw['end']} is before start {raw['start']}", row=line,
                          column="end")
    if not first <= year <= last:
        raise IngestError(path, f"year {year} is outside the contract's term ({raw['start']} to "
                          f"{raw['end'] or 'open'}): give the amount of a year in force",
                          row=line, column="year")
    return first, last


# -- companies without an AI-relevant segment ----------------------------------------------------
def _read_notes(path: Path, companies: _Companies, figures: list[Figure]
                ) -> tuple[dict[str, dict[str, str]], int]:
    """``ai_segment_notes.csv``: companies whose filings disclose no AI-relevant segment.

    ``ai_segment`` must be ``none`` (the only statement the file makes); a company that also has
    ``segment_revenue`` figures in financials.csv contradicts it and is an error.
    """
    _, rows = read_csv_rows(path, NOTE_COLUMNS)
    with_segments: dict[str, int] = {}
    for f in figures:
        if f.metric == "segment_revenue":
            with_segments.setdefault(f.company, f.line)  # the first such line
    out: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    for line, row in rows:
        cid = companies.resolve(row["company"], path, line, "company")
        if cid in seen:
            raise IngestError(path, f"duplicate company {cid} (first on line {seen[cid]})",
                              row=line, column="company")
        seen[cid] = line
        if row["ai_segment"].strip() != "none":
            raise IngestError(path, f"ai_segment must be 'none' (no AI-relevant segment "
                              f"disclosed), not {row['ai_segment'].strip()!r}", row=line,
                              column="ai_segment")
        if cid in with_segments:
            raise IngestError(path, f"{cid} has segment revenue in financials.csv (line "
                              f"{with_segments[cid]}); a company with an AI-relevant segment "
                              "cannot also be listed as having none", row=line, column="company")
        for col in ("note", "source", "verified_by"):
            if not row[col].strip():
                raise IngestError(path, f"empty {col}", row=line, column=col)
        out[cid] = {k: row[k].strip() for k in ("note", "source", "verified_by")}
        out[cid]["line"] = str(line)
    return out, len(rows)


# -- helpers ------------------------------------------------------------------------------------
def _company_node(cid: str, companies: _Companies, figs: list[Figure],
                  ident: dict[str, str] | None, note: dict[str, str] | None = None) -> Node:
    props: dict[str, PropValue] = {}
    if figs:
        figs = sorted(figs, key=lambda f: (f.period_end, f.metric, f.segment))
        props.update({
            "fin_metric": [f.metric for f in figs],
            "fin_segment": [f.segment for f in figs],
            "fin_fiscal_year": [f.fiscal_year for f in figs],
            "fin_period_end": [f.period_end for f in figs],
            "fin_calendar_year": [f.calendar_year for f in figs],
            "fin_value": [float(f.value) for f in figs],
            "fin_currency": [f.currency for f in figs],
            "fin_value_usd": [float(f.value_usd) for f in figs],
            "fin_fx": [f.fx for f in figs],
            "fin_as_published": [f.as_published for f in figs],
            "fin_source": [f.source for f in figs],
            "fin_verified_by": [f.verified_by for f in figs],
            "fin_confidence": [f.confidence for f in figs],
            "fin_rationale": [f.rationale for f in figs],
        })
    if ident:
        for k in ("ticker", "exchange", "sec_cik", "lei", "wikidata"):
            if ident.get(k):
                props[k] = ident[k]
        if any(ident.get(k) for k in ("ticker", "exchange", "sec_cik", "lei", "wikidata")):
            props["identifiers_source"] = (f"{ident['source']} (verified: {ident['verified_by']};"
                                           f" financials/identifiers.csv line {ident['line']})")
    if note:
        props["ai_segment"] = "none disclosed"
        props["ai_segment_note"] = note["note"]
        props["ai_segment_source"] = (f"{note['source']} (verified: {note['verified_by']}; "
                                      f"financials/{NOTE_FILE}.csv line {note['line']})")
    as_of = max((f.period_end for f in figs), default="2025")
    defined = companies.defined.get(cid)
    roles = [r for r in (defined or {}).get("roles", "").split("|") if r]
    if defined:
        props.setdefault("country", defined["country"])
    return Node(cid, "company", companies.name_of(cid),
                source="riskgraph financials, ingest/data/financials/ (filings cited per figure)",
                as_of=as_of, confidence="reported", layer=company_layer(roles) if roles
                else "", roles=roles, props=props)


def _confidence(row: dict[str, str], path: Path, line: int) -> str:
    conf = row["confidence"].strip()
    if conf not in schema.CONFIDENCE:
        near = suggest(conf, schema.CONFIDENCE)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise IngestError(path, f"confidence must be reported or estimated, not {conf!r}{hint}",
                          row=line, column="confidence")
    if conf == "estimated" and not row.get("rationale", "").strip():
        raise IngestError(path, "estimated without a rationale", row=line, column="rationale")
    return conf


def _year(raw: str, path: Path, line: int, column: str) -> int:
    s = raw.strip()
    if not re.fullmatch(r"\d{4}", s):
        raise IngestError(path, f"{s!r} is not a year", row=line, column=column)
    return int(s)


def _date(raw: str, path: Path, line: int, column: str) -> _dt.date:
    s = raw.strip()
    try:
        return _dt.date.fromisoformat(s)
    except ValueError:
        raise IngestError(path, f"{s!r} is not a date (YYYY-MM-DD)", row=line,
                          column=column) from None


__all__ = ["BASES", "CATEGORIES", "METRICS", "REL_TYPE", "SOURCE", "calendar_year",
           "check_segments", "load"]
