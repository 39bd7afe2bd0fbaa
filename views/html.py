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
SUBCOLUMN_SPACING = 250
ROW_SPACING = 70
MIN_ROWS = 15
NO_DATA_COLOUR = "#bdbdbd"
LABEL_WIDTH = 24  # characters per label line: names wrap onto lines, they are never cut
LINE_HEIGHT = 18  # px of one label line at font size 14 (vis-network box, margin 6)
BOX_GAP = 18  # px between two boxes of one sub-column
# The shock view draws the --top most affected nodes and, so that every layer down to the labs
# is on screen, the PER_LAYER most affected nodes of each layer.
PER_LAYER = 3
# The whole-graph view first shows the CORE_PER_LAYER best-connected nodes of each layer (all
# of a small layer); the rest are a search or a tick away.
CORE_PER_LAYER = 15

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


def _short(name: str, n: int = 28) -> str:
    name = " ".join(str(name).split())  # newlines and runs of blanks -> one space
    return name if len(name) <= n else name[: n - 1] + "…"


def wrap_label(name: str, width: int = LABEL_WIDTH) -> str:
    """``name`` on lines of at most ``width`` characters, broken at blanks; never cut.

    Examples
    --------
    >>> wrap_label("InP lasers and photonic chips")
    'InP lasers and photonic\nchips'
    >>> wrap_label("Gallium")
    'Gallium'
    """
    words = " ".join(str(name).split()).split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        while len(w) > width:  # a word longer than a line is split, not dropped
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(w[:width])
            w = w[width:]
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) <= width:
            cur += " " + w
        else:
            lines.append(cur)
            cur = w
    if cur or not lines:
        lines.append(cur)
    return "\n".join(lines)


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


def _shock_title(shock: dict[str, Any], targets: list[str], name_of: Any) -> str:
    """``Shock: Gallium -50%, downstream, model iim``: names, not ids."""
    what = ", ".join(name_of(str(t)) for t in targets) or str(shock.get("target") or "?")
    title = f"Shock: {what}"
    if shock.get("pct") is not None:
        title += f" -{_num(shock['pct'])}%"
    if shock.get("country"):
        title += f" (output of {name_of(str(shock['country']))})"
    if shock.get("direction"):
        title += f", {shock['direction']}"
    if shock.get("model"):
        title += f", model {shock['model']}"
    return title


def _depths(ids: list[str], links: list[tuple[str, str]]) -> dict[str, int]:
    """Longest number of ``links`` steps from a node without predecessors (cycles cut)."""
    depth = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):  # Bellman-Ford style: at most n rounds, so a cycle cannot loop
        changed = False
        for a, b in links:
            if a in depth and b in depth and a != b and depth[b] < depth[a] + 1 <= len(ids):
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    return depth


def _box_height(label: str) -> int:
    return LINE_HEIGHT * (label.count("\n") + 1) + 14


