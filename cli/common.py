"""Shared CLI plumbing: turn library exceptions into one-line messages and exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from riskgraph.errors import RiskgraphError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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
