"""Issue 10, items 1, 7 and 8: the graph cache cannot run code, cannot be forged by another
user, is keyed by content, and a bad cache file costs one warning line, never a traceback.

The cache folder of each test is private to it (``RISKGRAPH_CACHE``), so nothing here touches
the user's own cache.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli.app import app
from riskgraph.ingest import build as b

from .conftest import write_dir

runner = CliRunner()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("RISKGRAPH_CACHE", str(folder))
    return folder


class _Exploit:
    """Unpickling this runs a shell command (what a planted cache file did on main)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _plant_everywhere(cache: Path, payload: bytes, fp: str) -> None:
    """The same bytes under every name a riskgraph version reads its cache from."""
    cache.mkdir(mode=0o700, exist_ok=True)
    for name in (f"graph-{fp}.pickle", f"graph-{fp}.json"):
        (cache / name).write_bytes(payload)


def test_a_planted_pickle_never_runs(cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    _plant_everywhere(cache, pickle.dumps({"graph": _Exploit(marker), "sources": []}),
                      b._fingerprint([]))
    got = b.load_build()
    assert not marker.exists(), "unpickling the cache file ran a shell command"
    assert len(got.graph) > 500 and not got.from_cache


def test_the_cache_is_json_of_plain_data(cache: Path) -> None:
    b.load_build()
    (f,) = [p for p in cache.iterdir() if p.name.startswith("graph-")]
    assert f.suffix == ".json"
    doc = json.loads(f.read_text(encoding="utf-8"))
    assert doc["format"] == b.CACHE_SCHEMA == f"riskgraph.cache/{b.CACHE_FORMAT}"
    assert {"graph", "sources", "fingerprint", "parts"} <= set(doc)
    assert oct(f.stat().st_mode & 0o777) == "0o600"
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


def _forged(fp: str) -> bytes:
    """A well-formed cache whose gallium is called something else: a forged figure."""
    real = b.build()
    doc = {"format": b.CACHE_SCHEMA, "fingerprint": fp, "graph": real.graph.to_dict(),
           "sources": [s.to_dict() for s in real.sources],
           "parts": [b._part_to_dict(k, f, real.graph) for k, f in real.parts]}
    for n in doc["graph"]["nodes"]:
        if n["id"] == "mineral:gallium":
            n["name"] = "FORGED"
    return json.dumps(doc).encode()


def test_a_cache_file_writable_by_others_is_not_trusted(cache: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    fp = b._fingerprint([])
    cache.mkdir(mode=0o700)
    f = cache / f"graph-{fp}.json"
    f.write_bytes(_forged(fp))
    f.chmod(0o666)
    got = b.load_build()
    assert got.graph.nodes["mineral:gallium"].name == "Gallium"
    err = capsys.readouterr().err
    assert err == (f"Warning: ignoring the graph cache {f}: the file is writable by other users "
                   "(mode 666); rebuilding it\n")


def test_a_cache_file_of_another_user_is_not_trusted(cache: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    fp = b._fingerprint([])
    cache.mkdir(mode=0o700)
    f = cache / f"graph-{fp}.json"
    f.write_bytes(_forged(fp))
    f.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(f, 65534, 65534)
        want = "the file belongs to another user (uid 65534)"
    else:  # an unprivileged run cannot give a file away; a group-writable one is as bad
        f.chmod(0o620)
        want = "the file is writable by other users (mode 620)"
    got = b.load_build()
    assert got.graph.nodes["mineral:gallium"].name == "Gallium"
    err = capsys.readouterr().err
    assert err == f"Warning: ignoring the graph cache {f}: {want}; rebuilding it\n"


def test_a_world_writable_cache_folder_is_not_used(cache: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fp = b._fingerprint([])
    cache.mkdir()
    cache.chmod(0o1777)  # like /tmp: anyone may drop a file in
    f = cache / f"graph-{fp}.json"
    f.write_bytes(_forged(fp))
    f.chmod(0o600)
    got = b.load_build()
    assert got.graph.nodes["mineral:gallium"].name == "Gallium"
    assert capsys.readouterr().err == (
        f"Warning: not using the graph cache in {cache}: the folder is writable by other users "
        "(mode 1777)\n")


def test_a_symlinked_cache_file_is_not_followed(cache: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    fp = b._fingerprint([])
    cache.mkdir(mode=0o700)
    elsewhere = tmp_path / "forged.json"
    elsewhere.write_bytes(_forged(fp))
    elsewhere.chmod(0o600)
    (cache / f"graph-{fp}.json").symlink_to(elsewhere)
    got = b.load_build()
    assert got.graph.nodes["mineral:gallium"].name == "Gallium"
    err = capsys.readouterr().err
    assert err.startswith(f"Warning: ignoring the graph cache {cache / f'graph-{fp}.json'}: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("payload, reason", [
    (b"\x80\x04not json at all", "not a riskgraph cache file (UnicodeDecodeError)"),
    (b"[1, 2, 3]", "not a SCHEMA document"),
    (b'{"format": "SCHEMA", "fingerprint": "FP", "graph": 1, "sources": []}',
     "malformed (TypeError: 'int' object is not subscriptable)"),
    (b'{"format": "SCHEMA", "fingerprint": "FP", "graph": {"nodes": [{}], '
     b'"edges": []}, "sources": []}', "malformed (KeyError: 'id')"),
    (b'{"format": "SCHEMA", "fingerprint": "other", "graph": {}, "sources": []}',
     "its fingerprint does not match its inputs"),
])
def test_a_bad_cache_is_rebuilt_with_one_warning(cache: Path, payload: bytes, reason: str) -> None:
    fp = b._fingerprint([])
    cache.mkdir(mode=0o700)
    f = cache / f"graph-{fp}.json"
    f.write_bytes(payload.replace(b'"FP"', json.dumps(fp).encode())
                  .replace(b"SCHEMA", b.CACHE_SCHEMA.encode()))
    reason = reason.replace("SCHEMA", b.CACHE_SCHEMA)
    f.chmod(0o600)
    r = runner.invoke(app, ["data", "--format", "json"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert r.exit_code == 0
    assert r.stderr == f"Warning: ignoring the graph cache {f}: {reason}; rebuilding it\n"
    assert json.loads(r.stdout)["graph"]["nodes"] > 500
    again = runner.invoke(app, ["data", "--format", "json"])  # the rebuild replaced the bad file
    assert again.exit_code == 0 and again.stderr == ""
    assert b.load_build().from_cache


def test_a_pickle_of_the_wrong_shape_is_harmless(cache: Path) -> None:
    fp = b._fingerprint([])
    _plant_everywhere(cache, pickle.dumps({"graph": 42, "sources": None}), fp)
    r = runner.invoke(app, ["show", "gallium", "--format", "json"])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["id"] == "mineral:gallium"


def test_an_edit_keeping_size_and_mtime_rebuilds(cache: Path, tmp_path: Path) -> None:
    d = write_dir(tmp_path / "mine")
    links = d / "acme_links.csv"
    text = links.read_text(encoding="utf-8")
    assert ",0.9,0.8,1," in text
    first = b.load_build([d])
    key = "mineral:gallium|INPUT_TO|company:acme-optics|user:mine"
    assert first.graph.edges[key].weight == 0.9
    st = links.stat()
    links.write_text(text.replace(",0.9,0.8,1,", ",0.8,0.8,1,"), encoding="utf-8")
    os.utime(links, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert links.stat().st_size == st.st_size and links.stat().st_mtime_ns == st.st_mtime_ns
    again = b.load_build([d])
    assert not again.from_cache
    assert again.graph.edges[key].weight == 0.8


def test_unrelated_files_in_a_data_folder_do_not_invalidate_the_cache(cache: Path,
                                                                    tmp_path: Path) -> None:
    d = write_dir(tmp_path / "mine")
    (d / "notes.txt").write_text("first", encoding="utf-8")
    (d / "sub").mkdir()
    (d / "sub" / "big_nodes.csv").write_text("not read by the loader", encoding="utf-8")
    assert not b.load_build([d]).from_cache
    (d / "notes.txt").write_text("second, longer", encoding="utf-8")
    (d / "sub" / "other.bin").write_bytes(b"\0" * 10)
    for i in range(2000):  # a folder full of unrelated files is not scanned file by file
        (d / f"scan-{i}.txt").touch()
    assert b.load_build([d]).from_cache
    assert b.user_data_files(d) == [d / "acme_links.csv", d / "acme_nodes.csv"]
