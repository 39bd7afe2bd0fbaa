"""`riskgraph backtest --list` and `riskgraph backtest NAME` (issue 13 item 7)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from riskgraph.cli.app import app

runner = CliRunner()


def test_list_table() -> None:
    r = runner.invoke(app, ["backtest", "--list"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Backtests (riskgraph backtest NAME)")
    row = next(ln for ln in lines if "gallium-germanium-2023" in ln)
    assert "2023-07..2024-12" in row and "24" in row.split()
    row = next(ln for ln in lines if "rare-earths-2010" in ln)
    assert "2010-01..2011-12" in row and " 7 " in row


def test_list_json() -> None:
    r = runner.invoke(app, ["backtest", "--list", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema"] == "riskgraph.backtests/1"
    assert [(e["name"], e["sources"]) for e in d["events"]] == [
        ("gallium-germanium-2023", 24), ("rare-earths-2010", 7), ("tohoku-wafers-2011", 5)]


def test_unknown_name_suggests() -> None:
    r = runner.invoke(app, ["backtest", "galium"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr == "Error: unknown event 'galium'; did you mean 'gallium-germanium-2023'?\n"
    assert "Traceback" not in r.stderr


def test_name_or_list_required() -> None:
    r = runner.invoke(app, ["backtest"])
    assert r.exit_code == 2
    assert r.stderr == "Error: give an event NAME (riskgraph backtest --list shows them)\n"
    r = runner.invoke(app, ["backtest", "rare-earths-2010", "--list"])
    assert r.exit_code == 2
    assert r.stderr == "Error: give an event NAME or --list, not both\n"


def test_backtest_table() -> None:
    r = runner.invoke(app, ["backtest", "gallium-germanium-2023"])
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert out.startswith("Backtest gallium-germanium-2023: China's gallium and germanium "
                          "export controls")
    assert "Run world-supply: riskgraph shock gallium --pct 15 --horizon 17 --duration 4" in out
    assert "Run china-output: riskgraph shock gallium --pct 100 --country CN --horizon 17" in out
    assert "64.6%" in out  # US GaAs wafer imports 424 t -> 150 t
    assert "mcs2024-galli_salient.csv" in out
    assert "Parameters informed by this event: none (no default, range or market parameter" in out


def test_backtest_json() -> None:
    r = runner.invoke(app, ["backtest", "rare-earths-2010", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema"] == "riskgraph.backtest/1"
    assert d["event"]["name"] == "rare-earths-2010"
    (run,) = d["runs"]
    assert run["command"] == "riskgraph shock rare-earths --pct 37 --country CN --horizon 24"
    assert {c["observation"]: c["verdict"] for c in run["comparisons"]} == {
        "nd-metal-price": "below", "ce-oxide-price": "below",
        "cn-re-exports-2010": "not comparable"}


def test_seed_needs_samples() -> None:
    r = runner.invoke(app, ["backtest", "rare-earths-2010", "--seed", "3"])
    assert r.exit_code == 2
    assert r.stderr == "Error: --seed needs --samples N\n"


def test_csv_is_not_a_format() -> None:
    r = runner.invoke(app, ["backtest", "--list", "--format", "csv"])
    assert r.exit_code == 2
    assert "Traceback" not in r.stderr
