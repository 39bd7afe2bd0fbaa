"""Incremental loads, faster: ``CREATE`` for relationships whose key is new, ``MERGE`` for the rest.

The store's relationship statement is ``MERGE (a)-[r:T {kid: row.kid}]->(b) SET r = row.props``:
idempotent, but every row pays the MERGE's pattern check and its locks, even when the key is
new, as every key of a first load or of a new source is.  This path asks the database once per
chunk which of the chunk's keys exist (one index seek each, read only, through the store's
``rel_<type>_kid`` uniqueness constraint), then writes:

* the new keys with ``CREATE`` (both ends by the ``Entity(id)`` index; the uniqueness
  constraint still refuses a duplicate, so a wrong guess fails loudly instead of doubling a
  relationship);
* the keys already there with the store's own ``MERGE`` (same result as the batched path).

Two ways to send the rows, both measured in ``benchmarks/bench_neo4j_scale.py``:

* :func:`write_links` -- one explicit transaction per chunk, ``batch_size`` rows per ``UNWIND``
  statement (the store's model: a chunk is all or nothing);
* :func:`write_links_in_transactions` -- one auto-commit statement per chunk and type,
  ``UNWIND $rows ... CALL (row) { ... } IN TRANSACTIONS OF n ROWS``: one round trip, the server
  commits every ``n`` rows.

The rows are the store's (``{"src", "dst", "key", "props"}`` per type, as
:func:`riskgraph.graph.neo4j.bulk.link_rows` and :func:`riskgraph.graph.neo4j.rows.edge_row`
give them), so the database ends up exactly as the MERGE path leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskgraph.graph.neo4j import queries

if TYPE_CHECKING:
    import neo4j

    from riskgraph.graph.provenance import SourceTable

LinkGroups = dict[str, list[dict[str, Any]]]
DEFAULT_BATCH = 5000  # rows per CREATE statement (benchmarks/bench_neo4j_scale.py)


def existing_keys_query(rel_type: str) -> str:
    t = queries.check_rel_type(rel_type, "existing_keys")
    return f"UNWIND $keys AS k MATCH ()-[r:{t} {{kid: k}}]->() RETURN r.kid AS k"


def create_edges(rel_type: str) -> str:
    """``UNWIND $rows CREATE`` of ``rel_type`` relationships (keys known to be new)."""
    t = queries.check_rel_type(rel_type, "create_edges")
    return (
        f"UNWIND $rows AS row MATCH (a:{queries.ENTITY} {{id: row.src}}) "
        f"MATCH (b:{queries.ENTITY} {{id: row.dst}}) "
        f"CREATE (a)-[r:{t}]->(b) SET r = row.props RETURN count(r) AS c"
    )


def create_edges_in_transactions(rel_type: str) -> str:
    """The same rows in server-side transactions of ``$per_tx`` rows (auto-commit only)."""
    t = queries.check_rel_type(rel_type, "create_edges_in_transactions")
    return (
        f"UNWIND $rows AS row CALL (row) {{ MATCH (a:{queries.ENTITY} {{id: row.src}}) "
        f"MATCH (b:{queries.ENTITY} {{id: row.dst}}) "
        f"CREATE (a)-[r:{t}]->(b) SET r = row.props }} IN TRANSACTIONS OF $per_tx ROWS"
    )


@dataclass
class WriteCounts:
    created: int = 0
    merged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.merged


def split_new(tx: Any, groups: LinkGroups) -> tuple[LinkGroups, LinkGroups]:
    """(new, existing) rows per type: one key lookup per row, in ``tx``."""
    new: LinkGroups = {}
    old: LinkGroups = {}
    for rtype, rows in groups.items():
        keys = [r["kid"] for r in rows]
        found: set[str] = set()
        for k in range(0, len(keys), 10_000):
            res = tx.run(existing_keys_query(rtype), keys=keys[k:k + 10_000])
            found.update(rec["k"] for rec in res)
        new[rtype] = [r for r in rows if r["kid"] not in found]
        if found:
            old[rtype] = [r for r in rows if r["kid"] in found]
    return new, old


def _check(n: int, want: int, rtype: str) -> None:
    if n != want:
        raise ValueError(f"{want - n} {rtype} relationships name an endpoint that is not in the "
                         "database (nothing of the chunk is kept)")


def write_links(driver: neo4j.Driver, groups: LinkGroups, *, database: str,
                batch_size: int = DEFAULT_BATCH, assume_new: bool = False,
                sources: SourceTable | None = None) -> WriteCounts:
    """Write a chunk in ONE transaction: CREATE the new keys, MERGE the others.

    ``assume_new`` skips the lookup (the caller knows the database has none of the keys, e.g.
    it was empty; the uniqueness constraints still refuse a duplicate).  ``sources``: the
    source records the rows cite (:func:`riskgraph.graph.neo4j.bulk.link_rows` fills one),
    written first in the same transaction.
    """
    from riskgraph.graph.neo4j import store

    out = WriteCounts()
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        if sources:
            store.merge_table(tx, sources)
        new, old = (groups, {}) if assume_new else split_new(tx, groups)
        for rtype, rows in new.items():
            stmt = create_edges(rtype)
            for k in range(0, len(rows), batch_size):
                batch = rows[k:k + batch_size]
                rec = tx.run(stmt, rows=batch).single()
                n = int(rec["c"]) if rec is not None else 0
                _check(n, len(batch), rtype)
                out.created += n
        if old:
            out.merged += store.merge_edge_rows(tx, old, batch_size, None, what="links")
        tx.commit()
    return out


def write_links_in_transactions(driver: neo4j.Driver, groups: LinkGroups, *, database: str,
                                per_tx: int = 10_000, sources: SourceTable | None = None) -> int:
    """CREATE every row (keys known to be new) in server-side transactions of ``per_tx`` rows.

    One auto-commit statement per type; a failure part-way leaves whole ``per_tx`` batches
    (re-run with :func:`write_links`, which MERGEs what is already there).  ``sources`` are
    written first, in a transaction of their own.
    """
    from riskgraph.graph.neo4j import store

    n = 0
    if sources:
        with driver.session(database=database) as session, session.begin_transaction() as tx:
            store.merge_table(tx, sources)
            tx.commit()
    with driver.session(database=database) as session:
        for rtype, rows in groups.items():
            summary = session.run(create_edges_in_transactions(rtype), rows=rows,
                                  per_tx=per_tx).consume()
            n += summary.counters.relationships_created
    return n


__all__ = ["DEFAULT_BATCH", "WriteCounts", "create_edges", "split_new", "write_links",
           "write_links_in_transactions"]
