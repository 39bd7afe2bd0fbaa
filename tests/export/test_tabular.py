from __future__ import annotations

import csv
import json

import pytest
from rg_sample_graph import EVIL, EVIL_SOURCE, normalised

from riskgraph.errors import ExportError
from riskgraph.export.tabular import JSON_SCHEMA, read_csv, read_json, write_csv, write_json


def test_json_schema_and_round_trip(graph, tmp_path):
    p = tmp_path / "g.json"
    write_json(graph, p)
    doc = json.loads(p.read_text(encoding="utf-8"))
    assert doc["schema"] == JSON_SCHEMA == "riskgraph.graph/1"
    assert doc["counts"] == {"nodes": len(graph), "edges": graph.number_of_edges()}
    assert [n["id"] for n in doc["nodes"]] == sorted(graph.nodes)
    assert set(doc["nodes"][0]) == {
        "id", "kind", "name", "layer", "roles", "aliases", "source", "as_of", "confidence",
        "rationale", "other_sources", "props",
    }
    assert set(doc["edges"][0]) == {
        "key", "src", "dst", "type", "source", "as_of", "confidence", "rationale", "props",
    }
    back = read_json(p)
    assert back.to_dict() == graph.to_dict()
    assert back.nodes["company:evil"].name == EVIL
    assert back.nodes["company:evil"].source == EVIL_SOURCE


def test_read_json_rejects_other_documents(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"schema": "something/1", "nodes": [], "edges": []}')
    with pytest.raises(ExportError, match="not a riskgraph.graph/1 document"):
        read_json(p)


def test_csv_round_trip_keeps_hostile_text(graph, tmp_path):
    nodes, edges = write_csv(graph, tmp_path / "out")
    assert (nodes.name, edges.name) == ("nodes.csv", "edges.csv")
    with nodes.open(encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == len(graph)
    assert rows["company:evil"]["name"] == EVIL
    assert rows["company:evil"]["source"] == EVIL_SOURCE
    assert json.loads(rows["country:US"]["aliases"]) == ["USA", "U.S."]
    assert rows["mineral:gallium"]["prop.symbol"] == "Ga"
    with edges.open(encoding="utf-8", newline="") as fh:
        erows = list(csv.DictReader(fh))
    assert len(erows) == graph.number_of_edges()
    assert {"key", "src", "dst", "type", "prop.weight"} <= set(erows[0])
    assert normalised(read_csv(tmp_path / "out")) == normalised(graph)


def test_csv_into_a_file_is_an_error(graph, tmp_path):
    f = tmp_path / "file.csv"
    f.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        write_csv(graph, f)
