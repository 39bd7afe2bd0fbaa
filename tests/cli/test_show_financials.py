"""``riskgraph show COMPANY`` carries the company's figures (with filings) and identifiers."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from riskgraph.cli.app import app


def test_show_nvidia_json_has_three_years_with_the_10k_cited() -> None:
    r = CliRunner().invoke(app, ["show", "Nvidia", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    figs = {(f["fiscal_year"], f["metric"]): f for f in d["financials"]}
    for fy, rev, dc in (("FY2025", 130497, 115200), ("FY2024", 60900, 47500),
                        ("FY2023", 26970, 15010)):
        assert figs[(fy, "revenue")]["value"] == rev
        assert figs[(fy, "segment_revenue")]["value"] == dc
        assert figs[(fy, "segment_revenue")]["segment"] == "Data Center"
        assert "Form 10-K" in figs[(fy, "revenue")]["source"]
        assert figs[(fy, "revenue")]["unit"] == "million"
    assert d["identifiers"]["wikidata"] == "Q182477"
    assert not any(k.startswith("fin_") for k in d["props"])  # shown once, as records


def test_show_table_lists_the_financials() -> None:
    r = CliRunner().invoke(app, ["show", "Vertiv"])
    assert r.exit_code == 0, r.output
    assert "Financials (millions; each figure cites its filing)" in r.output
    assert "8,012 USD" in r.output and "ticker VRT" in r.output


def test_show_says_plainly_when_no_ai_segment_is_disclosed() -> None:
    r = CliRunner().invoke(app, ["show", "Vistra", "--format", "json"])
    assert r.exit_code == 0, r.output
    seg = json.loads(r.output)["ai_segment"]
    assert seg["status"] == "none disclosed"
    assert seg["text"] == "no AI-relevant segment disclosed"
    assert "Segment Information" in seg["source"]
    t = CliRunner().invoke(app, ["show", "Vistra"])
    assert t.exit_code == 0, t.output
    assert "AI-relevant segment: no AI-relevant segment disclosed" in t.output


def test_show_says_when_segment_revenue_is_not_in_the_data() -> None:
    # Marvell reports a data-centre end market, but no annual figure is on file yet.
    r = CliRunner().invoke(app, ["show", "Marvell", "--format", "json"])
    assert r.exit_code == 0, r.output
    seg = json.loads(r.output)["ai_segment"]
    assert seg["status"] in ("not in the data", "disclosed")
    if seg["status"] == "not in the data":
        assert seg["text"].startswith("no AI-relevant segment revenue in the data")
