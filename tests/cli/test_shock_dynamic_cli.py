"""`riskgraph shock ... --horizon/--duration` (the dynamic model) on the shipped graph."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.engine.result import schema_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_json_has_a_monthly_path_per_listed_node() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "24", "--format",
                         "json", "--top", "30")
    assert code == 0, err
    r = json.loads(out)
    jsonschema.validate(r, json.loads(schema_path().read_text()))
    blk = r["dynamic"]
    assert blk["horizon"] == 24 and blk["duration"] == 24 and blk["permanent"]
    assert [d["id"] for d in blk["nodes"]] == [n["id"] for n in r["nodes"]]
    for d in blk["nodes"]:
        assert len(d["path"]) == 24
        assert 0 <= d["peak"] <= 1 and d["time_to_recover"] is None  # the cut never ends
    ga = next(d for d in blk["nodes"] if d["id"] == "mineral:gallium")
    assert ga["path"] == pytest.approx([0.5] * 24) and ga["time_to_survive"] == 0


def test_finite_cut_recovers_and_the_table_says_when() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "12", "--duration",
                         "2", "--top", "5")
    assert code == 0, err
    assert "peak <=12 mo" in out and "hit from" in out and "back by" in out
    assert "cut lasting 2 months" in out
    assert "mo 3" in out  # gallium is back in month 3
    layer_table = out[out.index("Per layer"):]
    head = next(line for line in layer_table.splitlines() if "most affected" in line)
    assert "peak <=12 mo" in head and "hit from" in head
    minerals = next(line for line in layer_table.splitlines() if "minerals" in line)
    assert "50.0%" in minerals and "mo 1" in minerals


def test_horizon_zero_is_the_static_table() -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "0", "--top", "5")
    assert code == 0, err
    assert "hit from" not in out and "dynamic (" not in out
    code, out, err = run("shock", "gallium", "--pct", "50", "--horizon", "0", "--format",
                         "json")
    assert json.loads(out)["dynamic"] is None


@pytest.mark.parametrize(("args", "message"), [
    (("--horizon", "-2"), "--horizon must be between 0 and 600 months, got -2"),
    (("--duration", "0"), "--duration must be at least 1 month, got 0"),
    (("--horizon", "0", "--duration", "4"),
     "--duration needs a dynamic run: --horizon MONTHS (not 0)"),
    (("--horizon", "6", "--model", "debtrank"),
     "--horizon and --duration apply to downstream shocks with the iim model, not downstream "
     "debtrank; use --horizon 0 or leave them out"),
])
def test_bad_options_exit_2(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("shock", "gallium", "--pct", "50", *args)
    assert code == 2
    assert err.strip() == f"Error: {message}"
