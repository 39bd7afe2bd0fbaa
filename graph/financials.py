"""Company financials and identifiers as the graph keeps them on company nodes.

The financials loader (``riskgraph.ingest.financials``) stores every figure as parallel lists in
the node's ``props`` (``fin_metric[i]``, ``fin_value[i]``, ``fin_source[i]`` ...), so the graph
stays plain data (JSON cache, Neo4j properties, RDF literals).  This module turns them back into
one record per figure, and reads the identifiers (ticker, exchange, SEC CIK, LEI, Wikidata QID).

It sits in the graph layer so both the engine (money model) and the views/CLI can read it.
"""

from __future__ import annotations

from typing import Any

from riskgraph.graph.model import GraphData, Node

# One entry per figure: props key -> record key.
FIN_FIELDS: tuple[tuple[str, str], ...] = (
    ("fin_metric", "metric"),
    ("fin_segment", "segment"),
    ("fin_fiscal_year", "fiscal_year"),
    ("fin_period_end", "period_end"),
    ("fin_calendar_year", "calendar_year"),
    ("fin_value", "value"),
    ("fin_currency", "currency"),
    ("fin_value_usd", "value_usd"),
    ("fin_fx", "fx"),
    ("fin_as_published", "as_published"),
    ("fin_source", "source"),
    ("fin_verified_by", "verified_by"),
    ("fin_confidence", "confidence"),
    ("fin_rationale", "rationale"),
)
FIN_PREFIX = "fin_"
ID_FIELDS: tuple[str, ...] = ("ticker", "exchange", "sec_cik", "lei", "wikidata")
# Set by ingest/data/financials/ai_segment_notes.csv on companies that disclose no AI segment.
AI_SEGMENT_FIELDS: tuple[str, ...] = ("ai_segment", "ai_segment_note", "ai_segment_source")
AI_METRICS: tuple[str, ...] = ("segment_revenue", "ai_revenue")
NONE_DISCLOSED = "no AI-relevant segment disclosed"
NOT_IN_DATA = "no AI-relevant segment revenue in the data (not collected or not verified yet)"
UNIT = "million"  # every fin_value / fin_value_usd is in millions of its currency


def financials_of(node: Node) -> list[dict[str, Any]]:
    """The node's figures, one dict per figure (empty when it has none), newest year first."""
    cols = {rec: node.props.get(key) for key, rec in FIN_FIELDS}
    metric = cols["metric"]
    if not isinstance(metric, list):
        return []
    out: list[dict[str, Any]] = []
    for i in range(len(metric)):
        row: dict[str, Any] = {}
        for _key, rec in FIN_FIELDS:
            col = cols[rec]
            row[rec] = col[i] if isinstance(col, list) and i < len(col) else None
        row["unit"] = UNIT
        out.append(row)
    out.sort(key=lambda r: (str(r["period_end"]), str(r["metric"]), str(r["segment"])),
             reverse=True)
    return out


def identifiers_of(node: Node) -> dict[str, str]:
    """Ticker, exchange, SEC CIK, LEI and Wikidata QID where known (only the keys present)."""
    out = {k: str(node.props[k]) for k in ID_FIELDS if node.props.get(k)}
    if out and node.props.get("identifiers_source"):
        out["source"] = str(node.props["identifiers_source"])
    return out


def figure(node: Node, metric: str, calendar_year: int, segment: str = "") -> dict[str, Any] | None:
    """The figure of ``metric`` (and ``segment``) for ``calendar_year``, or ``None``.

    Several rows for one calendar year (two fiscal years mapped to it, or two currencies): the
    one with a USD value and the latest period end wins.
    """
    best: dict[str, Any] | None = None
    for r in financials_of(node):
        if r["metric"] != metric or int(r["calendar_year"] or 0) != calendar_year:
            continue
        if segment and r["segment"] != segment:
            continue
        if best is None or (r["value_usd"] is not None and best["value_usd"] is None):
            best = r
    return best


def revenue_usd(node: Node, calendar_year: int) -> float | None:
    """Total revenue of ``calendar_year`` in USD millions, or ``None`` when not on file."""
    f = figure(node, "revenue", calendar_year)
    if f is None or f["value_usd"] is None:
        return None
    return float(f["value_usd"])


def segment_usd(node: Node, calendar_year: int) -> dict[str, Any] | None:
    """The company's AI-relevant reported segment (``segment_revenue``) of ``calendar_year``.

    The largest segment row with a USD value of the same fiscal year as the revenue figure,
    and never above that revenue; ``None`` when there is none (no segment on file, or only an
    ``ai_revenue`` estimate, which is a subset, not a reported segment).
    """
    rev = figure(node, "revenue", calendar_year)
    if rev is None or rev["value_usd"] is None:
        return None
    best: dict[str, Any] | None = None
    for r in financials_of(node):
        if (r["metric"] != "segment_revenue" or int(r["calendar_year"] or 0) != calendar_year
                or r["value_usd"] is None or r["fiscal_year"] != rev["fiscal_year"]):
            continue
        if not 0 < float(r["value_usd"]) <= float(rev["value_usd"]) * (1 + 1e-9):
            continue
        if best is None or float(r["value_usd"]) > float(best["value_usd"]):
            best = r
    return best


def ai_segment_of(node: Node) -> dict[str, Any] | None:
    """Whether the company's AI-relevant revenue is on file, and if not, why (said plainly).

    ``status`` is ``disclosed`` (segment or AI revenue figures on file, their names in
    ``segments``; with ``note``/``source`` as well when only ``ai_revenue`` figures are on file
    and the filings report no AI-relevant segment), ``none disclosed`` (the filings report no
    AI-relevant segment; ``note`` and ``source`` cite them) or ``not in the data`` (figures on
    file, but no segment figure and no statement).  ``None`` for a node without financials or
    such a statement.
    """
    figs = financials_of(node)
    names = sorted({str(f["segment"]) for f in figs if f["metric"] in AI_METRICS})
    none_note = node.props.get("ai_segment") == "none disclosed"
    if names:
        out: dict[str, Any] = {"status": "disclosed", "text": "AI-relevant segment revenue on file",
                               "segments": names}
        if none_note:  # an AI figure that is not a segment (ai_revenue), and the statement that
            # the filings report no AI-relevant segment (it covers the years without a figure)
            out.update(none_segment=NONE_DISCLOSED,
                       note=str(node.props.get("ai_segment_note") or ""),
                       source=str(node.props.get("ai_segment_source") or ""))
        return out
    if none_note:
        return {"status": "none disclosed", "text": NONE_DISCLOSED,
                "note": str(node.props.get("ai_segment_note") or ""),
                "source": str(node.props.get("ai_segment_source") or "")}
    if figs:
        return {"status": "not in the data", "text": NOT_IN_DATA}
    return None


def has_financials(g: GraphData, node_id: str) -> bool:
    n = g.nodes.get(node_id)
    return n is not None and isinstance(n.props.get("fin_metric"), list)


def without_financials(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` without the ``fin_*`` lists, identifier and AI-segment keys (shown separately)."""
    return {k: v for k, v in props.items()
            if not k.startswith(FIN_PREFIX) and k not in ID_FIELDS and k != "identifiers_source"
            and k not in AI_SEGMENT_FIELDS}


__all__ = [
    "AI_METRICS", "AI_SEGMENT_FIELDS", "FIN_FIELDS", "ID_FIELDS", "NONE_DISCLOSED", "NOT_IN_DATA",
    "UNIT", "ai_segment_of", "figure", "financials_of", "has_financials",
    "identifiers_of", "revenue_usd", "without_financials",
]
