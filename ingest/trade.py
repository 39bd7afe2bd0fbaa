"""U.S. imports by partner from UN Comtrade extracts (``ingest/data/trade/``, issue 13).

One CSV per mineral, ``<stem>_trade_data.csv`` (:data:`MINERALS`: gallium; ``light_ree`` for
rare earths), a verbatim copy of the extracts in
``../shared/data/comtrade_us_trade/`` (UN Comtrade via Redliana/cmm-data; ATTRIBUTION.md in the
folder).  Each file mixes reporters (the U.S., code 842, and China, 156) and flows (M imports,
X exports); the loader keeps the U.S.-reported imports (``reporterCode`` 842, ``flowCode`` M) of
the latest year, the partner ``0`` row as the world total and every other partner as a share,
and writes them as ``trade_*`` props on the mineral node (read with
:func:`riskgraph.graph.trade.trade_of`).  Quantities are ``netWgt`` in kg, values
``primaryValue`` in USD (CIF for imports).

HS 811292 (gallium's file) is a **basket** (unwrought metal, waste and scrap, powders of
several minor metals, gallium among them): a partner's share of the basket stands in for its
share of gallium, which the data cannot give; the node says so (``trade_hs_note``) and so does
the export-control output.
"""

from __future__ import annotations

from pathlib import Path

from riskgraph.errors import IngestError
from riskgraph.graph.model import GraphData, Node
from riskgraph.graph.trade import TradeShares, trade_props
from riskgraph.ingest.base import DATA_DIR, LoadResult, SourceInfo, parse_number, read_csv_rows, rel
from riskgraph.ingest.resolve import Resolver

FOLDER = "trade"
SUFFIX = "_trade_data.csv"
COLUMNS: tuple[str, ...] = ("refYear", "reporterCode", "flowCode", "partnerCode", "cmdCode",
                            "netWgt", "primaryValue")
US = "842"
# UN Comtrade numeric partner codes (M49) riskgraph reads -> ISO 3166 alpha-2
PARTNERS: dict[str, str] = {"156": "CN", "842": "US", "392": "JP", "276": "DE", "124": "CA",
                            "56": "BE", "643": "RU", "410": "KR", "158": "TW"}
BASKETS: dict[str, str] = {
    "811292": ("HS 811292 is a basket: unwrought metal, waste and scrap and powders of several "
               "minor metals (gallium among them); a partner's share of the basket stands in for "
               "its share of gallium, which the data cannot separate"),
    "280530+2846": ("HS 2846 (rare-earth compounds) and 280530 (rare-earth metals) are summed: "
                    "light and heavy rare earths in one figure, magnets (HS 8505) not included"),
}
# file stem -> mineral node (light_ree_trade_data.csv holds HS 2846 and 280530: all rare earths)
MINERALS: dict[str, str] = {"gallium": "mineral:gallium", "light_ree": "mineral:rare-earths"}

SOURCE = SourceInfo(
    key="trade",
    title="U.S. imports by partner (UN Comtrade extracts)",
    citation=("UN Comtrade, U.S.-reported annual imports by partner (HS 811292 for gallium), "
              "2020-2024, extracted by Redliana/cmm-data (API_Scripts/gold_qa_data); "
              "ingest/data/trade/"),
    licence="UN Comtrade data: attribute UN Comtrade (see ingest/data/trade/ATTRIBUTION.md)",
    as_of="2024",
    path="trade/",
)


def load(data_dir: Path = DATA_DIR, resolver: Resolver | None = None) -> LoadResult:
    """Read every ``*_trade_data.csv`` and put the latest year's U.S. imports on its mineral."""
    folder = data_dir / FOLDER
    g = GraphData()
    files: list[str] = []
    rows = 0
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        stem = path.name[: -len(SUFFIX)]
        mid = MINERALS.get(stem)
        if mid is None:
            raise IngestError(rel(path), f"no mineral for trade file {path.name!r} (known: "
                                         f"{', '.join(s + SUFFIX for s in MINERALS)})")
        t, n = read_file(path)
        rows += n
        files.append(rel(path))
        g.add_node(Node(mid, "mineral", stem.capitalize(), t.source, str(t.year), "reported",
                        props=trade_props(t)))
    return LoadResult(source=SOURCE, tables={}, graph=g, rows=rows, files=files)


def read_file(path: Path) -> tuple[TradeShares, int]:
    """The latest year's U.S. imports by partner in one extract (and its data-row count)."""
    _header, recs = read_csv_rows(path, COLUMNS)
    by_year: dict[int, dict[str, tuple[float, float, list[int]]]] = {}
    codes: set[str] = set()
    for line, r in recs:
        if r["reporterCode"].strip() != US or r["flowCode"].strip() != "M":
            continue
        year = _int(path, line, "refYear", r["refYear"])
        code = r["partnerCode"].strip()
        if code != "0" and code not in PARTNERS:
            raise IngestError(rel(path), f"unknown partner code {code!r} (known: 0 = world, "
                                         f"{', '.join(sorted(PARTNERS))})",
                              row=line, column="partnerCode")
        kg = _num(path, line, "netWgt", r["netWgt"])
        usd = _num(path, line, "primaryValue", r["primaryValue"])
        codes.add(r["cmdCode"].strip())
        # several HS codes of one mineral (rare-earth compounds and metals) add up
        old_kg, old_usd, seen = by_year.setdefault(year, {}).get(code, (0.0, 0.0, []))
        by_year[year][code] = (old_kg + kg, old_usd + usd, [*seen, line])
    years = [y for y, d in by_year.items() if "0" in d]
    if not years:
        raise IngestError(rel(path), "no U.S. import row with partner 0 (world) in any year",
                          column="partnerCode")
    y = max(years)
    d = by_year[y]
    parts = sorted(k for k in d if k != "0")
    lines = ", ".join(str(x) for k in ["0", *parts] for x in d[k][2])
    hs = "+".join(sorted(codes))
    src = (f"UN Comtrade via Redliana/cmm-data, trade/{path.name} lines {lines} "
           f"(reporter 842 U.S., flow M, {y}, netWgt kg, primaryValue USD)")
    t = TradeShares(source=src, hs=hs, hs_note=BASKETS.get(hs, ""), year=y, reporter="US",
                    partners=tuple(PARTNERS[k] for k in parts),
                    partner_kg=tuple(d[k][0] for k in parts),
                    partner_usd=tuple(d[k][1] for k in parts),
                    total_kg=d["0"][0], total_usd=d["0"][1])
    return t, len(recs)


def _num(path: Path, line: int, col: str, raw: str) -> float:
    v = parse_number(raw, path=rel(path), row=line, column=col, allow_missing=True)
    if v is None:
        raise IngestError(rel(path), f"{col} {raw!r} is not a number", row=line, column=col)
    return float(v)


def _int(path: Path, line: int, col: str, raw: str) -> int:
    v = _num(path, line, col, raw)
    if v != int(v):
        raise IngestError(rel(path), f"{col} {raw!r} is not a year", row=line, column=col)
    return int(v)


__all__ = ["SOURCE", "load", "read_file"]
