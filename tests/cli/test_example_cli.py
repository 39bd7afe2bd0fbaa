"""`riskgraph example DIR` then `riskgraph bulk-shock DIR ...`: the README's runnable example.

The README used to show only `bulk-shock DIR company:acme` (no such map shipped), and pointing
bulk-shock at the shipped curated folder fails.  The shipped example map must run, with the
shortfalls the model gives by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from riskgraph.cli.app import app

runner = CliRunner()
TARGET = "company:example-gallium-refinery"


def test_example_then_bulk_shock(tmp_path: Path) -> None:
    d = tmp_path / "map"
    r = runner.invoke(app, ["example", str(d)])
    assert r.exit_code == 0, r.stderr
    assert f"riskgraph bulk-shock {d} {TARGET} --pct 50" in r.stdout
    assert sorted(p.name for p in d.iterdir()) == ["README.md", "example_links.csv",
                                                   "example_nodes.csv"]
    r = runner.invoke(app, ["bulk-shock", str(d), TARGET, "--pct", "50", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    got = {x["id"]: round(x["shortfall"], 12) for x in json.loads(r.stdout)["top"]}
    cloud_n = 0.6 * 0.042 * (1 - 0.1)  # servers 0.3 * 14% (switches), substitutability 0.1
    cloud_s = 0.3 * 0.042 * (1 - 0.1)
    assert got == {
        TARGET: 0.5,
        "company:example-laser-fab": 0.4,  # 0.8 x 50%
        "company:example-optics": 0.28,  # 0.7 x 40%
        "company:example-switches": 0.14,  # 0.5 x 28%
        "company:example-servers": round(0.3 * 0.14, 12),
        "company:example-cloud-north": round(cloud_n, 12),
        "company:example-cloud-south": round(cloud_s, 12),
        "company:example-lab": round(0.7 * cloud_n + 0.3 * cloud_s, 12),  # shares of compute add
    }


def test_the_example_merges_into_the_real_graph(tmp_path: Path) -> None:
    d = tmp_path / "map"
    assert runner.invoke(app, ["example", str(d)]).exit_code == 0
    r = runner.invoke(app, ["shock", "Example Gallium Refinery", "--pct", "50", "--data-dir",
                            str(d), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["affected"] == 8
    lab = next(n for n in res["nodes"] if n["id"] == "company:example-lab")
    assert lab["layer"] == "labs" and round(lab["shortfall"], 4) == 0.0193


def test_example_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("mine\n")
    r = runner.invoke(app, ["example", str(tmp_path)])
    assert r.exit_code == 2
    want = f"Error: {tmp_path} exists and is not an empty folder; name a new one"
    assert r.stderr.strip() == want
    assert (tmp_path / "x.txt").read_text() == "mine\n"
