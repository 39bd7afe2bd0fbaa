"""Nodes for registry entities (countries, minerals, companies), with the registry row as source."""

from __future__ import annotations

from riskgraph.graph.model import Node
from riskgraph.graph.schema import company_layer
from riskgraph.ingest.resolve import Resolver

REGISTRY_AS_OF = "2024"

_FILES = {"country": "countries.csv", "mineral": "minerals.csv", "company": "companies.csv"}
_KEYS = {"country": "iso2", "mineral": "slug", "company": "slug"}

def registry_node(resolver: Resolver, node_id: str) -> Node:
    """Build the :class:`Node` of a registry entity from its row in ``ingest/data/entities/``.

    Raises ``KeyError`` when ``node_id`` is not in the registry.
    """
    kind, _, ident = node_id.partition(":")
    rows = resolver.rows.get(kind, [])
    for i, row in enumerate(rows, start=2):
        if (row.get(_KEYS[kind]) or "").strip() != ident:
            continue
        where = f"riskgraph entity registry, entities/{_FILES[kind]} line {i}"
        aliases = [a for a in (row.get("aliases") or "").split("|") if a]
        props: dict = {}
        for col in ("name_de", "symbol", "iso3", "usgs_code", "group", "default_type", "country"):
            if row.get(col):
                props[col] = row[col]
        if kind == "country":
            return Node(node_id, kind, row["name"], source=f"ISO 3166-1 via {where}",
                        as_of=REGISTRY_AS_OF, confidence="reported", layer="countries",
                        aliases=aliases, props=props)
        if kind == "mineral":
            src = row.get("source")
            return Node(node_id, kind, row["name"], source=f"{src} via {where}" if src else where,
                        as_of=REGISTRY_AS_OF, confidence="reported", layer="minerals",
                        aliases=aliases, props=props)
        roles = [r for r in (row.get("roles") or "").split("|") if r]
        src = row.get("source") or "riskgraph entity registry"
        return Node(node_id, kind, row["name"], source=f"{src} ({where})",
                    as_of=row.get("as_of") or REGISTRY_AS_OF,
                    confidence=row.get("confidence") or "reported",
                    rationale=row.get("rationale") or "", layer=company_layer(roles),
                    roles=roles, aliases=aliases, props=props)
    raise KeyError(node_id)
