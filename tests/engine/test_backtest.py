"""Backtests (issue 13 item 7): the shipped event files, the loader's exact errors on broken
copies, and the model-vs-observed figures on the shipped data.

The pinned model figures (EXPECTED) are what the current graph, markets data and defaults give;
they change when those change: ``.venv/bin/python tests/engine/test_backtest.py`` prints the
current ones to paste here (and update docs/model.md section 15 with them).  Some are also
recomputed here from ``run_shock``, so a failure says whether the backtest or the model moved.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from riskgraph.engine import backtest as bt
from riskgraph.engine.shock import run_shock
from riskgraph.errors import IngestError, UnknownNodeError
from riskgraph.graph.events import Event, ModelRun, Observation
from riskgraph.graph.model import GraphData
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.events import EVENTS_DIR, find_event, load_event, load_events

GALLIUM = EVENTS_DIR / "gallium-germanium-2023.toml"

# (event, run, observation) -> (model figure, verdict) on the shipped data
EXPECTED: dict[tuple[str, str, str], tuple[float, str]] = {
    ("gallium-germanium-2023", "world-supply", "rotterdam-price"): (1.0, "below"),
    ("gallium-germanium-2023", "world-supply", "us-gaas-wafer-imports"): (0.0, "below"),
    ("gallium-germanium-2023", "world-supply", "accelerator-output"): (0.0, "within"),
    ("gallium-germanium-2023", "world-supply", "ai-optics-output"): (0.0, "within"),
    ("gallium-germanium-2023", "china-output", "rotterdam-price"): (421.346790743529, "above"),
    ("gallium-germanium-2023", "china-output", "us-gaas-wafer-imports"): (0.001723185174530073,
                                                                           "below"),
    ("gallium-germanium-2023", "china-output", "accelerator-output"): (0.0, "within"),
    ("gallium-germanium-2023", "china-output", "ai-optics-output"): (0.2821179374999999,
                                                                      "above"),
    ("rare-earths-2010", "china-output", "nd-metal-price"): (2.979444564083783, "below"),
    ("rare-earths-2010", "china-output", "ce-oxide-price"): (2.979444564083783, "below"),
    ("tohoku-wafers-2011", "world-wafers", "wafer-shipments-q2-2011"): (0.25 / 3, "above"),
    ("tohoku-wafers-2011", "world-wafers", "wafer-shipments-2011"): (0.25 * 2 / 12, "above"),
    ("tohoku-wafers-2011", "world-wafers", "chipmakers-supplied"): (0.0, "within"),
}


@pytest.fixture(scope="module")
def results(real_graph: GraphData) -> dict[str, dict[str, Any]]:
    return {name: bt.backtest(real_graph, ev) for name, ev in load_events().items()}


# -- the shipped files -------------------------------------------------------------------------
def test_shipped_events_load() -> None:
    ev = load_events()
    assert sorted(ev) == ["gallium-germanium-2023", "rare-earths-2010", "tohoku-wafers-2011"]
    ga = ev["gallium-germanium-2023"]
    assert [r.name for r in ga.runs] == ["world-supply", "china-output", "us-ban-2024"]
    assert len(ga.sources) == 24 and len(ev["rare-earths-2010"].sources) == 7
    for e in ev.values():  # the file says what informed which parameter: nothing
        assert e.parameters_informed == ()
        assert "not used to set any model parameter" in e.not_used_for
        for o in e.observations:
            assert o.source and o.as_of and o.confidence in ("reported", "estimated")
            assert o.confidence == "reported" or o.rationale


def test_listing() -> None:
    rows = bt.listing(load_events())
    assert rows == [
        {"name": "gallium-germanium-2023",
         "title": "China's gallium and germanium export controls (licensing from 2023-08-01; "
                  "US ban 2024-12-03)",
         "period": ["2023-07", "2024-12"], "sources": 24, "runs": 3, "observations": 4},
        {"name": "rare-earths-2010",
         "title": "China's rare-earth export quota cuts and the 2010-2011 price spike",
         "period": ["2010-01", "2011-12"], "sources": 7, "runs": 1, "observations": 2},
        {"name": "tohoku-wafers-2011",
         "title": "The 2011 Tohoku earthquake and the silicon wafer plants (Shin-Etsu Shirakawa, "
                  "MEMC Utsunomiya)",
         "period": ["2011-03", "2011-12"], "sources": 5, "runs": 1, "observations": 3},
    ]


def test_observed_figures_match_their_sources() -> None:
    """The observed numbers are the cited ones: the USGS salient file, the Fastmarkets range."""
    ga = load_events()["gallium-germanium-2023"]
    obs = {o.id: o for o in ga.observations}
    path = DATA_DIR / "usgs" / "mcs2024_salient" / "mcs2024-galli_salient.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[4][2] == "2022" and rows[4][5] == "424000"  # line 5
    assert rows[5][2] == "2023" and rows[5][5] == "150000"  # line 6
    gaas = obs["us-gaas-wafer-imports"]
    assert gaas.observed == round(1 - 150_000 / 424_000, 4) == gaas.low == gaas.high
    price = obs["rotterdam-price"]
    assert (price.observed, price.low, price.high) == (
        round(550 / 257.5, 3), round(500 / 265, 3), round(600 / 250, 3))
    assert [p.value for p in obs["cn-gallium-exports"].series] == [
        5.15, 0.0, 0.0, 0.25, 1.53, 2.7, 11.217]


# -- model vs observed on the shipped data ---------------------------------------------------------
def figures(results: dict[str, dict[str, Any]]) -> dict[tuple[str, str, str], tuple[Any, str]]:
    """(event, run, observation) -> (model figure, verdict) of every judged comparison."""
    got = {}
    for name, res in results.items():
        for r in res["runs"]:
            for c in r["comparisons"]:
                if c["kind"] != "shock_input":
                    got[(name, r["name"], c["observation"])] = (c["model"], c["verdict"])
    return got


def test_backtest_figures(results: dict[str, dict[str, Any]]) -> None:
    got = figures(results)
    assert got.keys() == EXPECTED.keys()
    for k, (model, verdict) in EXPECTED.items():
        assert got[k][0] == pytest.approx(model, rel=1e-9, abs=1e-12), k
        assert got[k][1] == verdict, k


def test_shock_records_judge_nothing(results: dict[str, dict[str, Any]]) -> None:
    for res in results.values():
        for r in res["runs"]:
            for c in r["comparisons"]:
                if c["kind"] == "shock_input":
                    assert c["verdict"] == "not comparable" and c["model"] is None
                    assert c["why"] == ("a record of the shock: it sizes the runs, so it "
                                        "cannot judge them")


def test_backtest_reads_run_shock(real_graph: GraphData, results: dict[str, dict[str, Any]]
                                  ) -> None:
    """The figures are run_shock's: the AI-optics peak over its window, the price block."""
    res = results["gallium-germanium-2023"]
    run = next(r for r in res["runs"] if r["name"] == "china-output")
    assert run["command"] == "riskgraph shock gallium --pct 100 --country CN --horizon 17"
    direct = run_shock(real_graph, "gallium", 100, country="CN", horizon=17,
                       top=len(real_graph))
    path = next(n["path"] for n in direct["dynamic"]["nodes"]
                if n["id"] == "input:optical-transceivers")
    comp = {c["observation"]: c for c in run["comparisons"]}
    assert comp["ai-optics-output"]["model"] == max(path[:17])  # window 2023-08..2024-12
    assert comp["ai-optics-output"]["model_path"] == path
    price = next(m["price"] for m in direct["market"]["minerals"] if m["id"] == "mineral:gallium")
    assert comp["rotterdam-price"]["model"] == price["ratio"]
    assert (comp["rotterdam-price"]["model_low"], comp["rotterdam-price"]["model_high"]) == (
        price["ratio_low"], price["ratio_high"])


