"""Each SPARQL query answers the same as a direct computation on the embedded graph (GraphData /
networkx): the twin check before the Neo4j one."""

from __future__ import annotations

import networkx as nx
import pytest
import rdflib

from riskgraph.cli.common import parse_params
from riskgraph.cypher import sparql
from riskgraph.errors import QueryError, UsageError
from riskgraph.export import rdf
from riskgraph.graph import schema
from riskgraph.graph.describe import concentration, suppliers_and_customers
from riskgraph.graph.model import GraphData


@pytest.fixture(scope="module")
def sample():
    from rg_sample_graph import sample_graph

    g = sample_graph()
    return g, rdf.to_rdf(g)


@pytest.fixture(scope="module")
def deployed():
    """The sample plus an input of Microsoft's deployed compute (the product/deployment split
    of the real graph), so that labs-exposed-to-mineral reaches a lab."""
    from rg_sample_graph import sample_graph

    from riskgraph.graph.model import Edge

    g = sample_graph()
    g.add_edge(Edge("input:gaas-wafers", "company:microsoft", "INPUT_TO", source="test row",
                    as_of="2024", confidence="estimated", rationale="test",
                    props={"weight": 0.05}))
    return g, rdf.to_rdf(g)


@pytest.fixture(scope="module")
def real(real_graph, real_rdf):
    """The shipped graph and its RDF (session fixtures of tests/conftest.py, built once)."""
    return real_graph, real_rdf


def run_q(q: sparql.Query, r: rdflib.Graph, params: dict[str, str] | None = None) -> list[dict]:
    return sparql.run_query(r, q, q.bind(params or {})).records()


def run(name: str, r: rdflib.Graph, **params: str) -> list[dict]:
    return run_q(sparql.library()[name], r, params)


# --------------------------------------------------------------------------- expectations
def expect_hhi(g: GraphData) -> set:
    out = set()
    for n in g.nodes.values():
        if n.kind != "mineral":
            continue
        for h in concentration(g, n.id):
            if h["hhi"] is None:  # unknown production: no HHI (and no SPARQL row)
                continue
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


SPOF_COLS = ("input", "provider", "provider_kind", "share", "as_of", "source")


def rows_of(rows: list[dict], cols: tuple[str, ...]) -> list[tuple]:
    return [tuple(r[c] for c in cols) for r in rows]


def expect_spof(g: GraphData, share: float) -> list[tuple]:
    """cypher/single-points-of-failure.cypher on the embedded graph."""
    out = []
    for e in g.edges.values():
        if (e.type == "PROVIDES" and g.nodes[e.dst].kind == "input" and e.weight is not None
                and e.weight >= share and e.props.get("newest", True) is not False):
            out.append((e.dst, e.src, g.nodes[e.src].kind, e.weight, e.as_of, e.source))
    return sorted(out, key=lambda t: (-t[3], t[0], t[1]))


def expect_company_suppliers(g: GraphData, company: str) -> list[tuple]:
    """cypher/company-suppliers.cypher on the embedded graph (set of rows)."""
    out = []
    for e in g.edges.values():
        if e.dst == company and e.type in ("SUPPLIES", "POWERS", "MANUFACTURES", "PACKAGES",
                                           "DESIGNS"):
            s = e.src
        elif e.src == company and e.type in ("RUNS_ON", "OWNS"):
            s = e.dst
        else:
            continue
        out.append((s, g.nodes[s].name, e.type, e.weight, e.props.get("sales_share"),
                    e.confidence, e.source))
    return sorted(out, key=lambda t: (-(t[3] if t[3] is not None else -1), t[0], t[2]))


def expect_labs_exposed(g: GraphData, mineral: str, hops: int) -> list[tuple]:
    """cypher/labs-exposed-to-mineral.cypher on the embedded graph: (lab, hops, paths, path).

    A path is mineral -INPUT_TO*1..8-> an owner of accelerators (a company with OWNS: its
    deployed compute), which is the lab itself or a cloud the lab RUNS_ON."""
    D = nx.MultiDiGraph()
    for e in g.edges.values():
        if e.type == "INPUT_TO":
            D.add_edge(e.src, e.dst, key=e.key)
    owners = {e.src for e in g.edges.values()
              if e.type == "OWNS" and g.nodes[e.src].kind == "company"
              and g.nodes[e.dst].kind == "accelerator"}
    runs = [e for e in g.edges.values() if e.type == "RUNS_ON"]

    def is_lab(n: str) -> bool:
        return g.nodes[n].kind == "company" and "lab" in g.nodes[n].roles

    found: dict[str, list[list[str]]] = {}
    if mineral in D:
        for owner in sorted(owners & set(D)):
            for ep in nx.all_simple_edge_paths(D, mineral, owner, cutoff=8):
                chain = [mineral] + [v for _, v, _ in ep]
                if is_lab(owner):
                    found.setdefault(owner, []).append(chain)
                for r in (r for r in runs if r.dst == owner and is_lab(r.src)):
                    found.setdefault(r.src, []).append(chain + [r.src])
    out = []
    for lab, paths in found.items():
        paths = [p for p in paths if len(p) - 1 <= hops]
        if paths:
            best = min(paths, key=lambda p: (len(p), p))
            out.append((lab, len(best) - 1, len(paths), " -> ".join(best)))
    return sorted(out, key=lambda t: (t[1], t[0]))


