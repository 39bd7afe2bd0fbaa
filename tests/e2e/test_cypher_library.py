"""Every query in cypher/ run read-only on the real graph in the real Neo4j, with its results
checked against the same question answered in Python from the GraphData."""

from __future__ import annotations

from collections import deque

import pytest

from riskgraph.cypher import library
from riskgraph.errors import QueryError
from riskgraph.graph.model import GraphData
from riskgraph.graph.neo4j import store
from riskgraph.ingest.build import build

pytestmark = pytest.mark.neo4j

SUPPLY_TYPES = {
    "PRODUCES",
    "INPUT_TO",
    "PROVIDES",
    "SUPPLIES",
    "MANUFACTURES",
    "DESIGNS",
    "PACKAGES",
    "POWERS",
    "OWNS",
    "RUNS_ON",
}


@pytest.fixture(scope="module")
def loaded(driver, neo4j_settings, real_graph):  # type: ignore[no-untyped-def]
    store.write_graph(
        driver,
        real_graph,
        database=neo4j_settings.database,
        units=store.units_from_parts(real_graph, build([]).parts),
        wipe_first=True,
    )
    return real_graph


@pytest.fixture(scope="module")
def run(driver, neo4j_settings, loaded):  # type: ignore[no-untyped-def]
    def _run(name: str, **params: str) -> list[dict]:
        q = library.load(name)
        return library.run_query(
            driver,
            q,
            q.bind({k: str(v) for k, v in params.items()}),
            database=neo4j_settings.database,
        ).records()

    return _run


TESTED: set[str] = set()


def covers(name: str):  # type: ignore[no-untyped-def]
    TESTED.add(name)
    return lambda f: f


def edges(g: GraphData, t: str):  # type: ignore[no-untyped-def]
    return [e for e in g.edges.values() if e.type == t]


def has_role(g: GraphData, nid: str, role: str) -> bool:
    return role in g.nodes[nid].roles


@covers("minerals-by-hhi")
def test_minerals_by_hhi(run, loaded) -> None:
    rows = run("minerals-by-hhi", limit=10)
    ms = sorted(
        (
            n
            for n in loaded.nodes.values()
            if n.kind == "mineral" and n.props.get("hhi") is not None
        ),
        key=lambda n: (-float(n.props["hhi"]), n.id),  # type: ignore[arg-type]
    )[:10]
    assert [r["mineral"] for r in rows] == [m.id for m in ms]
    assert [r["hhi"] for r in rows] == [m.props["hhi"] for m in ms]
    gallium = next(r for r in rows if r["mineral"] == "mineral:gallium")
    assert gallium["top_producer"] == "country:CN" and gallium["top_share_pct"] > 90  # percent
    assert 90 < gallium["coverage_pct"] <= 105
    assert "mineral:dimension-stone" not in {r["mineral"] for r in run("minerals-by-hhi",
                                                                       limit=500)}


@covers("single-points-of-failure")
def test_single_points_of_failure(run, loaded) -> None:
    rows = run("single-points-of-failure", share=0.8)
    want = {
        (e.dst, e.src)
        for e in edges(loaded, "PROVIDES")
        if (e.weight or 0) >= 0.8 and e.props.get("newest") is not False
    }
    assert {(r["input"], r["provider"]) for r in rows} == want
    assert ("input:euv-lithography-tools", "company:asml") in want
    assert all(r["share"] >= 0.8 for r in rows)
    assert [r["share"] for r in rows] == sorted((r["share"] for r in rows), reverse=True)


def upstream(g: GraphData, target: str, types: set[str], max_depth: int) -> set[str]:
    seen, todo = set(), deque([(target, 0)])
    while todo:
        nid, d = todo.popleft()
        if d == max_depth:
            continue
        for e in g.in_edges(nid):
            if e.type in types and e.src not in seen:
                seen.add(e.src)
                todo.append((e.src, d + 1))
    return seen


