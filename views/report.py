"""The client report (``riskgraph report``): one self-contained, offline HTML page per shock.

Sections: a plain-language summary, the per-layer bar chart, the most affected nodes with
readable paths, a Sankey of where the shock goes, the producers' shares of the shocked input, the
tornado of the assumptions that matter for one node (:mod:`riskgraph.engine.sensitivity`), the
Monte Carlo bands, an optional comparison with a saved scenario, the sources and the estimated
assumptions used, and the interactive path view (:mod:`riskgraph.views.html`, in an
``iframe srcdoc``).

The charts are plotly figures (:mod:`riskgraph.views.charts`); plotly.js is embedded once, so
the page renders offline.  User text reaches the page escaped: HTML text through
:func:`html.escape`, chart data as JSON inside ``<script>`` with ``<``, ``>`` and ``&``
unicode-escaped (:func:`riskgraph.views.html.script_json`).  After the charts are drawn the page
writes ``data-charts-drawn`` (and ``data-errors``, the number of script errors seen) on
``<body>``: the browser tests read them back.

``--pdf`` prints the page with headless Chromium (:func:`print_pdf`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from riskgraph import __version__
from riskgraph.engine.result import names_of
from riskgraph.errors import ExportError, UsageError
from riskgraph.export.atomic import write_text
from riskgraph.graph.model import GraphData
from riskgraph.views.html import script_json

SCHEMA = "riskgraph.report/1"
LAYER_WORDS = {
    "countries": "country", "minerals": "mineral", "inputs": "input or component",
    "chips": "chip maker or accelerator", "clouds": "cloud or compute owner",
    "labs": "AI lab",
}


# -- data ----------------------------------------------------------------------------------------
def build_report_data(
    graph: GraphData,
    target: str,
    pct: float,
    *,
    country: str | None = None,
    sets: Iterable[str] = (),
    samples: int = 200,
    seed: int = 0,
    node: str | None = None,
    top: int = 20,
    vs: dict[str, Any] | None = None,
    sensitivity_top: int = 12,
    direction: str = "downstream",
    money_year: int | None = None,
    purchase_basis: str | None = None,
    usd: float | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain data (schema ``riskgraph.report/1``).

    ``node`` is the node whose assumptions the tornado ranks (default: the most affected node
    of the last layer reached, e.g. the top lab); ``vs`` a saved shock result to compare with.
    ``direction="upstream"`` reports a demand shock: buyers spend less, and the page adds the
    revenue at risk in US dollars (``money_year`` as ``--year``, ``purchase_basis`` as
    ``--purchase-basis``; ``usd`` with a ``capex:COMPANY`` target, as ``--usd``); the tornado
    ranks supply-shock assumptions only, so it is left out (the USD band comes from the flows'
    ranges).
    """
    from riskgraph.engine.compile import compile_graph
    from riskgraph.engine.sensitivity import run_sensitivity
    from riskgraph.engine.shock import run_shock

    sets = list(sets)
    upstream = direction == "upstream"
    if upstream and node is not None:
        raise UsageError("--node picks whose assumptions the tornado ranks, which is for supply "
                         "shocks only: leave it out with --direction upstream")
    if money_year is not None and not upstream:
        raise UsageError("--year is the year of the money model: use it with --direction "
                         "upstream")
    cg = compile_graph(graph)
    result = run_shock(graph, target, pct, country=country, top=top, sets=sets,
                       samples=samples, seed=seed if samples else None, compiled=cg,
                       direction=direction, money_year=money_year,
                       purchase_basis=purchase_basis, usd=usd)
    if node is None and result["layers"] and not upstream:
        node = result["layers"][-1]["top_node"]
    sens = None
    if node is not None:
        sens = run_sensitivity(graph, target, pct, node=node, country=country, sets=sets,
                               top=sensitivity_top, compiled=cg, samples=samples, seed=seed)
    comparison = None
    if vs is not None:
        from riskgraph.engine.compare import compare_results

        comparison = compare_results(vs, result)
    return {
        "schema": SCHEMA,
        "riskgraph": __version__,
        "result": result,
        "sensitivity": sens,
        "producers": None if upstream else _producers(graph, cg, result, sets),
        "sources": _sources(result),
        "estimated": _estimated(graph, result),
        "comparison": comparison,
        "names": _names(graph, result),
        "summary": (demand_summary_text(result, _names(graph, result)) if upstream
                    else summary_text(result, sens, _names(graph, result))),
    }


