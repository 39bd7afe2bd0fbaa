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
        t.add_column("source")
        for col in ("files", "rows", "nodes", "edges"):
            t.add_column(col, justify="right")
        t.add_column("as of")
        t.add_column("licence")
        for r in rows:
            licence = r["licence"].split(" (")[0]
            t.add_row(f"{r['key']}: {r['title']}", str(r["files"]), str(r["rows"]),
                      str(r["nodes"]), str(r["edges"]), r["as_of"], licence)
        c = console()  # titles and paths are user text
        c.print(t)
        c.print(f"Merged graph: {totals['nodes']} nodes, {totals['edges']} edges "
                "(a node named by several sources is counted once).")


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
    from riskgraph.graph.financials import financials_of, identifiers_of, without_financials

    info["financials"] = financials_of(node)
    info["identifiers"] = identifiers_of(node)
    info["props"] = without_financials(info["props"])


def _financials_table(info: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = console(width=max(console().width, 140), markup=True)  # user text is escaped
    ids = info.get("identifiers") or {}
    if ids:
        c.print("identifiers: " + escape(", ".join(f"{k} {v}" for k, v in ids.items()
                                                   if k != "source")))
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
        t = Table(title="Concentration (Herfindahl-Hirschman index, shares in %)")
        for col in ("release", "production type", "year", "HHI", "top producer", "share"):
            t.add_column(col)
        for h in info["hhi"]:
            t.add_row(h["release"], h["production_type"], str(h["year"]), f"{h['hhi']:.0f}",
                      h["top_producer"], f"{100 * h['top_share']:.1f}%")
        c.print(t)
    for title, rows in (("Suppliers", info["suppliers"]), ("Customers", info["customers"])):
        if not rows:
            continue
        t = Table(title=f"{title} ({len(rows)})")
        for col in ("node", "relation", "weight", "year", "confidence", "source"):
            t.add_column(col, overflow="fold")
        for r in rows[:40]:
            w = "" if r["weight"] is None else f"{100 * r['weight']:.1f}%"
            t.add_row(escape(r["name"]), r["type"], w, str(r["year"] or ""), r["confidence"],
                      escape(r["source"]))
        c.print(t)
        if len(rows) > 40:
            c.print(f"... {len(rows) - 40} more (use --format json)")
