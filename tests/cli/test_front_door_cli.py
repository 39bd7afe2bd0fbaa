"""What a new user tripped over on the command line (issue 16): one test per point.

`-f` for `--format` everywhere; plain, uncut output when not on a wide terminal; supplier counts
by supplier; honest override help; the Monte Carlo table; the shock table.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from typer.testing import CliRunner

from riskgraph.cli.app import app

runner = CliRunner()


def _commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        if hasattr(cmd, "commands"):  # a group (typer's own click)
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            out.append((prefix, cmd))

    walk("", root)
    return out


# -- 8. -f for --format on every command -----------------------------------------------------------
def test_every_format_option_has_the_short_f() -> None:
    with_format = []
    for name, cmd in _commands():
        for p in cmd.params:
            if "--format" in getattr(p, "opts", []):
                with_format.append(name)
                assert "-f" in p.opts, f"riskgraph {name}: --format without -f"
    assert {"shock", "paths", "show", "data", "query"} <= set(with_format)


def test_shock_and_paths_take_f_json() -> None:
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["schema"] == "riskgraph.shock/2"
    r = runner.invoke(app, ["paths", "gallium", "OpenAI", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    assert isinstance(json.loads(r.stdout), dict | list)


# -- 9. show counts suppliers by supplier --------------------------------------------------------
def test_show_counts_suppliers_not_records() -> None:
    r = runner.invoke(app, ["show", "Ga", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    info = json.loads(r.stdout)
    peers = {s["id"] for s in info["suppliers"]}
    assert len(info["suppliers"]) > len(peers)  # USGS: a record per country, release and year
    assert info["supplier_count"] == len(peers)
    r = runner.invoke(app, ["show", "Ga"])
    assert r.exit_code == 0, r.stderr
    assert f"Suppliers ({len(peers)};" in r.stdout
    assert f"Suppliers ({len(info['suppliers'])})" not in r.stdout
    china = [line for line in r.stdout.splitlines() if line.lstrip("│ ").startswith("China")]
    assert len(china) == 1, china  # one row per supplier, not China five times


# -- 4. concentration: unknown production is unknown ---------------------------------------------
def test_show_says_hhi_unknown_when_production_is_unknown() -> None:
    r = runner.invoke(app, ["show", "dimension stone", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["hhi"] and all(h["hhi"] is None and h["coverage"] is None for h in info["hhi"])
    assert "hhi" not in info["props"] and "hhi_coverage" not in info["props"]
    r = runner.invoke(app, ["show", "dimension stone"])
    assert r.exit_code == 0, r.stderr
    assert "10000" not in r.stdout and "10,000 " not in r.stdout.replace("0-10,000", "")
    assert "HHI unknown" in r.stdout
    r = runner.invoke(app, ["show", "gallium", "-f", "json"])
    ga = json.loads(r.stdout)["hhi"]
    assert any(h["hhi"] and h["hhi"] > 9000 and 0.9 < h["coverage"] <= 1.05 for h in ga)


# -- 5. honest override help ---------------------------------------------------------------------
def test_a_model_wide_default_says_which_arcs_it_reaches_and_star_sets_all() -> None:
    """`--set substitutability=0.3` (a README example) changed almost nothing, silently: it only
    reaches edges without their own value.  The Overrides line says so; KEY[*]=V sets all."""
    import numpy as np

    from riskgraph.engine.compile import compile_graph
    from riskgraph.engine.shock import run_shock
    from riskgraph.ingest.build import load_graph

    g = load_graph([])
    cg = compile_graph(g)
    own = int((~np.isnan(cg.subst)).sum())
    assert 0 < own < cg.m
    r = run_shock(g, "gallium", 50, sets=["substitutability=0.3"])
    reach = r["overrides"][0]["reaches"]
    assert (reach["count"], reach["of"]) == (cg.m - own, cg.m)
    every = run_shock(g, "gallium", 50, sets=["substitutability[*]=0.3"])
    assert every["overrides"][0]["reaches"]["count"] == cg.m

    def labs(res: dict) -> float:
        return next(x["max_shortfall"] for x in res["layers"] if x["layer"] == "labs")

    assert labs(every) < 0.7 * labs(r)  # [*] reaches the curated chain, the default does not
    out = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--set", "substitutability=0.3"])
    assert out.exit_code == 0, out.stderr
    line = " ".join(out.stdout.split("Overrides: ", 1)[1].split())
    assert line.startswith(f"substitutability=0.3 (the {cg.m - own:,} of {cg.m:,} supply arcs "
                           "without a substitutability of their own; substitutability[*]=V sets "
                           f"all {cg.m:,})")
    help_text = " ".join(runner.invoke(app, ["shock", "--help"]).stdout.split())
    assert "WITHOUT a value of their own" in help_text and "substitutability[*]=0.3" in help_text
    bad = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--set", "weight[*]=0.3"])
    assert bad.exit_code == 2 and "name an edge: weight[FROM>TO]=VALUE" in bad.stderr


def _row(out: str, name: str) -> list[str]:
    """The cells of the table row whose node cell is ``name``."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        # a long name wraps onto a second line: the row holds its first part
        if len(cells) > 3 and cells[0] and (cells[2] == name or (
                len(cells[2]) >= 12 and name.startswith(cells[2] + " "))):
            return cells
    raise AssertionError(f"no row for {name!r} in:\n{out}")


