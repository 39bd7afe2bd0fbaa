"""``riskgraph export rdf|graphml|json|csv|html OUT`` and ``riskgraph sparql NAME|FILE``.

Heavy libraries (rdflib, networkx, pyvis) are imported inside the commands.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskgraph.cli.common import (
    DataDirOpt,
    FormatOpt,
    NoCacheOpt,
    OutputFormat,
    ParamOpt,
    console,
    err,
    handle_errors,
    parse_params,
    print_csv,
    print_json,
)

OutArg = Annotated[Path, typer.Argument(help="File to write (its folder must exist).")]

DEFAULT_BASE = "https://w3id.org/riskgraph/id/"  # = riskgraph.export.rdf.DEFAULT_BASE


class RdfFormat(StrEnum):
    turtle = "turtle"
    json_ld = "json-ld"
    nt = "nt"
    xml = "xml"


export_app = typer.Typer(
    name="export",
    help="Write the whole graph as RDF, GraphML, JSON, CSV or an HTML view (see docs/exports.md).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add ``export`` (a command group) and ``sparql`` to ``app``."""
    app.add_typer(export_app, name="export")
    app.command("sparql")(sparql)


def _graph(data_dir: list[Path] | None, no_cache: bool) -> Any:
    from riskgraph.ingest.build import load_graph

    return load_graph(data_dir, use_cache=not no_cache)


def _inputs(data_dir: list[Path] | None) -> list[Path]:
    """The data folders this command reads (an export may not be written into them)."""
    from riskgraph.ingest.build import input_folders

    return input_folders(data_dir)


def _done(msg: str) -> None:
    err(msg)


