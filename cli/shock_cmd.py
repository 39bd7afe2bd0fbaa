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


class Allocation(StrEnum):  # issue 13: how a scarce mineral is shared (engine/market.py)
    proportional = "proportional"
    priority = "priority"
    mixed = "mixed"


AllocationOpt = Annotated[Allocation | None, typer.Option(
    "--allocation", help="How a scarce mineral (with market data) is shared among its end "
                         "uses: proportional (all alike: the upper bound), priority (by "
                         "value per unit of mineral), mixed (theta x priority + rest "
                         "proportional; --set theta=0.3). Default: engine/defaults.toml "
                         "[market] (mixed).")]
class PurchaseBasis(StrEnum):  # issue 12: what purchases scale with (engine/money.py)
    revenue = "revenue"
    segment = "segment"


PurchaseBasisOpt = Annotated[PurchaseBasis | None, typer.Option(
    "--purchase-basis", help="Upstream money model: a company's AI-infrastructure purchases "
                             "fall in proportion to its total revenue (revenue: the lower "
                             "variant) or to its AI-relevant segment's revenue (segment: the "
                             "upper variant). Default: engine/defaults.toml [money] "
                             "(revenue).")]
SupplyResponseOpt = Annotated[bool | None, typer.Option(
    "--supply-response/--no-supply-response",
    help="Spare capacity, secondary supply, substitution and re-routing close part of a "
         "mineral's gap (default: on; off with --allocation proportional, today's rule and "
         "the no-mitigation upper bound, unless --supply-response is given).")]


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


# How the layer column names a node of the clouds layer that rents no compute out (entity role
# `compute`, or an Epoch AI aggregate of owners): it owns accelerators, it is not a cloud.
OWNER_LABEL = "owners"
ABSOLUTE_NOTE = (
    "absolute: what the shortfall means per period for the node itself: tonnes per year of "
    "world mine production for a mineral (USGS), H100e (compute in Nvidia-H100 equivalents) per "
    "quarter of accelerator deliveries for a chip family or an owner (Epoch AI; the quarter in "
    "brackets); blank where riskgraph has no volume for the node."
)
DEBTRANK_NOTE = (
    "Why DebtRank differs from the IIM: DebtRank adds the distress every supplier passes on "
    "(W = A*, linear) and each node passes its distress on once, with what it has when it first "
    "propagates; the IIM combines a node's requirements Leontief-style (its scarcest "
    "requirement sets the loss, only shares of one input add) and lets losses settle along every "
    "path. So DebtRank is higher where several requirements of a node are hit at once, lower "
    "where losses arrive along paths of different lengths or around cycles (docs/model.md). "
    "Read DebtRank as an additive upper benchmark, not an estimate: because complementary "
    "inputs add, a node can lose more than the initial cut."
)
MC_NOTE = (
    "! the point estimate lies outside its 5-95% band, ~ at its edge: its weights sit at the end "
    "of their ranges (a weight of 1 can only be drawn lower), so the draws (triangular between "
    "low and high, mode at the point estimate) move it one way; the median is the middle draw."
)


def _layer_label(n: dict[str, Any], roles: dict[str, list[str]] | None) -> str:
    layer = str(n["layer"])
    if layer == "clouds" and roles is not None and "cloud" not in roles.get(n["id"], ["cloud"]):
        return OWNER_LABEL
    return layer


def _band_mark(point: float, m: dict[str, float]) -> str:
    """``!`` outside the 5-95% band, ``~`` at its edge (within 2% of its width), else ``""``."""
    lo, hi = m["p5"], m["p95"]
    eps = 1e-9
    if point > hi + eps or point < lo - eps:
        return "!"
    width = hi - lo
    if width > 1e-6 and min(point - lo, hi - point) <= 0.02 * width:
        return "~"
    return ""


