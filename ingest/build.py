"""The builder: run every loader, resolve entities, merge into one GraphData, validate, cache.

``load_graph()`` is what every command calls.  It is atomic (the graph is built and validated in
memory; a failure anywhere raises and nothing is cached) and cached: one JSON file (plain data,
never code: no pickle) under ``$RISKGRAPH_CACHE`` (default ``~/.cache/riskgraph``), named by a
SHA-256 of the content of every shipped data file, every user data file the loader reads
(``*nodes*.csv``, ``*links*.csv``) and the loader code, so any changed byte rebuilds.

The cache is used only from a folder and file owned by this user and writable by nobody else
(the folder is created 0700, the file 0600); anything else, and any unreadable or malformed
cache file, is ignored with one ``Warning:`` line on stderr and the graph is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riskgraph import __version__
from riskgraph.errors import IngestError, RiskgraphError
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.ingest.base import DATA_DIR, SourceInfo
from riskgraph.ingest.entities import registry_node
from riskgraph.ingest.resolve import Resolver

# Loader modules in merge order (entities first, curated links last: they reference the others).
LOADERS: tuple[str, ...] = ("article", "usgs", "cset", "epoch", "curated", "financials",
                            "trade")

CACHE_FORMAT = 4
CACHE_SCHEMA = "riskgraph.cache/4"

# (source key, the fragment that source contributed): what the Neo4j store writes per transaction
Part = tuple[str, GraphData]


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
    """The merged graph, one summary per source and the fragment of each source (``parts``:
    :func:`riskgraph.graph.neo4j.store.write_graph` writes one transaction per part)."""

    graph: GraphData
    sources: list[SourceSummary]
    from_cache: bool = False
    parts: list[Part] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)  # user rows that replaced shipped figures

    def to_dict(self) -> dict[str, Any]:
        """The ``riskgraph.data/1`` document (``riskgraph data --format json``)::

            {"schema": "riskgraph.data/1", "sources": [SourceSummary.to_dict()],
             "graph": {"nodes", "edges"}}
        """
        return {
            "schema": "riskgraph.data/1",
            "sources": [s.to_dict() for s in self.sources],
            "graph": {"nodes": len(self.graph), "edges": self.graph.number_of_edges()},
            "overrides": list(self.overrides),
        }


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


def input_folders(explicit: list[Path] | None = None) -> list[Path]:
    """Every folder the graph is read from: the shipped data and the user's data folders.

    Exports refuse to write into these (an export must never overwrite, or be read back as,
    input data).
    """
    return [DATA_DIR, *user_data_dirs(explicit)]


def cache_dir() -> Path:
    env = os.environ.get("RISKGRAPH_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "riskgraph"


def user_data_files(folder: Path) -> list[Path]:
    """The files of a user data folder the curated loader reads: ``*nodes*.csv``, ``*links*.csv``.

    Only these are hashed for the cache, so unrelated files in the folder cost nothing and
    changing them does not invalidate the cache.
    """
    out = []
    for p in folder.glob("*.csv"):
        low = p.name.casefold()
        if ("nodes" in low or "links" in low) and p.is_file():
            out.append(p)
    return sorted(out)


def _code_files() -> list[Path]:
    """The loader code the graph depends on: every module of riskgraph.ingest and .graph."""
    here = Path(__file__).parent
    files: list[Path] = []
    for d in (here, here.parent / "graph"):
        files += sorted(p for p in d.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _fingerprint(user_dirs: list[Path]) -> str:
    """A content hash of every input of the graph: shipped data, user data files, loader code.

    Content, not size and modification time: an edit that keeps both still rebuilds.
    """
    h = hashlib.sha256(f"{__version__}|{CACHE_FORMAT}".encode())
    groups: list[tuple[str, list[Path]]] = [
        ("data", sorted(p for p in DATA_DIR.rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts)),
        ("code", _code_files()),
    ]
    for d in user_dirs:
        groups.append((f"user {d} {d.resolve()}", user_data_files(d)))
    for label, files in groups:
        h.update(f"[{label}]\n".encode())
        for p in files:
            try:
                data = p.read_bytes()
            except OSError:
                data = b"<unreadable>"  # the loader reports it; the cache must not hide it
            h.update(f"{p.name}|{len(data)}|".encode())
            h.update(hashlib.sha256(data).digest())
    return h.hexdigest()[:32]


def build(data_dirs: list[Path] | None = None) -> Build:
    """Run every loader and merge the fragments; validate; return the graph and source cards.

    Raises :class:`IngestError` (file, line, column) for bad input and
    :class:`RiskgraphError` when the merged graph breaks the provenance contract.
    """
    resolver = Resolver()
    graph = GraphData()
    sources: list[SourceSummary] = []
    parts: list[Part] = []

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
        parts.append((result.source.key, result.graph))

    dirs = user_data_dirs(data_dirs)
    overrides: list[str] = []
    if dirs:
        curated = importlib.import_module("riskgraph.ingest.curated")
        guard = _UserGuard(graph)
        for d in dirs:
            result = curated.load_user_dir(d, resolver, known_ids=set(graph.nodes))
            overrides += guard.check(result, graph)
            graph.merge(result.graph)
            sources.append(_summary(result.source, result.files, result.rows, result.graph))
            name = result.source.key
            if any(name == n for n, _ in parts):  # two user folders of the same name
                name = f"{name}#{len(parts)}"
            parts.append((name, result.graph))

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

    # Mineral markets and inventory cover annotate the merged graph's nodes in place (issue 13):
    # they name nodes and INPUT_TO arcs of every loader, so they come last.
    markets = importlib.import_module("riskgraph.ingest.markets")
    markets.apply(graph, DATA_DIR)

    problems = graph.problems()
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise RiskgraphError("the merged graph is invalid: " + "; ".join(problems[:5]) + more)
    for _, frag in parts:  # a replaced shipped edge leaves its loader's part too
        for k in [k for k in frag.edges if k not in graph.edges]:
            del frag.edges[k]
    return Build(graph, sources, parts=parts, overrides=overrides)


class _UserGuard:
    """What user data may not do to the shipped facts (docs/curated-format.md, issue 10 item 4).

    * redefine a built-in node (a user row with a built-in id would merge into it);
    * take over a built-in spelling: a user node whose id, name or alias is already an id, name,
      alias, symbol or code of a built-in node (``Ga``, ``Azure``, ``CN``, ``HBM``) would capture
      ``shock``/``show`` lookups;
    * repeat a shipped link (same from, type, to) unless the row says ``override=yes``: then the
      user row replaces the shipped edges of that link and the build reports it;
    * give the same link two different sets of figures in two ``--data-dir`` folders (an exact
      repeat in a later folder is dropped).
    """

    def __init__(self, graph: GraphData) -> None:
        from riskgraph.graph.lookup import name_index

        self.builtin_ids = set(graph.nodes)
        self.names = name_index(graph)
        self.shipped: dict[tuple[str, str, str], list[str]] = {}
        for k, e in graph.edges.items():
            self.shipped.setdefault((e.src, e.type, e.dst), []).append(k)
        self.user_links: dict[tuple[str, str, str], tuple[Any, str, int]] = {}

    @staticmethod
    def _where(table: Any, keys: dict[str, str]) -> tuple[str, int]:
        for rec in table.to_dict("records"):
            if all(str(rec[k]) == v for k, v in keys.items()):
                return str(rec["file"]), int(rec["line"])
        return "user data", 0

    def check(self, result: Any, graph: GraphData) -> list[str]:
        from riskgraph.graph.names import norm

        notes: list[str] = []
        nodes_t, links_t = result.tables["nodes"], result.tables["links"]
        for n in result.graph.nodes.values():
            if n.id not in {str(x) for x in nodes_t["id"]}:
                continue  # a shipped curated node the loader passed along
            f, line = self._where(nodes_t, {"id": n.id})
            if n.id in self.builtin_ids:
                b = graph.nodes[n.id]
                raise IngestError(f, f"node id {n.id!r} is a built-in node ({b.name}); user data "
                                  "may link to it but not redefine it: delete this row and use "
                                  "the id in your links", row=line, column="id")
            spellings = [("id", n.id.partition(":")[2]), ("name", n.name),
                         *(("aliases", a) for a in n.aliases)]
            for column, sp in spellings:
                hits = sorted(self.names.get(norm(sp), set()) - {n.id})
                if hits:
                    which = ", ".join(f"{h} ({graph.nodes[h].name})" for h in hits[:3])
                    raise IngestError(
                        f, f"{sp!r} already names the built-in node {which}; a user "
                        f"node may not take over a built-in name, alias, symbol or code: "
                        f"choose another {'name' if column != 'id' else 'id'}",
                        row=line, column=column)
        for key, e in list(result.graph.edges.items()):
            t = (e.src, e.type, e.dst)
            f, line = self._where(links_t, {"from": e.src, "to": e.dst, "type": e.type})
            if t in self.user_links:
                prev, pf, pl = self.user_links[t]
                if prev.props == e.props:
                    del result.graph.edges[key]  # the same figures again: keep the first
                    continue
                raise IngestError(
                    f, f"link {e.src} -[{e.type}]-> {e.dst} conflicts with {pf} line {pl} "
                    "(another data folder gives other figures); keep one of them", row=line)
            self.user_links[t] = (e, f, line)
            shipped = [k for k in self.shipped.get(t, []) if k in graph.edges]
            if not shipped:
                continue
            if not e.props.get("override"):
                first = graph.edges[shipped[0]]
                raise IngestError(
                    f, f"link {e.src} -[{e.type}]-> {e.dst} repeats a shipped figure "
                    f"({first.source}); user data may add links, not replace shipped ones: add "
                    "override=yes to this row to replace it", row=line, column="override")
            for k in shipped:
                del graph.edges[k]
            notes.append(f"{f} line {line} overrides the shipped figure of {e.src} -[{e.type}]-> "
                         f"{e.dst} ({len(shipped)} shipped edge(s) replaced)")
        return notes


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
    """Like :func:`build`, through the cache (see the module docstring).

    A cache file that cannot be used (unreadable, not JSON, the wrong shape, or not safely
    owned) is ignored with one warning line on stderr and replaced by a fresh build.
    """
    dirs = user_data_dirs(data_dirs)
    if not use_cache:
        b = build(dirs)
        _report(b)
        return b
    fp = _fingerprint(dirs)
    folder = cache_dir()
    path = folder / f"graph-{fp}.json"
    problem = _unsafe_folder(folder)
    if problem:
        _warn(f"not using the graph cache in {folder}: {problem}")
        b = build(dirs)
        _report(b)
        return b
    if os.path.lexists(path):
        try:
            cached = _read_cache(path, fp)
            _report(cached)
            return cached
        except _BadCache as e:
            _warn(f"ignoring the graph cache {path}: {e}; rebuilding it")
    b = build(dirs)
    _write_cache(path, {
        "format": CACHE_SCHEMA,
        "fingerprint": fp,
        "graph": b.graph.to_dict(),
        "sources": [s.to_dict() for s in b.sources],
        "parts": [_part_to_dict(name, frag, b.graph) for name, frag in b.parts],
        "overrides": b.overrides,
    })
    _report(b)
    return b


def _report(b: Build) -> None:
    """Say on stderr, on every run, which user rows replaced shipped figures."""
    for note in b.overrides:
        sys.stderr.write(f"Note: {note}\n")


def _part_to_dict(name: str, frag: GraphData, graph: GraphData) -> dict[str, Any]:
    """A part as the cache keeps it: its node ids and edge keys (those the merged graph has)."""
    return {"name": name, "nodes": [n for n in frag.nodes if n in graph.nodes],
            "edges": [k for k in frag.edges if k in graph.edges]}


def _part_from_dict(d: dict[str, Any], graph: GraphData) -> Part:
    """The fragment of a cached part: the merged graph's nodes and edges it names."""
    frag = GraphData()
    for nid in d["nodes"]:
        frag.nodes[nid] = graph.nodes[nid]
    for k in d["edges"]:
        frag.edges[k] = graph.edges[k]
    return str(d["name"]), frag


