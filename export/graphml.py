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
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import ExportError
from riskgraph.export.atomic import check_folder, write_with
from riskgraph.graph.model import GraphData

if TYPE_CHECKING:
    import networkx as nx

LIST_ATTRS = ("roles", "aliases", "other_sources")

# Characters XML 1.0 cannot hold, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def check_xml_text(graph: GraphData, fmt: str) -> None:
    """Raise :class:`ExportError` if any text of ``graph`` cannot be written as XML.

    Control characters other than tab, newline and carriage return have no XML 1.0 form; the
    message names the first node or edge and field that holds one.
    """

    def scan(what: str, d: dict[str, Any]) -> None:
        for k, v in d.items():
            vals = v if isinstance(v, list) else [v]
            if isinstance(v, dict):
                scan(what, v)
                continue
            for x in vals:
                if isinstance(x, str):
                    m = _NOT_XML.search(x)
                    if m:
                        raise ExportError(
                            f"{what}: {k!r} holds the character U+{ord(m.group()):04X}, which "
                            f"{fmt} (XML) cannot represent; export as JSON, CSV or Turtle instead"
                        )

    for n in graph.nodes.values():
        scan(f"node {n.id}", n.to_dict())
    for e in graph.edges.values():
        scan(f"edge {e.key}", e.to_dict())


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


# The value a node or edge WITHOUT a boolean key has (written as the key's GraphML <default>,
# so readers such as igraph, which read a missing boolean as false, and networkx agree with the
# data model): every boolean property of the graph is a flag that a source sets where it
# applies (``aggregate``: an aggregate row rather than one entity; ``estimated``, ``default``:
# USGS's estimated-figure and default-series marks; ``newest``: the newest CSET year), so
# absent means not flagged.  riskgraph's own estimated/reported mark is ``confidence``.
BOOLEAN_DEFAULT = "false"


def _boolean_keys(items: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, bool] = {}
    for attrs in items:
        for k, v in attrs.items():
            keys[k] = keys.get(k, True) and isinstance(v, bool)
    return sorted(k for k, only_bool in keys.items() if only_bool)


def to_graphml_graph(graph: GraphData) -> nx.MultiDiGraph:
    """The networkx graph that :func:`write_graphml` writes (attributes GraphML-typed; every
    boolean key with a ``<default>``, :data:`BOOLEAN_DEFAULT`)."""
    G = graph.to_networkx()
    nodes = [a for _, a in G.nodes(data=True)]
    edges = [a for _, _, a in G.edges(data=True)]
    _normalise(nodes)
    _normalise(edges)
    G.graph["schema"] = "riskgraph.graph/1"
    G.graph["node_default"] = {k: BOOLEAN_DEFAULT for k in _boolean_keys(nodes)}
    G.graph["edge_default"] = {k: BOOLEAN_DEFAULT for k in _boolean_keys(edges)}
    return G


def write_graphml(graph: GraphData, path: str | Path) -> None:
    """Write ``graph`` as GraphML atomically.

    Raises
    ------
    ExportError
        The file cannot be written, or a text holds a character XML cannot represent.
    """
    import networkx as nx

    check_folder(path)
    check_xml_text(graph, "GraphML")
    G = to_graphml_graph(graph)
    write_with(path, lambda tmp: nx.write_graphml(G, str(tmp), encoding="utf-8"))