def _rows_to_list(result: dict[str, Any], top: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The first ``top`` nodes, plus the most affected node of each layer not among them."""
    nodes = result["nodes"]
    shown = nodes[:top]
    ids = {n["id"] for n in shown}
    layers_in = {n["layer"] for n in shown}
    extra: list[str] = []
    for lay in result.get("layers") or []:
        if lay["layer"] not in layers_in and lay["top_node"] not in ids:
            node = next((n for n in nodes if n["id"] == lay["top_node"]), None)
            if node is not None:
                shown = [*shown, node]
                ids.add(node["id"])
                extra.append(lay["layer"])
    return sorted(shown, key=lambda n: n["rank"]), extra


def _dynamic_of(result: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Node id -> its entry of the ``dynamic`` block (``None``: no dynamic run)."""
    blk = result.get("dynamic")
    if not blk:
        return None
    return {d["id"]: d for d in blk["nodes"]}


def _dynamic_columns(blk: dict[str, Any]) -> tuple[str, ...]:
    return (f"peak <={blk['horizon']} mo", "hit from", "back by")


def _dynamic_cells(d: dict[str, Any] | None, blk: dict[str, Any]) -> list[str]:
    """Peak within the horizon, the first month with a shortfall, the month it is back."""
    if d is None:
        return ["", "", ""]
    h = blk["horizon"]
    first = f"mo {d['first_month']}" if d["first_month"] is not None else f"> {h}"
    if blk["permanent"]:
        back = "-"
    elif d["back_by"] is not None:
        back = f"mo {d['back_by']}"
    else:
        back = "-" if d["first_month"] is None else f"> {h}"
    return ["0%" if d["peak"] == 0 else _pct(d["peak"]), first, back]


def _layer_dynamic(result: dict[str, Any], layer: str, dyn: dict[str, dict[str, Any]]
                   ) -> list[str]:
    """A layer's largest monthly shortfall within the horizon and its first month hit, over the
    listed nodes of the layer (the table lists them all)."""
    h = result["dynamic"]["horizon"]
    ds = [dyn[n["id"]] for n in result["nodes"] if n["layer"] == layer and n["id"] in dyn]
    if not ds:
        return ["", ""]
    peak = max(d["peak"] for d in ds)
    firsts = [d["first_month"] for d in ds if d["first_month"] is not None]
    return ["0%" if peak == 0 else _pct(peak), f"mo {min(firsts)}" if firsts else f"> {h}"]


def dynamic_note(blk: dict[str, Any]) -> str:
    """What the dynamic columns mean, with the run's settings."""
    cut = ("lasting the whole horizon" if blk["permanent"]
           else f"lasting {blk['duration']} month{'s' if blk['duration'] != 1 else ''}")
    own = blk["nodes_with_own_inventory"]
    return (
        f"dynamic (--horizon {blk['horizon']}, cut {cut}): one month per supply hop, stocks "
        f"first ({own} node{'s' if own != 1 else ''} with their own cover, "
        f"{blk['default_inventory_weeks']:g} weeks elsewhere; refill {blk['refill_rate']:g} of a "
        "month's flow once suppliers are whole). shortfall = the static long run; "
        f"peak <={blk['horizon']} mo = the largest monthly shortfall; hit from = the first month "
        f"short (> {blk['horizon']}: not within the horizon); back by = the first month without, "
        "after the cut ('-' while it lasts). Monthly paths: --format json, --html; static only: "
        "--horizon 0."
    )


def render_table(result: dict[str, Any], *, top: int | None = None,
                 roles: dict[str, list[str]] | None = None) -> None:
    """Rich table: rank, layer, node, shortfall %, absolute figure, main path; layer summary.

    ``result`` may list more nodes than are shown: the table shows the first ``top`` and the
    most affected node of every other affected layer, and says how many it leaves out.
    ``roles`` (node id -> entity roles) lets the layer column tell clouds from other owners.
    """
    from rich.table import Table

    from riskgraph.engine.result import main_path_text, names_of
    from riskgraph.graph import schema

    sh = result["shock"]
    where = f" of {sh['country']}'s output" if sh["country"] else ""
    ex = (result.get("market") or {}).get("exports_to")
    if ex:  # issue 13: an export control cuts trade, not production
        where = f" of {sh['country']}'s exports to {ex['destination']}"
    title = (f"Shock: {sh['target']} -{sh['pct']:g}%{where} "
             f"({sh['model']}, {sh['direction']}); {result['affected']} nodes affected")
    mc = result.get("monte_carlo")
    t = Table(title=title, title_justify="left")
    for col in ("#", "layer", "node", "shortfall"):
        # a long name wraps onto a second line; it is never cut
        t.add_column(col, justify="right" if col in ("#", "shortfall") else "left",
                     no_wrap=col != "node", overflow="fold",
                     min_width={"#": 2, "layer": 9, "node": 20, "shortfall": 10}.get(col),
                     max_width=32 if col == "node" else None)
    if mc:
        t.add_column("median", justify="right", no_wrap=True, min_width=6)
        t.add_column("p5-p95", justify="right", no_wrap=True, min_width=13)
    dyn = _dynamic_of(result)
    if dyn is not None:
        for col in _dynamic_columns(result["dynamic"]):
            t.add_column(col, justify="right", no_wrap=True)
    t.add_column("absolute (per period)", justify="right", no_wrap=True, min_width=26)
    t.add_column("main path (full: --format json)", no_wrap=True,
                 overflow="ellipsis", max_width=40)
    names = names_of(result)
    rows, extra = _rows_to_list(result, top if top is not None else len(result["nodes"]))
    marks = False
    for n in rows:
        mark = _band_mark(n["shortfall"], n["monte_carlo"]) if mc and n["monte_carlo"] else ""
        marks = marks or bool(mark)
        row = [str(n["rank"]), _layer_label(n, roles), n["name"], _pct(n["shortfall"]) + mark]
        if mc:
            m = n["monte_carlo"]
            row += [_pct(m["median"]), f"{_pct(m['p5'])}-{_pct(m['p95'])}"]
        if dyn is not None:
            row += _dynamic_cells(dyn.get(n["id"]), result["dynamic"])
        row += [_absolute(n["absolute"]), _one_line_path(main_path_text(n, names))]
        t.add_row(*row)
    # markup=False: node names are user text; '[bold]' in a name must print as written.
    out = console(width=max(console().width, 140 if dyn is None else 170),
                  soft_wrap=False)  # escapes control chars
    out.print(t)
    hidden = result["affected"] - len(rows)
    listed = f"{len(rows)} of {result['affected']} affected nodes listed"
    if extra:
        listed += f" (with the most affected of {', '.join(extra)})"
    if hidden > 0:
        listed += f"; {hidden} more: --top {result['affected']}"
    out.print(listed + ".")
    for line in market_caveat(result):  # issue 13: what the figure is (engine/market.py)
        out.print(line)
    if any(n["absolute"] for n in rows):
        out.print(ABSOLUTE_NOTE)
    if dyn is not None:
        out.print(dynamic_note(result["dynamic"]))
    if roles is not None and any(_layer_label(n, roles) == OWNER_LABEL for n in rows):
        out.print(f"{OWNER_LABEL}: own AI accelerators in the clouds layer but rent none out "
                  "(entity role 'compute', or an Epoch AI aggregate of owners); not clouds.")
    if mc and marks:
        out.print(MC_NOTE)
    lt = Table(title="Per layer", title_justify="left")
    dyn_cols = _dynamic_columns(result["dynamic"])[:2] if dyn is not None else ()
    for col in ("layer", "affected", "max", "mean", *dyn_cols, "most affected"):
        lt.add_column(col)
    by_layer = {lay["layer"]: lay for lay in result["layers"]}
    order = [*schema.LAYERS, *sorted(set(by_layer) - set(schema.LAYERS))]
    for name in order:  # every layer down to the labs, the unaffected ones too
        lay = by_layer.get(name)
        if lay is None:
            lt.add_row(name, "0", "-", "-", *("-" for _ in dyn_cols), "-")
        else:
            extra = _layer_dynamic(result, name, dyn) if dyn is not None else []
            lt.add_row(name, str(lay["affected"]), _pct(lay["max_shortfall"]),
                       _pct(lay["mean_shortfall"]), *extra, lay["top_node_name"])
    out.print(lt)
    if sh.get("model") == "debtrank":
        out.print(DEBTRANK_NOTE)
    if mc:
        out.print(f"Monte Carlo: {mc['samples']} samples, seed {mc['seed']}, "
                  f"{mc['sampled_arcs']} uncertain edges drawn ({mc['distribution']}).")
    if result["overrides"]:
        out.print("Overrides: " + "; ".join(_override_text(o) for o in result["overrides"]))


UPPER_BOUND = "no-mitigation upper bound: no reallocation, no supply response, no inventories"
UPPER_BOUND_DYNAMIC = ("shortfall: the no-mitigation upper bound of the long run (no reallocation, "
                       "no supply response); the monthly columns add inventories, lags and "
                       "installed bases")


def market_caveat(result: dict[str, Any]) -> list[str]:
    """One line saying what the figure is (allocation rule, supply response, or the upper
    bound), and the export-control arithmetic when there is one."""
    sh = result["shock"]
    if sh.get("direction") != "downstream" or sh.get("model") != "iim":
        return []
    mk = result.get("market")
    bound = UPPER_BOUND_DYNAMIC if result.get("dynamic") else UPPER_BOUND
    if not mk or (not mk["minerals"] and not mk.get("exports_to")):
        return [bound + "."]
    names = result.get("names") or {}
    names = {**names, **{n["id"]: n["name"] for n in result.get("nodes", [])}}
    rule = mk["allocation"] + (f" allocation theta={mk['theta']:g}" if mk["theta"] is not None
                               else " allocation")
    if mk["allocation"] == "proportional" and not mk["supply_response"]:
        lines = [bound + " (--allocation proportional --no-supply-response)."]
    else:
        resp = "after supply response" if mk["supply_response"] else "without supply response"
        lines = [f"long-run shortfall {resp}, {rule}; upper bound without either: "
                 "--allocation proportional --no-supply-response."]
    for m in mk["minerals"]:
        r = m["response"]
        price = m.get("price")
        lines.append(
            f"{m['name']}: cut {_pct(m['cut'])}, supply response {_pct(r['total'])} (spare "
            f"capacity {_pct(r['spare_capacity'])}, secondary {_pct(r['secondary_supply'])}), "
            f"net shortfall {_pct(m['net_shortfall'])}"
            + (f"; indicative price x{price['ratio']:.2g} (x{price['ratio_low']:.2g}"
               f"-x{price['ratio_high']:.2g})" if price else "")
            + " (--format json: market).")
    ex = mk.get("exports_to")
    if ex:
        b = ex["import_share_basis"]
        code = ex["destination"].split(":", 1)[-1]
        who = ex["country"].split(":", 1)[-1]
        lines.append(
            f"export control: {who}'s exports to {code} cut {_pct(ex['cut'])} (world supply "
            f"not cut): {code} consumption {ex['consumption_t']:g} t x net import reliance "
            f"{ex['import_reliance_text']} x {who}'s share of {code} imports "
            f"{_pct(ex['import_share'])} (by value, {b['year']}; by weight "
            f"{_pct(b['by_weight'])}) = {ex['lost_t']:.3g} t lost, {ex['rerouted_t']:.3g} t "
            f"re-routed, net shortfall {_pct(ex['shortfall'])} of {code} consumption; only "
            f"products made in {code} are hit.")
        if b.get("hs_note"):
            lines.append(b["hs_note"] + ".")
        unknown = [names.get(p["node"], p["node"]) for p in ex.get("products", [])
                   if str(p.get("basis", "")).startswith("no providers")]
        if unknown:
            lines.append(f"where riskgraph knows no provider, all of the product is assumed "
                         f"made in {code} (an upper bound): {', '.join(unknown)}.")
    return lines


def _override_text(o: dict[str, Any]) -> str:
    """``substitutability=0.3 (the 2,100 of 2,264 supply arcs without their own value; ...)``."""
    text = f"{o['key']}{'[' + o['target'] + ']' if o['target'] else ''}={o['value']:g}"
    reach = o.get("reaches")
    if isinstance(reach, dict):
        text += f" ({reach['text']})"
    return text


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
        "--set", help="Override an assumption for this run (repeatable). A model-wide "
                      "default (default_weight=0.5, substitutability=0.2, buffer=0.1) reaches "
                      "only the edges or nodes WITHOUT a value of their own (the Overrides line "
                      "says how many); KEY[*]=V sets all of them: substitutability[*]=0.3, "
                      "buffer[*]=0.5. One edge or node: weight[FROM>TO]=0.4, "
                      "substitutability[FROM>TO]=0.5, buffer[NODE]=0.3.")] = None,
    samples: Annotated[int, typer.Option(
        "--samples", help="Monte Carlo draws of the uncertain weights (0 = none).")] = 0,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the Monte Carlo draws (default 0).")] = None,
    backend: Annotated[Backend, typer.Option(
        "--backend", help="Where the graph comes from: embedded (no server) or neo4j "
                          "(NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD).")] = Backend.embedded,
    data_dir: DataDirOpt = None,
    allocation: AllocationOpt = None,
    supply_response: SupplyResponseOpt = None,
    exports_to: Annotated[str | None, typer.Option(
        "--exports-to", help="With --country and a mineral: cut that country's exports to this "
                             "destination (e.g. US) instead of its production.",
        metavar="COUNTRY")] = None,
    usd: Annotated[float | None, typer.Option(
        "--usd", help="With a capex:COMPANY target and --direction upstream: the cut of the "
                      "company's capex in US dollars, e.g. 10e9 (instead of --pct).")] = None,
    horizon: Annotated[int | None, typer.Option(
        "--horizon", help="Months of the dynamic model (inventories, one month per hop, "
                          "recovery); 0 = the static answer only. Default: engine/defaults.toml "
                          "[dynamic] horizon (12).", metavar="MONTHS")] = None,
    duration: Annotated[int | None, typer.Option(
        "--duration", help="Months the cut lasts in the dynamic model (default: the whole "
                           "horizon); after it, recovery.", metavar="MONTHS")] = None,
    year: Annotated[int | None, typer.Option(
        "--year", help="Upstream: calendar year of the money model's flows and revenue "
                       "(default: the latest year with complete data).")] = None,
    purchase_basis: PurchaseBasisOpt = None,
) -> None:
    """Cut TARGET's output by --pct and show which inputs, chips, clouds and labs lose how much.

    Upstream runs also give revenue at risk in US dollars per company (engine/money.py).
    """
    with handle_errors():
        from riskgraph.engine.defaults import parse_set
        from riskgraph.engine.money import check_pct_or_usd
        from riskgraph.errors import UsageError

        check_pct_or_usd(pct, usd)  # issue 12: --usd replaces --pct for capex targets
        if pct is not None and not 0 < pct <= 100:
            raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
        for s in set_ or []:
            parse_set(s)  # syntax errors before the graph loads
        if seed is not None and samples == 0:
            raise UsageError("--seed needs --samples N")
        from riskgraph.engine.dynamic import check as check_dynamic

        check_dynamic(horizon, duration, model=model.value, direction=direction.value)
        if exports_to is not None and country is None:
            raise UsageError("--exports-to needs --country (the exporting country, e.g. "
                             "--country CN --exports-to US)")
        if exports_to is not None and (direction != Direction.downstream or
                                       model != Model.iim):
            raise UsageError("--exports-to works with the downstream iim model only")
        if html is not None:  # before the run: not into a data folder, not through a link
            from riskgraph.export.atomic import check_folder
            from riskgraph.ingest.build import input_folders

            check_folder(html, inputs=input_folders(data_dir))
        graph = load(backend, data_dir)
        from riskgraph.engine.shock import run_shock

        def run(n: int) -> dict[str, Any]:
            return run_shock(
                graph, target, pct or 0.0, country=country, direction=direction.value,
                model=model.value, top=n, sets=set_ or [], samples=samples, seed=seed,
                allocation=None if allocation is None else allocation.value,
                supply_response=supply_response, exports_to=exports_to,
                backend=backend.value, usd=usd, horizon=horizon, duration=duration,
                money_year=year,
                purchase_basis=None if purchase_basis is None else purchase_basis.value,
            )

        if top < 1:
            raise UsageError(f"--top must be at least 1, got {top}")
        # The table and the HTML view pick their rows from every affected node (each layer's
        # most affected one, true colours); JSON and CSV list exactly --top.
        everything = max(1, len(graph))
        full = run(everything) if fmt is OutputFormat.table or html is not None else None
        result = full if fmt is OutputFormat.table and full is not None else run(top)
        if html is not None:
            try:
                from riskgraph.views.html import write_shock_html
            except ImportError as e:
                from riskgraph.errors import RiskgraphError

                raise RiskgraphError(f"the HTML view is not available: {e}") from None
            drawn = write_shock_html(full or result, graph, html, top=top)
            err(f"Wrote {html} ({drawn} nodes)")
        if fmt == OutputFormat.json:
            print_json(result)
        elif fmt == OutputFormat.csv:
            from riskgraph.engine.result import to_csv

            echo_data(to_csv(result), nl=False)
        else:
            render_table(result, top=top,
                         roles={n["id"]: graph.nodes[n["id"]].roles for n in result["nodes"]
                                if n["id"] in graph.nodes})
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