def expect_hhi_headline(g: GraphData, limit: int) -> list[tuple]:
    """cypher/minerals-by-hhi.cypher on the embedded graph."""
    def pct(x: object) -> float | None:
        return None if x is None else round(1000 * float(x)) / 10  # type: ignore[arg-type]

    out = [(n.id, n.name, float(n.props["hhi"]), n.props.get("hhi_year"),
            n.props.get("usgs_top_producer"), pct(n.props.get("usgs_top_share")),
            pct(n.props.get("hhi_coverage")))
           for n in g.nodes.values() if n.kind == "mineral" and n.props.get("hhi") is not None]
    return sorted(out, key=lambda t: (-t[2], t[0]))[:limit]


# --------------------------------------------------------------------------- sample graph
def test_library_lists_the_queries():
    lib = sparql.library()
    twins = {p.stem for p in (sparql.library_dir().parent).glob("*.cypher")}
    assert {"minerals-by-hhi", "company-suppliers", "edge-sources", "labs-exposed-to-mineral",
            "single-points-of-failure"} <= twins & set(lib)
    assert {"hhi-by-release", "node-suppliers", "node-customers", "labs-downstream"} <= set(lib)
    for q in lib.values():
        assert q.title, q.name
    assert [(p.name, p.type, p.default) for p in lib["labs-downstream"].params] == [
        ("mineral", "str", None), ("hops", "int", "6")]
    # a twin declares the same parameters (names, types, defaults) as its Cypher query
    from riskgraph.cypher import library as cypher_library

    for name in twins & set(lib):
        cq = cypher_library.load(name)
        assert [(p.name, p.type, p.default) for p in lib[name].params] == [
            (p.name, p.type, p.default) for p in cq.params], name


def test_hhi(sample):
    g, r = sample
    rows = run("hhi-by-release", r)
    assert got_hhi(rows) == expect_hhi(g)
    assert rows[0]["mineral"] == "mineral:gallium" and rows[0]["hhi"] == pytest.approx(9608.0)
    assert [x["hhi"] for x in rows] == sorted((x["hhi"] for x in rows), reverse=True)


@pytest.mark.parametrize("node", ["accelerator:nvidia-gpu", "mineral:gallium", "company:openai",
                                  "company:microsoft", "country:US"])
def test_suppliers_and_customers(sample, node):
    g, r = sample
    sup, cus, _ = suppliers_and_customers(g, node)
    assert {(x["supplier"], x["type"], x["weight"], x["key"]) for x in
            run("node-suppliers", r, node=node)} == {(s["id"], s["type"], s["weight"], s["key"])
                                                for s in sup}
    assert {(x["customer"], x["type"], x["weight"], x["key"]) for x in
            run("node-customers", r, node=node)} == {(c["id"], c["type"], c["weight"], c["key"])
                                                for c in cus}


def test_suppliers_keep_hostile_text(sample):
    from rg_sample_graph import EVIL, EVIL_SOURCE

    _, r = sample
    rows = run("node-suppliers", r, node="accelerator:nvidia-gpu")
    evil = [x for x in rows if x["supplier"] == "company:evil"][0]
    assert (evil["name"], evil["source"]) == (EVIL, EVIL_SOURCE)
    # a hostile parameter is a value, not query text
    assert run("node-suppliers", r, node='x" } ?s ?p ?o { "') == []


@pytest.mark.parametrize("hops", [1, 2, 3, 4, 5, 8, 10])
def test_labs_exposed_to_mineral(deployed, hops):
    g, r = deployed
    rows = rows_of(run("labs-exposed-to-mineral", r, mineral="mineral:gallium", hops=str(hops)),
                   ("lab", "hops", "paths", "path"))
    assert rows == expect_labs_exposed(g, "mineral:gallium", hops)
    if hops >= 3:
        assert rows == [("company:openai", 3, 1,
                         "mineral:gallium -> input:gaas-wafers -> company:microsoft"
                         " -> company:openai")]
    else:
        assert rows == []


def test_company_suppliers(sample):
    g, r = sample
    for company in ("company:microsoft", "company:openai", "company:evil", "company:tsmc"):
        rows = rows_of(run("company-suppliers", r, company=company),
                       ("supplier", "supplier_name", "relationship", "share", "sales_share",
                        "confidence", "source"))
        assert sorted(rows, key=str) == sorted(expect_company_suppliers(g, company), key=str)
    assert run("company-suppliers", r, company="mineral:gallium") == []  # not a company


def test_minerals_by_hhi_headline(sample):
    _, r = sample
    assert run("minerals-by-hhi", r) == []  # the sample minerals carry no headline HHI


