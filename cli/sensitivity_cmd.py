"""``riskgraph sensitivity``: which assumptions move one node's shortfall, and by how much.

Also the shock options shared by the analyst's commands (``sensitivity``, ``report``).  Heavy
libraries (numpy, scipy, plotly, rich) are imported inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from riskgraph.cli.common import (
    DataDirOpt,
    FormatOpt,
    OutputFormat,
    err,
    handle_errors,
    print_json,
)
from riskgraph.cli.shock_cmd import AllocationOpt, SupplyResponseOpt

if TYPE_CHECKING:
    from riskgraph.graph.model import GraphData

# -- shock options of the analyst's commands -----------------------------------------------------
TargetArg = Annotated[str, typer.Argument(
    help="What fails: a mineral, input, company, country (name, alias, symbol or id) or a layer.")]
PctOpt = Annotated[float, typer.Option("--pct", help="Size of the cut in percent, in (0, 100].")]
CountryOpt = Annotated[str | None, typer.Option(
    "--country", help="Cut only this country's output of TARGET (pct x its share).")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Override an assumption for this run (as in `riskgraph shock`): "
                  "default_weight=0.5, buffer[NODE]=0.3, weight[FROM>TO]=0.4 ... (repeatable).")]


def check_shock_options(pct: float, sets: list[str] | None) -> None:
    """Range of --pct and syntax of --set, before the graph loads."""
    from riskgraph.engine.defaults import parse_set
    from riskgraph.errors import UsageError

    if not 0 < pct <= 100:
        raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
    for s in sets or []:
        parse_set(s)


def load_graph(data_dir: list[Path] | None) -> GraphData:
    from riskgraph.ingest.build import load_graph as _load

    return _load(data_dir or None)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def render_table(res: dict[str, Any]) -> None:
    from rich.table import Table

    from riskgraph.cli.common import console as Console  # escapes control characters

    nd, sh = res["node"], res["shock"]
    where = f" of {sh['country']}'s output" if sh["country"] else ""
    title = (f"Sensitivity of {nd['name']} ({_pct(nd['shortfall'])} shortfall) to the assumptions"
             f" of: shock {sh['target']} -{sh['pct']:g}%{where}; {res['assumptions_nonzero']} of "
             f"{res['assumptions_total']} assumptions move it")
    t = Table(title=title, title_justify="left", show_lines=True)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("assumption, and the --set that changes it", min_width=60, overflow="fold")
    t.add_column("value (range)", justify="right", no_wrap=True)
    t.add_column("derivative", justify="right", no_wrap=True)
    t.add_column("low -> high", justify="right", no_wrap=True)
    t.add_column("source", max_width=30, overflow="fold")
    for a in res["assumptions"]:
        src = a["source"] if len(a["source"]) <= 60 else a["source"][:59] + "…"
        t.add_row(str(a["rank"]), f"{a['label']}\n--set '{a['set']}'",
                  f"{a['value']:.3g} ({a['low']:.3g}-{a['high']:.3g})",
                  f"{a['derivative']:+.4f}",
                  f"{_pct(a['shortfall_low'])} -> {_pct(a['shortfall_high'])}",
                  f"{src} [{a['confidence']}]")
    console = Console(width=max(Console().width, 140), markup=False)
    console.print(t)
    from riskgraph.cli.shock_cmd import market_caveat

    for line in market_caveat(res):
        console.print("Shortfall: " + line)
    ck = res.get("check")
    if ck:
        verdict = "agrees" if ck["agrees"] else "DISAGREES"
        console.print(f"Check: a finite difference of {ck['set_key']} over [{ck['from']:.6g}, "
                      f"{ck['to']:.6g}] gives {ck['finite_difference']:+.6f}; the adjoint "
                      f"{ck['derivative']:+.6f} ({verdict}).")
    var = res.get("variance")
    if var:
        vt = Table(title=f"Share of {nd['name']}'s Monte Carlo variance each uncertain weight "
                         f"explains ({var['samples']} draws, seed {var['seed']}; sd "
                         f"{_pct(var['shortfall_std'])}; noise floor {var['noise_floor']:.3f})",
                   title_justify="left")
        for col in ("weight", "range", "share"):
            vt.add_column(col, justify="right" if col != "weight" else "left")
        for v in var["weights"]:
            vt.add_row(v["label"] + (" (default_weight)" if v["default_weight"] else ""),
                       f"{v['low']:.3g}-{v['high']:.3g}", f"{100 * v['share']:.1f}%")
        console.print(vt)
    console.print("derivative: change of the shortfall (a fraction) per unit of the value "
                  "(exact, adjoint of the fixed point); low -> high: the shortfall re-solved at "
                  "the ends of the range (stated on the edge, in engine/defaults.toml or "
                  "engine/sensitivity.toml).")


def sensitivity(
    target: TargetArg,
    pct: PctOpt,
    node: Annotated[str, typer.Option(
        "--node", help="The node whose shortfall is explained (name, alias or id), e.g. OpenAI.")],
    country: CountryOpt = None,
    set_: SetOpt = None,
    top: Annotated[int, typer.Option("--top", help="How many assumptions to list.")] = 15,
    fmt: FormatOpt = OutputFormat.table,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write a tornado chart of the listed assumptions to FILE.")] = None,
    samples: Annotated[int, typer.Option(
        "--samples", help="Also rank the uncertain weights by the share of the node's Monte "
                          "Carlo variance each explains (N draws, as shock --samples).")] = 0,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the Monte Carlo draws (default 0).")] = None,
    allocation: AllocationOpt = None,
    supply_response: SupplyResponseOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Rank every assumption by its effect on NODE's shortfall under the shock: exact
    derivative (adjoint of the fixed point), swing over its range, the --set that changes it.
    The shortfall is the one `riskgraph shock` prints with the same options (shortage
    economics of the minerals included; the upper bound: --allocation proportional)."""
    with handle_errors():
        from riskgraph.errors import UsageError

        check_shock_options(pct, set_)
        if top < 1:
            raise UsageError(f"--top must be at least 1, got {top}")
        graph = load_graph(data_dir)
        from riskgraph.engine.sensitivity import run_sensitivity

        if seed is not None and samples == 0:
            raise UsageError("--seed needs --samples N")
        res = run_sensitivity(graph, target, pct, node=node, country=country, sets=set_ or [],
                              top=top, samples=samples, seed=seed,
                              allocation=None if allocation is None else allocation.value,
                              supply_response=supply_response)
        if html is not None:
            from riskgraph.views.report import write_tornado_page

            write_tornado_page(res, html)
            err(f"Wrote {html}")
        if fmt == OutputFormat.json:
            print_json(res)
        elif fmt == OutputFormat.csv:
            from riskgraph.cli.common import print_csv

            print_csv(["rank", "set_key", "kind", "label", "value", "low", "high", "derivative",
                       "shortfall_low", "shortfall_high", "swing", "set", "confidence",
                       "source"], res["assumptions"])
        else:
            render_table(res)


def register(app: typer.Typer) -> None:
    app.command("sensitivity")(sensitivity)
