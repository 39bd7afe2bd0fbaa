"""JSON (schema ``riskgraph.graph/2``) and CSV (``nodes.csv`` + ``edges.csv``) exports.

JSON keeps provenance slim (:mod:`riskgraph.graph.provenance`): a top-level ``sources`` list
holds each document / data set / file once (citation, file, licence, line range), and every node
and edge refers to one by ``source_id`` plus ``source_line`` (or ``source_lines``) instead of
repeating the citation; :func:`read_json` rebuilds the full citations (and still reads
``riskgraph.graph/1`` documents, which carry them inline).

Both formats keep every field of every node and edge, so user text (names with markup, quotes,
newlines) survives unchanged; docs/exports.md documents the columns and the JSON schema.  In CSV a
cell a spreadsheet would evaluate as a formula (``=``, ``+``, ``-``, ``@`` ...) starts with ``'``
(OWASP's rule, :mod:`riskgraph.graph.text`); :func:`read_csv` removes it again.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from riskgraph.errors import ExportError
from riskgraph.export.atomic import refuse_inputs, write_many, write_text
from riskgraph.graph import provenance
from riskgraph.graph.model import GraphData
from riskgraph.graph.provenance import SourceTable
from riskgraph.graph.text import csv_cell, csv_uncell

JSON_SCHEMA = "riskgraph.graph/2"
JSON_SCHEMAS_READ = ("riskgraph.graph/1", JSON_SCHEMA)

NODE_COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "layer", "roles", "aliases", "source", "as_of", "confidence",
    "rationale", "other_sources",
)
EDGE_COLUMNS: tuple[str, ...] = (
    "key", "src", "dst", "type", "source", "as_of", "confidence", "rationale",
)
LIST_FIELDS = frozenset({"roles", "aliases", "other_sources"})
PROP_PREFIX = "prop."


def _ref(table: SourceTable, citation: str) -> dict[str, Any]:
    ref = table.add(citation)
    out: dict[str, Any] = {"source_id": ref.source_id}
    if ref.line is not None:
        out["source_line"] = ref.line
    elif ref.lines is not None:
        out["source_lines"] = ref.lines
    return out


def graph_to_json_obj(graph: GraphData) -> dict[str, Any]:
    """The JSON document of ``graph``: schema, counts, sources (by id), nodes (by id) and edges
    (by key), each node and edge referring to its source by id and line."""
    d = graph.to_dict()
    table = SourceTable()
    nodes = []
    for n in d["nodes"]:
        out = {}
        for k, v in n.items():
            if k == "source":
                out.update(_ref(table, v))
            elif k == "other_sources":
                out[k] = [_ref(table, o) for o in v]
            else:
                out[k] = v
        nodes.append(out)
    edges = []
    for e in d["edges"]:
        out = {}
        for k, v in e.items():
            if k == "source":
                out.update(_ref(table, v))
            else:
                out[k] = v
        edges.append(out)
    sources = [r["props"] for r in table.rows()]
    return {
        "schema": JSON_SCHEMA,
        "counts": {"nodes": len(nodes), "edges": len(edges), "sources": len(sources)},
        "sources": sources,
        "nodes": nodes,
        "edges": edges,
    }


def _unref(recs: dict[str, provenance.SourceRecord], d: dict[str, Any]) -> str:
    sid = d["source_id"]
    if sid not in recs:
        raise KeyError(f"source_id {sid!r} is not in 'sources'")
    return provenance.join(recs[sid], provenance.Ref(sid, line=d.get("source_line"),
                                                     lines=d.get("source_lines")))


def _from_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """A ``riskgraph.graph/2`` document as :meth:`GraphData.from_dict` takes it."""
    recs = {str(p["id"]): provenance.SourceRecord.from_props(p) for p in doc["sources"]}
    drop = {"source_id", "source_line", "source_lines"}
    nodes = []
    for n in doc["nodes"]:
        out = {k: v for k, v in n.items() if k not in drop}
        out["source"] = _unref(recs, n)
        out["other_sources"] = [_unref(recs, o) for o in n.get("other_sources") or []]
        nodes.append(out)
    edges = []
    for e in doc["edges"]:
        out = {k: v for k, v in e.items() if k not in drop}
        out["source"] = _unref(recs, e)
        edges.append(out)
    return {"nodes": nodes, "edges": edges}


def write_json(graph: GraphData, path: str | Path) -> None:
    """Write ``graph`` as JSON (schema ``riskgraph.graph/2``) atomically.

    Raises
    ------
    ExportError
        The file cannot be written.
    """
    text = json.dumps(graph_to_json_obj(graph), indent=1, ensure_ascii=False, allow_nan=False)
    write_text(path, text + "\n")


def read_json(path: str | Path) -> GraphData:
    """Read a file written by :func:`write_json` back into a :class:`GraphData` (also a
    ``riskgraph.graph/1`` document of earlier versions).

    Raises
    ------
    ExportError
        Not a ``riskgraph.graph/1`` or ``/2`` document.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportError(f"cannot read {path}: {e}") from None
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema not in JSON_SCHEMAS_READ:
        raise ExportError(f"{path}: not a {JSON_SCHEMA} document")
    try:
        return GraphData.from_dict(_from_v2(doc) if schema == JSON_SCHEMA else doc)
    except (KeyError, TypeError, ValueError) as e:
        raise ExportError(f"{path}: malformed {schema} document: {e}") from None


