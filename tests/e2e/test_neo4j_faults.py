"""Neo4j faults on a throw-away second server (own port, own home under tmp, stopped at the end).

(a) The server is SIGKILLed in the middle of ``riskgraph ingest --neo4j``: the ingest exits
non-zero with a one-line error and no traceback; what was committed before the kill survives
the restart, one whole source at a time; a re-run completes and gives exactly the graph and
the counts of a clean ingest into a wiped database, with no duplicate node or relationship.

(b) A restart between two commands: ``riskgraph query`` gives identical output before
``riskgraph neo4j stop`` and after ``riskgraph neo4j start``; while the server is down the same
command exits 5 with one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from riskgraph.graph.model import GraphData
from riskgraph.graph.neo4j import store
from riskgraph.graph.neo4j.connection import Neo4jSettings, connect
from riskgraph.ingest.build import build

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "fault-pass-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Second:
    """The throw-away server: its CLI environment, settings and pid file."""

    def __init__(self, home: Path, port: int) -> None:
        self.home = home
        self.uri = f"bolt://127.0.0.1:{port}"
        self.env = {
            "NEO4J_LOCAL_HOME": str(home),
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": "neo4j",
            "NEO4J_PASSWORD": PASSWORD,
            "NEO4J_DATABASE": "neo4j",
            "NEO4J_LOCAL_HEAP": "512m",
        }
        self.settings = Neo4jSettings(self.uri, "neo4j", PASSWORD, "neo4j")

    def pid(self) -> int | None:
        try:
            return int((self.home / "run" / "riskgraph-neo4j.pid").read_text().strip())
        except (OSError, ValueError):
            return None


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory, cli) -> Iterator[Second]:
    from riskgraph.neo4j_local.server import _alive

    srv = Second(tmp_path_factory.mktemp("neo4j-faults") / "home", free_port())
    try:
        r = cli("neo4j", "start", "--timeout", "180", env=srv.env)
        assert r.returncode == 0, r.stderr
        yield srv
    finally:
        cli("neo4j", "stop", env=srv.env)
        pid = srv.pid()
        if pid is not None and _alive(pid):  # stop failed: do not leave a server behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _one_line_error(r: subprocess.CompletedProcess[str] | tuple[int, str, str]) -> str:
    rc, out, err = (r.returncode, r.stdout, r.stderr) if not isinstance(r, tuple) else r
    assert rc != 0
    assert "Traceback" not in out + err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert PASSWORD not in out + err
    return lines[0]


def _duplicates(driver: Any, db: str) -> tuple[int, int]:
    recs, _, _ = driver.execute_query(
        "MATCH (n:Entity) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS d",
        database_=db,
    )
    nodes = recs[0]["d"]
    recs, _, _ = driver.execute_query(
        "MATCH ()-[r]->() WHERE r.kid IS NOT NULL WITH type(r) AS t, r.kid AS k, count(*) AS c "
        "WHERE c > 1 RETURN count(*) AS d",
        database_=db,
    )
    return nodes, recs[0]["d"]


def test_server_killed_mid_ingest_then_rerun_equals_clean_run(
    second: Second, real_graph: GraphData, cli
) -> None:
    from riskgraph.neo4j_local.server import _alive

    db = second.settings.database
    total = real_graph.number_of_edges()
    units = store.units_from_parts(real_graph, build([]).parts)
    env = dict(os.environ)
    env.pop("RISKGRAPH_DATA", None)
    env.update(second.env)
    # Row by row, so the run lasts long enough to kill the server between two sources.
    proc = subprocess.Popen(
        [sys.executable, "-m", "riskgraph", "ingest", "--neo4j", "--wipe", "--batch-size", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    java = second.pid()
    assert java is not None and _alive(java)
    killed_at = -1
    try:
        driver = connect(second.settings)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                rels = store.counts(driver, database=db)["relationships"]
                if 0 < rels < total:
                    killed_at = rels
                    break
                assert proc.poll() is None, "the ingest finished before the server was killed"
                time.sleep(0.05)
            else:
                pytest.fail("no source was committed within 180 s")
            os.kill(java, signal.SIGKILL)  # the server dies: no shutdown, no checkpoint
        finally:
            driver.close()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    deadline = time.monotonic() + 30
    while _alive(java) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(java)
    assert proc.returncode == 5, (proc.returncode, err)
    line = _one_line_error((proc.returncode, out, err))
    assert second.uri in line, line

    # A command while the server is down: the same one-line error.
    r = cli("ingest", "--neo4j", env=second.env, timeout=120)
    assert r.returncode == 5 and "cannot reach" in _one_line_error(r)

    r = cli("neo4j", "start", "--timeout", "180", env=second.env)
    assert r.returncode == 0, r.stderr
    assert second.pid() != java
    with connect(second.settings) as driver:
        # What was committed before the kill survived it, one whole source at a time.
        half = store.read_graph(driver, database=db)
        assert 0 < killed_at <= half.number_of_edges() < total
        for u in units:
            present = sum(1 for k in u.edge_keys if k in half.edges)
            assert present in (0, len(u.edge_keys)), f"{u.name}: {present}/{len(u.edge_keys)}"
        for k, e in half.edges.items():  # and what is there is right
            assert e.to_dict() == real_graph.edges[k].to_dict()

        r = cli("ingest", "--neo4j", env=second.env)
        assert r.returncode == 0, r.stderr
        rerun_counts = store.counts(driver, database=db)
        assert store.read_graph(driver, database=db).to_dict() == real_graph.to_dict()
        assert _duplicates(driver, db) == (0, 0)
        recs, _, _ = driver.execute_query(
            "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names", database_=db
        )
        assert "entity_id" in recs[0]["names"]  # a duplicate id cannot even be written
        assert sum(1 for n in recs[0]["names"] if n.startswith("rel_")) >= 10

        r = cli("ingest", "--neo4j", "--wipe", env=second.env)
        assert r.returncode == 0, r.stderr
        assert store.counts(driver, database=db) == rerun_counts
        assert rerun_counts["nodes"] == len(real_graph)
        assert rerun_counts["relationships"] == total


QUERIES = [
    ("minerals-by-hhi", "--param", "limit=10"),
    ("labs-exposed-to-mineral", "--param", "mineral=mineral:gallium"),
    ("company-suppliers", "--param", "company=company:openai"),
]


def test_restart_between_commands_gives_identical_output(
    second: Second, real_graph: GraphData, cli
) -> None:
    r = cli("neo4j", "start", "--timeout", "180", env=second.env)  # running: starts nothing
    assert r.returncode == 0, r.stderr
    r = cli("ingest", "--neo4j", "--wipe", env=second.env)
    assert r.returncode == 0, r.stderr
    before = {}
    for q in QUERIES:
        r = cli("query", *q, "--format", "json", env=second.env)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() not in ("", "[]")  # something to compare
        before[q[0]] = r.stdout
    r = cli("neo4j", "stop", env=second.env)
    assert r.returncode == 0 and r.stdout.strip() == "Neo4j stopped"

    r = cli("query", "minerals-by-hhi", env=second.env, timeout=120)
    assert r.returncode == 5
    line = _one_line_error(r)
    assert "cannot reach" in line and second.uri in line

    r = cli("neo4j", "start", "--timeout", "180", env=second.env)
    assert r.returncode == 0, r.stderr
    for q in QUERIES:
        r = cli("query", *q, "--format", "json", env=second.env)
        assert r.returncode == 0, r.stderr
        assert r.stdout == before[q[0]], q[0]
    with connect(second.settings) as driver:
        c = store.counts(driver, database=second.settings.database)
    assert c["nodes"] == len(real_graph)
    assert c["relationships"] == real_graph.number_of_edges()
