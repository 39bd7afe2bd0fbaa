"""`riskgraph sensitivity`: adjoint derivatives of one node's shortfall, checked against the engine.

Every derivative is compared with what the engine itself gives when the assumption is changed
with its own ``--set KEY=VALUE`` by a small step (a re-run of the shock, no shortcut).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import riskgraph as rg
from riskgraph.cli.app import app
from riskgraph.engine import shock as eng
from riskgraph.engine.compile import compile_graph
from riskgraph.engine.sensitivity import run_sensitivity
from riskgraph.engine.shock import run_shock
from riskgraph.errors import UsageError

runner = CliRunner()
STEP = 1e-3


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    g = rg.load_graph()
    _CG[id(g)] = compile_graph(g)
    return g


def shortfall(graph, target: str, pct: float, node_id: str, sets: list[str],  # type: ignore[no-untyped-def]
              country: str | None = None, allocation: str | None = None,
              supply_response: bool | None = None) -> float:
    """The engine's shortfall of one node with these --set options (the shock's own stages,
    the minerals' market pass included)."""
    setup = eng.resolve(graph, target, sets=sets, compiled=_CG[id(graph)])
    pert = eng.perturb(graph, setup, pct, country=country)
    eng.with_market(graph, setup, pert, pct, country=country, allocation=allocation,
                    supply_response=supply_response)
    q = eng.propagate(setup, pert.c, model="iim", upstream=False).q
    return float(q[setup.compiled.index[node_id]])


_CG: dict[int, object] = {}


def stepped(a: dict, step: float = STEP) -> tuple[str, float]:
    """The assumption's --set moved by a small step inside [0, 1] and its range."""
    up = a["value"] + step <= min(1.0, max(a["high"], a["value"]))
    h = step if up else -step
    return f"{a['set_key']}={a['value'] + h:.12g}", h


def test_cli_json_lists_derivative_swing_set_and_source() -> None:
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "OpenAI",
                            "--format", "json"])
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["schema"] == "riskgraph.sensitivity/1"
    assert res["node"]["id"] == "company:openai" and 0 < res["node"]["shortfall"] < 1
    assert len(res["assumptions"]) == 15 and res["assumptions_total"] > 100
    for a in res["assumptions"]:
        assert a["derivative"] != 0 and a["source"] and a["set_key"]
        assert a["set"].startswith(a["set_key"] + "=") and a["low"] <= a["value"] <= a["high"]
        assert a["swing"] == pytest.approx(a["shortfall_high"] - a["shortfall_low"])
    kinds = {a["kind"] for a in res["assumptions"]}
    assert "weight" in kinds
    swings = [abs(a["swing"]) for a in res["assumptions"]]
    assert swings == sorted(swings, reverse=True)
    assert res["check"]["agrees"] is True


def test_top_assumption_set_by_a_small_step_moves_the_node_by_derivative_times_step(graph
                                                                                   ) -> None:
    res = run_sensitivity(graph, "gallium", 50, node="OpenAI")
    top = res["assumptions"][0]
    q0 = res["node"]["shortfall"]
    # the whole shock, as the CLI runs it by default (gallium's market pass included): the
    # shortfall sensitivity explains is the one shock prints
    full = run_shock(graph, "gallium", 50, top=40)
    assert q0 == next(n["shortfall"] for n in full["nodes"] if n["id"] == "company:openai")
    assert res["market"]["allocation"] == full["market"]["allocation"]
    text, h = stepped(top)
    # the CLI itself, with the assumption's own --set moved by the step
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--top", "200", "--set", text,
                            "--format", "json"])
    assert r.exit_code == 0, r.stderr
    q1 = next(n["shortfall"] for n in json.loads(r.stdout)["nodes"] if n["id"] == "company:openai")
    assert q1 - q0 == pytest.approx(top["derivative"] * h, rel=0.02, abs=1e-9)
    assert abs(q1 - q0) > 1e-6  # the step moves it at all


