"""A write that fails half-way (disk full) leaves nothing half-written and says so clearly.

A full disk is simulated by a REAL kernel failure without mounting anything: the file-size
limit ``RLIMIT_FSIZE`` (with ``SIGXFSZ`` ignored, a write past the limit fails with EFBIG, as
``ENOSPC`` would on a full disk; root is not exempt, unlike read-only permissions).  It is set in
a child process only, so the test run itself is unaffected.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from riskgraph.errors import ExportError
from riskgraph.export import atomic

LIMIT = 64 * 1024
RISKGRAPH = str(Path(sys.executable).parent / "riskgraph")


def _limit_file_size() -> None:  # runs in the child between fork and exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_past_the_size_limit_raises_export_error_and_keeps_the_old_file(
        tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    target.write_text("old content\n")
    code = textwrap.dedent(f"""
        from riskgraph.export import atomic
        from riskgraph.errors import ExportError
        try:
            atomic.write_text({str(target)!r}, "x" * (4 * {LIMIT}))
        except ExportError as e:
            print("ExportError:", e)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       preexec_fn=_limit_file_size, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"ExportError: cannot write {target}: File too large"
    assert target.read_text() == "old content\n"
    assert _leftovers(tmp_path) == []


def test_cli_export_json_on_a_full_disk(tmp_path: Path) -> None:
    # warm the graph cache first, so the child only has to write the export
    env = dict(os.environ)
    warm = subprocess.run([RISKGRAPH, "data", "--format", "json"], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert warm.returncode == 0, warm.stderr
    target = tmp_path / "graph.json"
    target.write_text('{"old": true}\n')
    r = subprocess.run([RISKGRAPH, "export", "json", str(target)], capture_output=True,
                       text=True, env=env, preexec_fn=_limit_file_size, timeout=120,
                       check=False)
    assert r.returncode == 7, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert r.stderr == f"Error: cannot write {target}: File too large\n"
    assert json.loads(target.read_text()) == {"old": True}
    assert _leftovers(tmp_path) == []


def test_cli_export_csv_on_a_full_disk_writes_neither_file(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    r = subprocess.run([RISKGRAPH, "export", "csv", str(out)], capture_output=True, text=True,
                       preexec_fn=_limit_file_size, timeout=120, check=False)
    assert r.returncode == 7, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.startswith("Error: cannot write ")
    assert not (out / "nodes.csv").exists() and not (out / "edges.csv").exists()
    assert not out.exists() or _leftovers(out) == []


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as ei:
        atomic.write_text(tmp_path / "nope" / "x.json", "{}")
    assert str(ei.value) == (f"cannot write {tmp_path / 'nope' / 'x.json'}: folder "
                             f"{tmp_path / 'nope'} does not exist")


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ExportError):
        atomic.write_text(tmp_path / "file" / "x.json", "{}")
    assert (tmp_path / "file").read_text() == ""


def test_target_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "out.json").mkdir()
    with pytest.raises(ExportError) as ei:
        atomic.write_text(tmp_path / "out.json", "{}")
    assert str(ei.value).startswith(f"cannot write {tmp_path / 'out.json'}: ")
    assert (tmp_path / "out.json").is_dir() and _leftovers(tmp_path) == []


def test_writer_failing_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "g.graphml"
    target.write_text("old")

    def writer(p: Path) -> None:
        p.write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic.write_with(target, writer)
    assert target.read_text() == "old" and _leftovers(tmp_path) == []
