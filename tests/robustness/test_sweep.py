"""Issue 10, item 7 and the sweep: every command of ``riskgraph --help`` with extreme and
malformed arguments and output failures ends with a non-zero exit code and ONE line on stderr
(``Error: ...``), never a traceback.

The commands run in process through :func:`riskgraph.cli.app.run` (what the ``riskgraph`` script
calls), so the sweep takes seconds; a few cases run as real processes too (output to a full disk
needs a real file descriptor).  No case touches the shared Neo4j server's data: Neo4j cases fail
on their arguments or point at a closed port.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskgraph.cli.app import app, run

from .conftest import write_dir

RISKGRAPH = str(Path(sys.executable).parent / "riskgraph")
HUGE = "99999999999999999999999"
CLOSED = "bolt://127.0.0.1:9"  # the discard port: nothing listens, the connect fails at once


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("sweep")
    good = write_dir(root / "good")
    empty = root / "empty"
    empty.mkdir()
    (root / "file.txt").write_text("x", encoding="utf-8")
    (root / "bad.json").write_text("{not json", encoding="utf-8")
    (root / "bad.cypher").write_text("MATCH (n) RETURN n LIMIT $", encoding="utf-8")
    (root / "bad.rq").write_text("SELECT WHERE {", encoding="utf-8")
    (root / "tiny.ttl").write_text("@prefix ex: <http://example.invalid/> .\nex:a ex:b ex:c .\n",
                                   encoding="utf-8")  # SPARQL cases: no slow conversion
    return {"good": str(good), "empty": str(empty), "file": str(root / "file.txt"),
            "missing": str(root / "missing"), "json": str(root / "bad.json"),
            "cypher": str(root / "bad.cypher"), "rq": str(root / "bad.rq"),
            "ttl": str(root / "tiny.ttl"), "root": str(root)}


# (arguments, expected exit code or None for "any non-zero"); {name} is a folder of `folders`
CASES: list[tuple[str, ...]] = [
    # data / show
    ("data", "--format", "xml"),
    ("data", "--data-dir", "{missing}"),
    ("data", "--data-dir", "{empty}"),
    ("data", "--data-dir", "{file}"),
    ("show",),
    ("show", ""),
    ("show", "\x00"),
    ("show", "x" * 100_000),
    ("show", "gallium", "--format", "yaml"),
    # shock
    ("shock", "gallium"),
    ("shock", "gallium", "--pct", "0"),
    ("shock", "gallium", "--pct", "-1"),
    ("shock", "gallium", "--pct", "1e400"),
    ("shock", "gallium", "--pct", "nan"),
    ("shock", "gallium", "--pct", "inf"),
    ("shock", "gallium", "--pct", "abc"),
    ("shock", "gallium", "--pct", "50", "--top", "0"),
    ("shock", "gallium", "--pct", "50", "--samples", "-1"),
    ("shock", "gallium", "--pct", "50", "--samples", "99999999999999"),
    ("shock", "gallium", "--pct", "50", "--samples", "2", "--seed", "-1"),
    ("shock", "gallium", "--pct", "50", "--seed", "1"),
    ("shock", "gallium", "--pct", "50", "--set", "nonsense"),
    ("shock", "gallium", "--pct", "50", "--set", "substitutability=2"),
    ("shock", "gallium", "--pct", "50", "--set", f"buffer={HUGE}"),
    ("shock", "gallium", "--pct", "50", "--set", "weight[x>y]=0.5"),
    ("shock", "gallium", "--pct", "50", "--country", "Atlantis"),
    ("shock", "gallium", "--pct", "50", "--model", "nope"),
    ("shock", "gallium", "--pct", "50", "--direction", "sideways"),
    ("shock", "gallium", "--pct", "50", "--html", "{missing}/x/shock.html"),
    ("shock", "gallium", "--pct", "50", "--html", "{root}"),
    ("shock", "unobtainium", "--pct", "50"),
    ("shock", "gallium", "--pct", "50", "--usd", "1e9"),
    ("shock", "gallium", "--pct", "50", "--backend", "neo4j"),
    # paths
    ("paths", "gallium"),
    ("paths", "gallium", "OpenAI", "--top", "0"),
    ("paths", "gallium", "OpenAI", "--max-hops", "-3"),
    ("paths", "gallium", "nowhere-corp"),
    # ingest (the embedded build; Neo4j on a closed port)
    ("ingest", "--batch-size", "0"),
    ("ingest", "--neo4j", "--uri", CLOSED),
    ("ingest", "--neo4j", "--uri", "http://example.invalid"),
    ("ingest", "--data-dir", "{missing}"),
    # query
    ("query",),
    ("query", "no-such-query"),
    ("query", "{missing}.cypher"),
    ("query", "{cypher}", "--uri", CLOSED),
    ("query", "labs-exposed-to-mineral", "--param", "mineral=mineral:gallium",
     "--param", f"hops={HUGE}"),
    ("query", "labs-exposed-to-mineral", "--param", "hops=abc"),
    ("query", "labs-exposed-to-mineral", "--param", "nonsense"),
    ("query", "labs-exposed-to-mineral", "--param", "mineral=mineral:gallium", "--uri", CLOSED),
    ("query", "--list", "--format", "xml"),
    # sparql
    ("sparql",),
    ("sparql", "no-such-query"),
    ("sparql", "{rq}", "--rdf", "{ttl}"),
    ("sparql", "{missing}.rq", "--rdf", "{ttl}"),
    ("sparql", "company-suppliers", "--param", "company", "--rdf", "{ttl}"),
    ("sparql", "company-suppliers", "--param", "company=company:microsoft", "--rdf",
     "{missing}.ttl"),
    ("sparql", "company-suppliers", "--param", "company=company:microsoft", "--rdf", "{json}"),
    # bulk-shock, example, exposure, sensitivity, report, compare
    ("bulk-shock", "{missing}", "mineral:m1", "--pct", "50"),
    ("bulk-shock", "{empty}", "mineral:m1", "--pct", "50"),
    ("bulk-shock", "{good}", "mineral:gallium", "--pct", "500"),
    ("bulk-shock", "{good}", "mineral:gallium", "--pct", "50", "--top", "0"),
    ("example", "{file}"),
    ("exposure", "nowhere-corp"),
    ("exposure", "company:nvidia", "--year", HUGE, "--format", "json"),
    ("sensitivity", "gallium", "--pct", "50", "--node", "nowhere-corp"),
    ("sensitivity", "gallium", "--pct", "0", "--node", "OpenAI"),
    ("sensitivity", "gallium", "--pct", "50", "--node", "OpenAI", "--top", "-1"),
    ("report", "gallium", "--pct", "50", "{missing}/r.html"),
    ("report", "gallium", "--pct", "50", "{root}/r.html", "--vs", "{json}"),
    ("report", "gallium", "--pct", "50", "{root}/r.html", "--samples", "-4"),
    ("compare", "{json}", "{json}"),
    ("compare", "{missing}.json", "{missing}.json"),
    # backtest (issue 13)
    ("backtest",),
    ("backtest", "galium"),
    ("backtest", "rare-earths-2010", "--list"),
    ("backtest", "--list", "--format", "csv"),
    ("backtest", "rare-earths-2010", "--samples", "-1"),
    ("backtest", "rare-earths-2010", "--seed", "1"),
    # neo4j (status only: never stop the shared server)
    ("neo4j", "status", "--uri", "bolt://8.8.8.8:7687"),
    ("neo4j", "status", "--uri", "not a uri"),
    # export
    ("export", "json", "{missing}/x/g.json"),
    ("export", "json", "{root}"),
    ("export", "csv", "{file}"),
    ("export", "rdf", "{root}/g.ttl", "--base", "not an iri"),
    ("export", "rdf", "{root}/g.ttl", "--format", "yaml"),
    ("export", "html", "{root}/g.html", "--layers", "nope"),
    ("export", "graphml", "{good}/g.graphml", "--data-dir", "{good}"),
    ("export", "nope", "x"),
    ("nope",),
    ("shock", "gallium", "--pct", "50", "--no-such-option"),
]


def _expand(args: tuple[str, ...], folders: dict[str, str]) -> list[str]:
    return [a.format(**folders) if "{" in a and "}" in a and "[" not in a else a for a in args]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:60])
def test_every_bad_argument_is_one_line(args: tuple[str, ...], folders: dict[str, str],
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", CLOSED)  # never the shared server
    monkeypatch.chdir(folders["root"])
    argv = _expand(args, folders)
    code = run(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert code != 0, f"exit 0 for {argv}: {out[:300]!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {err[:600]!r}"
    assert lines[0].startswith("Error: "), lines[0]


# Extreme but valid: a correct answer (exit 0) and no traceback.
VALID_EXTREMES: list[tuple[str, ...]] = [
    ("shock", "gallium", "--pct", "50", "--top", HUGE, "--format", "json"),
    ("shock", "gallium", "--pct", "1e-300", "--format", "json"),
    ("shock", "gallium", "--pct", "100", "--samples", "3", "--seed", HUGE, "--format", "json"),
    ("paths", "gallium", "OpenAI", "--max-hops", HUGE, "--top", HUGE, "--format", "json"),
    ("sparql", "company-suppliers", "--rdf", "{ttl}", "--format", "json"),
    ("example", "{root}/example-copy"),
    ("backtest", "rare-earths-2010", "--samples", "2", "--seed", HUGE, "--format", "json"),
]


@pytest.mark.parametrize("args", VALID_EXTREMES, ids=lambda a: " ".join(a)[:60])
def test_extreme_but_valid_arguments_answer(args: tuple[str, ...], folders: dict[str, str],
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", CLOSED)
    monkeypatch.chdir(folders["root"])
    code = run(_expand(args, folders))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code == 0, err
    assert out


def test_every_command_of_the_help_is_swept() -> None:
    import typer.main

    group = typer.main.get_command(app)
    names = set(group.commands)  # type: ignore[attr-defined]
    swept = {a[0] for a in CASES}
    assert names - swept == set(), f"commands without a sweep case: {sorted(names - swept)}"


@pytest.mark.parametrize("args", [
    ["data", "--format", "json"],
    ["show", "gallium"],
    ["shock", "gallium", "--pct", "50", "--format", "csv"],
    ["query", "--list"],
    ["sparql", "--list"],
])
def test_output_to_a_full_disk_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        r = subprocess.run([RISKGRAPH, *args], stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=120, check=False,
                           env=dict(os.environ, NEO4J_URI=CLOSED))
    assert r.returncode == 1
    assert r.stderr == "Error: cannot write the output: No space left on device\n"
