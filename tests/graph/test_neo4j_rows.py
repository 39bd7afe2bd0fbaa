"""How GraphData is flattened for Neo4j and split into per-source units (no server needed)."""

from __future__ import annotations

import pytest

from riskgraph.graph import provenance
from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.neo4j import queries, rows, store
from riskgraph.graph.neo4j.connection import Neo4jSettings, map_error
from riskgraph.graph.provenance import SourceTable


def node(nid: str, kind: str, **kw) -> Node:  # type: ignore[no-untyped-def]
    return Node(nid, kind, nid.split(":")[1], "src", "2024", "reported", **kw)


def test_node_row_round_trips_with_none_and_lists() -> None:
    n = node(
        "company:tsmc",
        "company",
        roles=["foundry"],
        aliases=["台積電"],
        props={"country": "TW", "gone": None, "xs": [1, 2], "flag": True},
    )
    table = SourceTable()
    row = rows.node_row(n, table)
    assert "gone" not in row and row["prop_keys"] == ["country", "flag", "gone", "xs"]
    assert row["roles"] == ["foundry"] and row["country"] == "TW"
    assert "source" not in row and row["source_id"] in table.records
    assert rows.node_from_props(row, table.records).to_dict() == n.to_dict()


def test_slim_rows_store_each_citation_once_and_read_back_exactly() -> None:
    cite = "USGS MCS 2024 data release, usgs/mcs2024_world/mcs2024-galli_world.csv line {}"
    table = SourceTable()
    n = node("mineral:x", "mineral", other_sources=[cite.format(7), "plain note"])
    n.source = cite.format(3)
    row = rows.node_row(n, table)
    assert row["source_line"] == 3 and "roles" not in row and "aliases" not in row
    assert row["other_source_refs"] == [f"{row['source_id']} line 7",
                                        provenance.split("plain note")[0].id]
    assert "prop_keys" not in row  # no None prop: the props are the non-fixed properties
    assert len(table) == 2
    rec = table.records[row["source_id"]]
    assert rec.file == "usgs/mcs2024_world/mcs2024-galli_world.csv"
    assert rec.licence == "U.S. public domain"
    assert table.row(rec.id)["props"]["first_line"] == 3
    assert table.row(rec.id)["props"]["last_line"] == 7
    assert rows.node_from_props(row, table.records).to_dict() == n.to_dict()
    with pytest.raises(ValueError, match="is not in the database"):
        rows.node_from_props(row, {})


def test_edge_row_round_trips() -> None:
    e = Edge(
        "a:x",
        "b:y",
        "SUPPLIES",
        "s",
        "2024",
        "estimated",
        rationale="why",
        props={"weight": 0.5, "unit": None},
    )
    table = SourceTable()
    row = rows.edge_row(e, table)
    assert row["kid"] == rows.key_id("a:x|SUPPLIES|b:y") and "key" not in row
    assert "key_tail" not in row and row["weight"] == 0.5 and "unit" not in row
    assert row["rationale_id"] == provenance.rationale_id("why") and "rationale" not in row
    got = rows.edge_from_props("a:x", "b:y", "SUPPLIES", row, table.records, table.rationales)
    assert got.to_dict() == e.to_dict()


def test_rows_of_the_layout_before_slim_provenance_still_read() -> None:
    old = {"id": "mineral:x", "kind": "mineral", "name": "x", "layer": "minerals",
           "roles": [], "aliases": [], "source": "src", "as_of": "2024",
           "confidence": "reported", "rationale": "", "other_sources": ["o"],
           "prop_keys": ["w"], "w": 1}
    n = rows.node_from_props(old)
    assert (n.source, n.other_sources, n.props) == ("src", ["o"], {"w": 1})


@pytest.mark.parametrize(
    ("props", "match"),
    [
        ({"d": {"a": 1}}, "nested dict"),
        ({"l": [1, None]}, "lists must hold scalars"),
        ({"kind": "x"}, "clashes"),
    ],
)
def test_unstorable_props_are_refused(props: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        rows.node_row(node("mineral:x", "mineral", props=props))


def test_labels_and_types_only_from_the_schema() -> None:
    built = [queries.merge_nodes(("Company", "Foundry")), queries.merge_edges("PRODUCES")]
    assert "SET n:Company:Foundry REMOVE n:" in built[0]
    assert "MERGE (a)-[r:PRODUCES {kid: row.kid}]->(b)" in built[1]
    with pytest.raises(ValueError, match="not in the schema"):
        queries.merge_nodes(("Company", "Foundry) DETACH DELETE n //"))
    with pytest.raises(ValueError, match="not in the schema"):
        queries.merge_edges("PRODUCES]->() DETACH DELETE r //")
    bad = GraphData()
    bad.add_node(node("mineral:x", "mineral"))
    bad.add_node(node("mineral:y", "mineral"))
    bad.edges["k"] = Edge("mineral:x", "mineral:y", "DROP_ALL", "s", "2024", "reported", key="k")
    with pytest.raises(ValueError, match="not in the schema"):
        store.plan_rows(bad, store.Unit("u", [], ["k"]))


def test_units_follow_sources_and_share_nothing_twice() -> None:
    g = GraphData()
    for nid in ("country:CN", "mineral:gallium", "mineral:germanium", "company:lonely"):
        g.add_node(node(nid, nid.split(":")[0]))
    e1 = Edge("country:CN", "mineral:gallium", "PRODUCES", "s", "2023", "reported")
    e2 = Edge("country:CN", "mineral:germanium", "PRODUCES", "s", "2023", "reported")
    for e in (e1, e2):
        g.add_edge(e)
    a, b = GraphData(), GraphData()
    for p, e in ((a, e1), (b, e1), (b, e2)):
        p.add_node(g.nodes[e.src])
        p.add_node(g.nodes[e.dst])
        p.add_edge(e)
    units = store.units_from_parts(g, [("a", a), ("b", b)])
    assert [u.name for u in units] == ["entities", "a", "b"]
    assert units[0].node_ids == ["company:lonely"] and units[0].edge_keys == []
    assert units[1].edge_keys == [e1.key] and units[2].edge_keys == [e2.key]
    assert set(units[2].node_ids) == {"country:CN", "mineral:gallium", "mineral:germanium"}


def test_settings_from_env_and_flags_never_show_the_password(monkeypatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7999")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    s = Neo4jSettings.from_env(user="bob")
    assert (s.uri, s.user, s.password, s.database) == (
        "bolt://127.0.0.1:7999",
        "bob",
        "s3cret-pass",
        "neo4j",
    )
    assert "s3cret-pass" not in repr(s)
    from neo4j.exceptions import AuthError

    err = map_error(AuthError("bad password s3cret-pass"), s)
    assert err is not None and "s3cret-pass" not in str(err) and "'bob'" in str(err)
