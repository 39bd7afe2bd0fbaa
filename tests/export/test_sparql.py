"""Each SPARQL query answers the same as a direct computation on the embedded graph (GraphData /
networkx): the twin check before the Neo4j one."""

from __future__ import annotations

import networkx as nx
import pytest
import rdflib
from riskgraph.graph import schema
from riskgraph.graph.describe import concentration, suppliers_and_customers
from riskgraph.graph.model import GraphData

from riskgraph.errors import QueryError, UsageError
from riskgraph.export import rdf, sparql


@pytest.fixture(scope="module")
def sample():
    from rg_sample_graph import sample_graph

    g = sample_graph()
    return g, rdf.to_rdf(g)


@pytest.fixture(scope="module")
def real():
    from riskgraph.ingest.build import load_graph

    g = load_graph()
    return g, rdf.to_rdf(g)


def run(name: str, r: rdflib.Graph, **params: str) -> list[dict]:
    return sparql.run(sparql.library()[name], r, params)[1]


# --------------------------------------------------------------------------- expectations
def expect_hhi(g: GraphData) -> set:
    out = set()
    for n in g.nodes.values():
        if n.kind != "mineral":
            continue
        for h in concentration(g, n.id):
            out.add((n.id, h["release"], h["production_type"], str(h["year"]),
                     round(h["hhi"], 6), h["producers"]))
    return out


def got_hhi(rows: list[dict]) -> set:
    return {(r["mineral"], r["release"], r["production_type"], r["year"], round(r["hhi"], 6),
             r["producers"]) for r in rows}


def supply_digraph(g: GraphData) -> nx.DiGraph:
    D = nx.DiGraph()
    D.add_nodes_from(g.nodes)
    for e in g.edges.values():
        flow = schema.flow_of(e.type)
        if flow != "none":
            D.add_edge(*((e.src, e.dst) if flow == "forward" else (e.dst, e.src)))
    return D


def expect_labs(g: GraphData, start: str, hops: int) -> dict[str, int]:
    dist = nx.single_source_shortest_path_length(supply_digraph(g), start, cutoff=min(hops, 8))
    return {n: d for n, d in dist.items()
            if d >= 1 and g.nodes[n].kind == "company" and "lab" in g.nodes[n].roles}


def expect_spof(g: GraphData, threshold: float) -> set:
    return {e.key for e in g.edges.values()
            if schema.flow_of(e.type) != "none" and e.weight is not None
            and e.weight >= threshold}


# --------------------------------------------------------------------------- sample graph
def test_library_lists_the_queries():
    lib = sparql.library()
    assert {"minerals_by_hhi", "suppliers", "customers", "edge_sources", "labs_exposed",
            "single_points_of_failure"} <= set(lib)
    for q in lib.values():
        assert q.title, q.name
    assert [(p.name, p.type, p.default) for p in lib["labs_exposed"].params] == [
        ("mineral", "str", None), ("hops", "int", "6")]


def test_hhi(sample):
    g, r = sample
    rows = run("minerals_by_hhi", r)
    assert got_hhi(rows) == expect_hhi(g)
    assert rows[0]["mineral"] == "mineral:gallium" and rows[0]["hhi"] == pytest.approx(9608.0)
    assert [x["hhi"] for x in rows] == sorted((x["hhi"] for x in rows), reverse=True)


@pytest.mark.parametrize("node", ["accelerator:nvidia-gpu", "mineral:gallium", "company:openai",
                                  "company:microsoft", "country:US"])
def test_suppliers_and_customers(sample, node):
    g, r = sample
    sup, cus, _ = suppliers_and_customers(g, node)
    assert {(x["supplier"], x["type"], x["weight"], x["key"]) for x in
            run("suppliers", r, node=node)} == {(s["id"], s["type"], s["weight"], s["key"])
                                                for s in sup}
    assert {(x["customer"], x["type"], x["weight"], x["key"]) for x in
            run("customers", r, node=node)} == {(c["id"], c["type"], c["weight"], c["key"])
                                                for c in cus}


def test_suppliers_keep_hostile_text(sample):
    from rg_sample_graph import EVIL, EVIL_SOURCE

    _, r = sample
    rows = run("suppliers", r, node="accelerator:nvidia-gpu")
    evil = [x for x in rows if x["supplier"] == "company:evil"][0]
    assert (evil["name"], evil["source"]) == (EVIL, EVIL_SOURCE)
    # a hostile parameter is a value, not query text
    assert run("suppliers", r, node='x" } ?s ?p ?o { "') == []


