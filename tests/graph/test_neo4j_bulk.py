"""Row conversion of the bulk Neo4j path (no server): the store's layout, exactly.

For a folder of curated-format CSVs, the rows :mod:`riskgraph.graph.neo4j.bulk` builds from the
CSV text must equal what :func:`riskgraph.graph.neo4j.rows.node_row` / ``edge_row`` give for
the graph :func:`riskgraph.ingest.curated.load_user_dir` builds from the same folder, with the
same labels, keys and endpoints; so a bulk write and ``write_graph`` store the same graph.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from riskgraph.errors import IngestError
from riskgraph.graph.neo4j import bulk
from riskgraph.graph.neo4j import rows as flat
from riskgraph.ingest.curated import load_user_dir

REPO = Path(__file__).resolve().parents[2]


def _generate_module() -> Any:
    spec = importlib.util.spec_from_file_location("rg_generate", REPO / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["rg_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


def bulk_rows(folder: Path, chunk_rows: int) -> tuple[dict, dict]:
    nodes, links = bulk.folder_files(folder)
    nn: dict = {}
    for p in nodes:
        for line, df in bulk.read_chunks(p, bulk.NODE_COLUMNS, chunk_rows):
            for labels, rows in bulk.node_rows(df, p, line).items():
                for r in rows:
                    assert r["id"] not in nn
                    nn[r["id"]] = (labels, r["props"])
    ee: dict = {}
    for p in links:
        for line, df in bulk.read_chunks(p, bulk.LINK_COLUMNS, chunk_rows):
            for rtype, rows in bulk.link_rows(df, p, bulk.source_key(folder), line).items():
                for r in rows:
                    assert r["key"] not in ee
                    ee[r["key"]] = (rtype, r)
    return nn, ee


def assert_same_as_store(folder: Path, chunk_rows: int) -> tuple[int, int]:
    g = load_user_dir(folder).graph
    nn, ee = bulk_rows(folder, chunk_rows)
    mine = [n for n in g.nodes.values() if str(folder) in n.source]
    assert len(mine) == len(nn) > 0
    for n in mine:
        labels, props = nn[n.id]
        assert props == flat.node_row(n), n.id
        assert labels == flat.node_labels(n)
    assert len(ee) == g.number_of_edges() > 0
    for e in g.edges.values():
        rtype, row = ee[e.key]
        assert rtype == e.type
        assert (row["src"], row["dst"]) == (e.src, e.dst)
        assert row["props"] == flat.edge_row(e), e.key
    return len(nn), len(ee)


@pytest.mark.parametrize("chunk_rows", [97, 100_000])
def test_generated_graph_rows_equal_the_store_rows(tmp_path: Path, chunk_rows: int) -> None:
    gen = _generate_module()
    folder = tmp_path / "synthetic-map"
    r = gen.write(folder, 400, seed=3)
    n, m = assert_same_as_store(folder, chunk_rows)
    assert (n, m) == (r.nodes, r.links)


NODES = (
    "id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale,capacity,unit\n"
    "company:acme-fab,company, Acme Fab ,,foundry|designer,Acme|ACME Corp,"
    "Acme annual report 2024,2024,reported,,12.5,kwpm\n"
    "company:beta-lab,company,Beta Lab,,lab,,team estimate,2025-03,estimated,"
    '"a guess, with a comma",,\n'
    """input:widget-x,input,Widget X,,,,"Widget survey, table 2",2023,reported,,,
"""
)

LINKS = (
    "from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,"
    "confidence,rationale,amount,unit\n"
    "company:acme-fab,company:beta-lab,SUPPLIES,40%,30%,50%,,0.2,team estimate,2025,"
    "estimated,one fab of two,3,kwpm\n"
    'input:widget-x,company:acme-fab,INPUT_TO,0.75,,,0.1,,"Widget survey, table 3",2023,'
    """reported,,,
