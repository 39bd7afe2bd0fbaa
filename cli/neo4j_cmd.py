"""``riskgraph neo4j start|stop|status``: a local Neo4j from Maven Central jars (no Docker)."""

from __future__ import annotations

from typing import Annotated

import typer

from riskgraph.cli.common import handle_errors

neo4j_app = typer.Typer(
    help=(
        "Run a local Neo4j Community server (Bolt on 127.0.0.1, from Maven Central jars; "
        "needs Java 17+ and, for the first start, Maven). Honours NEO4J_URI, NEO4J_USERNAME "
        "and NEO4J_PASSWORD (default password: riskgraph-test)."
    ),
    no_args_is_help=True,
)

UriOpt = Annotated[
    str | None,
    typer.Option("--uri", help="Bolt URI to serve (loopback only). Default: $NEO4J_URI."),
]


@neo4j_app.command("start")
def start_cmd(
    uri: UriOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for Bolt readiness.")
    ] = 180.0,
) -> None:
    """Start the server (if needed) and wait until Bolt accepts the login."""
    with handle_errors():
        from riskgraph.neo4j_local import server as neo4j_server

        st = neo4j_server.start(uri, timeout=timeout)
        typer.echo(st.describe())


@neo4j_app.command("stop")
def stop_cmd(
    uri: UriOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait before killing the server.")
    ] = 60.0,
) -> None:
    """Stop the server started by `riskgraph neo4j start` and wait for it to exit."""
    with handle_errors():
        from riskgraph.neo4j_local import server as neo4j_server

        stopped = neo4j_server.stop(uri, timeout=timeout)
        typer.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def status_cmd(uri: UriOpt = None) -> None:
    """Say whether the server runs; exit 0 when Bolt answers, 1 when it does not."""
    with handle_errors():
        from riskgraph.neo4j_local import server as neo4j_server

        st = neo4j_server.status(uri)
        typer.echo(st.describe())
        if not st.bolt_open:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``riskgraph neo4j`` to ``app``."""
    app.add_typer(neo4j_app, name="neo4j")
