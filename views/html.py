"""Interactive HTML views (pyvis / vis-network): the affected subgraph of a shock, the whole graph.

Conventions shared by both views:

* layers left to right (countries, minerals, inputs, chips, clouds, labs) at fixed x, physics off;
* node ids, names, sources and every other user text reach the page only as JSON data inside a
  ``<script>`` block, with ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026``
  so no text can close the script element; vis-network 9 shows string tooltips with
  ``innerText`` (never as HTML), and the details panel uses ``textContent``: names are text, and
  nothing in them executes;
* the page is self-contained: vis-network's JavaScript is inlined from the copy bundled in the
  pyvis package, so it renders offline;
* after the first draw the page writes the number of drawn nodes into ``#rg-drawn`` and the
  ``data-drawn`` attribute of ``<body>`` (tests read it back from a headless browser).

pyvis is imported lazily; it builds the node and edge records (``pyvis.network.Network``), and
its bundled vis-network is inlined.  The page template is our own: pyvis's template renders its
heading without escaping and loads Bootstrap from a CDN.
"""

from __future__ import annotations

import html
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

from riskgraph.errors import ExportError, UsageError
from riskgraph.export.atomic import write_text
from riskgraph.graph import schema
from riskgraph.graph.model import GraphData

LAYER_X_SPACING = 320
SUBCOLUMN_SPACING = 230
ROW_SPACING = 70
MIN_ROWS = 15
NO_DATA_COLOUR = "#bdbdbd"

# ColorBrewer YlOrRd (9 classes), a sequential scale light (0 %) -> dark red (100 %).
YLORRD: tuple[str, ...] = (
    "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c",
    "#fc4e2a", "#e31a1c", "#bd0026", "#800026",
)
# Categorical colours per layer (ColorBrewer Set2) for the whole-graph view.
LAYER_COLOURS: dict[str, str] = {
    "countries": "#66c2a5",
    "minerals": "#fc8d62",
    "inputs": "#8da0cb",
    "chips": "#e78ac3",
    "clouds": "#a6d854",
    "labs": "#ffd92f",
}
_KIND_LAYER = {
    "country": "countries",
    "mineral": "minerals",
    "input": "inputs",
    "stage": "inputs",
    "accelerator": "chips",
}