@covers("accelerator-country-shares")
def test_accelerator_country_shares(run, loaded) -> None:
    rows = run("accelerator-country-shares", accelerator="accelerator:nvidia-gpu", min_share=0.1)
    makers = {e.src for e in loaded.in_edges("accelerator:nvidia-gpu")
              if e.type in ("MANUFACTURES", "PACKAGES")}
    inputs = {
        n
        for start in ["accelerator:nvidia-gpu", *sorted(makers)]
        for n in upstream(loaded, start, {"INPUT_TO"}, 10)
        if loaded.nodes[n].kind == "input"
    }
    want = {
        (e.dst, e.src, round(e.weight or 0, 9))
        for e in edges(loaded, "PROVIDES")
        if e.dst in inputs
        and loaded.nodes[e.src].kind == "country"
        and e.props.get("newest") is not False
        and e.weight is not None
        and e.weight >= 0.1
    }
    assert {(r["input"], r["country"], round(r["share"], 9)) for r in rows} == want
    assert ("input:wafer", "country:JP") in {(r["input"], r["country"]) for r in rows}


@covers("clouds-depending-on-foundry")
def test_clouds_depending_on_foundry(run, loaded) -> None:
    rows = run("clouds-depending-on-foundry", foundry="company:tsmc")
    man: dict[str, float] = {}
    for e in edges(loaded, "MANUFACTURES"):
        if e.src == "company:tsmc":
            man[e.dst] = max(man.get(e.dst, 0.0), e.weight or 0.0)
    want = {}
    for e in edges(loaded, "OWNS"):
        if e.dst in man and has_role(loaded, e.src, "cloud"):
            k = (e.src, e.dst)
            want[k] = max(want.get(k, 0.0), e.weight or 0.0)
    got = {(r["cloud"], r["accelerator"]): r for r in rows}
    assert set(got) == set(want)
    for k, w in want.items():
        assert got[k]["exposure"] == pytest.approx(man[k[1]] * w)
    assert ("company:microsoft", "accelerator:nvidia-gpu") in got


def labs_reached(g: GraphData, mineral: str, max_hops: int) -> dict[str, int]:
    """Shortest hops mineral -INPUT_TO*-> owner of accelerators (<-RUNS_ON- lab): deployment
    needs servers, networking, power and cooling (docs/model.md, product/deployment split)."""
    dist = {mineral: 0}
    todo = deque([mineral])
    while todo:
        nid = todo.popleft()
        for e in g.out_edges(nid):
            if e.type == "INPUT_TO" and e.dst not in dist:
                dist[e.dst] = dist[nid] + 1
                todo.append(e.dst)
    best: dict[str, int] = {}
    for owner, d in dist.items():
        if g.nodes[owner].kind != "company" or not any(
                o.type == "OWNS" and g.nodes[o.dst].kind == "accelerator"
                for o in g.out_edges(owner)):
            continue
        cands = []
        if has_role(g, owner, "lab"):
            cands.append((owner, d))
        for r in g.in_edges(owner):
            if r.type == "RUNS_ON" and has_role(g, r.src, "lab"):
                cands.append((r.src, d + 1))
        for lab, h in cands:
            if h <= max_hops:
                best[lab] = min(best.get(lab, h), h)
    return best


@covers("labs-exposed-to-mineral")
def test_labs_exposed_to_mineral(run, loaded) -> None:
    rows = run("labs-exposed-to-mineral", mineral="mineral:gallium", hops=8)
    want = labs_reached(loaded, "mineral:gallium", 8)
    assert {r["lab"]: r["hops"] for r in rows} == want
    assert "company:openai" in want and "company:anthropic" in want
    pairs = {(e.src, e.dst) for e in loaded.edges.values()}
    for r in rows:
        p = r["path"]
        assert p[0] == "mineral:gallium" and p[-1] == r["lab"] and len(p) == r["hops"] + 1
        assert all((a, b) in pairs or (b, a) in pairs for a, b in zip(p, p[1:], strict=False))
    fewer = run("labs-exposed-to-mineral", mineral="mineral:gallium", hops=4)
    assert {r["lab"] for r in fewer} == {k for k, h in want.items() if h <= 4}