company:beta-lab,company:acme-fab,INVESTS_IN,,,,,,press release,2024-01-02,reported,,,
"""
)


def test_hand_made_folder_with_percentages_capacity_and_amounts(tmp_path: Path) -> None:
    folder = tmp_path / "My Map"
    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES, encoding="utf-8")
    (folder / "links.csv").write_text(LINKS, encoding="utf-8")
    assert assert_same_as_store(folder, 2) == (3, 3)
    nn, ee = bulk_rows(folder, 1000)
    labels, acme = nn["company:acme-fab"]
    assert labels == ("ChipDesigner", "Company", "Foundry")
    assert acme["layer"] == "chips" and acme["name"] == "Acme Fab"
    assert acme["capacity"] == 12.5 and "prop_keys" not in acme  # derivable: not stored
    assert acme["source_line"] == 2 and len(acme["source_id"]) == 16 and "source" not in acme
    assert nn["company:beta-lab"][1]["layer"] == "labs"
    _, sup = ee["company:acme-fab|SUPPLIES|company:beta-lab|user:my-map"]
    assert sup["props"]["weight"] == pytest.approx(0.4)
    assert sup["props"]["amount"] == 3.0 and sup["props"]["unit"] == "kwpm"
    _, inv = ee["company:beta-lab|INVESTS_IN|company:acme-fab|user:my-map"]
    assert "prop_keys" not in inv["props"] and "weight" not in inv["props"]
    assert inv["props"]["source_line"] == 4


def test_line_numbers_run_across_chunks(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES, encoding="utf-8")
    starts = [line for line, _ in bulk.read_chunks(folder / "nodes.csv", bulk.NODE_COLUMNS, 2)]
    assert starts == [2, 4]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        # the curated loader's reasons (graph/curated_format.py, graph/figures.py)
        ("type", "LIKES", "unknown type 'LIKES'; did you mean 'SUPPLIES'?"),
        ("weight", "lots", "not a number: 'lots'"),
        ("weight", "inf", "not a number: 'inf'"),
        ("weight", "1e999", "not a finite number: '1e999'"),
    ],
)
def test_bad_link_cells_are_ingest_errors(
    tmp_path: Path, column: str, value: str, reason: str
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    lines = LINKS.splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index(column)] = value
    lines[2] = ",".join(cells)
    (folder / "links.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as ei:
        for line, df in bulk.read_chunks(folder / "links.csv", bulk.LINK_COLUMNS):
            bulk.link_rows(df, folder / "links.csv", "user:bad", line)
    assert ei.value.reason == reason
    assert ei.value.row == 3 and ei.value.column == column


def test_bad_node_cells_and_missing_columns(tmp_path: Path) -> None:
    p = tmp_path / "nodes.csv"
    p.write_text(NODES.replace("company:beta-lab,company,", "company:beta-lab,firm,"), "utf-8")
    with pytest.raises(IngestError) as ei:
        for line, df in bulk.read_chunks(p, bulk.NODE_COLUMNS):
            bulk.node_rows(df, p, line)
    assert (ei.value.reason, ei.value.row, ei.value.column) == ("unknown kind 'firm'", 3, "kind")
    p.write_text(NODES.replace(",lab,", ",wizard,"), "utf-8")
    with pytest.raises(IngestError, match="unknown role 'wizard'"):
        for line, df in bulk.read_chunks(p, bulk.NODE_COLUMNS):
            bulk.node_rows(df, p, line)
    p.write_text("id,kind,name\ncountry:CN,country,China\n", "utf-8")
    with pytest.raises(IngestError) as ei:
        list(bulk.read_chunks(p, bulk.NODE_COLUMNS))
    assert ei.value.reason == "missing column 'layer'" and ei.value.row == 1
    p.write_text("", "utf-8")
    with pytest.raises(IngestError, match="empty file"):
        list(bulk.read_chunks(p, bulk.NODE_COLUMNS))


def test_a_folder_without_csv_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no \\*nodes\\*.csv or \\*links\\*.csv"):
        bulk.folder_files(tmp_path)


@pytest.mark.parametrize(
    ("column", "value"),
    [("type", "LIKES"), ("type", "supplies"), ("weight", "lots"), ("weight", "inf"),
     ("weight", "1e999"), ("sales_share", "n/a%x")],
)
def test_the_bulk_writer_gives_the_curated_loaders_reason(
    tmp_path: Path, column: str, value: str
) -> None:
    """One home for the format (graph/curated_format.py): the same bad cell, the same error."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES, encoding="utf-8")
    lines = LINKS.splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index(column)] = value
    lines[2] = ",".join(cells)
    (folder / "links.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as loader:
        load_user_dir(folder)
    with pytest.raises(IngestError) as writer:
        for line, df in bulk.read_chunks(folder / "links.csv", bulk.LINK_COLUMNS):
            bulk.link_rows(df, folder / "links.csv", "user:bad", line)
    got = (writer.value.reason, writer.value.row, writer.value.column)
    assert got == (loader.value.reason, loader.value.row, loader.value.column)
    assert got[1:] == (3, column)
