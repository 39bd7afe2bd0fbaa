"""The scale path (riskgraph.engine.columnar): same numbers as the engine and the networkx
reference, and the same clear errors as the curated loader on bad files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from riskgraph.engine.columnar import load_columnar, load_dir
from riskgraph.engine.defaults import load_defaults
from riskgraph.engine.shock import run_shock
from riskgraph.errors import IngestError, UsageError
from riskgraph.graph.model import GraphData
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from .conftest import LINK_HEADER, NODE_HEADER, write_dir

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import reference_nx  # noqa: E402

# A small hand-made map that exercises every rule: flows both ways (RUNS_ON, OWNS), a none type,
# an arc into a country (left out), two types on one pair (max), percent weights,
# substitutability, sales shares, and a cycle.
NODES = NODE_HEADER + "".join(
    f"{i},{i.partition(':')[0]},{name},,{roles},,test map,2025,reported,\n"
    for i, name, roles in [
        ("country:XA", "Xland", ""),
        ("mineral:m1", "Mineral one", ""),
        ("input:wafer-x", "Wafer X", ""),
        ("company:fab", "Fab", "foundry"),
        ("company:chipco", "ChipCo", "designer"),
        ("company:cloudco", "CloudCo", "cloud"),
        ("company:labco", "LabCo", "lab"),
        ("company:packer", "Packer", "packaging"),
        ("accelerator:xpu", "XPU", ""),
    ])


def _l(frm: str, to: str, typ: str, w: str, sales: str = "", subst: str = "") -> str:
    return f"{frm},{to},{typ},{w},,,{sales},{subst},test map,2025,reported,\n"


LINKS = LINK_HEADER + "".join([
    _l("country:XA", "mineral:m1", "PRODUCES", "0.8", "0.5"),
    _l("mineral:m1", "input:wafer-x", "INPUT_TO", "90%", "0.3", "0.1"),
    _l("input:wafer-x", "company:fab", "INPUT_TO", "0.7", "0.9"),
    _l("company:fab", "company:chipco", "SUPPLIES", "0.6", "0.4", "0.2"),
    _l("company:fab", "company:chipco", "MANUFACTURES", "0.9", "0.2"),
    _l("company:chipco", "accelerator:xpu", "DESIGNS", "1", "1"),
    _l("company:packer", "accelerator:xpu", "PACKAGES", "0.5", "0.3"),
    _l("company:cloudco", "accelerator:xpu", "OWNS", "0.8", "0.6"),
    _l("company:labco", "company:cloudco", "RUNS_ON", "0.7", "0.5"),
    _l("company:chipco", "company:fab", "SUPPLIES", "0.1", "0.05"),  # cycle fab <-> chipco
    _l("company:chipco", "country:XA", "SUPPLIES", "0.3", "0.1"),  # into a country: left out
    _l("company:cloudco", "company:labco", "INVESTS_IN", "", ""),
])


def _engine_q(graph: GraphData, target: str, direction: str = "downstream") -> dict[str, float]:
    r = run_shock(graph, target, 50, top=10**6, direction=direction)
    return {n["id"]: n["shortfall"] for n in r["nodes"]}


def _as_dict(g: object, q: np.ndarray) -> dict[str, float]:
    ids = g.ids  # type: ignore[attr-defined]
    return {str(i): float(x) for i, x in zip(ids, q, strict=True) if x > 1e-6}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dir(tmp_path_factory.mktemp("small"), NODES, LINKS)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate.write(out, 400, 3000, seed=7, cycle_every=50)
    return out


def _user_graph(folder: Path) -> GraphData:
    return curated.load_user_dir(folder, Resolver()).graph


@pytest.mark.parametrize("direction", ["downstream", "upstream"])
@pytest.mark.parametrize("target", ["country:XA", "mineral:m1", "company:fab", "company:labco"])
def test_same_numbers_as_the_engine_on_the_hand_made_map(small: Path, target: str,
                                                         direction: str) -> None:
    g = load_dir(small)
    assert g.into_country == 1 and g.links == 12
    want = _engine_q(_user_graph(small), target, direction)
    got = _as_dict(g, g.shock(target, 50, direction=direction))
    assert set(got) == set(want)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, abs=1e-12), k


def test_hand_made_map_has_the_expected_values(small: Path) -> None:
    q = _as_dict(g := load_dir(small), g.shock("mineral:m1", 100))
    assert q["input:wafer-x"] == pytest.approx(0.9 * (1 - 0.1))  # 90% and substitutability 0.1
    # fab and chipco feed each other (cycle): the iteration converges to the least fixed point;
    # fab's inputs are a requirement (wafers, 0.7) and a share (chipco's supplies, 0.1): the
    # scarcer one limits it (docs/model.md section 2)
    fab = q["company:fab"]
    assert fab == pytest.approx(max(0.7 * q["input:wafer-x"], 0.1 * q["company:chipco"]))
    assert fab == pytest.approx(0.567)
    # chipco: two groups from fab (foundry 0.9, supplies 0.6 x (1 - 0.2)): the larger binds
    assert q["company:chipco"] == pytest.approx(0.9 * fab)
    assert "country:XA" not in q  # arcs into countries are left out
    # DESIGNS passes on only the designer's own shock: nothing beyond chipco here
    assert "accelerator:xpu" not in q and "company:labco" not in q
    q = _as_dict(g, g.shock("company:chipco", 50))
    assert q["accelerator:xpu"] == pytest.approx(0.5)  # DESIGNS weight 1
    assert q["company:cloudco"] == pytest.approx(0.8 * 0.5)  # OWNS, reversed flow
    assert q["company:labco"] == pytest.approx(0.7 * 0.8 * 0.5)  # RUNS_ON, reversed flow
    # the cycle: fab gets 0.1 x chipco's 50%; chipco's own cut (50%) exceeds 0.9 x that
    assert q["company:fab"] == pytest.approx(0.1 * 0.5)


def test_params_override_like_set(small: Path) -> None:
    from dataclasses import replace

    g = load_dir(small)
    p = replace(load_defaults(), buffer=0.5, substitutability=0.3)
    graph = _user_graph(small)
    r = run_shock(graph, "mineral:m1", 50, top=100, sets=["buffer=0.5", "substitutability=0.3"])
    got = _as_dict(g, g.shock("mineral:m1", 50, params=p))
    for n in r["nodes"]:
        assert got[n["id"]] == pytest.approx(n["shortfall"], abs=1e-12)


@pytest.mark.parametrize("target", ["mineral:mineral-0", "company:materials-3",
                                    "company:chip-0", "country:country-1"])
def test_generated_graph_engine_columnar_and_networkx_agree(generated: Path, target: str) -> None:
    g = load_dir(generated)
    q = g.shock(target, 50)
    want = _engine_q(_user_graph(generated), target)
    got = _as_dict(g, q)
    assert set(got) == set(want) and len(got) > 1
    for k, v in want.items():
        assert got[k] == pytest.approx(v, abs=1e-12)
    G = reference_nx.load_nx(generated)
    qn, _ = reference_nx.shock_nx(G, [target], 50)
    assert max(abs(qn[str(i)] - x) for i, x in zip(g.ids, q, strict=True)) < 1e-12
    qu = g.shock(target, 50, direction="upstream")
    qnu, _ = reference_nx.shock_nx(G, [target], 50, direction="upstream")
    assert max(abs(qnu[str(i)] - x) for i, x in zip(g.ids, qu, strict=True)) < 1e-12


def test_generator_is_seeded_and_has_cycles(tmp_path: Path) -> None:
    a = generate.write(tmp_path / "a", 500, seed=3, cycle_every=100)
    b = generate.write(tmp_path / "b", 500, seed=3, cycle_every=100)
    assert a.links_path.read_bytes() == b.links_path.read_bytes()
    assert a.back_links > 0
    import networkx as nx

    G = reference_nx.load_nx(tmp_path / "a")
    assert not nx.is_directed_acyclic_graph(G)


def test_unknown_target(small: Path) -> None:
    with pytest.raises(UsageError, match=r"^unknown node 'company:fabb'; did you mean "
                                         r"'company:fab'"):
        load_dir(small).shock("company:fabb", 50)


# -- bad files: the same errors as the curated loader ------------------------------------------
def _fails(folder: Path) -> IngestError:
    with pytest.raises(IngestError) as ei:
        load_dir(folder)
    return ei.value


def _both(folder: Path) -> tuple[IngestError, IngestError]:
    a = _fails(folder)
    with pytest.raises(IngestError) as ei:
        curated.load_user_dir(folder, Resolver())
    return a, ei.value


GOOD = _l("mineral:m1", "company:fab", "INPUT_TO", "0.5")


@pytest.mark.parametrize(("links", "row", "column"), [
    (LINK_HEADER + GOOD + _l("mineral:m1", "company:fab", "INPUT_TO", "0.4"), 3, None),
    (LINK_HEADER + _l("company:fab", "company:fab", "SUPPLIES", "0.4"), 2, "to"),
    (LINK_HEADER + _l("mineral:m1", "company:nobody", "INPUT_TO", "0.4"), 2, "to"),
    (LINK_HEADER + GOOD + _l("mineral:m1", "company:fab", "SUPPLY", "0.4"), 3, "type"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", "-0.1"), 2, "weight"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", "120%"), 2, "weight"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", "1e999"), 2, "weight"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", "lots"), 2, "weight"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", ""), 2, "weight"),
    (LINK_HEADER + _l("mineral:m1", "company:fab", "INPUT_TO", "0.5", "2"), 2, "sales_share"),
    (LINK_HEADER + GOOD.replace("2025", "someday"), 2, "as_of"),
    (LINK_HEADER + GOOD.replace("reported", "rumoured"), 2, "confidence"),
    (LINK_HEADER + GOOD.replace("test map", " "), 2, "source"),
    (LINK_HEADER + GOOD.replace(",reported,", ",estimated,"), 2, "rationale"),
    (LINK_HEADER + GOOD.replace("0.5,,,", "0.5,0.6,0.9,"), 2, "weight_low"),
    (LINK_HEADER + GOOD.replace("test map", '"test\nmap"')
     + GOOD.replace("0.5", "7"), 4, "weight"),  # after a 2-line record
    (LINK_HEADER + GOOD.replace("0.5", "7").replace(
        "test map", '"test\nmap"'), 2, "weight"),  # inside a 2-line record: its first line
    (LINK_HEADER.replace("\n", ",note\n") + GOOD, 1, "note"),  # a column the format lacks
])
def test_bad_links_same_error_as_the_curated_loader(tmp_path: Path, links: str, row: int,
                                                    column: str | None) -> None:
    a, b = _both(write_dir(tmp_path, NODES, links))
    assert (a.path, a.row, a.column) == (b.path, b.row, b.column) == (
        str(tmp_path / "acme_links.csv"), row, column)
    if "nobody" not in links:  # the curated loader also knows registry names
        assert a.reason == b.reason


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty file"),
    (LINK_HEADER, "no data rows (only a header)"),
])
def test_empty_and_header_only(tmp_path: Path, text: str, reason: str) -> None:
    e = _fails(write_dir(tmp_path, NODES, text))
    assert str(e) == f"{tmp_path / 'acme_links.csv'}: {reason}"


def test_bom_crlf_and_blanks_around_values(tmp_path: Path, small: Path) -> None:
    links = "\ufeff" + LINKS.replace(",company:fab,", ", company:fab ,").replace("\n", "\r\n")
    g = load_dir(write_dir(tmp_path, NODES, links))
    ref = load_dir(small)
    assert np.array_equal(g.shock("mineral:m1", 50), ref.shock("mineral:m1", 50))


def test_semicolons(tmp_path: Path) -> None:
    e = _fails(write_dir(tmp_path, NODES, LINKS.replace(",", ";")))
    assert (e.row, e.column) == (1, "from") and e.reason.startswith("missing column 'from'")


def test_latin1(tmp_path: Path) -> None:
    e = _fails(write_dir(tmp_path, NODES.replace("Fab,", "Fabé,"), LINKS, encoding="latin-1"))
    assert e.reason.startswith("not UTF-8 text") and e.path.endswith("acme_nodes.csv")


def test_too_many_fields(tmp_path: Path) -> None:
    e = _fails(write_dir(tmp_path, NODES, LINK_HEADER + GOOD + GOOD.replace("test map",
                                                                            "test, map")))
    assert str(e) == (f"{tmp_path / 'acme_links.csv'}, line 3: 13 fields but the header has "
                      "12 (wrong delimiter or an unquoted comma?)")


def test_duplicate_node_ids(tmp_path: Path) -> None:
    nodes = NODES + NODES.splitlines(keepends=True)[4]
    e = _fails(write_dir(tmp_path, nodes, LINKS))
    assert (e.row, e.column) == (11, "id")
    assert e.reason.startswith("duplicate node id 'company:fab' (first defined in ")


def test_names_are_not_resolved(tmp_path: Path) -> None:
    e = _fails(write_dir(tmp_path, NODES, LINK_HEADER + _l("Mineral one", "company:fab",
                                                           "INPUT_TO", "0.5")))
    assert e.reason.startswith("unknown node 'Mineral one'")
    assert "takes node ids" in e.reason


def test_known_ids_and_chunks(tmp_path: Path, small: Path) -> None:
    # registry ids given as known_ids; tiny chunks give the same graph as one chunk
    links = LINK_HEADER + _l("mineral:gallium", "company:fab", "INPUT_TO", "0.5")
    g = load_columnar(write_dir(tmp_path, NODES, links) / "acme_links.csv",
                      tmp_path / "acme_nodes.csv", known_ids=["mineral:gallium"])
    assert "mineral:gallium" in set(g.ids.tolist())
    a = load_columnar(small / "acme_links.csv", small / "acme_nodes.csv", chunksize=3)
    b = load_dir(small)
    assert np.array_equal(a.shock("mineral:m1", 50), b.shock("mineral:m1", 50))


def test_duplicate_across_chunks_names_both_lines(tmp_path: Path) -> None:
    links = LINK_HEADER + GOOD + _l("company:fab", "company:chipco", "SUPPLIES", "0.4") + GOOD
    folder = write_dir(tmp_path, NODES, links)
    with pytest.raises(IngestError) as ei:
        load_columnar(folder / "acme_links.csv", folder / "acme_nodes.csv", chunksize=1)
    assert ei.value.row == 4
    assert ei.value.reason == ("duplicate link mineral:m1 -[INPUT_TO]-> company:fab (first in "
                               f"{folder / 'acme_links.csv'} line 2)")


def test_benchmark_script_runs_end_to_end_on_a_tiny_graph(tmp_path: Path) -> None:
    import json
    import subprocess

    out = tmp_path / "results"
    r = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "300", "--no-cli",
                        "--data", str(tmp_path / "data"), "--out", str(out)],
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    res = json.loads((out / "latest.json").read_text())
    (row,) = res["sizes"]
    assert row["nodes"] == 300 and row["max_abs_diff"] < 1e-12
    assert row["shock_ratio_nx_over_sparse"] > 0
    assert (out / "scaling.png").stat().st_size > 1000
