"""Where the local Neo4j launcher keeps its files: the checkout, or a per-user folder for a wheel.

From an installed wheel ``riskgraph neo4j start`` used to look for its script in site-packages
and then write 120 MB of jars and the server's data there.  Now the launcher files are copied to
``$XDG_DATA_HOME/riskgraph/neo4j-local`` and nothing is written into the package folder.  These
tests run the wheel's own code (unpacked, first on ``PYTHONPATH``) in a subprocess; the real
server start from a wheel is in tests/e2e/test_neo4j_launcher.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from riskgraph.neo4j_local import server

REPO = Path(__file__).resolve().parents[2]


def _packaging():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("rg_packaging", REPO / "tests/test_packaging.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, unpacked as pip would into site-packages."""
    tmp = tmp_path_factory.mktemp("wheel-site")
    wheel, _ = _packaging().build_wheel(tmp)
    out = tmp / "site"
    zipfile.ZipFile(wheel).extractall(out)
    return out


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if "__pycache__" not in p.parts
    }


def run_wheel(site: Path, tmp: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    full = {k: v for k, v in os.environ.items()
            if k not in ("NEO4J_LOCAL_HOME", "RISKGRAPH_NEO4J_LOCAL", "PYTHONPATH")}
    full.update({"PYTHONPATH": str(site), "XDG_DATA_HOME": str(tmp / "xdg"),
                 "HOME": str(tmp / "home")})
    full.update(env or {})
    return subprocess.run([sys.executable, *args], cwd=tmp, env=full, capture_output=True,
                          text=True, timeout=120)


def test_in_the_checkout_the_launcher_folder_is_docker_neo4j_local(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("RISKGRAPH_NEO4J_LOCAL", raising=False)
    assert server.launcher_dir() == REPO / "docker" / "neo4j-local"
    assert server.local_server("bolt://127.0.0.1:7999").script.is_file()


def test_from_a_wheel_the_launcher_goes_to_a_per_user_folder(site: Path, tmp_path: Path) -> None:
    code = (
        "from riskgraph.neo4j_local import server as s\n"
        "import riskgraph\n"
        "print(riskgraph.__file__)\n"
        "d = s.launcher_dir()\n"
        "print(d)\n"
        "s.install_launcher(d)\n"
    )
    r = run_wheel(site, tmp_path, "-c", code)
    assert r.returncode == 0, r.stderr
    pkg_file, local = r.stdout.split()
    assert pkg_file == str(site / "riskgraph" / "__init__.py")  # the wheel's code ran
    want = tmp_path / "xdg" / "riskgraph" / "neo4j-local"
    assert Path(local) == want
    for name in server.LAUNCHER_FILES:
        assert (want / name).read_bytes() == (site / "riskgraph/neo4j_local" / name).read_bytes()
    # a second run copies nothing (same time stamps: the jars are not fetched again) ...
    before = snapshot(want)
    r = run_wheel(site, tmp_path, "-c", code)
    assert r.returncode == 0, r.stderr
    assert snapshot(want) == before
    # ... but a package with a new pom.xml refreshes the copy
    pom = site / "riskgraph/neo4j_local/pom.xml"
    old = pom.read_bytes()
    try:
        pom.write_bytes(old.replace(b"</project>", b"<!-- new --></project>"))
        r = run_wheel(site, tmp_path, "-c", code)
        assert r.returncode == 0, r.stderr
        assert (want / "pom.xml").read_bytes() == pom.read_bytes()
    finally:
        pom.write_bytes(old)


def test_riskgraph_neo4j_local_keeps_its_own_edited_files(site: Path, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "neo4j.conf.template").write_text("# mine\n")
    code = "from riskgraph.neo4j_local import server as s\ns.install_launcher(s.launcher_dir())\n"
    r = run_wheel(site, tmp_path, "-c", code, env={"RISKGRAPH_NEO4J_LOCAL": str(own)})
    assert r.returncode == 0, r.stderr
    assert (own / "neo4j.conf.template").read_text() == "# mine\n"
    assert (own / "neo4j-local.sh").is_file() and (own / "pom.xml").is_file()
    assert not (tmp_path / "xdg").exists()


def test_start_from_a_wheel_without_java_is_one_clear_line_and_writes_nothing_in_the_package(
    site: Path, tmp_path: Path
) -> None:
    pkg = site / "riskgraph" / "neo4j_local"
    before = snapshot(pkg)
    empty = tmp_path / "bin"
    empty.mkdir()
    r = run_wheel(site, tmp_path, "-m", "riskgraph", "neo4j", "start",
                  "--uri", "bolt://127.0.0.1:7999", env={"PATH": str(empty)})
    assert r.returncode == 5, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "Java is not installed" in lines[0] and "apt-get install" in lines[0]
    assert "is missing" not in r.stderr
    assert snapshot(pkg) == before  # nothing written into site-packages
    assert (tmp_path / "xdg/riskgraph/neo4j-local/neo4j-local.sh").is_file()


def test_an_unwritable_launcher_folder_is_one_clear_line(site: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "xdg"
    blocker.write_text("a file where the folder should be\n")
    r = run_wheel(site, tmp_path, "-m", "riskgraph", "neo4j", "start",
                  "--uri", "bolt://127.0.0.1:7999")
    assert r.returncode == 5, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert "cannot write the Neo4j launcher folder" in lines[0]
    assert "RISKGRAPH_NEO4J_LOCAL" in lines[0]
