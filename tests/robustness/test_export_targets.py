"""Issue 10, items 2 and 3: an export never writes through a planted link into another file,
and never writes over (or into) the data folders the same command reads.

Policy (docs/exports.md, SECURITY.md): a link to a regular file, or a dangling link, is replaced
by the new file; the file it named is not opened.  A link to a special file is followed only when
every link on the way is the user's own or root's (``/dev/stdout``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.errors import ExportError
from riskgraph.export.atomic import check_folder, write_text
from riskgraph.ingest.base import DATA_DIR

from .conftest import write_dir

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError(f"uncaught {type(r.exception).__name__}: {r.exception}")
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Another user's file (given away to uid 65534 when the test runs as root)."""
    home = tmp_path / "victim"
    home.mkdir()
    f = home / "thesis.txt"
    f.write_text("years of work\n", encoding="utf-8")
    f.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(f, 65534, 65534)
    return f


def test_export_json_onto_a_planted_link_leaves_the_linked_file_alone(tmp_path: Path,
                                                                      victim: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    link = shared / "graph.json"
    link.symlink_to(victim)
    before = victim.stat()
    code, _, err = run("export", "json", str(link))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "years of work\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o640
    assert victim.stat().st_uid == before.st_uid
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("{")


def test_a_dangling_link_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "graph.graphml"
    link.symlink_to(elsewhere / "created-by-riskgraph.graphml")
    code, _, err = run("export", "graphml", str(link))
    assert code == 0, err
    assert list(elsewhere.iterdir()) == []
    assert not link.is_symlink() and link.stat().st_size > 1000


def test_csv_export_into_a_folder_of_planted_links(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "nodes.csv").symlink_to(victim)
    code, _, err = run("export", "csv", str(out))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "years of work\n"
    assert not (out / "nodes.csv").is_symlink()


def test_a_foreign_link_to_a_special_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "graph.json"
    link.symlink_to(fifo)
    if os.geteuid() == 0:
        os.lchown(link, 65534, 65534)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so a write-through cannot hang
        try:
            with pytest.raises(ExportError) as ei:
                write_text(link, "{}")
        finally:
            os.close(reader)
        assert str(ei.value) == (f"cannot write {link}: refusing to write through the symbolic "
                                 f"link {link} of another user (uid 65534)")
        with pytest.raises(ExportError):
            check_folder(link)
    else:  # cannot give a link away unprivileged: one's own link to a FIFO is written through
        import threading

        got: list[bytes] = []
        t = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
        t.start()
        write_text(link, "{}")
        t.join(10)
        assert got == [b"{}"]


def test_export_csv_into_its_own_data_folder_is_refused(tmp_path: Path) -> None:
    d = write_dir(tmp_path / "mine")
    (d / "nodes.csv").write_text("id,kind,name,layer,roles,aliases,source,as_of,confidence,"
                                 "rationale\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    code, out, err = run("export", "csv", str(d), "--data-dir", str(d))
    assert code == 7
    assert err == (f"Error: cannot write {d}: it is inside the data folder {d} that this command "
                   "reads; write the export elsewhere\n")
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


def test_export_csv_into_a_subfolder_of_the_data_folder_is_refused(tmp_path: Path,
                                                                   monkeypatch) -> None:
    d = write_dir(tmp_path / "mine")
    monkeypatch.setenv("RISKGRAPH_DATA", str(d))  # the data folder given by the environment
    code, _, err = run("export", "csv", str(d / "out"))
    assert code == 7
    assert err.startswith(f"Error: cannot write {d / 'out'}: it is inside the data folder {d} ")
    assert not (d / "out").exists()


@pytest.mark.parametrize("cmd", ["json", "rdf", "graphml", "html"])
def test_single_file_exports_over_input_data_are_refused(tmp_path: Path, cmd: str) -> None:
    d = write_dir(tmp_path / "mine")
    target = d / "acme_links.csv"
    before = target.read_bytes()
    code, _, err = run("export", cmd, str(target), "--data-dir", str(d))
    assert code == 7
    assert err == (f"Error: cannot write {target}: it is inside the data folder {d} that this "
                   "command reads; write the export elsewhere\n")
    assert target.read_bytes() == before


def test_the_shipped_data_folder_is_protected(tmp_path: Path) -> None:
    target = DATA_DIR / "curated" / "links.csv"
    before = target.read_bytes()
    code, _, err = run("export", "json", str(target))
    assert code == 7
    assert err == (f"Error: cannot write {target}: it is inside the data folder {DATA_DIR} that "
                   "this command reads; write the export elsewhere\n")
    assert target.read_bytes() == before


def test_a_link_into_the_data_folder_is_seen_through(tmp_path: Path) -> None:
    from riskgraph.export.atomic import refuse_inputs

    d = write_dir(tmp_path / "mine")
    alias = tmp_path / "alias"
    alias.symlink_to(d)
    with pytest.raises(ExportError, match="inside the data folder"):
        refuse_inputs(alias / "x.json", [d])
    refuse_inputs(tmp_path / "x.json", [d])  # beside it is fine


def test_shock_html_into_the_data_folder_is_refused(tmp_path: Path) -> None:
    d = write_dir(tmp_path / "mine")
    target = d / "view.html"
    code, out, err = run("shock", "gallium", "--pct", "50", "--html", str(target),
                         "--data-dir", str(d))
    assert code == 7
    assert err == (f"Error: cannot write {target}: it is inside the data folder {d} that this "
                   "command reads; write the export elsewhere\n")
    assert not target.exists() and out == ""
