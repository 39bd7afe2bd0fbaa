"""run_shock on the fixture graph that mirrors docs/model.md (worked gallium example)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from riskgraph.engine.compile import compile_graph
from riskgraph.engine.defaults import parse_set
from riskgraph.engine.paths import dependency_paths
from riskgraph.engine.result import SCHEMA, schema_path, to_csv
from riskgraph.engine.shock import run_shock
from riskgraph.errors import ModelError, UnknownNodeError, UsageError
from riskgraph.graph.model import Edge, GraphData, Node


def shortfalls(result: dict) -> dict[str, float]:
    return {n["id"]: n["shortfall"] for n in result["nodes"]}


# -- the worked example of docs/model.md -------------------------------------------------------
def test_worked_gallium_example_matches_docs(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "gallium", 50)
    q = shortfalls(r)
    assert q["mineral:gallium"] == pytest.approx(0.50)
    assert q["input:gan-power-devices"] == pytest.approx(0.45)  # 0.9 x 0.5
    assert q["input:optical-transceivers"] == pytest.approx(0.20)  # 0.4 x 0.5
    # the chip product does not need gallium here; deployment does (requirements, max)
    assert "accelerator:nvidia-gpu" not in q
    assert q["company:microsoft"] == pytest.approx(0.09)  # max(0.2 x 0.45, 0.3 x 0.20)
    assert q["company:meta"] == pytest.approx(0.10)  # max(0.1 x 0.45, 0.5 x 0.20)
    assert q["company:openai"] == pytest.approx(0.072)  # 0.8 x 0.09 (a share of its compute)
    assert "input:wafer" not in q and "country:CN" not in q and "company:nvidia" not in q
    nodes = {n["id"]: n for n in r["nodes"]}
    assert [n["rank"] for n in r["nodes"]] == list(range(1, 7))
    # flows: kg per year of the mineral, H100e per quarter of the owners (installed base: context)
    assert nodes["mineral:gallium"]["absolute"]["value"] == pytest.approx(305000.0)
    assert nodes["mineral:gallium"]["absolute"]["unit"] == "kg per year"
    assert nodes["mineral:gallium"]["absolute"]["period"] == "2023"
    ms = nodes["company:microsoft"]["absolute"]
    assert ms["value"] == pytest.approx(0.09 * 100000) and ms["unit"] == "H100e per quarter"
    assert ms["period"] == "2025-Q4" and ms["installed_base"] == pytest.approx(500000)
    assert nodes["company:meta"]["absolute"]["value"] == pytest.approx(0.10 * 120000)
    assert nodes["company:openai"]["absolute"] is None
    # what limits each node: its binding input
    assert nodes["company:microsoft"]["limited_by"]["input"] == "requirement"
    assert nodes["company:microsoft"]["limited_by"]["supplier"] == "input:gan-power-devices"
    assert nodes["company:meta"]["limited_by"]["supplier"] == "input:optical-transceivers"
    assert nodes["company:openai"]["limited_by"]["input"] == "compute"
    # paths: OpenAI's best path goes through GaN power devices: 0.5 x 0.9 x 0.2 x 0.8
    best = nodes["company:openai"]["paths"][0]
    assert [h["dst"] for h in best["hops"]] == [
        "input:gan-power-devices", "company:microsoft", "company:openai"]
    assert best["contribution"] == pytest.approx(0.072)
    # the product of the hops' effective factors is the contribution
    prod = best["start_shock"]
    for h in best["hops"]:
        assert h["factor"] == pytest.approx(
            h["weight_used"] * (1 - h["substitutability"]) * (1 - h["buffer"]))
        prod *= h["factor"]
    assert prod == pytest.approx(best["contribution"])
    assert [h["contribution"] for h in best["hops"]] == pytest.approx([0.45, 0.09, 0.072])
    # the second path (through optics) is not binding: requirements combine by max, not sum
    second = nodes["company:openai"]["paths"][1]
    assert second["contribution"] == pytest.approx(0.5 * 0.4 * 0.3 * 0.8)
    assert q["company:openai"] < best["contribution"] + second["contribution"]
    layers = {lay["layer"]: lay for lay in r["layers"]}
    assert list(layers) == ["minerals", "inputs", "clouds", "labs"]
    assert layers["clouds"]["affected"] == 2
    assert layers["clouds"]["max_shortfall"] == pytest.approx(0.10)
    assert layers["clouds"]["top_node"] == "company:meta"


def test_country_arithmetic(gallium_graph: GraphData) -> None:
    # 50% of China's output; China's share is the newest reported edge: USGS 2023e,
    # 600,000 of 610,000 kg (98.4%), not the article's 98% (2022) nor the refinery type
    r = run_shock(gallium_graph, "gallium", 50, country="China")
    assert r["shock"]["country"] == "country:CN"
    assert r["shock"]["initial"] == [{"id": "mineral:gallium",
                                      "shock": pytest.approx(0.5 * 600000 / 610000)}]
    assert round(100 * shortfalls(r)["mineral:gallium"]) == 49
    assert shortfalls(r)["company:openai"] == pytest.approx(0.072 * 600000 / 610000)


def test_country_with_article_share_only_gives_49_percent(gallium_graph: GraphData) -> None:
    # with only the article's 98%: 50% x 98% = 49% exactly
    for k in ("cn-ga-usgs2023", "cn-ga-usgs2023-other-type"):
        del gallium_graph.edges[k]
    r = run_shock(gallium_graph, "gallium", 50, country="CN")
    assert shortfalls(r)["mineral:gallium"] == pytest.approx(0.49)


def test_country_errors(gallium_graph: GraphData) -> None:
    with pytest.raises(UsageError, match=r"^country:JP supplies nothing to input:wafer"):
        run_shock(gallium_graph, "wafer", 50, country="Japan")
    with pytest.raises(UsageError, match=r"^--country 'Microsoft' is company:microsoft"):
        run_shock(gallium_graph, "gallium", 50, country="Microsoft")


def test_shocking_a_country_cuts_what_it_produces(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "CN", 100)
    assert shortfalls(r)["mineral:gallium"] == pytest.approx(600000 / 610000)


def test_dedup_picks_newest_reported_of_the_default_type(gallium_graph: GraphData) -> None:
    cg = compile_graph(gallium_graph)
    keys = [e.key for e in cg.edges if e.src == "country:CN"]
    assert keys == ["cn-ga-usgs2023"]
    assert cg.dropped == 2
    # OWNS is reversed: the accelerator supplies its owner; INVESTS_IN never propagates
    pairs = {(cg.ids[s], cg.ids[c], e.type) for s, c, e in zip(cg.sup, cg.cus, cg.edges,
                                                               strict=True)}
    assert ("accelerator:nvidia-gpu", "company:microsoft", "OWNS") in pairs
    assert not any(t == "INVESTS_IN" for _, _, t in pairs)


def test_upstream_sales_shares(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "clouds", 30, direction="upstream")
    q = shortfalls(r)
    assert r["shock"]["targets"] == ["company:meta", "company:microsoft"]
    # the family loses 30% x (500k/1.1M) + 30% x (600k/1.1M) = 30% of its sales
    assert q["accelerator:nvidia-gpu"] == pytest.approx(0.30)
    assert q["company:nvidia"] == pytest.approx(0.24)  # 0.8 of Nvidia's sales
    # edges without sales_share carry no demand shock
    assert "input:gan-power-devices" not in q and "mineral:gallium" not in q
    r2 = run_shock(gallium_graph, "OpenAI", 50, direction="upstream")
    assert shortfalls(r2)["company:microsoft"] == pytest.approx(0.1)  # 0.2 x 0.5


def test_monotone_in_pct(gallium_graph: GraphData) -> None:
    cg = compile_graph(gallium_graph)
    prev: dict[str, float] = {}
    for pct in (1, 10, 25, 50, 75, 100):
        q = shortfalls(run_shock(gallium_graph, "gallium", pct, compiled=cg))
        for k, v in prev.items():
            assert q[k] >= v - 1e-12
        prev = q


def test_zero_shock_via_library_and_pct_range(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "gallium", 0, allow_zero=True)
    assert r["affected"] == 0 and r["nodes"] == [] and r["layers"] == []
    for bad in (0, -5, 100.5):
        with pytest.raises(UsageError, match=r"^--pct must be in \(0, 100\], got "):
            run_shock(gallium_graph, "gallium", bad)


def test_target_names(gallium_graph: GraphData) -> None:
    for name in ("Gallium", "gallium", "Ga", "mineral:gallium"):
        assert run_shock(gallium_graph, name, 10)["shock"]["targets"] == ["mineral:gallium"]
    with pytest.raises(UnknownNodeError) as ei:
        run_shock(gallium_graph, "galium", 10)
    assert str(ei.value).startswith("unknown node 'galium'; did you mean 'Gallium'")
    assert ei.value.exit_code == 2


def test_layer_target(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "minerals", 20)
    assert r["shock"]["targets"] == ["mineral:gallium"]
    with pytest.raises(UsageError, match="--country needs a single target"):
        run_shock(gallium_graph, "clouds", 20, country="CN")


def test_cycle_in_graph() -> None:
    g = GraphData()
    for nid in ("company:a", "company:b"):
        g.add_node(Node(nid, "company", nid[-1].upper(), "t", "2024", "reported", layer="chips"))
    g.add_edge(Edge("company:a", "company:b", "SUPPLIES", "t", "2024", "reported",
                    props={"weight": 0.5}))
    g.add_edge(Edge("company:b", "company:a", "SUPPLIES", "t", "2024", "reported",
                    props={"weight": 0.5}))
    q = shortfalls(run_shock(g, "A", 40))
    # A's own cut (40%) is larger than what B hands back (0.5 x 20%): no amplification
    assert q["company:a"] == pytest.approx(0.4)
    assert q["company:b"] == pytest.approx(0.2)
    g.edges["company:a|SUPPLIES|company:b"].props["weight"] = 1.0
    g.edges["company:b|SUPPLIES|company:a"].props["weight"] = 1.0
    q = shortfalls(run_shock(g, "A", 40))
    # a cycle of unit weights passes the 40% around, never above it (old model: 100%)
    assert q == {"company:a": pytest.approx(0.4), "company:b": pytest.approx(0.4)}
    with pytest.raises(ModelError, match="did not converge"):
        run_shock(g, "A", 40, sets=["max_iter=1"])


# -- --set ----------------------------------------------------------------------------------------
def test_set_overrides(gallium_graph: GraphData) -> None:
    base = shortfalls(run_shock(gallium_graph, "wafer", 100))
    assert base["accelerator:nvidia-gpu"] == pytest.approx(0.5)  # default_weight
    q = shortfalls(run_shock(gallium_graph, "wafer", 100, sets=["default_weight=0.2"]))
    assert q["accelerator:nvidia-gpu"] == pytest.approx(0.2)
    q = shortfalls(run_shock(gallium_graph, "gallium", 50, sets=["substitutability=0.5"]))
    assert q["input:gan-power-devices"] == pytest.approx(0.225)
    q = shortfalls(run_shock(gallium_graph, "gallium", 50, sets=["buffer[Azure]=0.5"]))
    assert q["company:microsoft"] == pytest.approx(0.045)
    assert q["company:meta"] == pytest.approx(0.10)
    q = shortfalls(run_shock(gallium_graph, "gallium", 50,
                             sets=["weight[Ga>input:gan-power-devices]=0.5"]))
    assert q["input:gan-power-devices"] == pytest.approx(0.25)
    # OWNS written owner -> accelerator may be named in either order
    for t in ("Nvidia GPU>Microsoft", "Microsoft>Nvidia GPU"):
        q = shortfalls(run_shock(gallium_graph, "wafer", 100, sets=[f"weight[{t}]=0.5"]))
        assert q["company:microsoft"] == pytest.approx(0.25)  # 0.5 x default 0.5
    r = run_shock(gallium_graph, "gallium", 50, sets=["substitutability[Ga>input:optical-"
                                                      "transceivers]=1"])
    assert "input:optical-transceivers" not in shortfalls(r)
    assert r["overrides"] == [{"key": "substitutability",
                               "target": "Ga>input:optical-transceivers", "value": 1.0,
                               "reaches": {"count": 1, "of": r["data"]["supply_arcs"],
                                           "what": "supply arcs", "text": "1 supply arc"}}]



@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("defualt_weight=0.5",
         "--set defualt_weight=0.5: unknown key 'defualt_weight'; did you mean 'default_weight'?"),
        ("default_weight=abc", "--set default_weight=abc: 'abc' is not a number"),
        ("default_weight=1.5", "--set default_weight=1.5: default_weight must be in [0, 1]"),
        ("buffer[TSMC]=-0.1", "--set buffer[TSMC]=-0.1: buffer must be in [0, 1]"),
        ("weight[a>b]=2", "--set weight[a>b]=2: default_weight must be in [0, 1]"),
        ("weight=0.4", "--set weight=0.4: expected weight[FROM>TO]=VALUE"),
        ("weight[gallium]=0.4", "--set weight[gallium]=0.4: expected weight[FROM>TO]=VALUE"),
        ("substitutability", "--set substitutability: expected KEY=VALUE "
                             "(e.g. default_weight=0.5)"),
        ("max_iter=2.5", "--set max_iter=2.5: max_iter must be a whole number"),
        ("tol[x]=1", "--set tol[x]=1: 'tol' takes no [target]; targets work with buffer[NODE], "
                     "weight[FROM>TO], substitutability[FROM>TO]"),
    ],
)
def test_bad_set_messages(text: str, message: str) -> None:
    with pytest.raises(UsageError) as ei:
        parse_set(text)
    assert str(ei.value) == message
    assert ei.value.exit_code == 2


def test_bad_set_targets(gallium_graph: GraphData) -> None:
    with pytest.raises(UnknownNodeError, match="^unknown node 'Microsfot'; did you mean"):
        run_shock(gallium_graph, "gallium", 50, sets=["buffer[Microsfot]=0.3"])
    with pytest.raises(UsageError, match="^no supply edge from mineral:gallium to company:meta$"):
        run_shock(gallium_graph, "gallium", 50, sets=["weight[gallium>Meta]=0.3"])
    with pytest.raises(UsageError, match="default_weight_low <= default_weight"):
        run_shock(gallium_graph, "gallium", 50, sets=["default_weight=0.1"])


# -- JSON schema, CSV ------------------------------------------------------------------------------
def test_json_schema(gallium_graph: GraphData) -> None:
    import jsonschema

    schema = json.loads(Path(schema_path()).read_text())
    for kw in ({}, {"samples": 20, "seed": 1}, {"direction": "upstream"},
               {"model": "debtrank"}, {"country": "CN"}):
        target = "clouds" if kw.get("direction") == "upstream" else "gallium"
        r = run_shock(gallium_graph, target, 50, **kw)  # type: ignore[arg-type]
        r = json.loads(json.dumps(r))  # what --format json prints
        assert r["schema"] == SCHEMA
        jsonschema.validate(r, schema)
    bad = json.loads(json.dumps(run_shock(gallium_graph, "gallium", 50)))
    bad["nodes"][0]["shortfall"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_csv(gallium_graph: GraphData) -> None:
    text = to_csv(run_shock(gallium_graph, "gallium", 50))
    lines = text.splitlines()
    assert lines[0].startswith("rank,id,name,kind,layer,shortfall")
    assert lines[1].startswith("1,mineral:gallium,Gallium,mineral,minerals,0.5,305000,kg")
    assert lines[-1].endswith("Gallium -> GaN power devices -> Microsoft -> OpenAI")


def test_top_limits_listing_not_summary(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "gallium", 50, top=2)
    assert len(r["nodes"]) == 2 and r["affected"] == 6
    assert sum(lay["affected"] for lay in r["layers"]) == 6


# -- models, Monte Carlo ------------------------------------------------------------------------
def test_debtrank_model(gallium_graph: GraphData) -> None:
    r = run_shock(gallium_graph, "gallium", 50, model="debtrank")
    assert r["model"]["name"] == "debtrank"
    # DebtRank keeps Battiston's additive aggregation: Microsoft's two requirements add
    # (0.09 + 0.06), so it is the upper bound of the IIM's max (0.072) here
    assert shortfalls(r)["company:openai"] == pytest.approx(0.8 * (0.09 + 0.06))
    assert shortfalls(r)["company:openai"] >= shortfalls(run_shock(
        gallium_graph, "gallium", 50))["company:openai"]


def test_monte_carlo_reproducible(gallium_graph: GraphData) -> None:
    a = run_shock(gallium_graph, "gallium", 50, samples=50, seed=7)
    b = run_shock(gallium_graph, "gallium", 50, samples=50, seed=7)
    c = run_shock(gallium_graph, "gallium", 50, samples=50, seed=8)
    ma = [n["monte_carlo"] for n in a["nodes"]]
    assert ma == [n["monte_carlo"] for n in b["nodes"]]
    assert ma != [n["monte_carlo"] for n in c["nodes"]]
    assert a["monte_carlo"]["sampled_arcs"] == 8  # 7 ranged estimated edges + 1 default weight
    for n in a["nodes"]:
        m = n["monte_carlo"]
        assert m["p5"] <= m["median"] <= m["p95"]
    gan = next(n for n in a["nodes"] if n["id"] == "input:gan-power-devices")["monte_carlo"]
    assert 0.35 <= gan["p5"] < gan["p95"] <= 0.5  # 0.5 x [0.7, 1.0]
    # a weight fixed by --set is not drawn
    d = run_shock(gallium_graph, "gallium", 50, samples=20, seed=7,
                  sets=["weight[gallium>input:gan-power-devices]=0.9"])
    gan = next(n for n in d["nodes"] if n["id"] == "input:gan-power-devices")["monte_carlo"]
    assert gan["p5"] == pytest.approx(0.45) and gan["p95"] == pytest.approx(0.45)


# -- paths ----------------------------------------------------------------------------------------
def test_dependency_paths(gallium_graph: GraphData) -> None:
    res = dependency_paths(gallium_graph, "gallium", "OpenAI")
    assert res["reversed"] is False
    assert [p["dependency"] for p in res["paths"]] == pytest.approx([0.144, 0.096])
    hop = res["paths"][0]["hops"][0]
    assert hop["src"] == "mineral:gallium" and hop["weight"] == 0.9
    assert hop["confidence"] == "estimated" and hop["source"] == "fixture"
    rev = dependency_paths(gallium_graph, "OpenAI", "gallium")
    assert rev["reversed"] is True and len(rev["paths"]) == 2
    none = dependency_paths(gallium_graph, "Meta", "OpenAI")
    assert none["paths"] == []


def test_compiled_graph_reuse_gives_same_numbers(gallium_graph: GraphData) -> None:
    cg = compile_graph(gallium_graph)
    a = run_shock(gallium_graph, "gallium", 50, compiled=cg)
    b = run_shock(gallium_graph, "gallium", 50)
    assert a == b
    assert np.all(cg.sup < cg.n)


def test_arcs_into_countries_are_left_out(gallium_graph: GraphData) -> None:
    # Epoch-style "China owns Nvidia GPUs" must not feed back into China's gallium output
    gallium_graph.add_edge(Edge("country:CN", "accelerator:nvidia-gpu", "OWNS", "t", "2024",
                                "reported", props={"weight": 1.0, "h100e": 1.0}))
    cg = compile_graph(gallium_graph)
    assert cg.into_country == 1
    r = run_shock(gallium_graph, "gallium", 50, compiled=cg)
    assert shortfalls(r)["mineral:gallium"] == pytest.approx(0.5)
    assert r["data"]["arcs_into_countries_dropped"] == 1


def test_weightless_share_edges_split_the_unallocated_share() -> None:
    g = GraphData()
    g.add_node(Node("input:photoresists", "input", "Photoresists", "t", "2024", "reported",
                    layer="inputs"))
    for c in ("JP", "KR", "US", "DE"):
        g.add_node(Node(f"country:{c}", "country", c, "t", "2024", "reported",
                        layer="countries"))
    g.add_edge(Edge("country:JP", "input:photoresists", "PROVIDES", "t", "2024", "reported",
                    props={"weight": 0.7}))
    for c in ("KR", "US", "DE"):  # CSET lists them without a share: (1 - 0.7) / 3 each
        g.add_edge(Edge(f"country:{c}", "input:photoresists", "PROVIDES", "t", "2024",
                        "reported"))
    r = run_shock(g, "US", 100)
    assert shortfalls(r)["input:photoresists"] == pytest.approx(0.1)
    # default_weight does not apply to share-type edges
    r = run_shock(g, "US", 100, sets=["default_weight=0.8", "default_weight_high=0.9"])
    assert shortfalls(r)["input:photoresists"] == pytest.approx(0.1)


def test_designs_passes_on_only_the_designers_own_shock() -> None:
    # Alphabet designs TPUs and owns them: its compute shortfall must not feed back into TPUs
    g = GraphData()
    for nid, name, layer in (("accelerator:google-tpu", "Google TPUs", "chips"),
                             ("company:alphabet", "Alphabet", "clouds"),
                             ("input:hbm", "HBM", "inputs")):
        g.add_node(Node(nid, nid.partition(":")[0], name, "t", "2024", "reported", layer=layer))
    for src, dst, typ, w in (("company:alphabet", "accelerator:google-tpu", "DESIGNS", 1.0),
                             ("company:alphabet", "accelerator:google-tpu", "OWNS", 0.6),
                             ("input:hbm", "accelerator:google-tpu", "INPUT_TO", 0.5)):
        g.add_edge(Edge(src, dst, typ, "t", "2024", "reported", props={"weight": w}))
    q = shortfalls(run_shock(g, "HBM", 40))
    assert q["accelerator:google-tpu"] == pytest.approx(0.2)  # no feedback from Alphabet
    assert q["company:alphabet"] == pytest.approx(0.12)
    r = run_shock(g, "Alphabet", 50)
    q = shortfalls(r)
    assert q["accelerator:google-tpu"] == pytest.approx(0.5)  # the designer's own cut
    assert q["company:alphabet"] == pytest.approx(0.5)  # max(own 50%, 0.6 x 50%)
    tpu = next(n for n in r["nodes"] if n["id"] == "accelerator:google-tpu")
    assert [h["type"] for h in tpu["paths"][0]["hops"]] == ["DESIGNS"]
    alph = next(n for n in r["nodes"] if n["id"] == "company:alphabet")
    assert alph["paths"][0]["hops"] == []  # its own shock; DESIGNS is never a later hop
