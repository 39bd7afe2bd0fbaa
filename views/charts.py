"""Plotly figures of the analyst's views: layers, affected nodes, Sankey, producers, tornado, bands.

Each function takes plain result data (the dicts of ``riskgraph.shock/2``,
``riskgraph.sensitivity/1``) and returns a ``plotly.graph_objects.Figure``.  Every label is
HTML-escaped before it reaches plotly (plotly renders a small HTML subset in labels: ``<b>``,
``<a href>``; escaped, a node called ``<b>x`` shows as written).  plotly is imported here, and
only the commands that draw charts import this module.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from riskgraph.engine.result import names_of
from riskgraph.views.html import shortfall_colour

FONT = {"family": "system-ui, sans-serif", "size": 12}
BAR = "#c0392b"
BAR_LIGHT = "#f1948a"
LAYER_ORDER = ("countries", "minerals", "inputs", "chips", "clouds", "labs")


def esc(s: Any) -> str:
    """Text for a plotly label: HTML-escaped (plotly interprets a few tags)."""
    return html.escape(" ".join(str(s).split()), quote=False)


def short(s: str, n: int = 38) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(title={"text": esc(title), "x": 0.01, "font": {"size": 15}}, font=FONT,
                      height=height, margin={"l": 10, "r": 20, "t": 50, "b": 40},
                      template="plotly_white", showlegend=True,
                      legend={"orientation": "h", "y": -0.15})
    return fig


def layer_bars(result: dict[str, Any]) -> go.Figure:
    """Per layer: the largest and the mean shortfall, named by the most affected node."""
    layers = result["layers"]
    x = [esc(f"{lay['layer']} ({lay['affected']})") for lay in layers]
    fig = go.Figure([
        go.Bar(name="largest shortfall", x=x, y=[100 * lay["max_shortfall"] for lay in layers],
               marker_color=BAR, text=[esc(short(lay["top_node_name"], 24)) for lay in layers],
               textposition="outside",
               hovertemplate="%{x}: largest %{y:.2f}% (%{text})<extra></extra>"),
        go.Bar(name="mean shortfall", x=x, y=[100 * lay["mean_shortfall"] for lay in layers],
               marker_color=BAR_LIGHT, hovertemplate="%{x}: mean %{y:.2f}%<extra></extra>"),
    ])
    fig.update_layout(barmode="group", yaxis_title="shortfall (%)",
                      xaxis_title="layer (nodes affected)")
    return _layout(fig, "Shortfall per layer", 380)


def top_nodes(result: dict[str, Any], n: int = 20) -> go.Figure:
    """The listed nodes' shortfalls, largest first, coloured by shortfall."""
    nodes = result["nodes"][:n][::-1]
    fig = go.Figure(go.Bar(
        orientation="h", x=[100 * d["shortfall"] for d in nodes],
        y=[esc(f"{short(d['name'], 34)} ({d['layer']})") for d in nodes],
        marker_color=[shortfall_colour(d["shortfall"]) for d in nodes],
        marker_line_color="#555", marker_line_width=0.5, name="shortfall",
        hovertemplate="%{y}: %{x:.2f}%<extra></extra>"))
    fig.update_layout(xaxis_title="shortfall (%)", showlegend=False)
    return _layout(fig, "Most affected nodes", 120 + 24 * len(nodes))


def sankey(result: dict[str, Any]) -> go.Figure:
    """Where the shock goes: the links of the listed paths, as wide as the largest shortfall a
    path carries along them (percentage points)."""
    names = names_of(result)
    sf = {d["id"]: d["shortfall"] for d in result["nodes"]}
    links: dict[tuple[str, str], float] = {}
    for d in result["nodes"]:
        for p in d.get("paths") or []:
            for h in p["hops"]:
                k = (h["src"], h["dst"])
                links[k] = max(links.get(k, 0.0), float(h["contribution"]))
    ids = sorted({i for k in links for i in k},
                 key=lambda i: (LAYER_ORDER.index(_layer(result, i))
                                if _layer(result, i) in LAYER_ORDER else 9, i))
    pos = {i: k for k, i in enumerate(ids)}
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": [esc(short(names.get(i, i), 30)) for i in ids], "pad": 12,
              "thickness": 14, "line": {"color": "#555", "width": 0.5},
              "color": [shortfall_colour(sf.get(i)) for i in ids],
              "customdata": [esc(names.get(i, i)) for i in ids],
              "hovertemplate": "%{customdata}<extra></extra>"},
        link={"source": [pos[a] for a, _ in links], "target": [pos[b] for _, b in links],
              "value": [100 * v for v in links.values()], "color": "rgba(192,57,43,0.25)",
              "hovertemplate": "%{source.customdata} -> %{target.customdata}: "
                               "%{value:.2f} points<extra></extra>"}))
    return _layout(fig, "Where the shock goes (links of the main paths; width = shortfall "
                        "carried, percentage points)", max(420, 22 * len(ids)))


