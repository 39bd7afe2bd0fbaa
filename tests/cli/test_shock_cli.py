"""`riskgraph shock` and `riskgraph paths` on the real, shipped graph (no server, no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.engine.result import schema_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_main_command_prints_the_table() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50")
    assert code == 0, err
    assert "Shock: gallium -50% (iim, downstream)" in out
    assert "Gallium" in out and "shortfall" in out and "Per layer" in out
    assert "50.0%" in out  # gallium itself


def test_json_output_follows_the_schema() -> None:
    import jsonschema

    code, out, err = run("shock", "gallium", "--pct", "50", "--format", "json", "--top", "50")
    assert code == 0, err
    result = json.loads(out)
    jsonschema.validate(result, json.loads(Path(schema_path()).read_text()))
    assert result["schema"] == "riskgraph.shock/2"
    ga = next(n for n in result["nodes"] if n["id"] == "mineral:gallium")
    assert ga["shortfall"] == pytest.approx(0.5)
    # a flow: tonnes per year of the newest USGS figure (MCS 2025: 760 t in 2024)
    assert ga["absolute"]["unit"] in ("kg per year", "t per year") and ga["absolute"]["value"] > 0
    assert ga["absolute"]["period"] == "2024"
    layers = [lay["layer"] for lay in result["layers"]]
    # gallium reaches deployment (optics, power) and the clouds and labs, not the chip product
    assert "labs" in layers and "clouds" in layers and "chips" not in layers


def test_country_arithmetic_on_real_data() -> None:
    # 50% of China's gallium output is 50% x China's share (about 98%) = about 49% of world supply
    code, out, err = run("shock", "gallium", "--pct", "50", "--country", "CN", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    (initial,) = r["shock"]["initial"]
    assert initial["id"] == "mineral:gallium"
    assert round(100 * initial["shock"]) == 49
    assert r["shock"]["country"] == "country:CN"


@pytest.mark.parametrize("pct", ["0", "150", "-5", "100.01"])
def test_pct_out_of_range_exits_2(pct: str) -> None:
    code, out, err = run("shock", "gallium", "--pct", pct)
    assert code == 2
    assert err == f"Error: --pct must be in (0, 100], got {float(pct):g}\n"


def test_unknown_target_exits_2_with_suggestion() -> None:
    code, out, err = run("shock", "galium", "--pct", "50")
    assert code == 2
    assert err.startswith("Error: unknown node 'galium'; did you mean 'Gallium'")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("defualt_weight=0.5",
         "Error: --set defualt_weight=0.5: unknown key 'defualt_weight'; "
         "did you mean 'default_weight'?\n"),
        ("substitutability=x", "Error: --set substitutability=x: 'x' is not a number\n"),
        ("substitutability=1.2",
         "Error: --set substitutability=1.2: substitutability must be in [0, 1]\n"),
        ("weight[gallium]=0.3",
         "Error: --set weight[gallium]=0.3: expected weight[FROM>TO]=VALUE\n"),
    ],
)
def test_bad_set_exits_2(setting: str, message: str) -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--set", setting)
    assert code == 2
    assert err == message


def test_set_with_unknown_node_exits_2() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--set", "buffer[Microsfot]=0.3")
    assert code == 2
    assert err.startswith("Error: unknown node 'Microsfot'; did you mean 'Microsoft'")
    assert err.count("\n") == 1


def test_set_changes_the_result() -> None:
    base = json.loads(run("shock", "gallium", "--pct", "50", "--format", "json")[1])
    sub = json.loads(run("shock", "gallium", "--pct", "50", "--format", "json",
                         "--set", "buffer=0.5")[1])
    b = {n["id"]: n["shortfall"] for n in base["nodes"]}
    s = {n["id"]: n["shortfall"] for n in sub["nodes"]}
    assert [{k: o[k] for k in ("key", "target", "value")} for o in sub["overrides"]] == [
        {"key": "buffer", "target": None, "value": 0.5}]
    common = [k for k in s if k in b and k != "mineral:gallium"]
    assert common and all(s[k] <= b[k] + 1e-12 for k in common)
    assert any(s[k] < b[k] - 1e-6 for k in common)


def test_upstream_layer_and_csv() -> None:
    code, out, err = run("shock", "clouds", "--pct", "30", "--direction", "upstream",
                         "--format", "csv")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("rank,id,name,kind,layer,shortfall")
    assert len(lines) > 2


def test_monte_carlo_reproducible_from_the_cli() -> None:
    args = ("shock", "gallium", "--pct", "50", "--format", "json", "--samples", "30")
    a = json.loads(run(*args, "--seed", "1")[1])
    b = json.loads(run(*args, "--seed", "1")[1])
    c = json.loads(run(*args, "--seed", "2")[1])
    assert a["monte_carlo"]["seed"] == 1
    assert [n["monte_carlo"] for n in a["nodes"]] == [n["monte_carlo"] for n in b["nodes"]]
    assert [n["monte_carlo"] for n in a["nodes"]] != [n["monte_carlo"] for n in c["nodes"]]


def test_debtrank_model() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--model", "debtrank",
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["model"]["name"] == "debtrank"


def test_html_view_is_written(tmp_path: Path) -> None:
    page = tmp_path / "shock.html"
    code, out, err = run("shock", "gallium", "--pct", "50", "--html", str(page), "--format",
                         "json")
    assert code == 0, err
    n = len(json.loads(out)["nodes"])
    assert page.exists() and page.stat().st_size > 1000
    assert err.startswith(f"Wrote {page} (")
    assert int(err.split("(")[1].split()[0]) >= n


def test_paths_command() -> None:
    code, out, err = run("paths", "gallium", "OpenAI", "--format", "json", "--top", "3")
    assert code == 0, err
    res = json.loads(out)
    assert res["from"] == "mineral:gallium" and res["to"] == "company:openai"
    assert 1 <= len(res["paths"]) <= 3
    deps = [p["dependency"] for p in res["paths"]]
    assert deps == sorted(deps, reverse=True)
    first = res["paths"][0]["hops"]
    assert first[0]["src"] == "mineral:gallium" and first[-1]["dst"] == "company:openai"
    assert all(h["source"] for h in first)
    code, out, err = run("paths", "gallium", "OpenAI")
    assert code == 0 and "Dependency paths: Gallium -> OpenAI" in out
    code, out, err = run("paths", "galium", "OpenAI")
    assert code == 2 and err.startswith("Error: unknown node 'galium'")


def test_show_gallium_json_has_the_2024_figure_beside_the_older_ones() -> None:
    # issue 11: MCS 2025 (2024 figures) is the newest release, with its source
    code, out, err = run("show", "gallium", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    cn = {s["as_of"]: s for s in d["suppliers"] if s["id"] == "country:CN"}
    assert {"2024", "2023", "2022"} <= set(cn)
    assert cn["2024"]["weight"] == pytest.approx(750 / 760)
    assert "Mineral Commodity Summaries 2025, Table 5" in cn["2024"]["source"]
    assert "Mineral Commodity Summaries 2024" in cn["2023"]["source"]
    assert d["props"]["us_net_import_reliance_pct_2024"] == 100


def test_taiwan_and_china_reach_the_firms_located_there() -> None:
    code, out, err = run("shock", "Taiwan", "--pct", "100", "--format", "json", "--top", "400")
    assert code == 0, err
    q = {n["id"]: n["shortfall"] for n in json.loads(out)["nodes"]}
    assert q["company:tsmc"] == pytest.approx(0.97)  # its Taiwan share of leading-edge capacity
    assert q["accelerator:nvidia-gpu"] > 0.9  # the accelerators TSMC makes
    assert q["accelerator:huawei-ascend"] < 0.5  # mostly made by SMIC in China
    code, out, err = run("shock", "CN", "--pct", "100", "--format", "json", "--top", "400")
    q = {n["id"]: n["shortfall"] for n in json.loads(out)["nodes"]}
    assert q["company:innolight"] == pytest.approx(0.6)