def test_the_upper_bound_is_asked_for_by_name(graph) -> None:
    # --allocation proportional: the no-mitigation model, as shock gives it with the same flag
    res = run_sensitivity(graph, "gallium", 50, node="Microsoft", top=3, check=False,
                          allocation="proportional")
    full = run_shock(graph, "gallium", 50, top=40, allocation="proportional")
    q_ub = next(n["shortfall"] for n in full["nodes"] if n["id"] == "company:microsoft")
    assert res["node"]["shortfall"] == pytest.approx(q_ub, abs=1e-12)
    dflt = run_sensitivity(graph, "gallium", 50, node="Microsoft", top=3, check=False)
    assert dflt["node"]["shortfall"] < q_ub  # mitigation lowers it
    assert not any(a["kind"] == "market parameter" for a in res["assumptions"])
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "Microsoft",
                            "--top", "2", "--allocation", "proportional"])
    assert r.exit_code == 0, r.stderr
    assert "Shortfall: no-mitigation upper bound" in r.stdout


def test_a_minerals_spare_capacity_is_ranked_and_exact(graph) -> None:
    res = run_sensitivity(graph, "gallium", 50, node="Microsoft", top=40, check=False)
    nid = res["node"]["id"]
    a = next(a for a in res["assumptions"] if a["set_key"] == "spare_capacity[mineral:gallium]")
    assert a["kind"] == "market parameter" and a["derivative"] < 0  # more spare, less short
    assert (a["low"], a["value"], a["high"]) == pytest.approx((0.04, 0.1, 0.19))
    assert "USGS" in a["source"]
    q0 = res["node"]["shortfall"]
    text, h = stepped(a)
    fd = (shortfall(graph, "gallium", 50, nid, [text]) - q0) / h
    assert fd == pytest.approx(a["derivative"], rel=0.02)
    assert a["shortfall_low"] == pytest.approx(
        shortfall(graph, "gallium", 50, nid, ["spare_capacity[gallium]=0.04"]), abs=1e-12)


@pytest.mark.parametrize(("target", "pct", "node", "country", "sets"), [
    ("gallium", 50, "OpenAI", None, []),
    ("gallium", 50, "Microsoft", None, ["secondary_supply[gallium]=0.02"]),
    ("germanium", 40, "Microsoft", None, []),
    ("gallium", 50, "Meta", "CN", ["buffer[Microsoft]=0.2"]),
    ("TSMC", 30, "Microsoft", None, ["substitutability=0.1"]),
    ("Optical transceivers (datacom)", 60, "Microsoft", None, []),
    ("TSMC", 30, "Nvidia data-centre GPUs", None, ["buffer[TSMC]=0.1"]),
])
def test_every_listed_derivative_matches_the_engine(graph, target, pct, node, country, sets
                                                    ) -> None:
    res = run_sensitivity(graph, target, pct, node=node, country=country, sets=sets, top=6,
                          check=False)
    nid = res["node"]["id"]
    q0 = res["node"]["shortfall"]
    assert res["assumptions"], "no assumption moves the node"
    for a in res["assumptions"]:
        text, h = stepped(a)
        q1 = shortfall(graph, target, pct, nid, [*sets, text], country=country)
        fd = (q1 - q0) / h
        assert fd == pytest.approx(a["derivative"], rel=0.02, abs=1e-6), a["set_key"]
        lo = shortfall(graph, target, pct, nid, [*sets, a["set_low"]], country=country)
        assert lo == pytest.approx(a["shortfall_low"], abs=1e-12)


def test_a_shocked_node_depends_only_on_its_cut(graph) -> None:
    res = run_sensitivity(graph, "gallium", 50, node="gallium")
    assert res["node"]["shortfall"] == pytest.approx(0.5)
    assert res["assumptions"] == [] and res["assumptions_nonzero"] == 0


def test_errors_are_one_line_usage_errors(graph) -> None:
    with pytest.raises(UsageError, match="did you mean"):
        run_sensitivity(graph, "gallium", 50, node="OpenIA")
    with pytest.raises(UsageError):
        run_sensitivity(graph, "gallium", 0, node="OpenAI")
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "OpenIA"])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_table_and_tornado_page(tmp_path) -> None:
    page = tmp_path / "t.html"
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "OpenAI",
                            "--top", "5", "--html", str(page)])
    assert r.exit_code == 0, r.stderr
    assert "Sensitivity of OpenAI" in r.stdout and "agrees" in r.stdout
    text = page.read_text()
    assert 'data-charts="1"' in text and "Plotly.newPlot" in text and "<script src=" not in text