@pytest.mark.parametrize("hops", [1, 3, 4, 6, 8, 20])
def test_labs_downstream(sample, hops):
    g, r = sample
    got = {x["lab"]: x["min_hops"] for x in run("labs-downstream", r, mineral="mineral:gallium",
                                                  hops=str(hops))}
    assert got == expect_labs(g, "mineral:gallium", hops)


def test_labs_exposed_sample_values(sample):
    _, r = sample
    got = {x["lab"]: x["min_hops"] for x in run("labs-downstream", r, mineral="mineral:gallium")}
    assert got == {"company:openai": 4, "company:anthropic": 4}


def test_edge_sources_either_direction(sample):
    g, r = sample
    for a, b in [("country:CN", "mineral:gallium"), ("mineral:gallium", "country:CN")]:
        rows = run("edge-sources", r, **{"from": a, "to": b})
        assert {x["key"] for x in rows} == {
            e.key for e in g.edges.values() if {e.src, e.dst} == {"country:CN", "mineral:gallium"}}
        assert all(x["source"] == g.edges[x["key"]].source for x in rows)
        assert all(x["start"] == "country:CN" and x["end"] == "mineral:gallium" for x in rows)


@pytest.mark.parametrize("threshold", [None, "0.5", "0.95", "1"])
def test_single_points_of_failure(sample, threshold):
    g, r = sample
    params = {} if threshold is None else {"share": threshold}
    rows = run("single-points-of-failure", r, **params)
    assert rows_of(rows, SPOF_COLS) == expect_spof(g, float(threshold or 0.8))


def test_parameter_errors(sample):
    _, r = sample
    q = sparql.library()["labs-downstream"]
    with pytest.raises(UsageError, match="needs --param mineral="):
        run_q(q, r, {})
    with pytest.raises(UsageError, match="parameter 'hops' must be int, got 'many'"):
        run_q(q, r, {"mineral": "mineral:gallium", "hops": "many"})
    with pytest.raises(UsageError, match="has no parameter 'node'"):
        run_q(q, r, {"mineral": "mineral:gallium", "node": "x"})
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_params(["novalue"])
    with pytest.raises(QueryError, match="did you mean 'node-suppliers'"):
        sparql.load("node-supplier")
    with pytest.raises(UsageError, match="parameter 'share' must be float, got 'inf'"):
        run_q(sparql.library()["single-points-of-failure"], r, {"share": "inf"})


def test_user_query_file(sample, tmp_path):
    _, r = sample
    f = tmp_path / "count.rq"
    f.write_text("# param kind:str = Mineral\n"
                 "PREFIX rg: <https://w3id.org/riskgraph/ontology#>\n"
                 "SELECT (COUNT(?s) AS ?n) WHERE { ?s a rg:Mineral }\n")
    q = sparql.load(str(f))
    assert run_q(q, r) == [{"n": 2}]
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {")
    with pytest.raises(QueryError, match="SPARQL query .bad. does not parse: "):
        run_q(sparql.load(str(bad)), r)


# --------------------------------------------------------------------------- the real graph
@pytest.mark.slow  # rdflib runs every library query over the whole graph
def test_real_graph_twins(real):
    g, r = real
    assert got_hhi(run("hhi-by-release", r)) == expect_hhi(g)
    sup, _, _ = suppliers_and_customers(g, "company:microsoft")
    assert {x["key"] for x in run("node-suppliers", r, node="company:microsoft")} == {
        s["key"] for s in sup}
    got = {x["lab"]: x["min_hops"] for x in run("labs-downstream", r, mineral="mineral:gallium")}
    want = expect_labs(g, "mineral:gallium", 6)
    assert got == want and got  # gallium reaches some lab in the real graph


@pytest.mark.slow  # rdflib runs every library query over the whole graph
def test_real_graph_cypher_twins(real):
    """The twins of cypher/*.cypher, against the same question computed on the embedded graph."""
    g, r = real
    spof = rows_of(run("single-points-of-failure", r), SPOF_COLS)
    assert spof == expect_spof(g, 0.8) and spof
    hhi = rows_of(run("minerals-by-hhi", r, limit="15"),
                  ("mineral", "name", "hhi", "year", "top_producer", "top_share_pct",
                   "coverage_pct"))
    assert hhi == expect_hhi_headline(g, 15) and len(hhi) == 15
    for company in ("company:microsoft", "company:openai", "company:nvidia"):
        rows = rows_of(run("company-suppliers", r, company=company),
                       ("supplier", "supplier_name", "relationship", "share", "sales_share",
                        "confidence", "source"))
        assert sorted(rows, key=str) == sorted(expect_company_suppliers(g, company), key=str)
    for mineral, hops in (("mineral:gallium", 8), ("mineral:germanium", 8),
                          ("mineral:gallium", 4)):
        rows = rows_of(run("labs-exposed-to-mineral", r, mineral=mineral, hops=str(hops)),
                       ("lab", "hops", "paths", "path"))
        assert rows == expect_labs_exposed(g, mineral, hops)
    assert rows_of(run("labs-exposed-to-mineral", r), ("lab",))  # defaults: gallium, 8


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
