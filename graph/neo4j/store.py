"""Neo4j as a store of :class:`GraphData`: connect, write (batched, idempotent), read back, wipe.

Layout in Neo4j
---------------
* Every node carries the label ``Entity`` (unique ``id``: the MERGE key) plus
  :meth:`Node.labels` (its kind's label and one label per company role).  Labels are never
  parameters in Cypher, so rows are grouped by label set and the label names are taken only
  from the whitelist in :mod:`riskgraph.graph.schema` (anything else raises ``ValueError``).
* Every edge is a relationship of its type (whitelisted likewise) with the property ``key``
  (:attr:`Edge.key`, unique per type by a constraint: the MERGE key).
* Properties are flat.  A node keeps ``id kind name layer roles aliases source as_of confidence
  rationale other_sources``; an edge keeps ``key source as_of confidence rationale``.  The
  ``props`` are stored under their own names, unprefixed, so analysts write ``r.weight``, and
  ``prop_keys`` (a list) names them, so :func:`read_graph` rebuilds ``props`` exactly (a prop
  whose value is ``None`` is listed in ``prop_keys`` but not stored: Neo4j has no null
  properties).  A prop named like one of the fixed fields, a nested dict, or a list holding
  ``None`` raises ``ValueError`` before anything is written.

Writing
-------
:func:`write_graph` creates the constraints and indexes first (``IF NOT EXISTS``), then writes
in *units*: one explicit transaction per source fragment (see :func:`source_units`), each made
of batched ``UNWIND $rows AS row MERGE ... SET x = row.props`` statements.  A unit holds its
fragment's edges and every node those edges touch or the fragment defines, always with the
node's final (merged) values, so each committed unit is complete on its own and a unit that
fails or is killed leaves nothing behind.  ``SET x = row.props`` replaces all properties and
stale role labels are removed, so writing the same graph again changes no count and a run that
died half-way followed by a full run gives exactly the graph of a clean run.  Last, a prune
transaction deletes ``Entity`` nodes and keyed relationships that the graph no longer has, so
the database mirrors the GraphData (nodes without the ``Entity`` label are never touched).

Errors
------
:func:`connect` and every function here map driver errors to :class:`Neo4jUnavailable` with a
one-line message that names the URI, user and database but never the password.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from riskgraph.errors import Neo4jUnavailable
from riskgraph.graph import schema
from riskgraph.graph.model import Edge, GraphData, Node

if TYPE_CHECKING:
    from pathlib import Path

    import neo4j

ENTITY = "Entity"
NODE_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "name",
    "layer",
    "roles",
    "aliases",
    "source",
    "as_of",
    "confidence",
    "rationale",
    "other_sources",
    "prop_keys",
)
EDGE_FIELDS: tuple[str, ...] = ("key", "source", "as_of", "confidence", "rationale", "prop_keys")
DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "riskgraph-test"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH = 1000


# -- connection ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect.  ``password`` is kept out of ``repr``."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    database: str = DEFAULT_DATABASE

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Neo4jSettings:
        """Flags first, then ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
        ``NEO4J_DATABASE``, then the local development defaults
        (``bolt://127.0.0.1:7687``, ``neo4j``, ``riskgraph-test``, ``neo4j``)."""
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USERNAME") or DEFAULT_USER,
            password=password or env.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD,
            database=database or env.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )

    def where(self) -> str:
        return f"Neo4j at {self.uri}"


def _scrub(text: str, settings: Neo4jSettings) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    if settings.password:
        first = first.replace(settings.password, "***")
    return first


def map_error(e: BaseException, settings: Neo4jSettings) -> Neo4jUnavailable | None:
    """The :class:`Neo4jUnavailable` for a driver error, or ``None`` if ``e`` is not one."""
    from neo4j.exceptions import (
        AuthError,
        ConfigurationError,
        DriverError,
        Neo4jError,
        ServiceUnavailable,
        SessionExpired,
    )

    if isinstance(e, AuthError):
        return Neo4jUnavailable(
            f"{settings.where()} refused the login of user {settings.user!r} "
            "(check NEO4J_USERNAME / NEO4J_PASSWORD or --user / --password)"
        )
    if isinstance(e, ServiceUnavailable | SessionExpired):
        return Neo4jUnavailable(
            f"cannot reach {settings.where()}: is the server running? "
            "(start a local one with `riskgraph neo4j start`)"
        )
    if isinstance(e, Neo4jError):
        code = e.code or ""
        if code.endswith("DatabaseNotFound"):
            return Neo4jUnavailable(
                f"{settings.where()} has no database {settings.database!r} "
                "(check NEO4J_DATABASE or --database)"
            )
        if code.startswith("Neo.ClientError.Security"):
            return Neo4jUnavailable(
                f"{settings.where()} refused user {settings.user!r}: "
                f"{_scrub(e.message or code, settings)}"
            )
        return Neo4jUnavailable(
            f"{settings.where()} failed: {code}: {_scrub(e.message or '', settings)}"
        )
    if isinstance(e, ConfigurationError | ValueError) and "uri" in str(e).lower():
        return Neo4jUnavailable(f"invalid Neo4j URI {settings.uri!r}: {_scrub(str(e), settings)}")
    if isinstance(e, DriverError | OSError):
        return Neo4jUnavailable(
            f"{settings.where()}: {type(e).__name__}: {_scrub(str(e), settings)}"
        )
    return None


