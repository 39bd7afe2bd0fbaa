"""`riskgraph neo4j start|status|stop` on a second, throw-away server (own folder and port)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_start_status_stop_with_its_own_password(cli, tmp_path: Path, driver) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    port = free_port()
    uri = f"bolt://127.0.0.1:{port}"
    env = {
        "NEO4J_LOCAL_HOME": str(tmp_path / "home"),
        "NEO4J_URI": uri,
        "NEO4J_PASSWORD": "another-pass-1",
        "NEO4J_LOCAL_HEAP": "256m",
    }
    try:
        r = cli("neo4j", "start", "--timeout", "180", env=env)
        assert r.returncode == 0, r.stderr
        assert "Neo4j is running (pid " in r.stdout and uri in r.stdout
        pid = int(r.stdout.split("pid ")[1].split(")")[0])
        assert (tmp_path / "home" / "logs" / "console.log").read_text().count("Started.") == 1
        r = cli("neo4j", "status", env=env)
        assert r.returncode == 0 and f"pid {pid}" in r.stdout
        with GraphDatabase.driver(uri, auth=("neo4j", "another-pass-1")) as d:
            d.verify_connectivity()
        with (
            GraphDatabase.driver(uri, auth=("neo4j", "riskgraph-test")) as d,
            pytest.raises(AuthError),
        ):
            d.verify_connectivity()
        r = cli("neo4j", "start", env=env)  # already running: says so, starts nothing
        assert r.returncode == 0 and f"pid {pid}" in r.stdout
    finally:
        r = cli("neo4j", "stop", env=env)
    assert r.returncode == 0 and r.stdout.strip() == "Neo4j stopped"
    from riskgraph.neo4j_local.server import _alive

    assert not _alive(pid)  # gone (or a zombie waiting for its reaper: no longer running)
    r = cli("neo4j", "status", env=env)
    assert r.returncode == 1 and "not running" in r.stdout
    r = cli("neo4j", "stop", env=env)
    assert r.returncode == 0 and r.stdout.strip() == "Neo4j was not running"


def test_start_on_a_taken_port_is_a_clear_error(
    cli, tmp_path: Path, neo4j_settings, driver
) -> None:
    env = {"NEO4J_LOCAL_HOME": str(tmp_path / "home"), "NEO4J_URI": neo4j_settings.uri}
    r = cli("neo4j", "start", env=env)
    assert r.returncode == 5
    assert "is already taken by another program" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_only_a_local_uri_can_be_served(cli) -> None:
    r = cli("neo4j", "start", "--uri", "bolt://db.example.org:7687")
    assert r.returncode == 2 and "is not on this machine" in r.stderr