def _layer(result: dict[str, Any], nid: str) -> str:
    for d in result["nodes"]:
        if d["id"] == nid:
            return str(d["layer"])
    prefix = nid.split(":", 1)[0]
    return {"country": "countries", "mineral": "minerals", "input": "inputs",
            "accelerator": "chips"}.get(prefix, "clouds")


def producers(rows: list[dict[str, Any]], title: str) -> go.Figure:
    """Suppliers' shares of the shocked node (the weights the engine used)."""
    rows = sorted(rows, key=lambda r: -r["weight"])[:15][::-1]
    fig = go.Figure(go.Bar(
        orientation="h", x=[100 * r["weight"] for r in rows],
        y=[esc(short(r["name"], 34)) for r in rows], marker_color="#2471a3",
        customdata=[esc(f"{r['as_of']}, {r['confidence']}") for r in rows],
        hovertemplate="%{y}: %{x:.1f}% (%{customdata})<extra></extra>", name="share"))
    fig.update_layout(xaxis_title="share (%)", showlegend=False)
    return _layout(fig, title, 120 + 26 * max(len(rows), 1))


def tornado(sens: dict[str, Any], n: int = 12) -> go.Figure:
    """Tornado: the node's shortfall at the low and the high end of each assumption's range."""
    rows = sens["assumptions"][:n][::-1]
    base = 100 * sens["node"]["shortfall"]
    y = [esc(f"{a['rank']}. {short(a['label'], 64)}") for a in rows]  # unique categories
    lo = [100 * a["shortfall_low"] - base for a in rows]
    hi = [100 * a["shortfall_high"] - base for a in rows]
    fig = go.Figure([
        go.Bar(orientation="h", y=y, x=lo, base=base, name="at the low end of the range",
               marker_color="#2471a3",
               customdata=[[esc(a["set_low"]), 100 * a["shortfall_low"]] for a in rows],
               hovertemplate="%{customdata[0]}: %{customdata[1]:.2f}%<extra></extra>"),
        go.Bar(orientation="h", y=y, x=hi, base=base, name="at the high end of the range",
               marker_color=BAR,
               customdata=[[esc(a["set"]), 100 * a["shortfall_high"]] for a in rows],
               hovertemplate="%{customdata[0]}: %{customdata[1]:.2f}%<extra></extra>"),
    ])
    fig.add_vline(x=base, line_color="#333", line_width=1)
    fig.update_layout(barmode="overlay", xaxis_title=esc(
        f"shortfall of {sens['node']['name']} (%); line: {base:.2f}% as estimated"))
    return _layout(fig, f"Which assumptions matter for {sens['node']['name']}",
                   140 + 30 * len(rows))


def bands(result: dict[str, Any], n: int = 20) -> go.Figure:
    """Monte Carlo: median and 5th-95th percentile per listed node, beside the point figure."""
    nodes = [d for d in result["nodes"][:n] if d.get("monte_carlo")][::-1]
    y = [esc(short(d["name"], 34)) for d in nodes]
    med = [100 * d["monte_carlo"]["median"] for d in nodes]
    fig = go.Figure([
        go.Scatter(x=med, y=y, mode="markers", name="median (5th-95th percentile bar)",
                   marker={"color": BAR, "size": 9},
                   error_x={"type": "data", "symmetric": False,
                            "array": [100 * d["monte_carlo"]["p95"] - m
                                      for d, m in zip(nodes, med, strict=True)],
                            "arrayminus": [m - 100 * d["monte_carlo"]["p5"]
                                           for d, m in zip(nodes, med, strict=True)],
                            "color": BAR_LIGHT, "thickness": 3}),
        go.Scatter(x=[100 * d["shortfall"] for d in nodes], y=y, mode="markers",
                   name="point estimate", marker={"color": "#222", "symbol": "line-ns-open",
                                                  "size": 14, "line": {"width": 2}}),
    ])
    fig.update_layout(xaxis_title="shortfall (%)")
    mc = result.get("monte_carlo") or {}
    return _layout(fig, f"Monte Carlo bands ({mc.get('samples', 0)} draws of the uncertain "
                        "weights)", 140 + 26 * max(len(nodes), 1))


def compare_bars(cmp: dict[str, Any], n: int = 20) -> go.Figure:
    """Largest changes of shortfall between two scenarios (percentage points)."""
    rows = [r for r in cmp["nodes"] if r["delta"] is not None][:n][::-1]
    fig = go.Figure(go.Bar(
        orientation="h", x=[100 * r["delta"] for r in rows],
        y=[esc(short(r["name"], 34)) for r in rows],
        marker_color=[BAR if r["delta"] > 0 else "#2471a3" for r in rows],
        hovertemplate="%{y}: %{x:+.2f} points<extra></extra>", name="change"))
    fig.update_layout(xaxis_title="change of shortfall, B - A (percentage points)",
                      showlegend=False)
    return _layout(fig, "What changed between the scenarios", 120 + 24 * max(len(rows), 1))