@export_app.command("rdf")
def export_rdf(
    out: OutArg,
    fmt: Annotated[RdfFormat, typer.Option(
        "--format", "-f", help="RDF serialisation.", case_sensitive=False)] = RdfFormat.turtle,
    base: Annotated[str, typer.Option(
        "--base", help="Namespace of node, relation and source IRIs (ends in / or #).")
    ] = DEFAULT_BASE,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """RDF following the riskgraph ontology: one resource per node, one qualified relation per
    edge (with weight, unit, source, date and confidence)."""
    with handle_errors():
        from riskgraph.export.atomic import check_folder
        from riskgraph.export.rdf import check_base, write_rdf

        check_base(base)
        check_folder(out, inputs=_inputs(data_dir))
        n = write_rdf(_graph(data_dir, no_cache), out, fmt.value, base)
        _done(f"Wrote {out} ({n} triples, {fmt.value})")


def _write_file(out: Path, data_dir: list[Path] | None, no_cache: bool,
                write: Callable[[Any, Path], object]) -> None:
    """Check ``out``'s folder, load the graph, ``write(graph, out)``, report the counts."""
    from riskgraph.export.atomic import check_folder

    check_folder(out, inputs=_inputs(data_dir))
    g = _graph(data_dir, no_cache)
    write(g, out)
    _done(f"Wrote {out} ({len(g)} nodes, {g.number_of_edges()} edges)")


@export_app.command("graphml")
def export_graphml(out: OutArg, data_dir: DataDirOpt = None, no_cache: NoCacheOpt = False) -> None:
    """GraphML for Gephi, yEd and networkx (lists as JSON strings)."""
    with handle_errors():
        from riskgraph.export.graphml import write_graphml

        _write_file(out, data_dir, no_cache, write_graphml)


@export_app.command("json")
def export_json(out: OutArg, data_dir: DataDirOpt = None, no_cache: NoCacheOpt = False) -> None:
    """JSON, schema riskgraph.graph/2: every node and edge with all properties and provenance
    (each source once, referred to by id and line)."""
    with handle_errors():
        from riskgraph.export.tabular import write_json

        _write_file(out, data_dir, no_cache, write_json)


@export_app.command("csv")
def export_csv(
    out: Annotated[Path, typer.Argument(
        help="Folder to write nodes.csv and edges.csv into (created if missing).")],
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """nodes.csv and edges.csv for spreadsheets and pandas."""
    with handle_errors():
        from riskgraph.export.tabular import write_csv

        inputs = _inputs(data_dir)
        from riskgraph.export.atomic import refuse_inputs

        refuse_inputs(out, inputs)  # before the (slow) build
        g = _graph(data_dir, no_cache)
        nodes, edges = write_csv(g, out, inputs=inputs)
        _done(f"Wrote {nodes} ({len(g)} nodes) and {edges} ({g.number_of_edges()} edges)")


@export_app.command("parquet")
def export_parquet(
    out: Annotated[Path, typer.Argument(
        help="Folder to write nodes.parquet and links.parquet into (created if missing).")],
    map_dir: Annotated[Path | None, typer.Option(
        "--map", help="Convert this folder of curated CSVs (a large map) instead of the graph.")
    ] = None,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """nodes.parquet and links.parquet in the curated columns, for riskgraph bulk-shock (the
    columnar path, --engine spark), pandas, Spark and DuckDB (docs/exports.md)."""
    with handle_errors():
        from riskgraph.export.atomic import refuse_inputs
        from riskgraph.export.parquet import convert_csv_dir, write_graph_parquet

        if map_dir is not None:
            refuse_inputs(out, [map_dir])
            rep = convert_csv_dir(map_dir, out)
        else:
            inputs = _inputs(data_dir)
            refuse_inputs(out, inputs)
            rep = write_graph_parquet(_graph(data_dir, no_cache), out)
        _done("Wrote " + ", ".join(f"{out / name} ({rows} rows, {rep.bytes[name]:,} bytes)"
                                   for name, rows in rep.rows.items()))


@export_app.command("html")
def export_html(
    out: OutArg,
    layers: Annotated[list[str] | None, typer.Option(
        "--layers", "-l",
        help="Only these layers (countries, minerals, inputs, chips, clouds, labs); "
        "repeatable or comma-separated.")] = None,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """An interactive, self-contained HTML view of the graph, layers left to right."""
    with handle_errors():
        from riskgraph.export.atomic import check_folder
        from riskgraph.views.html import write_graph_html

        check_folder(out, inputs=_inputs(data_dir))
        wanted = [s.strip() for item in (layers or []) for s in item.split(",") if s.strip()]
        g = _graph(data_dir, no_cache)
        n = write_graph_html(g, out, wanted or None)
        total = sum(1 for x in g.nodes.values() if not wanted or x.layer in wanted)
        _done(f"Wrote {out} ({n} of {total} nodes shown on opening: the chain to the labs; "
              "search or 'all' for the rest)")


def sparql(
    query: Annotated[str | None, typer.Argument(
        help="Name of a shipped query (see --list) or a .rq file.", show_default=False)] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    rdf_file: Annotated[Path | None, typer.Option(
        "--rdf", help="Query this RDF file (an export) instead of the current graph.",
        dir_okay=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the shipped queries.")] = False,
    allow_service: Annotated[bool, typer.Option(
        "--allow-service", help="Let the query fetch remote data (SERVICE <iri>, FROM <iri>); "
        "refused without it.")] = False,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Run a SPARQL query on the graph's RDF form (rdflib): the same questions as the Cypher
    library, e.g. riskgraph sparql company-suppliers --param company=company:microsoft"""
    with handle_errors():
        from riskgraph.cypher import sparql as sq
        from riskgraph.errors import UsageError

        if list_:
            _print_doc(sq.catalogue(sq.list_queries()), fmt)
            return
        if not query:
            raise UsageError("name a query or a .rq file (riskgraph sparql --list shows them)")
        q = sq.load(query)
        params = q.bind(parse_params(param))  # check parameters before the (slow) conversion
        sq.check_query(q, allow_service=allow_service)  # and the query text
        from riskgraph.export import rdf

        g = rdf.read_rdf(rdf_file) if rdf_file else rdf.to_rdf(_graph(data_dir, no_cache))
        _print_doc(sq.result_payload(q, sq.run_query(g, q, params, allow_service=allow_service)),
                   fmt)


def _print_doc(doc: dict[str, Any], fmt: OutputFormat) -> None:
    """A ``riskgraph.sparql/1`` document as JSON, CSV or a table."""
    cols: list[str] = doc["columns"]
    rows: list[dict[str, Any]] = doc["rows"]
    if fmt is OutputFormat.json:
        print_json(doc)
        return
    if fmt is OutputFormat.csv:
        print_csv(cols, rows)
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(doc["query"]))
    for c in cols:
        t.add_column(Text(c))
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            if isinstance(v, float):
                cells.append(Text(f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"))
            else:
                cells.append(Text("" if v is None else str(v)))
        t.add_row(*cells)
    out = console()
    out.print(t)
    out.print(f"{len(rows)} row(s)")