def _names(graph: GraphData, result: dict[str, Any]) -> dict[str, str]:
    """Names of the shock's targets and country (they need not be on a listed path)."""
    sh = result["shock"]
    ids = [*sh["targets"], *([sh["country"]] if sh.get("country") else [])]
    return {i: graph.nodes[i].name for i in ids if i in graph.nodes}


def _producers(graph: GraphData, cg: Any, result: dict[str, Any], sets: list[str]
               ) -> dict[str, Any] | None:
    """The suppliers' shares of the (single) shocked node, as the run weighs them (``--set``
    applied)."""
    import numpy as np

    from riskgraph.engine.shock import resolve

    targets = result["shock"]["targets"]
    if len(targets) != 1:
        return None
    t = cg.index[targets[0]]
    ra = resolve(graph, targets[0], sets=sets, compiled=cg).arrays
    arcs = [int(a) for a in np.flatnonzero(cg.cus == t)]
    countries = [a for a in arcs if graph.nodes[cg.ids[cg.sup[a]]].kind == "country"]
    use = countries or arcs
    rows = []
    for a in use:
        w = float(ra.w[a])
        if not np.isfinite(w) or w <= 0:
            continue
        e = cg.edges[a]
        sid = cg.ids[cg.sup[a]]
        rows.append({"id": sid, "name": graph.nodes[sid].name, "weight": w, "type": e.type,
                     "as_of": str(e.as_of), "confidence": e.confidence, "source": e.source})
    if not rows:
        return None
    name = graph.nodes[targets[0]].name
    what = "Producer countries" if countries else "Suppliers"
    return {"title": f"{what} of {name}: share of its supply (weights the model used)",
            "rows": sorted(rows, key=lambda r: -r["weight"])}


