"""`riskgraph neo4j start|stop` as a new user meets it, on throw-away servers (own port and folder).

* ``stop`` returns only when the server process is gone: it used to print "Neo4j stopped" while
  the process still existed (exited, not yet reaped: ``ps``/``kill -0`` still found it).
* ``start`` from an installed wheel: the launcher files, the jars and the server's data go to
  the per-user folder ``$XDG_DATA_HOME/riskgraph/neo4j-local``; the package folder is not touched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def exists(pid: int) -> bool:
    """Any process with this pid, a zombie included (what `ps` and `kill -0` see)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill(pid: int | None) -> None:
    if pid is not None and exists(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _pid(home: Path) -> int | None:
    try:
        return int((home / "run" / "riskgraph-neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def test_stop_returns_only_when_the_process_is_gone(cli, tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    env = {"NEO4J_LOCAL_HOME": str(home), "NEO4J_URI": f"bolt://127.0.0.1:{port}",
           "NEO4J_PASSWORD": "stop-pass-1", "NEO4J_LOCAL_HEAP": "256m"}
    pid = None
    try:
        r = cli("neo4j", "start", "--timeout", "180", env=env)
        assert r.returncode == 0, r.stderr
        pid = _pid(home)
        assert pid is not None and exists(pid)
        r = cli("neo4j", "stop", env=env)
        # checked at once, before anything else could reap it
        gone = not exists(pid)
        state = ""
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert r.returncode == 0 and r.stdout.strip() == "Neo4j stopped", r.stderr
        assert gone, f"`neo4j stop` returned while pid {pid} still exists (state {state!r})"
        assert not port_open(port)
        assert not (home / "run" / "riskgraph-neo4j.pid").exists()
    finally:
        _kill(pid)


def _site(tmp: Path) -> Path:
    spec = importlib.util.spec_from_file_location("rg_packaging", REPO / "tests/test_packaging.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    wheel, _ = mod.build_wheel(tmp)
    site = tmp / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


def test_start_and_stop_from_an_installed_wheel(tmp_path: Path) -> None:
    site = _site(tmp_path)
    pkg = site / "riskgraph" / "neo4j_local"
    before = sorted(p.relative_to(pkg).as_posix() for p in pkg.rglob("*"))
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("NEO4J_LOCAL_HOME", "RISKGRAPH_NEO4J_LOCAL", "PYTHONPATH", "NEO4J_URI")}
    env.update({"PYTHONPATH": str(site), "XDG_DATA_HOME": str(tmp_path / "xdg"),
                "NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": "wheel-pass-1",
                "NEO4J_LOCAL_HEAP": "256m"})
    local = tmp_path / "xdg" / "riskgraph" / "neo4j-local"

    def rg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "riskgraph", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=1500)

    pid = None
    try:
        r = rg("neo4j", "start", "--timeout", "180")
        pid = _pid(local / "home")
        assert r.returncode == 0, r.stderr
        assert f"Neo4j is running (pid {pid}) at bolt://127.0.0.1:{port}" in r.stdout
        assert str(local / "home" / "logs" / "console.log") in r.stdout
        assert (local / "lib" / ".complete").is_file()
        assert len(list((local / "lib").glob("neo4j-*.jar"))) > 10
        r = rg("neo4j", "status")
        assert r.returncode == 0 and f"pid {pid}" in r.stdout
        r = rg("neo4j", "stop")
        assert r.returncode == 0 and r.stdout.strip() == "Neo4j stopped", r.stderr
        assert pid is not None and not exists(pid)
    finally:
        _kill(pid)
    # the package folder holds exactly what the wheel put there
    assert sorted(p.relative_to(pkg).as_posix() for p in pkg.rglob("*")
                  if "__pycache__" not in p.parts) == [b for b in before if "__pycache__" not in b]
