"""Control characters in user text and the XML exports (GraphML, RDF/XML).

A curated CSV may hold control characters inside a quoted field (a form feed, U+0001, a NUL
pasted from another program); the curated loader keeps them verbatim.  XML 1.0 cannot represent
them: the GraphML and RDF/XML exports used to write them raw (an unreadable file reported as a
success).  Accepted outcomes: a well-formed file, or a clear ExportError with no file left
behind.  JSON, CSV, Turtle and N-Triples keep them (test_export_hostile_text.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.errors import ExportError, IngestError
from riskgraph.export.rdf import read_rdf, write_rdf
from riskgraph.graph.model import GraphData
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

NAME = "Acme\x0cOptics\x01 \x00end"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nodes = NODE_HEADER + (f'company:acme-optics,company,"{NAME}",,network,Acme,ledger,2025,'
                           "reported,\n")
    links = LINK_HEADER + ("company:acme-optics,company:tsmc,SUPPLIES,0.1,0.05,0.2,,,ledger,2025,"
                           "estimated,test optics\n")
    return write_dir(tmp_path_factory.mktemp("ctrl"), nodes, links)


def _graph(folder: Path) -> GraphData | None:
    try:
        return curated.load_user_dir(folder, Resolver()).graph
    except IngestError:
        return None  # refusing control characters at load time is an accepted fix


def test_graphml_export_is_well_formed_xml(folder: Path, tmp_path: Path) -> None:
    import networkx as nx

    from riskgraph.export.graphml import write_graphml

    g = _graph(folder)
    if g is None:
        return
    out = tmp_path / "g.graphml"
    try:
        write_graphml(g, out)
    except ExportError as e:
        assert "U+000C" in str(e) and "cannot represent" in str(e)
        assert list(tmp_path.iterdir()) == []
        return
    G = nx.read_graphml(out)
    assert G.nodes["company:acme-optics"]["name"]


def test_rdf_xml_export_is_well_formed(folder: Path, tmp_path: Path) -> None:
    g = _graph(folder)
    if g is None:
        return
    out = tmp_path / "g.rdf"
    try:
        write_rdf(g, out, fmt="xml")
    except ExportError as e:
        assert "U+000C" in str(e) and "cannot represent" in str(e)
        assert list(tmp_path.iterdir()) == []
        return
    assert len(read_rdf(out, "xml")) > 0
