"""Row flattening: a :class:`Node` or :class:`Edge` as the flat property map Neo4j stores, and back.

Properties are flat.  A node keeps ``id kind name layer roles aliases as_of confidence`` and
its source and rationale references; an edge keeps ``key as_of confidence`` and its source and
rationale references.  Slim provenance (:mod:`riskgraph.graph.provenance`): the citation is not
stored on the row but as ``source_id`` (the id of a ``Source`` node holding the citation, file
and licence, written once per store) plus ``source_line`` (an integer) or ``source_lines`` (text,
``9-17``); a node's further sources are ``other_source_refs`` (``"<id>"`` or ``"<id> line 5"``).
A rationale is stored once per distinct text, as a ``Rationale`` node (``id``, ``text``), and
referred to by ``rationale_id`` (no property for an empty rationale).  Empty
``roles``/``aliases``/further sources are not stored (read back as empty lists).  The
``props`` are stored under their own names, unprefixed, so analysts write ``r.weight``; every
stored property that is not a fixed field is a prop, and ``prop_keys`` (a list) is stored only
when a prop's value is ``None`` (listed there but not stored: Neo4j has no null properties), so
the store rebuilds ``props`` exactly.  A prop named like one of the fixed fields, a nested dict,
or a list holding ``None`` raises ``ValueError`` before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from riskgraph.graph import provenance
from riskgraph.graph.model import Edge, Node
from riskgraph.graph.neo4j import queries
from riskgraph.graph.provenance import SourceRecord, SourceTable

# The fixed fields each node / relationship stores (besides its props).  ``source`` and
# ``other_sources`` are the layout before slim provenance: still read, never written.
NODE_FIELDS: tuple[str, ...] = (
    "id",
    "kind",
    "name",
    "layer",
    "roles",
    "aliases",
    "source_id",
    "source_line",
    "source_lines",
    "other_source_refs",
    "as_of",
    "confidence",
    "rationale_id",
    "prop_keys",
    "source",
    "other_sources",
    "rationale",
)
EDGE_FIELDS: tuple[str, ...] = ("kid", "key_tail", "key", "source_id", "source_line",
                                "source_lines", "as_of", "confidence", "rationale_id",
                                "prop_keys", "source", "rationale")
_NODE_SET = frozenset(NODE_FIELDS)
_EDGE_SET = frozenset(EDGE_FIELDS)


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
    absent = False
    for k, v in props.items():
        if k in reserved:
            raise ValueError(f"{what}: prop {k!r} clashes with a stored field of the same name")
        _check_value(what, k, v)
        keys.append(k)
        if v is not None:
            out[k] = list(v) if isinstance(v, tuple) else v
        else:
            absent = True
    if absent:  # only then: otherwise the props are exactly the stored non-fixed properties
        out["prop_keys"] = sorted(keys)
    return out


def _put_ref(out: dict[str, Any], source: str, sources: SourceTable | None) -> None:
    rec, ref = provenance.split(source)
    if sources is not None:
        sources.add_ref(rec, ref)
    out["source_id"] = ref.source_id
    if ref.line is not None:
        out["source_line"] = ref.line
    elif ref.lines is not None:
        out["source_lines"] = ref.lines


def _put_rationale(out: dict[str, Any], text: str, sources: SourceTable | None) -> None:
    if text:
        out["rationale_id"] = (sources.add_rationale(text) if sources is not None
                               else provenance.rationale_id(text))


def _get_rationale(p: Mapping[str, Any], rationales: Mapping[str, str]) -> str:
    if p.get("rationale") is not None:  # the layout before slim provenance
        return str(p["rationale"])
    rid = p.get("rationale_id")
    if rid is None:
        return ""
    text = rationales.get(str(rid))
    if text is None:
        raise ValueError(f"rationale record {rid!r} is not in the database")
    return text


def _get_source(p: Mapping[str, Any], sources: Mapping[str, SourceRecord]) -> str:
    if p.get("source") is not None:  # the layout before slim provenance
        return str(p["source"])
    sid = p.get("source_id")
    if sid is None:
        return ""
    ref = provenance.Ref(str(sid), line=p.get("source_line"), lines=p.get("source_lines"))
    return provenance.join(_record(sources, str(sid)), ref)


def _record(sources: Mapping[str, SourceRecord], sid: str) -> SourceRecord:
    rec = sources.get(sid)
    if rec is None:
        raise ValueError(f"source record {sid!r} is not in the database")
    return rec


def node_row(n: Node, sources: SourceTable | None = None) -> dict[str, Any]:
    """The property map stored for ``n`` (fixed fields, props, ``prop_keys`` when needed).

    The citation is stored as a reference (``source_id`` and ``source_line`` or
    ``source_lines``) to its :class:`~riskgraph.graph.provenance.SourceRecord`, which is
    added to ``sources``; empty lists are not stored (read back as empty).
    """
    fixed: dict[str, Any] = {
        "id": n.id,
        "kind": n.kind,
        "name": n.name,
        "layer": n.layer,
        "as_of": n.as_of,
        "confidence": n.confidence,
    }
    _put_rationale(fixed, n.rationale, sources)
    if n.roles:
        fixed["roles"] = list(n.roles)
    if n.aliases:
        fixed["aliases"] = list(n.aliases)
    _put_ref(fixed, n.source, sources)
    if n.other_sources:
        refs = []
        for o in n.other_sources:
            rec, ref = provenance.split(o)
            if sources is not None:
                sources.add_ref(rec, ref)
            refs.append(ref.token())
        fixed["other_source_refs"] = refs
    return _flat_props(f"node {n.id}", fixed, n.props, NODE_FIELDS)


def key_id(key: str) -> str:
    """The stored identity of an edge key: 24 hex digits (96 bits) of its SHA-256, held inline
    in the relationship's record and unique per type (the MERGE key and its constraint)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def key_props(src: str, rel_type: str, dst: str, key: str) -> dict[str, Any]:
    """``kid`` and what rebuilds ``key``: nothing when it is ``src|type|dst``, ``key_tail``
    when it is ``src|type|dst|<tail>`` (every shipped and curated key), else ``key`` itself."""
    out: dict[str, Any] = {"kid": key_id(key)}
    base = f"{src}|{rel_type}|{dst}"
    if key == base:
        return out
    if key.startswith(base + "|"):
        out["key_tail"] = key[len(base) + 1:]
    else:
        out["key"] = key
    return out


