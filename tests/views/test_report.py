"""`riskgraph report`: the page's content, offline assets and escaping (no browser here;
tests/e2e/test_report_browser.py opens it in Chromium)."""

from __future__ import annotations

import re

import pytest
from rg_sample_graph import EVIL, EVIL_SOURCE, sample_graph
from typer.testing import CliRunner

import riskgraph as rg
from riskgraph.cli.app import app
from riskgraph.views.report import build_report_data, render_report, short_path

runner = CliRunner()
CHARTS = ("rg-layers", "rg-top", "rg-sankey", "rg-producers", "rg-tornado", "rg-bands")


@pytest.fixture(scope="module")
def gallium_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "r.html"
    r = runner.invoke(app, ["report", "gallium", "--pct", "50", "-o", str(out),
                            "--samples", "30"])
    assert r.exit_code == 0, r.stderr
    return out.read_text(encoding="utf-8")


def test_every_section_and_chart_is_there(gallium_page: str) -> None:
    for fid in CHARTS:
        assert f'<div class="rg-chart" id="{fid}"></div>' in gallium_page
    assert 'data-charts="6"' in gallium_page
    for head in ("Summary", "Per layer", "Most affected nodes", "Where the shock goes",
                 "Who produces the shocked input", "Which assumptions matter",
                 "Uncertainty (Monte Carlo)", "Estimated assumptions on these paths", "Sources",
                 "Interactive path view"):
        assert f">{head}</h2>" in gallium_page, head
    summary = re.search(r'<p class="summary">(.*?)</p>', gallium_page, re.S)
    assert summary
    # the cut in tonnes: 50% of USGS world production (the newest release the graph holds)
    assert re.match(r"If the output of Gallium falls by 50% \(\d[\d,]* t( per year)?\), ",
                    summary.group(1)), summary.group(1)[:120]
    assert "most affected AI lab is" in summary.group(1)
    assert "U.S. Geological Survey" in gallium_page and "China" in gallium_page
    assert "<code>--set 'weight[" in gallium_page  # the --set that changes each assumption
    assert "Monte Carlo variance each uncertain weight explains" in gallium_page


def test_the_page_is_self_contained(gallium_page: str) -> None:
    assert re.search(r"<script[^>]+src=", gallium_page) is None
    assert re.search(r"<link[^>]+href=", gallium_page) is None
    assert "plotly.js" in gallium_page and "Plotly.newPlot" in gallium_page
    assert 'iframe class="rg-paths"' in gallium_page and "vis-network" in gallium_page


def test_user_text_is_escaped() -> None:
    g = sample_graph()
    data = build_report_data(g, "company:evil", 100, samples=5, node="company:openai")
    page = render_report(data, g)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "</script><script>alert(2)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert EVIL_SOURCE not in page and EVIL not in page


def test_short_path_fits_one_line() -> None:
    names = {c: c.upper() for c in "abcdef"}
    assert short_path(list("abc"), names) == "A -> B -> C"
    assert short_path(list("abcdef"), names) == "A -> … -> D -> E -> F"
    assert short_path(["a"], names) == "(shocked)"


