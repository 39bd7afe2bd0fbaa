"""RDF: a company's Wikidata QID becomes owl:sameAs and rg:wikidataId; identifiers round-trip."""

from __future__ import annotations

import rdflib
from rdflib import OWL, URIRef

from riskgraph.export.rdf import from_rdf, load_ontology, node_iri, to_rdf
from riskgraph.graph.model import GraphData, Node


def _graph() -> GraphData:
    g = GraphData()
    g.add_node(Node("company:nvidia", "company", "Nvidia", "registry", "2025", "reported",
                    layer="chips", props={"wikidata": "Q182477", "ticker": "NVDA",
                                          "sec_cik": "0001045810", "exchange": "Nasdaq"}))
    g.add_node(Node("company:acme", "company", "Acme", "registry", "2025", "reported"))
    return g


def test_wikidata_same_as_and_round_trip() -> None:
    g = _graph()
    rdf = to_rdf(g)
    s = URIRef(node_iri("company:nvidia"))
    assert (s, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q182477")) in rdf
    assert not list(rdf.objects(URIRef(node_iri("company:acme")), OWL.sameAs))
    back = from_rdf(rdf)
    assert back.nodes["company:nvidia"].props == g.nodes["company:nvidia"].props


def test_identifier_terms_are_in_the_ontology() -> None:
    onto = load_ontology()
    rg = rdflib.Namespace("https://w3id.org/riskgraph/ontology#")
    for term in ("ticker", "exchange", "secCik", "lei", "wikidataId"):
        assert (rg[term], rdflib.RDF.type, OWL.DatatypeProperty) in onto, term


def test_identifiers_round_trip_through_csv(tmp_path) -> None:
    from riskgraph.export.tabular import read_csv, write_csv

    g = _graph()
    g.nodes["company:acme"].props["ticker"] = "005930"  # a KRX code: digits with a leading zero
    write_csv(g, tmp_path / "csv")
    back = read_csv(tmp_path / "csv")
    assert back.nodes["company:nvidia"].props["sec_cik"] == "0001045810"
    assert back.nodes["company:acme"].props["ticker"] == "005930"
    assert back.to_dict() == g.to_dict()
