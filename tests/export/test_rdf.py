from __future__ import annotations

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS
from rg_sample_graph import EVIL, EVIL_SOURCE, normalised

from riskgraph.errors import UsageError
from riskgraph.export import rdf
from riskgraph.graph import schema

RG = rdflib.Namespace(rdf.ONTOLOGY_NS)
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
KIND_CLASSES = {RG[label] for label in schema.NODE_KINDS.values()}


def _node_resources(g: rdflib.Graph) -> set:
    return {s for c in KIND_CLASSES for s in g.subjects(RDF.type, c)}


def _relations(g: rdflib.Graph) -> set:
    return set(g.subjects(RDF.type, RG.Dependency)) | set(g.subjects(RDF.type, RG.Association))


@pytest.mark.parametrize("fmt", sorted(rdf.FORMATS))
def test_round_trip_one_resource_per_node_one_relation_per_edge(graph, tmp_path, fmt):
    p = tmp_path / f"g{rdf.SUFFIXES[fmt]}"
    n_triples = rdf.write_rdf(graph, p, fmt)
    g = rdf.read_rdf(p, fmt)
    assert len(g) == n_triples
    nodes = _node_resources(g)
    assert len(nodes) == len(graph)
    assert {str(g.value(s, DCT.identifier)) for s in nodes} == set(graph.nodes)
    for s in nodes:  # exactly one kind class each
        assert len(set(g.objects(s, RDF.type)) & KIND_CLASSES) == 1
    rels = _relations(g)
    assert len(rels) == graph.number_of_edges()
    by_key = {str(g.value(r, DCT.identifier)): r for r in rels}
    assert set(by_key) == set(graph.edges)
    for key, r in by_key.items():
        e = graph.edges[key]
        src = g.value(r, PROV.wasDerivedFrom)
        assert src is not None and str(g.value(src, RDFS.label)) == e.source
        assert str(g.value(r, RG.confidence)) == e.confidence
        assert str(g.value(r, DCT.date)) == e.as_of
        assert str(g.value(r, RG.relType)) == e.type
        if e.weight is not None:
            assert float(g.value(r, RG.weight)) == e.weight
        flow = schema.flow_of(e.type)
        if flow != "none":
            sup, cus = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
            assert str(g.value(g.value(r, RG.supplier), DCT.identifier)) == sup
            assert str(g.value(g.value(r, RG.customer), DCT.identifier)) == cus
    assert normalised(rdf.from_rdf(g)) == normalised(graph)


def test_hostile_text_survives(graph):
    g = rdf.to_rdf(graph)
    back = rdf.from_rdf(rdflib.Graph().parse(data=g.serialize(format="xml"), format="xml"))
    assert back.nodes["company:evil"].name == EVIL
    assert back.nodes["company:evil"].source == EVIL_SOURCE
    assert back.edges["company:microsoft|INVESTS_IN|company:openai"].props["note"] == EVIL


def test_ontology_parses_and_declares_every_term_used(graph):
    onto = rdf.load_ontology()
    assert (rdflib.URIRef("https://w3id.org/riskgraph/ontology"), RDF.type, OWL.Ontology) in onto
    classes = set(onto.subjects(RDF.type, OWL.Class)) | set(onto.subjects(RDF.type, RDFS.Class))
    props = set()
    for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
        props |= set(onto.subjects(RDF.type, t))
    data = rdf.to_rdf(graph)
    used_classes = set(data.objects(None, RDF.type))
    used_props = set(data.predicates()) - {RDF.type}
    assert used_classes - classes == set()
    assert used_props - props == set()
    # and it mirrors the schema: a class per node kind and company role
    for label in [*schema.NODE_KINDS.values(), *schema.COMPANY_ROLES.values()]:
        assert RG[label] in classes, label


def test_iris_are_stable_and_base_is_configurable(graph):
    a = rdf.to_rdf(graph, "https://example.org/kg/")
    b = rdf.to_rdf(graph, "https://example.org/kg/")
    iri = rdflib.URIRef("https://example.org/kg/mineral/gallium")
    assert (iri, RDF.type, RG.Mineral) in a and (iri, RDF.type, RG.Mineral) in b
    assert (iri, RG.elementSymbol, rdflib.Literal("Ga")) in a
    assert rdf.node_iri("company:evil", "urn:x:") == "urn:x:company/evil"
    assert rdf.relation_iri("a:b|T|c:d") == rdf.DEFAULT_BASE + "rel/a%3Ab%7CT%7Cc%3Ad"
    subjects_a = {s for s in a.subjects() if isinstance(s, rdflib.URIRef)}
    subjects_b = {s for s in b.subjects() if isinstance(s, rdflib.URIRef)}
    assert subjects_a == subjects_b
    assert all(str(s).startswith("https://example.org/kg/") for s in subjects_a)


@pytest.mark.parametrize("base", ["not an iri", "https://example.org/no-slash", "ftp://x/"])
def test_bad_base_is_a_usage_error(graph, base):
    with pytest.raises(UsageError, match="--base"):
        rdf.to_rdf(graph, base)


def test_unknown_format_is_a_usage_error(graph, tmp_path):
    with pytest.raises(UsageError, match="unknown RDF format 'n3x'"):
        rdf.write_rdf(graph, tmp_path / "x", "n3x")
    assert list(tmp_path.iterdir()) == []


def test_standard_vocabularies(graph):
    g = rdf.to_rdf(graph)
    cn = rdflib.URIRef(rdf.node_iri("country:CN"))
    assert (cn, RDF.type, rdflib.URIRef("https://schema.org/Country")) in g
    assert (cn, RG.iso3166Alpha2, rdflib.Literal("CN")) in g
    tsmc = rdflib.URIRef(rdf.node_iri("company:tsmc"))
    assert (tsmc, RDF.type, rdflib.URIRef("https://schema.org/Organization")) in g
    assert (tsmc, RDF.type, RG.Foundry) in g
    src = g.value(tsmc, PROV.wasDerivedFrom)
    assert (src, RDF.type, RG.Source) in g
