"""``riskgraph ingest [--neo4j]``: build the graph from every source; optionally into Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from riskgraph.cli.common import (
    DatabaseOpt,
    DataDirOpt,
    NoCacheOpt,
    PasswordOpt,
    UriOpt,
    UserOpt,
    console,
    handle_errors,
    neo4j_settings,
)
from riskgraph.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add ``riskgraph ingest`` to ``app``."""
    app.command("ingest")(ingest)


def ingest(
    neo4j: Annotated[
        bool,
        typer.Option(
            "--neo4j", help="Also write the graph to Neo4j (batched, idempotent, per source)."
        ),
    ] = False,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    wipe: Annotated[
        bool, typer.Option("--wipe", help="Delete everything in the database before writing.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per UNWIND statement (1 = row by row).")
    ] = 1000,
    data_dir: DataDirOpt = None,
    no_cache: NoCacheOpt = False,
    bulk: Annotated[
        bool, typer.Option(
            "--bulk", help="First load at database speed: neo4j-admin database import full on "
            "the local server (stopped and restarted; the database must be empty, or --wipe).")
    ] = False,
    map_dir: Annotated[
        Path | None, typer.Option(
            "--map", help="With --bulk: import this folder of curated CSVs (a large map, ids in "
            "from/to) instead of the built graph.", exists=True, file_okay=False)
    ] = None,
) -> None:
    """Build the graph from every source and print counts per source; with --neo4j, write it
    to Neo4j: constraints first, one transaction per source, MERGE on ids and edge keys (a
    second run changes no count), then delete what the sources no longer have."""
    with handle_errors():
        from rich.table import Table

        from riskgraph.ingest.build import load_build

        if (bulk or map_dir) and not neo4j:
            raise UsageError("--bulk and --map write to Neo4j: add --neo4j")
        if map_dir is not None and not bulk:
            raise UsageError("--map needs --bulk (the batched path takes --data-dir)")
        if bulk:
            _bulk(map_dir, data_dir, no_cache, uri, user, password, database, wipe)
            return
        b = load_build(data_dir, use_cache=not no_cache)
        out = console()  # escapes control characters
        if not neo4j:
            t = Table(title="riskgraph ingest (embedded store)")
            t.add_column("source")
            for col in ("files", "rows", "nodes", "edges"):
                t.add_column(col, justify="right")
            for s in b.sources:
                t.add_row(s.key, str(s.files), str(s.rows), str(s.nodes), str(s.edges))
            out.print(t)
            cached = " (from the cache)" if b.from_cache else ""
            out.print(
                f"Embedded graph{cached}: {len(b.graph)} nodes, {b.graph.number_of_edges()} edges."
            )
            return
        _to_neo4j(b.graph, b.parts, uri, user, password, database, wipe, batch_size, out)


def _bulk(map_dir: Path | None, data_dir: list[Path] | None, no_cache: bool, uri: str | None,
          user: str | None, password: str | None, database: str | None, wipe: bool) -> None:
    from riskgraph.cli.bulk_import import bulk_import, graph_chunks
    from riskgraph.ingest.build import load_build

    settings = neo4j_settings(uri, user, password, database)
    if map_dir is not None:
        rep = bulk_import(settings, folder=map_dir, wipe=wipe)
        what = str(map_dir)
    else:
        rep = bulk_import(settings, *graph_chunks(load_build(data_dir, use_cache=not no_cache)
                                                  .graph), wipe=wipe)
        what = "the built graph"
    console().print(
        f"neo4j-admin database import full -> {settings.uri} database {settings.database}: "
        f"{rep.nodes} nodes, {rep.relationships} relationships from {what} in "
        f"{rep.seconds:.1f} s (CSV {rep.write_seconds:.1f} s, stop {rep.stop_seconds:.1f} s, "
        f"import {rep.import_seconds:.1f} s, start {rep.start_seconds:.1f} s, constraints "
        f"{rep.schema_seconds:.1f} s): {rep.relationships_per_second:,.0f} relationships/s.")


def _to_neo4j(
    graph: object,
    parts: list[tuple[str, Any]],
    uri: str | None,
    user: str | None,
    password: str | None,
    database: str | None,
    wipe: bool,
    batch_size: int,
    out: object,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from riskgraph.graph.model import GraphData
    from riskgraph.graph.neo4j import store
    from riskgraph.graph.neo4j.connection import connect, neo4j_errors

    assert isinstance(graph, GraphData) and isinstance(out, Console)
    settings = neo4j_settings(uri, user, password, database)
    units = store.units_from_parts(graph, parts)
    driver = connect(settings)
    total = sum(len(u.node_ids) + len(u.edge_keys) for u in units)
    err = console(stderr=True)
    try:
        with (
            neo4j_errors(settings),
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=True,
            ) as bar,
        ):
            task = bar.add_task("Neo4j", total=total)

            def progress(unit: str, rows: int) -> None:
                bar.update(task, advance=rows, description=f"Neo4j: {unit}")

            report = store.write_graph(
                driver,
                graph,
                database=settings.database,
                units=units,
                batch_size=batch_size,
                wipe_first=wipe,
                progress=progress,
            )
            after = store.counts(driver, database=settings.database)
    finally:
        driver.close()
    t = Table(title=f"riskgraph ingest -> {settings.uri} database {settings.database}")
    t.add_column("source (one transaction each)")
    for col in ("nodes", "relationships", "seconds"):
        t.add_column(col, justify="right")
    for u in report.units:
        t.add_row(u.name, str(u.nodes), str(u.edges), f"{u.seconds:.2f}")
    out.print(t)
    pruned = ""
    if report.pruned_nodes or report.pruned_edges:
        pruned = (
            f"; removed {report.pruned_nodes} nodes and {report.pruned_edges} relationships "
            "the sources no longer have"
        )
    created = "; relationships written with CREATE (the database held none)" \
        if report.created else ""
    out.print(
        f"Neo4j now holds {after['nodes']} nodes and {after['relationships']} relationships "
        f"(graph: {report.nodes} nodes, {report.edges} edges) in {report.seconds:.1f} s"
        f"{pruned}{created}."
    )
