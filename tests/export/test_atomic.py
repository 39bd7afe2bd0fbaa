from __future__ import annotations

import os
from pathlib import Path

import pytest

from riskgraph.errors import ExportError
from riskgraph.export.atomic import atomic_open, write_many, write_text, write_with


def test_write_text_replaces_whole_file(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("old")
    write_text(p, "new ✓")
    assert p.read_text(encoding="utf-8") == "new ✓"
    assert [x.name for x in tmp_path.iterdir()] == ["out.txt"]


def test_failure_keeps_old_file_and_leaves_no_temporary(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(p) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["out.txt"]


def test_failure_of_new_file_leaves_nothing(tmp_path):
    def writer(tmp):
        tmp.write_text("half")
        raise ValueError("serializer failed")

    with pytest.raises(ValueError):
        write_with(tmp_path / "x.ttl", writer)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_export_error(tmp_path):
    with pytest.raises(ExportError, match="folder .*missing.* does not exist"):
        write_text(tmp_path / "missing" / "x.json", "{}")


def test_write_many_is_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a")

    def bad(fh):
        fh.write("x")
        raise KeyError("no")

    with pytest.raises(KeyError):
        write_many({a: lambda fh: fh.write("new a"), b: bad})
    assert a.read_text() == "old a"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.csv"]
    write_many({a: lambda fh: fh.write("new a"), b: lambda fh: fh.write("new b")})
    assert (a.read_text(), b.read_text()) == ("new a", "new b")


def test_unwritable_folder_is_export_error(tmp_path):
    import os

    if os.geteuid() == 0:  # root ignores permissions; use a path below a file instead
        f = tmp_path / "file"
        f.write_text("")
        with pytest.raises(ExportError):
            write_text(f / "x.json", "{}")
        return
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            write_text(tmp_path / "x.json", "{}")
    finally:
        tmp_path.chmod(0o700)


def test_symlink_is_replaced_not_followed(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert not link.is_symlink() and link.read_text() == "new"
    assert real.read_text() == "old"  # the file the link named is never touched
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "target.json")
    write_text(dangling, "made")
    assert not dangling.is_symlink() and dangling.read_text() == "made"
    assert not (tmp_path / "target.json").exists()


def test_special_file_is_written_through(tmp_path):
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert fifo.exists() and not fifo.is_file()  # still a FIFO
    write_text("/dev/null", "discarded")  # a device is written to, never replaced
    assert Path("/dev/null").is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_folder_target_is_an_error(tmp_path):
    with pytest.raises(ExportError, match="it is a folder"):
        write_text(tmp_path, "x")