def exposures(g: GraphData, lab: str, depth: int) -> dict[str, tuple[float, int]]:
    types = {"MANUFACTURES", "PACKAGES", "SUPPLIES", "DESIGNS", "INPUT_TO", "PRODUCES"}
    w = lambda e: 1.0 if e.weight is None else e.weight  # noqa: E731
    starts = []
    if has_role(g, lab, "lab"):
        starts.append((lab, 1.0, 0))
    for r in g.out_edges(lab):
        if r.type == "RUNS_ON" and g.nodes[r.dst].kind == "company":
            starts.append((r.dst, w(r), 1))
    best: dict[str, tuple[float, int]] = {}

    def visit(nid: str, x: float, hops: int, up: int, used: frozenset) -> None:
        if up >= 1 and nid != lab:
            ox, oh = best.get(nid, (-1.0, 10**9))
            best[nid] = (max(ox, x), min(oh, hops))
        if up == depth:
            return
        for e in g.in_edges(nid):
            if e.type in types and e.key not in used:
                visit(e.src, x * w(e), hops + 1, up + 1, used | {e.key})

    for owner, x0, h0 in starts:
        for o in g.out_edges(owner):
            if o.type == "OWNS" and g.nodes[o.dst].kind == "accelerator":
                visit(o.dst, x0 * w(o), h0 + 1, 0, frozenset())
    return best


@covers("lab-top-exposures")
def test_lab_top_exposures(run, loaded) -> None:
    want = exposures(loaded, "company:openai", 4)
    rows = run("lab-top-exposures", lab="company:openai", limit=100000)
    got = {r["supplier"]: (r["exposure"], r["hops"]) for r in rows}
    assert set(got) == set(want)
    for k, (x, h) in want.items():
        assert got[k][0] == pytest.approx(x) and got[k][1] == h
    top = run("lab-top-exposures", lab="company:openai")
    assert len(top) == 15
    assert [r["exposure"] for r in top] == sorted((r["exposure"] for r in top), reverse=True)
    assert top[0]["exposure"] == pytest.approx(max(x for x, _ in want.values()))


@covers("company-suppliers")
def test_company_suppliers(run, loaded) -> None:
    rows = run("company-suppliers", company="company:openai")
    want = {
        (e.src, e.type, e.weight)
        for e in loaded.in_edges("company:openai")
        if e.type in {"SUPPLIES", "POWERS", "MANUFACTURES", "PACKAGES", "DESIGNS"}
    }
    want |= {
        (e.dst, e.type, e.weight)
        for e in loaded.out_edges("company:openai")
        if e.type in {"RUNS_ON", "OWNS"}
    }
    assert {(r["supplier"], r["relationship"], r["share"]) for r in rows} == want
    assert ("company:microsoft", "RUNS_ON") in {(r["supplier"], r["relationship"]) for r in rows}


@covers("shortest-dependency-path")
def test_shortest_dependency_path(run, loaded) -> None:
    rows = run("shortest-dependency-path", **{"from": "mineral:gallium", "to": "company:openai"})
    assert len(rows) == 1
    adj: dict[str, set[str]] = {}
    for e in loaded.edges.values():
        if e.type in SUPPLY_TYPES:
            adj.setdefault(e.src, set()).add(e.dst)
            adj.setdefault(e.dst, set()).add(e.src)
    dist = {"mineral:gallium": 0}
    todo = deque(["mineral:gallium"])
    while todo:
        n = todo.popleft()
        for m in adj.get(n, ()):
            if m not in dist:
                dist[m] = dist[n] + 1
                todo.append(m)
    r = rows[0]
    assert r["hops"] == dist["company:openai"] == len(r["types"])
    assert r["path"][0] == "mineral:gallium" and r["path"][-1] == "company:openai"
    assert all(b in adj[a] for a, b in zip(r["path"], r["path"][1:], strict=False))
    assert set(r["types"]) <= SUPPLY_TYPES


@covers("edge-sources")
def test_edge_sources(run, loaded) -> None:
    rows = run("edge-sources", **{"from": "country:CN", "to": "mineral:gallium"})
    want = {
        e.key: e
        for e in loaded.edges.values()
        if {e.src, e.dst} == {"country:CN", "mineral:gallium"}
    }
    assert {r["key"] for r in rows} == set(want) and len(want) >= 2
    for r in rows:
        e = want[r["key"]]
        assert (r["source"], r["as_of"], r["confidence"]) == (e.source, e.as_of, e.confidence)
        assert (r["start"], r["end"]) == (e.src, e.dst)


