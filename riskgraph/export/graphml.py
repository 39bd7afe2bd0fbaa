"""GraphML export for Gephi, yEd and networkx.

The file is ``GraphData.to_networkx()`` (a directed multigraph keyed by node id and edge key)
written with :func:`networkx.write_graphml`, after making every attribute GraphML-typed:

* lists (roles, aliases, other_sources, list props) become JSON strings (``'["a", "b"]'``);
* ``None`` values are left out;
* a property key whose values mix ints and floats is written as float for every element; one
  that mixes numbers and text is written as text (GraphML allows one type per key).

``networkx.read_graphml(path)`` gives back every attribute (decode lists with ``json.loads``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.export.atomic import write_with
from riskgraph.graph.model import GraphData

if TYPE_CHECKING:
    import networkx as nx

LIST_ATTRS = ("roles", "aliases", "other_sources")


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "str"


def _normalise(items: list[dict[str, Any]]) -> None:
    """Make each attribute key single-typed across ``items`` (in place)."""
    kinds: dict[str, set[str]] = {}
    for attrs in items:
        for k, v in list(attrs.items()):
            if v is None:
                del attrs[k]
                continue
            if isinstance(v, list | dict | tuple):
                v = attrs[k] = json.dumps(v, ensure_ascii=False)
            kinds.setdefault(k, set()).add(_kind(v))
    for k, ks in kinds.items():
        if len(ks) <= 1:
            continue
        to_float = ks <= {"int", "float"}
        for attrs in items:
            if k in attrs:
                v = attrs[k]
                if to_float:
                    attrs[k] = float(v)
                elif not isinstance(v, str):
                    attrs[k] = json.dumps(v)


def to_graphml_graph(graph: GraphData) -> nx.MultiDiGraph:
    """The networkx graph that :func:`write_graphml` writes (attributes GraphML-typed)."""
    G = graph.to_networkx()
    _normalise([a for _, a in G.nodes(data=True)])
    _normalise([a for _, _, a in G.edges(data=True)])
    G.graph["schema"] = "riskgraph.graph/1"
    return G


def write_graphml(graph: GraphData, path: str | Path) -> None:
    """Write ``graph`` as GraphML atomically.

    Raises
    ------
    ExportError
        The file cannot be written.
    """
    import networkx as nx

    G = to_graphml_graph(graph)
    write_with(path, lambda tmp: nx.write_graphml(G, str(tmp), encoding="utf-8"))
