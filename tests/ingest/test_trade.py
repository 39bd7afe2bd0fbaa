"""UN Comtrade U.S. imports by partner (ingest/trade.py, graph/trade.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.graph.trade import trade_of
from riskgraph.ingest import trade
from riskgraph.ingest.base import DATA_DIR


def test_shipped_gallium_imports() -> None:
    r = trade.load()
    t = trade_of(r.graph.nodes["mineral:gallium"])
    assert t is not None
    assert (t.year, t.hs, t.reporter, t.partners) == (2024, "811292", "US", ("CN",))
    assert t.total_kg == 2930601.0 and t.partner_kg == (239849.0,)
    assert t.total_usd == 274927348.0 and t.partner_usd == (53325054.0,)
    share, basis = t.share("CN")
    assert share == pytest.approx(53325054 / 274927348)
    assert basis["by_weight"] == pytest.approx(239849 / 2930601)
    assert "basket" in t.hs_note
    assert "gallium_trade_data.csv lines 30, 10" in t.source
    assert t.share("JP")[0] == 0.0


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "trade").mkdir()
    dst = tmp_path / "trade" / "gallium_trade_data.csv"
    shutil.copy(DATA_DIR / "trade" / "gallium_trade_data.csv", dst)
    return dst


def test_unknown_partner_code_names_file_line_and_column(tmp_path: Path) -> None:
    dst = _copy(tmp_path)
    lines = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",842,,,M,,156,", ",842,,,M,,999,", 1)
    dst.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(IngestError) as e:
        trade.load(tmp_path)
    assert e.value.row == 2 and e.value.column == "partnerCode"
    assert "unknown partner code '999'" in str(e.value)


def test_unknown_file_is_an_error(tmp_path: Path) -> None:
    dst = _copy(tmp_path)
    dst.rename(dst.with_name("unobtainium_trade_data.csv"))
    with pytest.raises(IngestError, match="no mineral for trade file"):
        trade.load(tmp_path)


def test_trade_props_survive_a_csv_export(tmp_path: Path) -> None:
    from riskgraph.export import tabular

    g = trade.load().graph
    tabular.write_csv(g, tmp_path / "csv")
    back = tabular.read_csv(tmp_path / "csv")
    a, b = g.nodes["mineral:gallium"].props, back.nodes["mineral:gallium"].props
    assert {k: v for k, v in a.items() if k.startswith("trade_")} == \
        {k: v for k, v in b.items() if k.startswith("trade_")}
    assert trade_of(back.nodes["mineral:gallium"]) == trade_of(g.nodes["mineral:gallium"])


def test_rare_earths_sum_compounds_and_metals() -> None:
    t = trade_of(trade.load().graph.nodes["mineral:rare-earths"])
    assert t is not None and t.hs == "280530+2846" and t.year == 2024
    # 2024, U.S. imports from China: HS 2846 10,248,721 kg + HS 280530 68,353 kg; world
    # 13,267,184 + 80,262 kg; values 116,100,303 + 3,672,400 of 170,469,283 + 4,695,777 USD
    assert t.partner_kg == (10248721.0 + 68353.0,)
    assert t.total_kg == 13267184.0 + 80262.0
    assert t.share("CN")[0] == pytest.approx((116100303 + 3672400) / (170469283 + 4695777))
    assert "lines 30, 62, 10, 50" in t.source and "summed" in t.hs_note