def test_report_with_a_comparison_and_errors(tmp_path) -> None:
    saved = tmp_path / "a.json"
    rg.shock("gallium", pct=25, top=60).to_json(saved)
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "gallium", "--pct", "50", "-o", str(out), "--samples",
                            "0", "--vs", str(saved)])
    assert r.exit_code == 0, r.stderr
    page = out.read_text()
    assert "Compared with another scenario" in page and 'id="rg-compare"' in page
    assert "No Monte Carlo draws" in page
    r = runner.invoke(app, ["report", "gallum", "--pct", "50", "-o", str(out)])
    assert r.exit_code == 2 and "did you mean" in r.stderr
    missing = tmp_path / "no" / "r.html"
    r = runner.invoke(app, ["report", "gallium", "--pct", "50", "-o", str(missing)])
    assert r.exit_code != 0 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_an_upstream_report_shows_revenue_at_risk_in_usd(tmp_path) -> None:
    out = tmp_path / "up.html"
    r = runner.invoke(app, ["report", "clouds", "--pct", "30", "--direction", "upstream",
                            "-o", str(out), "--samples", "0"])
    assert r.exit_code == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "<h1>Demand shock: clouds -30%</h1>" in page
    assert "<h2>Revenue at risk in US dollars</h2>" in page
    assert "Who produces the shocked input" not in page and 'id="rg-tornado"' not in page
    assert ("If every node of the clouds layer cut their purchases by 30%, demand falls back "
            "along the chain to their suppliers") in text
    m = rg.shock("clouds", pct=30, direction="upstream", top=20).to_dict()["money"]
    nv = m["companies"][0]
    assert nv["name"] == "Nvidia"
    assert f"Nvidia {nv['revenue_at_risk_usd_m'] / 1000:,.2f} bn" in text
    assert "Not measured (revenue on file but in no AI spend flow of the year" in text
    assert "NuScale Power" in text.split("Not measured")[-1]
    assert "Nvidia -&gt; Meta" in page  # paths are escaped text


def test_upstream_report_errors() -> None:
    for args, msg in (
        (["--direction", "upstream", "--node", "Nvidia"],
         "Error: --node picks whose assumptions the tornado ranks, which is for supply shocks "
         "only: leave it out with --direction upstream\n"),
        (["--year", "2024"],
         "Error: --year is the year of the money model: use it with --direction upstream\n"),
    ):
        r = runner.invoke(app, ["report", "clouds", "--pct", "30", "-o", "x.html", *args])
        assert (r.exit_code, r.stderr) == (2, msg)
    for args, msg in (
        (["capex:microsoft", "--pct", "10", "--direction", "upstream"],
         "Error: 'capex:microsoft' needs --usd N (the cut of the capex in US dollars)\n"),
        (["capex:microsoft", "--direction", "upstream"],
         "Error: --pct is required (or --usd N with a capex:COMPANY target)\n"),
        (["capex:microsoft", "--usd", "1e9", "--pct", "3", "--direction", "upstream"],
         "Error: give --pct or --usd, not both\n"),
        (["capex:microsoft", "--usd", "1e9"],
         "Error: a capex target is a demand shock: use --direction upstream\n"),
        (["labs", "--usd", "1e9", "--direction", "upstream"],
         "Error: --usd needs a capex target such as capex:microsoft, not 'labs'\n"),
    ):
        r = runner.invoke(app, ["report", *args, "-o", "x.html"])
        assert (r.exit_code, r.stderr) == (2, msg)


def test_capex_report_in_dollars(tmp_path) -> None:
    out = tmp_path / "capex.html"
    r = runner.invoke(app, ["report", "capex:microsoft", "--usd", "10e9", "--direction",
                            "upstream", "--samples", "0", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "<h1>Demand shock: Microsoft capex -10.00 bn (22.5%)</h1>" in page
    assert ("If Microsoft cut its capex by 10.00 bn (22.5% of its 2024 capex of 44.48 bn), "
            "demand falls back along the chain to its suppliers") in text
    m = rg.shock("capex:microsoft", usd=10e9, direction="upstream").to_dict()["money"]
    assert m["capex"]["cut_usd_m"] == 10000
    nv = m["companies"][0]
    assert nv["name"] == "Nvidia"
    assert f"Nvidia {nv['revenue_at_risk_usd_m'] / 1000:,.2f} bn" in text


def test_the_api_report_of_an_upstream_run_is_the_demand_report(tmp_path) -> None:
    path = rg.shock("labs", pct=30, direction="upstream").report(tmp_path / "r.html",
                                                                  samples=0)
    page = path.read_text(encoding="utf-8")
    assert "<h1>Demand shock: labs -30%</h1>" in page
    assert "<h2>Revenue at risk in US dollars</h2>" in page and "Microsoft -&gt; OpenAI" in page
