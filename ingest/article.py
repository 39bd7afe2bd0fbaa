"""Loader for the article's critical-minerals table (Appendix A, "Tabelle 1").

The shipped file ``article/tabelle1_kritische_mineralien.txt`` is the article's text as it
stands: a tab-separated table with German names, footnote marks ("China**",
"Platingruppenmetalle*"), "n.a." and percent signs, followed by the footnotes.  This module
parses it without any cleaning of the file:

* German mineral name -> canonical mineral id through the entity registry ("Silizium" ->
  ``mineral:silicon``); a trailing "*" is the footnote mark of the platinum-group row.
* Producer (German country name) -> ``country:<ISO2>`` ("Kongo" -> ``country:CD``).  "**" after
  the producer means the figure is from World Mining Data 2021 (footnote "**"); otherwise it is
  from USGS Mineral Commodity Summaries 2023 (the table's note 11).
* Rows without a producer ("n.a." or blank: Dysprosium, Erbium, Lanthan, Terbium, the
  platinum-group row) stay minerals whose concentration is *unknown*: no edge, and the node
  property ``article_concentration = "unknown"`` (never a share of zero).
* Sub-rows without applications directly below the platinum-group row (Palladium, Platin,
  Rhodium) are minerals of their own, ``PART_OF`` platinum-group metals.

``as_of`` of an edge is the year the cited figure refers to: 2022 for USGS MCS 2023 (its newest,
estimated, year) and 2019 for World Mining Data 2021 (its newest year).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from riskgraph.errors import IngestError
from riskgraph.graph.model import Edge, GraphData, PropValue
from riskgraph.ingest.base import LoadResult, SourceInfo, parse_number, read_text
from riskgraph.ingest.entities import REGISTRY_AS_OF, registry_node
from riskgraph.ingest.resolve import Resolver

FILE = "article/tabelle1_kritische_mineralien.txt"

ARTICLE = (
    "Invesco, \"In Silico, Teil V: In KI investieren\" (A. Oerth, Dec 2023), "
    "Appendix A, Tabelle 1"
)

SOURCE = SourceInfo(
    key="article",
    title="Critical minerals table (Invesco, In Silico Teil V, Appendix A, Tabelle 1)",
    citation=(
        "Ashley Oerth (Invesco), \"In Silico, Teil V: In KI investieren\", December 2023, "
        "Appendix A, Tabelle 1 \"Editierte USGS-Liste kritischer Mineralien\" (citing USGS "
        "Mineral Commodity Summaries 2023 and World Mining Data 2021)"
    ),
    licence="quoted verbatim with attribution (published marketing article)",
    as_of="2022",
    path=FILE,
)

COLUMNS: tuple[str, ...] = (
    "Kritische Mineralien",
    "Anwendungen",
    "Hauptproduzent",
    "Weltmarktanteil in %",
)

USGS_MCS_2023 = "USGS Mineral Commodity Summaries 2023"
WMD_2021 = "World Mining Data 2021"
# The year each cited data set's newest figures refer to.
FIGURE_YEAR = {USGS_MCS_2023: 2022, WMD_2021: 2019}

NOT_AVAILABLE = frozenset({"", "n.a.", "n.a", "na", "-", "--"})

TABLE_COLUMNS = [
    "line", "mineral_de", "mineral_id", "symbol", "applications_de", "producer_de",
    "country_id", "share_pct", "share", "data_source", "year", "parent_id",
]


def parse_table(path: Path, resolver: Resolver) -> list[dict[str, Any]]:
    """Parse the article's table into one dict per row (``TABLE_COLUMNS``), validating all.

    Parameters
    ----------
    path : Path
        The shipped text file.
    resolver : Resolver
        Entity registry used to map German names to mineral and country ids.

    Returns
    -------
    list of dict
        One entry per table row, in file order.

    Raises
    ------
    IngestError
        Empty file, no table header, a missing or misnamed column, a row with too many fields,
        an unknown mineral or country (with suggestions), a bad share, a producer without a
        share or a share without a producer, an unknown footnote mark, or a duplicate row.
    """
    lines = read_text(path).splitlines()
    header_at = None
    for i, line in enumerate(lines, start=1):
        if line.split("\t", 1)[0].strip() == COLUMNS[0]:
            header_at = i
            break
    if header_at is None:
        raise IngestError(path, f"no table: no line starts with the column {COLUMNS[0]!r}")
    header = [h.strip() for h in lines[header_at - 1].split("\t")]
    for col in COLUMNS:
        if col not in header:
            raise IngestError(path, f"missing column {col!r}", row=header_at, column=col)
    idx = {col: header.index(col) for col in COLUMNS}

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    group_row: dict[str, Any] | None = None  # the last row with applications
    for lineno in range(header_at + 1, len(lines) + 1):
        line = lines[lineno - 1]
        if not line.strip():
            break  # the table ends at the first blank line; the footnotes follow
        fields = line.split("\t")
        if len(fields) > len(header):
            raise IngestError(path, f"{len(fields)} fields but the header has {len(header)}",
                              row=lineno)
        fields += [""] * (len(header) - len(fields))
        rec = {col: fields[idx[col]].strip() for col in COLUMNS}
        rows.append(_parse_row(path, lineno, rec, resolver, seen, group_row))
        if rec[COLUMNS[1]]:
            group_row = rows[-1]
    if not rows:
        raise IngestError(path, "the table has a header but no rows", row=header_at)
    _check_footnotes(path, lines)
    return rows


def _parse_row(
    path: Path,
    lineno: int,
    rec: dict[str, str],
    resolver: Resolver,
    seen: dict[str, int],
    group_row: dict[str, Any] | None,
) -> dict[str, Any]:
    c_min, c_app, c_prod, c_share = COLUMNS
    name = rec[c_min].rstrip("*").strip()
    if not name:
        raise IngestError(path, "empty mineral name", row=lineno, column=c_min)
    mineral_id = resolver.resolve(name, "mineral", path=path, row=lineno, column=c_min)
    if mineral_id in seen:
        raise IngestError(
            path, f"duplicate row: {name!r} ({mineral_id}) is already on line {seen[mineral_id]}",
            row=lineno, column=c_min,
        )
    seen[mineral_id] = lineno
    reg = _registry_row(resolver, mineral_id)

    producer = rec[c_prod]
    country_id = None
    data_source = None
    if producer.casefold() not in NOT_AVAILABLE:
        bare = producer.rstrip("*").strip()
        stars = len(producer) - len(producer.rstrip("*"))
        if stars == 2:
            data_source = WMD_2021
        elif stars == 0:
            data_source = USGS_MCS_2023
        else:
            raise IngestError(path, f"unknown footnote mark {'*' * stars!r} in {producer!r} "
                              "(the table defines '**' only)", row=lineno, column=c_prod)
        country_id = resolver.resolve(bare, "country", path=path, row=lineno, column=c_prod)

    share_pct = None
    if rec[c_share].casefold() not in NOT_AVAILABLE:
        share_pct = parse_number(rec[c_share], path=path, row=lineno, column=c_share,
                                 minimum=0.0, maximum=100.0)
    if country_id is not None and share_pct is None:
        raise IngestError(path, f"producer {producer!r} without a share", row=lineno,
                          column=c_share)
    if country_id is None and share_pct is not None:
        raise IngestError(path, f"share {rec[c_share]!r} without a producer", row=lineno,
                          column=c_prod)

    parent_id = None
    group = (reg.get("group") or "").strip()
    if not rec[c_app] and group and group_row is not None \
            and group_row["mineral_id"] == f"mineral:{group}":
        parent_id = group_row["mineral_id"]
    return {
        "line": lineno,
        "mineral_de": rec[c_min],
        "mineral_id": mineral_id,
        "symbol": (reg.get("symbol") or "") or None,
        "applications_de": rec[c_app] or None,
        "producer_de": producer or None,
        "country_id": country_id,
        "share_pct": share_pct,
        "share": None if share_pct is None else share_pct / 100.0,
        "data_source": data_source,
        "year": None if data_source is None else FIGURE_YEAR[data_source],
        "parent_id": parent_id,
    }


def _check_footnotes(path: Path, lines: list[str]) -> None:
    """The "**" footnote must name World Mining Data 2021 (the mapping above relies on it)."""
    for line in lines:
        s = line.replace("\\*", "*").strip()
        if s.startswith("**") and "World Mining Data 2021" in s:
            return
    raise IngestError(path, "footnote '**' naming World Mining Data 2021 not found")


def _registry_row(resolver: Resolver, node_id: str) -> dict[str, str]:
    kind, _, ident = node_id.partition(":")
    key = "iso2" if kind == "country" else "slug"
    for row in resolver.rows.get(kind, []):
        if (row.get(key) or "").strip() == ident:
            return row
    raise KeyError(node_id)  # pragma: no cover - resolve() only returns registry ids


def _registry_line(resolver: Resolver, node_id: str) -> int:
    kind, _, ident = node_id.partition(":")
    key = "iso2" if kind == "country" else "slug"
    for i, row in enumerate(resolver.rows.get(kind, []), start=2):
        if (row.get(key) or "").strip() == ident:
            return i
    raise KeyError(node_id)  # pragma: no cover


def load(data_dir: Path, resolver: Resolver) -> LoadResult:
    """Load the article's table: mineral nodes, producer countries and PRODUCES edges.

    Parameters
    ----------
    data_dir : Path
        The ``ingest/data`` folder (or a copy with the same layout).
    resolver : Resolver
        The entity registry.

    Returns
    -------
    LoadResult
        ``tables["minerals"]``: one row per table row (``TABLE_COLUMNS``); the graph fragment:
        one node per mineral row (German name, applications, the article's top producer and
        share or ``article_concentration = "unknown"``), the producer countries, one
        ``PRODUCES`` edge per row with a producer (``weight`` = share in 0..1, ``share_pct``,
        ``data_source``), and ``PART_OF`` edges from group members to their group.

    Raises
    ------
    IngestError
        See :func:`parse_table`.
    """
    path = Path(data_dir) / FILE
    rows = parse_table(path, resolver)
    where = FILE
    g = GraphData()
    for r in rows:
        node = registry_node(resolver, r["mineral_id"])
        props: dict[str, PropValue] = {
            "article_line": r["line"],
            "article_name_de": r["mineral_de"],
        }
        if r["applications_de"]:
            props["applications_de"] = r["applications_de"]
        if r["country_id"] is None:
            props["article_concentration"] = "unknown"
            props["article_top_producer"] = "unknown"
        else:
            props["article_concentration"] = "reported"
            props["article_top_producer"] = r["country_id"]
            props["article_top_share"] = r["share"]
            props["article_top_share_source"] = r["data_source"]
        node.props.update(props)
        g.add_node(node)
        if r["country_id"] is not None:
            g.add_node(registry_node(resolver, r["country_id"]))
            ds = r["data_source"]
            g.add_edge(Edge(
                r["country_id"], r["mineral_id"], "PRODUCES",
                source=(f"{ARTICLE}, row {r['mineral_de']!r} ({where} line {r['line']}), "
                        f"citing {ds}"),
                as_of=str(r["year"]),
                confidence="reported",
                props={
                    "weight": r["share"],
                    "share_pct": r["share_pct"],
                    "data_source": ds,
                    "year": r["year"],
                    "dataset": "article",
                    "line": r["line"],
                },
                key=f"{r['country_id']}|PRODUCES|{r['mineral_id']}|article:line{r['line']}",
            ))
    # Group membership: platinum-group sub-rows (footnote "*") and registry groups.
    for r in rows:
        group = (_registry_row(resolver, r["mineral_id"]).get("group") or "").strip()
        if not group:
            continue
        group_id = f"mineral:{group}"
        if group_id not in g:
            g.add_node(registry_node(resolver, group_id))
        reg_line = _registry_line(resolver, r["mineral_id"])
        if r["parent_id"] == group_id:
            src = (f"{ARTICLE}, sub-row {r['mineral_de']!r} of the platinum-group row and "
                   f"footnote '*' ({where} line {r['line']})")
            as_of = "2023"  # the article's date (December 2023)
        else:
            src = f"riskgraph entity registry, entities/minerals.csv line {reg_line} (group)"
            as_of = REGISTRY_AS_OF
        g.add_edge(Edge(r["mineral_id"], group_id, "PART_OF", source=src,
                        as_of=as_of, confidence="reported"))
    df = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    return LoadResult(source=SOURCE, tables={"minerals": df}, graph=g, rows=len(rows),
                      files=[where])
