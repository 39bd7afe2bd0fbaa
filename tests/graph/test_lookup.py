from __future__ import annotations

import pytest

from riskgraph.errors import UnknownNodeError, UsageError
from riskgraph.graph.lookup import find_node
from riskgraph.graph.model import GraphData, Node


@pytest.fixture()
def g() -> GraphData:
    g = GraphData()
    g.add_node(Node("mineral:gallium", "mineral", "Gallium", "s", "2024", "reported",
                    props={"symbol": "Ga", "name_de": "Gallium"}))
    g.add_node(Node("mineral:silicon", "mineral", "Silicon", "s", "2024", "reported",
                    props={"symbol": "Si", "name_de": "Silizium"}))
    g.add_node(Node("country:ZA", "country", "South Africa", "s", "2024", "reported",
                    aliases=["Südafrika"], props={"iso3": "ZAF"}))
    g.add_node(Node("company:microsoft", "company", "Microsoft", "s", "2024", "reported",
                    aliases=["Azure"]))
    return g


@pytest.mark.parametrize("name", ["Ga", "Gallium", "GALLIUM", " gallium ", "mineral:gallium"])
def test_gallium_spellings(g: GraphData, name: str) -> None:
    assert find_node(g, name) == "mineral:gallium"


def test_german_name_alias_iso_and_accents(g: GraphData) -> None:
    assert find_node(g, "Silizium") == "mineral:silicon"
    assert find_node(g, "suedafrika".replace("ue", "u")) == "country:ZA"  # accent-insensitive
    assert find_node(g, "ZAF") == "country:ZA"
    assert find_node(g, "azure") == "company:microsoft"


def test_typo_suggests(g: GraphData) -> None:
    with pytest.raises(UnknownNodeError) as ei:
        find_node(g, "galium")
    assert str(ei.value) == "unknown node 'galium'; did you mean 'Gallium'?"
    assert ei.value.exit_code == 2


def test_ambiguous_alias_is_an_error(g: GraphData) -> None:
    g.add_node(Node("company:azure-x", "company", "Azure X", "s", "2024", "reported",
                    aliases=["Azure"]))
    with pytest.raises(UsageError, match="'Azure' is ambiguous"):
        find_node(g, "Azure")


def test_case_breaks_symbol_iso_tie(g: GraphData) -> None:
    g.add_node(Node("country:GA", "country", "Gabon", "s", "2024", "reported",
                    props={"iso3": "GAB"}))
    assert find_node(g, "Ga") == "mineral:gallium"
    assert find_node(g, "GA") == "country:GA"
    with pytest.raises(UsageError, match="'ga' is ambiguous: it names country:GA, mineral:gallium"):
        find_node(g, "ga")
