"""`riskgraph shock` market flags (issue 13): --allocation, --no-supply-response, --exports-to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.engine.result import schema_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return r.exit_code, r.stdout, r.stderr


def _json(*args: str) -> dict:
    code, out, err = run("shock", *args, "--format", "json", "--top", "50", "--horizon", "0")
    assert code == 0, err
    return json.loads(out)


def test_default_caveat_says_what_the_figure_is() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "0")
    assert code == 0, err
    assert ("long-run shortfall after supply response, mixed allocation theta=0.5; upper bound "
            "without either: --allocation proportional --no-supply-response.") in out
    assert "Gallium: cut 50.0%, supply response " in out and "net shortfall " in out


def test_upper_bound_caveat() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "0", "--allocation",
                         "proportional", "--no-supply-response")
    assert code == 0, err
    assert ("no-mitigation upper bound: no reallocation, no supply response, no inventories "
            "(--allocation proportional --no-supply-response).") in out
    code, out, err = run("shock", "TSMC", "--pct", "30", "--horizon", "0")
    assert "no-mitigation upper bound: no reallocation, no supply response, no inventories." in out
    code, out, err = run("shock", "TSMC", "--pct", "30")  # the monthly model runs by default
    assert ("shortfall: the no-mitigation upper bound of the long run (no reallocation, no "
            "supply response); the monthly columns add inventories, lags and installed "
            "bases.") in out


def test_rules_order_and_json_block() -> None:
    import jsonschema

    hi = _json("gallium", "--pct", "50", "--allocation", "proportional", "--no-supply-response")
    mid = _json("gallium", "--pct", "50")
    jsonschema.validate(mid, json.loads(Path(schema_path()).read_text()))
    q_hi = {n["id"]: n["shortfall"] for n in hi["nodes"]}
    q_mid = {n["id"]: n["shortfall"] for n in mid["nodes"]}
    assert q_mid["input:gan-power-devices"] < q_hi["input:gan-power-devices"]
    m = mid["market"]["minerals"][0]
    assert mid["market"]["allocation"] == "mixed" and m["id"] == "mineral:gallium"
    assert {"use", "share", "priority", "shortfall", "source"} <= set(m["uses"][0])
    assert m["net_shortfall"] == pytest.approx(m["cut"] - m["response"]["total"])


def test_exports_to_runs_and_differs_from_a_production_cut() -> None:
    ex = _json("gallium", "--pct", "100", "--country", "CN", "--exports-to", "US")
    prod = _json("gallium", "--pct", "100", "--country", "CN")
    b = ex["market"]["exports_to"]
    assert b["destination"] == "country:US" and b["lost_t"] > 0
    assert {n["id"]: n["shortfall"] for n in ex["nodes"]} != \
        {n["id"]: n["shortfall"] for n in prod["nodes"]}
    code, out, err = run("shock", "gallium", "--pct", "100", "--country", "CN", "--exports-to",
                         "US", "--horizon", "0")
    assert code == 0, err
    assert "Shock: gallium -100% of country:CN's exports to country:US" in out
    assert "HS 811292 is a basket" in out


@pytest.mark.parametrize(("args", "message"), [
    (("gallium", "--pct", "50", "--exports-to", "US"),
     "--exports-to needs --country (the exporting country, e.g. --country CN --exports-to US)"),
    (("gallium", "--pct", "50", "--country", "CN", "--exports-to", "DE"),
     "--exports-to DE: riskgraph has a destination's consumption only for US (USGS MCS 2025 "
     "apparent consumption); not for DE"),
    (("germanium", "--pct", "50", "--country", "CN", "--exports-to", "US"),
     "--exports-to US: no U.S. apparent consumption of Germanium on file (USGS MCS 2025 Table 5 "
     "withholds or omits it)"),
    (("gallium", "--pct", "50", "--allocation", "best"), None),
    (("gallium", "--pct", "50", "--set", "allocation=priority"),
     "--set allocation=priority: allocation is not set with --set; use --allocation"),
    (("gallium", "--pct", "50", "--set", "spare_capacity=0.2"),
     "--set spare_capacity=0.2: spare_capacity is a mineral's market parameter; name the "
     "mineral: spare_capacity[MINERAL]=VALUE"),
])
def test_errors(args: tuple[str, ...], message: str | None) -> None:
    code, out, err = run("shock", *args)
    assert code == 2
    assert "Traceback" not in err
    if message is not None:
        assert f"Error: {message}" in " ".join(err.split()), err


def test_rare_earths_exports_to_says_where_the_location_is_unknown() -> None:
    code, out, err = run("shock", "rare-earths", "--pct", "100", "--country", "CN", "--exports-to",
                         "US", "--horizon", "0")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "US consumption 6600 t x net import reliance 80%" in flat
    assert ("where riskgraph knows no provider, all of the product is assumed made in US (an "
            "upper bound): NdFeB permanent magnets.") in flat
