"""Slim provenance (graph/provenance.py): a citation = a shared source record + the row's line."""

from __future__ import annotations

import importlib

import pytest

from riskgraph.graph import provenance as pv


@pytest.mark.parametrize("cite", [
    "CSET ETO Supply Chain Explorer, cset/inputs.csv line 54",
    "CSET ETO Supply Chain Explorer, cset/sequence.csv lines 77, 122, 119",
    "Epoch AI, ai-chip-counts @d1b1bc3, epoch/sales_trainium_cumulative_by_chip.csv lines 9-17",
    "AXT Inc. Form 10-K 2024 (riskgraph curated, curated/nodes.csv line 21)",
    "row 'Gallium' (article/tabelle1_kritische_mineralien.txt line 14), citing USGS MCS 2023",
    "x.csv line 05", "line 5", "a, x.csv line 5x", "a,x.csv line 5-", "", "no file at all",
    "a, /tmp/my dir (1)/links.csv line 7)",
])
def test_split_and_join_are_exact_inverses(cite: str) -> None:
    rec, ref = pv.split(cite)
    assert pv.join(rec, ref) == cite
    assert pv.SourceRecord.from_props(rec.props()) == rec


def test_rows_of_one_file_share_one_record_with_their_line() -> None:
    table = pv.SourceTable()
    refs = [table.add(f"USGS, usgs/mcs2024_world/mcs2024-galli_world.csv line {n}")
            for n in (4, 2, 9)]
    assert len(table.records) == 1 and {r.source_id for r in refs} == set(table.records)
    assert [r.line for r in refs] == [4, 2, 9]
    row = table.rows()[0]["props"]
    assert row["citation"] == "USGS, usgs/mcs2024_world/mcs2024-galli_world.csv"
    assert row["head"] + " line 4" + row["tail"] == pv.join(table.records[refs[0].source_id],
                                                            refs[0])
    assert (row["first_line"], row["last_line"]) == (2, 9)
    assert row["licence"] == "U.S. public domain"
    assert pv.Ref.from_token(refs[0].token()) == refs[0]


def test_a_citation_without_a_location_slot_is_its_own_record() -> None:
    a, _ = pv.split("a, f.csv)")  # no line: the whole text
    b, _ = pv.split("a, f.csv line 3)")  # citation "a, f.csv)" with a slot
    assert a.citation == b.citation and a.id != b.id


def test_folder_licences_are_the_loaders_own() -> None:
    for mod in ("article", "usgs", "cset", "epoch", "curated", "financials", "markets",
                "trade"):
        try:
            src = importlib.import_module(f"riskgraph.ingest.{mod}").SOURCE
        except (ImportError, AttributeError):
            continue
        folder = (src.path or src.key).split("/")[0]
        if folder in pv.FOLDER_LICENCES:
            assert pv.FOLDER_LICENCES[folder] == src.licence, folder