def edge_key(src: str, rel_type: str, dst: str, p: Mapping[str, Any]) -> str:
    """The edge key a stored relationship stands for (the inverse of :func:`key_props`)."""
    if p.get("key") is not None:
        return str(p["key"])
    base = f"{src}|{rel_type}|{dst}"
    tail = p.get("key_tail")
    return base if tail is None else f"{base}|{tail}"


def edge_row(e: Edge, sources: SourceTable | None = None) -> dict[str, Any]:
    """The property map stored for ``e`` (fixed fields, props, ``prop_keys`` when needed)."""
    fixed: dict[str, Any] = {
        **key_props(e.src, e.type, e.dst, e.key),
        "as_of": e.as_of,
        "confidence": e.confidence,
    }
    _put_rationale(fixed, e.rationale, sources)
    _put_ref(fixed, e.source, sources)
    return _flat_props(f"edge {e.key}", fixed, e.props, EDGE_FIELDS)


def source_rows(sources: SourceTable) -> list[dict[str, Any]]:
    """Rows for :func:`queries.merge_sources`: ``{"id", "props"}`` per source record."""
    return sources.rows()


def node_labels(n: Node) -> tuple[str, ...]:
    """The labels stored for ``n`` besides ``Entity``, checked against the schema."""
    return queries.check_labels(n.labels(), f"node {n.id}")


def edge_rel_type(e: Edge) -> str:
    """The relationship type stored for ``e``, checked against the schema."""
    return queries.check_rel_type(e.type, f"edge {e.key}")


def _prop_names(p: Mapping[str, Any], fixed: frozenset[str]) -> list[str]:
    keys = p.get("prop_keys")
    if keys is not None:
        return list(keys)
    return sorted(k for k in p if k not in fixed)


def node_from_props(p: Mapping[str, Any], sources: Mapping[str, SourceRecord] | None = None,
                    rationales: Mapping[str, str] | None = None) -> Node:
    """Rebuild a :class:`Node` from its stored property map and the source and rationale
    records."""
    srcs = sources or {}
    others = p.get("other_sources")
    if others is None:
        others = [provenance.join(_record(srcs, (r := provenance.Ref.from_token(t)).source_id),
                                  r) for t in p.get("other_source_refs") or []]
    return Node.from_dict(
        {
            "id": p.get("id"),
            "kind": p.get("kind"),
            "name": p.get("name"),
            "layer": p.get("layer") or "",
            "roles": p.get("roles") or [],
            "aliases": p.get("aliases") or [],
            "source": _get_source(p, srcs),
            "as_of": p.get("as_of"),
            "confidence": p.get("confidence"),
            "rationale": _get_rationale(p, rationales or {}),
            "other_sources": list(others),
            "props": {k: _plain(p.get(k)) for k in _prop_names(p, _NODE_SET)},
        }
    )


def edge_from_props(src: str, dst: str, rel_type: str, p: Mapping[str, Any],
                    sources: Mapping[str, SourceRecord] | None = None,
                    rationales: Mapping[str, str] | None = None) -> Edge:
    """Rebuild an :class:`Edge` from its endpoints, type, stored property map and records."""
    return Edge.from_dict(
        {
            "key": edge_key(src, rel_type, dst, p),
            "as_of": p.get("as_of"),
            "confidence": p.get("confidence"),
            "rationale": _get_rationale(p, rationales or {}),
            "source": _get_source(p, sources or {}),
            "src": src,
            "dst": dst,
            "type": rel_type,
            "props": {k: _plain(p.get(k)) for k in _prop_names(p, _EDGE_SET)},
        }
    )


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, list | tuple) else v
