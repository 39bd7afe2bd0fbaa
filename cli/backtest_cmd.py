"""``riskgraph backtest``: documented historical shocks, model vs observed side by side.

Heavy libraries (numpy, rich) are imported inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from riskgraph.cli.common import DataDirOpt, echo, handle_errors, print_json

WIDTHS = {"observation": 34, "source": 48, "unit": 18, "verdict": 44}


class BacktestFormat(StrEnum):
    table = "table"
    json = "json"


def _fig(x: float | None, unit: str) -> str:
    if x is None:
        return "-"
    if unit.startswith("shortfall"):
        return f"{100 * x:.1f}%"
    return f"{x:.3g}"


def _range(lo: float | None, hi: float | None, unit: str) -> str:
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None and abs(lo - hi) < 1e-12:
        return ""
    a = "" if lo is None else _fig(lo, unit)
    b = "" if hi is None else _fig(hi, unit)
    if lo is None:
        return f"(<= {b})"
    if hi is None:
        return f"(>= {a})"
    return f"({a}-{b})"


def render_list(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    from riskgraph.cli.common import console

    t = Table(title="Backtests (riskgraph backtest NAME)", title_justify="left")
    for col in ("name", "title", "period", "sources", "runs", "observations"):
        t.add_column(col, justify="right" if col in ("sources", "runs", "observations")
                     else "left", overflow="fold")
    for r in rows:
        t.add_row(r["name"], r["title"], f"{r['period'][0]}..{r['period'][1]}",
                  str(r["sources"]), str(r["runs"]), str(r["observations"]))
    console(width=max(console().width, 140)).print(t)


def render_backtest(res: dict[str, Any]) -> None:
    from rich.table import Table

    from riskgraph.cli.common import console

    out = console(width=max(console().width, 160))
    ev = res["event"]
    out.print(f"Backtest {ev['name']}: {ev['title']} ({ev['period'][0]}..{ev['period'][1]}; "
              f"{ev['sources']} sources, {ev['file']})")
    out.print(ev["summary"])
    st = Table(title="The shock as it happened", title_justify="left")
    for col in ("target", "whose", "kind", "months", "size", "source"):
        st.add_column(col, overflow="fold", max_width=60 if col == "source" else None)
    for s in ev["shocks"]:
        size = f"{s['pct']:g}%" + ("" if s["pct_low"] == s["pct_high"]
                                   else f" ({s['pct_low']:g}-{s['pct_high']:g}%)")
        whose = (s["country"] or "world") + (f" -> {s['exports_to']}" if s["exports_to"] else "")
        st.add_row(s["target"], whose, s["kind"], f"{s['start']}..{s['end'] or 'in force'}",
                   size, s["source"])
    out.print(st)
    for r in res["runs"]:
        head = f"Run {r['name']}: {r['command']}"
        if r["status"] != "ran":
            out.print(f"{head}\n  not run: {r['why_not_run']}")
            continue
        judged = [c for c in r["comparisons"] if c["kind"] != "shock_input"]
        if not judged:
            most = ", ".join(f"{n['name']} {100 * n['shortfall']:.1f}%" for n in r["top"])
            out.print(f"{head}\n  no observation judges this run (no outcome documented); "
                      f"static shortfalls: {most or 'none'}")
            continue
        t = Table(title=head, title_justify="left", show_lines=True)
        for col in ("observation", "unit", "model", "observed", "verdict", "source"):
            t.add_column(col, overflow="fold",
                         max_width=WIDTHS.get(col),
                         justify="right" if col in ("model", "observed") else "left")
        for c in r["comparisons"]:
            if c["kind"] == "shock_input":
                continue
            model = _fig(c["model"], c["unit"])
            if c["model_low"] is not None:
                model += " " + _range(c["model_low"], c["model_high"], c["unit"])
            if c.get("model_band"):
                b = c["model_band"]
                model += f"\np5-p95 {_fig(b['p5'], c['unit'])}-{_fig(b['p95'], c['unit'])}"
            observed = _fig(c["observed"], c["unit"])
            rng = _range(c["observed_low"], c["observed_high"], c["unit"])
            if rng:
                observed += " " + rng
            why = c["verdict"] if c["why"] is None else f"{c['verdict']}: {c['why']}"
            if c.get("band_verdict"):
                why += f" (band: {c['band_verdict']})"
            what = c["title"] + (f"\n(model: {c['node_name']})" if c["node_name"] else "")
            t.add_row(what, c["unit"], model, observed, why, c["source"])
        out.print(t)
        if r["horizon"]:
            out.print(f"  model: the dynamic path (month 1 = {r['start']}) read over each "
                      "observation's window; prices: the long-run ratio (low-high); static "
                      "figures and paths: --format json")
        for n in r["notes"]:
            out.print(f"  note: {n}")
        out.print("  " + ", ".join(f"{k} {v}" for k, v in r["verdicts"].items() if v))
    shocks = [c for c in res["runs"][0]["comparisons"] if c["kind"] == "shock_input"] \
        if res["runs"] else []
    if shocks:
        out.print("Shock records (they size the runs, so they judge nothing): "
                  + "; ".join(c["title"] for c in shocks) + " (--format json for the series)")
    informed = ", ".join(ev["parameters_informed"]) or "none"
    out.print(f"Parameters informed by this event: {informed} ({ev['parameters_note']}).")
    out.print(ev["not_used_for"])
    if res.get("monte_carlo"):
        mc = res["monte_carlo"]
        out.print(f"Monte Carlo: {mc['samples']} samples per run, seed {mc['seed']} (weights and "
                  "structural assumptions; bands where the result has one for the figure "
                  "compared: --format json says why not).")


def backtest(
    name: Annotated[str | None, typer.Argument(
        help="Event to run (see --list), e.g. gallium-germanium-2023.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the shipped events.")] = False,
    fmt: Annotated[BacktestFormat, typer.Option(
        "--format", "-f", help="Output format.", case_sensitive=False)] = BacktestFormat.table,
    samples: Annotated[int, typer.Option(
        "--samples", help="Monte Carlo draws of each run (weights and structural "
                          "assumptions); the model figures get p5-p95 bands.")] = 0,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the Monte Carlo draws (default 0).")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Run a documented historical shock and print model vs observed, with sources."""
    with handle_errors():
        from riskgraph.errors import UsageError
        from riskgraph.ingest.events import find_event, load_events

        if list_ and name is not None:
            raise UsageError("give an event NAME or --list, not both")
        if samples < 0:
            raise UsageError(f"--samples must be >= 0, got {samples}")
        if seed is not None and samples == 0:
            raise UsageError("--seed needs --samples N")
        events = load_events()
        if list_:
            from riskgraph.engine.backtest import listing

            rows = listing(events)
            if fmt == BacktestFormat.json:
                print_json({"schema": "riskgraph.backtests/1", "events": rows})
            else:
                render_list(rows)
            return
        if name is None:
            raise UsageError("give an event NAME (riskgraph backtest --list shows them)")
        event = find_event(name, events)
        from riskgraph.engine.backtest import backtest as run_backtest
        from riskgraph.ingest.build import load_graph

        res = run_backtest(load_graph(data_dir or None), event, samples=samples, seed=seed)
        if fmt == BacktestFormat.json:
            print_json(res)
        else:
            render_backtest(res)
            echo()


def register(app: typer.Typer) -> None:
    """Add ``backtest`` to ``app``."""
    app.command("backtest")(backtest)