def _chain_graph():  # type: ignore[no-untyped-def]
    """country A (share 0.5) and B (0.3) -> mineral m -> input x -> accelerator y (requirements)."""
    from riskgraph.graph.model import Edge, GraphData, Node

    g = GraphData()
    for nid, kind, layer in (("country:A", "country", "countries"),
                             ("country:B", "country", "countries"),
                             ("mineral:m", "mineral", "minerals"), ("input:x", "input", "inputs"),
                             ("accelerator:y", "accelerator", "chips")):
        g.add_node(Node(nid, kind, nid.split(":")[1], source="test", as_of="2024",
                        confidence="reported", layer=layer))
    for src, dst, typ, w, lo, hi in (("country:A", "mineral:m", "PRODUCES", 0.5, 0.4, 0.6),
                                     ("country:B", "mineral:m", "PRODUCES", 0.3, 0.2, 0.4),
                                     ("mineral:m", "input:x", "INPUT_TO", 0.8, 0.6, 0.9),
                                     ("input:x", "accelerator:y", "INPUT_TO", 0.5, 0.3, 0.7)):
        g.add_edge(Edge(src, dst, typ, source=f"test row {src}-{dst}", as_of="2024",
                        confidence="estimated", rationale="test",
                        props={"weight": w, "weight_low": lo, "weight_high": hi}))
    return g


def test_derivatives_by_hand_on_a_chain() -> None:
    # shock A by 50%: q_m = 0.5 * 0.5 = 0.25, q_x = 0.8 * 0.25 = 0.2, q_y = 0.5 * 0.2 = 0.1
    res = run_sensitivity(_chain_graph(), "country:A", 50, node="accelerator:y", top=20)
    assert res["node"]["shortfall"] == pytest.approx(0.1)
    d = {a["set_key"]: a["derivative"] for a in res["assumptions"]}
    assert d["weight[country:A>mineral:m]"] == pytest.approx(0.5 * 0.8 * 0.5)  # c_A a_mx a_xy
    assert d["weight[mineral:m>input:x]"] == pytest.approx(0.25 * 0.5)  # q_m a_xy
    assert d["weight[input:x>accelerator:y]"] == pytest.approx(0.2)  # q_x
    assert d["buffer"] == pytest.approx(-0.3, rel=1e-5)  # q_y = (1 - b)^3 0.1
    assert d["substitutability"] == pytest.approx(-0.3, rel=1e-5)  # three arcs' (1 - s)
    assert "weight[country:B>mineral:m]" not in d  # B is not shocked: no effect
    top = res["assumptions"][0]
    assert top["set_key"] == "substitutability"  # range 0-0.5 (sensitivity.toml): the widest
    assert top["shortfall_high"] == pytest.approx(0.1 * 0.5**3)


def test_variance_shares_from_the_monte_carlo_draws() -> None:
    # q_y = 0.5 w_Am w_mx w_xy: the widest relative range (x -> y, 0.3-0.7) explains the most
    res = run_sensitivity(_chain_graph(), "country:A", 50, node="accelerator:y", top=20,
                          samples=400, seed=2)
    var = res["variance"]
    assert var["samples"] == 400 and var["sampled_arcs"] == 4
    shares = {v["set_key"]: v["share"] for v in var["weights"]}
    assert list(shares)[0] == "weight[input:x>accelerator:y]"
    assert "weight[country:B>mineral:m]" not in shares  # B is not shocked: it explains nothing
    assert 0.8 < sum(shares.values()) < 1.1  # nearly additive here
    row = next(a for a in res["assumptions"] if a["set_key"] == "weight[input:x>accelerator:y]")
    assert row["variance_share"] == shares["weight[input:x>accelerator:y]"]
    again = run_sensitivity(_chain_graph(), "country:A", 50, node="accelerator:y", top=20,
                            samples=400, seed=2)["variance"]
    assert again == var  # seeded


def test_cli_samples_give_a_variance_ranking() -> None:
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "OpenAI",
                            "--top", "3", "--samples", "40", "--seed", "1", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    var = json.loads(r.stdout)["variance"]
    assert var["samples"] == 40 and var["seed"] == 1 and var["weights"]
    assert all(0 < v["share"] <= 1 and v["set_key"].startswith("weight[") for v in var["weights"])
    r = runner.invoke(app, ["sensitivity", "gallium", "--pct", "50", "--node", "OpenAI",
                            "--seed", "1"])
    assert r.exit_code == 2 and "--seed needs --samples" in r.stderr
