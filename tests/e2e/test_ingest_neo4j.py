"""`riskgraph ingest --neo4j` on the real server: counts, idempotence, a killed run, errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riskgraph.graph.neo4j import store
from riskgraph.ingest.build import build

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clean_run(driver, neo4j_settings, real_graph, cli):  # type: ignore[no-untyped-def]
    """A clean ingest through the CLI: the reference counts and graph."""
    r = cli("ingest", "--neo4j", "--wipe")
    assert r.returncode == 0, r.stderr
    db = neo4j_settings.database
    return store.counts(driver, database=db), store.read_graph(driver, database=db), r.stdout


def test_ingest_writes_every_source(clean_run, real_graph) -> None:
    counts, graph, out = clean_run
    assert counts["nodes"] == len(real_graph)
    assert counts["relationships"] == real_graph.number_of_edges()
    assert graph.to_dict() == real_graph.to_dict()
    for source in ("article", "usgs", "cset", "epoch", "curated"):
        assert source in out
    assert f"{len(real_graph)} nodes and {real_graph.number_of_edges()} relationships" in out


def test_reingest_changes_no_count(driver, neo4j_settings, clean_run, cli) -> None:
    counts, graph, _ = clean_run
    r = cli("ingest", "--neo4j", "--batch-size", "250")
    assert r.returncode == 0, r.stderr
    db = neo4j_settings.database
    assert store.counts(driver, database=db) == counts
    assert store.read_graph(driver, database=db).to_dict() == graph.to_dict()


def test_ingest_killed_half_way_then_rerun_equals_clean_run(
    driver, neo4j_settings, clean_run, real_graph, cli
) -> None:
    counts, graph, _ = clean_run
    db = neo4j_settings.database
    units = store.units_from_parts(real_graph, build([]).parts)
    env = dict(os.environ)
    env.pop("RISKGRAPH_DATA", None)
    # Row by row, so the run takes long enough to be killed between two committed sources.
    proc = subprocess.Popen(
        [sys.executable, "-m", "riskgraph", "ingest", "--neo4j", "--wipe", "--batch-size", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rels = store.counts(driver, database=db)["relationships"]
            if 0 < rels < counts["relationships"]:
                break
            assert proc.poll() is None, "the ingest finished before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("no source was committed within 120 s")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    half = store.read_graph(driver, database=db)
    assert 0 < half.number_of_edges() < graph.number_of_edges()
    # Atomic per source: each source's relationships are all there or none is.
    for u in units:
        present = sum(1 for k in u.edge_keys if k in half.edges)
        assert present in (0, len(u.edge_keys)), f"source {u.name}: {present}/{len(u.edge_keys)}"
    r = cli("ingest", "--neo4j")
    assert r.returncode == 0, r.stderr
    assert store.counts(driver, database=db) == counts
    assert store.read_graph(driver, database=db).to_dict() == graph.to_dict()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--password", "not-the-password"], "refused the login of user 'neo4j'"),
        (["--uri", "bolt://127.0.0.1:1"], "cannot reach Neo4j at bolt://127.0.0.1:1"),
        (["--database", "nosuchdb"], "has no database 'nosuchdb'"),
    ],
    ids=["wrong-password", "server-down", "unknown-database"],
)
def test_connection_errors_are_one_line(args: list[str], expected: str, driver, cli) -> None:
    r = cli("ingest", "--neo4j", *args, timeout=120)
    assert r.returncode == 5
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: ") and expected in lines[0]
    assert "Traceback" not in r.stderr + r.stdout
    assert "not-the-password" not in r.stderr + r.stdout


def test_query_errors_are_one_line(driver, cli) -> None:
    r = cli("query", "minerals-by-hhi", "--password", "not-the-password")
    assert r.returncode == 5 and len(r.stderr.strip().splitlines()) == 1
    assert "not-the-password" not in r.stderr
    r = cli("query", "minerals-by-hhi", "--uri", "bolt://127.0.0.1:1")
    assert r.returncode == 5 and "cannot reach" in r.stderr and "Traceback" not in r.stderr


def test_ingest_without_neo4j_prints_counts(real_graph, cli) -> None:
    r = cli("ingest")
    assert r.returncode == 0, r.stderr
    assert f"{len(real_graph)} nodes, {real_graph.number_of_edges()} edges" in r.stdout


USER_NODES = """id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale
company:acme-optics,company,Acme Optics,,network,Acme,Acme purchasing export 2025-06,2025,reported,
"""
USER_LINKS = (
    "from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,"
    "confidence,rationale,amount,unit\n"
    "Acme,TSMC,SUPPLIES,10%,5%,20%,,,our sales ledger,2025-06,estimated,Test optics,,\n"
)


def test_user_data_dir_is_one_more_source_and_pruned_when_gone(
    driver, neo4j_settings, clean_run, cli, tmp_path
) -> None:
    counts, graph, _ = clean_run
    d = tmp_path / "mine"
    d.mkdir()
    (d / "my_nodes.csv").write_text(USER_NODES, encoding="utf-8")
    (d / "my_links.csv").write_text(USER_LINKS, encoding="utf-8")
    db = neo4j_settings.database
    r = cli("ingest", "--neo4j", "--data-dir", str(d))
    assert r.returncode == 0, r.stderr
    assert "user:mine" in r.stdout
    back = store.read_graph(driver, database=db)
    assert back.nodes["company:acme-optics"].name == "Acme Optics"
    assert "company:acme-optics|SUPPLIES|company:tsmc|user:mine" in back.edges
    assert back.number_of_edges() == graph.number_of_edges() + 1
    r = cli("ingest", "--neo4j")  # the folder is no longer given: its node and edge go
    assert r.returncode == 0, r.stderr
    assert "removed 1 nodes and 1 relationships" in r.stdout
    assert store.counts(driver, database=db) == counts