def test_tohoku_inventories_absorb_a_two_month_cut(results: dict[str, dict[str, Any]]) -> None:
    """25% of world wafer output lost for 2 months = half a month of flow, under the fabs'
    input cover (TSMC 10.8 weeks, markets inventories.csv): the wafer users lose nothing in the
    dynamic model, while the static (long-run, permanent) answer is the full 25%."""
    (run,) = results["tohoku-wafers-2011"]["runs"]
    comp = {c["observation"]: c for c in run["comparisons"]}
    assert comp["chipmakers-supplied"]["model_static"] == pytest.approx(0.25)
    assert comp["chipmakers-supplied"]["model_path"] == [0.0] * 10
    assert comp["wafer-shipments-q2-2011"]["model_path"][:3] == [0.25, 0.25, 0.0]


def test_monte_carlo_bands(real_graph: GraphData) -> None:
    """--samples: the AI-optics peak (window = the whole horizon) gets the dynamic peak's band;
    a mean over part of the horizon gets none, and says why; same seed, same bands."""
    ev = load_events()["gallium-germanium-2023"]
    res = bt.backtest(real_graph, ev, samples=20, seed=5)
    again = bt.backtest(real_graph, ev, samples=20, seed=5)
    assert res == again and res["monte_carlo"] == {"samples": 20, "seed": 5}
    run = next(r for r in res["runs"] if r["name"] == "china-output")
    comp = {c["observation"]: c for c in run["comparisons"]}
    band = comp["ai-optics-output"]["model_band"]
    assert band["p5"] <= band["median"] <= band["p95"]
    assert comp["ai-optics-output"]["band_verdict"] == (
        "overlaps" if band["p5"] <= 0.01 else "above")
    assert comp["us-gaas-wafer-imports"]["model_band"] is None
    assert comp["us-gaas-wafer-imports"]["band_note"] == (
        "no band: the Monte Carlo gives the static figure and the peak over the whole horizon, "
        "not this window's mean")
    world = next(r for r in res["runs"] if r["name"] == "world-supply")
    acc = next(c for c in world["comparisons"] if c["observation"] == "accelerator-output")
    assert acc["band_note"] == "not affected in the point run: the Monte Carlo lists no band"