@contextmanager
def neo4j_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver errors raised inside the block into one-line :class:`Neo4jUnavailable`."""
    try:
        yield
    except Neo4jUnavailable:
        raise
    except Exception as e:
        mapped = map_error(e, settings)
        if mapped is None:
            raise
        raise mapped from None


def connect(settings: Neo4jSettings | None = None) -> neo4j.Driver:
    """Open a driver and check the login and the database; the caller closes it.

    Raises
    ------
    Neo4jUnavailable
        Server down, wrong credentials, unknown database, invalid URI (one line each).
    """
    from neo4j import GraphDatabase

    # The driver logs connection failures itself; without a handler Python's last-resort
    # handler prints them to stderr beside our one-line error.  Errors reach the user through
    # Neo4jUnavailable only.
    neo4j_log = logging.getLogger("neo4j")
    if not neo4j_log.handlers:
        neo4j_log.addHandler(logging.NullHandler())
    settings = settings or Neo4jSettings.from_env()
    driver = None
    with neo4j_errors(settings):
        try:
            driver = GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                connection_timeout=5.0,
                max_transaction_retry_time=5.0,
            )
            driver.verify_connectivity()
            driver.execute_query("RETURN 1", database_=settings.database)
        except BaseException:
            if driver is not None:
                driver.close()
            raise
    assert driver is not None
    return driver


# -- flattening ---------------------------------------------------------------------------------
def _check_value(what: str, key: str, v: Any) -> None:
    if isinstance(v, dict):
        raise ValueError(f"{what}: prop {key!r} is a nested dict; Neo4j stores flat properties")
    if isinstance(v, list | tuple):
        for x in v:
            if x is None or isinstance(x, dict | list | tuple):
                raise ValueError(f"{what}: prop {key!r} holds {x!r}; lists must hold scalars")


def _flat_props(
    what: str, fixed: dict[str, Any], props: Mapping[str, Any], reserved: Iterable[str]
) -> dict[str, Any]:
    reserved = set(reserved)
    out = dict(fixed)
    keys = []
    for k, v in props.items():
        if k in reserved:
            raise ValueError(f"{what}: prop {k!r} clashes with a stored field of the same name")
        _check_value(what, k, v)
        keys.append(k)
        if v is not None:
            out[k] = list(v) if isinstance(v, tuple) else v
    out["prop_keys"] = sorted(keys)
    return out


def node_row(n: Node) -> dict[str, Any]:
    """The property map stored for ``n`` (fixed fields, props, ``prop_keys``)."""
    fixed = {
        "id": n.id,
        "kind": n.kind,
        "name": n.name,
        "layer": n.layer,
        "roles": list(n.roles),
        "aliases": list(n.aliases),
        "source": n.source,
        "as_of": n.as_of,
        "confidence": n.confidence,
        "rationale": n.rationale,
        "other_sources": list(n.other_sources),
    }
    return _flat_props(f"node {n.id}", fixed, n.props, NODE_FIELDS)


def edge_row(e: Edge) -> dict[str, Any]:
    """The property map stored for ``e`` (fixed fields, props, ``prop_keys``)."""
    fixed = {
        "key": e.key,
        "source": e.source,
        "as_of": e.as_of,
        "confidence": e.confidence,
        "rationale": e.rationale,
    }
    return _flat_props(f"edge {e.key}", fixed, e.props, EDGE_FIELDS)


def node_from_props(p: Mapping[str, Any]) -> Node:
    """Rebuild a :class:`Node` from its stored property map."""
    keys = p.get("prop_keys") or []
    return Node.from_dict(
        {
            **{k: p.get(k) for k in NODE_FIELDS if k != "prop_keys"},
            "props": {k: _plain(p.get(k)) for k in keys},
        }
    )


def edge_from_props(src: str, dst: str, rel_type: str, p: Mapping[str, Any]) -> Edge:
    """Rebuild an :class:`Edge` from its endpoints, type and stored property map."""
    keys = p.get("prop_keys") or []
    return Edge.from_dict(
        {
            **{k: p.get(k) for k in EDGE_FIELDS if k != "prop_keys"},
            "src": src,
            "dst": dst,
            "type": rel_type,
            "props": {k: _plain(p.get(k)) for k in keys},
        }
    )


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, list | tuple) else v


def _labels(n: Node) -> tuple[str, ...]:
    labels = n.labels()
    allowed = set(schema.NODE_KINDS.values()) | set(schema.COMPANY_ROLES.values())
    for label in labels:
        if label not in allowed:
            raise ValueError(f"node {n.id}: label {label!r} is not in the schema")
    return tuple(sorted(set(labels)))


def _rel_type(e: Edge) -> str:
    if e.type not in schema.REL_TYPES:
        raise ValueError(f"edge {e.key}: relationship type {e.type!r} is not in the schema")
    return e.type


# -- schema ------------------------------------------------------------------------------------
def schema_statements() -> list[str]:
    """Constraints and indexes, all ``IF NOT EXISTS`` (names come from the schema module)."""
    out = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX entity_name IF NOT EXISTS FOR (n:{ENTITY}) ON (n.name)",
        f"CREATE INDEX entity_kind IF NOT EXISTS FOR (n:{ENTITY}) ON (n.kind)",
    ]
    for kind, label in schema.NODE_KINDS.items():
        out.append(f"CREATE INDEX {kind}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)")
    for rel in schema.REL_TYPES:
        out.append(
            f"CREATE CONSTRAINT rel_{rel.lower()}_key IF NOT EXISTS "
            f"FOR ()-[r:{rel}]-() REQUIRE r.key IS UNIQUE"
        )
    return out


def ensure_schema(driver: neo4j.Driver, database: str) -> None:
    """Create the constraints and indexes (idempotent) and wait until they are online."""
    for stmt in schema_statements():
        driver.execute_query(stmt, database_=database)
    driver.execute_query("CALL db.awaitIndexes(120)", database_=database)


# -- units -------------------------------------------------------------------------------------
@dataclass
class Unit:
    """What one transaction writes: a name (the source key) and node ids and edge keys."""

    name: str
    node_ids: list[str]
    edge_keys: list[str]


def units_from_parts(graph: GraphData, parts: Iterable[tuple[str, GraphData]]) -> list[Unit]:
    """One unit per source fragment, plus ``entities`` for nodes no fragment mentions.

    A unit holds the fragment's edges (an edge in several fragments goes with the first) and
    every node the fragment defines or its edges touch; fragments' edges and nodes that the
    merged ``graph`` lacks are ignored.
    """
    units: list[Unit] = []
    covered: set[str] = set()
    seen_keys: set[str] = set()  # an edge two sources share goes with the first
    for name, frag in parts:
        ids: dict[str, None] = {}
        keys = [k for k in frag.edges if k in graph.edges and k not in seen_keys]
        seen_keys.update(keys)
        for k in keys:
            e = graph.edges[k]
            ids[e.src] = None
            ids[e.dst] = None
        for nid in frag.nodes:
            if nid in graph.nodes:
                ids[nid] = None
        units.append(Unit(name, list(ids), keys))
        covered.update(ids)
    edges_left = set(graph.edges).difference(k for u in units for k in u.edge_keys)
    rest_ids = {nid: None for nid in graph.nodes if nid not in covered}
    for k in sorted(edges_left):
        rest_ids[graph.edges[k].src] = None
        rest_ids[graph.edges[k].dst] = None
    if rest_ids or edges_left:
        units.insert(0, Unit("entities", list(rest_ids), sorted(edges_left)))
    return units


def source_units(graph: GraphData, data_dirs: list[Path] | None = None) -> list[Unit]:
    """Units for the real graph: one per loader of ``riskgraph.ingest.build`` (and per user dir).

    The loaders run again here (their fragments are not kept by the builder); their node and
    edge values are not used, only which ids and keys each source contributes.
    """
    import importlib

    from riskgraph.ingest import build as build_mod
    from riskgraph.ingest.base import DATA_DIR
    from riskgraph.ingest.resolve import Resolver

    resolver = Resolver()
    parts: list[tuple[str, GraphData]] = []
    for name in build_mod.LOADERS:
        mod = importlib.import_module(f"riskgraph.ingest.{name}")
        result = mod.load(DATA_DIR, resolver)
        parts.append((result.source.key, result.graph))
    dirs = build_mod.user_data_dirs(data_dirs)
    if dirs:
        curated = importlib.import_module("riskgraph.ingest.curated")
        for d in dirs:
            result = curated.load_user_dir(d, resolver, known_ids=set(graph.nodes))
            name = result.source.key
            if any(name == n for n, _ in parts):
                name = f"{name}#{len(parts)}"
            parts.append((name, result.graph))
    return units_from_parts(graph, parts)


# -- writing -----------------------------------------------------------------------------------
def _node_query(labels: tuple[str, ...]) -> str:
    others = sorted(
        (set(schema.COMPANY_ROLES.values()) | set(schema.NODE_KINDS.values())) - set(labels)
    )
    remove = f" REMOVE n:{':'.join(others)}" if others else ""
    return (
        f"UNWIND $rows AS row MERGE (n:{ENTITY} {{id: row.id}}) "
        f"SET n = row.props SET n:{':'.join(labels)}{remove} RETURN count(n) AS c"
    )


def _edge_query(rel_type: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.src}}) "
        f"MATCH (b:{ENTITY} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{key: row.key}}]->(b) SET r = row.props RETURN count(r) AS c"
    )


@dataclass
class UnitReport:
    """Counts and time of one committed unit."""

    name: str
    nodes: int
    edges: int
    seconds: float


@dataclass
class WriteReport:
    """What :func:`write_graph` did."""

    units: list[UnitReport]
    nodes: int
    edges: int
    seconds: float
    pruned_nodes: int = 0
    pruned_edges: int = 0

    @property
    def edges_per_second(self) -> float:
        written = sum(u.edges for u in self.units)
        busy = sum(u.seconds for u in self.units)
        return written / busy if busy > 0 else float("inf")


Progress = Callable[[str, int], None]  # (unit name, rows just written)


def plan_rows(
    graph: GraphData, unit: Unit
) -> tuple[dict[tuple[str, ...], list[dict]], dict[str, list[dict]]]:
    """Rows of a unit grouped by label set (nodes) and relationship type (edges)."""
    nodes: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for nid in unit.node_ids:
        n = graph.nodes[nid]
        nodes[_labels(n)].append({"id": n.id, "props": node_row(n)})
    edges: dict[str, list[dict]] = defaultdict(list)
    for k in unit.edge_keys:
        e = graph.edges[k]
        edges[_rel_type(e)].append({"src": e.src, "dst": e.dst, "key": e.key, "props": edge_row(e)})
    return dict(nodes), dict(edges)


def _batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def write_unit(
    driver: neo4j.Driver,
    graph: GraphData,
    unit: Unit,
    *,
    database: str,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> UnitReport:
    """Write one unit in one explicit transaction (committed only when every batch succeeded)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    node_groups, edge_groups = plan_rows(graph, unit)
    t0 = time.perf_counter()
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        for labels, rows in node_groups.items():
            q = _node_query(labels)
            for batch in _batches(rows, batch_size):
                tx.run(q, rows=batch).consume()
                if progress:
                    progress(unit.name, len(batch))
        for rel_type, rows in edge_groups.items():
            q = _edge_query(rel_type)
            for batch in _batches(rows, batch_size):
                got = tx.run(q, rows=batch).single()
                if got is None or got["c"] != len(batch):
                    missing = sorted({r["src"] for r in batch} | {r["dst"] for r in batch})[:3]
                    raise ValueError(
                        f"unit {unit.name}: {rel_type} edges whose endpoints are not in the "
                        f"database (one of {missing})"
                    )
                if progress:
                    progress(unit.name, len(batch))
        tx.commit()
    return UnitReport(unit.name, len(unit.node_ids), len(unit.edge_keys), time.perf_counter() - t0)