def load_graph(data_dirs: list[Path] | None = None, *, use_cache: bool = True) -> GraphData:
    """The merged, validated graph of every source (and the user's data dirs)."""
    return load_build(data_dirs, use_cache=use_cache).graph


class _BadCache(Exception):
    """A cache file that must not be used; the message says why (one line)."""


def _warn(message: str) -> None:
    sys.stderr.write(f"Warning: {message}\n")
    sys.stderr.flush()


def _unsafe_folder(folder: Path) -> str | None:
    """Why ``folder`` must not hold the cache (None if it is fine or does not exist yet).

    The cache is trusted input: a folder another user may write to could feed every command
    forged numbers, so it must be a real folder owned by this user and writable only by them.
    """
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot inspect it ({e.strerror or e})"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    return _unsafe_owner(st, "folder")


def _unsafe_owner(st: os.stat_result, what: str) -> str | None:
    if st.st_uid != os.geteuid():
        return f"the {what} belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"the {what} is writable by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _read_cache(path: Path, fp: str) -> Build:
    """Read a cache file written by :func:`_write_cache`; raise :class:`_BadCache` if unusable."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise _BadCache(e.strerror or str(e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _BadCache("not a regular file")
        problem = _unsafe_owner(st, "file")
        if problem:
            raise _BadCache(problem)
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            raw = fh.read()
    except OSError as e:
        raise _BadCache(e.strerror or str(e)) from None
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise _BadCache(f"not a riskgraph cache file ({type(e).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != CACHE_SCHEMA:
        raise _BadCache(f"not a {CACHE_SCHEMA} document")
    if doc.get("fingerprint") != fp:
        raise _BadCache("its fingerprint does not match its inputs")
    try:
        graph = GraphData()
        for n in doc["graph"]["nodes"]:
            node = Node.from_dict(n)
            graph.nodes[node.id] = node
        for ed in doc["graph"]["edges"]:
            edge = Edge.from_dict(ed)
            graph.edges[edge.key] = edge
        sources = [SourceSummary(**s) for s in doc["sources"]]
        parts = [_part_from_dict(d, graph) for d in doc["parts"]]
        overrides = [str(x) for x in doc["overrides"]]
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise _BadCache(f"malformed ({type(e).__name__}: {e})") from None
    return Build(graph, sources, from_cache=True, parts=parts, overrides=overrides)


def _write_cache(path: Path, doc: dict[str, Any]) -> None:
    """Write the cache file atomically, readable and writable by this user only (JSON)."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _unsafe_folder(folder):
            return
        for old in folder.iterdir():
            if old != path and old.name.startswith("graph-") and (
                    old.suffix in (".json", ".pickle")):
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".graph-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):
        # An unwritable cache slows the next command down; it must not fail this one.
        pass