def _shock_layout(
    ids: list[str], layer: dict[str, str], depth: dict[str, int], order: dict[str, int],
    labels: dict[str, str], *, mirror: bool,
) -> tuple[dict[str, tuple[int, int]], list[dict[str, Any]]]:
    """One column block per layer; inside a layer one sub-column per step from the shock.

    A link between two nodes of one layer therefore runs from one sub-column to the next
    instead of straight down through the boxes between them.  Boxes are stacked by their real
    height (labels wrap), centred on y = 0.
    """
    by_layer: dict[str, list[str]] = {}
    for nid in ids:
        by_layer.setdefault(layer[nid], []).append(nid)
    lay_order = [lay for lay in schema.LAYERS] + sorted(set(by_layer) - set(schema.LAYERS))
    pos: dict[str, tuple[int, int]] = {}
    cols: list[dict[str, Any]] = []
    x = 0
    for lay in lay_order:
        members = by_layer.get(lay) or []
        if not members:
            continue
        steps = sorted({depth[n] for n in members}, reverse=mirror)
        for k, d in enumerate(steps):
            col = sorted((n for n in members if depth[n] == d), key=lambda n: order[n])
            heights = [_box_height(labels[n]) for n in col]
            total = sum(heights) + BOX_GAP * (len(col) - 1)
            y = -total / 2
            for nid, h in zip(col, heights, strict=True):
                pos[nid] = (x + k * SUBCOLUMN_SPACING, round(y + h / 2))
                y += h + BOX_GAP
        width = (len(steps) - 1) * SUBCOLUMN_SPACING
        cols.append({"layer": lay, "x": x + width // 2, "n": len(members)})
        x += width + LAYER_X_SPACING
    return pos, cols


def _edge_shape(pos: dict[str, tuple[int, int]], a: str, b: str) -> dict[str, Any]:
    """A link between two boxes of one sub-column bows out to the side (never behind boxes)."""
    (xa, ya), (xb, yb) = pos[a], pos[b]
    if xa == xb:
        return {"type": "curvedCW" if yb > ya else "curvedCCW", "roundness": 0.45}
    if xb < xa:  # against the flow of the columns
        return {"type": "curvedCCW", "roundness": 0.25}
    return {"type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.4}


def shock_subgraph(
    result: dict[str, Any], graph: GraphData | None = None, *, top: int | None = None,
    per_layer: int = PER_LAYER,
) -> dict[str, Any]:
    """The nodes and edges the shock view draws, as plain data (no HTML).

    Drawn nodes: the ``top`` most affected nodes of ``result["nodes"]`` (all of them when
    ``top`` is None), the ``per_layer`` most affected nodes of every layer (so every layer down
    to the labs is on screen when ``top`` is given), the shock's targets, and every end of a hop
    of their paths.  A drawn node's shortfall comes from ``result["nodes"]`` whether or not it
    is among the first ``top``: pass the full result (``run_shock(..., top=affected)``) and no
    affected node is drawn grey.  Drawn edges: the hops of the paths (thick), plus the graph's
    supply edges between drawn nodes (thin), oriented supplier -> customer.

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
    targets = [str(t) for t in targets]

    def sf_of(nid: str) -> float | None:
        v = listed.get(nid, {}).get("shortfall")
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            return None
        return float(v)

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

    ranked = sorted(listed, key=lambda i: (-(sf_of(i) or 0.0), name_of(i).lower(), i))
    chosen = list(ranked) if top is None else ranked[: max(0, top)]
    if top is not None:
        seen_per: dict[str, int] = {}
        for nid in chosen:
            lay = _layer_of(listed.get(nid), graph, nid)
            seen_per[lay] = seen_per.get(lay, 0) + 1
        for nid in ranked:  # every layer to the labs: its most affected nodes
            lay = _layer_of(listed.get(nid), graph, nid)
            if nid not in chosen and seen_per.get(lay, 0) < per_layer:
                chosen.append(nid)
                seen_per[lay] = seen_per.get(lay, 0) + 1
    ids: list[str] = list(chosen)
    for t in targets:
        if t not in ids:
            ids.append(t)
    hops: list[dict[str, Any]] = []
    for nid in chosen:
        for p in listed[nid].get("paths") or []:
            if not isinstance(p, dict):
                continue
            for h in p.get("hops") or []:
                if isinstance(h, dict) and h.get("src") is not None and h.get("dst") is not None:
                    hops.append(h)
                    for end in (str(h["src"]), str(h["dst"])):
                        if end not in ids:
                            ids.append(end)

    names = {nid: name_of(nid) for nid in ids}
    layer = {nid: _layer_of(listed.get(nid), graph, nid) for nid in ids}
    shortfall = {nid: sf_of(nid) for nid in ids}
    labels = {
        nid: wrap_label(names[nid]) + (f"\n{_pct(shortfall[nid])}"
                                       if shortfall[nid] is not None else "")
        for nid in ids
    }

    # thin context links: the graph's supply edges between drawn nodes
    drawn = set(ids)
    seen: set[tuple[str, str, str]] = set()
    hop_links: list[tuple[str, str, dict[str, Any]]] = []
    for h in hops:
        k = (str(h["src"]), str(h["dst"]), str(h.get("type") or ""))
        if k not in seen:
            seen.add(k)
            hop_links.append((k[0], k[1], h))
    thin: list[tuple[str, str, Any]] = []
    if graph is not None:
        for e in graph.edges.values():
            flow = schema.flow_of(e.type)
            if flow == "none":
                continue
            sup, cus = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
            if sup in drawn and cus in drawn and (sup, cus, e.type) not in seen:
                seen.add((sup, cus, e.type))
                thin.append((sup, cus, e))

    # inside a layer: the longest chain of links within that layer ending at the node
    depth = _depths(ids, [(a, b) for a, b, _ in [*hop_links, *thin] if layer[a] == layer[b]])
    order = {nid: i for i, nid in enumerate(
        sorted(ids, key=lambda i: (-(shortfall[i] or 0.0), names[i].lower(), i)))}
    pos, columns = _shock_layout(ids, layer, depth, order, labels,
                                 mirror=shock.get("direction") == "upstream")

    net = _net()
    for nid in ids:
        n = listed.get(nid, {})
        sf = shortfall[nid]
        lines = [names[nid], f"id: {nid}", f"layer: {layer[nid]}"]
        if nid in targets:
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
            label=labels[nid],
            title="\n".join(lines),
            color={"background": colour, "border": "#444444",
                   "highlight": {"background": colour, "border": "#000000"}},
            font={"color": _text_colour(colour), "size": 14},
            borderWidth=3 if nid in targets else 1,
            shape="box",
            x=x, y=y, physics=False,
            layer=layer[nid], shortfall=sf,
        )

    for a, b, h in hop_links:
        tip = [_hop_text(h, names)]
        if h.get("source"):
            conf = f" [{h['confidence']}]" if h.get("confidence") else ""
            tip.append(f"source: {h['source']}{conf}")
        net.add_edge(a, b, title="\n".join(tip), width=3, color="#555555",
                     arrows="to", path=True, smooth=_edge_shape(pos, a, b))
    for sup, cus, e in thin:
        tip = [f"{names[sup]} -> {names[cus]} ({e.type}"
               + (f", weight {_num(e.weight)})" if e.weight is not None else ")"),
               f"source: {e.source} ({e.as_of}, {e.confidence})"]
        net.add_edge(sup, cus, title="\n".join(tip), width=1, color="#aaaaaa",
                     arrows="to", path=False, smooth=_edge_shape(pos, sup, cus))

    title = _shock_title(shock, targets, name_of)
    shown = len(ids)
    total = result.get("affected") if isinstance(result.get("affected"), int) else None
    note = ""
    if total is not None and len(listed) < total:
        note = (f"{shown} nodes drawn; the result lists {len(listed)} of the {total} affected "
                "nodes (nodes on a path but not listed have no figure here)")
    elif top is not None and len(listed) > len(chosen):
        note = (f"the {min(top, len(ranked))} most affected nodes and the {per_layer} most "
                f"affected of each layer, with their paths: {shown} of "
                f"{total if total is not None else len(listed)} affected nodes drawn")
    return {"nodes": net.nodes, "edges": net.edges, "columns": columns, "title": title,
            "note": note}


def _legend_shock() -> str:
    stops = ", ".join(f"{c} {100 * i / (len(YLORRD) - 1):.0f}%" for i, c in enumerate(YLORRD))
    return (
        '<div class="legend"><b>Supply shortfall</b>'
        f'<div class="bar" style="background: linear-gradient(to right, {stops});"></div>'
        '<div class="ticks"><span>0%</span><span>25%</span><span>50%</span><span>75%</span>'
        "<span>100%</span></div>"
        f'<div><span class="sw" style="background:{NO_DATA_COLOUR}"></span> no shortfall'
        " figure in the result"
        ' &nbsp; <span class="sw thick"></span> shock target'
        ' &nbsp; <b>&#8212;</b> path carrying the shock &nbsp; '
        '<span style="color:#999">&#8212;</span> other supply link</div>'
        "<div>Columns are layers; inside a layer, left to right, the steps from the shock."
        " Arrows point from supplier to customer. Hover a node or link for values and"
        " sources; click a node to pin its details.</div></div>"
    )


def write_shock_html(
    result: dict[str, Any], graph: GraphData | None, path: str | Path, *,
    top: int | None = None, per_layer: int = PER_LAYER,
) -> int:
    """Write the HTML view of a shock result; return the number of nodes drawn.

    Parameters
    ----------
    result : dict
        The shock result (JSON schema ``riskgraph.shock/2``): ``shock`` (targets, pct, country,
        direction, model), ``nodes`` (id, name, layer, shortfall, rank, absolute, paths).
        Extra fields are ignored.
    graph : GraphData or None
        The graph the shock ran on: adds node sources and the supply links between drawn
        nodes.  Optional.
    path : str or Path
        The HTML file (written atomically).
    top, per_layer : int
        Draw the ``top`` most affected nodes and the ``per_layer`` most affected of each layer
        (with their paths); ``top=None`` draws every node of the result.  See
        :func:`shock_subgraph`.

    Raises
    ------
    UsageError
        ``result`` is not a shock result.
    ExportError
        The file cannot be written.
    """
    sub = shock_subgraph(result, graph, top=top, per_layer=per_layer)
    drawn = {str(n.get("id")) for n in sub["nodes"]}
    _write_page(path, sub, _legend_shock(), layer_filter=False,
                after_html=dynamic_charts_html(result, only=drawn))
    return len(sub["nodes"])


# ------------------------------------------------------------------------------ dynamic paths
CHART_W, CHART_H, CHART_PAD = 240, 70, 4
MAX_CHARTS = 24


def path_svg(path: list[float], *, static: float | None = None, label: str = "") -> str:
    """A small inline SVG of a monthly shortfall path (x: months 1 to the horizon; y from 0 to
    the larger of the peak and the static answer, labelled; the static answer dashed).
    ``label`` becomes the SVG's escaped title.

    >>> svg = path_svg([0.0, 0.5, 0.5], static=0.5, label="<Ga>")
    >>> svg.startswith("<svg") and "&lt;Ga&gt;" in svg and "<Ga>" not in svg
    True
    """
    vals = [max(0.0, min(1.0, float(v))) for v in path if isinstance(v, int | float)]
    top = max([*vals, float(static or 0.0), 1e-9])
    w, h, pad = CHART_W, CHART_H, CHART_PAD
    n = max(len(vals) - 1, 1)

    def xy(k: int, v: float) -> str:
        return f"{pad + (w - 2 * pad) * k / n:.1f},{h - pad - (h - 2 * pad) * v / top:.1f}"

    pts = " ".join(xy(k, v) for k, v in enumerate(vals))
    ref = ""
    if static is not None:
        y = h - pad - (h - 2 * pad) * float(static) / top
        ref = (f'<line x1="{pad}" y1="{y:.1f}" x2="{w - pad}" y2="{y:.1f}" stroke="#888" '
               'stroke-dasharray="4 3" stroke-width="1"/>')
    ticks = (f'<text x="{pad}" y="{h - pad - 2}" font-size="9" fill="#666">1</text>'
             f'<text x="{w - pad}" y="{h - pad - 2}" font-size="9" fill="#666" '
             f'text-anchor="end">{len(vals)}</text>'
             f'<text x="{pad}" y="{pad + 8}" font-size="9" fill="#666">{_pct(top)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" role="img"><title>{html.escape(label)}</title>'
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="#fafafa" stroke="#ddd"/>{ref}'
            f'{ticks}<polyline points="{pts}" fill="none" stroke="#bd0026" stroke-width="2"/>'
            "</svg>")


def dynamic_charts_html(result: dict[str, Any], *, only: set[str] | None = None,
                        limit: int = MAX_CHARTS) -> str:
    """The monthly paths of the ``dynamic`` block (schema ``riskgraph.shock/2``) as a row of
    small charts, one per listed node (those in ``only`` when given, at most ``limit``); ``""``
    without a dynamic run.  Every text is escaped."""
    blk = result.get("dynamic")
    if not isinstance(blk, dict) or not blk.get("nodes"):
        return ""
    names = {str(n.get("id")): str(n.get("name", n.get("id"))) for n in result.get("nodes", [])}
    h = int(blk.get("horizon", 0))
    cut = ("the cut lasts the whole horizon" if blk.get("permanent")
           else f"the cut lasts {int(blk.get('duration', 0))} months, then recovery")
    cells: list[str] = []
    for d in blk["nodes"]:
        nid = str(d.get("id"))
        if only is not None and nid not in only:
            continue
        if len(cells) >= limit:
            break
        name = names.get(nid, nid)
        first = d.get("first_month")
        back = d.get("back_by")
        facts = [f"peak {_pct(d.get('peak'))}"
                 + (f" in month {d['peak_month']}" if d.get("peak_month") else ""),
                 f"static {_pct(d.get('static'))}",
                 f"hit from month {first}" if first else f"no shortfall within {h} months",
                 f"{_num(d.get('cumulative_loss'))} months of output lost"]
        if back:
            facts.append(f"back by month {back}")
        text = "; ".join(facts)
        svg = path_svg(list(d.get("path") or []), static=d.get("static"),
                       label=f"{name}: {text}")
        cells.append(f'<figure class="rg-dyn">{svg}<figcaption><b>{html.escape(name)}</b><br>'
                     f"{html.escape(text)}</figcaption></figure>")
    if not cells:
        return ""
    head = (f"Monthly shortfall over {h} months ({cut}; one month per supply hop, inventories "
            "first; dashed: the static answer)")
    return (f'<section id="rg-dynamic"><h2>{html.escape(head)}</h2>'
            f'<div class="rg-dyn-row">{"".join(cells)}</div></section>')


# ------------------------------------------------------------------------------ whole graph
def graph_view_data(
    graph: GraphData, layers: list[str] | None = None, *, core_per_layer: int = CORE_PER_LAYER,
) -> dict[str, Any]:
    """Nodes and edges of the whole-graph view (optionally only some layers), as plain data.

    Each node has ``core`` (drawn on first load: the ``core_per_layer`` nodes of its layer that
    are on the chain to the labs, best-connected first; every node of a smaller layer) and
    ``order`` (its place in its column).  Records
    of one relation (USGS gives a share per year and release) are drawn as one link, the
    current one (``default``, else the newest), its tooltip saying how many records it stands
    for.  The page lays the visible nodes out itself (a column per layer).

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
    drawn = set(ids)
    # one link per (from, to, type): the current record
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for e in graph.edges.values():
        if e.src not in drawn or e.dst not in drawn:
            continue
        flow = schema.flow_of(e.type)
        a, b = (e.dst, e.src) if flow == "reverse" else (e.src, e.dst)
        groups.setdefault((a, b, e.type), []).append(e)
    degree = dict.fromkeys(ids, 0)
    for a, b, _t in groups:
        degree[a] += 1
        degree[b] += 1
    by_layer: dict[str, list[str]] = {}
    for nid in sorted(ids, key=lambda i: (graph.nodes[i].kind, graph.nodes[i].name.lower(), i)):
        by_layer.setdefault(layer[nid], []).append(nid)
    # First the nodes on the chain to the labs (a supply path to a lab or cloud), then by links.
    suppliers: dict[str, set[str]] = {}
    for a, b, t in groups:
        if schema.flow_of(t) != "none":
            suppliers.setdefault(b, set()).add(a)
    chain = {nid for nid in ids if layer[nid] in ("labs", "clouds")}
    todo = list(chain)
    while todo:
        for sup in suppliers.get(todo.pop(), ()):
            if sup not in chain:
                chain.add(sup)
                todo.append(sup)
    core: set[str] = set()
    for members in by_layer.values():
        best = sorted(members, key=lambda i: (i not in chain, -degree[i],
                                              graph.nodes[i].name.lower(), i))
        core.update(best[:core_per_layer])
    order = {nid: i for members in by_layer.values() for i, nid in enumerate(members)}
    lay_order = [lay for lay in schema.LAYERS if lay in by_layer] + sorted(
        set(by_layer) - set(schema.LAYERS))
    net = _net()
    for nid in ids:
        n = graph.nodes[nid]
        lines = [n.name, f"id: {nid}", f"layer: {layer[nid]}", f"links: {degree[nid]}"]
        if n.roles:
            lines.append("roles: " + ", ".join(n.roles))
        if n.aliases:
            lines.append("also: " + "; ".join(n.aliases[:5]))
        lines += _graph_node_text(graph, nid)
        colour = LAYER_COLOURS.get(layer[nid], NO_DATA_COLOUR)
        net.add_node(nid, label=wrap_label(n.name), title="\n".join(lines), shape="box",
                     color={"background": colour, "border": "#444444"},
                     font={"color": "#222222", "size": 14}, x=0, y=0, physics=False,
                     layer=layer[nid], core=nid in core, order=order[nid])
    for (a, b, etype), recs in groups.items():
        def rank(e: Any) -> tuple[bool, str]:
            return (bool(e.props.get("default")), str(e.props.get("year") or e.as_of))
        e = max(recs, key=rank)
        flow = schema.flow_of(etype)
        tip = [f"{graph.nodes[e.src].name} {etype} {graph.nodes[e.dst].name}"]
        if e.weight is not None:
            tip.append(f"weight: {_num(e.weight)}")
        tip.append(f"source: {e.source} ({e.as_of}, {e.confidence})")
        if e.rationale:
            tip.append(f"rationale: {e.rationale}")
        if len(recs) > 1:
            tip.append(f"({len(recs)} records of this relation, years or releases; the current "
                       "one shown)")
        net.add_edge(a, b, title="\n".join(tip), arrows="to" if flow != "none" else "",
                     dashes=flow == "none", color="#999999",
                     width=1 + 3 * (e.weight or 0.0), key=e.key)
    columns = [{"layer": lay, "x": 0, "n": len(by_layer[lay])} for lay in lay_order]
    title = "riskgraph: " + (", ".join(layers) if layers else "all layers")
    return {"nodes": net.nodes, "edges": net.edges, "columns": columns, "title": title,
            "core_per_layer": core_per_layer, "core": len(core)}


def _legend_graph(present: set[str], data: dict[str, Any]) -> str:
    items = "".join(
        f'<label><input type="checkbox" class="layer-toggle" value="{html.escape(lay)}" checked>'
        f'<span class="sw" style="background:{LAYER_COLOURS.get(lay, NO_DATA_COLOUR)}"></span>'
        f"{html.escape(lay)}</label> "
        for lay in [*LAYER_COLOURS, *sorted(present - set(LAYER_COLOURS))]
        if lay in present
    )
    total = len(data["nodes"])
    return (
        f'<div class="legend"><b>Layers</b> (tick to show) {items}'
        '<div class="search"><input id="rg-search" type="search" list="rg-names" size="34"'
        ' placeholder="search a name or id, then Enter" aria-label="search a node">'
        '<datalist id="rg-names"></datalist> '
        '<button id="rg-core" type="button">chain to the labs</button> '
        f'<button id="rg-all" type="button">all {total} nodes</button> '
        '<span id="rg-status"></span></div>'
        "<div>Arrows point from supplier to customer; dashed links are not supply relations;"
        " thicker links carry more weight. Hover for values and sources; click a node to pin"
        " its details; search shows a node with its neighbours.</div></div>"
    )


def write_graph_html(graph: GraphData, path: str | Path, layers: list[str] | None = None) -> int:
    """Write the whole graph (or the given layers) as an HTML view; return the nodes drawn.

    The page opens on the best-connected nodes of each layer (:func:`graph_view_data`), with a
    search box (a node and its neighbours) and a button for all nodes.

    Parameters
    ----------
    graph : GraphData
        The graph.
    path : str or Path
        The HTML file (written atomically).
    layers : list of str, optional
        Only these layers (names of ``schema.LAYERS``); the page can hide layers too.

    Returns
    -------
    int
        The number of nodes drawn on first load.

    Raises
    ------
    UsageError
        An unknown layer.
    ExportError
        The file cannot be written.
    """
    data = graph_view_data(graph, layers)
    present = {c["layer"] for c in data["columns"] if c["n"]}
    _write_page(path, data, _legend_graph(present, data), layer_filter=True)
    return int(data["core"])


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
#rg-dynamic { padding: 8px 14px; border-top: 1px solid #ddd; }
#rg-dynamic h2 { font-size: 14px; margin: 0 0 6px 0; }
.rg-dyn-row { display: flex; flex-wrap: wrap; gap: 10px; }
.rg-dyn { margin: 0; width: 240px; font-size: 11px; }
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
.legend .search { margin: 4px 0; }
#rg-status, .note { color: #555; font-size: 12px; }
"""

_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var hidden = {};
  var graphMode = !!data.graph;   // the whole-graph view: filtered first load, search, layout
  var showAll = false;
  var revealed = {};
  function visible(n) {
    if (hidden[n.layer]) { return false; }
    if (!graphMode || showAll) { return true; }
    return !!(n.core || revealed[n.id]);
  }
  var nodeView = new vis.DataView(nodes, {filter: visible});
  var container = document.getElementById("rg-network");
  var options = {
    physics: {enabled: false},
    interaction: {hover: true, tooltipDelay: 120, navigationButtons: false},
    edges: {smooth: {type: "cubicBezier", forceDirection: "horizontal", roundness: 0.4},
            arrows: {to: {scaleFactor: 0.6}}},
    nodes: {margin: 6, widthConstraint: {maximum: 240}}
  };
  function boxHeight(n) { return 18 * (String(n.label).split("\\n").length) + 14; }
  // The whole-graph view lays out what is visible: a column per layer, wrapped into
  // sub-columns when long, boxes stacked by their height.
  function relayout() {
    if (!graphMode) { return; }
    var byLayer = {};
    nodeView.get().forEach(function (n) { (byLayer[n.layer] = byLayer[n.layer] || []).push(n); });
    var total = nodeView.length;
    var rows = Math.max(15, Math.ceil(Math.sqrt(2 * total)));
    var x = 0, updates = [];
    data.columns.forEach(function (c) {
      var list = (byLayer[c.layer] || []).sort(function (a, b) { return a.order - b.order; });
      if (!list.length) { c.shown = false; return; }
      c.shown = true;
      var nSub = Math.max(1, Math.ceil(list.length / rows));
      var per = Math.ceil(list.length / nSub);
      for (var s = 0; s < nSub; s++) {
        var col = list.slice(s * per, (s + 1) * per);
        var height = 0;
        col.forEach(function (n) { height += boxHeight(n) + 18; });
        var y = -height / 2;
        col.forEach(function (n) {
          var h = boxHeight(n);
          updates.push({id: n.id, x: x + s * 260, y: Math.round(y + h / 2)});
          y += h + 18;
        });
      }
      c.x = x + (nSub - 1) * 130;
      x += (nSub - 1) * 260 + 340;
    });
    nodes.update(updates);
    // a link inside one sub-column bows out to the side instead of running behind the boxes
    var at = {};
    updates.forEach(function (u) { at[u.id] = u; });
    var bent = [];
    edges.forEach(function (e) {
      var a = at[e.from], b = at[e.to];
      if (a && b && a.x === b.x) {
        bent.push({id: e.id, smooth: {type: b.y > a.y ? "curvedCW" : "curvedCCW",
                                      roundness: 0.5}});
      } else if (e.smooth) {
        bent.push({id: e.id, smooth: {type: "cubicBezier", forceDirection: "horizontal",
                                      roundness: 0.4}});
      }
    });
    edges.update(bent);
  }
  relayout();
  var network = new vis.Network(container, {nodes: nodeView, edges: edges}, options);
  function fit() {
    network.fit({animation: false});
    network.moveTo({scale: network.getScale() * 0.86, animation: false});
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
    nodeView.forEach(function (n) {
      var y = network.getPositions([n.id])[n.id];
      var t = (y ? y.y : n.y) - boxHeight(n) / 2;
      if (t < top) { top = t; }
    });
    if (top === Infinity) { top = 0; }
    data.columns.forEach(function (c) {
      if (!hidden[c.layer] && c.shown !== false) { ctx.fillText(c.layer, c.x, top - 20 - px); }
    });
    ctx.restore();
  });
  var status = document.getElementById("rg-status");
  function report() {
    var drawn = network.body.nodeIndices.length;
    document.getElementById("rg-drawn").textContent = String(drawn);
    document.body.setAttribute("data-drawn", String(drawn));
    if (status) {
      status.textContent = showAll ? "showing all " + drawn + " nodes" :
        "showing " + drawn + " of " + data.nodes.length + " nodes: per layer the " +
        data.core_per_layer + " best-connected on the chain to the labs" +
        (Object.keys(revealed).length ? ", and what you searched" : "");
    }
  }
  function refresh() {
    nodeView.refresh();
    relayout();
    network.once("afterDrawing", report);
    fit();
    network.redraw();
  }
  network.once("afterDrawing", report);
  Array.prototype.forEach.call(document.querySelectorAll(".layer-toggle"), function (box) {
    box.addEventListener("change", function () {
      hidden[box.value] = !box.checked;
      refresh();
    });
  });
  function neighbours(id) {
    var out = [id];
    edges.forEach(function (e) {
      if (e.from === id) { out.push(e.to); } else if (e.to === id) { out.push(e.from); }
    });
    return out;
  }
  function find(q) {
    q = q.trim().toLowerCase();
    if (!q) { return null; }
    var exact = null, part = null;
    nodes.forEach(function (n) {
      var name = String(n.title).split("\\n")[0].toLowerCase();
      if (exact === null && (name === q || String(n.id).toLowerCase() === q)) { exact = n.id; }
      if (part === null && (name.indexOf(q) >= 0 || String(n.id).toLowerCase().indexOf(q) >= 0)) {
        part = n.id;
      }
    });
    return exact !== null ? exact : part;
  }
  function reveal(id) {
    neighbours(id).forEach(function (x) {
      revealed[x] = true;
      var n = nodes.get(x);
      if (n && hidden[n.layer]) {
        hidden[n.layer] = false;
        var box = document.querySelector('.layer-toggle[value="' + n.layer + '"]');
        if (box) { box.checked = true; }
      }
    });
    refresh();
    network.selectNodes([id]);
    show(id);
  }
  var search = document.getElementById("rg-search");
  if (search) {
    var list = document.getElementById("rg-names");
    nodes.forEach(function (n) {
      var o = document.createElement("option");
      o.value = String(n.title).split("\\n")[0];
      list.appendChild(o);
    });
    var go = function () {
      var id = find(search.value);
      if (id === null) {
        status.textContent = "no node matches \\u201c" + search.value + "\\u201d";
        return;
      }
      reveal(id);
      document.body.setAttribute("data-found", String(id));
    };
    search.addEventListener("change", go);
    search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
    document.getElementById("rg-all").addEventListener("click", function () {
      showAll = true; refresh();
    });
    document.getElementById("rg-core").addEventListener("click", function () {
      showAll = false; revealed = {}; refresh();
    });
  }
  var m = /[#&]node=([^&]*)/.exec(window.location.hash);
  if (m) {
    var id = decodeURIComponent(m[1]);
    if (nodes.get(id)) {
      if (graphMode && !visible(nodes.get(id))) { reveal(id); }
      network.selectNodes([id]); show(id);
    }
  }
  var sq = /[#&]search=([^&]*)/.exec(window.location.hash);
  if (sq && search) {
    search.value = decodeURIComponent(sq[1]);
    search.dispatchEvent(new Event("change"));
  }
  if (/[#&]all\\b/.test(window.location.hash) && graphMode) {
    showAll = true; refresh();
  }
  window.rgNetwork = network;
})();
"""


def _write_page(
    path: str | Path, data: dict[str, Any], legend_html: str, *, layer_filter: bool,
    after_html: str = "",
) -> None:
    js, vis_version = _vis_assets()
    payload = {"nodes": data["nodes"], "edges": data["edges"], "columns": data["columns"],
               "graph": layer_filter, "core_per_layer": data.get("core_per_layer")}
    title = html.escape(data["title"])
    note = (f'<div class="note" id="rg-note">{html.escape(data["note"])}</div>'
            if data.get("note") else "")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        "<meta name=\"generator\" content=\"riskgraph\">\n"
        f"<style>{_CSS}</style>\n"
        f"<script>/* vis-network {vis_version}, bundled with pyvis; MIT/Apache-2.0 */\n{js}\n"
        "</script>\n</head>\n<body data-drawn=\"\">\n"
        f"<header><h1>{title}</h1>{legend_html}{note}</header>\n"
        "<div id=\"main\"><div id=\"rg-network\"></div>"
        "<div id=\"rg-details\">Click a node for its details.</div></div>\n"
        f"{after_html}"
        f"<footer>{len(data['nodes'])} nodes, {len(data['edges'])} links; drawn: "
        "<span id=\"rg-drawn\">0</span>. Made with riskgraph.</footer>\n"
        f"<script type=\"application/json\" id=\"rg-data\">{script_json(payload)}</script>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )
    write_text(path, page)
