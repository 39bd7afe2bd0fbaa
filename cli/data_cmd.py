"""``riskgraph data`` (what was loaded from where) and ``riskgraph show NAME`` (one node)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from riskgraph.cli.common import (
    DataDirOpt,
    FormatOpt,
    NoCacheOpt,
    OutputFormat,
    console,
    handle_errors,
    print_csv,
    print_json,
)


def register(app: typer.Typer) -> None:
    app.command("data")(data)
    app.command("show")(show)


def data(
    fmt: FormatOpt = OutputFormat.table,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Per source: files, rows, nodes, edges, as-of date and licence."""
    with handle_errors():
        from riskgraph.ingest.build import load_build

        doc = load_build(data_dir, use_cache=not no_cache).to_dict()
        rows, totals = doc["sources"], doc["graph"]
        if fmt is OutputFormat.json:
            print_json(doc)
            return
        if fmt is OutputFormat.csv:
            print_csv(["key", "title", "files", "rows", "nodes", "edges", "as_of", "licence"], rows)
            return
        from rich.table import Table

        t = Table(title="riskgraph data sources")
        t.add_column("source", no_wrap=True)
        for col in ("files", "rows", "nodes", "edges"):
            t.add_column(col, justify="right", no_wrap=True)
        t.add_column("as of", no_wrap=True)
        t.add_column("licence")
        for r in rows:
            licence = r["licence"].split(" (")[0]
            t.add_row(r["key"], str(r["files"]), str(r["rows"]), str(r["nodes"]),
                      str(r["edges"]), r["as_of"], licence)
        c = console()  # titles and paths are user text
        c.print(t)
        c.print(f"Merged graph: {totals['nodes']} nodes, {totals['edges']} edges "
                "(a node named by several sources is counted once).")
        # the titles below the table, one line each, instead of folded into a narrow column
        for r in rows:
            c.print(f"{r['key']}: {r['title']}")


def show(
    name: Annotated[str, typer.Argument(help="Node name, id, alias, German name or symbol (Ga).")],
    fmt: FormatOpt = OutputFormat.table,
    data_dir: DataDirOpt = None,
) -> None:
    """One node: properties, suppliers with shares, customers, HHI where it applies, sources."""
    with handle_errors():
        from riskgraph.graph.describe import describe_node
        from riskgraph.graph.lookup import find_node
        from riskgraph.ingest.build import load_graph

        g = load_graph(data_dir)
        node_id = find_node(g, name)
        info = describe_node(g, node_id)
        _add_financials(info, g.nodes[node_id])  # issue 12: figures and identifiers
        _add_market(info, g.nodes[node_id])  # issue 13: end uses, supply response, inventory
        if fmt is OutputFormat.json:
            print_json(info)
            return
        if fmt is OutputFormat.csv:
            print_csv(["direction", "id", "name", "type", "weight", "year", "source", "confidence"],
                      info["suppliers"] + info["customers"])
            return
        _show_table(info)


def _add_financials(info: dict[str, Any], node: Any) -> None:
    """Figures (one record each, with their filing) and identifiers instead of raw fin_* props."""
    from riskgraph.graph.financials import (
        ai_segment_of,
        financials_of,
        identifiers_of,
        without_financials,
    )

    info["financials"] = financials_of(node)
    info["identifiers"] = identifiers_of(node)
    seg = ai_segment_of(node)
    if seg is not None:
        info["ai_segment"] = seg
    info["props"] = without_financials(info["props"])


def _add_market(info: dict[str, Any], node: Any) -> None:
    """The mineral's market and the node's inventory cover as records, not raw mkt_* props."""
    from dataclasses import asdict

    from riskgraph.graph.markets import inventory_of, market_of, without_markets

    m = market_of(node)
    if m is not None:
        info["market"] = asdict(m)
    inv = inventory_of(node)
    if inv is not None:
        info["inventory"] = {**asdict(inv), "months": asdict(inv.months)}
    info["props"] = without_markets(info["props"])


