"""Find nodes by what users type: id, name, alias, German name, element symbol, ISO code.

Matching is case- and accent-insensitive on whole names (``"Ga"``, ``"Gallium"``, ``"gallium"``,
``"mineral:gallium"`` are one node).  An unknown name raises :class:`UnknownNodeError` with the
closest names as suggestions; an ambiguous one (two nodes share an alias) raises too.
"""

from __future__ import annotations

from riskgraph.errors import UnknownNodeError, UsageError, suggest
from riskgraph.graph.model import GraphData
from riskgraph.graph.names import norm

_NAME_PROPS = ("name_de", "symbol", "iso3", "cset_id")


def _spellings(graph: GraphData, node_id: str) -> list[str]:
    n = graph.nodes[node_id]
    out = [n.id, n.id.partition(":")[2], n.name, *n.aliases]
    return out + [str(n.props[p]) for p in _NAME_PROPS if n.props.get(p)]


def name_index(graph: GraphData) -> dict[str, set[str]]:
    """Map each normalised spelling to the node ids it names."""
    index: dict[str, set[str]] = {}
    for n in graph.nodes.values():
        for s in _spellings(graph, n.id):
            k = norm(s)
            if k:
                index.setdefault(k, set()).add(n.id)
    return index


def find_node(graph: GraphData, name: str, *, index: dict[str, set[str]] | None = None) -> str:
    """Return the id of the node ``name`` designates.

    Examples
    --------
    >>> from riskgraph.graph.model import GraphData, Node
    >>> g = GraphData()
    >>> _ = g.add_node(Node("mineral:gallium", "mineral", "Gallium", "s", "2024", "reported",
    ...                     props={"symbol": "Ga"}))
    >>> find_node(g, "ga")
    'mineral:gallium'
    """
    idx = index if index is not None else name_index(graph)
    hits = idx.get(norm(name))
    if not hits:
        names = [n.name for n in graph.nodes.values()]
        raise UnknownNodeError(name, suggest(name, names + list(idx)))
    if len(hits) > 1:
        # Prefer an exact id match, then a case-sensitive spelling ("Ga" is gallium's symbol,
        # "GA" Gabon's ISO code), then an exact (normalised) display-name match.
        exact = [h for h in hits if norm(h) == norm(name)]
        if len(exact) == 1:
            return exact[0]
        cased = [h for h in hits if name.strip() in _spellings(graph, h)]
        if len(cased) == 1:
            return cased[0]
        by_name = [h for h in hits if norm(graph.nodes[h].name) == norm(name)]
        if len(by_name) == 1:
            return by_name[0]
        raise UsageError(
            f"{name!r} is ambiguous: it names {', '.join(sorted(hits))}; use one of those ids"
        )
    return next(iter(hits))
