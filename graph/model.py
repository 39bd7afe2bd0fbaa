"""GraphData: the one seam between ingest, the stores (networkx, Neo4j) and the engine.

Every loader ends in a :class:`GraphData` fragment; the builder merges fragments; the embedded
store and Neo4j keep it; reading Neo4j back yields an equal GraphData.  It is plain data:
nodes keyed by id, edges keyed by a stable key, each with its provenance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from riskgraph.graph import schema

if TYPE_CHECKING:
    import networkx as nx

Scalar = str | int | float | bool | None
PropValue = Scalar | list[str] | list[float] | list[int]


@dataclass
class Node:
    """A typed node.  ``id`` is ``kind:slug`` (``mineral:gallium``, ``country:CN``)."""

    id: str
    kind: str
    name: str
    source: str
    as_of: str
    confidence: str
    rationale: str = ""
    layer: str = ""
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    props: dict[str, PropValue] = field(default_factory=dict)
    other_sources: list[str] = field(default_factory=list)

    def labels(self) -> list[str]:
        """Neo4j labels: the kind's label plus one label per company role."""
        out = [schema.label_for(self.kind)]
        out += [schema.COMPANY_ROLES[r] for r in self.roles if r in schema.COMPANY_ROLES]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "layer": self.layer,
            "roles": list(self.roles),
            "aliases": list(self.aliases),
            "source": self.source,
            "as_of": self.as_of,
            "confidence": self.confidence,
            "rationale": self.rationale,
            "other_sources": list(self.other_sources),
            "props": dict(self.props),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Node:
        return cls(
            id=d["id"],
            kind=d["kind"],
            name=d["name"],
            layer=d.get("layer", ""),
            roles=list(d.get("roles") or []),
            aliases=list(d.get("aliases") or []),
            source=d["source"],
            as_of=str(d["as_of"]),
            confidence=d["confidence"],
            rationale=d.get("rationale") or "",
            other_sources=list(d.get("other_sources") or []),
            props=dict(d.get("props") or {}),
        )


@dataclass
class Edge:
    """A typed, directed edge with provenance.  ``key`` is unique within a GraphData."""

    src: str
    dst: str
    type: str
    source: str
    as_of: str
    confidence: str
    rationale: str = ""
    props: dict[str, PropValue] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = f"{self.src}|{self.type}|{self.dst}"

    @property
    def weight(self) -> float | None:
        w = self.props.get("weight")
        return None if w is None else float(w)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "src": self.src,
            "dst": self.dst,
            "type": self.type,
            "source": self.source,
            "as_of": self.as_of,
            "confidence": self.confidence,
            "rationale": self.rationale,
            "props": dict(self.props),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edge:
        return cls(
            key=d["key"],
            src=d["src"],
            dst=d["dst"],
            type=d["type"],
            source=d["source"],
            as_of=str(d["as_of"]),
            confidence=d["confidence"],
            rationale=d.get("rationale") or "",
            props=dict(d.get("props") or {}),
        )


