"""`riskgraph shock --backend neo4j` reads the graph back from Neo4j and gives exactly the
embedded result (the JSON differs only in the field naming the backend)."""

from __future__ import annotations

import json

import pytest

from riskgraph.graph.neo4j import store
from riskgraph.ingest.build import build

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def loaded(driver, neo4j_settings, real_graph):  # type: ignore[no-untyped-def]
    store.write_graph(
        driver,
        real_graph,
        database=neo4j_settings.database,
        units=store.units_from_parts(real_graph, build([]).parts),
        wipe_first=True,
    )
    return real_graph


def _without_backend(doc: dict) -> dict:
    assert doc["data"].pop("backend") in ("embedded", "neo4j")
    return doc


@pytest.mark.parametrize(
    "args",
    [
        ["gallium", "--pct", "50"],
        ["TSMC", "--pct", "30", "--model", "debtrank"],
        ["germanium", "--pct", "40", "--country", "CN"],
    ],
    ids=["gallium-iim", "tsmc-debtrank", "germanium-cn"],
)
def test_shock_json_is_identical_on_both_backends(cli, loaded, args: list[str]) -> None:
    emb = cli("shock", *args, "--format", "json")
    neo = cli("shock", *args, "--format", "json", "--backend", "neo4j")
    assert emb.returncode == 0, emb.stderr
    assert neo.returncode == 0, neo.stderr
    e, n = json.loads(emb.stdout), json.loads(neo.stdout)
    assert e["data"]["backend"] == "embedded" and n["data"]["backend"] == "neo4j"
    assert _without_backend(n) == _without_backend(e)


def test_neo4j_backend_down_is_one_line(cli, loaded) -> None:
    r = cli(
        "shock",
        "gallium",
        "--pct",
        "50",
        "--backend",
        "neo4j",
        env={"NEO4J_URI": "bolt://127.0.0.1:1"},
    )
    assert r.returncode == 5
    assert r.stderr.strip().startswith("Error: cannot reach Neo4j at bolt://127.0.0.1:1")
    assert "Traceback" not in r.stderr