def test_export_control_run(results: dict[str, dict[str, Any]]) -> None:
    run = next(r for r in results["gallium-germanium-2023"]["runs"]
               if r["name"] == "us-ban-2024")
    assert run["status"] == "ran"
    assert run["command"] == ("riskgraph shock gallium --pct 100 --country CN --exports-to US "
                              "--horizon 12")
    assert all(c["kind"] == "shock_input" for c in run["comparisons"])
    assert run["top"][0]["id"] == "input:gan-power-devices"  # context: no outcome judges it


# -- reading windows, verdicts, degrading --------------------------------------------------------
def _obs(**kw: Any) -> Observation:
    base: dict[str, Any] = dict(id="o", title="t", kind="shortfall", unit="shortfall",
                                window=("2023-01", "2023-12"), source="s", as_of="2023",
                                confidence="reported", rationale="", node="n:x",
                                observed=0.5, low=0.4, high=0.6)
    return Observation(**{**base, **kw})


def _run(**kw: Any) -> ModelRun:
    base: dict[str, Any] = dict(name="r", target="n:x", pct=50, start="2023-08",
                                rationale="", source="s", confidence="estimated")
    return ModelRun(**{**base, **kw})


def test_verdict_and_months() -> None:
    assert bt.verdict(0.5, 0.4, 0.6) == "within"
    assert bt.verdict(0.7, 0.4, 0.6) == "above"
    assert bt.verdict(0.3, 0.4, None) == "below"
    assert bt.verdict(9.0, 3.0, None) == "within"  # open above
    assert bt.months_between("2023-08", "2024-01") == 5


def _graph() -> GraphData:
    from riskgraph.graph.model import Node

    g = GraphData()
    g.add_node(Node("n:x", "input", "X", source="t", as_of="2024", confidence="reported",
                    layer="inputs"))
    return g


def test_static_result_held_over_the_duration() -> None:
    """Without a dynamic path the static figure holds for the run's months in the window:
    Aug-Nov 2023 at 0.6 -> mean over 2023 = 4 x 0.6 / 12."""
    result = {"nodes": [{"id": "n:x", "shortfall": 0.6}]}
    c = bt.compare_shortfall(_graph(), _obs(metric="mean"), _run(duration=4), result)
    assert c["model"] == pytest.approx(4 * 0.6 / 12)
    assert c["verdict"] == "below"
    assert c["model_basis"].startswith("static shortfall 0.6 held for 4 months from 2023-08")
    c = bt.compare_shortfall(_graph(), _obs(metric="peak"), _run(), result)
    assert (c["model"], c["verdict"]) == (0.6, "within")


