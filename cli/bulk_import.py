"""``riskgraph ingest --neo4j --bulk``: a first load through ``neo4j-admin database import full``.

The import builds the store files directly (no transactions) into an empty database of a STOPPED
server, so it only works on the local server that ``riskgraph neo4j start`` runs: this module
refuses a remote URI or a server riskgraph did not start, and a database that holds anything
unless ``--wipe``.  Then: the import CSVs (:mod:`riskgraph.graph.neo4j.admin_import`) in a
folder beside the server's data, stop the server, run the tool (``neo4j-local.sh admin``), start
the server again (also when the import failed), create the store's constraints and indexes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph.errors import Neo4jUnavailable, UsageError


@dataclass
class BulkImportReport:
    """Counts and times (seconds) of one bulk import."""

    nodes: int = 0
    relationships: int = 0
    csv_bytes: int = 0
    write_seconds: float = 0.0  # building the rows and writing the import CSVs
    stop_seconds: float = 0.0
    import_seconds: float = 0.0  # neo4j-admin database import full
    start_seconds: float = 0.0
    schema_seconds: float = 0.0  # constraints and indexes, online
    tool_output: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return (self.write_seconds + self.stop_seconds + self.import_seconds
                + self.start_seconds + self.schema_seconds)

    @property
    def relationships_per_second(self) -> float:
        """Relationships per second end to end (CSV writing, restart and schema included)."""
        return self.relationships / self.seconds if self.seconds > 0 else float("inf")


def _local(settings: Any) -> Any:
    from riskgraph.neo4j_local import server as srv

    try:
        local = srv.local_server(settings.uri)
    except UsageError:
        raise UsageError(
            f"--bulk runs neo4j-admin on the local server, and {settings.uri} is not on this "
            "machine; write to a remote server without --bulk (batched MERGE)") from None
    st = srv.status(settings.uri)
    if not st.running:
        if st.bolt_open:
            raise UsageError(
                f"--bulk stops and restarts the server, and the one at {settings.uri} was not "
                "started by `riskgraph neo4j start`; write to it without --bulk")
        srv.start(settings.uri, user=settings.user, password=settings.password)
    return local


def bulk_import(
    settings: Any,
    node_chunks: Iterator[Any] | None = None,
    link_chunks: Iterator[Any] | None = None,
    sources: Any | None = None,
    *,
    folder: Path | None = None,
    wipe: bool = False,
    max_off_heap: str = "2g",
    timeout: float = 3600.0,
) -> BulkImportReport:
    """Import rows into the local server's (empty) database; see the module docstring.

    ``sources`` is the :class:`~riskgraph.graph.provenance.SourceTable` the chunks fill as they
    are drawn (:func:`graph_chunks` gives all three); its records become ``Source`` nodes.

    Raises
    ------
    UsageError
        A remote server, a server riskgraph did not start, or a database that is not empty
        (without ``wipe``).
    Neo4jUnavailable
        The tool failed (the message ends with its last lines) or the server did not come back.
    """
    from riskgraph.graph.neo4j import admin_import
    from riskgraph.graph.neo4j.connection import connect, neo4j_errors
    from riskgraph.neo4j_local import server as srv

    local = _local(settings)
    rep = BulkImportReport()
    with neo4j_errors(settings):
        driver = connect(settings)
        try:
            nodes, rels = admin_import.database_is_empty(driver, settings.database)
        finally:
            driver.close()
    if (nodes or rels) and not wipe:
        raise UsageError(
            f"database {settings.database!r} at {settings.uri} holds {nodes} nodes and {rels} "
            "relationships; --bulk writes only into an empty database: add --wipe to replace "
            "them, or load without --bulk (MERGE)")
    work = local.home / "import" / f"riskgraph-bulk-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        t0 = time.perf_counter()
        try:
            if folder is not None:  # a curated map: links written vectorised
                files = admin_import.write_folder_files(Path(folder), work)
            else:
                files = admin_import.write_files(work, node_chunks or iter(()),
                                                 link_chunks or iter(()), sources)
        except ValueError as e:
            raise UsageError(f"--bulk cannot write this graph ({e}); load it without --bulk "
                             "(batched MERGE)") from None
        rep.write_seconds = time.perf_counter() - t0
        rep.nodes, rep.relationships, rep.csv_bytes = files.nodes, files.relationships, files.bytes
        t0 = time.perf_counter()
        srv.stop(settings.uri, timeout=120)
        rep.stop_seconds = time.perf_counter() - t0
        failure: str | None = None
        t0 = time.perf_counter()
        try:
            env = srv._env(local)
            p = subprocess.run(
                ["bash", str(local.script), "admin", "database", "import", "full",
                 f"--max-off-heap-memory={max_off_heap}", *files.arguments(settings.database)],
                env=env, capture_output=True, text=True, timeout=timeout)
            out = (p.stdout + p.stderr).strip().splitlines()
            rep.tool_output = [ln for ln in out if ln.strip() and not ln.startswith(".")][-12:]
            if p.returncode != 0:
                failure = (f"neo4j-admin database import failed (exit {p.returncode}): "
                           + " | ".join(rep.tool_output[-4:]))
        except subprocess.TimeoutExpired:
            failure = f"neo4j-admin database import did not finish within {timeout:.0f} s"
        rep.import_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        srv.start(settings.uri, user=settings.user, password=settings.password, timeout=600)
        rep.start_seconds = time.perf_counter() - t0
        if failure:
            raise Neo4jUnavailable(failure)
        t0 = time.perf_counter()
        with neo4j_errors(settings):
            driver = connect(settings)
            try:
                admin_import.after_import(driver, settings.database, files)
            finally:
                driver.close()
        rep.schema_seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rep


def graph_chunks(graph: Any) -> tuple[Iterator[Any], Iterator[Any], Any]:
    """Node chunks, link chunks and the source table they fill (``bulk_import``'s arguments)."""
    from riskgraph.graph.neo4j import admin_import
    from riskgraph.graph.provenance import SourceTable

    table = SourceTable()
    nodes, links = admin_import.graph_rows(graph, sources=table)
    return nodes, links, table


__all__ = ["BulkImportReport", "bulk_import", "graph_chunks"]
