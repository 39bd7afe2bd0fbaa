"""The financials loader: the shipped files, their contract, and broken copies (exact errors)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.graph import schema
from riskgraph.graph.financials import financials_of, identifiers_of, revenue_usd
from riskgraph.ingest import financials
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.resolve import Resolver

FOLDER = DATA_DIR / "financials"

# The companies the "Done when" names, plus the hyperscalers with capex.
NAMED = ["nvidia", "amd", "broadcom", "marvell", "tsmc", "micron", "sk-hynix", "samsung", "asml",
         "vertiv", "constellation-energy", "vistra"]
HYPERSCALERS = ["microsoft", "alphabet", "amazon", "meta", "oracle"]


@pytest.fixture(scope="module")
def result() -> financials.LoadResult:
    return financials.load(DATA_DIR, Resolver())


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(FOLDER, tmp_path / "financials")
    return tmp_path


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` of the record on ``line`` (editor line numbers, header = 1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _line_of(path: Path, **match: str) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if all(row[k] == v for k, v in match.items()):
                return i
    raise AssertionError(f"no row {match} in {path}")


def _error(tmp: Path) -> str:
    with pytest.raises(IngestError) as ei:
        financials.load(tmp, Resolver())
    return str(ei.value)


# -- the shipped files --------------------------------------------------------------------------
def test_nvidia_three_years_of_revenue_and_data_centre(result: financials.LoadResult) -> None:
    figs = financials_of(result.graph.nodes["company:nvidia"])
    got = {(f["fiscal_year"], f["metric"], f["segment"]): f for f in figs}
    assert got[("FY2025", "revenue", "")]["value"] == 130497
    assert got[("FY2024", "revenue", "")]["value"] == 60900
    assert got[("FY2023", "revenue", "")]["value"] == 26970
    for fy, dc in (("FY2025", 115200), ("FY2024", 47500), ("FY2023", 15010)):
        f = got[(fy, "segment_revenue", "Data Center")]
        assert f["value"] == dc and f["currency"] == "USD" and f["unit"] == "million"
        assert "Form 10-K" in f["source"] and f["verified_by"].startswith("http")
    assert got[("FY2025", "revenue", "")]["calendar_year"] == 2024  # ended 2025-01-26


def test_every_named_company_has_revenue_with_a_filing_cited(
        result: financials.LoadResult) -> None:
    for slug in NAMED + HYPERSCALERS + ["coreweave"]:
        figs = [f for f in financials_of(result.graph.nodes[f"company:{slug}"])
                if f["metric"] == "revenue"]
        assert figs, slug
        for f in figs:
            assert f["source"] and f["verified_by"] and f["confidence"] == "reported", (slug, f)
            assert f["value_usd"] > 0


def test_hyperscalers_have_capex(result: financials.LoadResult) -> None:
    for slug in HYPERSCALERS:
        figs = [f for f in financials_of(result.graph.nodes[f"company:{slug}"])
                if f["metric"] == "capex"]
        assert figs, slug


def test_segment_revenue_never_above_total(result: financials.LoadResult) -> None:
    for n in result.graph.nodes.values():
        figs = financials_of(n)
        totals = {(f["fiscal_year"], f["currency"]): f["value"] for f in figs
                  if f["metric"] == "revenue"}
        for f in figs:
            if f["metric"] in ("segment_revenue", "ai_revenue"):
                t = totals.get((f["fiscal_year"], f["currency"]))
                assert t is None or f["value"] <= t, (n.id, f)


def test_non_usd_figures_are_converted_with_a_cited_rate(result: financials.LoadResult) -> None:
    sk = result.graph.nodes["company:sk-hynix"]
    usd = revenue_usd(sk, 2024)
    assert usd == pytest.approx(66_190_000 / 1363.4381)  # Fed G.5A 2024
    f = [x for x in financials_of(sk) if x["fiscal_year"] == "FY2024"][0]
    assert "KRW per USD (2024, reported; fx.csv)" in f["fx"]


def test_identifiers(result: financials.LoadResult) -> None:
    nv = identifiers_of(result.graph.nodes["company:nvidia"])
    assert nv["ticker"] == "NVDA" and nv["sec_cik"] == "0001045810" and nv["wikidata"] == "Q182477"
    assert "identifiers.csv line" in nv["source"]
    assert identifiers_of(result.graph.nodes["company:vistra"])["sec_cik"] == "0001692819"


def test_flows_are_sells_to_edges_that_never_carry_a_supply_shock(
        result: financials.LoadResult) -> None:
    edges = list(result.graph.edges.values())
    assert edges and all(e.type == "SELLS_TO" for e in edges)
    assert schema.flow_of("SELLS_TO") == "none"
    for e in edges:
        p = e.props
        assert p["unit"] == "MUSD" and p["amount_low"] <= p["amount"] <= p["amount_high"]
        if e.confidence == "estimated":
            assert e.rationale and p["amount_low"] < p["amount_high"], e.key
    cw = result.graph.edges["company:coreweave|SELLS_TO|company:microsoft|cloud_compute|2024"]
    assert cw.confidence == "reported" and cw.props["amount"] == pytest.approx(0.62 * 1920)


def test_the_merged_graph_keeps_the_provenance_contract() -> None:
    from riskgraph.ingest.build import build

    g = build().graph
    assert g.problems() == []
    assert g.nodes["company:nvidia"].props["ticker"] == "NVDA"  # merged into the registry node
    assert g.nodes["company:nvidia"].name == "Nvidia"


# -- broken copies: exact errors ----------------------------------------------------------------
def test_unknown_company_suggests_the_nearest(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    _edit(p, 2, "company", "nvidai")
    assert _error(tmp) == (
        f"{p}, line 2, column 'company': unknown company 'nvidai'; did you mean 'nvidia'? "
        "(add it to entities/companies.csv or define it in financials/identifiers.csv)")


def test_segment_above_total_is_an_error(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    line = _line_of(p, company="nvidia", fiscal_year="FY2024", metric="segment_revenue")
    total = _line_of(p, company="nvidia", fiscal_year="FY2024", metric="revenue")
    _edit(p, line, "value", "70000")
    assert _error(tmp) == (
        f"{p}, line {line}, column 'value': segment_revenue 70,000 USD million (Data Center) is "
        f"above the total revenue 60,900 of company:nvidia FY2024 (line {total})")


def test_unknown_metric_and_currency(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    _edit(p, 3, "metric", "revenu")
    assert _error(tmp) == (f"{p}, line 3, column 'metric': unknown metric 'revenu'; "
                           "did you mean 'revenue'?")
    _edit(p, 3, "metric", "segment_revenue")
    _edit(p, 3, "currency", "USDD")
    assert _error(tmp) == (f"{p}, line 3, column 'currency': unknown currency 'USDD'; did you "
                           "mean 'USD'? (fx.csv has no rate for it)")


def test_missing_column_names_the_nearest(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    text = p.read_text(encoding="utf-8").replace(",value,", ",valeu,", 1)
    p.write_text(text, encoding="utf-8")
    assert _error(tmp) == (f"{p}, line 1, column 'value': missing column 'value'; "
                           "did you mean 'valeu'?")


def test_bad_numbers_dates_and_duplicates(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    _edit(p, 2, "value", "lots")
    assert _error(tmp) == f"{p}, line 2, column 'value': not a number: 'lots'"
    _edit(p, 2, "value", "130497")
    _edit(p, 2, "period_end", "2025-13-01")
    assert _error(tmp) == (f"{p}, line 2, column 'period_end': '2025-13-01' is not a date "
                           "(YYYY-MM-DD)")
    _edit(p, 2, "period_end", "2025-01-26")
    _edit(p, 3, "metric", "revenue")
    _edit(p, 3, "segment", "")
    _edit(p, 3, "value", "1")
    assert _error(tmp) == (f"{p}, line 3, column 'metric': duplicate figure company:nvidia "
                           "FY2025 revenue USD (first on line 2)")


def test_reported_figure_needs_the_page_it_was_verified_on(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "financials.csv"
    _edit(p, 2, "verified_by", "")
    assert _error(tmp) == (f"{p}, line 2, column 'verified_by': a reported figure names the "
                           "page it was verified on")


def test_estimated_flow_needs_a_range(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    _edit(p, 2, "low", "")
    assert _error(tmp) == (f"{p}, line 2, column 'low': an estimated flow needs its range "
                           "(low and high)")


def test_capex_shares_cannot_exceed_the_whole(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    line = _line_of(p, supplier="nvidia", customer="meta")
    _edit(p, line, "value", "0.95")
    _edit(p, line, "high", "0.95")
    with pytest.raises(IngestError, match=r"the shares of company:meta's 2024 capex add up to "
                       r"1\.\d+, more than 1"):
        financials.load(tmp, Resolver())


def test_supplier_flows_cannot_exceed_its_revenue(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    line = _line_of(p, supplier="nvidia", customer="coreweave")
    _edit(p, line, "value", "90000")
    _edit(p, line, "high", "90000")
    with pytest.raises(IngestError, match=r"flows from company:nvidia in 2024 add up to "
                       r"144,457 USD million, more than its revenue 130,497"):
        financials.load(tmp, Resolver())


def test_bad_identifiers(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "identifiers.csv"
    _edit(p, 2, "sec_cik", "1045810")
    assert _error(tmp) == (f"{p}, line 2, column 'sec_cik': '1045810' is not a 10-digit SEC CIK "
                           "(with leading zeros)")
    _edit(p, 2, "sec_cik", "0001045810")
    _edit(p, 2, "wikidata", "182477")
    assert _error(tmp) == (f"{p}, line 2, column 'wikidata': '182477' is not a Wikidata QID "
                           "such as Q182477")
    _edit(p, 2, "wikidata", "Q182477")
    _edit(p, 2, "lei", "549300S4KLFTLO7GSQ81")  # Nvidia's LEI with its last check digit off by one
    assert _error(tmp) == (f"{p}, line 2, column 'lei': LEI '549300S4KLFTLO7GSQ81' fails its "
                           "ISO 17442 check digits (a typo in one of its 20 characters)")


def test_shipped_leis_verify_and_link_their_gleif_record(
        result: financials.LoadResult) -> None:
    ids = {n.id: identifiers_of(n) for n in result.graph.nodes.values()
           if n.id.startswith("company:")}
    leis = {k: v["lei"] for k, v in ids.items() if v.get("lei")}
    assert leis["company:nvidia"] == "549300S4KLFTLO7GSQ80"
    assert len(leis) >= 19 and len(set(leis.values())) == len(leis)  # one LEI, one company
    rows = {r["company"]: r for r in csv.DictReader(
        (DATA_DIR / "financials" / "identifiers.csv").open(encoding="utf-8"))}
    for cid, lei in leis.items():
        assert financials._lei_checks(lei), cid
        row = rows[cid.removeprefix("company:")]
        assert f"search.gleif.org/#/record/{lei}" in row["verified_by"]


def test_new_company_needs_name_roles_country(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "identifiers.csv"
    line = _line_of(p, company="vistra")
    _edit(p, line, "roles", "enrgy")
    registry_has_vistra = Resolver().lookup("vistra", "company") is not None
    if registry_has_vistra:  # the registry defines it now: the row's roles are not read
        financials.load(tmp, Resolver())
        return
    assert _error(tmp) == (f"{p}, line {line}, column 'roles': unknown role 'enrgy'; "
                           "did you mean 'energy'?")


def test_missing_exchange_rate(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "fx.csv"
    line = _line_of(p, currency="KRW", year="2023")
    _edit(p, line, "year", "2019")
    fin = tmp / "financials" / "financials.csv"
    fline = _line_of(fin, company="sk-hynix", fiscal_year="FY2023")
    assert _error(tmp) == (f"{fin}, line {fline}, column 'currency': no exchange rate for KRW "
                           "2023 in fx.csv")


# -- companies that disclose no AI-relevant segment (ai_segment_notes.csv) ----------------------
def test_companies_without_an_ai_segment_say_so_with_the_filing(
        result: financials.LoadResult) -> None:
    from riskgraph.graph.financials import NONE_DISCLOSED, ai_segment_of

    for slug in ("asml", "meta", "vertiv", "constellation-energy", "vistra"):
        seg = ai_segment_of(result.graph.nodes[f"company:{slug}"])
        assert seg is not None and seg["status"] == "none disclosed", slug
        assert seg["text"] == NONE_DISCLOSED
        assert seg["note"] and "verified: http" in seg["source"], slug
    nv = ai_segment_of(result.graph.nodes["company:nvidia"])
    assert nv == {"status": "disclosed", "text": "AI-relevant segment revenue on file",
                  "segments": ["Data Center"]}


def test_ai_segment_note_errors(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "ai_segment_notes.csv"
    line = _line_of(p, company="vistra")
    _edit(p, line, "ai_segment", "yes")
    assert _error(tmp) == (f"{p}, line {line}, column 'ai_segment': ai_segment must be 'none' "
                           "(no AI-relevant segment disclosed), not 'yes'")
    _edit(p, line, "ai_segment", "none")
    _edit(p, line, "company", "nvidia")  # NVIDIA reports Data Center: a contradiction
    fin = tmp / "financials" / "financials.csv"
    seg_line = _line_of(fin, company="nvidia", metric="segment_revenue")
    assert _error(tmp) == (f"{p}, line {line}, column 'company': company:nvidia has segment "
                           f"revenue in financials.csv (line {seg_line}); a company with an "
                           "AI-relevant segment cannot also be listed as having none")
    _edit(p, line, "company", "vistra")
    _edit(p, line, "source", "")
    assert _error(tmp) == f"{p}, line {line}, column 'source': empty source"


def test_ai_segment_notes_file_is_optional(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    (tmp / "financials" / "ai_segment_notes.csv").unlink()
    r = financials.load(tmp, Resolver())
    assert "ai_segment" not in r.graph.nodes["company:vistra"].props

