"""Parquet export: the graph, or a folder of curated CSVs, as ``nodes.parquet`` + ``links.parquet``.

The files have the curated format's columns (``docs/curated-format.md``: ``id kind name layer
roles aliases source as_of confidence rationale`` for nodes, ``from to type weight weight_low
weight_high sales_share substitutability source as_of confidence rationale`` for links), so the
columnar path (:func:`riskgraph.engine.columnar.load_dir`, ``riskgraph bulk-shock``) and the Spark
engine (``--engine spark``) read them as they read the CSVs.  Columns: text as UTF-8 strings
(dictionary-encoded in the file: an id or a source repeated ten million times is stored once per
row group), fractions as ``double`` (empty = null), lists (``roles``, ``aliases``) ``|``-joined
as in the CSV.  Written with pyarrow, ZSTD-compressed, atomically (a failed write leaves no file).

* :func:`write_graph_parquet` writes a :class:`~riskgraph.graph.model.GraphData` (the shipped
  graph and ``--data-dir`` folders): ``riskgraph export parquet DIR``;
* :func:`convert_csv_dir` streams a folder of curated CSVs (a user's map of millions of links)
  without building a graph: ``riskgraph export parquet DIR --map CSV_DIR``.  A fraction column
  that is not plain numbers (``40%``, ``n/a``) stays text, and the loaders parse it as in the CSV.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import ExportError, IngestError

if TYPE_CHECKING:
    import pyarrow as pa

    from riskgraph.graph.model import GraphData

NODE_COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "layer", "roles", "aliases", "source", "as_of", "confidence", "rationale",
)
LINK_COLUMNS: tuple[str, ...] = (
    "from", "to", "type", "weight", "weight_low", "weight_high", "sales_share",
    "substitutability", "source", "as_of", "confidence", "rationale",
)
# Optional link columns of the curated format (typed dependencies), written for the graph and
# kept from a CSV map that has them.
OPTIONAL_LINK_COLUMNS: tuple[str, ...] = ("dependency", "input")
FRACTIONS: tuple[str, ...] = (
    "weight", "weight_low", "weight_high", "sales_share", "substitutability",
)
ROW_GROUP = 1_000_000


@dataclass
class ParquetReport:
    """What was written: files, rows per file, bytes per file."""

    files: list[Path]
    rows: dict[str, int]
    bytes: dict[str, int]


def _pa() -> Any:
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - depends on the install
        raise ExportError("Parquet needs pyarrow: pip install pyarrow") from None
    return pa


def _atomic_parquet(path: Path, tables: Iterable[pa.Table], schema: pa.Schema) -> int:
    """Write record batches into a temporary file beside ``path``, then rename; rows written."""
    import pyarrow.parquet as pq

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    rows = 0
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd", use_dictionary=True) as w:
            for t in tables:
                w.write_table(t, row_group_size=ROW_GROUP)
                rows += t.num_rows
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rows


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _schema(columns: Iterable[str], doubles: Iterable[str] = ()) -> pa.Schema:
    pa = _pa()
    dbl = set(doubles)
    return pa.schema([(c, pa.float64() if c in dbl else pa.string()) for c in columns])


def _folder(folder: Path) -> Path:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write into {folder}: it is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_graph_parquet(graph: GraphData, folder: str | Path) -> ParquetReport:
    """Write ``graph`` as ``folder/nodes.parquet`` and ``folder/links.parquet`` (curated columns).

    Raises
    ------
    ExportError
        The folder cannot be created or a file cannot be written.
    """
    pa = _pa()
    out = _folder(Path(folder))
    nodes: dict[str, list[Any]] = {c: [] for c in NODE_COLUMNS}
    for n in sorted(graph.nodes.values(), key=lambda x: x.id):
        for c, v in (("id", n.id), ("kind", n.kind), ("name", n.name), ("layer", n.layer),
                     ("roles", "|".join(n.roles)), ("aliases", "|".join(n.aliases)),
                     ("source", n.source), ("as_of", n.as_of), ("confidence", n.confidence),
                     ("rationale", n.rationale)):
            nodes[c].append(v)
    link_cols = LINK_COLUMNS + OPTIONAL_LINK_COLUMNS
    links: dict[str, list[Any]] = {c: [] for c in link_cols}
    for e in sorted(graph.iter_edges(), key=lambda x: (x.src, x.type, x.dst, x.key)):
        for c, v in (("from", e.src), ("to", e.dst), ("type", e.type), ("source", e.source),
                     ("as_of", e.as_of), ("confidence", e.confidence),
                     ("rationale", e.rationale)):
            links[c].append(v)
        for c in OPTIONAL_LINK_COLUMNS:
            x = e.props.get(c)
            links[c].append(str(x) if x is not None else "")
        for c in FRACTIONS:
            x = e.props.get(c)
            links[c].append(float(x) if isinstance(x, int | float) and not isinstance(x, bool)
                            else None)
    ns, ls = _schema(NODE_COLUMNS), _schema(link_cols, FRACTIONS)
    nt = pa.table(nodes, schema=ns)
    lt = pa.table(links, schema=ls)
    files = [out / "nodes.parquet", out / "links.parquet"]
    rows = {"nodes.parquet": _atomic_parquet(files[0], [nt], ns),
            "links.parquet": _atomic_parquet(files[1], [lt], ls)}
    return ParquetReport(files, rows, {f.name: f.stat().st_size for f in files})


def _csv_batches(path: Path, columns: tuple[str, ...], doubles: set[str]
                 ) -> tuple[pa.Schema, Iterable[pa.Table]]:
    """Stream a curated CSV as tables of ``columns`` (fractions as doubles where they parse)."""
    import pyarrow.csv as pcsv

    pa = _pa()
    header = _header(path)
    missing = [c for c in columns if c not in header and c in ("id", "kind", "from", "to",
                                                                "type")]
    if missing:
        raise IngestError(path, f"missing column {missing[0]!r}", row=1, column=missing[0])
    present = [c for c in columns if c in header]
    types = {c: (pa.float64() if c in doubles else pa.string()) for c in present}
    schema = _schema(columns, [c for c in doubles if c in present] + [
        c for c in doubles if c not in present])

    def tables() -> Iterable[Any]:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=64 << 20, encoding="utf8"),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=types, include_columns=present, strings_can_be_null=False,
                null_values=[""], quoted_strings_can_be_null=True),
        )
        for batch in reader:
            t = pa.Table.from_batches([batch])
            cols = []
            for c in columns:
                if c in t.column_names:
                    col = t.column(c)
                    if pa.types.is_string(col.type):
                        col = col.fill_null("")
                    cols.append(col)
                else:
                    typ = pa.float64() if c in doubles else pa.string()
                    cols.append(pa.nulls(t.num_rows, typ) if c in doubles
                                else pa.array([""] * t.num_rows, typ))
            yield pa.table(cols, schema=schema)
    return schema, tables()


def _header(path: Path) -> list[str]:
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [h.strip() for h in next(csv.reader([fh.readline()]), [])]
    except UnicodeDecodeError as e:
        raise IngestError(path, f"not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise IngestError(path, f"cannot read: {e.strerror}") from None


def convert_csv_dir(src: str | Path, folder: str | Path) -> ParquetReport:
    """Convert every ``*nodes*.csv`` / ``*links*.csv`` of ``src`` into ``folder`` as Parquet.

    Streams the files (a 10M-link map is never in memory whole); each ``X.csv`` becomes
    ``X.parquet``.  A fraction column whose cells are not all plain numbers is kept as text.

    Raises
    ------
    IngestError
        A file is not UTF-8, lacks a key column, or is malformed.
    ExportError
        ``folder`` is ``src`` itself, or cannot be written.
    """
    import pyarrow as pa_mod

    src, out = Path(src), Path(folder)
    if not src.is_dir():
        raise IngestError(src, "map folder does not exist")
    if out.resolve() == src.resolve():
        raise ExportError(f"cannot write the Parquet files into the map folder {src} itself")
    csvs = sorted(src.glob("*.csv"))
    nodes = [p for p in csvs if "nodes" in p.name.casefold()]
    links = [p for p in csvs if "links" in p.name.casefold() and p not in nodes]
    if not links:
        raise IngestError(src, "no *links*.csv file in the folder")
    _folder(out)
    files: list[Path] = []
    rows: dict[str, int] = {}
    for p, cols in [*((p, NODE_COLUMNS) for p in nodes), *((p, LINK_COLUMNS) for p in links)]:
        target = out / (p.stem + ".parquet")
        if cols is LINK_COLUMNS:
            cols = LINK_COLUMNS + tuple(c for c in OPTIONAL_LINK_COLUMNS if c in _header(p))
        doubles = set(FRACTIONS) if "from" in cols else set()
        try:
            schema, tables = _csv_batches(p, cols, doubles)
            n = _atomic_parquet(target, tables, schema)
        except (pa_mod.ArrowInvalid, pa_mod.ArrowTypeError) as e:
            if "CSV conversion error to double" not in str(e) and "In CSV column" not in str(e):
                raise IngestError(p, f"malformed CSV: {str(e).splitlines()[0]}") from None
            # a fraction written as 40% or n/a: keep the text, the loaders parse it
            schema, tables = _csv_batches(p, cols, set())
            try:
                n = _atomic_parquet(target, tables, schema)
            except pa_mod.ArrowInvalid as e2:
                raise IngestError(p, f"malformed CSV: {str(e2).splitlines()[0]}") from None
        files.append(target)
        rows[target.name] = n
    return ParquetReport(files, rows, {f.name: f.stat().st_size for f in files})


__all__ = ["ParquetReport", "convert_csv_dir", "write_graph_parquet"]
