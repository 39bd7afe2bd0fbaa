"""Exports of hostile user text: what goes in comes back out, in every format.

User data (``--data-dir``) with quotes, commas, newlines, a Cypher fragment, HTML, and the
control characters a CSV may legally hold, through the JSON, CSV and RDF (Turtle, N-Triples)
exports and back.  (GraphML and RDF/XML: see test_xml_control_chars.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.export.rdf import from_rdf, read_rdf, write_rdf
from riskgraph.export.tabular import read_csv, read_json, write_csv, write_json
from riskgraph.graph.model import GraphData
from riskgraph.ingest.build import build

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

NAMES = {
    "company:acme-optics": 'Acme "Optics", Inc.\nsecond line',
    "company:beta": "'}) DETACH DELETE n // <script>alert(1)</script> & [/]",
    "company:gamma": "Gamma\x0cform feed\ttab \u2028 ünïcødé 光学",
}


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> GraphData:
    nodes = NODE_HEADER + "".join(
        f"{i},company,{_q(n)},,network,,{_q(n)},2025,reported,\n" for i, n in NAMES.items())
    links = LINK_HEADER + "".join(
        f"mineral:gallium,{i},INPUT_TO,0.5,0.4,0.6,,,{_q(n)},2025,estimated,{_q(n)}\n"
        for i, n in NAMES.items())
    full = build([write_dir(tmp_path_factory.mktemp("hostile-export"), nodes, links)]).graph
    small = GraphData()  # the user's part only: the exports of 700 shipped nodes are slow
    for nid in [*NAMES, "mineral:gallium"]:
        small.add_node(full.nodes[nid])
    for e in full.edges.values():
        if e.src in small.nodes and e.dst in small.nodes:
            small.add_edge(e)
    return small


def _check(back: GraphData, graph: GraphData) -> None:
    for nid, name in NAMES.items():
        assert back.nodes[nid].name == name
        assert back.nodes[nid].source == graph.nodes[nid].source
        (e,) = [e for e in back.edges.values() if e.dst == nid and e.type == "INPUT_TO"]
        assert e.rationale == name


def test_json_round_trip(graph: GraphData, tmp_path: Path) -> None:
    write_json(graph, tmp_path / "g.json")
    _check(read_json(tmp_path / "g.json"), graph)


def test_csv_round_trip(graph: GraphData, tmp_path: Path) -> None:
    write_csv(graph, tmp_path / "csv")
    _check(read_csv(tmp_path / "csv"), graph)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_rdf_round_trip(graph: GraphData, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"g.{fmt}"
    write_rdf(graph, path, fmt=fmt)
    _check(from_rdf(read_rdf(path, fmt)), graph)
