"""The markets loader: the shipped files, their contract, and broken copies (exact errors)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.graph.markets import SUPPLY_PARAMS, inventory_of, market_of, markets
from riskgraph.graph.model import GraphData
from riskgraph.ingest import markets as loader
from riskgraph.ingest.base import DATA_DIR

FOLDER = DATA_DIR / "markets"
MINERALS = ["gallium", "germanium", "indium", "silicon", "rare-earths", "dysprosium", "terbium",
            "tantalum"]


@pytest.fixture(scope="module")
def result(real_graph: GraphData) -> loader.Markets:
    return loader.load(real_graph)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(FOLDER, tmp_path / "markets")
    return tmp_path


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set ``column`` of the record on ``line`` (editor line numbers, header = 1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _line_of(path: Path, **match: str) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if all(row[k] == v for k, v in match.items()):
                return i
    raise AssertionError(f"no row {match} in {path}")


def _error(tmp: Path, graph: GraphData) -> str:
    with pytest.raises(IngestError) as ei:
        loader.load(graph, tmp)
    return str(ei.value)


# -- the shipped files --------------------------------------------------------------------------
def test_every_mineral_with_input_to_arcs_has_a_full_market(
        result: loader.Markets, real_graph: GraphData) -> None:
    fed = {e.src for e in real_graph.iter_edges(["INPUT_TO"]) if e.src.startswith("mineral:")}
    assert fed == {f"mineral:{m}" for m in MINERALS} == set(result.markets)
    for mid, m in result.markets.items():
        assert abs(sum(u.share.value for u in m.uses) - 1) <= 0.02, mid
        assert any(not u.nodes for u in m.uses), f"{mid}: no use outside the graph"
        assert tuple(m.supply) == SUPPLY_PARAMS, mid
        targets = {e.dst for e in real_graph.out_edges(mid) if e.type == "INPUT_TO"}
        # every product the mineral feeds is in exactly one use and has a cost share
        assert {n for u in m.uses for n in u.nodes} == targets, mid
        assert {c.node for c in m.cost_shares} == targets, mid
        for u in m.uses:
            assert u.share.low <= u.share.value <= u.share.high, (mid, u.use)
            assert u.priority >= 1 and u.priority_basis and u.source and u.as_of
            assert u.confidence == "reported" or u.rationale, (mid, u.use)


def test_gallium_market_as_loaded_into_the_graph(real_graph: GraphData) -> None:
    m = market_of(real_graph.nodes["mineral:gallium"])
    assert m is not None and m == markets(real_graph)["mineral:gallium"]
    assert m.use_of("input:gaas-devices") == m.use_of("input:compound-substrates")
    assert m.use_of("input:inp-lasers").priority == 1
    leds = next(u for u in m.uses if u.use == "leds")
    assert leds.nodes == () and leds.priority > m.use_of("input:gaas-devices").priority
    sc = m.supply["spare_capacity"]
    assert (sc.value.value, sc.value.low, sc.value.high, sc.confidence) == (
        0.1, 0.04, 0.19, "estimated")
    assert "mcs2024-galli_world.csv" in sc.source
    cs = m.cost_share_of("input:gaas-devices")
    assert cs is not None and cs.share.high <= 0.01  # gallium is a tiny share of a GaAs device
    for k, v in real_graph.nodes["mineral:gallium"].props.items():
        if k.startswith("mkt_"):
            assert isinstance(v, list) and None not in v and len({type(x) for x in v}) == 1, k


def test_inventory_scope_node_beats_kind_beats_layer(real_graph: GraphData) -> None:
    inv = inventory_of(real_graph.nodes["company:nvidia"])
    assert inv is not None and inv.scope == "company:nvidia" and inv.confidence == "reported"
    assert round(inv.weeks.value, 1) == 16.1
    amd = inventory_of(real_graph.nodes["company:amd"])
    assert amd is not None and amd.scope == real_graph.nodes["company:amd"].layer == "chips"
    assert inventory_of(real_graph.nodes["input:wafer"]).scope == "inputs"  # type: ignore[union-attr]
    galli = inventory_of(real_graph.nodes["mineral:gallium"])
    assert galli is not None and galli.scope == "minerals" and galli.weeks.value == 0.0
    assert inventory_of(real_graph.nodes["country:CN"]) is None  # no row for countries
    for layer in ("minerals", "inputs", "chips", "clouds", "labs"):
        assert any(inventory_of(n) is not None and inventory_of(n).scope == layer  # type: ignore[union-attr]
                   for n in real_graph.nodes.values()), layer


def test_kind_scope(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    with (tmp / "markets" / "inventories.csv").open("a", encoding="utf-8") as fh:
        fh.write("kind:accelerator,3,2,4,test,2024,estimated,kind row\n")
    g = GraphData.from_dict(json.loads(json.dumps(real_graph.to_dict())))
    loader.apply(g, tmp)
    acc = next(n for n in g.nodes.values() if n.kind == "accelerator")
    assert inventory_of(acc).scope == "kind:accelerator"  # type: ignore[union-attr]
    assert inventory_of(g.nodes["company:nvidia"]).scope == "company:nvidia"  # type: ignore[union-attr]


def test_no_markets_folder_leaves_the_graph_alone(tmp_path: Path) -> None:
    g = GraphData()
    assert loader.apply(g, tmp_path).markets == {}


# -- broken copies: exact errors ----------------------------------------------------------------
def test_unknown_mineral(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "end_uses.csv"
    _edit(p, 2, "mineral", "galium")
    assert _error(tmp, real_graph) == (
        f"{p}, line 2, column 'mineral': unknown mineral 'galium'; did you mean 'gallium'?")


def test_unknown_node(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "cost_shares.csv"
    line = _line_of(p, mineral="gallium", node="input:gaas-devices")
    _edit(p, line, "node", "input:gaas-device")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'node': unknown node 'input:gaas-device'; did you mean "
        "'input:gaas-devices'?")


def test_node_the_mineral_does_not_feed(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "end_uses.csv"
    line = _line_of(p, mineral="tantalum", use="capacitors")
    _edit(p, line, "nodes", "input:wafer")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'nodes': mineral:tantalum has no INPUT_TO arc to input:wafer "
        "(it feeds: input:tantalum-capacitors)")


def test_unknown_parameter(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "supply.csv"
    line = _line_of(p, mineral="gallium", parameter="restart_months")
    _edit(p, line, "parameter", "restart_month")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'parameter': unknown parameter 'restart_month'; did you mean "
        "'restart_months'?")


def test_shares_not_summing_to_one(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "end_uses.csv"
    line = _line_of(p, mineral="gallium", use="leds")
    _edit(p, line, "share", "0.2")
    first = _line_of(p, mineral="gallium")
    assert _error(tmp, real_graph) == (
        f"{p}, line {first}, column 'share': the shares of mineral:gallium sum to 0.900, not 1 "
        "(within 0.02); add the uses outside the graph")


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("share_low", "0.5", "share_low 0.5 is above share 0.3"),
    ("share_high", "0.25", "share_high 0.25 is below share 0.3"),
    ("substitution", "1.5", "substitution 1.5 is outside [0, 1]"),
    ("share", "x", "'x' is not a number"),
    ("share_low", "", "an estimated figure needs its range (share_low and share_high)"),
    ("priority", "0", "priority '0' is not a rank (1, 2, ...; 1 = highest value per unit of "
                      "mineral)"),
    ("confidence", "estimate", "confidence must be reported or estimated, not 'estimate'; did "
                               "you mean 'estimated'?"),
    ("rationale", "", "estimated without a rationale"),
])
def test_bad_end_use_values(tmp_path: Path, real_graph: GraphData, column: str, value: str,
                            reason: str) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "end_uses.csv"
    line = _line_of(p, mineral="gallium", use="leds")
    _edit(p, line, column, value)
    assert _error(tmp, real_graph) == f"{p}, line {line}, column {column!r}: {reason}"


def test_low_above_value_in_supply_and_inventories(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "supply.csv"
    line = _line_of(p, mineral="germanium", parameter="stocks_months")
    _edit(p, line, "low", "9")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'low': low 9 is above value 1")
    tmp = _copy(tmp_path / "b")
    p = tmp / "markets" / "inventories.csv"
    line = _line_of(p, scope="chips")
    _edit(p, line, "high", "5")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'high': high 5 is below weeks 10")


def test_node_in_two_uses(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "end_uses.csv"
    first = _line_of(p, mineral="gallium", use="gaas")
    line = _line_of(p, mineral="gallium", use="gan")
    _edit(p, line, "nodes", "input:gan-power-devices|input:gaas-devices")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'nodes': input:gaas-devices is in two uses of mineral:gallium: "
        f"'gaas' (line {first}) and 'gan'")


def test_unknown_scope(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "inventories.csv"
    line = _line_of(p, scope="clouds")
    _edit(p, line, "scope", "cloud")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'scope': unknown layer 'cloud'; did you mean 'clouds'? (a "
        "scope is a layer, kind:<kind> or a node id)")
    _edit(p, line, "scope", "kind:acelerator")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'scope': unknown kind 'acelerator'; did you mean "
        "'kind:accelerator'?")
    _edit(p, line, "scope", "company:nvidiaa")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'scope': unknown node 'company:nvidiaa'; did you mean "
        "'company:nvidia'?")


def test_duplicates_and_missing_file(tmp_path: Path, real_graph: GraphData) -> None:
    tmp = _copy(tmp_path)
    p = tmp / "markets" / "supply.csv"
    first = _line_of(p, mineral="gallium", parameter="restart_months")
    line = _line_of(p, mineral="gallium", parameter="secondary_months")
    _edit(p, line, "parameter", "restart_months")
    assert _error(tmp, real_graph) == (
        f"{p}, line {line}, column 'parameter': duplicate parameter restart_months of "
        f"mineral:gallium (first on line {first})")
    (tmp / "markets" / "cost_shares.csv").unlink()
    assert _error(tmp, real_graph) == f"{tmp / 'markets' / 'cost_shares.csv'}: missing markets file"


# -- riskgraph show -----------------------------------------------------------------------------
def test_show_gallium_prints_the_market() -> None:
    from typer.testing import CliRunner

    from riskgraph.cli.app import app

    r = CliRunner().invoke(app, ["show", "gallium", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    uses = {u["use"]: u for u in d["market"]["uses"]}
    assert uses["gaas"]["nodes"] == ["input:gaas-devices", "input:compound-substrates"]
    assert uses["leds"]["nodes"] == [] and uses["leds"]["share"]["value"] == 0.30
    assert list(d["market"]["supply"]) == list(SUPPLY_PARAMS)
    assert d["inventory"]["scope"] == "minerals"
    assert not any(k.startswith(("mkt_", "inventory_")) for k in d["props"])
    r = CliRunner().invoke(app, ["show", "gallium"], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    for text in ("Market: world end uses", "Supply response", "spare_capacity",
                 "Cost share of the mineral", "Inventory cover: 0 weeks of input (scope minerals",
                 "(outside the graph)", "[M1] "):
        assert text in r.output, text


def test_the_cache_key_covers_the_markets_files_and_code(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.ingest import build as build_mod

    names = {p.name for p in build_mod._code_files()}
    assert {"markets.py"} <= names
    assert sum(p.name == "markets.py" for p in build_mod._code_files()) == 2  # ingest/, graph/
    monkeypatch.setattr(build_mod, "DATA_DIR", _copy(tmp_path))
    before = build_mod._fingerprint([])
    p = tmp_path / "markets" / "supply.csv"
    _edit(p, 2, "high", "0.2")
    assert build_mod._fingerprint([]) != before  # any changed byte rebuilds the graph
