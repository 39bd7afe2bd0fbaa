"""`riskgraph report` in a real headless Chromium: every chart drawn, no script errors, a
non-blank screenshot, hostile names inert, and `--pdf` writes a PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "export"))

from rg_sample_graph import sample_graph  # noqa: E402

from riskgraph.cli.app import app  # noqa: E402

pytestmark = pytest.mark.browser
runner = CliRunner()


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no Chromium found: install Debian's chromium package (apt-get install chromium)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-sync", "--disable-extensions",
           "--disable-background-networking", "--disable-component-update",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,4000",
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr[-2000:]
    return p


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("report")
    html, pdf = d / "r.html", d / "r.pdf"
    r = runner.invoke(app, ["report", "gallium", "--pct", "50", "-o", str(html),
                            "--pdf", str(pdf), "--samples", "50"])
    assert r.exit_code == 0, r.stderr
    return html, pdf


def body_attr(dom: str, name: str) -> str:
    m = re.search(rf'<body[^>]*\b{name}="([^"]*)"', dom)
    assert m, f"<body> has no {name}"
    return m.group(1)


def test_all_charts_drawn_without_errors(report, tmp_path) -> None:
    html, _ = report
    p = run_chromium(tmp_path, "--dump-dom", html.as_uri())
    dom = p.stdout
    assert body_attr(dom, "data-charts") == "6"
    assert body_attr(dom, "data-charts-drawn") == "6"
    assert body_attr(dom, "data-errors") == "0"
    console = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln]
    assert not console, console[:5]
    assert dom.count('class="main-svg"') >= 6
    assert 'class="sankey"' in dom  # the Sankey drew its nodes
    assert len(re.findall(r'class="point"', dom)) >= 40  # bars of the bar charts and tornado
    assert len(re.findall(r'class="sankey-node"', dom)) >= 10


def test_screenshot_is_not_blank(report, tmp_path) -> None:
    import numpy as np
    from PIL import Image

    html, _ = report
    png = tmp_path / "r.png"
    run_chromium(tmp_path, f"--screenshot={png}", html.as_uri())
    px = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
    nonwhite = float((px.min(axis=1) < 235).mean())
    assert nonwhite > 0.05, nonwhite
    red = (px[:, 0] > 150) & (px[:, 1] < 90) & (px[:, 2] < 90)  # the bars' red (#c0392b)
    assert int(red.sum()) > 2000, int(red.sum())
    assert len(np.unique(px, axis=0)) > 200


def test_pdf_is_written(report) -> None:
    _, pdf = report
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2


def test_hostile_names_stay_text(tmp_path) -> None:
    from riskgraph.views.report import build_report_data, write_report

    g = sample_graph()
    page = tmp_path / "evil.html"
    write_report(build_report_data(g, "company:evil", 100, samples=5, node="company:openai"),
                 page, g)
    dom = run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert re.search(r"<body[^>]*data-pwned", dom) is None  # the onerror never ran
    assert body_attr(dom, "data-errors") == "0"
    assert body_attr(dom, "data-charts-drawn") == body_attr(dom, "data-charts")
