from __future__ import annotations

import json

import networkx as nx
from rg_sample_graph import EVIL, EVIL_SOURCE

from riskgraph.export.graphml import write_graphml
from riskgraph.graph.model import Edge, GraphData, Node


def test_graphml_opens_in_networkx_with_all_attributes(graph, tmp_path):
    p = tmp_path / "g.graphml"
    write_graphml(graph, p)
    G = nx.read_graphml(p)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_nodes() == len(graph)
    assert G.number_of_edges() == graph.number_of_edges()
    for n in graph.nodes.values():
        a = G.nodes[n.id]
        assert a["name"] == n.name
        assert a["kind"] == n.kind
        assert a["source"] == n.source
        assert a["confidence"] == n.confidence
        assert json.loads(a["roles"]) == n.roles
        assert json.loads(a["aliases"]) == n.aliases
        for k, v in n.props.items():
            assert (json.loads(a[k]) if isinstance(v, list) else a[k]) == v
    assert G.nodes["company:evil"]["name"] == EVIL
    assert G.nodes["company:evil"]["source"] == EVIL_SOURCE
    keys = {k for _, _, k in G.edges(keys=True)}
    assert keys == set(graph.edges)
    for u, v, k, a in G.edges(keys=True, data=True):
        e = graph.edges[k]
        assert (u, v, a["type"], a["source"]) == (e.src, e.dst, e.type, e.source)
        for pk, pv in e.props.items():
            assert a[pk] == pv
    assert G.edges["company:evil", "accelerator:nvidia-gpu",
                   "company:evil|SUPPLIES|accelerator:nvidia-gpu"]["rationale"] == EVIL


def test_mixed_types_per_key_are_unified(tmp_path):
    g = GraphData()
    for i, v in enumerate([1, 2.5, "text"]):
        g.add_node(Node(f"input:i{i}", "input", f"I{i}", "src", "2024", "reported",
                        props={"n": [1, 2.5][i] if i < 2 else 3, "m": v}))
    g.add_edge(Edge("input:i0", "input:i1", "INPUT_TO", "src", "2024", "reported",
                    props={"weight": 1}))
    g.add_edge(Edge("input:i1", "input:i2", "INPUT_TO", "src", "2024", "reported",
                    props={"weight": 0.5}))
    p = tmp_path / "m.graphml"
    write_graphml(g, p)
    G = nx.read_graphml(p)
    assert [G.nodes[f"input:i{i}"]["n"] for i in range(3)] == [1.0, 2.5, 3.0]
    assert [G.nodes[f"input:i{i}"]["m"] for i in range(3)] == ["1", "2.5", "text"]
    assert sorted(a["weight"] for _, _, a in G.edges(data=True)) == [0.5, 1.0]


def test_text_xml_cannot_hold_is_a_clear_error(graph, tmp_path):
    import pytest

    from riskgraph.errors import ExportError
    from riskgraph.export.rdf import write_rdf

    graph.nodes["company:tsmc"].aliases.append("bell\x07")
    with pytest.raises(ExportError, match=r"node company:tsmc: 'aliases' holds the character "
                                          r"U\+0007, which GraphML \(XML\) cannot represent"):
        write_graphml(graph, tmp_path / "g.graphml")
    with pytest.raises(ExportError, match="RDF/XML"):
        write_rdf(graph, tmp_path / "g.rdf", "xml")
    write_rdf(graph, tmp_path / "g.ttl", "turtle")  # Turtle escapes it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl"]


def test_boolean_keys_declare_their_default(graph, tmp_path):
    """A missing boolean is declared false (readers such as igraph would assume it silently)."""
    import xml.etree.ElementTree as ET

    p = tmp_path / "g.graphml"
    write_graphml(graph, p)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = ET.parse(p).getroot().findall("g:key", ns)
    booleans = [k for k in keys if k.get("attr.type") == "boolean"]
    assert booleans, "the sample graph has boolean properties (flag)"
    for k in booleans:
        d = k.find("g:default", ns)
        assert d is not None and d.text == "false", k.get("attr.name")
    assert all(k.find("g:default", ns) is None for k in keys if k.get("attr.type") != "boolean")
    G = nx.read_graphml(p)
    assert G.graph["node_default"]["flag"] is False
    assert G.nodes["accelerator:nvidia-gpu"]["flag"] is True
