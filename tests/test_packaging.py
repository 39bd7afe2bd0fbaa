"""The wheel: built without a single setuptools warning, and holding every run-time file.

A new user's ``make demo`` / ``pip install`` used to print ~400 lines of setuptools warnings
("Package 'riskgraph.cypher.sparql' is absent from the packages configuration", the same for the
``riskgraph.ingest.data.*`` folders).  This builds the wheel from a copy of the checkout, as
``pip wheel`` does for a user, and checks stderr and the wheel's contents.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from riskgraph._layout import SUBPACKAGES

REPO = Path(__file__).resolve().parent.parent


def copy_checkout(dest: Path) -> Path:
    """The checkout's files (tracked and new, not ignored) copied to ``dest``."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True,
        ).stdout.decode()
        files = [f for f in out.split("\0") if f and (REPO / f).is_file()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: the folder as it is
        files = [
            p.relative_to(REPO).as_posix() for p in REPO.rglob("*")
            if p.is_file() and not {".git", ".venv", "home", "lib", "build", "__pycache__"}
            & set(p.relative_to(REPO).parts)
        ]
    for f in files:
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / f, dest / f)
    return dest


def build_wheel(tmp: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``pip wheel --no-deps`` of a copy of the checkout: (the wheel, the pip run)."""
    src = copy_checkout(tmp / "src")
    out = tmp / "wheels"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
         "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("riskgraph-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], r


# Builds a wheel and a venv (pip, setuptools): part of `make test`, not of `make unit`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_builds_without_warnings(wheel) -> None:  # type: ignore[no-untyped-def]
    _, r = wheel
    text = r.stdout + r.stderr
    for bad in ("warning", "absent from", "deprecat", "!!"):
        assert bad not in text.lower(), text[:3000]
    assert r.stderr.strip() == "", r.stderr[:3000]


def test_wheel_holds_every_package_and_run_time_file(wheel) -> None:  # type: ignore[no-untyped-def]
    path, _ = wheel
    names = set(zipfile.ZipFile(path).namelist())
    # every subpackage of the layout map, as riskgraph.<sub>
    for sub in ["", *SUBPACKAGES]:
        init = "/".join(["riskgraph", *sub.split(".")]) if sub else "riskgraph"
        assert f"{init}/__init__.py" in names, init
    # every shipped data file, query and resource
    expected = {
        "riskgraph/ingest/data/" + p.relative_to(REPO / "ingest" / "data").as_posix()
        for p in (REPO / "ingest" / "data").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected |= {f"riskgraph/cypher/{p.name}" for p in (REPO / "cypher").glob("*.cypher")}
    expected |= {
        f"riskgraph/cypher/sparql/{p.name}" for p in (REPO / "cypher" / "sparql").glob("*.rq")
    }
    expected |= {
        "riskgraph/graph/ontology.ttl",
        "riskgraph/engine/defaults.toml",
        "riskgraph/engine/shock-schema.json",
        "riskgraph/neo4j_local/server.py",
        "riskgraph/neo4j_local/neo4j-local.sh",
        "riskgraph/neo4j_local/neo4j.conf.template",
        "riskgraph/neo4j_local/pom.xml",
    }
    assert len(expected) > 150
    missing = sorted(expected - names)
    assert not missing, missing[:20]
    # nothing of the developer's machine: no server files, jars, tests or caches
    for n in names:
        assert not n.startswith(("riskgraph/neo4j_local/home/", "riskgraph/neo4j_local/lib/")), n
        assert "__pycache__" not in n and not n.endswith((".pyc", ".jar")), n
        assert not n.startswith(("tests/", "benchmarks/", "docs/")), n
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "riskgraph = riskgraph.cli.app:main" in zipfile.ZipFile(path).read(meta).decode()


def test_make_setup_installs_without_a_line_on_stderr(tmp_path: Path) -> None:
    """`make demo` / `make setup`: the editable install, with the Makefile's own pip command."""
    import re

    recipe = (REPO / "Makefile").read_text()
    m = re.search(r"^\t\$\(BIN\)/pip install (?P<flags>[^\n]*?) -e '\.\[dev\]'(\s+#.*)?$",
                  recipe, re.M)
    assert m, "the Makefile's editable install line"
    flags = m.group("flags").split()
    src = copy_checkout(tmp_path / "src")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    up = subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], capture_output=True,
                        text=True, timeout=600)  # as the Makefile does: the newest pip
    assert up.returncode == 0, up.stderr
    r = subprocess.run([*pip, "install", *flags, "--no-deps", "-e", str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "", r.stderr[:3000]
    assert r.stdout.strip() == "", r.stdout[:3000]
