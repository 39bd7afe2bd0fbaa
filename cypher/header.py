"""One header syntax and one parameter binder for the query libraries (Cypher and SPARQL).

Every query file (``cypher/*.cypher``, ``cypher/sparql/*.rq``, or a user's file) may start with
a header of comment lines (``//`` in Cypher, ``#`` in SPARQL)::

    // Question: Which model labs depend on a mineral within N hops, and along which paths?
    //   (a field continues on the lines below it)
    // Parameters:
    //   mineral (str) node id of the mineral [default: mineral:gallium]
    //   hops (int) longest path counted [default: 8]
    //   share (float) minimum share [default: 0.8] [binds: ?min_share]
    // Example: riskgraph query labs-exposed-to-mineral --param mineral=mineral:indium
    // Returns: lab, lab_name, hops, paths, path
    // Twin: cypher/sparql/labs-exposed-to-mineral.rq
    // Limit: limit
    // Notes: anything a reader of the query should know

The header ends at the first blank or non-comment line.  Parameter types are ``str``, ``int``,
``float``, ``bool`` and ``list`` (comma-separated strings; Cypher only); a parameter without
``[default: ...]`` is required.  ``[binds: ?var]`` (SPARQL) binds the parameter to a query
variable of another name.  ``Limit:`` (SPARQL, whose ``LIMIT`` takes no variable) names an int
parameter that caps the rows after the query ran.  User values only ever become query
*parameters*, never query text.

The runners (:mod:`riskgraph.cypher.library`, :mod:`riskgraph.cypher.sparql`) share the rest of
their shape too: ``list_queries()``, ``load(name_or_file)``, ``Query.bind(raw)`` and
``run_query(...) -> QueryResult``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from riskgraph.errors import QueryError, RiskgraphError, suggest

TYPES = ("str", "int", "float", "bool", "list")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # Cypher and the Bolt protocol: 64-bit integers
ErrorType = type[RiskgraphError]  # the error a runner raises for a bad parameter
FIELDS = ("question", "parameters", "example", "returns", "twin", "limit", "notes")

_FIELD_RE = re.compile(r"^(?P<field>[A-Za-z]+)\s*:\s*(?P<rest>.*)$")
_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>\w+)\)\s*(?P<desc>.*?)"
    r"(?:\s*\[default:\s*(?P<default>[^\]]*)\])?"
    r"(?:\s*\[binds:\s*\?(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s*\])?\s*$"
)


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    type: str = "str"
    description: str = ""
    default: str | None = None
    var: str = ""  # the query variable it binds (SPARQL; default: its name)

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def variable(self) -> str:
        return self.var or self.name

    def coerce(self, raw: str, error: ErrorType = QueryError) -> Any:
        """Convert a ``--param`` string to this parameter's type (``error`` if it cannot)."""
        try:
            if self.type == "int":
                i = int(raw)
                if not INT_MIN <= i <= INT_MAX:
                    raise error(f"parameter {self.name!r} must be an int between -2^63 and "
                                f"2^63-1 (a 64-bit integer), got {raw!r}")
                return i
            if self.type == "float":
                v = float(raw)
                if not math.isfinite(v):
                    raise ValueError(raw)
                return v
            if self.type == "bool":
                low = raw.strip().lower()
                if low in ("true", "yes", "1"):
                    return True
                if low in ("false", "no", "0"):
                    return False
                raise ValueError(raw)
            if self.type == "list":
                return [x.strip() for x in raw.split(",") if x.strip()]
            return raw
        except ValueError:
            raise error(f"parameter {self.name!r} must be {self.type}, got {raw!r}") from None


@dataclass(frozen=True)
class Query:
    """A library query (or a user's file): its name, header and text."""

    name: str
    path: Path | None
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    returns: str = ""
    twin: str = ""
    limit: str = ""
    notes: str = ""
    header_problems: tuple[str, ...] = field(default=(), compare=False)

    #: raised by :meth:`bind` for a bad, missing or unknown parameter
    param_error: ClassVar[ErrorType] = QueryError
    #: a query that declares no parameters takes every value; ``True``: as int or float when
    #: it looks like one, ``False``: as text
    guess_undeclared: ClassVar[bool] = True

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def bind(self, raw: dict[str, str]) -> dict[str, Any]:
        """Typed parameters from ``--param`` strings plus defaults.

        Raises :attr:`param_error` for an undeclared name (with the declared ones), a missing
        required parameter, or a value of the wrong type.  A query without declared parameters
        (a user's file) takes every value as given (see :attr:`guess_undeclared`).
        """
        if not self.params:
            return {k: _guess(v) if self.guess_undeclared else v for k, v in raw.items()}
        out: dict[str, Any] = {}
        for k, v in raw.items():
            p = self.param(k)
            if p is None:
                names = ", ".join(x.name for x in self.params)
                raise self.param_error(
                    f"query {self.name!r} has no parameter {k!r} (it takes: {names})"
                )
            out[k] = p.coerce(v, self.param_error)
        for p in self.params:
            if p.name not in out:
                if p.default is None:
                    raise self.param_error(
                        f"query {self.name!r} needs --param {p.name}=... "
                        f"({p.description or p.type})"
                    )
                out[p.name] = p.coerce(p.default, self.param_error)
        return out


