"""Typed dependencies (issue 11, docs/model.md section 2): shares of one input add, requirements
combine by the Leontief max, the own cut is one more constraint.

Invariants, on hand-computed graphs, on random graphs (hypothesis) and on the shipped graph:
a shock of p at one node never gives any node more than p, and no shock exceeds its largest
initial cut.  The embedded engine and the columnar path compute the same model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskgraph.engine import aggregate
from riskgraph.engine.columnar import load_dir
from riskgraph.engine.compile import compile_graph
from riskgraph.engine.shock import run_shock
from riskgraph.errors import IngestError
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver


def _graph(nodes: list[str], edges: list[tuple[str, str, str, float, dict[str, object]]]
           ) -> GraphData:
    g = GraphData()
    for nid in nodes:
        g.add_node(Node(nid, nid.partition(":")[0], nid.partition(":")[2], "t", "2024",
                        "reported", layer="inputs"))
    for src, dst, typ, w, extra in edges:
        g.add_edge(Edge(src, dst, typ, "t", "2024", "reported", props={"weight": w, **extra}))
    return g


def _q(g: GraphData, target: str, pct: float, **kw: object) -> dict[str, float]:
    r = run_shock(g, target, pct, top=10**6, **kw)  # type: ignore[arg-type]
    return {n["id"]: n["shortfall"] for n in r["nodes"]}


# -- hand-computed small graphs ------------------------------------------------------------------
def test_shares_of_one_input_add() -> None:
    # a chip family buys HBM from two makers (60% / 40%): losing both halves adds
    g = _graph(["company:a", "company:b", "input:chip"], [
        ("company:a", "input:chip", "SUPPLIES", 0.6, {"input": "hbm"}),
        ("company:b", "input:chip", "SUPPLIES", 0.4, {"input": "hbm"}),
    ])
    assert _q(g, "company:a", 50)["input:chip"] == pytest.approx(0.30)
    both = run_shock(g, "inputs", 50, top=100)  # the layer: every node cut 50%
    assert {n["id"]: n["shortfall"] for n in both["nodes"]}["input:chip"] == pytest.approx(0.5)


def test_requirements_combine_by_the_scarcest_input() -> None:
    # a GPU needs a foundry (all of it) and HBM (all of it): Leontief, not a sum
    g = _graph(["company:fab", "company:mem", "input:gpu"], [
        ("company:fab", "input:gpu", "INPUT_TO", 1.0, {}),
        ("company:mem", "input:gpu", "INPUT_TO", 1.0, {}),
    ])
    r = run_shock(g, "inputs", 30, top=100)
    q = {n["id"]: n["shortfall"] for n in r["nodes"]}
    assert q["input:gpu"] == pytest.approx(0.30)  # the additive model gave min(1, 0.3 + 0.3 + 0.3)
    # partial form: a requirement of weight 0.4 passes on 0.4 of the supplier's loss
    g.edges["company:mem|INPUT_TO|input:gpu"].props["weight"] = 0.4
    q = _q(g, "company:mem", 100)
    assert q["input:gpu"] == pytest.approx(0.4)
    q = _q(g, "company:fab", 50)
    assert q["input:gpu"] == pytest.approx(0.5)


def test_own_cut_and_input_loss_overlap() -> None:
    # a node cut 30% whose supplier is also cut 30%: max, not 1 - 0.7 x 0.7 or 0.6
    g = _graph(["company:a", "company:b"], [("company:a", "company:b", "INPUT_TO", 1.0, {})])
    r = run_shock(g, "inputs", 30, top=100)
    assert {n["id"]: n["shortfall"] for n in r["nodes"]}["company:b"] == pytest.approx(0.3)
    limited = {n["id"]: n["limited_by"] for n in r["nodes"]}
    assert limited["company:b"]["input"] == "own cut"


def test_mixed_groups_worked_by_hand() -> None:
    # customer c: a share group "wafers" (w1 0.5, w2 0.3) and a requirement "tool" (0.8)
    g = _graph(["company:w1", "company:w2", "company:tool", "company:c"], [
        ("company:w1", "company:c", "SUPPLIES", 0.5, {"input": "wafers"}),
        ("company:w2", "company:c", "SUPPLIES", 0.3, {"input": "wafers"}),
        ("company:tool", "company:c", "SUPPLIES", 0.8, {"dependency": "requirement"}),
    ])
    assert _q(g, "company:w1", 100)["company:c"] == pytest.approx(0.5)
    assert _q(g, "company:tool", 50)["company:c"] == pytest.approx(0.4)
    # a layer shock of 40% on every supplier: wafers lose 0.5 x 0.4 + 0.3 x 0.4 = 0.32,
    # the tool 0.8 x 0.4 = 0.32, the customer's own cut 0.4 binds
    r = run_shock(g, "inputs", 40, top=100)
    assert {n["id"]: n["shortfall"] for n in r["nodes"]}["company:c"] == pytest.approx(0.4)


def test_over_full_third_party_share_group_is_scaled() -> None:
    # two vintages of producer shares summing to 1.03: scaled to 1, never above the cut
    g = _graph(["country:XA", "country:XB", "mineral:m"], [
        ("country:XA", "mineral:m", "PRODUCES", 0.99, {}),
        ("country:XB", "mineral:m", "PRODUCES", 0.04, {}),
    ])
    cg = compile_graph(g)
    w, scaled = cg.shares_normalised(cg.arc_weights(__import__(
        "riskgraph.engine.defaults", fromlist=["load_defaults"]).load_defaults()))
    assert scaled == 1 and float(np.sum(w)) == pytest.approx(1.0)
    assert _q(g, "country:XA", 100)["mineral:m"] == pytest.approx(0.99 / 1.03)


def test_country_and_firm_partitions_are_not_added() -> None:
    # CSET lists a country (90%) and the firm located there (80%) as providers of one input:
    # two partitions of one market; a shock to the country counts once
    g = _graph(["country:XA", "company:f", "input:resist"], [
        ("country:XA", "input:resist", "PROVIDES", 0.9, {}),
        ("company:f", "input:resist", "PROVIDES", 0.8, {}),
        ("company:f", "country:XA", "LOCATED_IN", 1.0, {}),
    ])
    q = _q(g, "country:XA", 100)
    assert q["company:f"] == pytest.approx(1.0)
    assert q["input:resist"] == pytest.approx(0.9)  # max(0.9, 0.8), not 1.7 capped


def test_cset_sequence_does_not_propagate() -> None:
    g = _graph(["input:litho", "input:etch"], [("input:litho", "input:etch", "GOES_INTO", 1.0,
                                                {})])
    assert "input:etch" not in _q(g, "input:litho", 100)


# -- random graphs ---------------------------------------------------------------------------------
TYPES = ["INPUT_TO", "SUPPLIES", "PROVIDES", "MANUFACTURES", "OWNS", "RUNS_ON", "PACKAGES"]


@st.composite
def random_graph(draw: st.DrawFn) -> tuple[GraphData, list[str]]:
    n = draw(st.integers(3, 12))
    ids = [f"company:n{i}" for i in range(n)]
    edges = []
    seen: set[tuple[int, int, str]] = set()
    for _ in range(draw(st.integers(1, 3 * n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        t = draw(st.sampled_from(TYPES))
        if a == b or (a, b, t) in seen:
            continue
        seen.add((a, b, t))
        w = draw(st.floats(0.0, 1.0))
        extra: dict[str, object] = {}
        if draw(st.booleans()):
            extra["substitutability"] = draw(st.floats(0.0, 1.0))
        if draw(st.booleans()):
            extra["dependency"] = draw(st.sampled_from(["share", "requirement"]))
        if draw(st.booleans()):
            extra["input"] = draw(st.sampled_from(["x", "y"]))
        edges.append((ids[a], ids[b], t, w, extra))
    return _graph(ids, edges), ids


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graph(), st.floats(1.0, 100.0), st.data())
def test_random_graphs_never_exceed_the_initial_cut(gi: tuple[GraphData, list[str]], pct: float,
                                                    data: st.DataObject) -> None:
    g, ids = gi
    target = data.draw(st.sampled_from(ids))
    for direction in ("downstream", "upstream"):
        q = _q(g, target, pct, direction=direction)
        assert max(q.values(), default=0.0) <= pct / 100 + 1e-9
    # a layer shock: every node cut pct; no node above pct
    q = _q(g, "inputs", pct)
    assert max(q.values(), default=0.0) <= pct / 100 + 1e-9


@settings(max_examples=60, deadline=None)
@given(random_graph(), st.floats(1.0, 100.0), st.floats(1.0, 100.0), st.data())
def test_random_graphs_are_monotone_in_the_cut(gi: tuple[GraphData, list[str]], p1: float,
                                               p2: float, data: st.DataObject) -> None:
    g, ids = gi
    target = data.draw(st.sampled_from(ids))
    lo, hi = sorted((p1, p2))
    a, b = _q(g, target, lo), _q(g, target, hi)
    for k, v in a.items():
        assert b.get(k, 0.0) >= v - 1e-12


def test_solver_matches_a_plain_loop_on_a_random_system() -> None:
    rng = np.random.default_rng(3)
    n, m = 40, 160
    sup, cus = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = sup != cus
    sup, cus = sup[keep], cus[keep]
    share = rng.random(sup.size) < 0.5
    label = rng.integers(0, 2, sup.size)
    groups = aggregate.build_groups(cus, sup, label, share, n)
    vals = rng.random(sup.size) * 0.5
    vals, _ = aggregate.normalise_shares(groups, vals, share)
    c = np.zeros(n)
    c[[1, 7]] = [0.6, 0.3]
    q, _it, _u = aggregate.solve(groups, vals, c)
    # plain loop: q = max(c, max_g min(1, sum a q)) iterated to convergence
    ref = c.copy()
    for _ in range(500):
        loss: dict[int, float] = {}
        pair: dict[tuple[int, int], float] = {}
        for a in range(sup.size):
            k = (int(groups.group[a]), int(sup[a]))
            pair[k] = max(pair.get(k, 0.0), float(vals[a]))
        for (gid, s), v in pair.items():
            loss[gid] = loss.get(gid, 0.0) + v * ref[s]
        nxt = c.copy()
        for gid, v in loss.items():
            o = int(groups.owner[gid])
            nxt[o] = max(nxt[o], min(1.0, v))
        if np.max(np.abs(nxt - ref)) < 1e-13:
            break
        ref = nxt
    assert np.max(np.abs(q - ref)) < 1e-9
    assert q.max() <= 0.6 + 1e-12


# -- the shipped graph -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped() -> GraphData:
    from riskgraph.ingest.build import load_graph

    return load_graph()


@pytest.fixture(scope="module")
def shipped_cg(shipped: GraphData) -> object:
    return compile_graph(shipped)


@pytest.mark.parametrize(("target", "pct", "direction"), [
    ("TSMC", 30, "downstream"), ("gallium", 50, "downstream"), ("germanium", 100, "downstream"),
    ("ASML", 100, "downstream"), ("SK hynix", 50, "downstream"), ("Taiwan", 100, "downstream"),
    ("CN", 100, "downstream"), ("clouds", 30, "upstream"), ("labs", 30, "upstream"),
    ("clouds", 30, "downstream"), ("minerals", 20, "downstream"),
])
def test_shipped_graph_never_exceeds_the_cut(shipped: GraphData, shipped_cg: object, target: str,
                                             pct: float, direction: str) -> None:
    r = run_shock(shipped, target, pct, direction=direction, top=10**6,
                  compiled=shipped_cg)  # type: ignore[arg-type]
    assert max(n["shortfall"] for n in r["nodes"]) <= pct / 100 + 1e-9


def test_shipped_headline_shocks(shipped: GraphData, shipped_cg: object) -> None:
    def q(target: str, pct: float, **kw: object) -> dict[str, float]:
        r = run_shock(shipped, target, pct, top=10**6, compiled=shipped_cg,  # type: ignore
                      **kw)
        return {n["id"]: n["shortfall"] for n in r["nodes"]}

    tw = q("Taiwan", 100)
    tsmc_tw = next(e for e in shipped.edges.values()
                   if e.src == "company:tsmc" and e.dst == "country:TW" and e.type == "LOCATED_IN")
    share = float(tsmc_tw.weight or 0)
    assert tw["company:tsmc"] == pytest.approx(share)  # TSMC cut by its Taiwan share
    mfg = next(e for e in shipped.edges.values() if e.src == "company:tsmc"
               and e.dst == "accelerator:nvidia-gpu" and e.type == "MANUFACTURES")
    want = share * float(mfg.weight or 0) * (1 - float(mfg.props.get("substitutability", 0)))
    assert tw["accelerator:nvidia-gpu"] >= want - 1e-9  # reaches the chips it makes
    assert tw["accelerator:nvidia-gpu"] > q("TSMC", 30)["accelerator:nvidia-gpu"]
    cn = q("CN", 100)
    assert cn["company:innolight"] > 0.3  # China reaches Innolight's Chinese plants
    asml = q("ASML", 100)
    clouds = [k for k in asml if shipped.nodes[k].layer == "clouds"]
    assert clouds and not all(asml[k] >= 1 - 1e-9 for k in clouds)
    assert "input:etch-and-clean" not in asml  # CSET sequence no longer propagates
    # no compute shortfall leaks into CSET design inputs (Alphabet, Tesla "provide" AI ASICs)
    tsmc = q("TSMC", 30)
    assert tsmc["company:alphabet"] > 0.2 and "input:ai-asics" not in tsmc


# -- the builder rejects over-full shares ------------------------------------------------------
HEAD = ("from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,"
        "confidence,rationale,dependency,input\n")


def test_builder_rejects_over_full_shares(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text(
        HEAD
        + "company:sk-hynix,input:hbm,SUPPLIES,0.6,,,,,doc p. 1,2024,reported,,,memory\n"
        + "company:samsung,input:hbm,SUPPLIES,0.5,,,,,doc p. 2,2024,reported,,,memory\n",
        encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(tmp_path, Resolver())
    msg = str(ei.value)
    assert "links.csv" in msg and "line 3" in msg and "'weight'" in msg
    assert "sum to 1.1 > 1" in msg and "links.csv line 2" in msg


def test_builder_accepts_requirements_and_other_inputs(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text(
        HEAD
        + "company:sk-hynix,input:hbm,SUPPLIES,0.6,,,,,doc p. 1,2024,reported,,,memory\n"
        + "company:samsung,input:hbm,SUPPLIES,0.5,,,,,doc p. 2,2024,reported,,,packaging\n"
        + "company:micron,input:hbm,SUPPLIES,0.9,,,,,doc p. 3,2024,reported,,requirement,\n",
        encoding="utf-8")
    g = curated.load_user_dir(tmp_path, Resolver()).graph
    e = next(e for e in g.edges.values() if e.src == "company:micron")
    assert e.props["dependency"] == "requirement"


def test_builder_rejects_a_bad_dependency(tmp_path: Path) -> None:
    (tmp_path / "links.csv").write_text(
        HEAD + "company:sk-hynix,input:hbm,SUPPLIES,0.6,,,,,doc p. 1,2024,reported,,requirment,\n",
        encoding="utf-8")
    with pytest.raises(IngestError, match=r"line 2, column 'dependency': dependency "
                                          r"'requirment' is not 'share' or 'requirement'; did "
                                          r"you mean 'requirement'\?"):
        curated.load_user_dir(tmp_path, Resolver())


def test_shipped_curated_shares_are_not_over_full() -> None:
    from riskgraph.ingest.base import DATA_DIR

    curated.load(DATA_DIR, Resolver())  # raises on an over-full group


# -- columnar = embedded engine ----------------------------------------------------------------
NODES_HEAD = "id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale\n"


def test_columnar_computes_the_same_typed_model(tmp_path: Path) -> None:
    nodes = [("company:w1", "company"), ("company:w2", "company"), ("company:tool", "company"),
             ("company:c", "company"), ("input:chip", "input"), ("country:XA", "country")]
    (tmp_path / "nodes.csv").write_text(NODES_HEAD + "".join(
        f"{i},{k},{i},,{'foundry' if k == 'company' else ''},,t,2024,reported,\n"
        for i, k in nodes), encoding="utf-8")
    rows = [
        ("company:w1", "company:c", "SUPPLIES", "0.5", "", "wafers"),
        ("company:w2", "company:c", "SUPPLIES", "0.3", "", "wafers"),
        ("company:tool", "company:c", "SUPPLIES", "0.8", "requirement", ""),
        ("company:c", "input:chip", "INPUT_TO", "0.9", "", ""),
        ("company:w1", "country:XA", "LOCATED_IN", "1", "", ""),
        ("company:w2", "country:XA", "LOCATED_IN", "0.5", "", ""),
    ]
    (tmp_path / "links.csv").write_text(HEAD + "".join(
        f"{a},{b},{t},{w},,,,,t,2024,reported,,{d},{i}\n" for a, b, t, w, d, i in rows),
        encoding="utf-8")
    g = load_dir(tmp_path)
    graph = curated.load_user_dir(tmp_path, Resolver()).graph
    for target in ("country:XA", "company:tool", "company:w2"):
        got = dict(zip((str(x) for x in g.ids), g.shock(target, 60).tolist(), strict=True))
        want = _q(graph, target, 60)
        for k, v in want.items():
            assert got[k] == pytest.approx(v, abs=1e-12), (target, k)
    q = dict(zip((str(x) for x in g.ids), g.shock("country:XA", 100).tolist(), strict=True))
    # XA: w1 100%, w2 50%; wafers group 0.5 + 0.15 = 0.65; chip 0.9 x 0.65
    assert q["company:c"] == pytest.approx(0.65)
    assert q["input:chip"] == pytest.approx(0.585)
