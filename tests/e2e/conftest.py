"""End-to-end fixtures against the REAL Neo4j server named by NEO4J_* (``make test`` starts one).

A test that needs the server and cannot reach it FAILS (never skips): the message says how to
start one.  Each test module gets a clean database (everything deleted when its driver opens).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def neo4j_settings():  # type: ignore[no-untyped-def]
    from riskgraph.graph.neo4j.connection import Neo4jSettings

    return Neo4jSettings.from_env()


@pytest.fixture(scope="module")
def driver(neo4j_settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A driver to the real server, with the database wiped for this module."""
    from riskgraph.errors import Neo4jUnavailable
    from riskgraph.graph.neo4j import store
    from riskgraph.graph.neo4j.connection import connect

    try:
        drv = connect(neo4j_settings)
    except Neo4jUnavailable as e:
        pytest.fail(
            f"end-to-end tests need a running Neo4j ({e}); start one with "
            "`riskgraph neo4j start` or run `make test`",
            pytrace=False,
        )
    store.wipe(drv, database=neo4j_settings.database)
    yield drv
    drv.close()


@pytest.fixture(scope="session")
def cli():  # type: ignore[no-untyped-def]
    """``run_cli`` as a fixture (test modules here are not a package)."""
    return run_cli


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``riskgraph ARGS`` in a subprocess (real exit code, real stderr)."""
    full_env = dict(os.environ)
    full_env.pop("RISKGRAPH_DATA", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
