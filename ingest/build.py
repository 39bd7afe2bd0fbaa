"""The builder: run every loader, resolve entities, merge into one GraphData, validate, cache.

``load_graph()`` is what every command calls.  It is atomic (the graph is built and validated in
memory; a failure anywhere raises and nothing is cached) and cached: a pickle under
``$RISKGRAPH_CACHE`` (default ``~/.cache/riskgraph``) keyed by the size and modification time of
every data file, every user data file and the loader code, so a changed file rebuilds.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskgraph import __version__
from riskgraph.errors import IngestError, RiskgraphError
from riskgraph.graph.model import GraphData
from riskgraph.ingest.base import DATA_DIR, SourceInfo
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import Resolver

# Loader modules in merge order (entities first, curated links last: they reference the others).
LOADERS: tuple[str, ...] = ("article", "usgs", "cset", "epoch", "curated")

CACHE_FORMAT = 1


@dataclass
class SourceSummary:
    """One line of ``riskgraph data``."""

    key: str
    title: str
    citation: str
    licence: str
    as_of: str
    path: str
    files: int
    rows: int
    nodes: int
    edges: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Build:
    graph: GraphData
    sources: list[SourceSummary]
    from_cache: bool = False


def user_data_dirs(explicit: list[Path] | None = None) -> list[Path]:
    """``--data-dir`` values, else ``$RISKGRAPH_DATA`` (``os.pathsep``-separated)."""
    if explicit:
        dirs = list(explicit)
    else:
        env = os.environ.get("RISKGRAPH_DATA", "")
        dirs = [Path(p) for p in env.split(os.pathsep) if p]
    for d in dirs:
        if not d.is_dir():
            raise IngestError(d, "user data directory does not exist")
    return dirs


def cache_dir() -> Path:
    env = os.environ.get("RISKGRAPH_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "riskgraph"


def _fingerprint(user_dirs: list[Path]) -> str:
    h = hashlib.sha256(f"{__version__}|{CACHE_FORMAT}".encode())
    code_dirs = [Path(__file__).parent, Path(__file__).parent.parent / "graph"]
    roots = [DATA_DIR, *user_dirs]
    files: list[Path] = []
    for r in roots:
        files += sorted(p for p in r.rglob("*") if p.is_file())
    for d in code_dirs:
        files += sorted(d.glob("*.py"))
    for p in files:
        st = p.stat()
        h.update(f"{p.resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def build(data_dirs: list[Path] | None = None) -> Build:
    """Run every loader and merge the fragments; validate; return the graph and source cards.

    Raises :class:`IngestError` (file, line, column) for bad input and
    :class:`RiskgraphError` when the merged graph breaks the provenance contract.
    """
    resolver = Resolver()
    graph = GraphData()
    sources: list[SourceSummary] = []

    # Every company and mineral of the registry is a node (they are curated facts with sources).
    for kind in ("company", "mineral"):
        key = "slug"
        for row in resolver.rows.get(kind, []):
            graph.add_node(registry_node(resolver, f"{kind}:{row[key].strip()}"))

    for name in LOADERS:
        mod = importlib.import_module(f"riskgraph.ingest.{name}")
        result = mod.load(DATA_DIR, resolver)
        graph.merge(result.graph)
        sources.append(_summary(result.source, result.files, result.rows, result.graph))

    dirs = user_data_dirs(data_dirs)
    if dirs:
        curated = importlib.import_module("riskgraph.ingest.curated")
        for d in dirs:
            result = curated.load_user_dir(d, resolver, known_ids=set(graph.nodes))
            graph.merge(result.graph)
            sources.append(_summary(result.source, result.files, result.rows, result.graph))

    # Endpoints that are registry entities (countries above all) become nodes on demand.
    for e in list(graph.edges.values()):
        for end in (e.src, e.dst):
            if end not in graph.nodes:
                try:
                    graph.add_node(registry_node(resolver, end))
                except KeyError:
                    raise RiskgraphError(
                        f"edge {e.key} (source: {e.source}) points to {end!r}, "
                        "which no loader or registry defines"
                    ) from None

    problems = graph.problems()
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise RiskgraphError("the merged graph is invalid: " + "; ".join(problems[:5]) + more)
    return Build(graph, sources)


def _summary(src: SourceInfo, files: list[str], rows: int, frag: GraphData) -> SourceSummary:
    return SourceSummary(
        key=src.key,
        title=src.title,
        citation=src.citation,
        licence=src.licence,
        as_of=src.as_of,
        path=src.path,
        files=len(files),
        rows=rows,
        nodes=len(frag),
        edges=frag.number_of_edges(),
    )


def load_build(data_dirs: list[Path] | None = None, *, use_cache: bool = True) -> Build:
    """Like :func:`build`, through the cache."""
    dirs = user_data_dirs(data_dirs)
    path = cache_dir() / f"graph-{_fingerprint(dirs)}.pickle"
    if use_cache and path.exists():
        try:
            with path.open("rb") as fh:
                cached = pickle.load(fh)
            return Build(cached["graph"], cached["sources"], from_cache=True)
        except Exception:  # a corrupt or foreign cache file: rebuild
            pass
    b = build(dirs)
    if use_cache:
        _write_cache(path, {"graph": b.graph, "sources": b.sources})
    return b


def load_graph(data_dirs: list[Path] | None = None, *, use_cache: bool = True) -> GraphData:
    """The merged, validated graph of every source (and the user's data dirs)."""
    return load_build(data_dirs, use_cache=use_cache).graph


def _write_cache(path: Path, obj: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("graph-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".graph-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        # An unwritable cache slows the next command down; it must not fail this one.
        pass
