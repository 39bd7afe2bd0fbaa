from __future__ import annotations

import json
import re

import pytest
from rg_sample_graph import EVIL, EVIL_SOURCE, sample_graph

from riskgraph.errors import UsageError
from riskgraph.views import html as view


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', text, re.S)
    assert m
    return json.loads(m.group(1))


def _scripts(text: str) -> list[str]:
    """Contents of the <script> elements as an HTML parser sees them."""
    from html.parser import HTMLParser

    out: list[str] = []

    class P(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                self.inside = True
                out.append("")

        def handle_endtag(self, tag):
            if tag == "script":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                out[-1] += data

    P().feed(text)
    return out


def hand_result() -> dict:
    """A shock result in the riskgraph.shock/2 shape, with hostile names and an extra field."""
    hop1 = {"src": "mineral:gallium", "dst": "input:gaas-wafers", "type": "INPUT_TO",
            "weight": 0.9, "source": EVIL_SOURCE, "confidence": "estimated",
            "contribution": 0.45}
    hop2 = {"src": "input:gaas-wafers", "dst": "company:evil", "type": "SUPPLIES",
            "weight": 0.5, "source": "x", "confidence": "reported", "contribution": 0.2}
    return {
        "schema": "riskgraph.shock/2",
        "shock": {"targets": ["mineral:gallium"], "pct": 50, "country": None,
                  "direction": "downstream", "model": "iim"},
        "nodes": [
            {"id": "mineral:gallium", "name": "Gallium", "layer": "minerals", "shortfall": 0.5,
             "rank": 1, "absolute": {"value": 300.0, "unit": "t"}, "paths": []},
            {"id": "company:evil", "name": EVIL, "layer": "chips", "shortfall": 0.2, "rank": 2,
             "absolute": None, "paths": [{"contribution": 0.2, "hops": [hop1, hop2]}],
             "unexpected": {"field": 1}},
        ],
        "layers": [],
    }


def test_shortfall_colours_are_a_sequential_scale():
    cols = [view.shortfall_colour(x / 10) for x in range(11)]
    lum = [sum(int(c[k:k + 2], 16) * w for k, w in ((1, .299), (3, .587), (5, .114)))
           for c in cols]
    assert lum == sorted(lum, reverse=True)  # darker as the shortfall grows
    assert view.shortfall_colour(None) == view.NO_DATA_COLOUR
    assert view.shortfall_colour(2.0) == view.shortfall_colour(1.0)


def test_script_json_cannot_close_the_script():
    s = view.script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028"}


def test_shock_view_nodes_layout_and_escaping(tmp_path):
    p = tmp_path / "s.html"
    n = view.write_shock_html(hand_result(), sample_graph(), p)
    data = page_data(p)
    # listed nodes + the hop node in between
    assert n == len(data["nodes"]) == 3
    ids = {d["id"] for d in data["nodes"]}
    assert ids == {"mineral:gallium", "company:evil", "input:gaas-wafers"}
    x = {d["id"]: d["x"] for d in data["nodes"]}
    assert x["mineral:gallium"] < x["input:gaas-wafers"] < x["company:evil"]
    evil = next(d for d in data["nodes"] if d["id"] == "company:evil")
    assert evil["title"].startswith(EVIL)  # tooltip is plain text (vis-network: innerText)
    assert "shortfall: 20.0% (rank 2)" in evil["title"]
    assert "source: " + EVIL_SOURCE in evil["title"]
    assert evil["color"]["background"] == view.shortfall_colour(0.2)
    gal = next(d for d in data["nodes"] if d["id"] == "mineral:gallium")
    assert "at risk: 300 t" in gal["title"] and gal["borderWidth"] == 3
    hop = next(d for d in data["nodes"] if d["id"] == "input:gaas-wafers")
    assert hop["color"]["background"] == view.NO_DATA_COLOUR  # no figure for it
    assert {(e["from"], e["to"]) for e in data["edges"]} >= {
        ("mineral:gallium", "input:gaas-wafers"), ("input:gaas-wafers", "company:evil")}
    text = p.read_text(encoding="utf-8")
    # no user text reaches the page as markup
    assert "<script>alert" not in text and "<img" not in text and "</script><script>" not in text
    scripts = _scripts(text)
    assert len(scripts) == 3  # vis-network, the data, the page script: nothing else
    labels = [d["label"] for d in json.loads(scripts[1])["nodes"]]
    assert any(la.startswith("<script>alert(1)") for la in labels)
    assert "http://" not in text.split("<script>/* vis-network", 1)[0]  # no remote resources
    assert "https://cdn" not in text


def test_shock_view_of_the_engine_result(tmp_path):
    from riskgraph.engine.shock import run_shock

    g = sample_graph()
    r = run_shock(g, "mineral:gallium", 50)
    n = view.write_shock_html(r, g, tmp_path / "e.html")
    data = page_data(tmp_path / "e.html")
    assert n == len(data["nodes"]) == len({x["id"] for x in r["nodes"]})
    sf = {x["id"]: x["shortfall"] for x in r["nodes"]}
    for d in data["nodes"]:
        assert d["color"]["background"] == view.shortfall_colour(sf[d["id"]])


def test_not_a_result_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not a shock result"):
        view.write_shock_html({"rows": []}, None, tmp_path / "x.html")
    assert list(tmp_path.iterdir()) == []


def test_graph_view_layers(tmp_path):
    g = sample_graph()
    assert view.write_graph_html(g, tmp_path / "all.html") == len(g)
    n = view.write_graph_html(g, tmp_path / "cl.html", ["clouds", "labs"])
    data = page_data(tmp_path / "cl.html")
    assert n == len(data["nodes"]) == 4
    assert {d["layer"] for d in data["nodes"]} == {"clouds", "labs"}
    assert all(e["from"] in {d["id"] for d in data["nodes"]} for e in data["edges"])
    # RUNS_ON is drawn supplier -> customer: cloud -> lab
    assert ("company:microsoft", "company:openai") in {(e["from"], e["to"]) for e in data["edges"]}
    with pytest.raises(UsageError, match="unknown layer 'gpus'"):
        view.write_graph_html(g, tmp_path / "x.html", ["gpus"])


def test_vis_network_is_inlined_from_pyvis():
    js, version = view._vis_assets()
    assert version.startswith("9.") and len(js) > 100_000 and "</script" not in js.lower()
