"""The README shows the real output of each command it lists (scripts/readme_examples.py writes
it), every listed command parses, and the example map's output is exactly what the CLI prints."""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from riskgraph.cli.app import app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _gen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("readme_examples",
                                                  REPO / "scripts" / "readme_examples.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GEN = _gen()


def bash_commands() -> list[str]:
    out, inside = [], False
    for line in README.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash"
            continue
        if inside and (c := GEN.command_of(line)):
            out.append(c)
    return out


def test_every_listed_command_has_its_real_output_in_the_readme() -> None:
    cmds = bash_commands()
    assert len(cmds) >= 30
    generated = "\n".join(README.split(GEN.BEGIN)[1:])
    missing = [c for c in cmds if f"$ {c}\n" not in generated]
    assert not missing, missing
    for block in README.split(GEN.BEGIN)[1:]:
        body = block.split(GEN.END)[0]
        assert "Traceback" not in body and "Error: " not in body, body[:2000]


@pytest.mark.parametrize("cmd", bash_commands())
def test_every_listed_command_parses(cmd: str) -> None:
    """The command exists and takes every option the README gives it (parsed, not run)."""
    args = shlex.split(cmd.split(" > ")[0])[1:]
    node = typer.main.get_command(app)
    while hasattr(node, "commands") and args and not args[0].startswith("-"):
        name, *args = args
        assert name in node.commands, f"{cmd}: no command {name!r}"
        node = node.commands[name]
    opts = {o for p in node.params for o in (*getattr(p, "opts", []),
                                            *getattr(p, "secondary_opts", []))}
    for a in args:
        if a.startswith("-") and not a[1:2].isdigit():
            assert a.split("=", 1)[0] in opts, f"{cmd}: unknown option {a}"


def test_the_example_block_shows_exactly_what_the_cli_prints(tmp_path: Path,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The example map is shipped and fictional: its README output must match byte for byte."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "110")
    runner = CliRunner()
    cmd = "riskgraph bulk-shock my-map company:example-gallium-refinery --pct 50"
    assert cmd in bash_commands()
    assert runner.invoke(app, ["example", "my-map"]).exit_code == 0
    r = runner.invoke(app, shlex.split(cmd)[1:])
    assert r.exit_code == 0, r.stderr
    shown = README.split(f"$ {cmd}\n", 1)[1].split("\n\n$ ", 1)[0].split("\n```", 1)[0]
    want = "\n".join(line for line in GEN.trim(r.stdout).splitlines()
                     if "load " not in line)  # timings differ from run to run
    got = "\n".join(line for line in shown.splitlines() if "load " not in line)
    assert got == want


def test_a_skipped_neo4j_block_keeps_its_earlier_output() -> None:
    """Without ``--neo4j`` the Neo4j block is not run, and the output an earlier ``--neo4j`` run
    wrote stays as it was (it used to be deleted)."""

    class NoRun:
        neo4j = False
        failures: list[str] = []

        def run(self, cmd: str) -> str:
            raise AssertionError(f"ran {cmd!r}")

    block = "\n".join([GEN.BEGIN, "<details><summary>Real output</summary>", "",
                       "```console", "$ riskgraph neo4j start\nstarted", "```", "</details>",
                       GEN.END])
    text = f"# x\n\n```bash\nriskgraph neo4j start\n```\n\n{block}\n\nafter\n"
    assert GEN.render(text, NoRun()) == text