# -- 6. Monte Carlo: a median column, a note when the point estimate is off its band ------------
def test_samples_table_has_a_median_and_flags_a_point_estimate_outside_its_band() -> None:
    # the no-mitigation model (issue 13): only the weights are drawn, so a weight at the top of
    # its range puts the point estimate above every draw
    upper = ["--allocation", "proportional", "--no-supply-response"]
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--samples", "100", "--seed", "1",
                            "--top", "8", *upper])
    assert r.exit_code == 0, r.stderr
    header = next(line for line in r.stdout.splitlines() if "shortfall" in line and "#" in line)
    assert "median" in header and "p5-p95" in header
    res = json.loads(runner.invoke(app, ["shock", "gallium", "--pct", "50", "--samples", "100",
                                         "--seed", "1", "--top", "8", "-f", "json",
                                         *upper]).stdout)
    outside = [n for n in res["nodes"] if n["monte_carlo"]["p95"] < n["shortfall"] - 1e-9]
    assert outside  # GaAs: weight 1 at the top of its range 0.95-1: every draw is lower
    for n in outside:
        cells = _row(r.stdout, n["name"])
        assert cells[3].endswith("!"), cells
        assert cells[4] == f"{100 * n['monte_carlo']['median']:.1f}%"
    assert "! the point estimate lies outside its 5-95% band" in " ".join(r.stdout.split())


# -- 10. the shock table ------------------------------------------------------------------------
def test_shock_table_names_hidden_rows_explains_absolute_and_reaches_the_labs() -> None:
    full = json.loads(runner.invoke(app, ["shock", "gallium", "--pct", "50", "--top", "200",
                                          "-f", "json"]).stdout)
    affected = full["affected"]
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--top", "5"])
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert f"of {affected} affected nodes listed" in text
    assert f"more: --top {affected}" in text
    assert "absolute: what the shortfall means per period" in text
    # every affected layer is in the listing, down to the labs, though --top 5 stops earlier
    best_lab = max((n for n in full["nodes"] if n["layer"] == "labs"),
                   key=lambda n: (n["shortfall"], -n["rank"]))
    assert best_lab["rank"] > 5
    assert _row(r.stdout, best_lab["name"])[1] == "labs"
    # every layer in the per-layer table, the unaffected ones too
    for lay in ("countries", "minerals", "inputs", "chips", "clouds", "labs"):
        assert any(line.strip("│ ").startswith(lay) for line in r.stdout.splitlines()), lay


def test_owners_that_rent_out_no_compute_are_not_called_clouds() -> None:
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--top", "100"])
    assert r.exit_code == 0, r.stderr
    for name in ("xAI", "Meta", "High-Flyer"):
        assert _row(r.stdout, name)[1] == "owners", name
    for name in ("Microsoft", "Oracle", "CoreWeave"):
        assert _row(r.stdout, name)[1] == "clouds", name
    assert "owners: own AI accelerators in the clouds layer but rent none out" in " ".join(
        r.stdout.split())
    from riskgraph.ingest.build import load_graph

    g = load_graph([])
    for cid in ("company:xai", "company:meta", "company:high-flyer"):  # from the entity data
        assert "cloud" not in g.nodes[cid].roles and "compute" in g.nodes[cid].roles


def test_debtrank_says_why_it_differs_from_the_iim() -> None:
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50", "--model", "debtrank"])
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "Why DebtRank differs from the IIM" in text
    # its figures can exceed the cut, and the output says so
    assert "a node can lose more than the initial cut" in text
    r = runner.invoke(app, ["shock", "gallium", "--pct", "50"])
    assert "Why DebtRank differs" not in r.stdout


# -- 7. plain, uncut output when not on a wide terminal ------------------------------------------
def test_query_list_never_cuts_a_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from riskgraph.cypher import library

    names = [q.name for q in library.list_queries()]
    assert any(len(n) > 24 for n in names)  # accelerator-country-shares was cut to 22 + "…"
    for columns in (None, "60", "80"):  # a pipe, narrow terminals
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        r = runner.invoke(app, ["query", "--list"])
        assert r.exit_code == 0, r.stderr
        assert "…" not in r.stdout
        firsts = {line.strip("│ ").split(" ")[0] for line in r.stdout.splitlines()}
        for n in names:
            assert n in firsts, (columns, n)


def test_data_and_show_do_not_fold_sources_into_tall_tables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    r = runner.invoke(app, ["data"])
    assert r.exit_code == 0, r.stderr
    table = [line for line in r.stdout.splitlines() if line.startswith(("│", "┃", "┏", "└"))]
    assert len(table) <= 20  # one or two lines per source, not a column of folded titles
    assert all(len(line) <= 80 for line in table)
    doc = json.loads(runner.invoke(app, ["data", "-f", "json"]).stdout)
    for s in doc["sources"]:
        assert s["key"] in " ".join(r.stdout.split())
    r = runner.invoke(app, ["show", "Ga"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Suppliers (" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("└"))
    # one line per supplier (5) and the frame: the sources were folded into a column, ~9 lines
    # for each of 19 rows
    assert end - start <= 5 + 5, lines[start:end + 1]
    # a pipe: nothing wrapped, every source on one line
    monkeypatch.delenv("COLUMNS")
    r = runner.invoke(app, ["show", "Ga"])
    info = json.loads(runner.invoke(app, ["show", "Ga", "-f", "json"]).stdout)
    lines = r.stdout.splitlines()
    china = next(s for s in info["suppliers"] if s["name"] == "China" and s["default"])
    assert any(line.endswith(china["source"]) and line.startswith("[") for line in lines)