def test_dynamic_path_read_over_the_window() -> None:
    result = {"nodes": [{"id": "n:x", "shortfall": 0.9}],
              "dynamic": {"horizon": 6, "nodes": [{"id": "n:x",
                                                    "path": [0, 0.1, 0.3, 0.2, 0.9, 0.9]}]}}
    c = bt.compare_shortfall(_graph(), _obs(metric="mean"), _run(), result)
    assert c["model"] == pytest.approx((0 + 0.1 + 0.3 + 0.2 + 0.9) / 12)  # Aug..Dec 2023
    c = bt.compare_shortfall(_graph(), _obs(metric="peak", window=("2023-08", "2023-10")),
                             _run(), result)
    assert c["model"] == 0.3
    # a node the dynamic block does not list was not affected: zeros
    assert bt.monthly_path({"dynamic": {"horizon": 3, "nodes": []}}, "n:x") == [0.0] * 3


def test_band_rules() -> None:
    """Static run: the static band when the window holds the run's start; dynamic run: the
    peak band only for a window over the whole horizon; above/below/overlaps."""
    mc = {"median": 0.3, "p5": 0.2, "p95": 0.4}
    static = {"monte_carlo": {"samples": 9}, "nodes": [{"id": "n:x", "shortfall": 0.3,
                                                        "monte_carlo": mc}]}
    c = bt.compare_shortfall(_graph(), _obs(low=0.0, high=0.1), _run(), static)
    assert (c["model_band"], c["band_verdict"]) == ({"p5": 0.2, "median": 0.3, "p95": 0.4},
                                                    "above")
    c = bt.compare_shortfall(_graph(), _obs(low=0.35, high=0.5), _run(), static)
    assert c["band_verdict"] == "overlaps"
    c = bt.compare_shortfall(_graph(), _obs(window=("2022-01", "2022-12")), _run(), static)
    assert c["model_band"] is None and c["band_note"].startswith("no band:")
    dyn = {**static, "nodes": [{"id": "n:x", "shortfall": 0.3,
                                "monte_carlo": {**mc, "peak": {"median": 0.1, "p5": 0.0,
                                                               "p95": 0.2}}}],
           "dynamic": {"horizon": 3, "nodes": [{"id": "n:x", "path": [0.0, 0.1, 0.3]}]}}
    whole = _obs(window=("2023-08", "2023-10"), low=0.5, high=0.9)
    c = bt.compare_shortfall(_graph(), whole, _run(), dyn)
    assert (c["model"], c["model_band"]["p95"], c["band_verdict"]) == (0.3, 0.2, "below")
    part = _obs(window=("2023-08", "2023-09"))
    assert bt.compare_shortfall(_graph(), part, _run(), dyn)["model_band"] is None


def test_degrades_without_engine_options() -> None:
    """An engine without --horizon/--exports-to: static answer with a note; an export control
    is not run (and says why)."""
    calls: list[dict[str, Any]] = []

    def old_engine(graph: GraphData, target: str, pct: float, *, country: str | None = None,
                   top: int = 25) -> dict[str, Any]:
        calls.append({"target": target, "pct": pct, "country": country})
        return {"nodes": [{"id": "n:x", "shortfall": 0.25}], "affected": 1}

    ev = Event(name="e", title="t", period=("2023-01", "2023-12"), summary="", shocks=(),
               runs=(_run(horizon=12, duration=4), _run(name="ban", exports_to="US")),
               observations=(_obs(metric="peak"),), parameters_informed=(),
               parameters_note="", not_used_for="")
    res = bt.backtest(_graph(), ev, runner=old_engine)
    first, ban = res["runs"]
    assert first["notes"] == ["--horizon 12 not available in this engine: static answer used",
                              "--duration 4 not available in this engine: static answer used"]
    assert first["command"] == "riskgraph shock n:x --pct 50"
    assert first["comparisons"][0]["model"] == 0.25
    assert first["comparisons"][0]["verdict"] == "below"
    assert ban["status"] == "not run"
    assert ban["why_not_run"] == ("an export control needs --exports-to, which this shock "
                                  "engine does not offer yet")
    assert ban["comparisons"][0]["why"].startswith("the run did not run: an export control")
    assert calls == [{"target": "n:x", "pct": 50, "country": None}]


