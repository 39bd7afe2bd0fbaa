"""Contract flows in flows.csv (optional ``start``/``end``, e.g. power purchase agreements): the
shipped PPAs and broken copies (exact errors)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import financials
from riskgraph.ingest.base import DATA_DIR
from riskgraph.ingest.resolve import Resolver

FOLDER = DATA_DIR / "financials"
CRANE = {"supplier": "constellation-energy", "customer": "microsoft", "year": "2028"}


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(FOLDER, tmp_path / "financials")
    return tmp_path


def _edit(path: Path, match: dict[str, str], **values: str) -> int:
    """Set columns of the first row matching ``match``; returns its editor line number."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for i, row in enumerate(rows[1:], start=2):
        if all(row[header.index(k)] == v for k, v in match.items()):
            for k, v in values.items():
                row[header.index(k)] = v
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh, lineterminator="\n").writerows(rows)
            return i
    raise AssertionError(f"no row {match} in {path}")


def _error(tmp: Path) -> str:
    with pytest.raises(IngestError) as ei:
        financials.load(tmp, Resolver())
    return str(ei.value)


def test_shipped_ppas_carry_their_term() -> None:
    g = financials.load(DATA_DIR, Resolver()).graph
    terms = {(e.src, e.dst): (e.props.get("start"), e.props.get("end"))
             for e in g.edges.values() if e.type == "SELLS_TO" and e.props.get("start")}
    assert terms[("company:constellation-energy", "company:microsoft")] == ("2028", "2047")
    assert terms[("company:constellation-energy", "company:meta")] == ("2027-06-01",
                                                                       "2047-05-31")
    # annual flows have no term
    assert all(not e.props.get("start") for e in g.edges.values()
               if e.type == "SELLS_TO" and e.props.get("year") == 2024)


@pytest.mark.parametrize(("values", "column", "message"), [
    ({"start": "2028-13-01"}, "start", "'2028-13-01' is not a year (YYYY) or a date (YYYY-MM-DD)"),
    ({"end": "soon"}, "end", "'soon' is not a year (YYYY) or a date (YYYY-MM-DD)"),
    ({"end": "2027"}, "end", "end 2027 is before start 2028"),
    ({"start": "", "end": "2047"}, "start",
     "an end needs a start (when the contract comes into force)"),
    ({"start": "2029"}, "year",
     "year 2028 is outside the contract's term (2029 to 2047): give the amount of a year in "
     "force"),
])
def test_broken_terms(tmp_path: Path, values: dict[str, str], column: str, message: str) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    line = _edit(p, CRANE, **values)
    assert _error(tmp) == f"{p}, line {line}, column {column!r}: {message}"


def test_an_open_ended_contract_loads(tmp_path: Path) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    _edit(p, CRANE, end="")
    g = financials.load(tmp, Resolver()).graph
    e = next(e for e in g.edges.values() if e.type == "SELLS_TO" and e.props.get("year") == 2028)
    assert e.props["start"] == "2028" and "end" not in e.props


def test_a_contract_counts_against_revenue_in_every_year_of_its_term(tmp_path: Path) -> None:
    # Valued in 2028, the PPA starting 2024 is in force in 2024 too: with a huge amount it
    # exceeds Constellation's 2024 revenue there.
    tmp = _copy(tmp_path)
    p = tmp / "financials" / "flows.csv"
    line = _edit(p, CRANE, start="2024", value="900000", high="900000")
    with pytest.raises(IngestError) as ei:
        financials.load(tmp, Resolver())
    msg = str(ei.value)
    assert msg.startswith(f"{p}, line {line}, column 'value': flows from "
                          "company:constellation-energy in 2024 add up to "), msg
    assert "more than its revenue" in msg
