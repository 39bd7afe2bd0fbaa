"""The bulk path into Neo4j: curated-format CSVs streamed as ``UNWIND`` batches, no GraphData.

:func:`riskgraph.graph.neo4j.store.write_graph` takes a :class:`GraphData`: one Python object
per node and edge, right for the shipped graph, far too heavy for a user's map of a million firms
and ten million links.  This module reads a folder of curated-format CSVs
(``*nodes*.csv`` and ``*links*.csv``, ``docs/curated-format.md``) with pandas in chunks and
writes each chunk with the SAME Cypher as the store (the ``MERGE`` statements of
:mod:`~riskgraph.graph.neo4j.queries`, the store's batch writers and
:func:`~riskgraph.graph.neo4j.store.ensure_schema`) and the same property layout as
:func:`~riskgraph.graph.neo4j.rows.node_row` / :func:`~riskgraph.graph.neo4j.rows.edge_row`
give for the graph that :func:`riskgraph.ingest.curated.load_user_dir` builds from that folder:

* a node keeps ``id kind name layer as_of confidence rationale`` (``roles``, ``aliases``,
  ``capacity`` and ``unit`` when given) and the reference to its source: the curated loader's
  citation ``"<source> (riskgraph curated, <file> line <n>)"`` as ``source_id`` (a ``Source``
  node per cell text and file, written once) and ``source_line`` (:mod:`..provenance`);
* a relationship keeps ``kid key_tail as_of confidence``, its source and rationale references and
  the figures (``weight weight_low weight_high sales_share substitutability amount unit``) that
  are not empty; its key is ``"<from>|<type>|<to>|<source key>"`` (source key
  ``user:<folder slug>``): ``kid`` is its hash (the MERGE key), ``key_tail`` the source key;
* labels and relationship types come only from the schema's whitelist (never from the file).

Differences from the curated loader, on purpose (it is the scale path, like
:mod:`riskgraph.engine.columnar`): ``from``/``to`` must be node ids (names and aliases are not
resolved), and the rows are not checked beyond what the writing needs (kinds, roles and types
in the schema; fractions are numbers): check a folder first with
:func:`riskgraph.engine.columnar.load_columnar`, which applies every curated check at this size.
Line numbers in ``source`` count one CSV record per line (a quoted line break shifts them).

Transactions: one per chunk of ``chunk_rows`` CSV rows (all of its batches), so a write of ten
million links never holds one huge transaction; a run that dies part-way leaves whole chunks
behind, and because every statement is a ``MERGE`` on the id or key with ``SET x = row.props``,
running it again completes the graph with no duplicate (the constraints forbid one anyway).
Nothing is pruned.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from riskgraph.errors import IngestError
from riskgraph.graph import curated_format as fmt
from riskgraph.graph import provenance, schema
from riskgraph.graph.curated_format import FRACTIONS, LINK_COLUMNS, NODE_COLUMNS
from riskgraph.graph.figures import parse_number
from riskgraph.graph.neo4j import store
from riskgraph.graph.neo4j.connection import DEFAULT_DATABASE
from riskgraph.graph.neo4j.rows import key_id
from riskgraph.graph.provenance import SourceRecord, SourceTable

if TYPE_CHECKING:
    import neo4j

CHUNK_ROWS = 50_000

NodeGroups = dict[tuple[str, ...], list[dict[str, Any]]]
LinkGroups = dict[str, list[dict[str, Any]]]
Progress = Callable[[str, int], None]  # (what, rows just written)


def _numbers(values: Any, path: Path, first_line: int, column: str, fraction: bool) -> list[Any]:
    """Cells as the curated loader parses them (``None`` when empty or a missing token; ``40%``
    is 0.4 for fractions); not range-checked (the columnar loader checks a folder)."""
    if fraction:
        return [fmt.parse_fraction(raw, path=path, line=first_line + i, column=column,
                                   check_range=False) for i, raw in enumerate(values)]
    return [parse_number(raw, path=path, row=first_line + i, column=column, minimum=None)
            for i, raw in enumerate(values)]


def read_chunks(path: Path, columns: tuple[str, ...], chunk_rows: int = CHUNK_ROWS
                ) -> Iterator[tuple[int, pd.DataFrame]]:
    """``(line of the first row, frame of text cells)`` per chunk of a curated CSV file.

    Every cell is read as text (empty cells as ``""``); a missing required column raises
    :class:`IngestError`.
    """
    try:
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_rows,
                             encoding="utf-8-sig", skipinitialspace=False)
    except pd.errors.EmptyDataError:
        raise IngestError(path, "empty file (no header)") from None
    line = 2
    with reader:
        for df in reader:
            missing = [c for c in columns if c not in df.columns]
            if missing:
                raise IngestError(path, f"missing column {missing[0]!r}", row=1,
                                  column=missing[0])
            yield line, df
            line += len(df)


def cited_refs(docs: list[str], path: Path, first_line: int,
               sources: SourceTable | None = None) -> list[tuple[str, int | None, str | None]]:
    """``(source id, line, lines)`` per row of a chunk whose ``source`` cells are ``docs``: the
    references :func:`riskgraph.graph.provenance.split` gives for the curated loader's citation
    ``"<doc> (riskgraph curated, <file> line <n>)"`` (split once per distinct cell, not per
    row); the records are added to ``sources``."""
    cite = _cited(path)
    seen: dict[str, tuple[SourceRecord, int] | None] = {}
    out: list[tuple[str, int | None, str | None]] = []
    for i, doc in enumerate(docs):
        line = first_line + i
        if doc not in seen:
            rec, ref = provenance.split(fmt.citation(doc, cite, line))
            # the same record for every line of this cell when the line is what was cut out
            seen[doc] = (rec, line) if ref.line == line else None
        got = seen[doc]
        if got is not None:
            rec = got[0]
            ref = provenance.Ref(rec.id, line=line)
        else:
            rec, ref = provenance.split(fmt.citation(doc, cite, line))
        if sources is not None:
            sources.add_ref(rec, ref)
        out.append((ref.source_id, ref.line, ref.lines))
    return out


def _put_ref(props: dict[str, Any], ref: tuple[str, int | None, str | None]) -> None:
    props["source_id"] = ref[0]
    if ref[1] is not None:
        props["source_line"] = ref[1]
    elif ref[2] is not None:
        props["source_lines"] = ref[2]


def _put_rationale(props: dict[str, Any], text: str, ids: dict[str, str],
                   sources: SourceTable | None) -> None:
    """``rationale_id`` of a non-empty rationale (one record per distinct text)."""
    if not text:
        return
    rid = ids.get(text)
    if rid is None:
        rid = ids[text] = provenance.rationale_id(text)
        if sources is not None:
            sources.rationales.setdefault(rid, text)
    props["rationale_id"] = rid


def node_rows(df: pd.DataFrame, path: Path, first_line: int = 2,
              sources: SourceTable | None = None) -> NodeGroups:
    """Rows for the store's node ``MERGE``, grouped by label set, from a chunk of a nodes file.

    Each row is ``{"id": ..., "props": ...}`` with ``props`` laid out as
    :func:`riskgraph.graph.neo4j.rows.node_row` lays out the curated loader's node; the source
    records cited are added to ``sources``.
    """
    groups: NodeGroups = defaultdict(list)
    cols = {c: df[c].tolist() for c in NODE_COLUMNS}
    cap = (_numbers(df["capacity"].tolist(), path, first_line, "capacity", False)
           if "capacity" in df.columns else None)
    refs = cited_refs([x.strip() for x in cols["source"]], path, first_line, sources)
    texts: dict[str, str] = {}
    unit = df["unit"].tolist() if "unit" in df.columns else None
    for i in range(len(df)):
        line = first_line + i
        kind = cols["kind"][i].strip()
        fmt.fail(path, line, "kind", fmt.kind_problem(kind))
        roles = fmt.split_list(cols["roles"][i])
        labels = {schema.NODE_KINDS[kind]}
        for r in roles:
            fmt.fail(path, line, "roles", fmt.role_problem(r))
            labels.add(schema.COMPANY_ROLES[r])
        layer = cols["layer"][i].strip() or schema.layer_of(kind, roles)
        node_id = cols["id"][i].strip()
        props: dict[str, Any] = {
            "id": node_id,
            "kind": kind,
            "name": cols["name"][i].strip(),
            "layer": layer,
            "as_of": cols["as_of"][i].strip(),
            "confidence": cols["confidence"][i].strip(),
        }
        _put_rationale(props, cols["rationale"][i].strip(), texts, sources)
        if roles:
            props["roles"] = roles
        aliases = fmt.split_list(cols["aliases"][i])
        if aliases:
            props["aliases"] = aliases
        _put_ref(props, refs[i])
        if cap is not None and cap[i] is not None:
            props["capacity"] = cap[i]
        if unit is not None and unit[i].strip():
            props["unit"] = unit[i].strip()
        groups[tuple(sorted(labels))].append({"id": node_id, "props": props})
    return dict(groups)


def link_rows(df: pd.DataFrame, path: Path, key_suffix: str, first_line: int = 2,
              sources: SourceTable | None = None) -> LinkGroups:
    """Rows for the store's relationship ``MERGE``, grouped by type, from a chunk of a links file.

    Each row is ``{"src", "dst", "key", "props"}`` with ``props`` laid out as
    :func:`riskgraph.graph.neo4j.rows.edge_row` lays out the curated loader's edge; the source
    records cited are added to ``sources``.
    """
    groups: LinkGroups = defaultdict(list)
    cols = {c: df[c].tolist() for c in ("from", "to", "type", "source", "as_of", "confidence",
                                         "rationale")}
    figures = {c: _numbers(df[c].tolist(), path, first_line, c, True) for c in FRACTIONS}
    if "amount" in df.columns:
        figures["amount"] = _numbers(df["amount"].tolist(), path, first_line, "amount", False)
    unit = df["unit"].tolist() if "unit" in df.columns else None
    order = [c for c in fmt.LINK_FIGURES if c in figures]
    refs = cited_refs([x.strip() for x in cols["source"]], path, first_line, sources)
    texts: dict[str, str] = {}
    for i in range(len(df)):
        line = first_line + i
        rtype = cols["type"][i].strip()
        fmt.fail(path, line, "type", fmt.type_problem(rtype))
        src = cols["from"][i].strip()
        dst = cols["to"][i].strip()
        key = fmt.edge_key(src, rtype, dst, key_suffix)
        props: dict[str, Any] = {
            "kid": key_id(key),
            "key_tail": key_suffix,  # key = from|type|to|<source key>
            "as_of": cols["as_of"][i].strip(),
            "confidence": cols["confidence"][i].strip(),
        }
        _put_rationale(props, cols["rationale"][i].strip(), texts, sources)
        _put_ref(props, refs[i])
        for c in order:
            v = figures[c][i]
            if v is not None:
                props[c] = v
        if unit is not None and unit[i].strip():
            props["unit"] = unit[i].strip()
        groups[rtype].append({"src": src, "dst": dst, "key": key, "kid": props["kid"],
                              "props": props})
    return dict(groups)


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """A folder's ``*nodes*.csv`` and ``*links*.csv`` files, picked as the curated loader does."""
    node_files, link_files = fmt.folder_files(folder)
    if not node_files and not link_files:
        raise IngestError(folder, "no *nodes*.csv or *links*.csv file in the folder")
    return node_files, link_files


