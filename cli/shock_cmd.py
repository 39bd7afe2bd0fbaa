"""``riskgraph shock`` (the main job) and ``riskgraph paths``.

Heavy libraries (numpy, scipy, rich, pyvis) are imported inside the commands.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from riskgraph.cli.common import (
    DataDirOpt,
    Direction,
    FormatOpt,
    OutputFormat,
    console,
    csv_out,
    echo,
    echo_data,
    err,
    handle_errors,
    print_json,
)

if TYPE_CHECKING:
    from riskgraph.graph.model import GraphData


class Model(StrEnum):
    iim = "iim"
    debtrank = "debtrank"


class Backend(StrEnum):
    embedded = "embedded"
    neo4j = "neo4j"


def load(backend: Backend, data_dir: list[Path] | None) -> GraphData:
    """The graph from the embedded store (cached build) or from Neo4j (NEO4J_* env)."""
    if backend == Backend.neo4j:
        try:
            from riskgraph.graph.neo4j.store import read_graph
        except ImportError as e:
            from riskgraph.errors import RiskgraphError

            raise RiskgraphError(f"the Neo4j backend is not available: {e}") from None
        return read_graph()
    from riskgraph.ingest.build import load_graph

    return load_graph(data_dir or None)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x >= 0.001 else f"{100 * x:.3f}%"


def _absolute(ab: dict[str, Any] | None) -> str:
    if not ab:
        return ""
    v, unit = ab["value"], ab["unit"]
    per = ""
    for long, short in ((" per year", "/yr"), (" per quarter", "/qtr")):
        if unit.endswith(long):
            unit, per = unit[: -len(long)], short
    if unit == "kg" and v >= 1000:
        v, unit = v / 1000, "t"
    period = f" ({ab['period']})" if ab.get("period") else ""
    num = f"{v:,.0f}" if v >= 10 else f"{v:,.2f}"
    return f"{num} {unit}{per}{period}"


def _one_line_path(text: str, keep: int = 2) -> str:
    """The main path on one line: start, ``…``, the last ``keep`` hops (full path in JSON)."""
    parts = text.split(" -> ")
    if len(parts) <= keep + 2:
        return text
    return " -> ".join([parts[0], "…", *parts[-keep:]])


def render_table(result: dict[str, Any]) -> None:
    """Rich table: rank, layer, node, shortfall %, absolute figure, main path; layer summary."""
    from rich.table import Table

    from riskgraph.engine.result import main_path_text, names_of

    sh = result["shock"]
    where = f" of {sh['country']}'s output" if sh["country"] else ""
    title = (f"Shock: {sh['target']} -{sh['pct']:g}%{where} "
             f"({sh['model']}, {sh['direction']}); {result['affected']} nodes affected")
    mc = result.get("monte_carlo")
    t = Table(title=title, title_justify="left")
    for col in ("#", "layer", "node", "shortfall"):
        t.add_column(col, justify="right" if col in ("#", "shortfall") else "left",
                     no_wrap=True, overflow="ellipsis",
                     min_width={"#": 2, "layer": 9, "shortfall": 9}.get(col),
                     max_width=28 if col == "node" else None)
    if mc:
        t.add_column("p5-p95", justify="right")
    t.add_column("absolute (per period)", justify="right", no_wrap=True, min_width=26)
    t.add_column("main path (full: --format json)", no_wrap=True,
                 overflow="ellipsis", max_width=40)
    names = names_of(result)
    for n in result["nodes"]:
        row = [str(n["rank"]), n["layer"], n["name"], _pct(n["shortfall"])]
        if mc:
            m = n["monte_carlo"]
            row.append(f"{_pct(m['p5'])}-{_pct(m['p95'])}")
        row += [_absolute(n["absolute"]), _one_line_path(main_path_text(n, names))]
        t.add_row(*row)
    # markup=False: node names are user text; '[bold]' in a name must print as written.
    out = console(width=max(console().width, 140), soft_wrap=False)  # escapes control chars
    out.print(t)
    lt = Table(title="Per layer", title_justify="left")
    for col in ("layer", "affected", "max", "mean", "most affected"):
        lt.add_column(col)
    for lay in result["layers"]:
        lt.add_row(lay["layer"], str(lay["affected"]), _pct(lay["max_shortfall"]),
                   _pct(lay["mean_shortfall"]), lay["top_node_name"])
    out.print(lt)
    if mc:
        out.print(f"Monte Carlo: {mc['samples']} samples, seed {mc['seed']}, "
                  f"{mc['sampled_arcs']} uncertain edges drawn ({mc['distribution']}).")
    if result["overrides"]:
        sets = ", ".join(f"{o['key']}{'[' + o['target'] + ']' if o['target'] else ''}="
                         f"{o['value']:g}" for o in result["overrides"])
        out.print(f"Overrides: {sets}")


def shock(
    target: Annotated[str, typer.Argument(
        help="What fails: a mineral, input, company, country (name, alias, German name, "
             "symbol or id) or a layer: minerals, inputs, chips, clouds, labs.")],
    pct: Annotated[float | None, typer.Option(
        "--pct", help="Size of the cut in percent, in (0, 100].")] = None,
    country: Annotated[str | None, typer.Option(
        "--country", help="Cut only this country's output of TARGET (pct x its share).")] = None,
    direction: Annotated[Direction, typer.Option(
        "--direction", help="downstream: supply shock to customers; upstream: demand cut "
                            "to suppliers (by sales shares).")] = Direction.downstream,
    model: Annotated[Model, typer.Option(
        "--model", help="iim: capped supply-side inoperability IIM; debtrank: DebtRank.")
    ] = Model.iim,
    top: Annotated[int, typer.Option("--top", help="How many nodes to list.")] = 20,
    fmt: FormatOpt = OutputFormat.table,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write a pyvis HTML view of the affected subgraph to FILE.")] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override an assumption for this run: default_weight=0.5, "
                      "substitutability=0.2, buffer=0.1, buffer[NODE]=0.3, weight[FROM>TO]=0.4, "
                      "substitutability[FROM>TO]=0.5 (repeatable).")] = None,
    samples: Annotated[int, typer.Option(
        "--samples", help="Monte Carlo draws of the uncertain weights (0 = none).")] = 0,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the Monte Carlo draws (default 0).")] = None,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="Where the graph comes from: embedded (no server) or neo4j "
                          "(NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD).")] = Backend.embedded,
    data_dir: DataDirOpt = None,
    usd: Annotated[float | None, typer.Option(
        "--usd", help="With a capex:COMPANY target and --direction upstream: the cut of the "
                      "company's capex in US dollars, e.g. 10e9 (instead of --pct).")] = None,
) -> None:
    """Cut TARGET's output by --pct and show which inputs, chips, clouds and labs lose how much.

    Upstream runs also give revenue at risk in US dollars per company (engine/money.py).
    """
    with handle_errors():
        from riskgraph.engine.defaults import parse_set
        from riskgraph.errors import UsageError

        if usd is None and pct is None:  # issue 12: --usd replaces --pct for capex targets
            raise UsageError("--pct is required (or --usd N with a capex:COMPANY target)")
        if usd is not None and pct is not None:
            raise UsageError("give --pct or --usd, not both")
        if pct is not None and not 0 < pct <= 100:
            raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
        for s in set_ or []:
            parse_set(s)  # syntax errors before the graph loads
        if seed is not None and samples == 0:
            raise UsageError("--seed needs --samples N")
        if html is not None:  # before the run: not into a data folder, not through a link
            from riskgraph.export.atomic import check_folder
            from riskgraph.ingest.build import input_folders

            check_folder(html, inputs=input_folders(data_dir))
        graph = load(backend, data_dir)
        from riskgraph.engine.shock import run_shock

        result = run_shock(
            graph, target, pct or 0.0, country=country, direction=direction.value,
            model=model.value, top=top, sets=set_ or [], samples=samples, seed=seed,
            backend=backend.value, usd=usd,
        )
        if html is not None:
            try:
                from riskgraph.views.html import write_shock_html
            except ImportError as e:
                from riskgraph.errors import RiskgraphError

                raise RiskgraphError(f"the HTML view is not available: {e}") from None
            drawn = write_shock_html(result, graph, html)
            err(f"Wrote {html} ({drawn} nodes)")
        if fmt == OutputFormat.json:
            print_json(result)
        elif fmt == OutputFormat.csv:
            from riskgraph.engine.result import to_csv

            echo_data(to_csv(result), nl=False)
        else:
            render_table(result)
            from riskgraph.cli.exposure_cmd import render_money

            render_money(result, top=top)


def paths(
    src: Annotated[str, typer.Argument(help="Supplier (name, alias or id), e.g. gallium.")],
    dst: Annotated[str, typer.Argument(help="Customer (name, alias or id), e.g. OpenAI.")],
    top: Annotated[int, typer.Option("--top", help="How many paths to list.")] = 10,
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path considered.")] = 12,
    fmt: FormatOpt = OutputFormat.table,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="embedded or neo4j.")] = Backend.embedded,
    data_dir: DataDirOpt = None,
) -> None:
    """List the dependency paths from SRC to DST with each hop's weight and source."""
    with handle_errors():
        from riskgraph.errors import UsageError

        if top < 1 or max_hops < 1:
            raise UsageError("--top and --max-hops must be at least 1")
        graph = load(backend, data_dir)
        from riskgraph.engine.paths import dependency_paths

        res = dependency_paths(graph, src, dst, k=top, max_hops=max_hops)
        if fmt == OutputFormat.json:
            print_json(res)
            return
        if fmt == OutputFormat.csv:
            import csv
            import sys

            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(["path", "dependency", "hop", "src", "dst", "type", "weight",
                        "weight_used", "substitutability", "buffer", "factor", "input",
                        "dependency_kind", "transmission", "confidence", "source"])
            for k, p in enumerate(res["paths"], 1):
                for h_i, h in enumerate(p["hops"], 1):
                    w.writerow([k, f"{p['dependency']:.6g}", h_i, csv_out(h["src"]),
                                csv_out(h["dst"]), csv_out(h["type"]),
                                "" if h["weight"] is None else h["weight"],
                                f"{h['weight_used']:.6g}", f"{h['substitutability']:.6g}",
                                f"{h['buffer']:.6g}", f"{h['factor']:.6g}",
                                csv_out(h["input"]), h["dependency"],
                                f"{h['transmission']:.6g}", csv_out(h["confidence"]),
                                csv_out(h["source"])])
            return
        from rich.table import Table

        names = {n.id: n.name for n in graph.nodes.values()}
        head = f"{names[res['from']]} -> {names[res['to']]}"
        if res["reversed"]:
            head = (f"{names[res['from']]} does not supply {names[res['to']]}; "
                    f"paths {names[res['to']]} -> {names[res['from']]}")
        if not res["paths"]:
            echo(f"No supply path between {names[res['from']]} and {names[res['to']]}.")
            return
        t = Table(title=f"Dependency paths: {head}  (factor = weight x (1 - subst.) x "
                        "(1 - buffer); the product of a path's factors is its dependency)",
                  title_justify="left")
        for col, just in (("#", "right"), ("hop", "left"), ("input", "left"),
                          ("weight", "right"), ("subst.", "right"), ("buffer", "right"),
                          ("factor", "right"), ("product", "right"), ("conf.", "left"),
                          ("source", "left")):
            t.add_column(col, justify="right" if just == "right" else "left",
                         overflow="fold" if col == "source" else "ellipsis",
                         max_width=34 if col == "source" else None)
        for k, p in enumerate(res["paths"], 1):
            running = 1.0
            for h_i, h in enumerate(p["hops"]):
                running *= h["factor"]
                wt = f"{h['weight_used']:.3g}" + ("" if h["weight"] is not None else " (default)")
                t.add_row(str(k) if h_i == 0 else "",
                          f"{names[h['src']]} -[{h['type']}]-> {names[h['dst']]}",
                          h["input"] if h["input"] == h["dependency"]
                          else f"{h['input']} ({h['dependency']})", wt,
                          f"{h['substitutability']:.3g}", f"{h['buffer']:.3g}",
                          f"{h['factor']:.4g}", _pct(running), h["confidence"], h["source"])
            t.add_row("", f"= dependency {_pct(p['dependency'])}", "", "", "", "", "",
                      _pct(p["dependency"]), "", "", end_section=True)
        console(width=max(console().width, 160)).print(t)


def register(app: typer.Typer) -> None:
    """Add ``shock`` and ``paths`` to ``app``."""
    app.command("shock")(shock)
    app.command("paths")(paths)