def prune(driver: neo4j.Driver, graph: GraphData, *, database: str) -> tuple[int, int]:
    """Delete ``Entity`` nodes and keyed relationships that ``graph`` lacks; return the counts."""
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        rec = tx.run(
            f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) WHERE r.key IS NOT NULL "
            "AND NOT r.key IN $keys DELETE r RETURN count(r) AS c",
            keys=list(graph.edges),
        ).single()
        edges = rec["c"] if rec else 0
        rec = tx.run(
            f"MATCH (n:{ENTITY}) WHERE NOT n.id IN $ids DETACH DELETE n RETURN count(n) AS c",
            ids=list(graph.nodes),
        ).single()
        nodes = rec["c"] if rec else 0
        tx.commit()
    return nodes, edges


def wipe(driver: neo4j.Driver, *, database: str) -> None:
    """Delete every node and relationship of ``database`` (constraints and indexes stay)."""
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run, not execute_*.
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def write_graph(
    driver: neo4j.Driver,
    graph: GraphData,
    *,
    database: str = DEFAULT_DATABASE,
    units: list[Unit] | None = None,
    batch_size: int = DEFAULT_BATCH,
    wipe_first: bool = False,
    prune_stale: bool = True,
    progress: Progress | None = None,
) -> WriteReport:
    """Write ``graph`` to Neo4j: schema first, then one transaction per unit, then prune.

    Parameters
    ----------
    driver
        From :func:`connect`.
    graph
        The merged graph; every value written comes from it.
    database
        Target database.
    units
        How to split the write into transactions (:func:`source_units` for the real graph);
        default one unit holding the whole graph.
    batch_size
        Rows per ``UNWIND`` statement (1 = row by row).
    wipe_first
        Delete everything in the database first.
    prune_stale
        Delete ``Entity`` nodes and keyed relationships not in ``graph`` at the end.
    progress
        Called with ``(unit name, rows)`` after each statement.

    Returns
    -------
    WriteReport
        Per-unit counts and times.
    """
    for n in graph.nodes.values():  # validate everything before writing anything
        _labels(n)
        node_row(n)
    for e in graph.edges.values():
        _rel_type(e)
        edge_row(e)
    if units is None:
        units = [Unit("graph", list(graph.nodes), list(graph.edges))]
    t0 = time.perf_counter()
    if wipe_first:
        wipe(driver, database=database)
    ensure_schema(driver, database)
    reports = [
        write_unit(driver, graph, u, database=database, batch_size=batch_size, progress=progress)
        for u in units
    ]
    pn, pe = prune(driver, graph, database=database) if prune_stale else (0, 0)
    return WriteReport(
        reports, len(graph), graph.number_of_edges(), time.perf_counter() - t0, pn, pe
    )


