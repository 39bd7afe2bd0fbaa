"""Bad (and odd but valid) user data through the curated loader: a clear error or the data verbatim.

Each case writes a user folder (``--data-dir`` form) and loads it with
:func:`riskgraph.ingest.curated.load_user_dir`.  A failure must be an :class:`IngestError` whose
message names the file, the line and the column; anything else (a ``KeyError``, a
``UnicodeDecodeError``, a hang) is a bug.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from riskgraph.engine.compile import compile_graph
from riskgraph.engine.iim import inoperability
from riskgraph.errors import IngestError
from riskgraph.ingest import curated
from riskgraph.ingest.resolve import Resolver

from .conftest import ACME, GOOD_LINK, LINK_HEADER, NODE_HEADER, write_dir


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver()


def load(folder: Path, resolver: Resolver) -> curated.LoadResult:
    return curated.load_user_dir(folder, resolver)


def fails(folder: Path, resolver: Resolver) -> IngestError:
    with pytest.raises(IngestError) as ei:
        load(folder, resolver)
    return ei.value


def link(frm: str = "mineral:gallium", to: str = "Acme", typ: str = "INPUT_TO", w: str = "0.9",
         lo: str = "0.8", hi: str = "1", sales: str = "", subst: str = "0",
         source: str = "our bill of materials", as_of: str = "2025", conf: str = "estimated",
         why: str = "GaAs") -> str:
    return ",".join([frm, to, typ, w, lo, hi, sales, subst, source, as_of, conf, why]) + "\n"


LINKS = "acme_links.csv"
NODES = "acme_nodes.csv"


# -- whole-file problems ------------------------------------------------------------------------
def test_empty_links_file(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=""), resolver)
    assert str(e) == f"{tmp_path / LINKS}: empty file"


def test_blank_lines_only_is_empty(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links="\n \r\n\n"), resolver)
    assert str(e) == f"{tmp_path / LINKS}: empty file"


def test_header_only(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER), resolver)
    assert str(e) == f"{tmp_path / LINKS}: no data rows (only a header)"


def test_nodes_header_only(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, nodes=NODE_HEADER), resolver)
    assert str(e) == f"{tmp_path / NODES}: no data rows (only a header)"


def test_bom_and_crlf_are_fine(tmp_path: Path, resolver: Resolver) -> None:
    nodes = "\ufeff" + (NODE_HEADER + ACME).replace("\n", "\r\n")
    links = "\ufeff" + (LINK_HEADER + GOOD_LINK).replace("\n", "\r\n")
    r = load(write_dir(tmp_path, nodes, links), resolver)
    assert "company:acme-optics" in r.graph.nodes
    (e,) = r.graph.edges.values()
    assert (e.src, e.dst, e.weight) == ("mineral:gallium", "company:acme-optics", 0.9)


def test_semicolon_delimiter(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=(LINK_HEADER + GOOD_LINK).replace(",", ";")), resolver)
    assert e.row == 1 and e.column == "from"
    assert e.reason.startswith("missing column 'from'")


def test_latin1_file(tmp_path: Path, resolver: Resolver) -> None:
    nodes = NODE_HEADER + ACME.replace("Acme Optics", "Acme Optique Société")
    e = fails(write_dir(tmp_path, nodes=nodes, encoding="latin-1"), resolver)
    assert e.path == str(tmp_path / NODES)
    assert e.reason.startswith("not UTF-8 text (byte ") and e.reason.endswith("save it as UTF-8")


def test_unquoted_comma_gives_too_many_fields(tmp_path: Path, resolver: Resolver) -> None:
    bad = link(source="Acme, Inc. ledger")
    e = fails(write_dir(tmp_path, links=LINK_HEADER + bad), resolver)
    assert str(e) == (f"{tmp_path / LINKS}, line 2: 13 fields but the header has 12 "
                      "(wrong delimiter or an unquoted comma?)")


def test_nul_byte_is_kept_verbatim(tmp_path: Path, resolver: Resolver) -> None:
    r = load(write_dir(tmp_path, links=LINK_HEADER + GOOD_LINK.replace("GaAs", "Ga\0As")),
             resolver)
    (e,) = r.graph.edges.values()
    assert e.rationale == "Ga\0As"


# -- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "reason"), [
    ("-0.2", "weight -0.2 is outside [0, 1] (a fraction: 0.4 or 40%)"),
    ("1e308", "weight 1e308 is outside [0, 1] (a fraction: 0.4 or 40%)"),
    ("1e999", "not a finite number: '1e999'"),
    ("150%", "weight 150% is outside [0, 1] (a fraction: 0.4 or 40%)"),
    ("inf", "not a number: 'inf'"),
    ("0x1p-2", "not a number: '0x1p-2'"),
    ("9" * 400, "not a finite number: '" + "9" * 400 + "'"),  # overflows to inf
])
def test_bad_weight(tmp_path: Path, resolver: Resolver, raw: str, reason: str) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(w=raw, lo="", hi="",
                                                            conf="reported")), resolver)
    assert (e.row, e.column, e.reason) == (2, "weight", reason)


def test_nan_weight_is_not_a_number(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(w="NaN", lo="", hi="")), resolver)
    assert (e.row, e.column) == (2, "weight")
    assert e.reason == "not a number: 'NaN' (leave the cell empty when there is no figure)"


def test_percent_weight_is_a_fraction(tmp_path: Path, resolver: Resolver) -> None:
    r = load(write_dir(tmp_path, links=LINK_HEADER + link(w="40%", lo="30%", hi="50%")),
             resolver)
    (e,) = r.graph.edges.values()
    assert e.props["weight"] == pytest.approx(0.4)
    assert e.props["weight_low"] == pytest.approx(0.3)


def test_shares_above_100_percent_load_and_the_engine_caps(tmp_path: Path,
                                                         resolver: Resolver) -> None:
    # two suppliers claim 70% and 60% of Acme's supply: loaded as given, shortfall capped at 1
    links = LINK_HEADER + link(w="0.7", lo="0.6", hi="0.8") + link(
        frm="mineral:indium", w="0.6", lo="0.5", hi="0.7")
    from riskgraph.ingest.build import build

    cg = compile_graph(build([write_dir(tmp_path, links=links)]).graph)
    c = np.zeros(cg.n)
    c[[cg.index["mineral:gallium"], cg.index["mineral:indium"]]] = 1.0
    from riskgraph.engine.defaults import load_defaults

    p = load_defaults()
    M = cg.matrix(cg.arc_astar(cg.arc_weights(p), cg.arc_subst(p), cg.buffers(p)))
    q = inoperability(M, c)
    assert q[cg.index["company:acme-optics"]] == 1.0  # 0.7 + 0.6 = 1.3, capped


# -- ids and structure --------------------------------------------------------------------------
def test_duplicate_node_id(tmp_path: Path, resolver: Resolver) -> None:
    nodes = NODE_HEADER + ACME + ACME.replace("Acme Optics", "Acme Two").replace(",Acme,", ",,")
    e = fails(write_dir(tmp_path, nodes=nodes), resolver)
    assert (e.row, e.column) == (3, "id")
    assert e.reason == ("duplicate node id 'company:acme-optics' (first defined in "
                        f"{tmp_path / NODES} line 2)")


def test_duplicate_link_by_alias(tmp_path: Path, resolver: Resolver) -> None:
    links = LINK_HEADER + GOOD_LINK + link(frm="Gallium", to="company:acme-optics")
    e = fails(write_dir(tmp_path, links=links), resolver)
    assert e.row == 3
    assert e.reason == ("duplicate link mineral:gallium -[INPUT_TO]-> company:acme-optics "
                        f"(first in {tmp_path / LINKS} line 2)")


def test_self_loop(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(frm="Acme", typ="SUPPLIES")),
              resolver)
    assert (e.row, e.column) == (2, "to")
    assert e.reason == "self-loop: from and to are both 'company:acme-optics'"


def test_unknown_node_suggests(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(to="company:acme-optcs")), resolver)
    assert (e.row, e.column) == (2, "to")
    assert e.reason.startswith("unknown node 'company:acme-optcs'; did you mean "
                               "'company:acme-optics'")


def test_unknown_type_suggests(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(typ="SUPPLY")), resolver)
    assert (e.row, e.column, e.reason) == (2, "type", "unknown type 'SUPPLY'; did you mean "
                                                      "'SUPPLIES'?")


def test_bad_as_of(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(as_of="last year")), resolver)
    assert (e.row, e.column) == (2, "as_of")


def test_estimated_without_rationale(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(write_dir(tmp_path, links=LINK_HEADER + link(why="")), resolver)
    assert (e.row, e.column) == (2, "rationale")


def test_error_after_a_multiline_field_names_the_right_line(tmp_path: Path,
                                                            resolver: Resolver) -> None:
    links = (LINK_HEADER + link(why='"made of\ngallium\narsenide"')
             + link(frm="mineral:indium", w="2", lo="", hi="", conf="reported"))
    e = fails(write_dir(tmp_path, links=links), resolver)
    assert (e.row, e.column) == (5, "weight")  # the second record starts on line 5


def test_missing_folder(tmp_path: Path, resolver: Resolver) -> None:
    e = fails(tmp_path / "nope", resolver)
    assert str(e) == f"{tmp_path / 'nope'}: user data directory does not exist"


def test_folder_without_csv(tmp_path: Path, resolver: Resolver) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    e = fails(tmp_path, resolver)
    assert e.reason == "no *nodes*.csv or *links*.csv file in the user data directory"


# -- hostile but valid text: loaded verbatim ---------------------------------------------------
HOSTILE = [
    'Acme "Optics" Ltd',
    "Acme\nOptics",
    "'}) DETACH DELETE n //",
    "<script>alert(1)</script>",
    "Acme [/] [bold]Optics",
    "Ünïcødé 光学 \u202eevil",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_load_verbatim(tmp_path: Path, resolver: Resolver, name: str) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    nodes = NODE_HEADER + (f"company:acme-optics,company,{quoted},,network,Acme,"
                           f"{quoted},2025,reported,\n")
    links = LINK_HEADER + link(source=quoted, why=quoted)
    r = load(write_dir(tmp_path, nodes, links), resolver)
    node = r.graph.nodes["company:acme-optics"]
    assert node.name == name
    assert node.source.startswith(name + " (riskgraph curated, ")
    (e,) = r.graph.edges.values()
    assert e.rationale == name


def test_error_inside_a_multiline_record_names_its_first_line(tmp_path: Path,
                                                              resolver: Resolver) -> None:
    links = LINK_HEADER + link(w="2", lo="", hi="", conf="reported",
                               source='"ledger\nsecond line"')
    e = fails(write_dir(tmp_path, links=links), resolver)
    assert (e.row, e.column) == (2, "weight")  # the record spans lines 2-3


@pytest.mark.parametrize("sep", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_form_feed_and_unicode_line_separators_stay_inside_the_field(
        tmp_path: Path, resolver: Resolver, sep: str) -> None:
    # str.splitlines() breaks lines at these; a CSV reader must not (the row was cut in two)
    name = f"Acme{sep}Optics"
    nodes = NODE_HEADER + ACME.replace("Acme Optics", name)
    r = load(write_dir(tmp_path, nodes=nodes), resolver)
    assert r.graph.nodes["company:acme-optics"].name == name
