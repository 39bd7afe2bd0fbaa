"""Row flattening: a :class:`Node` or :class:`Edge` as the flat property map Neo4j stores, and back.

Properties are flat.  A node keeps ``id kind name layer roles aliases source as_of confidence
rationale other_sources``; an edge keeps ``key source as_of confidence rationale``.  The
``props`` are stored under their own names, unprefixed, so analysts write ``r.weight``, and
``prop_keys`` (a list) names them, so the store rebuilds ``props`` exactly (a prop whose value
is ``None`` is listed in ``prop_keys`` but not stored: Neo4j has no null properties).  A prop
named like one of the fixed fields, a nested dict, or a list holding ``None`` raises
``ValueError`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from riskgraph.graph.model import Edge, Node
from riskgraph.graph.neo4j import queries

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


def node_labels(n: Node) -> tuple[str, ...]:
    """The labels stored for ``n`` besides ``Entity``, checked against the schema."""
    return queries.check_labels(n.labels(), f"node {n.id}")


def edge_rel_type(e: Edge) -> str:
    """The relationship type stored for ``e``, checked against the schema."""
    return queries.check_rel_type(e.type, f"edge {e.key}")


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
