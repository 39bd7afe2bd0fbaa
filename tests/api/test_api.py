"""The notebook API (``import riskgraph as rg``) on the shipped graph: same numbers as the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import riskgraph as rg
from riskgraph.cli.app import app
from riskgraph.engine.result import main_path_text, names_of
from riskgraph.errors import UnknownNodeError, UsageError

runner = CliRunner()


def cli_json(*args: str) -> dict:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def gallium() -> rg.ShockResult:
    return rg.shock("gallium", pct=50)


def test_import_is_lazy() -> None:
    code = ("import sys, riskgraph; "
            "print('riskgraph.api' in sys.modules, 'pandas' in sys.modules, "
            "'riskgraph.engine.shock' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
    assert set(rg.__all__) >= {"load_graph", "shock", "paths", "sensitivity", "show"}
    with pytest.raises(AttributeError):
        rg.no_such_function  # noqa: B018


def test_to_dict_equals_the_cli_json(gallium: rg.ShockResult) -> None:
    assert gallium.to_dict() == cli_json("shock", "gallium", "--pct", "50", "--format", "json")


def test_to_frame_equals_the_cli_json(gallium: rg.ShockResult) -> None:
    cli = cli_json("shock", "gallium", "--pct", "50", "--format", "json")
    df = gallium.to_frame()
    assert list(df.index) == [n["rank"] for n in cli["nodes"]]
    assert list(df["id"]) == [n["id"] for n in cli["nodes"]]
    assert list(df["layer"]) == [n["layer"] for n in cli["nodes"]]
    assert list(df["name"]) == [n["name"] for n in cli["nodes"]]
    assert list(df["shortfall"]) == [n["shortfall"] for n in cli["nodes"]]
    names = names_of(cli)
    assert list(df["main_path"]) == [main_path_text(n, names) for n in cli["nodes"]]
    for (_, row), n in zip(df.iterrows(), cli["nodes"], strict=True):
        ab = n["absolute"]
        if ab is None:
            assert row["absolute"] != row["absolute"] or row["absolute"] is None  # NaN / None
        else:
            assert row["absolute"] == ab["value"] and row["unit"] == ab["unit"]
    ga = df[df["id"] == "mineral:gallium"].iloc[0]
    assert ga["shortfall"] == pytest.approx(0.5) and ga["main_path"] == "(shocked)"
    assert df[df["id"] != "mineral:gallium"]["main_path"].str.startswith("Gallium -> ").all()


def test_options_pass_through_like_the_cli() -> None:
    args = ("shock", "gallium", "--pct", "40", "--country", "CN", "--top", "7",
            "--set", "buffer[TSMC]=0.3", "--samples", "20", "--seed", "3", "--format", "json")
    r = rg.shock("gallium", pct=40, country="CN", top=7, sets=["buffer[TSMC]=0.3"],
                 samples=20, seed=3)
    assert r.to_dict() == cli_json(*args)
    df = r.to_frame()
    assert len(df) == 7 and {"mc_median", "mc_p5", "mc_p95"} <= set(df.columns)


def test_paths_of_a_lab(gallium: rg.ShockResult) -> None:
    p = gallium.paths("OpenAI")
    assert len(p) >= 1
    assert list(p["contribution"]) == sorted(p["contribution"], reverse=True)
    assert p["chain"].str.startswith("Gallium -> ").all()
    assert p["chain"].str.endswith(" -> OpenAI").all()
    first = p.iloc[0]
    assert first["hops"] == len(first["detail"])
    assert all(h["source"] for h in first["detail"])
    # a node beyond the listed top is explained too
    listed = {n["id"] for n in gallium.to_dict()["nodes"]}
    assert "company:openai" not in listed or len(p) > 0


def test_paths_show_and_errors() -> None:
    dp = rg.paths("gallium", "OpenAI", top=3)
    assert 1 <= len(dp) <= 3 and dp["chain"].iloc[0].startswith("Gallium")
    info = rg.show("TSMC")
    cli = cli_json("show", "TSMC", "--format", "json")
    for key in ("schema", "id", "name", "kind", "layer", "source", "confidence", "hhi"):
        assert info[key] == cli[key], key
    for key in ("suppliers", "customers"):
        assert sorted(r["key"] for r in info[key]) == sorted(r["key"] for r in cli[key])
    with pytest.raises(UnknownNodeError):
        rg.show("Gallum")
    with pytest.raises(UsageError):
        rg.shock("gallium", pct=150)
    with pytest.raises(UsageError):
        rg.shock("gallium", pct=50, seed=1)


def test_sensitivity_and_compare_from_the_api(tmp_path) -> None:
    # a result's sensitivity explains that result's shortfall: here the no-mitigation model
    upper = {"allocation": "proportional", "supply_response": False}
    r1 = rg.shock("gallium", pct=50, top=60, **upper)  # every affected node listed
    s = r1.sensitivity("OpenAI", top=5)
    df = s.to_frame()
    assert len(df) == 5 and df["set_key"].iloc[0]
    top = s.to_dict()["assumptions"][0]
    r2 = rg.shock("gallium", pct=50, top=60, sets=[top["set"]], **upper)
    cmp = r1.compare(r2)
    row = next(x for x in cmp["nodes"] if x["id"] == "company:openai")
    assert row["a"] == pytest.approx(s.to_dict()["node"]["shortfall"])
    assert row["b"] == pytest.approx(top["shortfall_high"])
    saved = tmp_path / "a.json"
    r1.to_json(saved)
    assert rg.compare(saved, r2) == cmp
    # and the default shock (gallium's market step) gives the default sensitivity
    d = rg.shock("gallium", pct=50, top=60)
    q = next(n["shortfall"] for n in d.to_dict()["nodes"] if n["id"] == "company:openai")
    assert d.sensitivity("OpenAI", top=1).to_dict()["node"]["shortfall"] == pytest.approx(q)
    assert q < row["a"]


def test_paths_of_a_node_beyond_top_match_a_listing_that_includes_it() -> None:
    short = rg.shock("gallium", pct=50, top=1)
    full = rg.shock("gallium", pct=50, top=80)
    node = full.to_dict()["nodes"][-1]  # the least affected node: not in the top 1
    assert node["id"] not in {n["id"] for n in short.to_dict()["nodes"]}
    got = short.paths(node["id"])
    assert [d for d in got["detail"]] == [p["hops"] for p in node["paths"]]
    assert list(got["contribution"]) == [p["contribution"] for p in node["paths"]]


def test_sensitivity_to_dict_equals_the_cli_json() -> None:
    s = rg.sensitivity("gallium", pct=50, node="OpenAI", top=4)
    assert s.to_dict() == cli_json("sensitivity", "gallium", "--pct", "50", "--node", "OpenAI",
                                   "--top", "4", "--format", "json")


def test_exposure_equals_the_cli_json_and_frames_its_customers() -> None:
    assert {"exposure", "ExposureResult"} <= set(rg.__all__)
    e = rg.exposure("Vertiv")
    assert e.to_dict() == cli_json("exposure", "Vertiv", "--format", "json")
    df = e.to_frame()
    assert list(df["customer"]) == [r["customer"] for r in e.data["customers"]]
    assert df["amount_usd_m"].sum() == pytest.approx(e.data["ai_revenue_usd_m"])
    assert repr(e) == "<ExposureResult Vertiv (2024): 2,868 USD million = 35.8% of revenue>"
    n = rg.exposure("NuScale")
    assert repr(n) == "<ExposureResult NuScale Power (2024): not measured>"
    assert n.to_dict()["share_of_revenue"] is None and n.to_frame().empty
    with pytest.raises(UsageError) as ei:
        rg.exposure("gallium")
    assert str(ei.value) == "'gallium' is mineral:gallium, not a company"


def test_revenue_at_risk_frames_the_money_block(gallium: rg.ShockResult) -> None:
    r = rg.shock("labs", pct=30, direction="upstream")
    df = r.revenue_at_risk()
    m = r.to_dict()["money"]
    assert list(df.index) == [c["id"] for c in m["companies"]]
    nv = df.loc["company:nvidia"]
    assert nv["revenue_at_risk_usd_m"] == pytest.approx(106.57, abs=0.01)
    assert nv["main_path"] == "Nvidia -> Microsoft -> OpenAI"
    assert (df["revenue_at_risk_usd_m"] <= df["revenue_at_risk_high_usd_m"] + 1e-9).all()
    assert not set(df.index) & {c["id"] for c in m["not_covered"]}
    assert (df["ai_purchase_cut"] == df["purchase_cut"]).all()  # basis "revenue"
    seg = rg.shock("labs", pct=30, direction="upstream", purchase_basis="segment")
    sdf = seg.revenue_at_risk()
    assert sdf.loc["company:nvidia", "revenue_at_risk_usd_m"] == pytest.approx(308.7, abs=0.1)
    assert sdf.loc["company:microsoft", "ai_purchase_cut"] == pytest.approx(1200 / 87464)
    assert seg.options["purchase_basis"] == "segment"
    with pytest.raises(UsageError) as ei:
        gallium.revenue_at_risk()
    assert str(ei.value) == ("revenue at risk needs an upstream shock (direction='upstream') on "
                             "a graph with AI spend flows")


def test_capex_target_in_dollars() -> None:
    """``rg.shock("capex:microsoft", usd=10e9, direction="upstream")`` is
    ``riskgraph shock capex:microsoft --usd 10e9 --direction upstream``."""
    r = rg.shock("capex:microsoft", usd=10e9, direction="upstream")
    m = r.to_dict()["money"]
    assert m["capex"]["cut_usd_m"] == 10000
    assert r.options["pct"] == pytest.approx(100 * 10000 / m["capex"]["capex_usd_m"])
    df = r.revenue_at_risk()
    # Nvidia's flow is 30% of Microsoft's capex; a 10 bn cut takes 30% of it: 3.00 bn
    assert df.loc["company:nvidia", "revenue_at_risk_usd_m"] == pytest.approx(3000)
    for kwargs, msg in (({}, "pct is required (or usd=N with a capex:COMPANY target)"),
                        ({"pct": 5, "usd": 1e9}, "give pct or usd, not both")):
        with pytest.raises(UsageError) as ei:
            rg.shock("capex:microsoft", direction="upstream", **kwargs)  # type: ignore[arg-type]
        assert str(ei.value) == msg