def _rng(r: dict[str, float], pct: bool = True) -> str:
    """``value (low-high)``; fractions as percent (``40% (30-50%)``)."""
    def f(x: float) -> str:
        return f"{100 * x:.3g}" if pct else f"{x:g}"

    v, lo, hi = f(r["value"]), f(r["low"]), f(r["high"])
    unit = "%" if pct else ""
    return f"{v}{unit}" if lo == v == hi else f"{v}{unit} ({lo} to {hi}{unit})"


def _market_table(info: dict[str, Any]) -> None:
    """End uses, supply parameters and cost shares of a mineral; inventory cover of any node."""
    from rich.markup import escape
    from rich.table import Table

    c = console(markup=True)  # user text is escaped
    m = info.get("market")
    sources: list[str] = []

    def ref(src: str) -> str:
        if src not in sources:
            sources.append(src)
        return f"M{sources.index(src) + 1}"

    if m:
        t = Table(title="Market: world end uses (priority 1 = highest value per unit of mineral)")
        for col in ("use", "share", "rank", "substitutable in 12 months", "graph nodes",
                    "conf.", "src"):
            t.add_column(col, overflow="fold")
        for u in m["uses"]:
            nodes = ", ".join(n.split(":", 1)[-1] for n in u["nodes"]) or "(outside the graph)"
            t.add_row(escape(u["name"]), _rng(u["share"]), str(u["priority"]),
                      _rng(u["substitution"]), escape(nodes), u["confidence"][:3],
                      ref(u["source"]))
        c.print(t)
        if m["supply"]:
            t = Table(title="Supply response")
            for col in ("parameter", "value (low to high)", "unit", "conf.", "src"):
                t.add_column(col, overflow="fold")
            for p in m["supply"].values():
                t.add_row(p["name"], _rng(p["value"], pct=False), escape(p["unit"]),
                          p["confidence"][:3], ref(p["source"]))
            c.print(t)
        if m["cost_shares"]:
            t = Table(title="Cost share of the mineral in the products it feeds")
            for col in ("product", "cost share", "conf.", "src"):
                t.add_column(col, overflow="fold")
            for cs in m["cost_shares"]:
                t.add_row(escape(cs["node"]), _rng(cs["share"]), cs["confidence"][:3],
                          ref(cs["source"]))
            c.print(t)
    inv = info.get("inventory")
    if inv:
        c.print(f"Inventory cover: {_rng(inv['weeks'], pct=False)} weeks of input "
                f"(scope {escape(inv['scope'])}, {inv['confidence']}) [{ref(inv['source'])}]")
    if sources:
        c.print("Market and inventory sources (every field: --format json):")
        for i, src in enumerate(sources, start=1):
            c.print(escape(f"[M{i}] {src}"))


