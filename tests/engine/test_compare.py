"""`riskgraph compare A.json B.json`: what changed between two saved shock results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import riskgraph as rg
from riskgraph.cli.app import app
from riskgraph.engine.compare import compare_results

runner = CliRunner()


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, Path, dict, dict]:
    d = tmp_path_factory.mktemp("cmp")
    a = rg.shock("gallium", pct=50, top=60)
    b = rg.shock("gallium", pct=50, top=60, sets=["buffer[Microsoft]=0.5"])
    pa, pb = d / "a.json", d / "b.json"
    a.to_json(pa)
    b.to_json(pb)
    return pa, pb, a.to_dict(), b.to_dict()


def test_per_node_and_layer_changes(saved) -> None:
    pa, pb, a, b = saved
    r = runner.invoke(app, ["compare", str(pa), str(pb), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    cmp = json.loads(r.stdout)
    assert cmp["schema"] == "riskgraph.compare/1"
    sa = {n["id"]: n["shortfall"] for n in a["nodes"]}
    sb = {n["id"]: n["shortfall"] for n in b["nodes"]}
    by = {x["id"]: x for x in cmp["nodes"]}
    for nid in set(sa) & set(sb):
        assert by[nid]["delta"] == pytest.approx(sb[nid] - sa[nid])
    ms = by["company:microsoft"]
    assert ms["change"] == "down" and ms["b"] == pytest.approx(0.5 * ms["a"], rel=1e-9)
    assert by["mineral:gallium"]["change"] == "unchanged"
    assert "--set buffer[Microsoft]=0.5" in cmp["b"]["scenario"]
    deltas = [abs(x["delta"]) for x in cmp["nodes"] if x["delta"] is not None]
    assert deltas == sorted(deltas, reverse=True)
    labs = next(x for x in cmp["layers"] if x["layer"] == "labs")
    assert labs["max_b"] <= labs["max_a"]


def test_table_output(saved) -> None:
    pa, pb, _, _ = saved
    r = runner.invoke(app, ["compare", str(pa), str(pb), "--top", "5"])
    assert r.exit_code == 0, r.stderr
    assert "Microsoft" in r.stdout and "Per layer" in r.stdout and "pt" in r.stdout


def test_unlisted_node_is_not_zero() -> None:
    a = rg.shock("gallium", pct=50, top=3).to_dict()
    b = rg.shock("gallium", pct=50, top=60).to_dict()
    cmp = compare_results(a, b)
    ms = next(x for x in cmp["nodes"] if x["id"] == "company:microsoft")
    assert ms["a"] is None and ms["delta"] is None and ms["change"] == "not comparable"


def test_bad_files_exit_2_naming_the_file(tmp_path, saved) -> None:
    pa = saved[0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "riskgraph.shock/1", "nodes": [}')
    other = tmp_path / "other.json"
    other.write_text('{"schema": "riskgraph.graph/1"}')
    for path, words in ((bad, "not JSON (line 1"), (other, "not a shock result"),
                        (tmp_path / "none.json", "no such file")):
        r = runner.invoke(app, ["compare", str(pa), str(path)])
        assert r.exit_code == 2, r.stdout
        assert str(path) in r.stderr and words in r.stderr and r.stderr.count("\n") == 1
