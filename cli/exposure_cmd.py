"""``riskgraph exposure COMPANY``: the share of a company's revenue that depends on AI spending.

Also the money table of ``riskgraph shock ... --direction upstream`` (:func:`render_money`).
Heavy libraries (rich, numpy) are imported inside the functions.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from riskgraph.cli.common import DataDirOpt, OutputFormat, handle_errors, print_json

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


def register(app: typer.Typer) -> None:
    app.command("exposure")(exposure)


def _usd(v: float | None) -> str:
    from riskgraph.engine.money import usd_text  # numpy loads with it: only when printing

    return usd_text(v)


def _share(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{100 * v:.1f}%" if v >= 0.01 else f"{100 * v:.2g}%"


def exposure(
    company: Annotated[str, typer.Argument(help="Company name, alias or id, e.g. Vertiv.")],
    fmt: FormatOpt = OutputFormat.table,
    year: Annotated[int | None, typer.Option(
        "--year", help="Calendar year of the flows and revenue (default: the latest year with "
                       "complete data).")] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """What share of COMPANY's revenue depends on AI spending, through which customers, with
    sources (AI spend flows of ingest/data/financials/flows.csv; USD million per year)."""
    with handle_errors():
        from riskgraph.engine.money import exposure as compute
        from riskgraph.errors import UsageError
        from riskgraph.graph.lookup import find_node
        from riskgraph.ingest.build import load_graph

        g = load_graph(data_dir)
        nid = find_node(g, company)
        if g.nodes[nid].kind != "company":
            raise UsageError(f"{company!r} is {nid}, not a company")
        res = compute(g, nid, year=year)
        if fmt is OutputFormat.json:
            print_json(res)
            return
        if fmt is OutputFormat.csv:
            cols = ["customer", "customer_name", "year", "start", "end", "counted",
                    "in_force", "category", "amount_usd_m", "amount_low_usd_m",
                    "amount_high_usd_m", "share_of_revenue", "confidence", "source",
                    "rationale"]
            from riskgraph.cli.common import print_csv

            print_csv(cols, res["customers"])
            return
        _table(res)


def _table(res: dict[str, Any]) -> None:
    from rich.table import Table

    from riskgraph.cli.common import console as Console  # escapes control characters

    c = Console(width=max(Console().width, 140), markup=False, soft_wrap=False)
    head = f"AI exposure of {res['name']} ({res['year']})"
    if not res["covered"]:
        head += ": not measured"
        if res["revenue_usd_m"]:
            head += f" (revenue {_usd(res['revenue_usd_m'])})"
    elif res["revenue_usd_m"]:
        head += (f": {_usd(res['ai_revenue_usd_m'])} of {_usd(res['revenue_usd_m'])} revenue = "
                 f"{_share(res['share_of_revenue'])} (range {_share(res['share_low'])}-"
                 f"{_share(res['share_high'])})")
    else:
        head += f": {_usd(res['ai_revenue_usd_m'])} (no revenue on file)"
    c.print(head)
    c.print(f"year: {res['year_choice']['basis']}")
    if res["revenue_source"]:
        c.print(f"revenue: {res['revenue_source']}")
    if not res["covered"]:
        c.print(f"coverage: {res['coverage']}.")
    if not res["customers"]:
        return
    t = Table(title="Through which customers (USD per year)", title_justify="left")
    for col in ("customer", "year", "category", "USD", "range", "share", "confidence",
                "source / rationale"):
        t.add_column(col, overflow="fold")
    for r in res["customers"]:
        why = r["source"] + (f" -- {r['rationale']}" if r["rationale"] else "")
        when = str(r["year"])
        if r.get("start"):
            when = f"{r['start']} to {r['end'] or 'open'}"
            if r["counted"] and r["in_force"] < 1:
                when += f" ({100 * r['in_force']:.0f}% of {res['year']})"
        if not r["counted"]:
            when += " (not counted)"
        t.add_row(r["customer_name"], when, str(r["category"]),
                  _usd(r["amount_usd_m"]),
                  f"{_usd(r['amount_low_usd_m'])}-{_usd(r['amount_high_usd_m'])}",
                  _share(r["share_of_revenue"]), r["confidence"], why)
    c.print(t)
    for r in res.get("not_in_force") or []:
        c.print(f"Not counted: {r['customer_name']} {r['category']} {_usd(r['amount_usd_m'])} "
                f"per year, {r['reason']}.")
    c.print(res["note"])


def render_money(result: dict[str, Any], top: int = 20) -> None:
    """The money block of an upstream shock: revenue at risk in USD per company, main path."""
    m = result.get("money")
    if not m:
        return
    from rich.table import Table

    from riskgraph.cli.common import console as Console  # escapes control characters
    from riskgraph.engine.money import main_path

    c = Console(width=max(Console().width, 140), markup=False, soft_wrap=False)
    title = (f"Revenue at risk in USD ({m['year']} AI spend flows; demand-side IIM): "
             f"{m['companies_affected']} companies")
    if m.get("capex"):
        cx = m["capex"]
        title += (f"; capex cut {_usd(cx['cut_usd_m'])} = {_share(cx['share_of_capex'])} of "
                  f"{_usd(cx['capex_usd_m'])}")
    else:
        title += f"; shocked buyers cut {_usd(m['direct_cut_usd_m'])} of purchases"
    t = Table(title=title, title_justify="left")
    for col in ("company", "at risk", "range", "share of revenue", "revenue", "main path"):
        t.add_column(col, justify="right" if col in ("at risk", "share of revenue", "revenue")
                     else "left")
    names = {**(result.get("names") or {}), **(m.get("names") or {})}
    for co in m["companies"][:top]:
        best = main_path(co, names)
        path = f"{best[0]} ({_usd(best[1])})" if best else ""
        t.add_row(co["name"], _usd(co["revenue_at_risk_usd_m"]),
                  f"{_usd(co['revenue_at_risk_low_usd_m'])}-"
                  f"{_usd(co['revenue_at_risk_high_usd_m'])}",
                  _share(co["share_of_revenue"]), _usd(co["revenue_usd_m"]), path)
    c.print(t)
    if m.get("year_choice"):
        c.print(f"Year: {m['year_choice']['basis']}.")
    from riskgraph.engine.money import SCOPE_NOTE, basis_text

    c.print(basis_text(m))
    c.print(SCOPE_NOTE)
    for r in m.get("not_in_force") or []:
        c.print(f"Not propagated: {r['supplier_name']} -> {r['customer_name']} "
                f"({r['category']}, {_usd(r['amount_usd_m'])} per year), {r['reason']}.")
    if m.get("not_covered"):
        c.print("Not measured (revenue on file but in no AI spend flow of the year, so no "
                "USD figure; not a zero): "
                f"{', '.join(r['name'] for r in m['not_covered'])}.")
    if m.get("targets_without_flows"):
        c.print(f"No AI spend flows for: {', '.join(m['targets_without_flows'])} "
                "(they add nothing in USD).")
