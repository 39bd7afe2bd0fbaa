"""GraphData <-> Neo4j on the real server: round trip, idempotence, atomicity, labels, prune."""

from __future__ import annotations

import pytest

from riskgraph.graph.model import Edge, GraphData, Node
from riskgraph.graph.neo4j import store
from riskgraph.ingest.build import build

pytestmark = pytest.mark.neo4j


def small_graph() -> GraphData:
    g = GraphData()
    g.add_node(
        Node(
            "country:CN",
            "country",
            "China",
            "ISO 3166-1",
            "2024",
            "reported",
            layer="countries",
            aliases=["PRC", "中国"],
            props={"iso3": "CHN"},
        )
    )
    g.add_node(
        Node(
            "mineral:gallium",
            "mineral",
            "Gallium",
            "USGS MCS 2024",
            "2024",
            "reported",
            layer="minerals",
            props={
                "symbol": "Ga",
                "hhi": 9675.8,
                "hhi_year": 2023,
                "withheld": None,
                "ints": [1, 2, 3],
                "floats": [0.5, 1.5],
                "names": ["a", "b"],
                "empty": [],
                "flag": False,
            },
        )
    )
    g.add_node(
        Node(
            "company:tsmc",
            "company",
            "TSMC",
            "registry line 9",
            "2024",
            "reported",
            layer="chips",
            roles=["foundry", "packaging"],
            other_sources=["CSET providers line 3"],
        )
    )
    g.add_node(
        Node(
            "company:openai",
            "company",
            "OpenAI",
            "registry",
            "2024",
            "estimated",
            rationale="a lab",
            layer="labs",
            roles=["lab"],
        )
    )
    g.add_node(
        Node(
            "accelerator:nvidia-gpu",
            "accelerator",
            "Nvidia GPU",
            "Epoch AI",
            "2025",
            "reported",
            layer="chips",
        )
    )
    g.add_edge(
        Edge(
            "country:CN",
            "mineral:gallium",
            "PRODUCES",
            "USGS line 3",
            "2023",
            "reported",
            props={"weight": 0.98, "year": 2023, "default": True},
        )
    )
    g.add_edge(
        Edge(
            "country:CN",
            "mineral:gallium",
            "PRODUCES",
            "USGS line 3",
            "2022",
            "reported",
            props={"weight": 0.97, "year": 2022, "default": False},
            key="country:CN|PRODUCES|mineral:gallium|2022",
        )
    )
    g.add_edge(
        Edge(
            "company:tsmc",
            "accelerator:nvidia-gpu",
            "MANUFACTURES",
            "TSMC AR 2024",
            "2024",
            "estimated",
            rationale="team estimate",
            props={"weight": 0.98, "weight_low": 0.9, "weight_high": 1.0, "note": None},
        )
    )
    g.add_edge(
        Edge(
            "company:openai", "company:tsmc", "SUPPLIES", "made up for the test", "2024", "reported"
        )
    )
    return g


def test_round_trip_small_graph_is_exact(driver, neo4j_settings) -> None:
    g = small_graph()
    store.write_graph(driver, g, database=neo4j_settings.database, wipe_first=True)
    back = store.read_graph(driver, database=neo4j_settings.database)
    assert back.to_dict() == g.to_dict()
    n = back.nodes["mineral:gallium"]
    assert n.props["withheld"] is None and n.props["empty"] == [] and n.props["ints"] == [1, 2, 3]
    assert isinstance(n.props["hhi_year"], int) and n.props["flag"] is False


def test_labels_come_from_kind_and_roles(driver, neo4j_settings) -> None:
    store.write_graph(driver, small_graph(), database=neo4j_settings.database, wipe_first=True)
    recs, _, _ = driver.execute_query(
        "MATCH (n:Entity {id: 'company:tsmc'}) RETURN labels(n) AS l",
        database_=neo4j_settings.database,
    )
    assert set(recs[0]["l"]) == {"Entity", "Company", "Foundry", "Packaging"}
    # A role dropped from the data loses its label on the next write (no stale labels).
    g = small_graph()
    g.nodes["company:tsmc"].roles = ["foundry"]
    store.write_graph(driver, g, database=neo4j_settings.database)
    recs, _, _ = driver.execute_query(
        "MATCH (n:Entity {id: 'company:tsmc'}) RETURN labels(n) AS l",
        database_=neo4j_settings.database,
    )
    assert set(recs[0]["l"]) == {"Entity", "Company", "Foundry"}


def test_second_write_changes_no_count_and_prunes_what_is_gone(driver, neo4j_settings) -> None:
    db = neo4j_settings.database
    g = small_graph()
    store.write_graph(driver, g, database=db, wipe_first=True)
    before = store.counts(driver, database=db)
    store.write_graph(driver, g, database=db)
    assert store.counts(driver, database=db) == before
    assert before["nodes"] == 5 and before["relationships"] == 4
    smaller = small_graph()
    del smaller.edges["company:openai|SUPPLIES|company:tsmc"]
    del smaller.nodes["company:openai"]
    rep = store.write_graph(driver, smaller, database=db)
    assert (rep.pruned_nodes, rep.pruned_edges) == (1, 1)
    assert store.read_graph(driver, database=db).to_dict() == smaller.to_dict()