# ------------------------------------------------------------------------------ helpers
def shortfall_colour(x: float | None) -> str:
    """Colour of a shortfall in [0, 1] on the YlOrRd scale (linear interpolation); grey for None.

    Examples
    --------
    >>> shortfall_colour(0.0), shortfall_colour(1.0), shortfall_colour(None)
    ('#ffffcc', '#800026', '#bdbdbd')
    """
    if x is None or not isinstance(x, int | float) or math.isnan(x):
        return NO_DATA_COLOUR
    x = min(1.0, max(0.0, float(x)))
    pos = x * (len(YLORRD) - 1)
    i = min(int(pos), len(YLORRD) - 2)
    t = pos - i
    a, b = YLORRD[i], YLORRD[i + 1]
    rgb = [
        round(int(a[k : k + 2], 16) * (1 - t) + int(b[k : k + 2], 16) * t) for k in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _text_colour(bg: str) -> str:
    r, g, b = (int(bg[k : k + 2], 16) for k in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 128 else "#222222"


def script_json(obj: Any) -> str:
    """JSON safe to place inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are escaped as JSON unicode escapes (so ``</script>`` and ``<!--``
    cannot appear), and non-ASCII, U+2028 and U+2029 are escaped too.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    s = json.dumps(obj, ensure_ascii=True, allow_nan=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, version) from the pyvis package's bundled copy (newest 9.x)."""
    root = resources.files("pyvis").joinpath("templates", "lib")
    found: list[tuple[tuple[int, ...], str, Any]] = []
    for d in root.iterdir():
        m = re.fullmatch(r"vis-(\d+(?:\.\d+)*)", d.name)
        js = d.joinpath("vis-network.min.js")
        if m and js.is_file():
            found.append((tuple(int(p) for p in m.group(1).split(".")), m.group(1), js))
    if not found:
        raise ExportError("the pyvis package ships no vis-network.min.js; reinstall pyvis")
    _, version, js = max(found, key=lambda t: t[0])
    text = js.read_text(encoding="utf-8")
    # Defensive: the library text must not be able to end its own <script> element.
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE), version


def _layer_of(node: dict[str, Any] | None, graph: GraphData | None, node_id: str) -> str:
    layer = (node or {}).get("layer") or ""
    if not layer and graph is not None and node_id in graph.nodes:
        layer = graph.nodes[node_id].layer
    if not layer:
        layer = _KIND_LAYER.get(node_id.split(":", 1)[0], "")
    return layer if layer in schema.LAYERS else (layer or "other")


def _layout(
    by_layer: dict[str, list[str]],
) -> tuple[dict[str, tuple[int, int]], list[dict[str, Any]]]:
    """Fixed positions: one block per layer (schema order, then unknown layers), left to right.

    A layer with more than ``rows`` nodes wraps into several sub-columns, ``rows`` growing with
    the square root of the node count so that large graphs stay roughly screen-shaped.
    Returns the positions and the column headers (layer, x of the block's centre, count).
    """
    order = [lay for lay in schema.LAYERS] + sorted(set(by_layer) - set(schema.LAYERS))
    total = sum(len(v) for v in by_layer.values())
    rows = max(MIN_ROWS, math.ceil(math.sqrt(2 * total)))
    pos: dict[str, tuple[int, int]] = {}
    cols: list[dict[str, Any]] = []
    x = 0
    for lay in order:
        ids = by_layer.get(lay) or []
        if lay not in schema.LAYERS and not ids:
            continue
        n_sub = max(1, math.ceil(len(ids) / rows))
        per = math.ceil(len(ids) / n_sub) if ids else 0
        for i, nid in enumerate(ids):
            sub, row = divmod(i, per)
            in_col = min(per, len(ids) - sub * per)
            pos[nid] = (x + sub * SUBCOLUMN_SPACING, round((row - (in_col - 1) / 2) * ROW_SPACING))
        width = (n_sub - 1) * SUBCOLUMN_SPACING
        cols.append({"layer": lay, "x": x + width // 2, "n": len(ids)})
        x += width + LAYER_X_SPACING
    return pos, cols


def _short(name: str, n: int = 28) -> str:
    name = " ".join(str(name).split())  # newlines and runs of blanks -> one space
    return name if len(name) <= n else name[: n - 1] + "…"


def _pct(x: Any) -> str:
    return f"{100 * float(x):.1f}%" if isinstance(x, int | float) and math.isfinite(x) else "n/a"


def _num(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    return f"{x:,.4g}" if isinstance(x, float) else f"{x:,}"


def _net() -> Any:
    try:
        from pyvis.network import Network
    except ImportError as e:  # pragma: no cover - pyvis is a declared dependency
        raise ExportError(f"the HTML view needs pyvis: {e}") from None
    return Network(directed=True, cdn_resources="in_line")


# ------------------------------------------------------------------------------ shock view
def _graph_node_text(graph: GraphData | None, nid: str) -> list[str]:
    if graph is None or nid not in graph.nodes:
        return []
    n = graph.nodes[nid]
    out = [f"source: {n.source} ({n.as_of}, {n.confidence})"]
    if n.rationale:
        out.append(f"rationale: {n.rationale}")
    return out


def _hop_text(h: dict[str, Any], names: dict[str, str]) -> str:
    a, b = str(h.get("src")), str(h.get("dst"))
    s = f"{names.get(a, a)} -> {names.get(b, b)}"
    bits = [str(h.get("type") or "")]
    if h.get("weight") is not None:
        bits.append(f"weight {_num(h['weight'])}")
    if h.get("contribution") is not None:
        bits.append(f"carries {_pct(h['contribution'])}")
    return s + " (" + ", ".join(b for b in bits if b) + ")"


def shock_subgraph(result: dict[str, Any], graph: GraphData | None = None) -> dict[str, Any]:
    """The nodes and edges the shock view draws, as plain data (no HTML).

    Drawn nodes: every node of ``result["nodes"]``, the shock's targets, and every end of a hop
    of a listed path.  Drawn edges: the hops of the paths (thick), plus the graph's supply edges
    between drawn nodes (thin), oriented supplier -> customer.

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "columns": [...], "title": str}``; every node has
        ``id``, ``label``, ``title`` (tooltip text), ``layer``, ``shortfall``, ``x``, ``y``,
        ``color``.

    Raises
    ------
    UsageError
        ``result`` is not a shock result (no ``nodes`` list).
    """
    if not isinstance(result, dict) or not isinstance(result.get("nodes"), list):
        raise UsageError("not a shock result: it has no 'nodes' list")
    shock = result.get("shock") if isinstance(result.get("shock"), dict) else {}
    assert isinstance(shock, dict)
    listed: dict[str, dict[str, Any]] = {}
    for n in result["nodes"]:
        if isinstance(n, dict) and n.get("id") is not None:
            listed.setdefault(str(n["id"]), n)
    targets = shock.get("targets") or shock.get("target") or []
    if isinstance(targets, str):
        targets = [targets]
    ids: list[str] = list(listed)
    for t in targets:
        if str(t) not in listed:
            ids.append(str(t))
    hops: list[dict[str, Any]] = []
    for n in listed.values():
        for p in n.get("paths") or []:
            if not isinstance(p, dict):
                continue
            for h in p.get("hops") or []:
                if isinstance(h, dict) and h.get("src") is not None and h.get("dst") is not None:
                    hops.append(h)
                    for end in (str(h["src"]), str(h["dst"])):
                        if end not in ids:
                            ids.append(end)

    extra_names = result.get("names") if isinstance(result.get("names"), dict) else {}
    assert isinstance(extra_names, dict)

    def name_of(nid: str) -> str:
        if nid in listed and listed[nid].get("name"):
            return str(listed[nid]["name"])
        if extra_names.get(nid):
            return str(extra_names[nid])
        if graph is not None and nid in graph.nodes:
            return graph.nodes[nid].name
        return nid

    names = {nid: name_of(nid) for nid in ids}
    layer = {nid: _layer_of(listed.get(nid), graph, nid) for nid in ids}
    shortfall: dict[str, float | None] = {}
    for nid in ids:
        v = listed.get(nid, {}).get("shortfall")
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        shortfall[nid] = float(v) if ok else None  # type: ignore[arg-type]

    by_layer: dict[str, list[str]] = {}
    for nid in sorted(ids, key=lambda i: (-(shortfall[i] or 0.0), names[i].lower(), i)):
        by_layer.setdefault(layer[nid], []).append(nid)
    pos, columns = _layout(by_layer)

    net = _net()
    for nid in ids:
        n = listed.get(nid, {})
        sf = shortfall[nid]
        lines = [names[nid], f"id: {nid}", f"layer: {layer[nid]}"]
        if nid in [str(t) for t in targets]:
            lines.append("shock target")
        lines.append(f"shortfall: {_pct(sf)}" + (f" (rank {n['rank']})" if n.get("rank") else ""))
        ab = n.get("absolute")
        if isinstance(ab, dict) and ab.get("value") is not None:
            lines.append(f"at risk: {_num(ab['value'])} {ab.get('unit') or ''}".rstrip())
        for i, p in enumerate((n.get("paths") or [])[:3], start=1):
            if not isinstance(p, dict):
                continue
            hop_list = [h for h in p.get("hops") or [] if isinstance(h, dict)]
            chain = " -> ".join(
                [names.get(str(hop_list[0].get("src")), "?")]
                + [names.get(str(h.get("dst")), "?") for h in hop_list]
            ) if hop_list else ""
            lines.append(f"path {i} ({_pct(p.get('contribution'))}): {chain}")
            for h in hop_list:
                src = h.get("source")
                if src:
                    lines.append(f"   {_hop_text(h, names)}; source: {src}"
                                 + (f" [{h['confidence']}]" if h.get("confidence") else ""))
        lines += _graph_node_text(graph, nid)
        colour = shortfall_colour(sf)
        x, y = pos[nid]
        net.add_node(
            nid,
            label=f"{_short(names[nid])}\n{_pct(sf)}" if sf is not None else _short(names[nid]),
            title="\n".join(lines),
            color={"background": colour, "border": "#444444",
                   "highlight": {"background": colour, "border": "#000000"}},
            font={"color": _text_colour(colour), "size": 14},
            borderWidth=3 if nid in [str(t) for t in targets] else 1,
            shape="box",
            x=x, y=y, physics=False,
            layer=layer[nid], shortfall=sf,
        )

    seen: set[tuple[str, str, str]] = set()
    for h in hops:
        k = (str(h["src"]), str(h["dst"]), str(h.get("type") or ""))
        if k in seen:
            continue
        seen.add(k)
        tip = [_hop_text(h, names)]
        if h.get("source"):
            conf = f" [{h['confidence']}]" if h.get("confidence") else ""
            tip.append(f"source: {h['source']}{conf}")
        net.add_edge(k[0], k[1], title="\n".join(tip), width=3, color="#555555",
                     arrows="to", path=True)
    if graph is not None:
        drawn = set(ids)
        for e in graph.edges.values():
            flow = schema.flow_of(e.type)
            if flow == "none":
                continue
            sup, cus = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
            if sup in drawn and cus in drawn and (sup, cus, e.type) not in seen:
                seen.add((sup, cus, e.type))
                tip = [f"{names[sup]} -> {names[cus]} ({e.type}"
                       + (f", weight {_num(e.weight)})" if e.weight is not None else ")"),
                       f"source: {e.source} ({e.as_of}, {e.confidence})"]
                net.add_edge(sup, cus, title="\n".join(tip), width=1, color="#aaaaaa",
                             arrows="to", path=False)

    what = ", ".join(str(t) for t in targets) or "?"
    title = f"Shock: {what}"
    if shock.get("pct") is not None:
        title += f" -{_num(shock['pct'])}%"
    if shock.get("country"):
        title += f" (output of {shock['country']})"
    if shock.get("direction"):
        title += f", {shock['direction']}"
    if shock.get("model"):
        title += f", model {shock['model']}"
    return {"nodes": net.nodes, "edges": net.edges, "columns": columns, "title": title}


def _legend_shock() -> str:
    stops = ", ".join(f"{c} {100 * i / (len(YLORRD) - 1):.0f}%" for i, c in enumerate(YLORRD))
    return (
        '<div class="legend"><b>Supply shortfall</b>'
        f'<div class="bar" style="background: linear-gradient(to right, {stops});"></div>'
        '<div class="ticks"><span>0%</span><span>25%</span><span>50%</span><span>75%</span>'
        "<span>100%</span></div>"
        f'<div><span class="sw" style="background:{NO_DATA_COLOUR}"></span> no figure'
        ' &nbsp; <span class="sw thick"></span> shock target'
        ' &nbsp; <b>&#8212;</b> path carrying the shock &nbsp; '
        '<span style="color:#999">&#8212;</span> other supply link</div>'
        "<div>Arrows point from supplier to customer. Hover a node or link for values and"
        " sources; click a node to pin its details.</div></div>"
    )


def write_shock_html(result: dict[str, Any], graph: GraphData | None, path: str | Path) -> int:
    """Write the HTML view of a shock result; return the number of nodes drawn.

    Parameters
    ----------
    result : dict
        The shock result (JSON schema ``riskgraph.shock/1``): ``shock`` (targets, pct, country,
        direction, model), ``nodes`` (id, name, layer, shortfall, rank, absolute, paths).
        Extra fields are ignored.
    graph : GraphData or None
        The graph the shock ran on: adds node sources and the supply links between drawn
        nodes.  Optional.
    path : str or Path
        The HTML file (written atomically).

    Raises
    ------
    UsageError
        ``result`` is not a shock result.
    ExportError
        The file cannot be written.
    """
    sub = shock_subgraph(result, graph)
    _write_page(path, sub, _legend_shock(), layer_filter=False)
    return len(sub["nodes"])


# ------------------------------------------------------------------------------ whole graph
def graph_view_data(graph: GraphData, layers: list[str] | None = None) -> dict[str, Any]:
    """Nodes and edges of the whole-graph view (optionally only some layers), as plain data.

    Raises
    ------
    UsageError
        An unknown layer name.
    """
    if layers:
        bad = [lay for lay in layers if lay not in schema.LAYERS]
        if bad:
            raise UsageError(
                f"unknown layer {bad[0]!r}; choose from {', '.join(schema.LAYERS)}"
            )
    wanted = set(layers) if layers else None
    layer = {nid: _layer_of(None, graph, nid) for nid in graph.nodes}
    ids = [nid for nid in graph.nodes if wanted is None or layer[nid] in wanted]
    by_layer: dict[str, list[str]] = {}
    for nid in sorted(ids, key=lambda i: (graph.nodes[i].kind, graph.nodes[i].name.lower(), i)):
        by_layer.setdefault(layer[nid], []).append(nid)
    pos, columns = _layout(by_layer)
    net = _net()
    for nid in ids:
        n = graph.nodes[nid]
        lines = [n.name, f"id: {nid}", f"layer: {layer[nid]}"]
        if n.roles:
            lines.append("roles: " + ", ".join(n.roles))
        if n.aliases:
            lines.append("also: " + "; ".join(n.aliases[:5]))
        lines += _graph_node_text(graph, nid)
        colour = LAYER_COLOURS.get(layer[nid], NO_DATA_COLOUR)
        x, y = pos[nid]
        net.add_node(nid, label=_short(n.name), title="\n".join(lines), shape="box",
                     color={"background": colour, "border": "#444444"},
                     font={"color": "#222222", "size": 14}, x=x, y=y, physics=False,
                     layer=layer[nid])
    drawn = set(ids)
    for e in graph.edges.values():
        if e.src not in drawn or e.dst not in drawn:
            continue
        flow = schema.flow_of(e.type)
        a, b = (e.dst, e.src) if flow == "reverse" else (e.src, e.dst)
        tip = [f"{graph.nodes[e.src].name} {e.type} {graph.nodes[e.dst].name}"]
        if e.weight is not None:
            tip.append(f"weight: {_num(e.weight)}")
        tip.append(f"source: {e.source} ({e.as_of}, {e.confidence})")
        if e.rationale:
            tip.append(f"rationale: {e.rationale}")
        net.add_edge(a, b, title="\n".join(tip), arrows="to" if flow != "none" else "",
                     dashes=flow == "none", color="#999999",
                     width=1 + 3 * (e.weight or 0.0), key=e.key)
    title = "riskgraph: " + (", ".join(layers) if layers else "all layers")
    return {"nodes": net.nodes, "edges": net.edges, "columns": columns, "title": title}


def _legend_graph(present: set[str]) -> str:
    items = "".join(
        f'<label><input type="checkbox" class="layer-toggle" value="{html.escape(lay)}" checked>'
        f'<span class="sw" style="background:{LAYER_COLOURS.get(lay, NO_DATA_COLOUR)}"></span>'
        f"{html.escape(lay)}</label> "
        for lay in [*LAYER_COLOURS, *sorted(present - set(LAYER_COLOURS))]
        if lay in present
    )
    return (
        f'<div class="legend"><b>Layers</b> (tick to show) {items}'
        "<div>Arrows point from supplier to customer; dashed links are not supply relations;"
        " thicker links carry more weight. Hover for values and sources; click a node to pin"
        " its details.</div></div>"
    )


def write_graph_html(graph: GraphData, path: str | Path, layers: list[str] | None = None) -> int:
    """Write the whole graph (or the given layers) as an HTML view; return the nodes drawn.

    Parameters
    ----------
    graph : GraphData
        The graph.
    path : str or Path
        The HTML file (written atomically).
    layers : list of str, optional
        Only these layers (names of ``schema.LAYERS``); the page can hide layers too.

    Raises
    ------
    UsageError
        An unknown layer.
    ExportError
        The file cannot be written.
    """
    data = graph_view_data(graph, layers)
    present = {c["layer"] for c in data["columns"] if c["n"]}
    _write_page(path, data, _legend_graph(present), layer_filter=True)
    return len(data["nodes"])


# ------------------------------------------------------------------------------ the page
_CSS = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fff; }
header { padding: 8px 14px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 18px; margin: 0 0 4px 0; }
#main { display: flex; height: calc(100vh - 150px); min-height: 420px; }
#rg-network { flex: 1; border-right: 1px solid #ddd; }
#rg-details { width: 320px; padding: 8px; overflow: auto; white-space: pre-wrap;
              font-size: 12px; }
.legend { font-size: 12px; }
.legend .bar { width: 260px; height: 12px; border: 1px solid #888; margin-top: 4px; }
.legend .ticks { width: 260px; display: flex; justify-content: space-between; }
.legend label { margin-right: 8px; white-space: nowrap; }
.sw { display: inline-block; width: 12px; height: 12px; border: 1px solid #444;
      vertical-align: middle; margin-right: 3px; }
.sw.thick { border-width: 3px; width: 8px; height: 8px; background: #fff; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 6px; white-space: pre-wrap;
      max-width: 520px; font-size: 12px; background: #f5f4ed; border: 1px solid #808074;
      border-radius: 3px; box-shadow: 3px 3px 10px rgba(0,0,0,0.2); pointer-events: none;
      z-index: 5; }
footer { font-size: 11px; color: #666; padding: 2px 14px; }
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hidden = {};
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return !hidden[n.layer]; }});
  var container = document.getElementById("rg-network");
  var options = {
    physics: {enabled: false},
    interaction: {hover: true, tooltipDelay: 120, navigationButtons: false},
    edges: {smooth: {type: "cubicBezier", forceDirection: "horizontal", roundness: 0.4},
            arrows: {to: {scaleFactor: 0.6}}},
    nodes: {margin: 6, widthConstraint: {maximum: 220}}
  };
  var network = new vis.Network(container, {nodes: nodeView, edges: edges}, options);
  function fit() {
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * 0.92, animation: false});
  }
  fit();
  var details = document.getElementById("rg-details");
  function show(id) {
    var n = nodes.get(id);
    details.textContent = n ? n.title : "";
  }
  network.on("click", function (p) { if (p.nodes.length) { show(p.nodes[0]); } });
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    var px = Math.round(16 / Math.max(network.getScale(), 0.05));
    ctx.font = "bold " + px + "px system-ui, sans-serif";
    ctx.fillStyle = "#555";
    ctx.textAlign = "center";
    var top = Infinity;
    nodeView.forEach(function (n) { if (n.y < top) { top = n.y; } });
    if (top === Infinity) { top = 0; }
    data.columns.forEach(function (c) {
      if (!hidden[c.layer]) { ctx.fillText(c.layer, c.x, top - 30 - px); }
    });
    ctx.restore();
  });
  function report() {
    var drawn = network.body.nodeIndices.length;
    document.getElementById("rg-drawn").textContent = String(drawn);
    document.body.setAttribute("data-drawn", String(drawn));
  }
  network.once("afterDrawing", report);
  Array.prototype.forEach.call(document.querySelectorAll(".layer-toggle"), function (box) {
    box.addEventListener("change", function () {
      hidden[box.value] = !box.checked;
      nodeView.refresh();
      network.once("afterDrawing", report);
      fit();
      network.redraw();
    });
  });
  var m = /[#&]node=([^&]*)/.exec(window.location.hash);
  if (m) {
    var id = decodeURIComponent(m[1]);
    if (nodes.get(id)) { network.selectNodes([id]); show(id); }
  }
  window.rgNetwork = network;
})();
"""


def _write_page(
    path: str | Path, data: dict[str, Any], legend_html: str, *, layer_filter: bool
) -> None:
    js, vis_version = _vis_assets()
    payload = {"nodes": data["nodes"], "edges": data["edges"], "columns": data["columns"]}
    title = html.escape(data["title"])
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        "<meta name=\"generator\" content=\"riskgraph\">\n"
        f"<style>{_CSS}</style>\n"
        f"<script>/* vis-network {vis_version}, bundled with pyvis; MIT/Apache-2.0 */\n{js}\n"
        "</script>\n</head>\n<body data-drawn=\"\">\n"
        f"<header><h1>{title}</h1>{legend_html}</header>\n"
        "<div id=\"main\"><div id=\"rg-network\"></div>"
        "<div id=\"rg-details\">Click a node for its details.</div></div>\n"
        f"<footer>{len(data['nodes'])} nodes, {len(data['edges'])} links; drawn: "
        "<span id=\"rg-drawn\">0</span>. Made with riskgraph.</footer>\n"
        f"<script type=\"application/json\" id=\"rg-data\">{script_json(payload)}</script>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )
    write_text(path, page)