@covers("node-sources")
def test_node_sources(run, loaded) -> None:
    rows = run("node-sources", id="company:tsmc")
    n = loaded.nodes["company:tsmc"]
    assert len(rows) == 1
    r = rows[0]
    assert (r["source"], r["other_sources"], r["as_of"]) == (n.source, n.other_sources, n.as_of)
    assert set(r["labels"]) == set(n.labels()) and "Foundry" in r["labels"]


@covers("mineral-producers")
def test_mineral_producers(run, loaded) -> None:
    rows = run("mineral-producers", mineral="mineral:gallium")
    want = {
        (e.src, e.weight)
        for e in edges(loaded, "PRODUCES")
        if e.dst == "mineral:gallium" and e.props.get("default") is True
    }
    assert {(r["country"], r["share"]) for r in rows} == want
    assert rows[0]["country"] == "country:CN"


@covers("country-dominated-minerals")
def test_country_dominated_minerals(run, loaded) -> None:
    rows = run("country-dominated-minerals", country="country:CN", share=0.5)
    want = {
        (e.dst, e.weight)
        for e in edges(loaded, "PRODUCES")
        if e.src == "country:CN" and e.props.get("default") is True and (e.weight or 0) >= 0.5
    }
    assert {(r["mineral"], r["share"]) for r in rows} == want
    assert "mineral:gallium" in {m for m, _ in want}


@covers("input-providers")
def test_input_providers(run, loaded) -> None:
    rows = run("input-providers", input="input:photoresists")
    want = {
        (e.src, e.weight)
        for e in edges(loaded, "PROVIDES")
        if e.dst == "input:photoresists" and e.props.get("newest") is not False
    }
    assert {(r["provider"], r["share"]) for r in rows} == want and want
    for r in rows:
        node = loaded.nodes[r["provider"]]
        if node.kind == "company":
            hq = [e.dst for e in loaded.out_edges(node.id) if e.type == "HEADQUARTERED_IN"]
            expected = (
                hq[0]
                if hq
                else (f"country:{node.props['country']}" if node.props.get("country") else None)
            )
            assert r["headquarters"] == expected


@covers("accelerator-owners")
def test_accelerator_owners(run, loaded) -> None:
    rows = run("accelerator-owners", accelerator="accelerator:nvidia-gpu")
    want = {
        (e.src, e.props.get("h100e"))
        for e in edges(loaded, "OWNS")
        if e.dst == "accelerator:nvidia-gpu"
    }
    assert {(r["owner"], r["h100e"]) for r in rows} == want
    assert "company:microsoft" in {r["owner"] for r in rows}


@covers("lab-clouds")
def test_lab_clouds(run, loaded) -> None:
    rows = run("lab-clouds", min_weight=0.3)
    want = {
        (e.src, e.dst)
        for e in edges(loaded, "RUNS_ON")
        if has_role(loaded, e.src, "lab") and (e.weight or 0.0) >= 0.3
    }
    assert {(r["lab"], r["cloud"]) for r in rows} == want
    assert ("company:openai", "company:microsoft") in want


@covers("estimated-relationships")
def test_estimated_relationships(run, loaded) -> None:
    rows = run("estimated-relationships")
    est = [e for e in loaded.edges.values() if e.confidence == "estimated"]
    assert len(rows) == len(est) > 0
    assert all(r["rationale"] for r in rows)  # the provenance contract: estimates say why
    sup = run("estimated-relationships", type="SUPPLIES")
    assert len(sup) == sum(1 for e in est if e.type == "SUPPLIES") > 0
    # the order is (type, kid), read from each type's key index; pages join up exactly
    from riskgraph.graph.neo4j.rows import key_id

    want = [(t, k) for t, _, k in sorted((e.type, key_id(e.key), e.key) for e in est)]
    assert [(r["type"], r["key"]) for r in rows] == want
    pages = [run("estimated-relationships", limit=100, skip=k) for k in range(0, len(est), 100)]
    assert [(r["type"], r["key"]) for p in pages for r in p] == want
    by_key = {e.key: e for e in est}
    assert all((r["rationale"], r["source"], r["start"], r["end"]) ==
               (by_key[r["key"]].rationale, by_key[r["key"]].source, by_key[r["key"]].src,
                by_key[r["key"]].dst) for r in rows)


