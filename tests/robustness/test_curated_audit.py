"""Issue 10, item 8: an audit of every column of the curated format against
docs/curated-format.md.  Each case was silently accepted (or misread) before; now it is one
clear error naming file, line and column.  Values the rules allow still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

NODE = {"id": "company:acme-optics", "kind": "company", "name": "Acme Optics", "layer": "",
        "roles": "network", "aliases": "Acme", "source": "ledger", "as_of": "2025",
        "confidence": "reported", "rationale": ""}
LINK = {"from": "mineral:gallium", "to": "Acme", "type": "INPUT_TO", "weight": "0.9",
        "weight_low": "0.8", "weight_high": "1", "sales_share": "", "substitutability": "0",
        "source": "bom", "as_of": "2025", "confidence": "estimated", "rationale": "GaAs"}


def _q(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def _folder(tmp_path: Path, what: str, column: str, value: str) -> Path:
    n, lk = dict(NODE), dict(LINK)
    nh, lh = NODE_HEADER, LINK_HEADER
    row = n if what == "node" else lk
    if column not in row:
        if what == "node":
            nh = nh.rstrip("\n") + f",{column}\n"
        else:
            lh = lh.rstrip("\n") + f",{column}\n"
    row[column] = value
    return write_dir(tmp_path, nh + ",".join(_q(v) for v in n.values()) + "\n",
                     lh + ",".join(_q(v) for v in lk.values()) + "\n")


BAD = [
    ("node", "as_of", "2025-13", "as_of '2025-13' is not a year or date (YYYY, YYYY-MM or "
     "YYYY-MM-DD)"),
    ("node", "as_of", "2025-02-30", "as_of '2025-02-30' is not a year or date (YYYY, YYYY-MM or "
     "YYYY-MM-DD)"),
    ("link", "as_of", "0000", "as_of '0000' is not a year or date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("node", "name", "\u200b", "empty name"),  # a zero-width space shows nothing
    ("node", "source", "-", "source '-' is a placeholder; cite the document and where in it"),
    ("link", "source", "n/a", "source 'n/a' is a placeholder; cite the document and where in it"),
    ("link", "sales_share", "w", "not a number: 'w' (leave the cell empty when there is no "
     "figure)"),
    ("link", "substitutability", "NA", "not a number: 'NA' (leave the cell empty when there is "
     "no figure)"),
    ("node", "capacity", "nan", "not a number: 'nan' (leave the cell empty when there is no "
     "figure)"),
    ("node", "unit", "kg", "unit without a capacity"),
    ("link", "unit", "USD", "unit without an amount"),
    ("link", "wieght_low", "0.5", "unknown column 'wieght_low'; did you mean 'weight_low'? "
     "(docs/curated-format.md lists the columns)"),
    ("node", "note", "x", "unknown column 'note' (docs/curated-format.md lists the columns)"),
    ("link", "override", "maybe", "override must be yes or no (or empty), not 'maybe'"),
]


@pytest.mark.parametrize("what, column, value, reason", BAD,
                         ids=[f"{w}-{c}-{v!r}" for w, c, v, _ in BAD])
def test_a_bad_cell_is_one_clear_error(tmp_path: Path, what: str, column: str, value: str,
                                       reason: str) -> None:
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(_folder(tmp_path, what, column, value), Resolver())
    e = ei.value
    assert e.path == str(tmp_path / f"acme_{what}s.csv")
    assert e.column == column
    assert e.row == (1 if "unknown column" in (reason or "") else 2)
    assert e.reason == reason


def test_a_repeated_column_is_an_error(tmp_path: Path) -> None:
    links = LINK_HEADER.rstrip("\n") + ",weight\n" + ",".join(LINK.values()) + ",0.1\n"
    folder = write_dir(tmp_path, NODE_HEADER + ",".join(NODE.values()) + "\n", links)
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(folder, Resolver())
    assert (ei.value.row, ei.value.reason) == (1, "column 'weight' appears twice in the header")


def test_repeated_roles_and_aliases_are_kept_once(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "node", "aliases", "Acme|Acme| Acme ")
    g = curated.load_user_dir(folder, Resolver()).graph
    assert g.nodes["company:acme-optics"].aliases == ["Acme"]


@pytest.mark.parametrize("what, column, value", [
    ("node", "as_of", "2024-02-29"), ("link", "as_of", "2025-06"), ("link", "weight", "90%"),
    ("link", "sales_share", ""), ("node", "id", " company:acme-optics "),
])
def test_values_the_rules_allow_still_load(tmp_path: Path, what: str, column: str,
                                           value: str) -> None:
    r = curated.load_user_dir(_folder(tmp_path, what, column, value), Resolver())
    assert "company:acme-optics" in r.graph.nodes
