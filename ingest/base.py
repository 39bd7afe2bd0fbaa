"""What every loader shares: the source card, the load result, CSV reading and number parsing.

A loader module exposes ``SOURCE: SourceInfo`` and ``load(data_dir, resolver) -> LoadResult``.
It validates everything before it returns, so a bad file raises :class:`IngestError` (file, line,
column, reason) and nothing half-loaded reaches the graph.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from riskgraph.errors import IngestError, suggest
from riskgraph.graph.figures import MISSING_TOKENS, parse_number
from riskgraph.graph.model import GraphData

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DATA_DIR", "MISSING_TOKENS", "LoadResult", "SourceInfo", "parse_number", "read_csv_rows",
    "read_text", "rel",
]

DATA_DIR = Path(str(resources.files("riskgraph.ingest") / "data"))


@dataclass(frozen=True)
class SourceInfo:
    """The card of a source: shown by ``riskgraph data`` and written to docs/data.md."""

    key: str  # short id: "article", "usgs", "cset", "epoch", "curated"
    title: str
    citation: str
    licence: str
    as_of: str
    path: str  # folder or file under ingest/data/


@dataclass
class LoadResult:
    """Typed tables (pandas, one column contract per source) and the GraphData fragment."""

    source: SourceInfo
    tables: dict[str, pd.DataFrame]
    graph: GraphData
    rows: int  # data rows read across the source's files
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # kept, not fatal (e.g. shares 101%)


def read_text(path: Path) -> str:
    """A source file's text (UTF-8, a byte-order mark dropped, line ends as written).

    Raises :class:`IngestError` for text that is not UTF-8, a file that cannot be read, or one
    that holds nothing but white space.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError as e:
        raise IngestError(path, f"not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise IngestError(path, f"cannot read: {e.strerror}") from None
    if not text.strip():
        raise IngestError(path, "empty file")
    return text


def read_csv_rows(
    path: Path, required: list[str] | tuple[str, ...]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV as text rows, tolerating a UTF-8 BOM and CRLF.

    Returns the header and ``(line_number, row)`` pairs (line numbers as an editor shows them,
    the header being line 1, multi-line quoted fields counted; a record spanning several lines is
    named by its first).  Raises :class:`IngestError` for
    an empty file, a header without a required column (with the nearest existing name), a row
    with more fields than the header, or text that is not UTF-8.
    """
    text = read_text(path)
    # Lines end at \n, \r\n or \r only (not at form feeds or U+2028 as str.splitlines would
    # have it: those may sit inside a field).
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        raise IngestError(path, f"malformed CSV: {e}", row=1) from None
    for col in required:
        if col not in header:
            near = suggest(col, header, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"missing column {col!r}{hint}", row=1, column=col)
    rows: list[tuple[int, dict[str, str]]] = []
    end = reader.line_num  # the line where the previous record ended
    try:
        for fields in reader:
            lineno = end + 1  # a record spanning lines (quoted line breaks) is named by its first
            end = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header):
                raise IngestError(
                    path,
                    f"{len(fields)} fields but the header has {len(header)} "
                    "(wrong delimiter or an unquoted comma?)",
                    row=lineno,
                )
            fields = fields + [""] * (len(header) - len(fields))
            rows.append((lineno, dict(zip(header, fields, strict=True))))
    except csv.Error as e:
        raise IngestError(path, f"malformed CSV: {e}", row=reader.line_num) from None
    return header, rows


def rel(path: Path) -> str:
    """A path as cited in ``source``: relative to ingest/data/ when it lies inside it."""
    try:
        return str(path.relative_to(DATA_DIR))
    except ValueError:
        return str(path)