def source_key(folder: Path) -> str:
    """The key suffix of the folder's relationships, as the curated loader names a user folder."""
    return fmt.source_key(folder)


def _cited(path: Path) -> str:
    """The file as a node's or relationship's ``source`` names it: the path given (the curated
    loader names a user's file so; only its own shipped files relative to ``ingest/data/``)."""
    return str(path)


# -- writing -----------------------------------------------------------------------------------
def write_nodes(driver: neo4j.Driver, groups: NodeGroups, *, database: str,
                batch_size: int = store.DEFAULT_BATCH, progress: Progress | None = None,
                sources: SourceTable | None = None) -> int:
    """Write node rows in ONE transaction, ``batch_size`` rows per statement; return the count.

    ``sources``: the records the rows cite, written first (their stored line range widened).
    """
    on_batch = (lambda rows: progress("nodes", rows)) if progress else None
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        if sources:
            store.merge_table(tx, sources)
        n = store.merge_node_rows(tx, groups, batch_size, on_batch)
        tx.commit()
    return n


def write_links(driver: neo4j.Driver, groups: LinkGroups, *, database: str,
                batch_size: int = store.DEFAULT_BATCH, progress: Progress | None = None,
                sources: SourceTable | None = None) -> int:
    """Write relationship rows in ONE transaction; both ends must already be in the database.

    ``sources``: the records the rows cite, written first (their stored line range widened).

    Raises
    ------
    ValueError
        A batch names an endpoint that is not in the database (nothing of the chunk is kept).
    """
    on_batch = (lambda rows: progress("links", rows)) if progress else None
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        if sources:
            store.merge_table(tx, sources)
        n = store.merge_edge_rows(tx, groups, batch_size, on_batch, what="links")
        tx.commit()
    return n