@pytest.mark.parametrize("hops", [1, 3, 4, 6, 8, 20])
def test_labs_exposed(sample, hops):
    g, r = sample
    got = {x["lab"]: x["min_hops"] for x in run("labs_exposed", r, mineral="mineral:gallium",
                                                  hops=str(hops))}
    assert got == expect_labs(g, "mineral:gallium", hops)


def test_labs_exposed_sample_values(sample):
    _, r = sample
    got = {x["lab"]: x["min_hops"] for x in run("labs_exposed", r, mineral="mineral:gallium")}
    assert got == {"company:openai": 4, "company:anthropic": 4}


def test_edge_sources_either_direction(sample):
    g, r = sample
    for a, b in [("country:CN", "mineral:gallium"), ("mineral:gallium", "country:CN")]:
        rows = run("edge_sources", r, a=a, b=b)
        assert {x["key"] for x in rows} == {
            e.key for e in g.edges.values() if {e.src, e.dst} == {"country:CN", "mineral:gallium"}}
        assert all(x["source"] == g.edges[x["key"]].source for x in rows)
        assert all(x["from_id"] == "country:CN" for x in rows)


@pytest.mark.parametrize("threshold", [None, "0.5", "0.95", "1"])
def test_single_points_of_failure(sample, threshold):
    g, r = sample
    params = {} if threshold is None else {"threshold": threshold}
    rows = run("single_points_of_failure", r, **params)
    assert {x["key"] for x in rows} == expect_spof(g, float(threshold or 0.9))


def test_parameter_errors(sample):
    _, r = sample
    q = sparql.library()["labs_exposed"]
    with pytest.raises(UsageError, match="needs --param mineral="):
        sparql.run(q, r, {})
    with pytest.raises(UsageError, match="hops='many': not a whole number"):
        sparql.run(q, r, {"mineral": "mineral:gallium", "hops": "many"})
    with pytest.raises(UsageError, match="has no parameter 'node'"):
        sparql.run(q, r, {"mineral": "mineral:gallium", "node": "x"})
    with pytest.raises(UsageError, match="NAME=VALUE"):
        sparql.parse_params(["novalue"])
    with pytest.raises(QueryError, match="did you mean 'suppliers'"):
        sparql.find_query("supplier")


def test_user_query_file(sample, tmp_path):
    _, r = sample
    f = tmp_path / "count.rq"
    f.write_text("# param kind:str = Mineral\n"
                 "PREFIX rg: <https://w3id.org/riskgraph/ontology#>\n"
                 "SELECT (COUNT(?s) AS ?n) WHERE { ?s a rg:Mineral }\n")
    q = sparql.find_query(str(f))
    assert sparql.run(q, r)[1] == [{"n": 2}]
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {")
    with pytest.raises(QueryError, match="failed"):
        sparql.run(sparql.find_query(str(bad)), r)


# --------------------------------------------------------------------------- the real graph
def test_real_graph_twins(real):
    g, r = real
    assert got_hhi(run("minerals_by_hhi", r)) == expect_hhi(g)
    sup, _, _ = suppliers_and_customers(g, "company:microsoft")
    assert {x["key"] for x in run("suppliers", r, node="company:microsoft")} == {
        s["key"] for s in sup}
    assert {x["key"] for x in run("single_points_of_failure", r)} == expect_spof(g, 0.9)
    got = {x["lab"]: x["min_hops"] for x in run("labs_exposed", r, mineral="mineral:gallium")}
    want = expect_labs(g, "mineral:gallium", 6)
    assert got == want and got  # gallium reaches some lab in the real graph


def test_real_graph_rdf_has_one_resource_per_node_and_relation_per_edge(real):
    g, r = real
    rg = rdflib.Namespace(rdf.ONTOLOGY_NS)
    kinds = {rg[label] for label in schema.NODE_KINDS.values()}
    nodes = {s for c in kinds for s in r.subjects(rdflib.RDF.type, c)}
    rels = set(r.subjects(rdflib.RDF.type, rg.Dependency)) | set(
        r.subjects(rdflib.RDF.type, rg.Association))
    assert (len(nodes), len(rels)) == (len(g), g.number_of_edges())
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert all(r.value(x, prov) is not None for x in rels)
