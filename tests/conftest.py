"""Shared fixtures.  End-to-end tests (tests/e2e) need a real Neo4j: `make test` starts one.

The whole-graph fixtures are built once per test session: ``real_graph`` (every shipped source)
and ``real_rdf`` (its RDF form, ~240k triples, the slowest thing the suite builds).

The suite runs on every core (pytest-xdist, ``-n auto`` in pyproject.toml).  Tests are spread
one by one, except the ONE-WORKER files, which run whole, in order, on one worker: every file of
tests/e2e (the Neo4j tests share one database and wipe it) and every file whose tests use
``real_rdf`` (so the RDF is built once per session).  The scheduler below decides by path
(the controller sees node ids, not markers; ``--dist loadgroup`` cannot be used: pytest 9.2
ignores the group suffix xdist 3.8 writes into node ids), and collection fails if a test that
needs the database or ``real_rdf`` sits outside those files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import rdflib

    from riskgraph.graph.model import GraphData

REPO = Path(__file__).resolve().parent.parent

ONE_WORKER = "one-worker"
ONE_WORKER_DIRS = ("tests/e2e/",)
ONE_WORKER_FILES = frozenset({
    "tests/export/test_sparql.py",
    "tests/export/test_sparql_engines.py",
    "tests/export/test_cli_export.py",
    "tests/robustness/test_read_only.py",  # one real-server case (reads only, wipes nothing)
})


def one_worker(nodeid: str) -> bool:
    """Whether the test ``nodeid`` (relative to the repository) runs in the one-worker group."""
    path = nodeid.split("::", 1)[0]
    return path in ONE_WORKER_FILES or path.startswith(ONE_WORKER_DIRS)


def pytest_itemcollected(item: pytest.Item) -> None:
    """A test needing the shared database or ``real_rdf`` must be in a one-worker file."""
    needs = item.get_closest_marker("neo4j") or "real_rdf" in getattr(item, "fixturenames", ())
    if needs and not one_worker(item.nodeid):
        raise pytest.UsageError(
            f"{item.nodeid} uses the Neo4j server or real_rdf: put it in tests/e2e/ or add its "
            "file to ONE_WORKER_FILES in tests/conftest.py"
        )


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``-n N`` (dist "load"): tests one by one, the one-worker files as one unit."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return ONE_WORKER if one_worker(nodeid) else nodeid

    return OneWorkerScheduling(config, log)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def real_graph() -> GraphData:
    """The merged graph of every shipped source (no user data dirs, not from the cache)."""
    from riskgraph.ingest.build import load_graph

    return load_graph([], use_cache=False)


@pytest.fixture(scope="session")
def real_rdf(real_graph: GraphData) -> rdflib.Graph:
    """``to_rdf(real_graph)`` at the default base, built once per session.  Do not modify it."""
    from riskgraph.export.rdf import to_rdf

    return to_rdf(real_graph)
