"""Every write, DDL and bookkeeping statement the Neo4j store sends, named in one place.

The analysts' read queries live in ``cypher/*.cypher``; these are the store's own.  All values
are parameters (``$rows``, ``$keys``, ``$ids``).  Labels and relationship types cannot be
parameters in Cypher, so the few statements that need them are built by functions here, and
those take names only from the whitelist in :mod:`riskgraph.graph.schema` (anything else raises
``ValueError`` before a query string exists).
"""

from __future__ import annotations

from collections.abc import Iterable

from riskgraph.graph import schema

ENTITY = "Entity"  # every stored node has it; unique ``id``: the MERGE key
SOURCE = "Source"  # one node per source record (slim provenance); unique ``id``
RATIONALE = "Rationale"  # one node per distinct rationale text; unique ``id``

PING = "RETURN 1"
AWAIT_INDEXES = "CALL db.awaitIndexes(120)"

# Delete what the graph no longer has (one transaction, edges first).
# A keyed relationship has ``kid`` (``key`` alone: the layout before slim provenance).
PRUNE_EDGES = (
    f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) WHERE (r.kid IS NOT NULL OR r.key IS NOT NULL) "
    "AND NOT coalesce(r.kid, '') IN $kids DELETE r RETURN count(r) AS c"
)
PRUNE_NODES = f"MATCH (n:{ENTITY}) WHERE NOT n.id IN $ids DETACH DELETE n RETURN count(n) AS c"
PRUNE_RATIONALES = (
    f"MATCH (t:{RATIONALE}) WHERE NOT t:{ENTITY} AND NOT t.id IN $ids DETACH DELETE t "
    "RETURN count(t) AS c"
)
PRUNE_SOURCES = (
    f"MATCH (s:{SOURCE}) WHERE NOT s:{ENTITY} AND NOT s.id IN $ids DETACH DELETE s "
    "RETURN count(s) AS c"
)
# CALL ... IN TRANSACTIONS needs an auto-commit transaction: session.run, not execute_*.
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"

READ_SOURCES = f"MATCH (s:{SOURCE}) WHERE NOT s:{ENTITY} RETURN properties(s) AS p"
READ_RATIONALES = f"MATCH (t:{RATIONALE}) WHERE NOT t:{ENTITY} RETURN t.id AS id, t.text AS text"
READ_NODES = f"MATCH (n:{ENTITY}) RETURN properties(n) AS p ORDER BY n.id"
READ_EDGES = (
    f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE r.kid IS NOT NULL OR r.key IS NOT NULL "
    "RETURN a.id AS src, b.id AS dst, type(r) AS type, properties(r) AS p"
)

COUNT_LABELS = "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c"
COUNT_TYPES = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c"
COUNT_NODES = "MATCH (n) RETURN count(n) AS c"  # every node, Source records included
COUNT_ENTITIES = f"MATCH (n:{ENTITY}) RETURN count(n) AS c"
COUNT_SOURCES = f"MATCH (s:{SOURCE}) RETURN count(s) AS c"
ANY_KEYED = "MATCH ()-[r]->() WHERE r.kid IS NOT NULL OR r.key IS NOT NULL RETURN 1 LIMIT 1"
COUNT_RATIONALES = f"MATCH (t:{RATIONALE}) RETURN count(t) AS c"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS c"


def node_labels() -> set[str]:
    """Every label a node may carry besides ``Entity``: kinds and company roles."""
    return set(schema.NODE_KINDS.values()) | set(schema.COMPANY_ROLES.values())


def check_labels(labels: Iterable[str], what: str) -> tuple[str, ...]:
    """``labels`` sorted, deduplicated, each checked against the schema (``ValueError``)."""
    allowed = node_labels()
    for label in labels:
        if label not in allowed:
            raise ValueError(f"{what}: label {label!r} is not in the schema")
    return tuple(sorted(set(labels)))


def check_rel_type(rel_type: str, what: str) -> str:
    """``rel_type`` if the schema has it (``ValueError`` otherwise)."""
    if rel_type not in schema.REL_TYPES:
        raise ValueError(f"{what}: relationship type {rel_type!r} is not in the schema")
    return rel_type


def schema_statements() -> list[str]:
    """Constraints and indexes, all ``IF NOT EXISTS`` (names come from the schema module)."""
    out = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX entity_name IF NOT EXISTS FOR (n:{ENTITY}) ON (n.name)",
        f"CREATE INDEX entity_kind IF NOT EXISTS FOR (n:{ENTITY}) ON (n.kind)",
        f"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:{SOURCE}) REQUIRE s.id IS UNIQUE",
        f"CREATE CONSTRAINT rationale_id IF NOT EXISTS FOR (t:{RATIONALE}) "
        "REQUIRE t.id IS UNIQUE",
    ]
    for kind, label in schema.NODE_KINDS.items():
        out.append(f"CREATE INDEX {kind}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)")
    for rel in schema.REL_TYPES:
        out.append(
            f"CREATE CONSTRAINT rel_{rel.lower()}_kid IF NOT EXISTS "
            f"FOR ()-[r:{rel}]-() REQUIRE r.kid IS UNIQUE"
        )
    return out


def merge_nodes(labels: tuple[str, ...]) -> str:
    """``UNWIND $rows MERGE`` of nodes with exactly ``labels`` (plus ``Entity``).

    Each row is ``{"id", "props"}``; ``SET n = row.props`` replaces every property and the
    labels of other kinds and roles are removed, so a rewrite leaves no stale label.
    """
    labels = check_labels(labels, "merge_nodes")
    others = sorted(node_labels() - set(labels))
    remove = f" REMOVE n:{':'.join(others)}" if others else ""
    return (
        f"UNWIND $rows AS row MERGE (n:{ENTITY} {{id: row.id}}) "
        f"SET n = row.props SET n:{':'.join(labels)}{remove} RETURN count(n) AS c"
    )


def merge_edges(rel_type: str) -> str:
    """``UNWIND $rows MERGE`` of ``rel_type`` relationships keyed by ``row.kid``.

    Each row is ``{"src", "dst", "key", "kid", "props"}``; both ends must exist (the returned count
    ``c`` is lower than the batch otherwise).
    """
    rel_type = check_rel_type(rel_type, "merge_edges")
    return (
        f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.src}}) "
        f"MATCH (b:{ENTITY} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{kid: row.kid}}]->(b) SET r = row.props RETURN count(r) AS c"
    )


# Source records: ``{"id", "props"}`` rows (:meth:`riskgraph.graph.provenance.SourceTable.rows`).
# The store writes a whole graph's records with their final line range (replace); the bulk paths
# write a chunk's records and widen the range already stored.
MERGE_SOURCES = (
    f"UNWIND $rows AS row MERGE (s:{SOURCE} {{id: row.id}}) SET s = row.props "
    "RETURN count(s) AS c"
)
MERGE_SOURCES_WIDEN = (
    f"UNWIND $rows AS row MERGE (s:{SOURCE} {{id: row.id}}) "
    "WITH s, row, s.first_line AS f, s.last_line AS l SET s = row.props "
    "SET s.first_line = CASE WHEN f IS NULL OR f > row.props.first_line "
    "THEN row.props.first_line ELSE f END, "
    "s.last_line = CASE WHEN l IS NULL OR l < row.props.last_line "
    "THEN row.props.last_line ELSE l END RETURN count(s) AS c"
)
MERGE_RATIONALES = (
    f"UNWIND $rows AS row MERGE (t:{RATIONALE} {{id: row.id}}) SET t = row.props "
    "RETURN count(t) AS c"
)