def _sources(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Distinct sources behind the listed paths, with how many hops each supports."""
    seen: dict[str, dict[str, Any]] = {}
    for d in result["nodes"]:
        for p in d.get("paths") or []:
            for h in p["hops"]:
                s = seen.setdefault(h["source"], {"source": h["source"], "hops": set(),
                                                  "confidence": set(), "as_of": set()})
                s["hops"].add(h["edge"])
                s["confidence"].add(h["confidence"])
                s["as_of"].add(str(h["as_of"]))
    out = [{"source": k, "links": len(v["hops"]), "confidence": sorted(v["confidence"]),
            "as_of": sorted(v["as_of"])} for k, v in seen.items()]
    return sorted(out, key=lambda r: (-r["links"], r["source"]))


def _estimated(graph: GraphData, result: dict[str, Any]) -> list[dict[str, Any]]:
    """The estimated links on the listed paths: weight, range, rationale, source."""
    names = names_of(result)
    seen: dict[str, dict[str, Any]] = {}
    for d in result["nodes"]:
        for p in d.get("paths") or []:
            for h in p["hops"]:
                if h["confidence"] != "estimated" or h["edge"] in seen:
                    continue
                e = graph.edges.get(h["edge"])
                props = e.props if e is not None else {}
                seen[h["edge"]] = {
                    "edge": h["edge"], "from": names.get(h["src"], h["src"]),
                    "to": names.get(h["dst"], h["dst"]), "type": h["type"],
                    "weight": h["weight"], "low": props.get("weight_low"),
                    "high": props.get("weight_high"),
                    "rationale": e.rationale if e is not None else "", "source": h["source"],
                }
    return list(seen.values())


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2f}"


def _absolute(ab: dict[str, Any] | None) -> str:
    if not ab:
        return ""
    v, unit = float(ab["value"]), str(ab["unit"])
    if unit == "kg" and v >= 1000:
        return f"{v / 1000:,.0f} t"
    return f"{_num(v)} {unit}"


def path_ids(node: dict[str, Any]) -> list[str]:
    if not node.get("paths"):
        return []
    p = node["paths"][0]
    return [p["start"]] + [h["dst"] for h in p["hops"]]


def short_path(ids: list[str], names: dict[str, str]) -> str:
    """One line: the whole path up to four nodes, else ``first -> ... -> last two hops``."""
    if not ids:
        return ""
    if len(ids) == 1:
        return "(shocked)"
    nm = [names.get(i, i) for i in ids]
    if len(nm) <= 4:
        return " -> ".join(nm)
    return " -> ".join([nm[0], "…", *nm[-3:]])


def summary_text(result: dict[str, Any], sens: dict[str, Any] | None,
                 names: dict[str, str] | None = None) -> str:
    """A plain-language paragraph: what was cut, who loses most per layer, along which path,
    which assumption matters most, how uncertain (``names``: more id -> name)."""
    names = {**names_of(result), **(names or {})}
    sh = result["shock"]
    targets = sh["targets"]
    tname = (names.get(targets[0], targets[0]) if len(targets) == 1
             else f"every node of the {sh['target']} layer")
    cut = f"{sh['pct']:g}%"
    head = f"If the output of {tname} falls by {cut}"
    if sh.get("country"):
        head = (f"If {names.get(sh['country'], sh['country'])} cuts its output of {tname} by "
                f"{cut}")
    by_id = {d["id"]: d for d in result["nodes"]}
    tnode = by_id.get(targets[0]) if len(targets) == 1 else None
    if tnode and tnode.get("absolute"):
        head += f" ({_absolute(tnode['absolute'])})"
    parts = [head + ", and nobody substitutes or draws on inventories beyond the stated "
             f"assumptions, the model expects {result['affected']} nodes to lose supply."]
    lay_bits = []
    for lay in result["layers"]:
        if lay["top_node"] in targets:
            continue
        word = LAYER_WORDS.get(lay["layer"], lay["layer"])
        lay_bits.append(f"the most affected {word} is {lay['top_node_name']} "
                        f"({_pct(lay['max_shortfall'])}; {lay['affected']} affected)")
    if lay_bits:
        parts.append("Per layer, " + "; ".join(lay_bits) + ".")
    focus = by_id.get(sens["node"]["id"]) if sens else None
    if focus is None and result["layers"]:
        focus = by_id.get(result["layers"][-1]["top_node"])
    if focus is not None and len(path_ids(focus)) > 1:
        chain = " -> ".join(names.get(i, i) for i in path_ids(focus))
        parts.append(f"{focus['name']}'s largest exposure runs {chain}.")
    if sens and sens["assumptions"]:
        a = sens["assumptions"][0]
        nd = sens["node"]
        parts.append(
            f"The figure for {nd['name']} ({_pct(nd['shortfall'], 2)}) rests most on the "
            f"assumption '{a['label']}' (now {a['value']:.3g}; "
            f"over {a['low']:.3g}-{a['high']:.3g} it moves {sens['node']['name']}'s shortfall "
            f"from {_pct(a['shortfall_low'], 2)} to {_pct(a['shortfall_high'], 2)}).")
    mc = result.get("monte_carlo")
    if mc and focus is not None and focus.get("monte_carlo"):
        m = focus["monte_carlo"]
        parts.append(f"Drawing the uncertain weights {mc['samples']} times, {focus['name']} "
                     "has a median of "
                     f"{_pct(m['median'])} (5th-95th percentile {_pct(m['p5'])}-"
                     f"{_pct(m['p95'])}).")
    parts.append("The model is static (no recovery over time); links marked estimated below "
                 "are the riskgraph team's judgement, each with a stated range.")
    return " ".join(parts)


def _usd(v: float | None) -> str:
    from riskgraph.engine.money import usd_text

    return usd_text(v, "n/a")


def demand_summary_text(result: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """The plain-language paragraph of a demand shock (``--direction upstream``): what was
    cut, whose revenue is at risk in US dollars and how sure that is, who is not measured."""
    names = {**names_of(result), **(names or {})}
    sh = result["shock"]
    targets = sh["targets"]
    tname = (names.get(targets[0], targets[0]) if len(targets) == 1
             else f"every node of the {sh['target']} layer")
    m = result.get("money")
    if m and m.get("capex"):
        cx = m["capex"]
        what = (f"{tname} cut its capex by {_usd(cx['cut_usd_m'])} "
                f"({_pct(cx['share_of_capex'], 1)} of its {m['year']} capex of "
                f"{_usd(cx['capex_usd_m'])})")
    else:
        what = f"{tname} cut their purchases by {sh['pct']:g}%"
    whose = "its" if m and m.get("capex") else "their"
    parts = [f"If {what}, demand falls back along the chain to {whose} suppliers: the "
             f"share-based model reaches {result['affected']} nodes."]
    if m and m["companies"]:
        top = m["companies"][:3]
        bits = [f"{c['name']} {_usd(c['revenue_at_risk_usd_m'])} "
                f"({_usd(c['revenue_at_risk_low_usd_m'])}-"
                f"{_usd(c['revenue_at_risk_high_usd_m'])}"
                + (f"; {_pct(c['share_of_revenue'], 2)} of revenue" if c["share_of_revenue"]
                   is not None else "") + ")" for c in top]
        cut = (f"a capex cut of {_usd(m['capex']['cut_usd_m'])}" if m.get("capex")
               else f"{_usd(m['direct_cut_usd_m'])} of purchases cut")
        parts.append(f"In US dollars ({m['year']} AI spend flows, demand-side inoperability "
                     f"model; {cut}), {m['companies_affected']} companies have revenue at "
                     "risk; the largest: " + "; ".join(bits) + ".")
    if m and m.get("not_covered"):
        parts.append(f"{len(m['not_covered'])} companies with accounts are in no flow of the "
                     "year, so their revenue at risk is not measured (not zero).")
    segment = (m or {}).get("purchase_basis", {}).get("rule") == "segment"
    parts.append("Most flows are the riskgraph team's estimates with a stated range, which "
                 "gives each figure its band; "
                 + ("a company's AI-infrastructure purchases are assumed to fall in proportion "
                    "to its AI-relevant segment's revenue (the upper variant)" if segment else
                    "a company's purchases are assumed to fall in proportion to its revenue")
                 + ", and the model is static.")
    return " ".join(parts)


# -- page ----------------------------------------------------------------------------------------
_CSS = """
body { font-family: system-ui, sans-serif; color: #222; margin: 0 auto; max-width: 1100px;
       padding: 0 18px 40px 18px; line-height: 1.45; }
h1 { font-size: 24px; margin: 18px 0 4px 0; }
h2 { font-size: 18px; margin: 28px 0 8px 0; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
p.meta { color: #666; font-size: 12px; margin-top: 0; }
p.summary { font-size: 15px; background: #f7f5ef; border-left: 4px solid #c0392b;
            padding: 10px 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: #fafafa; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; }
.rg-chart { width: 100%; }
.note { font-size: 12px; color: #555; }
iframe.rg-paths { width: 100%; height: 760px; border: 1px solid #ddd; }
code { font-size: 12px; }
@media print { iframe.rg-paths { display: none; } .noprint { display: none; }
               h2 { page-break-after: avoid; } .rg-chart { page-break-inside: avoid; } }
"""

_ERRORS_JS = """
window.rgErrors = [];
window.addEventListener("error", function (e) { window.rgErrors.push(String(e.message)); });
(function () {
  var orig = console.error;
  console.error = function () {
    window.rgErrors.push(Array.prototype.join.call(arguments, " "));
    return orig.apply(console, arguments);
  };
})();
"""

_DRAW_JS = """
(function () {
  "use strict";
  var figs = JSON.parse(document.getElementById("rg-figures").textContent);
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"]};
  var pending = [];
  figs.forEach(function (f) {
    var el = document.getElementById(f.id);
    if (el) { pending.push(Plotly.newPlot(el, f.figure.data, f.figure.layout, config)); }
  });
  function done() {
    var drawn = Array.prototype.filter.call(document.querySelectorAll(".rg-chart"),
      function (el) { return el.querySelector(".main-svg") !== null; }).length;
    document.body.setAttribute("data-charts-drawn", String(drawn));
    document.body.setAttribute("data-errors", String(window.rgErrors.length));
    document.getElementById("rg-status").textContent =
      drawn + " of " + figs.length + " charts drawn";
  }
  Promise.all(pending).then(done, function (e) { window.rgErrors.push(String(e)); done(); });
})();
"""


def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError as e:  # pragma: no cover - plotly is a declared dependency
        raise ExportError(f"the report needs plotly: {e}") from None
    js = str(get_plotlyjs())
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _fig_json(fig: Any) -> Any:
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False))


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _page(title: str, body: str, figures: list[tuple[str, Any]]) -> str:
    payload = [{"id": fid, "figure": _fig_json(fig)} for fid, fig in figures]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{_e(title)}</title>\n"
        f"<meta name=\"generator\" content=\"riskgraph {__version__}\">\n"
        f"<style>{_CSS}</style>\n<script>{_ERRORS_JS}</script>\n"
        f"<script>/* plotly.js, MIT licence, embedded for offline use */\n{_plotly_js()}\n"
        "</script>\n</head>\n"
        f"<body data-charts=\"{len(figures)}\" data-charts-drawn=\"\" data-errors=\"\">\n"
        f"{body}\n<p class=\"note\" id=\"rg-status\">charts not drawn yet</p>\n"
        f"<script type=\"application/json\" id=\"rg-figures\">{script_json(payload)}</script>\n"
        f"<script>{_DRAW_JS}</script>\n</body>\n</html>\n"
    )


def _chart(fid: str) -> str:
    return f'<div class="rg-chart" id="{fid}"></div>'


def _table(head: list[str], rows: list[list[str]], num: set[int] | None = None) -> str:
    num = num or set()
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if k in num else f"<td>{c}</td>"
                         for k, c in enumerate(r)) + "</tr>"
        for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _path_view(result: dict[str, Any], graph: GraphData | None) -> str:
    from riskgraph.views.html import write_shock_html

    with tempfile.TemporaryDirectory(prefix="riskgraph-report-") as d:
        page = Path(d) / "paths.html"
        write_shock_html(result, graph, page)
        text = page.read_text(encoding="utf-8")
    return (f'<iframe class="rg-paths" title="interactive path view" sandbox="allow-scripts" '
            f'srcdoc="{html.escape(text, quote=True)}"></iframe>')


def _money_section(result: dict[str, Any]) -> str:
    """Revenue at risk in US dollars (the ``money`` block of an upstream run)."""
    from riskgraph.engine.money import main_path

    m = result.get("money")
    out = ["<h2>Revenue at risk in US dollars</h2>"]
    if not m:
        out.append('<p class="note">No AI spend flows in this graph: nothing to count in US '
                   "dollars.</p>")
        return "".join(out)
    names = {**names_of(result), **(m.get("names") or {})}
    rows: list[list[str]] = []
    srcs: dict[str, str] = {}
    for co in m["companies"]:
        best = main_path(co, names)
        path = f"{best[0]} ({_usd(best[1])})" if best else ""
        for h in co["paths"][0]["hops"] if co["paths"] else []:
            srcs.setdefault(h["source"], h["confidence"])
        rows.append([_e(co["name"]), _usd(co["revenue_at_risk_usd_m"]),
                     f"{_usd(co['revenue_at_risk_low_usd_m'])}-"
                     f"{_usd(co['revenue_at_risk_high_usd_m'])}",
                     _pct(co["share_of_revenue"], 2), _usd(co["revenue_usd_m"]), _e(path)])
    out.append(_table(["company", "at risk", "range", "share of revenue", "revenue",
                       "main path"], rows, {1, 2, 3, 4}))
    cut = (f"capex cut {_usd(m['capex']['cut_usd_m'])}" if m.get("capex")
           else f"the shocked buyers cut {_usd(m['direct_cut_usd_m'])} of purchases")
    out.append(f'<p class="note">{_e(m["year"])} AI spend flows ({_e(m["year_choice"]["basis"])}'
               f"); {_e(cut)}; {_e(m['model'])}: {_e(m['equation'])}. No company loses more "
               "than the cut of its customers' purchases.</p>")
    from riskgraph.engine.money import SCOPE_NOTE, basis_text

    out.append(f'<p class="note">{_e(basis_text(m))} {_e(SCOPE_NOTE)}</p>')
    for r in m.get("not_in_force") or []:
        out.append(f'<p class="note">Not propagated: {_e(r["supplier_name"])} -> '
                   f"{_e(r['customer_name'])} ({_e(r['category'])}, "
                   f"{_usd(r['amount_usd_m'])} per year), {_e(r['reason'])}.</p>")
    if m.get("not_covered"):
        out.append('<p class="note">Not measured (revenue on file but in no AI spend flow of '
                   "the year, so no dollar figure; not a zero): "
                   + _e(", ".join(r["name"] for r in m["not_covered"])) + ".</p>")
    if srcs:
        out.append('<p class="note">Flow sources on these paths: '
                   + "; ".join(f"{_e(s)} [{_e(c)}]" for s, c in sorted(srcs.items()))
                   + "</p>")
    return "".join(out)


def render_report(data: dict[str, Any], graph: GraphData | None = None) -> str:
    """The report page (HTML text) of :func:`build_report_data`'s data."""
    from riskgraph.views import charts

    result, sens = data["result"], data["sensitivity"]
    names = {**names_of(result), **(data.get("names") or {})}
    sh = result["shock"]
    tname = (names.get(sh["targets"][0], sh["target"]) if len(sh["targets"]) == 1
             else sh["target"])
    upstream = sh["direction"] == "upstream"
    title = f"{'Demand' if upstream else 'Supply'} shock: {tname} -{sh['pct']:g}%"
    cx = (result.get("money") or {}).get("capex")
    if cx:  # capex:COMPANY --usd N: the dollars are the shock; the percentage follows from them
        title = (f"Demand shock: {tname} capex -{_usd(cx['cut_usd_m'])} "
                 f"({_pct(cx['share_of_capex'], 1)})")
    if sh.get("country"):
        title += f" (output of {names.get(sh['country'], sh['country'])})"
    figures: list[tuple[str, Any]] = []
    parts = [f"<h1>{_e(title)}</h1>"]
    meta = (f"riskgraph {data['riskgraph']}; model {result['model']['name']}, "
            f"{sh['direction']}; data {result['data']['nodes']} nodes, "
            f"{result['data']['edges']} edges, as of {result['data']['as_of_oldest']} to "
            f"{result['data']['as_of_newest']}")
    if result.get("overrides"):
        meta += "; --set " + ", ".join(
            f"{o['key']}{'[' + o['target'] + ']' if o['target'] else ''}={o['value']:g}"
            for o in result["overrides"])
    parts.append(f'<p class="meta">{_e(meta)}</p>')
    parts.append(f'<h2>Summary</h2><p class="summary">{_e(data["summary"])}</p>')

    parts.append("<h2>Per layer</h2>" + _chart("rg-layers"))
    figures.append(("rg-layers", charts.layer_bars(result)))
    lrows = [[_e(x["layer"]), str(x["affected"]), _pct(x["max_shortfall"]),
              _pct(x["mean_shortfall"]), _e(x["top_node_name"])] for x in result["layers"]]
    parts.append(_table(["layer", "affected", "largest", "mean", "most affected"], lrows,
                        {1, 2, 3}))

    parts.append("<h2>Most affected nodes</h2>" + _chart("rg-top"))
    figures.append(("rg-top", charts.top_nodes(result)))
    mc = result.get("monte_carlo")
    rows = []
    for d in result["nodes"]:
        ids = path_ids(d)
        full = " -> ".join(names.get(i, i) for i in ids)
        sp = short_path(ids, names)
        cell = (_e(sp) if sp == full or len(ids) < 2
                else f"<details><summary>{_e(sp)}</summary>{_e(full)}</details>")
        band = ""
        if d.get("monte_carlo"):
            m = d["monte_carlo"]
            band = f"{_pct(m['p5'])}-{_pct(m['p95'])}"
        row = [str(d["rank"]), _e(d["layer"]), _e(d["name"]), _pct(d["shortfall"])]
        if mc:
            row.append(band)
        rows.append([*row, _e(_absolute(d.get("absolute"))), cell])
    head = ["#", "layer", "node", "shortfall"] + (["p5-p95"] if mc else []) + \
           ["absolute", "main path (click for the whole path)"]
    parts.append(_table(head, rows, {0, 3} | ({4, 5} if mc else {4})))
    hidden = result["affected"] - len(result["nodes"])
    if hidden > 0:
        parts.append(f'<p class="note">{hidden} more affected nodes are not listed '
                     "(raise --top).</p>")

    parts.append("<h2>Where the shock goes</h2>" + _chart("rg-sankey"))
    figures.append(("rg-sankey", charts.sankey(result)))

    prod = data.get("producers")
    if upstream:
        parts.append(_money_section(result))
    else:
        parts.append("<h2>Who produces the shocked input</h2>")
        if prod:
            parts.append(_chart("rg-producers"))
            figures.append(("rg-producers", charts.producers(prod["rows"], prod["title"])))
            srcs = sorted({r["source"] for r in prod["rows"]})[:6]
            parts.append('<p class="note">Sources: ' + "; ".join(_e(s) for s in srcs)
                         + "</p>")
        else:
            parts.append('<p class="note">No supplier shares for this target (a layer, or a '
                         "node without stated suppliers).</p>")

    parts.append("<h2>Which assumptions matter</h2>")
    if upstream:
        parts.append('<p class="note">The tornado ranks the assumptions of supply shocks. For '
                     "this demand shock each dollar figure's band comes from running every AI "
                     "spend flow at the low and at the high end of its stated range (table "
                     "above).</p>")
    elif sens and sens["assumptions"]:
        parts.append(_chart("rg-tornado"))
        figures.append(("rg-tornado", charts.tornado(sens)))
        trows = [[str(a["rank"]), _e(a["label"]), f"{a['value']:.3g}",
                  f"{a['low']:.3g}-{a['high']:.3g}", f"{a['derivative']:+.4f}",
                  f"{_pct(a['shortfall_low'], 2)} -> {_pct(a['shortfall_high'], 2)}",
                  f"<code>--set '{_e(a['set'])}'</code>",
                  f"{_e(a['source'])} [{_e(a['confidence'])}]"]
                 for a in sens["assumptions"]]
        parts.append(_table(["#", "assumption", "value", "range", "derivative",
                             f"{sens['node']['name']}: low -> high", "change it with",
                             "source"], trows, {0, 2, 3, 4, 5}))
        parts.append(f'<p class="note">Derivatives of {_e(sens["node"]["name"])}\'s shortfall '
                     f"by the adjoint of the model's fixed point ({_e(sens['method'])}); "
                     f"{sens['assumptions_nonzero']} of {sens['assumptions_total']} assumptions "
                     "move it. Ranges: stated on the edge, in engine/defaults.toml or "
                     "engine/sensitivity.toml.</p>")
        var = sens.get("variance")
        if var and var["weights"]:
            vrows = [[_e(v["label"]) + (" (default weight)" if v["default_weight"] else ""),
                      f"{v['low']:.3g}-{v['high']:.3g}", f"{100 * v['share']:.1f}%"]
                     for v in var["weights"]]
            parts.append(f"<p>Share of {_e(sens['node']['name'])}'s Monte Carlo variance each "
                         f"uncertain weight explains ({var['samples']} draws; standard "
                         f"deviation {_pct(var['shortfall_std'], 2)}):</p>")
            parts.append(_table(["weight", "range", "variance share"], vrows, {1, 2}))
            parts.append(f'<p class="note">{_e(var["method"])}; below about '
                         f"{100 * var['noise_floor']:.1f}% a share is sampling noise.</p>")
    else:
        parts.append('<p class="note">No assumption moves the chosen node.</p>')

    parts.append("<h2>Uncertainty (Monte Carlo)</h2>")
    if mc:
        parts.append(_chart("rg-bands"))
        figures.append(("rg-bands", charts.bands(result)))
        parts.append(f'<p class="note">{mc["samples"]} draws (seed {mc["seed"]}) of '
                     f"{mc['sampled_arcs']} uncertain weights, {_e(mc['distribution'])}.</p>")
    else:
        parts.append('<p class="note">No Monte Carlo draws (--samples 0).</p>')

    cmp = data.get("comparison")
    if cmp:
        parts.append("<h2>Compared with another scenario</h2>")
        parts.append(f'<p class="note">A: {_e(cmp["a"]["scenario"])}<br>B (this report): '
                     f'{_e(cmp["b"]["scenario"])}</p>')
        parts.append(_chart("rg-compare"))
        figures.append(("rg-compare", charts.compare_bars(cmp)))
        crow = [[_e(r["name"]), _e(r["layer"]), _pct(r["a"], 2), _pct(r["b"], 2),
                 "n/a" if r["delta"] is None else f"{100 * r['delta']:+.2f}", _e(r["change"])]
                for r in cmp["nodes"][:25]]
        parts.append(_table(["node", "layer", "A", "B", "change (points)", ""], crow,
                            {2, 3, 4}))
        lrow = [[_e(x["layer"]), f"{x['affected_a']} -> {x['affected_b']}",
                 f"{_pct(x['max_a'])} -> {_pct(x['max_b'])}", _e(x["top_a"]), _e(x["top_b"])]
                for x in cmp["layers"]]
        parts.append(_table(["layer", "affected", "largest", "most affected (A)",
                             "most affected (B)"], lrow, {1, 2}))

    parts.append("<h2>Estimated assumptions on these paths</h2>")
    est = data.get("estimated") or []
    if est:
        erows = [[_e(f"{r['from']} -> {r['to']}"), _e(r["type"]),
                  "default" if r["weight"] is None else f"{r['weight']:.3g}",
                  "" if r["low"] is None else f"{r['low']:.3g}-{r['high']:.3g}",
                  _e(r["rationale"]), _e(r["source"])] for r in est]
        parts.append(_table(["link", "type", "weight", "range", "rationale", "source"], erows,
                            {2, 3}))
    p = result["model"]["parameters"]
    parts.append(f'<p class="note">Model defaults (engine/defaults.toml): default_weight '
                 f"{p.get('default_weight')}, substitutability {p.get('substitutability')}, "
                 f"buffer {p.get('buffer')}.</p>")
    parts.append("<h2>Sources</h2>")
    srows = [[_e(s["source"]), str(s["links"]), _e(", ".join(s["confidence"])),
              _e(", ".join(s["as_of"]))] for s in data.get("sources") or []]
    parts.append(_table(["source", "links", "confidence", "as of"], srows, {1}))

    parts.append('<h2 class="noprint">Interactive path view</h2>'
                 '<p class="note noprint">Hover a node or link for values and sources; click to '
                 "pin its details.</p>" + _path_view(result, graph))
    return _page(title, "\n".join(parts), figures)


def write_report(data: dict[str, Any], path: str | Path, graph: GraphData | None = None) -> None:
    """Write the report page (atomically)."""
    write_text(path, render_report(data, graph))


def write_tornado_page(sens: dict[str, Any], path: str | Path) -> None:
    """A page with the tornado chart of a sensitivity result (``sensitivity --html``)."""
    from riskgraph.views import charts

    nd = sens["node"]
    title = f"Which assumptions matter for {nd['name']}"
    sh = sens["shock"]
    body = (f"<h1>{_e(title)}</h1><p class=\"meta\">shock {_e(sh['target'])} "
            f"-{sh['pct']:g}%; shortfall {_pct(nd['shortfall'], 2)}</p>"
            + _chart("rg-tornado"))
    write_text(path, _page(title, body, [("rg-tornado", charts.tornado(sens))]))


# -- PDF -----------------------------------------------------------------------------------------
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str:
    env = os.environ.get("RISKGRAPH_CHROMIUM")
    if env:
        return env
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise UsageError("--pdf needs a headless Chromium: install Debian's chromium package "
                     "(apt-get install chromium) or set RISKGRAPH_CHROMIUM")


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 180) -> Path:
    """Print an HTML file to PDF with headless Chromium (fresh profile, no network)."""
    src = Path(html_path).resolve()
    out = Path(pdf_path).resolve()
    chrome = find_chromium()
    with tempfile.TemporaryDirectory(prefix="riskgraph-chromium-") as prof:
        cmd = [chrome, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-sync", "--disable-extensions",
               f"--user-data-dir={prof}", "--virtual-time-budget=15000",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ExportError(f"--pdf: Chromium failed: {e}") from None
    if p.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = (p.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise ExportError(f"--pdf: Chromium could not print {src.name}: {tail[0]}")
    return out


__all__ = ["SCHEMA", "build_report_data", "print_pdf", "render_report", "summary_text",
           "write_report", "write_tornado_page"]
