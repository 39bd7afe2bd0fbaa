"""``riskgraph report`` (a client note as one offline HTML page, optionally PDF) and
``riskgraph compare`` (what changed between two saved shock results).

Heavy libraries (numpy, scipy, plotly) are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from riskgraph.cli.common import (
    DataDirOpt,
    Direction,
    FormatOpt,
    OutputFormat,
    err,
    handle_errors,
    print_json,
)
from riskgraph.cli.sensitivity_cmd import (
    CountryOpt,
    SetOpt,
    TargetArg,
    check_shock_options,
    load_graph,
)
from riskgraph.cli.shock_cmd import PurchaseBasisOpt


def report(
    target: TargetArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.",
                                         dir_okay=False)],
    pct: Annotated[float | None, typer.Option(
        "--pct", help="Size of the cut in percent, in (0, 100] (or --usd with a capex "
                      "target).")] = None,
    country: CountryOpt = None,
    set_: SetOpt = None,
    node: Annotated[str | None, typer.Option(
        "--node", help="Whose assumptions the tornado ranks (default: the most affected node "
                       "of the last layer reached, e.g. the top lab).")] = None,
    top: Annotated[int, typer.Option("--top", help="How many nodes to list.")] = 20,
    samples: Annotated[int, typer.Option(
        "--samples", help="Monte Carlo draws for the uncertainty bands (0 = none).")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")] = 0,
    vs: Annotated[Path | None, typer.Option(
        "--vs", help="A saved shock result (riskgraph shock ... --format json) to compare "
                     "this scenario with.", dir_okay=False)] = None,
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", help="Also print the report to this PDF (headless Chromium).",
        dir_okay=False)] = None,
    direction: Annotated[Direction, typer.Option(
        "--direction", help="downstream: a supply shock (who loses supply); upstream: a "
                            "demand shock (buyers spend less: whose revenue is at risk, in "
                            "USD).", case_sensitive=False)] = Direction.downstream,
    year: Annotated[int | None, typer.Option(
        "--year", help="Upstream only: calendar year of the AI spend flows and revenue "
                       "(default: the latest year with complete data).")] = None,
    purchase_basis: PurchaseBasisOpt = None,
    usd: Annotated[float | None, typer.Option(
        "--usd", help="With a capex:COMPANY target and --direction upstream: the cut of the "
                      "company's capex in US dollars, e.g. 10e9 (instead of --pct).")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Write a self-contained HTML report of a shock: summary, charts, paths, assumptions
    (with --direction upstream: revenue at risk in US dollars)."""
    with handle_errors():
        from riskgraph.engine.money import check_pct_or_usd
        from riskgraph.errors import UsageError

        check_pct_or_usd(pct, usd)
        check_shock_options(100.0 if pct is None else pct, set_)
        if top < 1 or samples < 0:
            raise UsageError("--top must be at least 1 and --samples at least 0")
        saved = None
        if vs is not None:
            from riskgraph.engine.compare import load_result

            saved = load_result(vs)
        graph = load_graph(data_dir)
        from riskgraph.views.report import build_report_data, print_pdf, write_report

        data = build_report_data(graph, target, pct or 0.0, country=country, sets=set_ or [],
                                 samples=samples, seed=seed, node=node, top=top, vs=saved,
                                 direction=direction.value, money_year=year,
                                 purchase_basis=None if purchase_basis is None
                                 else purchase_basis.value, usd=usd)
        write_report(data, output, graph)
        err(f"Wrote {output}")
        if pdf is not None:
            print_pdf(output, pdf)
            err(f"Wrote {pdf}")


def _pp(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def compare(
    a: Annotated[Path, typer.Argument(help="Scenario A: a saved shock result (JSON).",
                                      dir_okay=False)],
    b: Annotated[Path, typer.Argument(help="Scenario B: a saved shock result (JSON).",
                                      dir_okay=False)],
    top: Annotated[int, typer.Option("--top", help="How many nodes to list.")] = 25,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """What changed from scenario A to scenario B, per node and per layer.

    Save the scenarios with `riskgraph shock ... --format json > A.json`.
    """
    with handle_errors():
        from riskgraph.engine.compare import compare_results, load_result

        res = compare_results(load_result(a), load_result(b))
        if fmt == OutputFormat.json:
            print_json(res)
            return
        if fmt == OutputFormat.csv:
            from riskgraph.cli.common import print_csv

            print_csv(["id", "name", "layer", "a", "b", "delta", "change", "rank_a", "rank_b",
                       "main_path_changed"], res["nodes"])
            return
        from rich.table import Table

        from riskgraph.cli.common import console as Console  # escapes control characters

        c = Console(width=max(Console().width, 120), markup=False)
        c.print(f"A: {res['a']['scenario']}")
        c.print(f"B: {res['b']['scenario']}")
        t = Table(title=f"Per node (largest changes first; {res['counts']['up']} up, "
                        f"{res['counts']['down']} down, {res['counts']['unchanged']} unchanged"
                        f", {res['counts']['not comparable']} not comparable)",
                  title_justify="left")
        for col in ("node", "layer", "A", "B", "B - A", "main path"):
            t.add_column(col, justify="right" if col in ("A", "B", "B - A") else "left")
        for r in res["nodes"][:top]:
            d = "n/a" if r["delta"] is None else f"{100 * r['delta']:+.2f} pt"
            t.add_row(r["name"], r["layer"], _pp(r["a"]), _pp(r["b"]), d,
                      "changed" if r["main_path_changed"] else "")
        c.print(t)
        lt = Table(title="Per layer", title_justify="left")
        for col in ("layer", "affected A -> B", "largest A -> B", "most affected A",
                    "most affected B"):
            lt.add_column(col)
        for x in res["layers"]:
            lt.add_row(x["layer"], f"{x['affected_a']} -> {x['affected_b']}",
                       f"{_pp(x['max_a'])} -> {_pp(x['max_b'])}", x["top_a"], x["top_b"])
        c.print(lt)
        if len(res["nodes"]) > top:
            c.print(f"{len(res['nodes']) - top} more nodes (--top, or --format json).")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("compare")(compare)