# -- reading -----------------------------------------------------------------------------------
def read_graph(
    driver: neo4j.Driver | None = None,
    *,
    database: str | None = None,
    settings: Neo4jSettings | None = None,
) -> GraphData:
    """Read every ``Entity`` node and the keyed relationships between them back into GraphData.

    ``read_graph`` after ``write_graph(g)`` gives a GraphData whose ``to_dict()`` equals ``g``'s.

    Parameters
    ----------
    driver
        An open driver; default: connect with ``settings`` (default: the NEO4J_* environment)
        and close afterwards.
    database
        Database to read; default ``settings.database`` (``$NEO4J_DATABASE`` or ``neo4j``).
    settings
        Connection settings used when ``driver`` is not given.

    Raises
    ------
    Neo4jUnavailable
        The server cannot be reached, refuses the login, or lacks the database.
    """
    settings = settings or Neo4jSettings.from_env()
    database = database or settings.database
    own = driver is None
    drv = connect(settings) if driver is None else driver
    try:
        with neo4j_errors(settings):
            return _read(drv, database)
    finally:
        if own:
            drv.close()


def _read(driver: neo4j.Driver, database: str) -> GraphData:
    g = GraphData()
    records, _, _ = driver.execute_query(
        f"MATCH (n:{ENTITY}) RETURN properties(n) AS p ORDER BY n.id", database_=database
    )
    for r in records:
        g.add_node(node_from_props(r["p"]))
    records, _, _ = driver.execute_query(
        f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE r.key IS NOT NULL "
        "RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS p ORDER BY r.key",
        database_=database,
    )
    for r in records:
        g.add_edge(edge_from_props(r["src"], r["dst"], r["type"], r["p"]))
    return g


def counts(driver: neo4j.Driver, *, database: str = DEFAULT_DATABASE) -> dict[str, int]:
    """Nodes per label, relationships per type, and the ``nodes`` and ``relationships`` totals."""
    out: dict[str, int] = {}
    recs, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c", database_=database
    )
    for r in recs:
        out[f"label:{r['l']}"] = r["c"]
    recs, _, _ = driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c", database_=database
    )
    for r in recs:
        out[f"type:{r['t']}"] = r["c"]
    recs, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    out["nodes"] = recs[0]["c"]
    recs, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=database)
    out["relationships"] = recs[0]["c"]
    return out