Q = TypeVar("Q", bound=Query)


def _guess(v: str) -> Any:
    """An undeclared ``--param`` value: int if it reads as one, else float, else the text."""
    try:
        i = int(v)
    except ValueError:
        pass
    else:
        if INT_MIN <= i <= INT_MAX:
            return i
    try:
        return float(v)
    except ValueError:
        return v


def header_lines(text: str, comment: str) -> list[str]:
    """The leading comment lines of ``text`` without their comment marker."""
    header: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            if header:
                break
            continue
        if not s.startswith(comment):
            break
        header.append(s[len(comment):].strip())
    return header


def parse_header(text: str, comment: str) -> tuple[dict[str, str], list[Param], list[str]]:
    """``(fields, params, problems)`` of a query's header (see the module docstring)."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    problems: list[str] = []
    section = None
    for h in header_lines(text, comment):
        m = _FIELD_RE.match(h)
        if m and m.group("field").lower() in FIELDS:
            section = m.group("field").lower()
            rest = m.group("rest").strip()
            if section != "parameters":
                fields[section] = rest
            elif rest and rest.lower() != "none":
                problems.append("parameters go one per line below 'Parameters:'")
            continue
        if section == "parameters" and h:
            pm = _PARAM_RE.match(h)
            if pm is None:
                problems.append(f"malformed parameter line {h!r}")
                continue
            if pm.group("type") not in TYPES:
                problems.append(
                    f"parameter {pm.group('name')!r}: unknown type {pm.group('type')!r}"
                )
            default = pm.group("default")
            params.append(
                Param(
                    pm.group("name"),
                    pm.group("type"),
                    pm.group("desc").strip(),
                    default.strip() if default is not None else None,
                    pm.group("var") or "",
                )
            )
        elif section in fields and h:
            fields[section] += " " + h
    return fields, params, problems


def parse(cls: type[Q], text: str, name: str, path: Path | None, comment: str) -> Q:
    """A ``cls`` query from its text; header problems are collected, not raised."""
    fields, params, problems = parse_header(text, comment)
    return cls(
        name=name,
        path=path,
        text=text,
        question=fields.get("question", ""),
        params=tuple(params),
        example=fields.get("example", ""),
        returns=fields.get("returns", ""),
        twin=fields.get("twin", ""),
        limit=fields.get("limit", ""),
        notes=fields.get("notes", ""),
        header_problems=tuple(problems),
    )


def load_query(
    cls: type[Q],
    name_or_file: str,
    directory: Path,
    suffixes: tuple[str, ...],
    comment: str,
    what: str,
    hint: str,
) -> Q:
    """A library query by name (a file ``directory/NAME<suffixes[0]>``), or a file by path.

    Raises :class:`QueryError` naming close library names when neither exists.
    """
    p = directory / f"{name_or_file}{suffixes[0]}"
    if p.is_file():
        return parse(cls, p.read_text(encoding="utf-8"), p.stem, p, comment)
    f = Path(name_or_file)
    if f.suffix in suffixes or f.is_file():
        try:
            text = f.read_text(encoding="utf-8")
        except OSError as e:
            raise QueryError(f"cannot read {f}: {e.strerror or e}") from None
        return parse(cls, text, f.stem, f, comment)
    names = [q.stem for q in sorted(directory.glob(f"*{suffixes[0]}"))]
    near = suggest(name_or_file, names)
    did = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    raise QueryError(f"no {what} named {name_or_file!r}{did} ({hint})")


def list_dir(cls: type[Q], directory: Path, suffix: str, comment: str) -> list[Q]:
    """Every query file of ``directory``, sorted by name."""
    return [
        parse(cls, p.read_text(encoding="utf-8"), p.stem, p, comment)
        for p in sorted(directory.glob(f"*{suffix}"))
    ]


@dataclass
class QueryResult:
    """Column names and rows of plain values (str, int, float, bool, None, lists, dicts)."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]
