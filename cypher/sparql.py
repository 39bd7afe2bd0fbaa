"""The SPARQL query library (``cypher/sparql/*.rq``) and its runner (rdflib).

Each ``.rq`` file starts with comment lines that describe it::

    # title: Suppliers of a node, with their shares and sources
    # param node:str | riskgraph id of the customer
    # param hops:int = 6 | the most supply links
    # param share:float = 0.8 -> ?min_share | bound to ?min_share, not ?share

A ``param`` line names a variable of the query, its type (``str``, ``int``, ``float``) and
optionally a default; a parameter without a default is required.  SPARQL's ``LIMIT`` takes no
variable, so ``# limit: NAME`` names an int parameter that caps the rows after the query ran.
Parameters are bound as typed RDF literals through rdflib's ``initBindings``: user text never
becomes query text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import QueryError, UsageError, suggest

if TYPE_CHECKING:
    import rdflib

_PARAM = re.compile(
    r"^#\s*param\s+(?P<name>[A-Za-z_]\w*)\s*(?::\s*(?P<type>str|int|float))?"
    r"\s*(?:=\s*(?P<default>[^|]*?))?\s*(?:->\s*\?(?P<var>[A-Za-z_]\w*)\s*)?"
    r"(?:\|\s*(?P<help>.*))?$"
)


@dataclass
class Param:
    name: str
    type: str = "str"
    default: str | None = None
    help: str = ""
    var: str = ""  # the query variable it binds (default: the name)

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass
class SparqlQuery:
    """One query of the library (or a user's file)."""

    name: str
    path: Path
    text: str
    title: str = ""
    params: list[Param] = field(default_factory=list)
    limit_param: str | None = None


def library_dir() -> Path:
    """Folder of the shipped queries (``riskgraph/cypher/sparql``)."""
    return Path(str(resources.files("riskgraph.cypher").joinpath("sparql")))


def parse_query(path: Path, text: str) -> SparqlQuery:
    """Read the header comments (title, params) of a query text."""
    q = SparqlQuery(name=path.stem, path=path, text=text)
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("#"):
            if s:
                break
            continue
        if s.lower().startswith("# title:"):
            q.title = s.split(":", 1)[1].strip()
            continue
        if s.lower().startswith("# limit:"):
            q.limit_param = s.split(":", 1)[1].strip()
            continue
        m = _PARAM.match(s)
        if m:
            default = m.group("default")
            q.params.append(Param(m.group("name"), m.group("type") or "str",
                                  default.strip() if default is not None else None,
                                  (m.group("help") or "").strip(), m.group("var") or ""))
    return q


def library() -> dict[str, SparqlQuery]:
    """Every shipped query by name (file stem)."""
    out = {}
    for p in sorted(library_dir().glob("*.rq")):
        out[p.stem] = parse_query(p, p.read_text(encoding="utf-8"))
    return out


def find_query(name_or_file: str) -> SparqlQuery:
    """A library query by name, or a ``.rq`` file by path.

    Raises
    ------
    QueryError
        No such query or file (with close names as suggestions).
    """
    lib = library()
    if name_or_file in lib:
        return lib[name_or_file]
    p = Path(name_or_file)
    if p.suffix in (".rq", ".sparql") or p.exists():
        try:
            return parse_query(p, p.read_text(encoding="utf-8"))
        except OSError as e:
            raise QueryError(f"cannot read SPARQL file {p}: {e.strerror or e}") from None
    hint = suggest(name_or_file, lib)
    msg = f"unknown SPARQL query {name_or_file!r}"
    msg += f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
    raise QueryError(msg + f" (known: {', '.join(lib)})")


def parse_params(items: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` -> dict.

    Raises
    ------
    UsageError
        An item without ``=`` or with an empty name.
    """
    out: dict[str, str] = {}
    for it in items:
        k, sep, v = it.partition("=")
        if not sep or not k.strip():
            raise UsageError(f"--param {it!r} is not of the form NAME=VALUE")
        out[k.strip()] = v
    return out


def bindings(q: SparqlQuery, given: dict[str, str]) -> dict[str, Any]:
    """Typed rdflib literals for the query's parameters (given values, else defaults).

    Raises
    ------
    UsageError
        A required parameter is missing, a value does not fit its type, or an unknown
        parameter is given to a query that declares its parameters.
    """
    from rdflib import XSD, Literal

    declared = {p.name: p for p in q.params}
    if q.params:
        unknown = [k for k in given if k not in declared]
        if unknown:
            takes = ", ".join(declared)
            raise UsageError(
                f"query {q.name!r} has no parameter {unknown[0]!r} (it takes: {takes})"
            )
    out: dict[str, Any] = {}
    names = list(declared) + [k for k in given if k not in declared]
    for name in names:
        p = declared.get(name, Param(name))
        var = p.var or name
        raw = given.get(name, p.default)
        if raw is None:
            raise UsageError(f"query {q.name!r} needs --param {name}=... ({p.help or p.type})")
        if p.type == "int":
            try:
                out[var] = Literal(int(raw), datatype=XSD.integer)
            except ValueError:
                raise UsageError(f"--param {name}={raw!r}: not a whole number") from None
        elif p.type == "float":
            try:
                v = float(raw)
            except ValueError:
                raise UsageError(f"--param {name}={raw!r}: not a number") from None
            if not math.isfinite(v):
                raise UsageError(f"--param {name}={raw!r}: not a finite number")
            out[var] = Literal(v, datatype=XSD.double)
        else:
            out[var] = Literal(raw)
    return out


def _py(v: Any) -> Any:
    if v is None:
        return None
    from rdflib import Literal

    if isinstance(v, Literal):
        x = v.toPython()
        if isinstance(x, Decimal):
            return float(x)
        if isinstance(x, int | float | bool | str):
            return x
        return str(v)
    return str(v)


def run(q: SparqlQuery, g: rdflib.Graph, params: dict[str, str] | None = None
        ) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a SELECT query on ``g``; return (column names, rows as dicts of Python values).

    Decimal and double literals come back as ``float``, integers as ``int``, IRIs and other
    literals as ``str``.

    Raises
    ------
    UsageError
        Bad parameters.
    QueryError
        The query does not parse, is not a SELECT, or fails.
    """
    init = bindings(q, params or {})
    try:
        res = g.query(q.text, initBindings=init)
    except Exception as e:  # pyparsing / rdflib raise many types
        raise QueryError(f"SPARQL query {q.name!r} failed: {str(e).splitlines()[0]}") from None
    if res.type != "SELECT":
        raise QueryError(f"SPARQL query {q.name!r} is a {res.type}; only SELECT is supported")
    cols = [str(v) for v in (res.vars or [])]
    rows = []
    for row in res:
        vals = list(row)  # type: ignore[arg-type]
        rows.append({c: _py(vals[i]) for i, c in enumerate(cols)})
    limit = next((p for p in q.params if p.name == q.limit_param), None)
    if limit is not None and (limit.var or limit.name) in init:
        rows = rows[: max(0, int(init[limit.var or limit.name]))]
    return cols, rows
