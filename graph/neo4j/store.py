"""Neo4j as a store of :class:`GraphData`: write (batched, idempotent), read back, count, wipe.

The subpackage :mod:`riskgraph.graph.neo4j`: :mod:`~riskgraph.graph.neo4j.connection`
(settings, :func:`connect`, error mapping), :mod:`~riskgraph.graph.neo4j.queries` (every write,
DDL and bookkeeping statement, named), :mod:`~riskgraph.graph.neo4j.rows` (a node or edge as a
flat property map and back), this module (the store) and :mod:`~riskgraph.graph.neo4j.bulk`
(curated-format CSVs streamed in without a GraphData).

Layout in Neo4j
---------------
* Every node carries the label ``Entity`` (unique ``id``: the MERGE key) plus
  :meth:`Node.labels` (its kind's label and one label per company role).  Labels are never
  parameters in Cypher, so rows are grouped by label set and the label names are taken only
  from the whitelist in :mod:`riskgraph.graph.schema` (anything else raises ``ValueError``;
  :mod:`~riskgraph.graph.neo4j.queries` checks).
* Every edge is a relationship of its type (whitelisted likewise) with the property ``key``
  (:attr:`Edge.key`, unique per type by a constraint: the MERGE key).
* Properties are flat (:mod:`~riskgraph.graph.neo4j.rows`), so :func:`read_graph` rebuilds
  every node and edge exactly.

Writing
-------
:func:`write_graph` creates the constraints and indexes first (``IF NOT EXISTS``), then writes
in *units*: one explicit transaction per source fragment (:func:`units_from_parts`; the
builder keeps the fragments, ``riskgraph.ingest.build.Build.parts``), each made
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
:func:`~riskgraph.graph.neo4j.connection.connect` and every function here map driver errors to
:class:`Neo4jUnavailable` with a one-line message that names the URI, user and database but
never the password.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from riskgraph.graph.model import GraphData
from riskgraph.graph.neo4j import queries
from riskgraph.graph.neo4j.connection import (
    DEFAULT_DATABASE,
    Neo4jSettings,
    connect,
    neo4j_errors,
)
from riskgraph.graph.neo4j.rows import (
    edge_from_props,
    edge_rel_type,
    edge_row,
    key_id,
    node_from_props,
    node_labels,
    node_row,
)
from riskgraph.graph.provenance import SourceRecord, SourceTable

if TYPE_CHECKING:
    import neo4j

DEFAULT_BATCH = 1000


# -- schema ------------------------------------------------------------------------------------
def ensure_schema(driver: neo4j.Driver, database: str) -> None:
    """Create the constraints and indexes (idempotent) and wait until they are online."""
    for stmt in queries.schema_statements():
        driver.execute_query(stmt, database_=database)
    driver.execute_query(queries.AWAIT_INDEXES, database_=database)


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


# -- writing -----------------------------------------------------------------------------------
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
    created: bool = False  # relationships written with CREATE (the database had none)

    @property
    def edges_per_second(self) -> float:
        written = sum(u.edges for u in self.units)
        busy = sum(u.seconds for u in self.units)
        return written / busy if busy > 0 else float("inf")


Progress = Callable[[str, int], None]  # (unit name, rows just written)


def graph_sources(graph: GraphData) -> SourceTable:
    """Every source record ``graph`` cites, with the line range over the whole graph."""
    table = SourceTable()
    for n in graph.nodes.values():
        table.add(n.source)
        for o in n.other_sources:
            table.add(o)
        if n.rationale:
            table.add_rationale(n.rationale)
    for e in graph.edges.values():
        table.add(e.source)
        if e.rationale:
            table.add_rationale(e.rationale)
    return table


def plan_rows(
    graph: GraphData, unit: Unit, cited: SourceTable | None = None
) -> tuple[dict[tuple[str, ...], list[dict]], dict[str, list[dict]]]:
    """Rows of a unit grouped by label set (nodes) and relationship type (edges); the source
    records they cite are added to ``cited``."""
    nodes: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for nid in unit.node_ids:
        n = graph.nodes[nid]
        nodes[node_labels(n)].append({"id": n.id, "props": node_row(n, cited)})
    edges: dict[str, list[dict]] = defaultdict(list)
    for k in unit.edge_keys:
        e = graph.edges[k]
        props = edge_row(e, cited)
        edges[edge_rel_type(e)].append(
            {"src": e.src, "dst": e.dst, "key": e.key, "kid": props["kid"], "props": props}
        )
    return dict(nodes), dict(edges)


def merge_source_rows(tx: neo4j.Transaction, rows: list[dict], *, widen: bool = False,
                      batch_size: int = DEFAULT_BATCH, rationales: list[dict] | None = None
                      ) -> int:
    """Write ``Source`` records (:meth:`SourceTable.rows`) in ``tx``: replace them (``widen``
    False: the rows hold the final line range) or widen the stored line range (bulk chunks);
    then the ``Rationale`` records (:meth:`SourceTable.rationale_rows`)."""
    query = queries.MERGE_SOURCES_WIDEN if widen else queries.MERGE_SOURCES
    n = _merge_batches(tx, query, rows, batch_size, None)
    if rationales:
        n += _merge_batches(tx, queries.MERGE_RATIONALES, rationales, batch_size, None)
    return n


def merge_table(tx: neo4j.Transaction, table: SourceTable, *, widen: bool = True) -> int:
    """Every record of ``table`` (sources, then rationales) in ``tx``."""
    return merge_source_rows(tx, table.rows(), widen=widen, rationales=table.rationale_rows())


def _batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _merge_batches(
    tx: neo4j.Transaction,
    query: str,
    rows: list[dict],
    batch_size: int,
    on_batch: Callable[[int], None] | None,
    short: Callable[[list[dict]], str] | None = None,
) -> int:
    """Run ``query`` (an ``UNWIND $rows ... RETURN count(x) AS c``) on ``rows``, ``batch_size``
    at a time; ``ValueError(short(batch))`` when a batch counts fewer rows than it sent."""
    n = 0
    for batch in _batches(rows, batch_size):
        got = tx.run(query, rows=batch).single()
        if short is not None and (got is None or got["c"] != len(batch)):
            raise ValueError(short(batch))
        n += len(batch)
        if on_batch:
            on_batch(len(batch))
    return n


def merge_node_rows(
    tx: neo4j.Transaction,
    groups: Mapping[tuple[str, ...], list[dict]],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Run :func:`queries.merge_nodes` per label set, ``batch_size`` rows a statement, in ``tx``.

    ``on_batch(rows)`` is called after each statement; returns the rows written.
    """
    return sum(_merge_batches(tx, queries.merge_nodes(labels), rows, batch_size, on_batch)
               for labels, rows in groups.items())


