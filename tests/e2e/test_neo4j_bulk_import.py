"""``riskgraph ingest --neo4j --bulk`` on a THROW-AWAY second server (own port, own home under tmp,
stopped at the end; the development server on 7687 is never touched).

* the shipped graph through ``neo4j-admin database import full``: read back, it equals the
  embedded graph exactly (the same ``to_dict()`` as the MERGE path gives), and the store's
  constraints exist afterwards;
* a second ``--bulk`` without ``--wipe`` is refused in one line (the database is not empty) and
  the data stay; a remote URI is refused before anything is contacted;
* ``--bulk --map DIR`` (a generated curated map, no GraphData) holds the rows of the batched
  path (``bulk.link_rows``), node for node and relationship for relationship.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskgraph.graph.model import GraphData
from riskgraph.graph.neo4j import bulk, store
from riskgraph.graph.neo4j.connection import Neo4jSettings, connect
from riskgraph.graph.provenance import SourceTable

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
PASSWORD = "bulk-pass-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Second:
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

    srv = Second(tmp_path_factory.mktemp("neo4j-bulk") / "home", free_port())
    try:
        r = cli("neo4j", "start", "--timeout", "300", env=srv.env)
        assert r.returncode == 0, r.stderr
        yield srv
    finally:
        cli("neo4j", "stop", env=srv.env)
        pid = srv.pid()
        if pid is not None and _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _one_line_error(r) -> str:  # type: ignore[no-untyped-def]
    assert r.returncode != 0
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_bulk_import_of_the_shipped_graph_reads_back_exactly(
    second: Second, real_graph: GraphData, cli
) -> None:
    r = cli("ingest", "--neo4j", "--bulk", "--wipe", env=second.env, timeout=900)
    assert r.returncode == 0, r.stderr
    assert "neo4j-admin" in r.stdout
    driver = connect(second.settings)
    try:
        back = store.read_graph(driver, database="neo4j")
        assert back.to_dict() == real_graph.to_dict()
        recs, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS n",
                                          database_="neo4j")
        names = set(recs[0]["n"])
        assert "entity_id" in names and "rel_produces_kid" in names
        recs, _, _ = driver.execute_query(
            "MATCH (n:Entity) WHERE n.roles IS NULL RETURN count(n) AS c", database_="neo4j")
        # empty lists are not stored, by either path (slim layout)
        assert recs[0]["c"] == sum(1 for n in real_graph.nodes.values() if not n.roles)
        # slim provenance: each distinct source record once, no citation on a relationship
        sources = store.graph_sources(real_graph)
        assert store.read_sources(driver, "neo4j") == sources.records
        recs, _, _ = driver.execute_query(
            "MATCH ()-[r]->() WHERE r.source IS NOT NULL OR r.source_id IS NULL "
            "OR r.kid IS NULL "
            "RETURN count(r) AS c", database_="neo4j")
        assert recs[0]["c"] == 0
    finally:
        driver.close()

    # again without --wipe: refused, nothing changed
    r = cli("ingest", "--neo4j", "--bulk", env=second.env, timeout=300)
    line = _one_line_error(r)
    assert "not empty" in line or "holds" in line
    assert "--wipe" in line
    driver = connect(second.settings)
    try:
        c = store.counts(driver, database="neo4j")
        assert c["nodes"] == len(real_graph)
        assert c["relationships"] == real_graph.number_of_edges()
    finally:
        driver.close()


def test_bulk_refuses_a_remote_server(cli) -> None:
    env = {"NEO4J_URI": "bolt://db.example.invalid:7687", "NEO4J_PASSWORD": PASSWORD}
    line = _one_line_error(cli("ingest", "--neo4j", "--bulk", env=env, timeout=120))
    assert "not on this machine" in line and "without --bulk" in line


def test_bulk_map_folder_holds_the_batched_rows(second: Second, tmp_path: Path, cli) -> None:
    import generate

    data = tmp_path / "map"
    generate.write(data, 300, 2000, seed=5)
    r = cli("ingest", "--neo4j", "--bulk", "--wipe", "--map", str(data), env=second.env,
            timeout=900)
    assert r.returncode == 0, r.stderr
    want_nodes: dict[str, dict] = {}
    table = SourceTable()
    for line, df in bulk.read_chunks(data / "nodes.csv", bulk.NODE_COLUMNS):
        for rows in bulk.node_rows(df, data / "nodes.csv", line, table).values():
            want_nodes.update({x["id"]: x["props"] for x in rows})
    want_links: dict[str, dict] = {}
    for line, df in bulk.read_chunks(data / "links.csv", bulk.LINK_COLUMNS):
        for rows in bulk.link_rows(df, data / "links.csv", bulk.source_key(data), line,
                                   table).values():
            want_links.update({x["kid"]: x["props"] for x in rows})
    driver = connect(second.settings)
    try:
        recs, _, _ = driver.execute_query("MATCH (n:Entity) RETURN properties(n) AS p",
                                          database_="neo4j")
        got_nodes = {r["p"]["id"]: r["p"] for r in recs}
        recs, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN properties(r) AS p",
                                          database_="neo4j")
        got_links = {r["p"]["kid"]: r["p"] for r in recs}
        recs, _, _ = driver.execute_query("MATCH (s:Source) RETURN properties(s) AS p",
                                          database_="neo4j")
        got_sources = {r["p"]["id"]: r["p"] for r in recs}
    finally:
        driver.close()
    assert got_nodes == want_nodes
    assert got_links == want_links
    # one Source per file and cell text (the generator cites one), with its line range
    assert got_sources == {r["id"]: r["props"] for r in table.rows()}
    assert len(got_sources) == 2
