"""Figures as the sources write them: ``1,234``, ``40%``, ``W`` (withheld), ``n.a.``.

:func:`parse_number` is the one number parser of every loader (``riskgraph.ingest``), the columnar
reader (``riskgraph.engine.columnar``) and the Neo4j bulk writer (``riskgraph.graph.neo4j.bulk``),
so a cell means the same number, or fails with the same reason, on every path.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from riskgraph.errors import IngestError

# Tokens the sources use for "no figure": withheld, not available, none.
MISSING_TOKENS = frozenset({"", "w", "na", "n.a.", "n/a", "--", "-", "—", "nan", "xx"})

_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(
    raw: Any,
    *,
    path: str | Path,
    row: int,
    column: str,
    allow_missing: bool = True,
    minimum: float | None = 0.0,
    maximum: float | None = None,
) -> float | None:
    """Parse a figure as the sources write it.

    Accepts thousands separators (``"1,234"``), a trailing percent sign, surrounding blanks and
    the missing tokens (``W`` withheld, ``NA``, ``n.a.``, ``--``) -> ``None``.  Anything else,
    a non-finite value, or a value outside [minimum, maximum] raises :class:`IngestError`.
    """
    missing = raw is None or (isinstance(raw, float) and math.isnan(raw))
    s = "" if missing else str(raw).strip()
    if s.casefold() in MISSING_TOKENS:
        if allow_missing:
            return None
        raise IngestError(path, "missing value", row=row, column=column)
    t = s.replace(",", "").replace("\u00a0", "").replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    if not _NUM_RE.match(t):
        raise IngestError(path, f"not a number: {s!r}", row=row, column=column)
    v = float(t)
    if not math.isfinite(v):
        raise IngestError(path, f"not a finite number: {s!r}", row=row, column=column)
    if minimum is not None and v < minimum:
        raise IngestError(path, f"{s!r} is below {minimum:g}", row=row, column=column)
    if maximum is not None and v > maximum:
        raise IngestError(path, f"{s!r} is above {maximum:g}", row=row, column=column)
    return v