def merge_edge_rows(
    tx: neo4j.Transaction,
    groups: Mapping[str, list[dict]],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
    *,
    what: str = "edges",
    prefix: str = "",
    statement: Callable[[str], str] = queries.merge_edges,
) -> int:
    """Run :func:`queries.merge_edges` per type, ``batch_size`` rows a statement, in ``tx``.

    Raises
    ------
    ValueError
        A batch names an endpoint that is not in the database
        (``"<prefix><type> <what> whose endpoints are not in the database (one of [...])"``).
    """
    n = 0
    for rtype, rows in groups.items():

        def short(batch: list[dict], rtype: str = rtype) -> str:
            missing = sorted({r["src"] for r in batch} | {r["dst"] for r in batch})[:3]
            return (f"{prefix}{rtype} {what} whose endpoints are not in the database "
                    f"(one of {missing})")

        n += _merge_batches(tx, statement(rtype), rows, batch_size, on_batch, short)
    return n


def write_unit(
    driver: neo4j.Driver,
    graph: GraphData,
    unit: Unit,
    *,
    database: str,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    sources: SourceTable | None = None,
    create: bool = False,
) -> UnitReport:
    """Write one unit in one explicit transaction (committed only when every batch succeeded).

    The unit's ``Source`` records go first, with their line range over the whole graph
    (``sources``: :func:`graph_sources` of ``graph``, computed when not given).  ``create``:
    the database holds none of the unit's keys, so its relationships are written with
    ``CREATE`` (:func:`riskgraph.graph.neo4j.create_path.create_edges`; the uniqueness
    constraint on ``kid`` still refuses a duplicate) instead of ``MERGE``.
    """
    from riskgraph.graph.neo4j import create_path

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cited = SourceTable()
    node_groups, edge_groups = plan_rows(graph, unit, cited)
    table = sources if sources is not None else graph_sources(graph)
    source_rows = [table.row(sid) for sid in sorted(cited.records)]

    def on_batch(rows: int) -> None:
        if progress:
            progress(unit.name, rows)

    t0 = time.perf_counter()
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        merge_source_rows(tx, source_rows, batch_size=batch_size,
                          rationales=cited.rationale_rows())
        merge_node_rows(tx, node_groups, batch_size, on_batch)
        merge_edge_rows(tx, edge_groups, batch_size, on_batch, prefix=f"unit {unit.name}: ",
                        statement=create_path.create_edges if create else queries.merge_edges)
        tx.commit()
    return UnitReport(unit.name, len(unit.node_ids), len(unit.edge_keys), time.perf_counter() - t0)


def prune(driver: neo4j.Driver, graph: GraphData, *, database: str,
          sources: SourceTable | None = None) -> tuple[int, int]:
    """Delete ``Entity`` nodes, keyed relationships and ``Source`` records that ``graph``
    lacks; return the counts of nodes and relationships deleted."""
    table = sources if sources is not None else graph_sources(graph)
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        rec = tx.run(queries.PRUNE_EDGES, kids=[key_id(k) for k in graph.edges]).single()
        edges = rec["c"] if rec else 0
        rec = tx.run(queries.PRUNE_NODES, ids=list(graph.nodes)).single()
        nodes = rec["c"] if rec else 0
        tx.run(queries.PRUNE_SOURCES, ids=sorted(table.records)).consume()
        tx.run(queries.PRUNE_RATIONALES, ids=sorted(table.rationales)).consume()
        tx.commit()
    return nodes, edges


