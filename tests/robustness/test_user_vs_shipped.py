"""Issue 10, item 4: user data may add and annotate, never silently change shipped facts.

* a user row repeating a shipped link (a USGS share) is an error, unless the row says
  ``override=yes``: then it replaces the shipped figure and every command says so on stderr;
* a user node with a built-in id is an error (it used to merge into the built-in node);
* a user node named like a built-in id, name, alias, symbol or code (``Ga``, ``Azure``, ``CN``,
  ``HBM``) is an error naming the built-in node (it used to capture ``shock``/``show`` lookups);
* the same link with other figures in two ``--data-dir`` folders is an error (an exact repeat is
  dropped).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.errors import IngestError
from riskgraph.ingest.build import build, load_build

from .conftest import ACME, LINK_HEADER, NODE_HEADER, write_dir

USGS_ROW = ("country:CN,mineral:gallium,PRODUCES,0.5,0.4,0.6,,,my own estimate,2026,estimated,"
            "a guess")


def _err(folder: Path | list[Path]) -> IngestError:
    with pytest.raises(IngestError) as ei:
        build(folder if isinstance(folder, list) else [folder])
    return ei.value


def test_repeating_a_usgs_link_is_an_error(tmp_path: Path) -> None:
    d = write_dir(tmp_path / "mine", links=LINK_HEADER + USGS_ROW + "\n")
    e = _err(d)
    assert (e.path, e.row, e.column) == (str(d / "acme_links.csv"), 2, "override")
    assert e.reason.startswith("link country:CN -[PRODUCES]-> mineral:gallium repeats a shipped "
                               "figure (")
    assert e.reason.endswith("user data may add links, not replace shipped ones: add "
                             "override=yes to this row to replace it")


def test_override_yes_replaces_the_figure_and_says_so(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    header = LINK_HEADER.rstrip("\n") + ",override\n"
    d = write_dir(tmp_path / "mine", links=header + USGS_ROW + ",yes\n")
    b = load_build([d], use_cache=False)
    cn = [e for e in b.graph.edges.values()
          if (e.src, e.type, e.dst) == ("country:CN", "PRODUCES", "mineral:gallium")]
    assert [e.weight for e in cn] == [0.5]
    assert cn[0].source.startswith("my own estimate")
    err = capsys.readouterr().err
    assert err.startswith(f"Note: {d / 'acme_links.csv'} line 2 overrides the shipped figure of "
                          "country:CN -[PRODUCES]-> mineral:gallium (")
    assert err.count("\n") == 1
    assert b.to_dict()["overrides"] == [err[len("Note: "):].rstrip("\n")]


def test_override_takes_only_yes_or_no(tmp_path: Path) -> None:
    header = LINK_HEADER.rstrip("\n") + ",override\n"
    d = write_dir(tmp_path / "mine", links=header + USGS_ROW + ",maybe\n")
    e = _err(d)
    assert (e.row, e.column, e.reason) == (2, "override",
                                           "override must be yes or no (or empty), not 'maybe'")


def test_a_user_node_with_a_built_in_id_is_an_error(tmp_path: Path) -> None:
    nodes = NODE_HEADER + "company:tsmc,company,TSMC clone,,foundry,Fab,ledger,2025,reported,\n"
    d = write_dir(tmp_path / "mine", nodes=nodes, links=None)
    e = _err(d)
    assert (e.row, e.column) == (2, "id")
    assert e.reason.startswith("node id 'company:tsmc' is a built-in node (")
    assert e.reason.endswith("user data may link to it but not redefine it: delete this row and "
                             "use the id in your links")


@pytest.mark.parametrize("name, builtin", [
    ("Ga", "country:GA (Gabon), mineral:gallium"),
    ("Azure", "company:microsoft"),
    ("CN", "country:CN"),
    ("HBM", None),
])
def test_a_user_node_may_not_take_over_a_built_in_spelling(tmp_path: Path, name: str,
                                                           builtin: str | None) -> None:
    nodes = NODE_HEADER + f"company:my-supplier,company,{name},,network,,ledger,2025,reported,\n"
    d = write_dir(tmp_path / "mine", nodes=nodes, links=None)
    e = _err(d)
    assert (e.row, e.column) == (2, "name")
    assert e.reason.startswith(f"{name!r} already names the built-in node ")
    if builtin:
        assert e.reason.startswith(f"{name!r} already names the built-in node {builtin} (")
    assert e.reason.endswith("a user node may not take over a built-in name, alias, symbol or "
                             "code: choose another name")


def test_an_alias_taking_over_is_an_error_too(tmp_path: Path) -> None:
    nodes = NODE_HEADER + ("company:my-supplier,company,My Supplier,,network,Ga,ledger,2025,"
                           "reported,\n")
    e = _err(write_dir(tmp_path / "mine", nodes=nodes, links=None))
    assert (e.column, e.reason.split(" (")[0]) == (
        "aliases", "'Ga' already names the built-in node country:GA")


def test_conflicting_links_across_folders_are_an_error(tmp_path: Path) -> None:
    a = write_dir(tmp_path / "a")
    other = ("mineral:gallium,company:acme-optics,INPUT_TO,0.5,0.4,0.6,,0,another bill,2025,"
             "estimated,GaAs\n")
    b = write_dir(tmp_path / "b", nodes=None, links=LINK_HEADER + other)
    e = _err([a, b])
    assert (e.path, e.row) == (str(b / "acme_links.csv"), 2)
    assert e.reason == ("link mineral:gallium -[INPUT_TO]-> company:acme-optics conflicts with "
                        f"{a / 'acme_links.csv'} line 2 (another data folder gives other "
                        "figures); keep one of them")


def test_an_exact_repeat_in_a_second_folder_is_kept_once(tmp_path: Path) -> None:
    same_row = "mineral:gallium,company:acme-optics,INPUT_TO,0.9,0.8,1,,0,our bill of materials,"
    a_links = LINK_HEADER + same_row + "2025,estimated,GaAs\n"
    a = write_dir(tmp_path / "a", links=a_links)
    b = write_dir(tmp_path / "b", nodes=None, links=a_links)
    g = build([a, b]).graph
    same = [e for e in g.edges.values()
            if (e.src, e.type, e.dst) == ("mineral:gallium", "INPUT_TO", "company:acme-optics")]
    assert len(same) == 1


def test_adding_and_linking_to_built_ins_still_works(tmp_path: Path) -> None:
    links = LINK_HEADER + ("mineral:gallium,Acme,INPUT_TO,0.9,0.8,1,,0,bom,2025,estimated,GaAs\n"
                           "Acme,company:tsmc,SUPPLIES,0.1,0.05,0.2,,,ledger,2025,estimated,x\n")
    g = build([write_dir(tmp_path / "mine", NODE_HEADER + ACME, links)]).graph
    assert "company:acme-optics" in g.nodes
    assert g.nodes["company:tsmc"].name != "Acme Optics"
