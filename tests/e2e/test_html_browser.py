"""The HTML views in a real headless Chromium (Debian's ``chromium``; `make test` installs it,
scripts/ensure-tools.sh).

Checks that the page draws (a non-blank screenshot showing the shortfall colours), that the
number of nodes vis-network drew equals the number in the shock result, and that hostile node
names never execute.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "export"))

from rg_sample_graph import sample_graph  # noqa: E402

pytestmark = pytest.mark.browser

WINDOW = (1280, 900)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no Chromium found: install Debian's chromium package (apt-get install chromium)")


def run_chromium(tmp_path: Path, *args: str) -> str:
    cmd = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--disable-extensions", "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--virtual-time-budget=10000", *args,
    ]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


def dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> str:
    return run_chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)


def screenshot(tmp_path: Path, page: Path) -> Path:
    png = tmp_path / (page.stem + ".png")
    run_chromium(tmp_path, f"--screenshot={png}", page.as_uri())
    assert png.exists() and png.stat().st_size > 0
    return png


def drawn(dom: str) -> int:
    m = re.search(r'<body[^>]*data-drawn="(\d+)"', dom)
    assert m, "the page did not report a drawn node count (vis-network did not draw)"
    m2 = re.search(r'id="rg-drawn">(\d+)<', dom)
    assert m2 and m2.group(1) == m.group(1)
    return int(m.group(1))


def hex_rgb(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


@pytest.fixture(scope="module")
def shock_page(tmp_path_factory):
    from riskgraph.engine.shock import run_shock
    from riskgraph.views.html import write_shock_html

    g = sample_graph()
    result = run_shock(g, "company:evil", 100)
    d = tmp_path_factory.mktemp("shock")
    page = d / "shock.html"
    n = write_shock_html(result, g, page)
    return page, result, n


def test_shock_view_draws_every_node_of_the_result(shock_page, tmp_path):
    page, result, n = shock_page
    ids = {x["id"] for x in result["nodes"]} | set(result["shock"]["targets"])
    for x in result["nodes"]:
        for p in x["paths"]:
            for h in p["hops"]:
                ids |= {h["src"], h["dst"]}
    assert n == len(ids) >= 4
    assert drawn(dump_dom(tmp_path, page)) == n


def test_shock_view_screenshot_is_not_blank_and_shows_the_colours(shock_page, tmp_path):
    from PIL import Image, ImageStat

    from riskgraph.views.html import shortfall_colour

    page, result, _ = shock_page
    img = Image.open(screenshot(tmp_path, page)).convert("RGB")
    assert img.size == WINDOW
    stat = ImageStat.Stat(img.convert("L"))
    assert stat.stddev[0] > 10, "screenshot is (nearly) uniform"
    colours = {c for _, c in img.getcolors(maxcolors=1_000_000) or []}
    assert len(colours) > 50
    # the most affected node's fill colour is on screen (the canvas drew the nodes)
    top = max(result["nodes"], key=lambda x: x["shortfall"])
    want = hex_rgb(shortfall_colour(top["shortfall"]))
    assert any(all(abs(a - b) <= 2 for a, b in zip(c, want, strict=True)) for c in colours), want


def test_hostile_names_never_execute(shock_page, tmp_path):
    page, _, _ = shock_page
    dom = dump_dom(tmp_path, page, "#node=company:evil")
    body = re.search(r"<body[^>]*>", dom)
    assert body and "data-pwned" not in body.group(0)
    assert "<img" not in dom
    assert "<script>alert" not in dom  # no injected script element
    # the name is shown as text in the details panel
    details = re.search(r'<div id="rg-details">(.*?)</div>', dom, re.S)
    assert details
    assert details.group(1).startswith("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x")
    assert "second line '}) DETACH DELETE n //" in details.group(1)


def test_whole_graph_view_and_layer_filter(tmp_path):
    from riskgraph.views.html import write_graph_html

    g = sample_graph()
    page = tmp_path / "g.html"
    n = write_graph_html(g, page)
    assert drawn(dump_dom(tmp_path, page)) == n == len(g)
    n2 = write_graph_html(g, page, ["chips"])
    assert drawn(dump_dom(tmp_path, page)) == n2 == sum(
        1 for x in g.nodes.values() if x.layer == "chips")


@pytest.fixture(scope="module")
def real_graph_page(tmp_path_factory):
    from riskgraph.ingest.build import load_graph
    from riskgraph.views.html import write_graph_html

    g = load_graph([])
    page = tmp_path_factory.mktemp("graph") / "graph.html"
    first = write_graph_html(g, page)
    return g, page, first


def test_whole_real_graph_opens_readable_then_search_and_all(real_graph_page, tmp_path):
    """760 boxes used to open as a hairball: now the chain to the labs, a search, a button."""
    g, page, first = real_graph_page
    assert 40 <= first <= 100 < len(g)
    dom = dump_dom(tmp_path, page)
    assert drawn(dom) == first
    status = re.search(r'id="rg-status">([^<]*)<', dom)
    assert status and f"showing {first} of {len(g)} nodes" in status.group(1)
    # search: the node and its neighbours join the view, the node is selected
    dom = dump_dom(tmp_path, page, "#search=Tantalum")
    assert re.search(r'<body[^>]*data-found="mineral:tantalum"', dom)
    assert drawn(dom) > first
    assert re.search(r'<div id="rg-details">Tantalum\n', dom)
    dom = dump_dom(tmp_path, page, "#search=no-such-thing-xyz")
    assert "no node matches" in dom and drawn(dom) == first
    # and everything, on request
    assert drawn(dump_dom(tmp_path, page, "#all")) == len(g)


def test_real_shock_view_draws_its_labs(tmp_path):
    from PIL import Image

    from riskgraph.engine.shock import run_shock
    from riskgraph.ingest.build import load_graph
    from riskgraph.views.html import shortfall_colour, write_shock_html

    g = load_graph([])
    result = run_shock(g, "gallium", 50, top=len(g))
    page = tmp_path / "gallium.html"
    n = write_shock_html(result, g, page, top=20)
    assert drawn(dump_dom(tmp_path, page)) == n
    img = Image.open(screenshot(tmp_path, page)).convert("RGB")
    colours = {c for _, c in img.getcolors(maxcolors=1_000_000) or []}
    lab = max((x for x in result["nodes"] if x["layer"] == "labs"), key=lambda x: x["shortfall"])
    want = hex_rgb(shortfall_colour(lab["shortfall"]))
    assert any(all(abs(a - b) <= 2 for a, b in zip(c, want, strict=True)) for c in colours), want
