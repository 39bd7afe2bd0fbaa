"""`riskgraph data` and `riskgraph show`: exit codes, messages, JSON shape (real shipped data)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_data_json_shape() -> None:
    code, out, _ = run("data", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["schema"] == "riskgraph.data/1"
    keys = [s["key"] for s in d["sources"]]
    assert keys == ["article", "usgs", "cset", "epoch", "curated", "financials", "trade"]
    for s in d["sources"]:
        assert set(s) >= {"key", "title", "files", "rows", "nodes", "edges", "as_of", "licence"}
    assert d["graph"]["nodes"] > 0 and d["graph"]["edges"] > 0


def test_data_table() -> None:
    code, out, _ = run("data")
    assert code == 0
    assert "USGS" in out and "Merged graph:" in out


def test_show_gallium_json_has_both_china_shares_with_sources() -> None:
    code, out, _ = run("show", "gallium", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["id"] == "mineral:gallium"
    china = {s["key"]: s for s in d["suppliers"] if s["id"] == "country:CN"}
    usgs = china["country:CN|PRODUCES|mineral:gallium|usgs2024:Primary production:2023"]
    assert abs(usgs["weight"] - 0.98) < 0.01  # 600 000 of 610 000 kg, 2023 estimate
    assert "mcs2024-galli_world.csv" in usgs["source"] and usgs["year"] == 2023
    article = china["country:CN|PRODUCES|mineral:gallium|article:line14"]
    assert article["weight"] == 0.98
    assert "Tabelle 1" in article["source"] and "Gallium" in article["source"]
    hhi = {(h["release"], h["year"]): h for h in d["hhi"]}
    assert round(hhi[("usgs2024", "2023")]["hhi"], 1) == d["props"]["hhi"] == 9675.8


@pytest.mark.parametrize("name", ["Ga", "Gallium", "gallium"])
def test_show_spellings_are_one_node(name: str) -> None:
    code, out, _ = run("show", name, "--format", "json")
    assert code == 0
    assert json.loads(out)["id"] == "mineral:gallium"


def test_show_typo_exits_2_with_suggestion() -> None:
    code, out, err = run("show", "galium")
    assert code == 2
    assert err.strip() == (
        "Error: unknown node 'galium'; did you mean 'Gallium' or 'Palladium' or 'Helium'?")
    assert "Traceback" not in err + out


def test_every_command_has_help() -> None:
    """Every command, sub-command and option documents itself (duck-typed over click/typer)."""
    import typer.main

    def walk(cmd: Any, path: str) -> list[tuple[str, Any]]:
        out = [(path, cmd)]
        if hasattr(cmd, "list_commands"):
            ctx = cmd.make_context(path, ["--help"], resilient_parsing=True)
            for name in cmd.list_commands(ctx):
                out += walk(cmd.get_command(ctx, name), f"{path} {name}")
        return out

    commands = walk(typer.main.get_command(app), "riskgraph")
    assert len(commands) >= 8
    for path, cmd in commands:
        assert (cmd.help or "").strip(), f"{path!r} lacks help"
        for p in cmd.params:
            if getattr(p, "param_type_name", "") == "option" and not getattr(p, "hidden", False):
                assert (p.help or "").strip(), f"{path} {p.opts[0]} lacks help"