class GraphData:
    """Nodes and edges with provenance.  Merging is by node id and edge key.

    Examples
    --------
    >>> g = GraphData()
    >>> g.add_node(Node("country:CN", "country", "China", "ISO 3166", "2024", "reported"))
    >>> g.add_node(Node("mineral:gallium", "mineral", "Gallium", "USGS", "2023", "reported"))
    >>> g.add_edge(Edge("country:CN", "mineral:gallium", "PRODUCES", "USGS", "2023",
    ...                 "reported", props={"weight": 0.98}))
    >>> len(g), g.number_of_edges()
    (2, 1)
    """

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}

    # -- building ---------------------------------------------------------------------------
    def add_node(self, node: Node) -> Node:
        """Add ``node``, or merge it into the node with the same id.

        On merge the existing node keeps its name, kind and provenance; roles and aliases are
        unioned; properties it lacks are taken from ``node``; ``node.source`` is recorded in
        ``other_sources``.
        """
        old = self.nodes.get(node.id)
        if old is None:
            self.nodes[node.id] = node
            return node
        if old.kind != node.kind:
            raise ValueError(f"node {node.id!r} is both {old.kind!r} and {node.kind!r}")
        for r in node.roles:
            if r not in old.roles:
                old.roles.append(r)
        for a in node.aliases:
            if a not in old.aliases:
                old.aliases.append(a)
        for k, v in node.props.items():
            old.props.setdefault(k, v)
        if not old.layer:
            old.layer = node.layer
        for s in [node.source, *node.other_sources]:
            if s and s != old.source and s not in old.other_sources:
                old.other_sources.append(s)
        return old

    def add_edge(self, edge: Edge) -> Edge:
        """Add ``edge``; an edge with the same key must be identical (idempotent re-adds)."""
        old = self.edges.get(edge.key)
        if old is not None:
            if old.to_dict() != edge.to_dict():
                raise ValueError(f"conflicting edges with key {edge.key!r}")
            return old
        self.edges[edge.key] = edge
        return edge

    def merge(self, other: GraphData) -> GraphData:
        """Merge ``other`` into this graph (in place) and return self."""
        for n in other.nodes.values():
            self.add_node(n)
        for e in other.edges.values():
            self.add_edge(e)
        return self

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def number_of_edges(self) -> int:
        return len(self.edges)

    def iter_edges(self, types: Iterable[str] | None = None) -> Iterator[Edge]:
        wanted = None if types is None else set(types)
        for e in self.edges.values():
            if wanted is None or e.type in wanted:
                yield e

    def out_edges(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges.values() if e.src == node_id]

    def in_edges(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges.values() if e.dst == node_id]

    def problems(self) -> list[str]:
        """Everything that breaks the provenance contract; an empty list means valid."""
        out: list[str] = []
        for n in self.nodes.values():
            what = f"node {n.id}"
            out += _provenance_problems(what, n.source, n.as_of, n.confidence, n.rationale)
            if n.kind not in schema.NODE_KINDS:
                out.append(f"node {n.id}: unknown kind {n.kind!r}")
            if not n.id.startswith(n.kind + ":"):
                out.append(f"node {n.id}: id does not start with its kind {n.kind!r}")
        for e in self.edges.values():
            what = f"edge {e.key}"
            out += _provenance_problems(what, e.source, e.as_of, e.confidence, e.rationale)
            if e.type not in schema.REL_TYPES:
                out.append(f"{what}: unknown relationship type {e.type!r}")
            for end in (e.src, e.dst):
                if end not in self.nodes:
                    out.append(f"{what}: endpoint {end!r} is not a node")
            for k in ("weight", "weight_low", "weight_high", "sales_share"):
                v = e.props.get(k)
                if v is not None and not (isinstance(v, int | float) and 0.0 <= v <= 1.0):
                    out.append(f"{what}: {k}={v!r} is not a fraction in [0, 1]")
        return out

    # -- conversion -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [n.to_dict() for n in sorted(self.nodes.values(), key=lambda n: n.id)],
            "edges": [e.to_dict() for e in sorted(self.edges.values(), key=lambda e: e.key)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GraphData:
        g = cls()
        for n in d["nodes"]:
            g.add_node(Node.from_dict(n))
        for e in d["edges"]:
            g.add_edge(Edge.from_dict(e))
        return g

    def to_networkx(self) -> nx.MultiDiGraph:
        """The embedded store: a ``networkx.MultiDiGraph`` keyed by node id and edge key.

        Node attributes: kind, name, layer, roles, aliases, source, as_of, confidence,
        rationale, other_sources and the node's props; edge attributes likewise.
        """
        # Imported here, not at the top: every command imports this module, and networkx costs
        # 0.1-0.5 s (measured with python -X importtime on the 2-core test machine).
        import networkx as nx

        G = nx.MultiDiGraph()
        for n in self.nodes.values():
            attrs = {k: v for k, v in n.to_dict().items() if k not in ("id", "props")}
            attrs.update(n.props)
            G.add_node(n.id, **attrs)
        for e in self.edges.values():
            drop = ("src", "dst", "key", "props")
            attrs = {k: v for k, v in e.to_dict().items() if k not in drop}
            attrs.update(e.props)
            G.add_edge(e.src, e.dst, key=e.key, **attrs)
        return G


def _provenance_problems(
    what: str, source: str, as_of: str, confidence: str, rationale: str
) -> list[str]:
    out = []
    if not source:
        out.append(f"{what}: missing source")
    if not as_of:
        out.append(f"{what}: missing as_of")
    if confidence not in schema.CONFIDENCE:
        out.append(f"{what}: confidence {confidence!r} is not one of {schema.CONFIDENCE}")
    elif confidence == "estimated" and not rationale:
        out.append(f"{what}: estimated without a rationale")
    return out


def is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
