"""The SPARQL query library (``cypher/sparql/*.rq``) and its runner, beside the Cypher one.

Each ``.rq`` file starts with the header of :mod:`riskgraph.cypher.header` in ``#`` comments
(the same syntax as the ``.cypher`` files)::

    # Question: Suppliers of a node, with their shares and sources
    # Twin: cypher/company-suppliers.cypher
    # Parameters:
    #   node (str) riskgraph id of the customer
    #   hops (int) the most supply links [default: 6]
    #   share (float) minimum share [default: 0.8] [binds: ?min_share]
    # Limit: hops

Types are ``str``, ``int`` and ``float``.  SPARQL's ``LIMIT`` takes no variable, so a query
with ``Limit: NAME`` ends with ``LIMIT <default>`` (so another engine running the file returns
the same rows) and the runner writes the int parameter's value in its place (:func:`with_limit`:
a validated int, never user text); the rows are capped after the query ran too.  Parameters are
bound as typed RDF literals through rdflib's ``initBindings``: user text never becomes query
text.  The runner takes an ``rdflib.Graph`` the caller built (``riskgraph.export.rdf.to_rdf``
or a parsed export), so this package does not depend on the exporters.

Same shape as :mod:`riskgraph.cypher.library`: :func:`list_queries`, :func:`load`,
:meth:`Query.bind`, :func:`run_query` returning a :class:`QueryResult`, and
:func:`result_payload` for the ``riskgraph.sparql/1`` document.  Parameter problems raise
:class:`UsageError` (exit 2).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from riskgraph.cypher import header
from riskgraph.cypher.header import Param, QueryResult
from riskgraph.errors import QueryError, RiskgraphError, UsageError

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "Param", "Query", "QueryResult", "SPARQL_TYPES", "bindings", "catalogue", "check_query",
    "library",
    "library_dir", "list_queries", "load", "parse", "result_payload", "run_query", "with_limit",
]

COMMENT = "#"
SPARQL_TYPES = ("str", "int", "float")
RESULT_SCHEMA = "riskgraph.sparql/1"


@dataclass(frozen=True)
class Query(header.Query):
    """One SPARQL query of the library (or a user's file)."""

    param_error: ClassVar[type[RiskgraphError]] = UsageError
    guess_undeclared: ClassVar[bool] = False

    @property
    def title(self) -> str:
        """What the query answers (its ``Question:``)."""
        return self.question


def library_dir() -> Path:
    """Folder of the shipped queries (``cypher/sparql``)."""
    return Path(str(resources.files("riskgraph.cypher").joinpath("sparql")))


def parse(text: str, name: str, path: Path | None = None) -> Query:
    """A query from its text; header problems are collected in ``header_problems``."""
    q = header.parse(Query, text, name, path, COMMENT)
    extra = tuple(
        f"parameter {p.name!r}: type {p.type!r} is not supported in SPARQL"
        for p in q.params if p.type in header.TYPES and p.type not in SPARQL_TYPES
    )
    if q.limit and q.param(q.limit) is None:
        extra += (f"Limit: {q.limit!r} is not a parameter",)
    if extra:
        q = dataclasses.replace(q, header_problems=q.header_problems + extra)
    return q


_LIMIT_RE = re.compile(r"\bLIMIT\s+(\d+)\s*$", re.IGNORECASE)


def _code(text: str) -> str:
    """The query text with ``#`` comment lines blanked (same offsets) and trailing space cut."""
    return "".join(re.sub(r"[^\n]", " ", ln) if ln.lstrip().startswith(COMMENT) else ln
                   for ln in text.splitlines(keepends=True)).rstrip()


def with_limit(text: str, limit: int) -> str:
    """``text`` with its final ``LIMIT n`` set to ``limit`` (unchanged if it has none)."""
    m = _LIMIT_RE.search(_code(text))
    if m is None:
        return text
    return f"{text[:m.start(1)]}{max(0, int(limit))}{text[m.end(1):]}"


def list_queries(directory: Path | None = None) -> list[Query]:
    """Every shipped query, sorted by name."""
    d = directory or library_dir()
    return [parse(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(d.glob("*.rq"))]


def library() -> dict[str, Query]:
    """Every shipped query by name (file stem)."""
    return {q.name: q for q in list_queries()}


def load(name_or_file: str, directory: Path | None = None) -> Query:
    """A library query by name, or a ``.rq`` / ``.sparql`` file by path.

    Raises
    ------
    QueryError
        No such query or file (with close names as suggestions).
    """
    d = directory or library_dir()
    q = header.load_query(Query, name_or_file, d, (".rq", ".sparql"), COMMENT, "SPARQL query",
                          "`riskgraph sparql --list` lists them")
    return parse(q.text, q.name, q.path)


def bindings(q: Query, params: dict[str, Any]) -> dict[str, Any]:
    """Typed rdflib literals for bound parameters (:meth:`Query.bind`), keyed by variable."""
    from rdflib import XSD, Literal

    out: dict[str, Any] = {}
    for name, v in params.items():
        p = q.param(name) or Param(name)
        if isinstance(v, bool) or not isinstance(v, int | float):
            out[p.variable] = Literal(str(v))
        elif isinstance(v, int) and p.type != "float":
            out[p.variable] = Literal(v, datatype=XSD.integer)
        else:
            out[p.variable] = Literal(float(v), datatype=XSD.double)
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


def _walk(v: Any, found: list[Any]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(v, CompValue):
        if v.name == "ServiceGraphPattern":
            found.append(v.get("term"))
        for x in v.values():
            _walk(x, found)
    elif isinstance(v, list | tuple):
        for x in v:
            _walk(x, found)
    elif isinstance(v, dict):
        for x in v.values():
            _walk(x, found)


def check_query(query: Query, *, allow_service: bool = False) -> None:
    """Parse ``query`` (cheaply, before any graph is built) and refuse remote data.

    ``SERVICE <iri>`` makes rdflib send the query to another server, ``FROM <iri>`` /
    ``FROM NAMED <iri>`` makes it download a graph: both are outbound requests, refused unless
    ``allow_service`` (``riskgraph sparql --allow-service``).

    Raises
    ------
    QueryError
        The query does not parse, or uses SERVICE or FROM without ``allow_service``.
    """
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(query.text)
    except Exception as e:  # pyparsing raises many types
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(f"SPARQL query {query.name!r} does not parse: {first}") from None
    if allow_service:
        return
    services: list[Any] = []
    _walk(prepared.algebra, services)
    if services:
        raise QueryError(
            f"SPARQL query {query.name!r} uses SERVICE <{services[0]}>, a request to another "
            "server; run it with --allow-service if you mean it")
    for d in prepared.algebra.get("datasetClause") or []:
        iri = d.get("default") or d.get("named")
        raise QueryError(
            f"SPARQL query {query.name!r} uses FROM <{iri}>, which rdflib would download; run "
            "it with --allow-service if you mean it")


def run_query(graph: rdflib.Graph, query: Query, params: dict[str, Any], *,
              allow_service: bool = False) -> QueryResult:
    """Run a SELECT ``query`` on ``graph`` with bound ``params`` (:meth:`Query.bind`).

    Decimal and double literals come back as ``float``, integers as ``int``, IRIs and other
    literals as ``str``.

    Raises
    ------
    QueryError
        The query does not parse, uses SERVICE or FROM without ``allow_service``
        (:func:`check_query`), is not a SELECT, or fails.
    """
    check_query(query, allow_service=allow_service)
    init = bindings(query, params)
    text = query.text
    if query.limit and query.limit in params:
        text = with_limit(text, int(params[query.limit]))
    try:  # evaluation is lazy: the rows are drawn inside the try too (SERVICE answers ...)
        res = graph.query(text, initBindings=init)
        if res.type != "SELECT":
            raise QueryError(
                f"SPARQL query {query.name!r} is a {res.type}; only SELECT is supported")
        cols = [str(v) for v in (res.vars or [])]
        rows = [[_py(v) for v in row] for row in res]  # type: ignore[union-attr]
    except QueryError:
        raise
    except Exception as e:  # pyparsing / rdflib / a remote SERVICE raise many types
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(f"SPARQL query {query.name!r} failed: {first}") from None
    if query.limit and query.limit in params:
        rows = rows[: max(0, int(params[query.limit]))]
    return QueryResult(cols, rows)


def result_payload(query: Query, result: QueryResult) -> dict[str, Any]:
    """The ``riskgraph.sparql/1`` document of one run (``riskgraph sparql --format json``)::

        {"schema": "riskgraph.sparql/1", "query": <question or name>, "columns",
         "rows": [{col: value}]}
    """
    return {
        "schema": RESULT_SCHEMA,
        "query": query.title or query.name,
        "columns": result.columns,
        "rows": result.records(),
    }


def catalogue(queries: list[Query]) -> dict[str, Any]:
    """The ``riskgraph.sparql/1`` document listing ``queries`` (``riskgraph sparql --list``):
    one row per query with its name, title and ``params`` (``name`` or ``name=default``)."""
    cols = ["name", "title", "params"]
    rows = [
        {
            "name": q.name,
            "title": q.title,
            "params": ", ".join(p.name + ("" if p.required else f"={p.default}")
                                for p in q.params),
        }
        for q in queries
    ]
    return {"schema": RESULT_SCHEMA, "query": "SPARQL queries", "columns": cols, "rows": rows}
