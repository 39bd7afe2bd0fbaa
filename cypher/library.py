"""The analysts' Cypher library: named ``.cypher`` files with a parsed header, run read-only.

Every file in this folder is one query.  Its name is the file name without ``.cypher``.  It starts
with a header of ``//`` comment lines (the syntax of :mod:`riskgraph.cypher.header`, shared with
the SPARQL twins in ``cypher/sparql/``)::

    // Question: Which model labs depend on a mineral within N hops, and along which paths?
    // Parameters:
    //   mineral (str) node id of the mineral [default: mineral:gallium]
    //   hops (int) longest path counted [default: 8]
    // Example: riskgraph query labs-exposed-to-mineral --param mineral=mineral:indium
    // Returns: lab, lab_name, hops, paths, path

Parameter types are ``str``, ``int``, ``float``, ``bool`` and ``list`` (comma-separated strings);
a parameter without ``[default: ...]`` is required.  User values only ever become query
*parameters* (``$name``), never query text.

:func:`run_query` executes in a session opened with ``default_access_mode=READ_ACCESS`` through
``execute_read``, so on a single server a query that writes is refused by Neo4j; the refusal
becomes :class:`QueryError`.  What READ mode allows but a shared server should not run for an
analyst's file (``TERMINATE TRANSACTIONS``, ``SHOW ...``, ``LOAD CSV``, ``USE``, procedures
outside an allow-list) is refused before the text is sent (:mod:`riskgraph.cypher.readonly`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.cypher import header
from riskgraph.cypher.header import Param, QueryResult
from riskgraph.cypher.readonly import check_read_only
from riskgraph.errors import QueryError

if TYPE_CHECKING:
    import neo4j

    from riskgraph.graph.neo4j.connection import Neo4jSettings

__all__ = [
    "CYPHER_DIR", "Param", "Query", "QueryResult", "catalogue", "list_queries", "load", "parse",
    "result_payload", "run_query", "to_plain",
]

CYPHER_DIR = Path(str(resources.files("riskgraph.cypher")))
TYPES = header.TYPES
COMMENT = "//"
_USED_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Query(header.Query):
    """A Cypher library query: its name, header and text (parameter errors: QueryError)."""

    def used_params(self) -> set[str]:
        """``$names`` the query body uses (whole-line ``//`` comments skipped)."""
        body = "\n".join(
            line for line in self.text.splitlines() if not line.lstrip().startswith("//")
        )
        return set(_USED_RE.findall(body))


def parse(text: str, name: str, path: Path | None = None) -> Query:
    """Parse the header of a query; problems (bad type, malformed line) are collected."""
    return header.parse(Query, text, name, path, COMMENT)


def list_queries(directory: Path = CYPHER_DIR) -> list[Query]:
    """Every library query, sorted by name."""
    return header.list_dir(Query, directory, ".cypher", COMMENT)


def load(name_or_file: str, directory: Path = CYPHER_DIR) -> Query:
    """A library query by name, or a ``.cypher`` file by path.

    Raises :class:`QueryError` naming close library names when neither exists.
    """
    return header.load_query(Query, name_or_file, directory, (".cypher",), COMMENT, "query",
                             "`riskgraph query --list` lists them")


# -- running -----------------------------------------------------------------------------------
QUERY_SCHEMA = "riskgraph.query/1"
CATALOGUE_SCHEMA = "riskgraph.queries/1"


def result_payload(query: Query, params: dict[str, Any], result: QueryResult) -> dict[str, Any]:
    """The ``riskgraph.query/1`` document of one run (``riskgraph query --format json``)::

        {"schema": "riskgraph.query/1", "query", "params", "columns", "rows": [{col: value}]}
    """
    return {
        "schema": QUERY_SCHEMA,
        "query": query.name,
        "params": params,
        "columns": result.columns,
        "rows": result.records(),
    }


def catalogue(queries: list[Query]) -> dict[str, Any]:
    """The ``riskgraph.queries/1`` document listing ``queries`` (``riskgraph query --list``)::

        {"schema": "riskgraph.queries/1",
         "queries": [{"name", "question", "params": [{"name", "type", "default",
                      "description"}], "example"}]}
    """
    return {
        "schema": CATALOGUE_SCHEMA,
        "queries": [
            {
                "name": q.name,
                "question": q.question,
                "params": [
                    {"name": p.name, "type": p.type, "default": p.default,
                     "description": p.description}
                    for p in q.params
                ],
                "example": q.example,
            }
            for q in queries
        ],
    }


def to_plain(v: Any) -> Any:
    """Driver values as JSON-friendly data: a node as its properties, a path as node ids."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(v, Node):
        return dict(v.items())
    if isinstance(v, Relationship):
        return {"type": v.type, **dict(v.items())}
    if isinstance(v, Path):
        return [n.get("id", n.element_id) for n in v.nodes]
    if isinstance(v, list | tuple):
        return [to_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: to_plain(x) for k, x in v.items()}
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)  # temporal and spatial values


def run_query(
    driver: neo4j.Driver,
    query: Query,
    params: dict[str, Any],
    *,
    database: str,
    settings: Neo4jSettings | None = None,
) -> QueryResult:
    """Run ``query`` read-only and return plain rows.

    Raises
    ------
    QueryError
        The query is refused before it is sent (:func:`riskgraph.cypher.readonly.check_read_only`:
        administrative commands, LOAD CSV, USE, procedures outside the allow-list), writes
        (refused in read mode), or has a Cypher error.
    Neo4jUnavailable
        The server went away, refused the login, or lacks the database.
    """
    import neo4j as neo4j_mod
    from neo4j.exceptions import ClientError, Neo4jError

    from riskgraph.errors import Neo4jUnavailable
    from riskgraph.graph.neo4j.connection import Neo4jSettings, map_error

    def work(tx: neo4j_mod.ManagedTransaction) -> QueryResult:
        result = tx.run(query.text, params)
        rows = [[to_plain(v) for v in rec.values()] for rec in result]
        return QueryResult(list(result.keys()), rows)

    check_read_only(query.text, query.name)  # before anything is sent (SECURITY.md)
    settings = settings or Neo4jSettings.from_env(database=database)
    try:
        with driver.session(
            database=database, default_access_mode=neo4j_mod.READ_ACCESS
        ) as session:
            return session.execute_read(work)
    except ClientError as e:
        code = e.code or ""
        msg = (e.message or "").strip().splitlines()[0] if e.message else code
        if code.endswith("AccessMode") or "read access mode" in msg.lower():
            raise QueryError(
                f"query {query.name!r} writes to the database; queries run read-only"
            ) from None
        if code.startswith("Neo.ClientError.Statement") or code.startswith(
            "Neo.ClientError.Procedure"
        ):
            raise QueryError(f"query {query.name!r} failed: {msg}") from None
        mapped = map_error(e, settings)
        raise (mapped or QueryError(f"query {query.name!r} failed: {msg}")) from None
    except Neo4jUnavailable:
        raise
    except (Neo4jError, OSError) as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None
    except Exception as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None