def _cell(v: Any) -> str:
    """A CSV cell: lists (and dicts) as JSON, None as empty, booleans as true/false; a cell a
    spreadsheet would read as a formula gets a leading ``'`` (:func:`csv_cell`)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | dict):
        return csv_cell(json.dumps(v, ensure_ascii=False))
    return csv_cell(str(v))


def _prop_cell(v: Any) -> str:
    """A prop cell: as :func:`_cell`, but a text the reader would take for something else (a
    number, ``true``, JSON, empty) or that starts with ``"`` is written as a JSON string
    (``"2024"``), so it reads back as the same text."""
    if isinstance(v, str) and (v[:1] == '"' or _parse_cell(v) != v):
        return csv_cell(json.dumps(v, ensure_ascii=False))
    return _cell(v)


def _prop_keys(items: list[dict[str, Any]]) -> list[str]:
    keys: set[str] = set()
    for it in items:
        keys.update(it["props"])
    return sorted(keys)


Table = tuple[list[str], list[list[str]]]


def _rows(items: list[dict[str, Any]], columns: tuple[str, ...]) -> Table:
    pkeys = _prop_keys(items)
    header = [*columns, *(csv_cell(PROP_PREFIX + k) for k in pkeys)]
    rows = []
    for it in items:
        row = [_cell(it.get(c)) for c in columns]
        row += [_prop_cell(it["props"].get(k)) for k in pkeys]
        rows.append(row)
    return header, rows


def write_csv(
    graph: GraphData, folder: str | Path, *, inputs: Iterable[str | Path] = ()
) -> tuple[Path, Path]:
    """Write ``nodes.csv`` and ``edges.csv`` into ``folder`` (created if missing), as one unit.

    Columns: the fixed fields (``NODE_COLUMNS`` / ``EDGE_COLUMNS``) then one ``prop.<key>``
    column per property key found; list fields are JSON arrays.  Returns both paths.

    Raises
    ------
    ExportError
        The folder cannot be created or a file cannot be written (then neither file changes),
        or the folder is (inside) one of ``inputs``, the data folders the command reads.
    """
    folder = Path(folder)
    refuse_inputs(folder, inputs)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write CSV into {folder}: it is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create folder {folder}: {e.strerror or e}") from None
    d = graph.to_dict()
    tables = {
        folder / "nodes.csv": _rows(d["nodes"], NODE_COLUMNS),
        folder / "edges.csv": _rows(d["edges"], EDGE_COLUMNS),
    }

    def writer(table: Table) -> Any:
        def w(fh: IO[str]) -> None:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(table[0])
            out.writerows(table[1])

        return w

    write_many({p: writer(t) for p, t in tables.items()})
    return folder / "nodes.csv", folder / "edges.csv"


def _parse_cell(v: str) -> Any:
    if v == "":
        return None
    if v in ("true", "false"):
        return v == "true"
    if v[:1] == '"':  # a text written JSON-quoted by _prop_cell
        try:
            got = json.loads(v)
        except ValueError:
            return v
        return got if isinstance(got, str) else v
    if v[:1] in "[{":
        try:
            return json.loads(v)
        except ValueError:
            return v
    if len(v) > 1 and v[0] == "0" and v.isdigit():
        return v  # "0001045810" (an SEC CIK), "005930" (a KRX code): text; no int is written so
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v


def read_csv(folder: str | Path) -> GraphData:
    """Read ``nodes.csv`` and ``edges.csv`` written by :func:`write_csv` back into a GraphData.

    Property values are re-typed by their text (numbers, true/false, JSON lists); the fixed
    string fields are kept verbatim (the leading ``'`` of a neutralised formula is removed).
    """
    folder = Path(folder)
    out: dict[str, list[dict[str, Any]]] = {"nodes": [], "edges": []}
    for name, columns in (("nodes", NODE_COLUMNS), ("edges", EDGE_COLUMNS)):
        try:
            with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    item: dict[str, Any] = {}
                    props: dict[str, Any] = {}
                    for k, v in ((csv_uncell(k), csv_uncell(v)) for k, v in row.items()):
                        if k.startswith(PROP_PREFIX):
                            pv = _parse_cell(v)
                            if pv is not None:
                                props[k[len(PROP_PREFIX):]] = pv
                        elif k in LIST_FIELDS:
                            item[k] = json.loads(v) if v else []
                        elif k in columns:
                            item[k] = v
                    item["props"] = props
                    out[name].append(item)
        except (OSError, ValueError) as e:
            raise ExportError(f"cannot read {folder / (name + '.csv')}: {e}") from None
    return GraphData.from_dict(out)
