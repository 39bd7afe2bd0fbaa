"""Shared CLI plumbing: the option bundles every command uses (defined once here), ``--param``
parsing, and the mapping of library exceptions to one-line messages and exit codes.

The CLI only parses and renders: result payloads (``riskgraph.shock/2``, ``riskgraph.query/1``,
``riskgraph.bulkshock/1`` ...) are built in the library and printed here.
"""

from __future__ import annotations

import errno
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from riskgraph.errors import RiskgraphError, UsageError
from riskgraph.graph.text import csv_cell, terminal_text

if TYPE_CHECKING:
    from riskgraph.graph.neo4j.connection import Neo4jSettings

# Write errors of stdout that are the user's situation, not a bug: full disk, quota, I/O error,
# file too large, no such device (a closed terminal).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.ENXIO})
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
    """Print one line to stderr (control characters and line breaks escaped)."""
    typer.echo(terminal_text(message, newlines=False), err=True)


def echo(text: str = "", *, nl: bool = True) -> None:
    """Print ``text`` to stdout with control characters escaped (newlines kept)."""
    typer.echo(terminal_text(text), nl=nl)


def echo_data(text: str, *, nl: bool = True) -> None:
    """Print data (CSV) to stdout: verbatim into a file or pipe, control characters escaped
    on a terminal."""
    typer.echo(terminal_text(text) if _stdout_is_terminal() else text, nl=nl)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Map :class:`RiskgraphError` to ``Error: <message>`` on stderr and its exit code.

    Every command body runs inside this, so a user never sees a traceback for a known error.
    Output that cannot be written (a full disk, a closed terminal) is one line too, exit 1.
    """
    try:
        yield
        sys.stdout.flush()  # a write error shows here, not as "Exception ignored" at exit
    except RiskgraphError as e:
        err(f"Error: {e}")
        raise typer.Exit(e.exit_code) from None
    except BrokenPipeError:  # `riskgraph ... | head`
        sys.stderr.close()
        raise typer.Exit(0) from None
    except MemoryError as e:  # e.g. --samples 10**14: the machine, not a bug
        detail = f": {e}" if str(e) else ""
        err(f"Error: not enough memory for this run{detail}")
        raise typer.Exit(1) from None
    except OSError as e:
        if e.errno not in _OUTPUT_ERRNOS:
            raise
        _drop_stdout()
        err(f"Error: cannot write the output: {e.strerror or e}")
        raise typer.Exit(1) from None


def _drop_stdout() -> None:
    """Forget what could not be written, so exiting does not try (and fail) again."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def print_json(obj: Any) -> None:
    """``obj`` as indented JSON; C1 controls, DEL and bidi overrides as ``\\uXXXX`` escapes
    (JSON already escapes C0), so the document is unchanged but safe on a terminal."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False)
    typer.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def csv_out(value: Any) -> str:
    """A cell of CSV printed to stdout: formulas neutralised (:func:`csv_cell`); on a terminal,
    control characters escaped as well."""
    s = "" if value is None else str(value)
    s = csv_cell(s)
    return terminal_text(s) if _stdout_is_terminal() else s


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def print_csv(columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Rows (dicts) as CSV on stdout: a header, then one line per row (missing and None: "").

    Cells go through :func:`csv_out` (spreadsheet formulas neutralised, docs/exports.md).
    """
    import csv

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow([csv_out(c) for c in columns])
    for r in rows:
        w.writerow([csv_out(r.get(c)) for c in columns])


# Width of the output when it is not a terminal (a pipe, a file): wide enough that nothing is
# wrapped or cut (a query name stays copyable, a source stays on one line).
PLAIN_WIDTH = 10_000


def console(**kwargs: Any) -> Any:
    """A ``rich.console.Console`` that escapes control characters in every string it prints
    (cells, titles, lines), so user text cannot drive the terminal; ``markup=False`` unless
    given.  Not on a terminal (pipe, file) it prints plain text (no colours) that is never
    wrapped or cut: width :data:`PLAIN_WIDTH` unless ``COLUMNS`` or ``width`` says otherwise."""
    import os

    from riskgraph.cli._console import SafeConsole

    kwargs.setdefault("markup", False)
    if "width" not in kwargs and not os.environ.get("COLUMNS") and not _is_terminal():
        kwargs["width"] = PLAIN_WIDTH
    return SafeConsole(**kwargs)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdout
        return False
