from __future__ import annotations

import pytest

from riskgraph.graph.model import Edge, GraphData, Node


def _node(i: str, kind: str = "company", **kw: object) -> Node:
    return Node(i, kind, i.split(":")[1].title(), "test source, row 1", "2024", "reported", **kw)  # type: ignore[arg-type]


def test_merge_keeps_first_provenance_and_unions_roles_aliases() -> None:
    g = GraphData()
    g.add_node(_node("company:tsmc", roles=["foundry"], aliases=["TSMC Ltd"]))
    other = Node("company:tsmc", "company", "Taiwan Semiconductor", "CSET providers.csv line 9",
                 "2025", "reported", roles=["packaging"], aliases=["Taiwan Semiconductor"],
                 props={"country": "TW"})
    g.add_node(other)
    n = g.nodes["company:tsmc"]
    assert n.name == "Tsmc"
    assert n.source == "test source, row 1"
    assert n.roles == ["foundry", "packaging"]
    assert n.aliases == ["TSMC Ltd", "Taiwan Semiconductor"]
    assert n.props == {"country": "TW"}
    assert n.other_sources == ["CSET providers.csv line 9"]


def test_kind_conflict_is_an_error() -> None:
    g = GraphData()
    g.add_node(_node("company:x"))
    with pytest.raises(ValueError, match="both 'company' and 'mineral'"):
        g.add_node(Node("company:x", "mineral", "X", "s", "2024", "reported"))


def test_edges_idempotent_and_conflicts_detected() -> None:
    g = GraphData()
    e = Edge("company:a", "company:b", "SUPPLIES", "s", "2024", "reported", props={"weight": 0.5})
    g.add_edge(e)
    g.add_edge(Edge("company:a", "company:b", "SUPPLIES", "s", "2024", "reported",
                    props={"weight": 0.5}))
    assert g.number_of_edges() == 1
    with pytest.raises(ValueError, match="conflicting edges"):
        g.add_edge(Edge("company:a", "company:b", "SUPPLIES", "s", "2024", "reported",
                        props={"weight": 0.6}))


def test_problems_name_every_broken_contract() -> None:
    g = GraphData()
    g.add_node(Node("company:a", "company", "A", "", "2024", "reported"))
    g.add_node(Node("company:b", "company", "B", "s", "2024", "estimated"))
    g.add_edge(Edge("company:a", "company:zz", "SUPPLIES", "s", "", "reported",
                    props={"weight": 1.5}))
    p = g.problems()
    assert "node company:a: missing source" in p
    assert "node company:b: estimated without a rationale" in p
    assert "edge company:a|SUPPLIES|company:zz: missing as_of" in p
    assert "edge company:a|SUPPLIES|company:zz: endpoint 'company:zz' is not a node" in p
    assert "edge company:a|SUPPLIES|company:zz: weight=1.5 is not a fraction in [0, 1]" in p


def test_dict_round_trip_and_networkx() -> None:
    g = GraphData()
    g.add_node(_node("company:a", roles=["cloud"]))
    g.add_node(_node("company:b", roles=["lab"]))
    g.add_edge(Edge("company:b", "company:a", "RUNS_ON", "s", "2024", "estimated",
                    rationale="judgement", props={"weight": 0.7, "weight_low": 0.5}))
    again = GraphData.from_dict(g.to_dict())
    assert again.to_dict() == g.to_dict()
    G = g.to_networkx()
    assert G.number_of_nodes() == 2
    assert G.edges["company:b", "company:a", "company:b|RUNS_ON|company:a"]["weight"] == 0.7
    assert G.nodes["company:a"]["roles"] == ["cloud"]
    assert g.nodes["company:a"].labels() == ["Company", "Cloud"]