@covers("company-ai-customers")
def test_company_ai_customers(run, loaded) -> None:
    from riskgraph.engine.money import exposure

    def flows(company: str) -> set[tuple]:
        return {(e.dst, e.props["category"], e.props["year"], e.props["amount"], e.confidence,
                 e.source, e.rationale)
                for e in loaded.out_edges(company) if e.type == "SELLS_TO"}

    rows = run("company-ai-customers", company="company:arista")
    got = {(r["customer"], r["category"], r["year"], r["amount_usd_m"], r["confidence"],
            r["source"], r["rationale"]) for r in rows}
    assert got == flows("company:arista") and len(rows) == 2
    assert {r["confidence"] for r in rows} == {"reported"}
    # the default company: its rows add up to what `riskgraph exposure Vertiv` counts
    rows = run("company-ai-customers")
    e = exposure(loaded, "company:vertiv", year=2024)
    assert {r["customer"] for r in rows} == {c["customer"] for c in e["customers"]}
    assert sum(r["amount_usd_m"] for r in rows) == pytest.approx(e["ai_revenue_usd_m"])
    assert all(r["amount_low_usd_m"] <= r["amount_usd_m"] <= r["amount_high_usd_m"]
               and r["rationale"] for r in rows)
    # contracts keep their term; a company in no flow has no rows (not measured, not zero)
    ceg = run("company-ai-customers", company="company:constellation-energy")
    assert ("company:meta", "2027-06-01", "2047-05-31") in {
        (r["customer"], r["start"], r["end"]) for r in ceg}
    assert run("company-ai-customers", company="company:nuscale") == []


def test_every_library_query_is_tested() -> None:
    assert {q.name for q in library.list_queries()} == TESTED


def test_writing_query_is_refused_in_read_mode(driver, neo4j_settings, loaded) -> None:
    db = neo4j_settings.database
    before = store.counts(driver, database=db)
    for text in (
        "CREATE (n:Intruder {id: 'x'}) RETURN n",
        "MATCH (n:Entity {id: 'mineral:gallium'}) SET n.name = 'Hacked' RETURN n",
        "MATCH (n:Entity {id: 'mineral:gallium'}) DETACH DELETE n",
    ):
        q = library.parse(text, "evil")
        with pytest.raises(QueryError, match="writes to the database; queries run read-only"):
            library.run_query(driver, q, {}, database=db)
    assert store.counts(driver, database=db) == before


def test_user_text_stays_a_parameter(run) -> None:
    # A value that would be an injection if spliced into the query text matches nothing.
    rows = run("node-sources", id="x'}) DETACH DELETE n //")
    assert rows == []


def test_query_cli_formats_and_refusal(cli, loaded, tmp_path) -> None:
    import csv
    import io
    import json

    r = cli("query", "mineral-producers", "--param", "mineral=mineral:gallium", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["query"] == "mineral-producers" and doc["rows"][0]["country"] == "country:CN"
    r = cli("query", "minerals-by-hhi", "-p", "limit=3", "--format", "csv")
    assert r.returncode == 0, r.stderr
    table = list(csv.reader(io.StringIO(r.stdout)))
    assert table[0][:3] == ["mineral", "name", "hhi"] and len(table) == 4
    r = cli("query", "minerals-by-hhi", "-p", "limit=3")
    assert r.returncode == 0 and "mineral:" in r.stdout
    evil = tmp_path / "evil.cypher"
    evil.write_text("MATCH (n:Entity) SET n.hacked = true RETURN count(n)\n")
    r = cli("query", str(evil))
    assert r.returncode == 6
    assert r.stderr.strip() == "Error: query 'evil' writes to the database; queries run read-only"
    r = cli("query", "--list", "--format", "json")
    assert {q["name"] for q in json.loads(r.stdout)["queries"]} == TESTED
