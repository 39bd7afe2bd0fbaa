"""The notebook API's dynamic model: ``rg.shock(..., horizon=, duration=)`` and
``ShockResult.monthly()`` give what ``riskgraph shock --horizon --duration`` prints."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import riskgraph as rg
from riskgraph.cli.app import app


def test_monthly_paths_equal_the_cli_json() -> None:
    r = rg.shock("gallium", pct=50, horizon=6, duration=2, top=5)
    out = CliRunner().invoke(app, ["shock", "gallium", "--pct", "50", "--horizon", "6",
                                   "--duration", "2", "--top", "5", "--format", "json"])
    assert out.exit_code == 0, out.stderr
    assert r.to_dict() == json.loads(out.stdout)
    df = r.monthly()
    assert list(df.index) == [1, 2, 3, 4, 5, 6] and df.shape == (6, 5)
    assert list(df["Gallium"]) == [0.5, 0.5, 0.0, 0.0, 0.0, 0.0]
    assert rg.shock("gallium", pct=50, horizon=0, top=3).monthly().empty
