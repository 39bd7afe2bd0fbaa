"""Shared CLI plumbing: the option bundles every command uses (defined once here), ``--param``
parsing, and the mapping of library exceptions to one-line messages and exit codes.

The CLI only parses and renders: result payloads (``riskgraph.shock/1``, ``riskgraph.query/1``,
``riskgraph.bulkshock/1`` ...) are built in the library and printed here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from riskgraph.errors import RiskgraphError, UsageError

if TYPE_CHECKING:
    from riskgraph.graph.neo4j.connection import Neo4jSettings


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Direction(StrEnum):
    downstream = "downstream"
    upstream = "upstream"


# -- option bundles ------------------------------------------------------------------------------
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
DataDirOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--data-dir",
        help="Extra folder of curated-format CSVs (your own suppliers) to merge; repeatable. "
        "Default: $RISKGRAPH_DATA.",
        file_okay=False,
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Rebuild the graph.")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Query parameter as NAME=VALUE; repeatable."),
]

# Neo4j connection: flags override NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.
UriOpt = Annotated[
    str | None,
    typer.Option("--uri", help="Bolt URI. Default: $NEO4J_URI or bolt://127.0.0.1:7687."),
]
UserOpt = Annotated[
    str | None, typer.Option("--user", help="User. Default: $NEO4J_USERNAME or neo4j.")
]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password", help="Password. Default: $NEO4J_PASSWORD or riskgraph-test (never printed)."
    ),
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database", help="Database. Default: $NEO4J_DATABASE or neo4j."),
]


def neo4j_settings(
    uri: str | None, user: str | None, password: str | None, database: str | None
) -> Neo4jSettings:
    """The connection settings from the four Neo4j options (flags first, then NEO4J_*)."""
    from riskgraph.graph.neo4j.connection import Neo4jSettings

    return Neo4jSettings.from_env(uri, user, password, database)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param`` values (``["k=v", ...]``) as a dict.

    Raises
    ------
    UsageError
        An item without ``=`` or with an empty name.
    """
    out: dict[str, str] = {}
    for it in items or []:
        k, sep, v = it.partition("=")
        if not sep or not k.strip():
            raise UsageError(f"--param {it!r} is not of the form NAME=VALUE")
        out[k.strip()] = v
    return out


# -- output and errors ---------------------------------------------------------------------------
def err(message: str) -> None:
    """Print one line to stderr."""
    typer.echo(message, err=True)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Map :class:`RiskgraphError` to ``Error: <message>`` on stderr and its exit code.

    Every command body runs inside this, so a user never sees a traceback for a known error.
    """
    try:
        yield
    except RiskgraphError as e:
        err(f"Error: {e}")
        raise typer.Exit(e.exit_code) from None
    except BrokenPipeError:  # `riskgraph ... | head`
        sys.stderr.close()
        raise typer.Exit(0) from None


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False))


def print_csv(columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Rows (dicts) as CSV on stdout: a header, then one line per row (missing and None: "")."""
    import csv

    w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore",
                       lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else r[c] for c in columns})
