"""First loads at database speed: the store's rows as ``neo4j-admin database import full`` CSVs.

``UNWIND ... MERGE`` writes every relationship through the transaction engine: an index seek for
each end, a uniqueness check on the key, the transaction log; ~9,000 relationships/s on this
2-core machine.  ``neo4j-admin database import full`` builds the store files directly from CSV
(no transactions, no log) into an EMPTY database of a STOPPED server.  This module writes the
import files and the arguments of the command; the caller (``riskgraph ingest --neo4j --bulk``,
:mod:`riskgraph.cli.bulk_import`) stops the local server, runs the tool, restarts the server and
then calls :func:`after_import` for the store's constraints and indexes.

The rows are the store's own, so the database holds exactly what
:func:`~riskgraph.graph.neo4j.store.write_graph` would write (the e2e test reads it back and
compares it with the embedded graph):

* from a :class:`~riskgraph.graph.model.GraphData`: :func:`rows.node_row` / :func:`rows.edge_row`
  (:func:`graph_rows`);
* from a folder of curated CSVs (a user's map of millions of links, never a GraphData):
  :func:`riskgraph.graph.neo4j.bulk.node_rows` / ``link_rows`` chunk by chunk
  (:func:`folder_rows`), the rows the batched bulk path sends.

The files: one per chunk (its own header line, so each chunk's properties and their types are
its own), typed columns (``:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``;
``weight:double``, ``roles:string[]``...). Empty strings are written quoted (``""``: stored as
an empty string, as ``SET n = row.props`` stores them) and absent properties unquoted-empty (not
stored); arrays and labels are separated by U+001F (never in the data: checked). A property
whose values mix types in one chunk (a number here, a string there) raises ``ValueError``: use
the batched path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.graph import provenance
from riskgraph.graph.neo4j import queries
from riskgraph.graph.provenance import SourceTable

if TYPE_CHECKING:
    import neo4j

    from riskgraph.graph.model import GraphData

ARRAY_SEP = "\x1f"
# The node's fixed list fields (rows.node_row): not stored when empty (nor by the MERGE path).
LIST_FIELDS = {"roles", "aliases", "other_source_refs"}
ARRAY_SEP_ARG = "U+001F"
CHUNK_ROWS = 500_000
# Property names an import header can carry as they are; any other is set after the import.
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

NodeGroups = dict[tuple[str, ...], list[dict[str, Any]]]
LinkGroups = dict[str, list[dict[str, Any]]]


@dataclass
class ImportFiles:
    """The CSV files written for one import and what they hold."""

    folder: Path
    node_files: list[Path] = field(default_factory=list)
    relationship_files: list[Path] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0
    sources: int = 0
    bytes: int = 0
    # values a CSV cell cannot carry (an empty list, a list holding ""), set after the import
    node_fixups: list[dict[str, Any]] = field(default_factory=list)
    relationship_fixups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def arguments(self, database: str) -> list[str]:
        """The ``neo4j-admin database import full`` arguments after ``full``."""
        args = [f"--nodes={p}" for p in self.node_files]
        args += [f"--relationships={p}" for p in self.relationship_files]
        args += [
            f"--array-delimiter={ARRAY_SEP_ARG}",
            "--multiline-fields=true",
            "--overwrite-destination=true",
            f"--report-file={self.folder / 'import.report'}",
            database,
        ]
        return args


# -- the rows ----------------------------------------------------------------------------------
def graph_rows(graph: GraphData, chunk_rows: int = CHUNK_ROWS,
               sources: SourceTable | None = None
               ) -> tuple[Iterator[NodeGroups], Iterator[LinkGroups]]:
    """The store's node and relationship rows of ``graph``, in chunks; the source records they
    cite are added to ``sources`` as the rows are drawn."""
    from riskgraph.graph.neo4j import rows

    def nodes() -> Iterator[NodeGroups]:
        groups: NodeGroups = {}
        for n, node in enumerate(graph.nodes.values(), 1):
            groups.setdefault(rows.node_labels(node), []).append(
                {"id": node.id, "props": rows.node_row(node, sources)})
            if n % chunk_rows == 0:
                yield groups
                groups = {}
        if groups:
            yield groups

    def links() -> Iterator[LinkGroups]:
        groups: LinkGroups = {}
        for n, e in enumerate(graph.iter_edges(), 1):
            groups.setdefault(rows.edge_rel_type(e), []).append(
                {"src": e.src, "dst": e.dst, "key": e.key,
                 "props": rows.edge_row(e, sources)})
            if n % chunk_rows == 0:
                yield groups
                groups = {}
        if groups:
            yield groups

    return nodes(), links()


def folder_rows(folder: Path, chunk_rows: int = CHUNK_ROWS, key_suffix: str | None = None,
                sources: SourceTable | None = None
                ) -> tuple[Iterator[NodeGroups], Iterator[LinkGroups]]:
    """The rows the batched bulk path sends for a folder of curated CSVs, in chunks (their
    source records added to ``sources``)."""
    from riskgraph.graph.neo4j import bulk

    node_files, link_files = bulk.folder_files(Path(folder))
    suffix = key_suffix or bulk.source_key(Path(folder))

    def nodes() -> Iterator[NodeGroups]:
        for p in node_files:
            for line, df in bulk.read_chunks(p, bulk.NODE_COLUMNS, chunk_rows):
                yield bulk.node_rows(df, p, line, sources)

    def links() -> Iterator[LinkGroups]:
        for p in link_files:
            for line, df in bulk.read_chunks(p, bulk.LINK_COLUMNS, chunk_rows):
                yield bulk.link_rows(df, p, suffix, line, sources)

    return nodes(), links()


# -- the files ---------------------------------------------------------------------------------
def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    raise ValueError(f"cannot import a property value of type {type(v).__name__}")


def _value_type(v: Any) -> str:
    if isinstance(v, list | tuple):
        kinds = {_kind(x) for x in v}
        if len(kinds) > 1:
            return "mixed[]"
        return (kinds.pop() if kinds else "") + "[]"
    return _kind(v)


def _types(rows: Iterable[dict[str, Any]], skip: set[str]) -> dict[str, str]:
    """Property -> import type (``string``, ``double[]``...): the type most of ``rows`` have;
    a value of another type (``50`` beside ``">75"``, an empty list) is a fix-up, set after the
    import (:func:`_unwritable`), so nothing changes type."""
    from collections import Counter

    seen: dict[str, Counter[str]] = {}
    for r in rows:
        for k, v in r.items():
            if k in skip or v is None or not _PLAIN_NAME.match(k):
                continue  # a name the header cannot spell ("x (y)", "a:b"): a fix-up
            t = _value_type(v)
            if t in ("[]", "mixed[]"):
                continue
            seen.setdefault(k, Counter())[t] += 1
    return {k: c.most_common(1)[0][0] for k, c in sorted(seen.items())}


def _fits(v: Any, t: str) -> bool:
    return v is None or _value_type(v) == t


def _cell(v: Any, t: str, what: str) -> Any:
    """One CSV cell: None = absent (also a value of another type: a fix-up); strings (and
    arrays) quoted by the writer."""
    if v is None or not _fits(v, t):
        return None
    if t.endswith("[]"):
        parts = [_scalar(x, what) for x in v]
        for p in parts:
            if ARRAY_SEP in p:
                raise ValueError(f"{what}: a list element holds U+001F")
        return _Q(ARRAY_SEP.join(parts))
    if t == "string":
        return _Q(v)
    return _scalar(v, what)


def _scalar(v: Any, what: str) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"{what}: the bulk import cannot store {v!r}")
        return repr(v)
    return str(v)


def _unwritable(props: dict[str, Any], lists_set_later: set[str],
                types: dict[str, str]) -> dict[str, Any]:
    """Values a cell of its column cannot carry: of another type than the column's, empty
    lists (except the fixed list fields, set in one pass after the import), lists holding an
    empty string."""
    out: dict[str, Any] = {}
    for k, v in props.items():
        if v is None or k in ("id",):
            continue
        if isinstance(v, list | tuple):
            if (not v and k not in lists_set_later) or any(x == "" for x in v) or \
                    (v and not _fits(v, types.get(k, ""))):
                out[k] = list(v)
        elif not _fits(v, types.get(k, "")):
            out[k] = v
    return out


class _Q(str):
    """A cell the writer must quote (an empty quoted cell is an empty string, not absent)."""


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        for row in rows:
            out = []
            for v in row:
                if v is None:
                    out.append("")
                elif isinstance(v, _Q):
                    out.append('"' + v.replace('"', '""') + '"')
                else:
                    out.append(v)
            fh.write(",".join(out) + "\n")
            n += 1
    return n


def write_files(folder: Path, node_chunks: Iterable[NodeGroups],
                link_chunks: Iterable[LinkGroups], sources: SourceTable | None = None
                ) -> ImportFiles:
    """Write the import CSVs of all chunks into ``folder`` (created; one file per chunk).

    ``sources``: the source records the chunks cite (filled while they are drawn, as
    :func:`graph_rows` and :func:`folder_rows` do), written last as ``sources.csv``
    (:func:`write_sources_file`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = ImportFiles(folder)
    entity = queries.ENTITY
    for k, groups in enumerate(node_chunks):
        allrows = [r for rs in groups.values() for r in rs]
        if not allrows:
            continue
        types = _types((r["props"] for r in allrows), {"id"})
        cols = sorted(types)
        header = ["id:ID", ":LABEL"] + [f"{c}:{types[c]}" for c in cols]

        def node_lines(groups: NodeGroups = groups, cols: list[str] = cols,
                       types: dict[str, str] = types) -> Iterator[list[Any]]:
            for labels, rs in groups.items():
                lab = _Q(ARRAY_SEP.join([entity, *queries.check_labels(labels, "import")]))
                for r in rs:
                    p = r["props"]
                    what = f"node {r['id']}"
                    fix = _unwritable(p, LIST_FIELDS, types)
                    if fix:
                        out.node_fixups.append({"id": r["id"], "props": fix})
                    yield [_Q(r["id"]), lab, *(_cell(p.get(c), types[c], what) for c in cols)]

        path = folder / f"nodes-{k:04d}.csv"
        out.nodes += _write(path, header, node_lines())
        out.node_files.append(path)
    for k, lgroups in enumerate(link_chunks):
        allrows = [r for rs in lgroups.values() for r in rs]
        if not allrows:
            continue
        types = _types((r["props"] for r in allrows), set())
        cols = sorted(types)
        header = [":START_ID", ":END_ID", ":TYPE"] + [f"{c}:{types[c]}" for c in cols]

        def link_lines(lgroups: LinkGroups = lgroups, cols: list[str] = cols,
                       types: dict[str, str] = types) -> Iterator[list[Any]]:
            for rtype, rs in lgroups.items():
                t = _Q(queries.check_rel_type(rtype, "import"))
                for r in rs:
                    p = r["props"]
                    what = f"relationship {r['key']}"
                    fix = _unwritable(p, set(), types)
                    if fix:
                        out.relationship_fixups.setdefault(rtype, []).append(
                            {"kid": r["props"]["kid"], "props": fix})
                    yield [_Q(r["src"]), _Q(r["dst"]), t,
                           *(_cell(p.get(c), types[c], what) for c in cols)]

        path = folder / f"relationships-{k:04d}.csv"
        out.relationships += _write(path, header, link_lines())
        out.relationship_files.append(path)
    if sources is not None:
        write_sources_file(out, sources)
    out.bytes = sum(p.stat().st_size for p in [*out.node_files, *out.relationship_files])
    return out


def write_sources_file(out: ImportFiles, sources: SourceTable) -> None:
    """The ``Source`` and ``Rationale`` records as two more nodes files (labels ``Source`` and
    ``Rationale``; never ``Entity``)."""
    for name, label, rows in (("sources", queries.SOURCE, sources.rows()),
                              ("rationales", queries.RATIONALE, sources.rationale_rows())):
        if not rows:
            continue
        types = _types((r["props"] for r in rows), {"id"})
        cols = sorted(types)
        header = ["id:ID", ":LABEL"] + [f"{c}:{types[c]}" for c in cols]

        def lines(rows: list[dict[str, Any]] = rows, cols: list[str] = cols,
                  types: dict[str, str] = types, lab: _Q = _Q(label)) -> Iterator[list[Any]]:
            for r in rows:
                p = r["props"]
                yield [_Q(r["id"]), lab, *(_cell(p.get(c), types[c], f"record {r['id']}")
                                           for c in cols)]

        path = out.folder / f"{name}.csv"
        _write(path, header, lines())
        out.node_files.append(path)
    out.sources = len(sources.records)


# -- a folder of curated CSVs, vectorised -----------------------------------------------------
def _q(col: Any) -> Any:
    """Quoted CSV cells of a text column (object array): ``"..."``, quotes doubled."""
    import numpy as np
    import pandas as pd

    text = pd.Series(np.asarray(col, dtype=object), dtype=object)
    if text.str.contains('"', regex=False).any():
        text = text.str.replace('"', '""', regex=False)
    return "\"" + text.to_numpy(dtype=object) + "\""


def _figure(df: Any, path: Path, first_line: int, column: str) -> Any:
    """A fraction column as floats (NaN = absent), parsed as :func:`bulk._numbers` parses it;
    plain numbers vectorised, anything else (``40%``, ``n/a``, ``1,234``) cell by cell."""
    import numpy as np
    import pandas as pd

    from riskgraph.graph.neo4j import bulk

    raw = df[column].astype(str).str.strip()
    v = pd.to_numeric(raw.where(raw != ""), errors="coerce").to_numpy(dtype=float)
    odd = (raw != "").to_numpy() & ~np.isfinite(v)
    if odd.any():
        vals = bulk._numbers(df[column].tolist(), path, first_line, column, True)
        v = np.array([np.nan if x is None else float(x) for x in vals], dtype=float)
    return v


def _source_columns(docs: Any, path: Path, first_line: int, sources: SourceTable | None
                    ) -> tuple[Any, Any, Any]:
    """``source_id``, ``source_line`` (int, -1: none) and ``source_lines`` ("" none) columns of
    a chunk whose ``source`` cells are ``docs``: split once per distinct cell (the rows' line is
    what the citation cuts out, as :func:`bulk.cited_refs` checks), row by row otherwise."""
    import numpy as np
    import pandas as pd

    from riskgraph.graph import curated_format as fmt
    from riskgraph.graph.neo4j import bulk

    n = len(docs)
    codes, uniq = pd.factorize(pd.Series(docs, dtype=object))
    idx = np.arange(n)
    first = np.full(len(uniq), n, dtype=np.int64)
    np.minimum.at(first, codes, idx)
    last = np.full(len(uniq), -1, dtype=np.int64)
    np.maximum.at(last, codes, idx)
    recs = []
    for u, doc in enumerate(uniq.tolist()):
        line = first_line + int(first[u])
        rec, ref = provenance.split(fmt.citation(str(doc), str(path), line))
        if ref.line != line:  # an odd cell: reference row by row
            refs = bulk.cited_refs(list(docs), path, first_line, sources)
            return (np.array([r[0] for r in refs], dtype=object),
                    np.array([-1 if r[1] is None else r[1] for r in refs], dtype=np.int64),
                    np.array([r[2] or "" for r in refs], dtype=object))
        recs.append(rec)
    if sources is not None:
        for u, rec in enumerate(recs):
            sources.add_ref(rec, provenance.Ref(rec.id))
            sources.span(rec.id, [first_line + int(first[u]), first_line + int(last[u])])
    ids = np.array([r.id for r in recs], dtype=object)[codes]
    return ids, first_line + idx, np.full(n, "", dtype=object)


def _rationale_column(texts: Any, sources: SourceTable | None) -> Any:
    """``rationale_id`` per row ("" for an empty rationale), one id per distinct text."""
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(pd.Series(texts, dtype=object))
    ids = []
    for t in uniq.tolist():
        if str(t):
            rid = provenance.rationale_id(str(t))
            if sources is not None:
                sources.rationales.setdefault(rid, str(t))
            ids.append(rid)
        else:
            ids.append("")
    return np.array(ids, dtype=object)[codes] if len(ids) else np.full(len(texts), "",
                                                                          dtype=object)


def write_link_chunk(out: Path, df: Any, path: Path, key_suffix: str, first_line: int,
                     sources: SourceTable | None = None) -> tuple[
        int, dict[str, list[dict[str, Any]]]]:
    """One links chunk as an import file, vectorised: the props of :func:`bulk.link_rows`
    (source records added to ``sources``).

    Returns the rows written and the fix-ups (none since slim provenance: kept for callers).
    """
    import numpy as np

    from riskgraph.graph import curated_format as fmt

    n = len(df)
    strip = {c: df[c].astype(str).str.strip().to_numpy(dtype=object)
             for c in ("from", "to", "type", "source", "as_of", "confidence", "rationale")}
    typ = strip["type"]
    for t in sorted(set(typ.tolist())):
        if fmt.type_problem(t):
            k = int(np.flatnonzero(typ == t)[0])
            fmt.fail(path, first_line + k, "type", fmt.type_problem(t))
    key = strip["from"] + "|" + typ + "|" + strip["to"] + "|" + key_suffix
    from riskgraph.graph.neo4j.rows import key_id

    kid = np.array([key_id(k) for k in key.tolist()], dtype=object)
    sid, sline, slines = _source_columns(strip["source"], path, first_line, sources)
    rid = _rationale_column(strip["rationale"], sources)
    figs = {c: _figure(df, path, first_line, c) for c in bulk_fractions()}
    present = {c: ~np.isnan(v) for c, v in figs.items()}
    names = sorted(figs)
    cols = ["as_of", "confidence", *names, "key_tail", "kid", "rationale_id", "source_id",
            "source_line"]
    header = [":START_ID", ":END_ID", ":TYPE"] + [
        f"{c}:double" if c in figs else ("source_line:long" if c == "source_line"
                                          else f"{c}:string")
        for c in cols]
    parts = [_q(strip["from"]), _q(strip["to"]), _q(typ), _q(strip["as_of"]),
             _q(strip["confidence"])]
    for c in names:
        cell = figs[c].astype(str).astype(object)
        parts.append(np.where(present[c], cell, ""))
    parts += [_q(np.full(n, key_suffix, dtype=object)), _q(kid),
              np.where(rid != "", _q(rid), ""), _q(sid),
              np.where(sline >= 0, sline.astype(str).astype(object), "")]
    if (slines != "").any():
        header.append("source_lines:string")
        parts.append(np.where(slines != "", _q(slines), ""))
    row = parts[0]
    for x in parts[1:]:
        row = row + "," + x
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        fh.write("\n".join(row.tolist()))
        fh.write("\n")
    return n, {}


def bulk_fractions() -> tuple[str, ...]:
    from riskgraph.graph.neo4j import bulk

    return tuple(bulk.FRACTIONS)


def write_folder_files(folder: Path, out_dir: Path, chunk_rows: int = CHUNK_ROWS,
                       key_suffix: str | None = None) -> ImportFiles:
    """The import files of a folder of curated CSVs: nodes by the row path, links vectorised
    (the row path for a links file with ``amount`` or ``unit`` columns), then the source
    records they cite (``sources.csv``)."""
    from riskgraph.graph.neo4j import bulk

    folder = Path(folder)
    node_files, link_files = bulk.folder_files(folder)
    suffix = key_suffix or bulk.source_key(folder)

    def nodes() -> Iterator[NodeGroups]:
        for p in node_files:
            for line, df in bulk.read_chunks(p, bulk.NODE_COLUMNS, chunk_rows):
                yield bulk.node_rows(df, p, line, sources)

    sources = SourceTable()
    plain = [p for p in link_files if not {"amount", "unit"} & set(_header(p))]
    other = [p for p in link_files if p not in plain]

    def links() -> Iterator[LinkGroups]:
        for p in other:
            for line, df in bulk.read_chunks(p, bulk.LINK_COLUMNS, chunk_rows):
                yield bulk.link_rows(df, p, suffix, line, sources)

    out = write_files(out_dir, nodes(), links())
    k = len(out.relationship_files)
    for p in plain:
        for line, df in bulk.read_chunks(p, bulk.LINK_COLUMNS, chunk_rows):
            path = Path(out_dir) / f"relationships-v{k:04d}.csv"
            n, fix = write_link_chunk(path, df, p, suffix, line, sources)
            out.relationships += n
            out.relationship_files.append(path)
            for t, rows in fix.items():
                out.relationship_fixups.setdefault(t, []).extend(rows)
            k += 1
    write_sources_file(out, sources)
    out.bytes = sum(p.stat().st_size for p in [*out.node_files, *out.relationship_files])
    return out


def _header(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [h.strip() for h in next(csv.reader([fh.readline()]), [])]


# -- around the import -------------------------------------------------------------------------
def database_is_empty(driver: neo4j.Driver, database: str) -> tuple[int, int]:
    """(nodes, relationships) in ``database`` (both 0: the import may write it)."""
    recs, _, _ = driver.execute_query(queries.COUNT_NODES, database_=database)
    nodes = int(recs[0]["c"])
    recs, _, _ = driver.execute_query(queries.COUNT_RELATIONSHIPS, database_=database)
    return nodes, int(recs[0]["c"])


def after_import(driver: neo4j.Driver, database: str, files: ImportFiles | None = None
                 ) -> None:
    """Constraints and indexes (waited for), then what the CSV could not carry (the few values
    of another type than their column, list values with an empty string), so the database
    equals what the MERGE path writes.  Empty lists are not stored by either path (slim
    layout, :mod:`~riskgraph.graph.neo4j.rows`), so no pass over every node is needed."""
    from riskgraph.graph.neo4j import store

    store.ensure_schema(driver, database)  # IF NOT EXISTS, then db.awaitIndexes
    if files is None:
        return
    for k in range(0, len(files.node_fixups), 1000):
        driver.execute_query(
            f"UNWIND $rows AS row MATCH (n:{queries.ENTITY} {{id: row.id}}) SET n += row.props",
            rows=files.node_fixups[k:k + 1000], database_=database)
    for rtype, rows in files.relationship_fixups.items():
        t = queries.check_rel_type(rtype, "import")
        for k in range(0, len(rows), 1000):
            driver.execute_query(
                f"UNWIND $rows AS row MATCH ()-[r:{t} {{kid: row.kid}}]->() SET r += row.props",
                rows=rows[k:k + 1000], database_=database)


__all__ = ["ImportFiles", "after_import", "database_is_empty", "folder_rows", "graph_rows",
           "write_files", "write_folder_files", "write_link_chunk"]
