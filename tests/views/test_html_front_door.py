"""The HTML views of the real graph as a new user first sees them (issue 16, item 11).

The shock view at the default ``--top`` had no labs column, drew "AI servers and racks" grey as
"no figure" although it has a shortfall, ran links between nodes of one column straight down
behind the boxes (a chain that does not exist), cut labels ("InP lasers and photonic chi…") and
showed the id ``mineral:gallium`` as its title.  The whole-graph view opened as an unlabelled
hairball of 760 boxes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from riskgraph.graph.model import GraphData
from riskgraph.views import html as view

TOP = 20  # the CLI's default --top


def page_data(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', text, re.S)
    assert m
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def graph() -> GraphData:
    from riskgraph.ingest.build import load_graph

    return load_graph([])


@pytest.fixture(scope="module")
def gallium(graph: GraphData, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from riskgraph.engine.shock import run_shock

    result = run_shock(graph, "gallium", 50, top=len(graph))  # every affected node
    page = tmp_path_factory.mktemp("front") / "gallium.html"
    n = view.write_shock_html(result, graph, page, top=TOP)
    return result, page, n, page_data(page)


def test_every_layer_down_to_the_labs_is_drawn(gallium) -> None:  # type: ignore[no-untyped-def]
    result, _, n, data = gallium
    assert len(data["nodes"]) == n < result["affected"] + 1
    affected_layers = {x["layer"] for x in result["nodes"]}
    assert "labs" in affected_layers
    drawn_layers = {d["layer"] for d in data["nodes"]}
    assert affected_layers <= drawn_layers
    assert [c["layer"] for c in data["columns"]][-1] == "labs"
    # the most affected lab is on screen
    best_lab = max((x for x in result["nodes"] if x["layer"] == "labs"),
                   key=lambda x: x["shortfall"])
    assert best_lab["id"] in {d["id"] for d in data["nodes"]}


def test_no_node_with_a_shortfall_is_grey(  # type: ignore[no-untyped-def]
    gallium, graph: GraphData, tmp_path: Path
) -> None:
    result, _, _, data = gallium
    sf = {x["id"]: x["shortfall"] for x in result["nodes"]}
    assert result["affected"] > TOP
    for d in data["nodes"]:
        assert d["id"] in sf, d["id"]  # everything drawn is affected
        assert d["color"]["background"] == view.shortfall_colour(sf[d["id"]]) != \
            view.NO_DATA_COLOUR, d["id"]
    # nodes drawn beyond the first --top (a layer's most affected, a hop of a path) keep their
    # figure: they used to be grey "no figure"
    small = tmp_path / "small.html"
    view.write_shock_html(result, graph, small, top=6)
    rank = {x["id"]: x["rank"] for x in result["nodes"]}
    beyond = [d for d in page_data(small)["nodes"] if rank[d["id"]] > 6]
    assert len(beyond) >= 3
    for d in beyond:
        assert d["shortfall"] == pytest.approx(sf[d["id"]]) and d["shortfall"] > 0


def test_links_inside_a_column_do_not_run_behind_the_boxes(gallium) -> None:  # type: ignore[no-untyped-def]
    _, _, _, data = gallium
    pos = {d["id"]: (d["x"], d["y"]) for d in data["nodes"]}
    layer = {d["id"]: d["layer"] for d in data["nodes"]}
    same_layer = [e for e in data["edges"] if layer[e["from"]] == layer[e["to"]]]
    assert len(same_layer) >= 3  # InP lasers -> optical transceivers -> AI networking ...
    for e in data["edges"]:
        (xa, _), (xb, _) = pos[e["from"]], pos[e["to"]]
        if e.get("path"):  # a path hop inside a layer goes to the next sub-column
            assert xa != xb, e
        if xa == xb:  # a context link inside one sub-column bows out to the side
            assert e["smooth"]["type"] in ("curvedCW", "curvedCCW"), e
    chain = ["input:inp-lasers", "input:optical-transceivers", "input:ai-networking"]
    xs = [pos[c][0] for c in chain]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # boxes of one sub-column do not overlap
    for a in data["nodes"]:
        for b in data["nodes"]:
            if a["id"] < b["id"] and a["x"] == b["x"]:
                ha = view._box_height(a["label"])
                hb = view._box_height(b["label"])
                assert abs(a["y"] - b["y"]) >= (ha + hb) / 2, (a["id"], b["id"])


def test_labels_are_whole_names(gallium) -> None:  # type: ignore[no-untyped-def]
    result, _, _, data = gallium
    names = {x["id"]: x["name"] for x in result["nodes"]}
    for d in data["nodes"]:
        assert "…" not in d["label"]
        lines = d["label"].split("\n")
        assert lines[-1].endswith("%")
        assert " ".join(lines[:-1]) == " ".join(names[d["id"]].split())
        assert all(len(li) <= view.LABEL_WIDTH for li in lines)
    inp = next(d for d in data["nodes"] if d["id"] == "input:inp-lasers")
    assert inp["label"].startswith("InP lasers and photonic\nchips")


def test_the_title_names_the_target(gallium) -> None:  # type: ignore[no-untyped-def]
    result, page, _, _ = gallium
    text = page.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text).group(1)  # type: ignore[union-attr]
    assert title.startswith("Shock: Gallium -50%")
    assert "mineral:gallium" not in title
    assert re.search(r"<h1>Shock: Gallium -50%", text)
    # the page says what it leaves out
    assert re.search(rf"of {result['affected']} affected nodes drawn", text)


def test_the_whole_graph_opens_on_a_readable_core(graph: GraphData, tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    first = view.write_graph_html(graph, page)
    data = page_data(page)
    assert len(data["nodes"]) == len(graph)  # everything is in the page, for search and "all"
    core = [d for d in data["nodes"] if d["core"]]
    assert first == len(core) <= 6 * view.CORE_PER_LAYER < len(graph) / 5
    core_ids = {d["id"] for d in core}
    for must in ("mineral:gallium", "company:openai", "accelerator:nvidia-gpu", "country:CN"):
        assert must in core_ids, must
    assert {d["layer"] for d in core} == {"countries", "minerals", "inputs", "chips", "clouds",
                                         "labs"}
    # every label whole, never cut
    for d in data["nodes"]:
        assert "…" not in d["label"]
    # one link per relation, not one per year and release (USGS): far fewer than the edges
    pairs = [(e["from"], e["to"], e["title"].split("\n")[0]) for e in data["edges"]]
    assert len(pairs) == len(set(pairs)) < graph.number_of_edges() * 0.6
    text = page.read_text(encoding="utf-8")
    assert 'id="rg-search"' in text and 'id="rg-all"' in text