def test_first_load_creates_later_loads_merge(driver, neo4j_settings) -> None:
    """Into a database with none of the keys the relationships are CREATEd (issue 15 item 3);
    a later write MERGEs; both give the same database, and the uniqueness constraint on the
    key id still refuses a duplicate CREATE."""
    from neo4j.exceptions import ConstraintError

    from riskgraph.graph.neo4j import create_path, rows

    db = neo4j_settings.database
    g = small_graph()
    first = store.write_graph(driver, g, database=db, wipe_first=True)
    assert first.created
    after_create = store.read_graph(driver, database=db).to_dict()
    assert after_create == g.to_dict()
    again = store.write_graph(driver, g, database=db)
    assert not again.created
    assert store.read_graph(driver, database=db).to_dict() == after_create
    e = g.edges["company:openai|SUPPLIES|company:tsmc"]
    row = {"src": e.src, "dst": e.dst, "key": e.key, "props": rows.edge_row(e)}
    with pytest.raises(ConstraintError):
        driver.execute_query(create_path.create_edges("SUPPLIES"), rows=[row], database_=db)
    assert store.counts(driver, database=db)["relationships"] == 4


def test_unit_that_fails_half_way_leaves_nothing(driver, neo4j_settings) -> None:
    db = neo4j_settings.database
    g = small_graph()
    units = store.units_from_parts(
        g,
        [
            ("first", _part(g, ["country:CN|PRODUCES|mineral:gallium"])),
            (
                "second",
                _part(
                    g,
                    [
                        "company:tsmc|MANUFACTURES|accelerator:nvidia-gpu",
                        "company:openai|SUPPLIES|company:tsmc",
                    ],
                ),
            ),
        ],
    )
    calls = []

    def boom(unit: str, rows: int) -> None:
        calls.append(unit)
        if unit == "second" and calls.count("second") == 2:
            raise RuntimeError("killed")

    store.wipe(driver, database=db)
    with pytest.raises(RuntimeError, match="killed"):
        store.write_graph(driver, g, database=db, units=units, batch_size=1, progress=boom)
    back = store.read_graph(driver, database=db)
    names = [u.name for u in units]
    assert names == ["entities", "first", "second"]  # leftovers first, then the parts in order
    done = units[:2]  # committed whole; nothing of "second", which failed after one batch
    assert set(back.nodes) == {n for u in done for n in u.node_ids}
    assert set(back.edges) == {k for u in done for k in u.edge_keys}
    assert "company:openai" not in back.nodes
    store.write_graph(driver, g, database=db, units=units, batch_size=1)
    assert store.read_graph(driver, database=db).to_dict() == g.to_dict()


def _part(g: GraphData, keys: list[str]) -> GraphData:
    p = GraphData()
    for k in keys:
        e = g.edges[k]
        p.add_node(g.nodes[e.src])
        p.add_node(g.nodes[e.dst])
        p.add_edge(e)
    return p


def test_invalid_props_are_refused_before_anything_is_written(driver, neo4j_settings) -> None:
    db = neo4j_settings.database
    store.wipe(driver, database=db)
    g = small_graph()
    g.nodes["country:CN"].props["nested"] = {"a": 1}  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="nested dict"):
        store.write_graph(driver, g, database=db)
    g = small_graph()
    g.nodes["country:CN"].props["source"] = "clash"
    with pytest.raises(ValueError, match="clashes"):
        store.write_graph(driver, g, database=db)
    assert store.counts(driver, database=db)["nodes"] == 0


def test_round_trip_of_the_real_graph(driver, neo4j_settings, real_graph) -> None:
    db = neo4j_settings.database
    units = store.units_from_parts(real_graph, build([]).parts)
    assert {u.name for u in units} >= {"usgs", "cset", "epoch", "curated"}
    rep = store.write_graph(driver, real_graph, database=db, units=units, wipe_first=True)
    assert rep.nodes == len(real_graph) and rep.edges == real_graph.number_of_edges()
    back = store.read_graph(driver, database=db)
    assert back.to_dict() == real_graph.to_dict()
    c = store.counts(driver, database=db)
    assert c["nodes"] == len(real_graph)
    assert c["relationships"] == real_graph.number_of_edges()
    # Constraints are in place: a duplicate id cannot be created.
    from neo4j.exceptions import ConstraintError

    with pytest.raises(ConstraintError):
        driver.execute_query("CREATE (:Entity {id: 'mineral:gallium'})", database_=db)


def test_read_graph_without_a_driver_uses_the_environment(driver, neo4j_settings) -> None:
    store.write_graph(driver, small_graph(), database=neo4j_settings.database, wipe_first=True)
    assert store.read_graph().to_dict() == small_graph().to_dict()