def wipe(driver: neo4j.Driver, *, database: str) -> None:
    """Delete every node and relationship of ``database`` (constraints and indexes stay)."""
    with driver.session(database=database) as session:  # auto-commit: see queries.WIPE
        session.run(queries.WIPE).consume()


def write_graph(
    driver: neo4j.Driver,
    graph: GraphData,
    *,
    database: str = DEFAULT_DATABASE,
    units: list[Unit] | None = None,
    parts: Iterable[tuple[str, GraphData]] | None = None,
    batch_size: int = DEFAULT_BATCH,
    wipe_first: bool = False,
    prune_stale: bool = True,
    progress: Progress | None = None,
    create_new: bool | None = None,
) -> WriteReport:
    """Write ``graph`` to Neo4j: schema first, then one transaction per unit, then prune.

    Relationships are written with ``CREATE`` when the database holds no keyed relationship
    (a first load, or after ``wipe_first``: no key can be there, and units never share an
    edge), with the store's ``MERGE`` otherwise (``create_new`` forces either).

    Parameters
    ----------
    driver
        From :func:`connect`.
    graph
        The merged graph; every value written comes from it.
    database
        Target database.
    units
        How to split the write into transactions; default: one unit per part (see ``parts``),
        else one unit holding the whole graph.
    parts
        ``(source key, fragment)`` per source (``Build.parts`` of ``riskgraph.ingest.build``):
        the units are :func:`units_from_parts` of them.
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
        node_labels(n)
        node_row(n)
    for e in graph.edges.values():
        edge_rel_type(e)
        edge_row(e)
    if units is None and parts is not None:
        units = units_from_parts(graph, parts)
    if units is None:
        units = [Unit("graph", list(graph.nodes), list(graph.edges))]
    t0 = time.perf_counter()
    sources = graph_sources(graph)
    if wipe_first:
        wipe(driver, database=database)
    ensure_schema(driver, database)
    create = (not has_keyed_relationships(driver, database)) if create_new is None \
        else create_new
    reports = [
        write_unit(driver, graph, u, database=database, batch_size=batch_size, progress=progress,
                   sources=sources, create=create)
        for u in units
    ]
    pn, pe = (prune(driver, graph, database=database, sources=sources) if prune_stale
              else (0, 0))
    return WriteReport(
        reports, len(graph), graph.number_of_edges(), time.perf_counter() - t0, pn, pe, create
    )


def has_keyed_relationships(driver: neo4j.Driver, database: str) -> bool:
    """Whether ``database`` holds any relationship the store wrote (one found is enough)."""
    recs, _, _ = driver.execute_query(queries.ANY_KEYED, database_=database)
    return bool(recs)


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


def read_sources(driver: neo4j.Driver, database: str) -> dict[str, SourceRecord]:
    """The ``Source`` records of ``database`` by id."""
    records, _, _ = driver.execute_query(queries.READ_SOURCES, database_=database)
    return {str(r["p"]["id"]): SourceRecord.from_props(r["p"]) for r in records}


def read_rationales(driver: neo4j.Driver, database: str) -> dict[str, str]:
    """The ``Rationale`` records of ``database``: id -> text."""
    records, _, _ = driver.execute_query(queries.READ_RATIONALES, database_=database)
    return {str(r["id"]): str(r["text"]) for r in records}


def _read(driver: neo4j.Driver, database: str) -> GraphData:
    g = GraphData()
    sources = read_sources(driver, database)
    texts = read_rationales(driver, database)
    records, _, _ = driver.execute_query(queries.READ_NODES, database_=database)
    for r in records:
        g.add_node(node_from_props(r["p"], sources, texts))
    records, _, _ = driver.execute_query(queries.READ_EDGES, database_=database)
    for r in records:
        g.add_edge(edge_from_props(r["src"], r["dst"], r["type"], r["p"], sources, texts))
    return g


def counts(driver: neo4j.Driver, *, database: str = DEFAULT_DATABASE) -> dict[str, int]:
    """Nodes per label, relationships per type, the ``nodes`` (``Entity``), ``sources`` and
    ``relationships`` totals."""
    out: dict[str, int] = {}
    recs, _, _ = driver.execute_query(queries.COUNT_LABELS, database_=database)
    for r in recs:
        out[f"label:{r['l']}"] = r["c"]
    recs, _, _ = driver.execute_query(queries.COUNT_TYPES, database_=database)
    for r in recs:
        out[f"type:{r['t']}"] = r["c"]
    recs, _, _ = driver.execute_query(queries.COUNT_ENTITIES, database_=database)
    out["nodes"] = recs[0]["c"]  # graph nodes (Entity); Source records: "sources"
    recs, _, _ = driver.execute_query(queries.COUNT_SOURCES, database_=database)
    out["sources"] = recs[0]["c"]
    recs, _, _ = driver.execute_query(queries.COUNT_RATIONALES, database_=database)
    out["rationales"] = recs[0]["c"]
    recs, _, _ = driver.execute_query(queries.COUNT_RELATIONSHIPS, database_=database)
    out["relationships"] = recs[0]["c"]
    return out
