"""The merged graph of every shipped source: the provenance contract holds everywhere."""

from __future__ import annotations

import pytest

from riskgraph.graph import schema
from riskgraph.graph.model import GraphData
from riskgraph.ingest.build import LOADERS, build


@pytest.fixture(scope="module")
def graph() -> GraphData:
    return build().graph


def test_every_node_and_edge_has_source_as_of_confidence(graph: GraphData) -> None:
    assert len(graph) > 500
    for n in graph.nodes.values():
        assert n.source.strip(), n.id
        assert str(n.as_of).strip(), n.id
        assert n.confidence in schema.CONFIDENCE, n.id
        if n.confidence == "estimated":
            assert n.rationale.strip(), n.id
    for e in graph.edges.values():
        assert e.source.strip(), e.key
        assert str(e.as_of).strip(), e.key
        assert e.confidence in schema.CONFIDENCE, e.key
        if e.confidence == "estimated":
            assert e.rationale.strip(), e.key
    assert graph.problems() == []


def test_every_source_contributes(graph: GraphData) -> None:
    b = build()
    assert [s.key for s in b.sources] == list(LOADERS)
    annotating = {"trade"}  # sources that add props to existing nodes, no edges of their own
    for s in b.sources:
        assert s.rows > 0 and (s.nodes > 0 if s.key in annotating else s.edges > 0), s.key
        assert s.licence and s.citation, s.key


def test_one_node_per_real_entity(graph: GraphData) -> None:
    # The same firm named by CSET, Epoch and the curated table is one node.
    for cid in ("company:tsmc", "company:nvidia", "company:microsoft", "company:alphabet",
                "company:sk-hynix", "company:asml", "company:openai"):
        assert cid in graph.nodes, cid
    names = [n.name.casefold() for n in graph.nodes.values() if n.kind == "company"]
    assert names.count("tsmc") <= 1
    assert not any(n.id in ("company:google", "company:azure", "company:aws") for n in
                   graph.nodes.values())


def test_layers_are_known(graph: GraphData) -> None:
    for n in graph.nodes.values():
        assert n.layer in schema.LAYERS + ("",), (n.id, n.layer)
