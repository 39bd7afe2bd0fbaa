"""``riskgraph query NAME|FILE --param k=v``: run an analyst query from cypher/ against Neo4j.

Parsing and rendering only: the library (:mod:`riskgraph.cypher.library`) loads, binds and runs
the query and builds the ``riskgraph.query/1`` and ``riskgraph.queries/1`` documents.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

import typer

from riskgraph.cli.common import (
    DatabaseOpt,
    FormatOpt,
    OutputFormat,
    ParamOpt,
    PasswordOpt,
    UriOpt,
    UserOpt,
    console,
    csv_out,
    handle_errors,
    neo4j_settings,
    parse_params,
    print_json,
)


def register(app: typer.Typer) -> None:
    """Add ``riskgraph query`` to ``app``."""
    app.command("query")(query)


def query(
    name: Annotated[
        str | None,
        typer.Argument(help="Library query name (see --list) or a path to a .cypher file."),
    ] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    list_: Annotated[
        bool, typer.Option("--list", help="List the library queries and their parameters.")
    ] = False,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run a Cypher query from the analysts' library (or a file) in READ mode against Neo4j.

    Load the graph first with `riskgraph ingest --neo4j`.  Values given with --param are
    passed as query parameters, never spliced into the query text.
    """
    with handle_errors():
        from riskgraph.cypher import library
        from riskgraph.errors import UsageError

        if list_:
            _list(library.catalogue(library.list_queries()), fmt)
            return
        if not name:
            raise UsageError("name a query (or use --list)")
        q = library.load(name)
        params = q.bind(parse_params(param))
        from riskgraph.cypher.readonly import check_read_only

        check_read_only(q.text, q.name)  # before connecting (run_query checks it again)

        from riskgraph.graph.neo4j.connection import connect

        settings = neo4j_settings(uri, user, password, database)
        driver = connect(settings)
        try:
            result = library.run_query(
                driver, q, params, database=settings.database, settings=settings
            )
        finally:
            driver.close()
        if fmt is OutputFormat.json:
            print_json(library.result_payload(q, params, result))
        elif fmt is OutputFormat.csv:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow([csv_out(c) for c in result.columns])
            for row in result.rows:
                w.writerow([csv_out(_cell(v)) for v in row])
            typer.echo(buf.getvalue(), nl=False)
        else:
            from rich.table import Table

            t = Table(title=f"{q.name}: {len(result.rows)} rows")
            for c in result.columns:
                t.add_column(c)
            for row in result.rows:
                t.add_row(*[_cell(v) for v in row])
            console().print(t)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _list(doc: dict[str, Any], fmt: OutputFormat) -> None:
    rows = doc["queries"]
    if fmt is OutputFormat.json:
        print_json(doc)
        return
    if fmt is OutputFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["name", "question", "params"])
        for r in rows:
            w.writerow([csv_out(r["name"]), csv_out(r["question"]),
                        csv_out(" ".join(p["name"] for p in r["params"]))])
        typer.echo(buf.getvalue(), nl=False)
        return
    from rich.table import Table

    t = Table(title=f"{len(rows)} queries in the library (riskgraph query NAME --param k=v)")
    # names are never cut or wrapped (they are to be copied); the question wraps instead
    t.add_column("name", no_wrap=True, min_width=max((len(r["name"]) for r in rows), default=4))
    t.add_column("question", ratio=1, overflow="fold")
    t.add_column("parameters (default)", overflow="fold")
    for r in rows:
        ps = ", ".join(
            f"{p['name']}={p['default']}" if p["default"] is not None else f"{p['name']} (required)"
            for p in r["params"]
        )
        t.add_row(r["name"], r["question"], ps)
    console().print(t)