def _financials_table(info: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = console(width=max(console().width, 140), markup=True)  # user text is escaped
    ids = info.get("identifiers") or {}
    if ids:
        c.print("identifiers: " + escape(", ".join(f"{k} {v}" for k, v in ids.items()
                                                   if k != "source")))
    seg = info.get("ai_segment")
    if seg and seg["status"] == "none disclosed":
        c.print(f"AI-relevant segment: {seg['text']}: {escape(seg['note'])} "
                f"(source: {escape(seg['source'])})")
    elif seg and seg.get("none_segment"):
        c.print(f"AI-relevant segment: {seg['none_segment']}: {escape(seg['note'])} "
                f"(source: {escape(seg['source'])}); AI figures on file: "
                f"{escape(', '.join(seg['segments']))}")
    elif seg and seg["status"] == "not in the data":
        c.print(f"AI-relevant segment: {seg['text']}")
    figs = info.get("financials") or []
    if not figs:
        return
    t = Table(title="Financials (millions; each figure cites its filing)")
    for col in ("fiscal year", "metric", "segment", "value", "USD m", "source"):
        t.add_column(col, overflow="fold")
    for f in figs:
        t.add_row(f["fiscal_year"], f["metric"], escape(f["segment"] or ""),
                  f"{f['value']:,.0f} {f['currency']}", f"{f['value_usd']:,.0f}",
                  escape(f["source"]))
    c.print(t)


def _show_table(info: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = console(markup=True)  # user text is escaped
    c.print(f"[bold]{escape(info['name'])}[/bold]  ({escape(info['id'])}, {info['kind']}, "
            f"layer {info['layer'] or '-'})")
    if info["roles"]:
        c.print("roles: " + ", ".join(info["roles"]))
    if info["aliases"]:
        c.print("aliases: " + escape(", ".join(info["aliases"])))
    for k, v in info["props"].items():
        c.print(f"{escape(k)}: {escape(str(v))}")
    c.print(f"source: {escape(info['source'])} (as of {info['as_of']}, {info['confidence']})")
    for s in info["other_sources"]:
        c.print(f"also in: {escape(s)}")
    _financials_table(info)
    if info["hhi"]:
        # HHI on the 0..10 000 scale of shares in percent; shares and coverage in percent too
        t = Table(title="Concentration (Herfindahl-Hirschman index 0-10,000 of shares in %)")
        for col in ("release", "production type", "year", "HHI", "top producer", "share",
                    "coverage"):
            t.add_column(col, justify="right" if col in ("HHI", "share", "coverage") else "left")
        unknown = False
        for h in info["hhi"]:
            known = h.get("hhi") is not None
            unknown = unknown or not known
            cov = h.get("coverage")
            t.add_row(h["release"], escape(h["production_type"]), str(h["year"]),
                      f"{h['hhi']:.0f}" if known else "unknown", escape(h["top_producer"]),
                      f"{100 * h['top_share']:.1f}%" if h.get("top_share") is not None
                      else "unknown",
                      f"{100 * cov:.1f}%" if cov is not None else "unknown")
        c.print(t)
        c.print("coverage: share of the reported world total held by the countries counted; "
                "unknown when the source gives no world total.")
        if unknown:
            c.print("HHI unknown: no world total and rows without a figure (W, NA): the shares "
                    "of an unknown total are unknown.")
    _market_table(info)
    _relations(c, info)


def _relations(c: Any, info: dict[str, Any]) -> None:
    """Suppliers and customers: one row per node (its current record), sources listed below.

    USGS gives a share per country, release and year: the count is of suppliers, not records,
    and the records column says how many stand behind a row.  Sources are numbered below the
    tables instead of folded into a narrow column (a very tall table on a narrow terminal).
    """
    from rich.markup import escape
    from rich.table import Table

    from riskgraph.graph.describe import by_peer

    sources: list[str] = []

    def ref(src: str) -> str:
        if src not in sources:
            sources.append(src)
        return f"[{sources.index(src) + 1}]"

    for title, rows in (("supplier", info["suppliers"]), ("customer", info["customers"])):
        if not rows:
            continue
        peers = by_peer(rows)
        n_rec = len(rows)
        head = f"{title.capitalize()}s ({len(peers)}"
        head += f"; {n_rec} records: years and releases)" if n_rec != len(peers) else ")"
        t = Table(title=head)
        for col in ("node", "relation", "weight", "year", "records", "confidence", "source"):
            t.add_column(col, justify="right" if col in ("weight", "records") else "left")
        for r in peers[:40]:
            w = "" if r["weight"] is None else f"{100 * r['weight']:.1f}%"
            years = r["years"]
            span = (f"{years[0]}-{years[-1]}" if len(years) > 1 else "") if years else ""
            recs = str(r["records"]) + (f" ({span})" if span and r["records"] > 1 else "")
            t.add_row(escape(r["name"]), r["type"], w, str(r["year"] or ""), recs,
                      r["confidence"], escape(ref(r["source"])))
        c.print(t)
        if len(peers) > 40:
            c.print(f"... {len(peers) - 40} more {title}s (use --format json)")
    if sources:
        c.print("Sources (of the rows shown; every record: --format json):")
        for i, src in enumerate(sources, start=1):
            c.print(escape(f"[{i}] {src}"))
