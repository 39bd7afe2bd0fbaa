"""One exception hierarchy for the whole package.

The CLI maps every :class:`RiskgraphError` to a one-line message on stderr and a
non-zero exit code (``exit_code``); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class RiskgraphError(Exception):
    """Base class of every error riskgraph raises on purpose."""

    exit_code = 1


class UsageError(RiskgraphError):
    """The user asked for something invalid (bad option value, bad ``--set``)."""

    exit_code = 2


class IngestError(RiskgraphError):
    """A data file could not be loaded.  Names the file, row and column.

    ``row`` is the 1-based line number in the file as a text editor shows it
    (the header is line 1), or ``None`` when the problem concerns the whole file.
    """

    exit_code = 3

    def __init__(
        self,
        path: str | Path,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.reason = reason
        where = self.path
        if row is not None:
            where += f", line {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {reason}")


class UnknownNodeError(UsageError):
    """A name matched no node; carries close matches as suggestions."""

    def __init__(self, name: str, suggestions: Iterable[str] = (), *, what: str = "node") -> None:
        self.name = name
        self.suggestions = list(suggestions)
        msg = f"unknown {what} {name!r}"
        if self.suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in self.suggestions[:3]) + "?"
        super().__init__(msg)


class ModelError(RiskgraphError):
    """A propagation model got inconsistent input or did not converge."""

    exit_code = 4


class Neo4jUnavailable(RiskgraphError):
    """The Neo4j server cannot be reached, refused the credentials, or lacks the database."""

    exit_code = 5


class QueryError(RiskgraphError):
    """A Cypher or SPARQL query is unknown, writes in read mode, or failed."""

    exit_code = 6


class ExportError(RiskgraphError):
    """An export could not be written (nothing half-written is left behind)."""

    exit_code = 7


def suggest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates close to ``name`` (case-insensitive)."""
    cands = list(dict.fromkeys(candidates))
    lowered: dict[str, str] = {}
    for c in cands:
        lowered.setdefault(c.lower(), c)  # the first spelling wins (display names come first)
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]
