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
    assert doc["schema"] == JSON_SCHEMA == "riskgraph.graph/2"
    assert doc["counts"] == {"nodes": len(graph), "edges": graph.number_of_edges(),
                             "sources": len(doc["sources"])}
    assert [n["id"] for n in doc["nodes"]] == sorted(graph.nodes)
    assert {"id", "kind", "name", "layer", "roles", "aliases", "source_id", "as_of",
            "confidence", "rationale", "other_sources", "props"} <= set(doc["nodes"][0])
    assert {"key", "src", "dst", "type", "source_id", "as_of", "confidence", "rationale",
            "props"} <= set(doc["edges"][0])
    # each distinct source once; nodes and edges refer to it
    ids = [s["id"] for s in doc["sources"]]
    assert len(ids) == len(set(ids)) and all("citation" in s for s in doc["sources"])
    assert {x["source_id"] for x in doc["nodes"] + doc["edges"]} <= set(ids)
    assert len(ids) <= len({n.source for n in graph.nodes.values()}
                           | {e.source for e in graph.edges.values()}
                           | {o for n in graph.nodes.values() for o in n.other_sources})
    back = read_json(p)
    assert back.to_dict() == graph.to_dict()
    assert back.nodes["company:evil"].name == EVIL
    assert back.nodes["company:evil"].source == EVIL_SOURCE


def test_read_json_rejects_other_documents(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"schema": "something/1", "nodes": [], "edges": []}')
    with pytest.raises(ExportError, match="not a riskgraph.graph/2 document"):
        read_json(p)


def test_read_json_still_reads_schema_1(graph, tmp_path):
    p = tmp_path / "old.json"
    d = graph.to_dict()
    p.write_text(json.dumps({"schema": "riskgraph.graph/1", **d}), encoding="utf-8")
    assert read_json(p).to_dict() == d


def test_json_sources_are_shared_with_line_numbers(tmp_path):
    from riskgraph.graph.model import Edge, GraphData, Node

    g = GraphData()
    cite = "USGS MCS 2024 data release, usgs/mcs2024_world/mcs2024-galli_world.csv line {}"
    for i in range(3):
        g.add_node(Node(f"country:C{i}", "country", f"C{i}", cite.format(i + 2), "2023",
                        "reported"))
    g.add_node(Node("mineral:gallium", "mineral", "Gallium", "registry", "2024", "reported",
                    other_sources=[cite.format(9)]))
    g.add_edge(Edge("country:C0", "mineral:gallium", "PRODUCES", cite.format(4), "2023",
                    "reported", props={"weight": 0.9}))
    p = tmp_path / "g.json"
    write_json(g, p)
    doc = json.loads(p.read_text(encoding="utf-8"))
    assert len(doc["sources"]) == 2  # the USGS file and the registry
    usgs = next(s for s in doc["sources"] if s.get("file"))
    assert usgs["citation"] == cite.format("").removesuffix(" line ")
    assert usgs["licence"] == "U.S. public domain"
    assert (usgs["first_line"], usgs["last_line"]) == (2, 9)
    assert doc["edges"][0]["source_id"] == usgs["id"] and doc["edges"][0]["source_line"] == 4
    assert doc["nodes"][-1]["other_sources"] == [{"source_id": usgs["id"], "source_line": 9}]
    assert cite.format(4) not in p.read_text(encoding="utf-8")  # no citation repeated
    assert read_json(p).to_dict() == g.to_dict()


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


def test_csv_keeps_text_props_that_look_like_other_types(tmp_path):
    from riskgraph.graph.model import GraphData, Node

    g = GraphData()
    props = {"year_text": "2024", "share_text": "0.5", "flag_text": "true", "json_text": "[1]",
             "empty": "", "quoted": '"q" x', "cik": "0001045810", "n": 2024, "x": 0.5}
    g.add_node(Node("company:a", "company", "A", "s", "2024", "reported", props=props))
    write_csv(g, tmp_path / "csv")
    assert read_csv(tmp_path / "csv").nodes["company:a"].props == props
