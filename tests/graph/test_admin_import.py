"""The neo4j-admin import files (graph/neo4j/admin_import.py): what they say, parsed back as the
import tool parses them, equals the store's rows (bulk.node_rows / link_rows, rows.node_row /
edge_row); the vectorised links writer equals the row path; values a cell cannot carry (empty
lists, lists holding "") become fix-ups."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from riskgraph.graph import provenance
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.neo4j import admin_import, bulk
from riskgraph.graph.neo4j.rows import key_id
from riskgraph.graph.provenance import SourceTable

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import generate  # noqa: E402

SEP = admin_import.ARRAY_SEP


def _cells(text: str) -> list[list[tuple[str, bool]]]:
    """RFC 4180 records as (value, quoted) cells: a quoted "" is an empty string, an unquoted
    empty cell is absent (as neo4j-admin reads them)."""
    rows: list[list[tuple[str, bool]]] = []
    row: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j, buf = i + 1, []
            while True:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            row.append(("".join(buf), True))
            i = j + 1
        else:
            j = i
            while j < n and text[j] not in ",\n":
                j += 1
            row.append((text[i:j], False))
            i = j
        if i < n and text[i] == ",":
            i += 1
            if i == n or text[i] == "\n":
                row.append(("", False))
        if i < n and text[i] == "\n":
            rows.append(row)
            row = []
            i += 1
    if row:
        rows.append(row)
    return rows


def _parse(path: Path) -> list[dict[str, Any]]:
    """Rows of an import file as neo4j-admin reads them."""
    recs = _cells(path.read_text(encoding="utf-8"))
    header = [h for h, _ in recs[0]]
    out = []
    for rec in recs[1:]:
        row: dict[str, Any] = {}
        for h, (cell, quoted) in zip(header, rec, strict=True):
            name, _, typ = h.partition(":")
            if cell == "" and not quoted:
                continue
            if typ.endswith("[]") or h == ":LABEL":
                v: Any = cell.split(SEP)
                if typ.startswith("double"):
                    v = [float(x) for x in v]
                elif typ.startswith("long"):
                    v = [int(x) for x in v]
                elif typ.startswith("boolean"):
                    v = [x == "true" for x in v]
            elif typ == "double":
                v = float(cell)
            elif typ == "long":
                v = int(cell)
            elif typ == "boolean":
                v = cell == "true"
            else:
                v = cell
            row[name if name else h] = v
        out.append(row)
    return out


def _rel_props(files: admin_import.ImportFiles) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in files.relationship_files:
        for r in _parse(p):
            props = {k: v for k, v in r.items() if not k.startswith(":")}
            out[props["kid"]] = props
    for rows in files.relationship_fixups.values():
        for f in rows:
            out[f["kid"]].update(f["props"])
    return out


def test_vectorised_links_equal_the_row_path(tmp_path: Path) -> None:
    data = tmp_path / "map"
    generate.write(data, 300, 2500, seed=3)
    rows_files = admin_import.write_files(tmp_path / "rows", *admin_import.folder_rows(data))
    vec_files = admin_import.write_folder_files(data, tmp_path / "vec", chunk_rows=700)
    assert vec_files.relationships == rows_files.relationships > 1500
    assert len(vec_files.relationship_files) == -(-vec_files.relationships // 700)  # per chunk
    want: dict[str, dict[str, Any]] = {}
    for line, df in bulk.read_chunks(data / "links.csv", bulk.LINK_COLUMNS):
        for rs in bulk.link_rows(df, data / "links.csv", bulk.source_key(data), line).values():
            want.update({r["kid"]: r["props"] for r in rs})
    assert _rel_props(vec_files) == want
    assert _rel_props(rows_files) == want


def test_graph_rows_with_awkward_values(tmp_path: Path) -> None:
    g = GraphData()
    g.add_node(Node("company:a", "company", 'A "quoted", two\nlines', source="s", as_of="2025",
                    confidence="reported", props={"tags": ["x", ""], "n": 3, "ok": True,
                                                       "price (both used)": 9.8}))
    g.add_node(Node("company:b", "company", "B", source="s", as_of="2025",
                    confidence="reported", roles=["foundry"], props={"empty": []}))
    g.add_edge(Edge("company:a", "company:b", "SUPPLIES", source="s", as_of="2025",
                    confidence="estimated", rationale="why", props={"weight": 0.25}, key="k1"))
    table = SourceTable()
    files = admin_import.write_files(tmp_path, *admin_import.graph_rows(g, sources=table),
                                     sources=table)
    nodes = {r["id"]: r for p in files.node_files for r in _parse(p)}
    sid = provenance.split("s")[0].id
    rid = provenance.rationale_id("why")
    # one Source record for all three, one Rationale record
    assert set(nodes) == {"company:a", "company:b", sid, rid}
    assert nodes[rid][":LABEL"] == ["Rationale"] and nodes[rid]["text"] == "why"
    assert nodes[sid][":LABEL"] == ["Source"] and nodes[sid]["citation"] == "s"
    assert files.sources == 1 and nodes["company:a"]["source_id"] == sid
    assert nodes["company:a"]["name"] == 'A "quoted", two\nlines'
    assert "rationale" not in nodes["company:a"]  # empty: no rationale_id either
    assert "rationale_id" not in nodes["company:a"]
    assert nodes["company:b"]["roles"] == ["foundry"]
    assert nodes["company:a"][":LABEL"] == ["Entity", "Company"]
    fixed = {f["id"]: f["props"] for f in files.node_fixups}
    assert fixed == {"company:a": {"tags": ["x", ""], "price (both used)": 9.8},
                     "company:b": {"empty": []}}
    header = files.node_files[0].read_text().splitlines()[0]
    assert "n:long" in header and "ok:boolean" in header and "roles:string[]" in header
    rels = _rel_props(files)
    k1 = rels[key_id("k1")]
    assert k1["weight"] == 0.25 and "prop_keys" not in k1
    assert k1["key"] == "k1"  # not of the form src|type|dst|...: stored as it is
    assert k1["source_id"] == sid and "source" not in k1
    assert k1["rationale_id"] == rid and "rationale" not in k1
    args = files.arguments("neo4j")
    assert args[-1] == "neo4j" and "--overwrite-destination=true" in args