def test_price_without_signal_is_not_comparable() -> None:
    from riskgraph.graph.model import Node

    g = _graph()
    g.add_node(Node("mineral:x", "mineral", "Xium", source="t", as_of="2024",
                    confidence="reported", layer="minerals"))
    o = _obs(kind="price", node=None, mineral="Xium", observed=2.0, low=1.5, high=2.5)
    c = bt.compare(g, o, _run(), {"nodes": [], "market": None})
    assert c["verdict"] == "not comparable"
    assert c["why"] == ("the shock engine gives no price signal for mineral:x in this run "
                        "(issue 13 item 6: market.price_pressure)")
    c = bt.compare(g, o, _run(), {"market": {"minerals": [
        {"id": "mineral:x", "price": {"ratio": 2.2, "ratio_low": 1.1, "ratio_high": 9.0}}]}})
    assert (c["model"], c["model_low"], c["model_high"], c["verdict"]) == (2.2, 1.1, 9.0,
                                                                           "within")


def test_unknown_node_not_comparable() -> None:
    c = bt.compare_shortfall(_graph(), _obs(node="n:nope"), _run(), {"nodes": []})
    assert c["verdict"] == "not comparable"
    assert c["why"].startswith("the graph cannot express it: unknown node 'n:nope'")


# -- the loader on broken copies -------------------------------------------------------------------
def _broken(tmp_path: Path, old: str, new: str, name: str = "gallium-germanium-2023") -> Path:
    text = GALLIUM.read_text(encoding="utf-8")
    assert old in text, old
    p = tmp_path / f"{name}.toml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def _line(p: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(p.read_text().splitlines(), 1) if needle in ln)


def _err(p: Path) -> str:
    with pytest.raises(IngestError) as e:
        load_event(p)
    return str(e.value)


def test_unknown_key_suggests(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'unit = "price ratio (after / before)"',
                'uint = "price ratio (after / before)"')
    assert _err(p) == (f"{p}, line {_line(p, 'uint =')}: [[observation]] 1: unknown key "
                       "'uint'; did you mean 'unit'?")


def test_bad_kind_suggests(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'kind = "price"', 'kind = "pric"')
    line = _line(p, 'kind = "pric"')
    assert _err(p) == (f"{p}, line {line}: [[observation]] 1: kind "
                       "'pric' is not one of shortfall, price, shock_input; did you mean 'price'?")


def test_missing_key(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'source = "the shock records above"\n', "")
    line = _line(p, 'name = "china-output"') - 1  # the [[run]] header
    assert _err(p) == (f"{p}, line {line}: [[run]] 2: "
                       "missing key 'source'")


def test_bad_month(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'start = "2023-08"\nend = "2024-12"',
                'start = "2023-13"\nend = "2024-12"')
    assert _err(p) == (f"{p}, line {_line(p, '2023-13')}: [[shock]] 1: 'start' must be a month "
                       "'YYYY-MM', got '2023-13'")


def test_runs_names_an_unknown_run(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'runs = ["world-supply", "china-output"]',
                'runs = ["world-suply", "china-output"]')
    assert _err(p) == (f"{p}, line {_line(p, 'world-suply')}: [[observation]] 1: runs names "
                       "'world-suply', which is no [[run]] of this file; did you mean "
                       "'world-supply'?")


def test_observed_outside_its_range(tmp_path: Path) -> None:
    p = _broken(tmp_path, "observed = 2.136", "observed = 3.136")
    assert _err(p) == (f"{p}, line {_line(p, 'observed = 3.136')}: [[observation]] 1: observed "
                       "3.136 is outside [low, high] = [1.887, 2.4]")


def test_name_must_match_the_file(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'name = "gallium-germanium-2023"', 'name = "gallium-2023"')
    assert _err(p) == (f"{p}, line 6: name 'gallium-2023' differs from the file name "
                       "'gallium-germanium-2023'")


def test_not_toml(tmp_path: Path) -> None:
    p = _broken(tmp_path, 'title = "China', 'title = China')
    assert _err(p) == f"{p}, line 7: not valid TOML: Invalid value (at line 7, column 9)"


def test_find_event_suggests() -> None:
    ev = load_events()
    assert find_event(" rare-earths-2010 ", ev).name == "rare-earths-2010"
    with pytest.raises(UnknownNodeError) as e:
        find_event("galium", ev)
    assert str(e.value) == "unknown event 'galium'; did you mean 'gallium-germanium-2023'?"
    assert e.value.exit_code == 2


if __name__ == "__main__":  # print the current figures, to re-pin EXPECTED
    from riskgraph.ingest.build import load_graph

    g = load_graph(None)
    res = {name: bt.backtest(g, ev) for name, ev in load_events().items()}
    for key, val in figures(res).items():
        print(f"    {key!r}: {val!r},")
