"""capital_goods.csv: which suppliers deliver capital goods, and broken copies (exact errors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.graph.markets import Capital, Range, capital_of, capital_props
from riskgraph.graph.model import GraphData
from riskgraph.ingest import markets as loader
from riskgraph.ingest.base import DATA_DIR

FOLDER = DATA_DIR / "markets"
FILE = "capital_goods.csv"


def _copy(tmp_path: Path, text: str | None = None) -> Path:
    shutil.copytree(FOLDER, tmp_path / "markets")
    if text is not None:
        (tmp_path / "markets" / FILE).write_text(text, encoding="utf-8")
    return tmp_path


HEADER = "scope,months,low,high,source,as_of,confidence,rationale\n"


def test_shipped_capital_goods_reach_tools_and_equipment_makers(real_graph: GraphData) -> None:
    asml = capital_of(real_graph.nodes["company:asml"])
    euv = capital_of(real_graph.nodes["input:euv-lithography-tools"])
    assert asml is not None and asml.scope == "role:equipment"
    assert euv is not None and euv.scope == "type:tool_resource"
    assert asml.months == Range(60.0, 30.0, 120.0)
    assert "TSMC 2020 Annual Report p. 183" in asml.source
    assert capital_of(real_graph.nodes["company:tsmc"]) is None
    assert capital_of(real_graph.nodes["input:wafer"]) is None


def test_capital_props_round_trip() -> None:
    cap = Capital(months=Range(60.0, 30.0, 120.0), source="s", as_of="2020",
                  confidence="estimated", rationale="r", scope="role:equipment")
    from riskgraph.graph.model import Node
    node = Node(id="company:x", kind="company", name="X", source="s", as_of="2024",
                confidence="reported", props=capital_props(cap))
    assert capital_of(node) == cap


@pytest.mark.parametrize(("row", "error"), [
    ("role:equipmnt,60,30,120,s,2020,estimated,r",
     "column 'scope': unknown role 'equipmnt'; did you mean 'role:equipment'?"),
    ("type:tool_resorce,60,30,120,s,2020,estimated,r",
     "column 'scope': unknown type 'tool_resorce'; did you mean 'type:tool_resource'?"),
    ("company:asmll,60,30,120,s,2020,estimated,r",
     "column 'scope': unknown node 'company:asmll'; did you mean 'company:asml'? (a scope is "
     "role:<role>, type:<type> or a node id)"),
    ("role:equipment,60,0,120,s,2020,estimated,r", "column 'low': months must be > 0, got 0"),
])
def test_broken_capital_goods(tmp_path: Path, real_graph: GraphData, row: str,
                              error: str) -> None:
    tmp = _copy(tmp_path, HEADER + row + "\n")
    with pytest.raises(IngestError) as ei:
        loader.load(real_graph, tmp)
    assert str(ei.value) == f"{tmp / 'markets' / FILE}, line 2, {error}"


def test_duplicate_scope(tmp_path: Path, real_graph: GraphData) -> None:
    row = "role:equipment,60,30,120,s,2020,estimated,r\n"
    tmp = _copy(tmp_path, HEADER + row + row)
    with pytest.raises(IngestError) as ei:
        loader.load(real_graph, tmp)
    assert str(ei.value) == (f"{tmp / 'markets' / FILE}, line 3, column 'scope': duplicate "
                             "scope role:equipment (first on line 2)")


def test_capital_goods_file_is_optional(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    (tmp / "markets" / FILE).unlink()
    assert loader.load(real_graph, tmp).capital == {}