@dataclass
class BulkReport:
    """What :func:`write_folder` did: counts and wall times of the two phases."""

    nodes: int = 0
    links: int = 0
    node_seconds: float = 0.0
    link_seconds: float = 0.0
    convert_seconds: float = 0.0  # of which: reading CSV and building rows (client side)
    transactions: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.node_seconds + self.link_seconds

    @property
    def relationships_per_second(self) -> float:
        """Relationships written per second of the link phase (reading the CSV included)."""
        return self.links / self.link_seconds if self.link_seconds > 0 else float("inf")


def write_folder(
    driver: neo4j.Driver,
    folder: Path,
    *,
    database: str = DEFAULT_DATABASE,
    batch_size: int = store.DEFAULT_BATCH,
    chunk_rows: int = CHUNK_ROWS,
    key_suffix: str | None = None,
    max_links: int | None = None,
    skip_nodes: bool = False,
    progress: Progress | None = None,
) -> BulkReport:
    """Write a folder of curated-format CSVs to Neo4j: schema, nodes, then links, by chunks.

    Parameters
    ----------
    driver
        From :func:`riskgraph.graph.neo4j.connection.connect`.
    folder
        Holds ``*nodes*.csv`` and ``*links*.csv``.
    database
        Target database.
    batch_size
        Rows per ``UNWIND`` statement (1 = row by row).
    chunk_rows
        CSV rows read at a time; each chunk is written in one transaction.
    key_suffix
        Last part of the relationship keys; default the curated loader's ``user:<folder>``.
    max_links
        Write only the first ``max_links`` links (a sample for a benchmark).
    skip_nodes
        Do not write the nodes (they are in the database already).
    progress
        Called with ``("nodes" | "links", rows)`` after each statement.

    Returns
    -------
    BulkReport
        Counts and times.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    folder = Path(folder)
    node_files, link_files = folder_files(folder)
    suffix = key_suffix or source_key(folder)
    rep = BulkReport(files=[str(p) for p in [*node_files, *link_files]])
    store.ensure_schema(driver, database)
    if not skip_nodes:
        t0 = time.perf_counter()
        for p in node_files:
            for line, df in read_chunks(p, NODE_COLUMNS, chunk_rows):
                c0 = time.perf_counter()
                cited = SourceTable()
                groups = node_rows(df, p, line, cited)
                rep.convert_seconds += time.perf_counter() - c0
                rep.nodes += write_nodes(driver, groups, database=database,
                                         batch_size=batch_size, progress=progress,
                                         sources=cited)
                rep.transactions += 1
        rep.node_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in link_files:
        for line, df in read_chunks(p, LINK_COLUMNS, chunk_rows):
            if max_links is not None:
                df = df.iloc[: max(0, max_links - rep.links)]
                if df.empty:
                    break
            c0 = time.perf_counter()
            lcited = SourceTable()
            lgroups = link_rows(df, p, suffix, line, lcited)
            rep.convert_seconds += time.perf_counter() - c0
            rep.links += write_links(driver, lgroups, database=database, batch_size=batch_size,
                                     progress=progress, sources=lcited)
            rep.transactions += 1
        if max_links is not None and rep.links >= max_links:
            break
    rep.link_seconds = time.perf_counter() - t0
    return rep
