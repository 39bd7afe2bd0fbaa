"""The Python API for notebooks and scripts (``import riskgraph as rg``).

::

    import riskgraph as rg
    g = rg.load_graph()                      # optional: every function loads the shipped graph
    r = rg.shock("gallium", pct=50)          # same defaults and numbers as `riskgraph shock`
    r.to_frame()                             # pandas: one row per listed node
    r.paths("OpenAI")                        # the paths that carry the shock into OpenAI
    r.to_dict()                              # equal to `riskgraph shock ... --format json`
    rg.sensitivity("gallium", pct=50, node="OpenAI").to_frame()
    rg.paths("gallium", "OpenAI")            # dependency paths between two nodes
    rg.show("TSMC")                          # one node, as `riskgraph show TSMC --format json`
    rg.exposure("Vertiv").to_frame()         # AI share of revenue, by customer (USD million)
    rg.shock("labs", pct=30, direction="upstream").revenue_at_risk()   # the money table

``riskgraph/__init__.py`` exposes these names lazily (PEP 562), so ``import riskgraph`` and the
CLI stay fast; this module imports the engine and the loaders when first used.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskgraph.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from riskgraph.engine.compile import CompiledGraph
    from riskgraph.graph.model import GraphData

# The defaults of `riskgraph shock` (tests check that both agree).
DEFAULT_TOP = 20

_GRAPHS: dict[tuple[str, ...], GraphData] = {}
_COMPILED: dict[int, tuple[GraphData, CompiledGraph]] = {}


def load_graph(data_dir: str | Path | Iterable[str | Path] | None = None, *,
               use_cache: bool = True) -> GraphData:
    """The merged graph (shipped data plus ``data_dir`` folders of your own curated CSVs).

    Kept in memory per ``data_dir`` for the session (and on disk by the loaders' cache);
    ``use_cache=False`` rebuilds it.
    """
    from riskgraph.ingest.build import load_graph as _load

    if data_dir is None:
        dirs: list[Path] = []
    elif isinstance(data_dir, str | Path):
        dirs = [Path(data_dir)]
    else:
        dirs = [Path(d) for d in data_dir]
    key = tuple(str(d) for d in dirs)
    if use_cache and key in _GRAPHS:
        return _GRAPHS[key]
    g = _load(dirs or None, use_cache=use_cache)
    _GRAPHS[key] = g
    return g


def _graph(graph: GraphData | None) -> GraphData:
    return graph if graph is not None else load_graph()


def _compiled(graph: GraphData) -> CompiledGraph:
    from riskgraph.engine.compile import compile_graph

    hit = _COMPILED.get(id(graph))
    if hit is not None and hit[0] is graph:
        return hit[1]
    cg = compile_graph(graph)
    _COMPILED[id(graph)] = (graph, cg)
    return cg


def _jsonable(obj: Any) -> Any:
    """The object as ``json.loads(json.dumps(obj))``: what the CLI's ``--format json`` prints."""
    return json.loads(json.dumps(obj, ensure_ascii=False))


class ShockResult:
    """One shock's result (schema ``riskgraph.shock/2``) with notebook helpers.

    Attributes
    ----------
    data : dict
        The result dict, as ``riskgraph shock ... --format json`` prints it.
    graph : GraphData
        The graph it ran on.
    """

    def __init__(self, data: dict[str, Any], graph: GraphData, options: dict[str, Any]) -> None:
        self.data = data
        self.graph = graph
        self.options = options

    def __repr__(self) -> str:
        sh = self.data["shock"]
        return (f"<ShockResult {sh['target']} -{sh['pct']:g}% ({sh['model']}, {sh['direction']}):"
                f" {self.data['affected']} nodes affected, {len(self.data['nodes'])} listed>")

    def _repr_html_(self) -> str:
        import html

        head = html.escape(repr(self))
        return f"<p>{head}</p>" + self.to_frame().to_html(max_rows=40)

    # -- conversions -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON data: equal to the CLI's ``--format json`` output."""
        out: dict[str, Any] = _jsonable(self.data)
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        """The JSON text (as the CLI prints it); written to ``path`` if given.

        A saved result is what ``riskgraph compare A.json B.json`` reads.
        """
        text = json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"
        if path is not None:
            from riskgraph.export.atomic import write_text

            write_text(path, text)
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per listed node: rank, id, name, kind, layer, shortfall, absolute, unit,
        Monte Carlo band (if drawn), initial shock, capped, main path (full)."""
        import pandas as pd

        from riskgraph.engine.result import main_path_text, names_of

        names = names_of(self.data)
        rows = []
        for n in self.data["nodes"]:
            ab = n.get("absolute") or {}
            mc = n.get("monte_carlo") or {}
            rows.append({
                "rank": n["rank"], "id": n["id"], "name": n["name"], "kind": n["kind"],
                "layer": n["layer"], "shortfall": n["shortfall"],
                "absolute": ab.get("value"), "unit": ab.get("unit"),
                "mc_median": mc.get("median"), "mc_p5": mc.get("p5"), "mc_p95": mc.get("p95"),
                "initial_shock": n["initial_shock"], "capped": n["capped"],
                "main_path": main_path_text(n, names),
            })
        cols = ["rank", "id", "name", "kind", "layer", "shortfall", "absolute", "unit",
                "mc_median", "mc_p5", "mc_p95", "initial_shock", "capped", "main_path"]
        df = pd.DataFrame(rows, columns=cols)
        if not self.data.get("monte_carlo"):
            df = df.drop(columns=["mc_median", "mc_p5", "mc_p95"])
        return df.set_index("rank")

    def monthly(self) -> pd.DataFrame:
        """The dynamic model's monthly shortfall paths: one row per month (1 ... horizon), one
        column per listed node (its name); empty without a dynamic run (``horizon=0``)."""
        import pandas as pd

        blk = self.data.get("dynamic")
        if not blk:
            return pd.DataFrame()
        names = {n["id"]: n["name"] for n in self.data["nodes"]}
        cols = {names.get(d["id"], d["id"]): d["path"] for d in blk["nodes"]}
        df = pd.DataFrame(cols, index=pd.RangeIndex(1, int(blk["horizon"]) + 1, name="month"))
        return df

    def layers(self) -> pd.DataFrame:
        """The per-layer summary: affected count, max, mean, most affected node."""
        import pandas as pd

        return pd.DataFrame(self.data["layers"]).set_index("layer")

    # -- explanations ------------------------------------------------------------------------
    def node(self, name: str) -> dict[str, Any]:
        """The listed node ``name`` (name, alias or id) as in the JSON, or a UsageError."""
        from riskgraph.graph.lookup import find_node

        nid = find_node(self.graph, name)
        for n in self.data["nodes"]:
            if n["id"] == nid:
                return dict(n)
        raise UsageError(f"{nid} is not among the {len(self.data['nodes'])} listed nodes of this "
                         "result (raise top=...)")

    def paths(self, name: str) -> pd.DataFrame:
        """The paths that carry this shock into ``name``, best first: one row per path with its
        contribution, the readable chain and the hops (weights, sources) as a list.

        Nodes outside the listed ``top`` are explained too (the paths are searched for them).
        """
        import pandas as pd

        from riskgraph.graph.lookup import find_node

        nid = find_node(self.graph, name)
        listed = {n["id"]: n for n in self.data["nodes"]}
        names = {n.id: n.name for n in self.graph.nodes.values()}
        plist = listed[nid]["paths"] if nid in listed else self._search_paths(nid)
        rows = []
        for k, p in enumerate(plist, 1):
            ids = [p["start"]] + [h["dst"] for h in p["hops"]]
            rows.append({
                "path": k,
                "contribution": p["contribution"],
                "hops": len(p["hops"]),
                "chain": " -> ".join(names.get(i, i) for i in ids),
                "estimated_hops": sum(h["confidence"] == "estimated" for h in p["hops"]),
                "detail": p["hops"],
            })
        return pd.DataFrame(rows, columns=["path", "contribution", "hops", "chain",
                                           "estimated_hops", "detail"]).set_index("path")

    def _search_paths(self, nid: str) -> list[dict[str, Any]]:
        from riskgraph.engine import shock as eng
        from riskgraph.engine.paths import path_to_dict, top_paths

        o = self.options
        cg = _compiled(self.graph)
        target = o["target"]
        if o.get("usd") is not None:  # capex:COMPANY: the share model cuts the company
            target = self.data["shock"]["targets"][0]
        setup = eng.resolve(self.graph, target, sets=o["sets"], compiled=cg)
        pert = eng.perturb(self.graph, setup, o["pct"], country=o["country"],
                           direction=o["direction"])
        upstream = o["direction"] == "upstream"
        eng.with_market(self.graph, setup, pert, o["pct"], model=o["model"],
                        direction=o["direction"], country=o["country"],
                        allocation=o.get("allocation"), supply_response=o.get("supply_response"),
                        exports_to=o.get("exports_to"))  # issue 13, as run_shock does
        prop = eng.propagate(setup, pert.c, model=o["model"], upstream=upstream)
        p = setup.params
        i = cg.index[nid]
        pv = prop.arc_values if prop.path_values is None else prop.path_values
        pc = pert.c if prop.path_c is None else prop.path_c
        got = top_paths(cg, pv, pc, {i}, k=max(1, p.paths_per_node),
                        upstream=upstream, max_expansions=p.max_path_expansions,
                        min_contribution=p.min_path_contribution * float(pc.max()))
        return [path_to_dict(cg, pp, upstream=upstream, arrays=setup.arrays)
                for pp in got.get(i, [])]

    def revenue_at_risk(self) -> pd.DataFrame:
        """The money table of an upstream run: one row per company with revenue at risk
        (USD million, with the low/high band of the flows), its share of revenue and the main
        path; companies in no flow of the year (``not_covered``) are not rows, as they are not
        measured. Raises :class:`UsageError` for a downstream run, which has no money model.
        """
        import pandas as pd

        from riskgraph.engine.money import main_path

        m = self.data.get("money")
        if not m:
            raise UsageError("revenue at risk needs an upstream shock (direction='upstream') "
                             "on a graph with AI spend flows")
        names = {**(self.data.get("names") or {}), **(m.get("names") or {})}
        cols = ["id", "name", "revenue_at_risk_usd_m", "revenue_at_risk_low_usd_m",
                "revenue_at_risk_high_usd_m", "share_of_revenue", "revenue_usd_m",
                "purchase_cut", "ai_purchase_cut", "main_path", "main_path_usd_m"]
        rows = []
        for co in m["companies"]:
            row = {k: co.get(k) for k in cols[:-2]}
            row["main_path"], row["main_path_usd_m"] = main_path(co, names) or (None, None)
            rows.append(row)
        return pd.DataFrame(rows, columns=cols).set_index("id")

    def sensitivity(self, node: str, *, top: int = 15, samples: int = 0,
                    seed: int | None = None) -> SensitivityResult:
        """Which assumptions move ``node``'s shortfall in this shock (see :func:`sensitivity`)."""
        o = self.options
        return sensitivity(o["target"], pct=o["pct"], node=node, country=o["country"],
                           sets=o["sets"], top=top, samples=samples, seed=seed,
                           allocation=o.get("allocation"),
                           supply_response=o.get("supply_response"), graph=self.graph)

    def compare(self, other: ShockResult | dict[str, Any]) -> dict[str, Any]:
        """What changed from this result to ``other`` (see ``riskgraph compare``)."""
        from riskgraph.engine.compare import compare_results

        b = other.to_dict() if isinstance(other, ShockResult) else other
        return compare_results(self.to_dict(), b)

    def report(self, path: str | Path, *, samples: int = 200, seed: int = 0,
               sensitivity_node: str | None = None) -> Path:
        """Write the HTML client report of this shock (as ``riskgraph report``; an upstream
        run gives the demand-shock report with revenue at risk in US dollars)."""
        from riskgraph.views.report import build_report_data, write_report

        o = self.options
        data = build_report_data(self.graph, o["target"], o["pct"], country=o["country"],
                                 sets=o["sets"], samples=samples, seed=seed,
                                 node=sensitivity_node, top=o["top"],
                                 direction=o["direction"], money_year=o["money_year"],
                                 purchase_basis=o.get("purchase_basis"), usd=o.get("usd"))
        write_report(data, path)
        return Path(path)


def shock(
    target: str,
    pct: float | None = None,
    *,
    usd: float | None = None,
    country: str | None = None,
    direction: str = "downstream",
    model: str = "iim",
    top: int = DEFAULT_TOP,
    sets: Iterable[str] = (),
    samples: int = 0,
    seed: int | None = None,
    graph: GraphData | None = None,
    money_year: int | None = None,
    horizon: int | None = None,
    duration: int | None = None,
    allocation: str | None = None,
    supply_response: bool | None = None,
    exports_to: str | None = None,
    purchase_basis: str | None = None,
) -> ShockResult:
    """Run one shock, as ``riskgraph shock TARGET --pct PCT ...`` (same defaults).

    ``sets`` are ``--set KEY=VALUE`` strings, e.g. ``["buffer[TSMC]=0.3"]``.  The graph is the
    shipped one unless ``graph`` is given (:func:`load_graph`).  ``money_year`` (upstream
    only, as ``--year``): the money model's calendar year; ``None``: the latest complete one.
    ``horizon``, ``duration`` (as ``--horizon``, ``--duration``): the dynamic model's months
    (:meth:`ShockResult.monthly`); ``horizon=0``: the static answer only.  ``allocation``,
    ``supply_response``, ``exports_to`` (as ``--allocation``, ``--[no-]supply-response``,
    ``--exports-to``): the shortage economics of minerals with market data (issue 13;
    ``allocation="proportional", supply_response=False``: the no-mitigation upper bound).
    ``purchase_basis`` (upstream only, as ``--purchase-basis``): ``"revenue"`` or
    ``"segment"``, what AI-infrastructure purchases fall in proportion to in the money model.
    ``usd`` (as ``--usd``, instead of ``pct``): with a ``capex:COMPANY`` target and
    ``direction="upstream"``, the cut of the company's capex in US dollars, e.g.
    ``rg.shock("capex:microsoft", usd=10e9, direction="upstream")``.
    """
    from riskgraph.engine.money import check_pct_or_usd
    from riskgraph.engine.shock import run_shock

    if seed is not None and samples == 0:
        raise UsageError("seed needs samples=N")
    check_pct_or_usd(pct, usd, cli=False)
    g = _graph(graph)
    sets = list(sets)
    data = run_shock(g, target, 0.0 if pct is None else pct, usd=usd, country=country,
                     direction=direction, model=model, top=top, sets=sets, samples=samples,
                     seed=seed, compiled=_compiled(g),
                     money_year=money_year, horizon=horizon, duration=duration,
                     allocation=allocation, supply_response=supply_response,
                     exports_to=exports_to, purchase_basis=purchase_basis)
    options = {"target": target, "pct": data["shock"]["pct"], "usd": usd, "country": country,
               "direction": direction,
               "model": model, "top": top, "sets": sets, "samples": samples, "seed": seed,
               "money_year": money_year, "horizon": horizon, "duration": duration,
               "allocation": allocation, "supply_response": supply_response,
               "exports_to": exports_to, "purchase_basis": purchase_basis}
    return ShockResult(data, g, options)


def paths(src: str, dst: str, *, top: int = 10, max_hops: int = 12,
          graph: GraphData | None = None) -> pd.DataFrame:
    """Dependency paths from ``src`` to ``dst`` (as ``riskgraph paths``), one row per path."""
    import pandas as pd

    from riskgraph.engine.paths import dependency_paths

    g = _graph(graph)
    res = dependency_paths(g, src, dst, k=top, max_hops=max_hops, compiled=_compiled(g))
    names = {n.id: n.name for n in g.nodes.values()}
    rows = []
    for k, p in enumerate(res["paths"], 1):
        ids = [p["start"]] + [h["dst"] for h in p["hops"]]
        rows.append({"path": k, "dependency": p["dependency"], "hops": len(p["hops"]),
                     "chain": " -> ".join(names.get(i, i) for i in ids),
                     "reversed": res["reversed"], "detail": p["hops"]})
    return pd.DataFrame(rows, columns=["path", "dependency", "hops", "chain", "reversed",
                                       "detail"]).set_index("path")


class _DataResult:
    """A result dict with notebook display: ``to_dict()`` (the CLI's JSON) and an HTML view of
    ``to_frame()`` (each subclass says what its rows are)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        import html

        return f"<p>{html.escape(repr(self))}</p>" + self.to_frame().to_html()

    def to_dict(self) -> dict[str, Any]:
        """Equal to the command's ``--format json`` output."""
        out: dict[str, Any] = _jsonable(self.data)
        return out

    def to_frame(self) -> pd.DataFrame:
        raise NotImplementedError


class SensitivityResult(_DataResult):
    """Assumptions ranked by their effect on one node's shortfall (``riskgraph sensitivity``)."""

    def __repr__(self) -> str:
        d = self.data
        return (f"<SensitivityResult {d['node']['name']}: shortfall "
                f"{100 * d['node']['shortfall']:.2f}%, {d['assumptions_total']} assumptions>")

    def to_frame(self) -> pd.DataFrame:
        """One row per ranked assumption: key, value, range, derivative, swing, --set, source."""
        import pandas as pd

        cols = ["rank", "set_key", "kind", "label", "value", "low", "high", "derivative",
                "shortfall_low", "shortfall_high", "swing", "set", "confidence", "source"]
        if self.data.get("variance"):
            cols.insert(11, "variance_share")
        rows = [{k: a.get(k) for k in cols} for a in self.data["assumptions"]]
        return pd.DataFrame(rows, columns=cols).set_index("rank")


def sensitivity(
    target: str,
    pct: float,
    *,
    node: str,
    country: str | None = None,
    sets: Iterable[str] = (),
    top: int = 15,
    samples: int = 0,
    seed: int | None = None,
    allocation: str | None = None,
    supply_response: bool | None = None,
    graph: GraphData | None = None,
) -> SensitivityResult:
    """Rank every assumption by its effect on ``node``'s shortfall under a shock of ``target``
    (exact derivatives by the adjoint of the fixed point; swings over the stated ranges;
    with ``samples``, the share of the Monte Carlo variance each uncertain weight explains).
    The shortfall is the one :func:`shock` gives with the same ``allocation`` and
    ``supply_response`` (``allocation="proportional"``: the no-mitigation upper bound)."""
    from riskgraph.engine.sensitivity import run_sensitivity

    g = _graph(graph)
    data = run_sensitivity(g, target, pct, node=node, country=country, sets=list(sets),
                           top=top, compiled=_compiled(g), samples=samples, seed=seed,
                           allocation=allocation, supply_response=supply_response)
    return SensitivityResult(data)


class ExposureResult(_DataResult):
    """What share of one company's revenue depends on AI spending (``riskgraph exposure``)."""

    def __repr__(self) -> str:
        d = self.data
        if not d["covered"]:
            return f"<ExposureResult {d['name']} ({d['year']}): not measured>"
        share = d["share_of_revenue"]
        tail = f" = {100 * share:.1f}% of revenue" if share is not None else ""
        return (f"<ExposureResult {d['name']} ({d['year']}): "
                f"{d['ai_revenue_usd_m']:,.0f} USD million{tail}>")

    def to_frame(self) -> pd.DataFrame:
        """One row per customer flow (the CSV columns of ``riskgraph exposure``)."""
        import pandas as pd

        cols = ["customer", "customer_name", "year", "start", "end", "counted", "in_force",
                "category", "amount_usd_m", "amount_low_usd_m", "amount_high_usd_m",
                "share_of_revenue", "confidence", "source", "rationale"]
        return pd.DataFrame([{k: r.get(k) for k in cols} for r in self.data["customers"]],
                            columns=cols)


def exposure(company: str, *, year: int | None = None,
             graph: GraphData | None = None) -> ExposureResult:
    """The AI exposure of ``company`` (as ``riskgraph exposure COMPANY``): the flows of
    ``flows.csv`` into it, customer by customer, with sources. ``covered`` is false, and the
    figures ``None``, when no flow of the year reaches it (not measured, not zero)."""
    from riskgraph.engine.money import exposure as compute
    from riskgraph.graph.lookup import find_node

    g = _graph(graph)
    nid = find_node(g, company)
    if g.nodes[nid].kind != "company":
        raise UsageError(f"{company!r} is {nid}, not a company")
    return ExposureResult(compute(g, nid, year=year))


def show(name: str, *, graph: GraphData | None = None) -> dict[str, Any]:
    """One node: properties, suppliers, customers, concentration, sources (as ``riskgraph show
    NAME --format json``)."""
    from riskgraph.graph.describe import describe_node
    from riskgraph.graph.lookup import find_node

    g = _graph(graph)
    out: dict[str, Any] = _jsonable(describe_node(g, find_node(g, name)))
    return out


def compare(a: ShockResult | dict[str, Any] | str | Path,
            b: ShockResult | dict[str, Any] | str | Path) -> dict[str, Any]:
    """What changed between two shock results (objects, dicts or saved JSON files)."""
    from riskgraph.engine.compare import compare_results, load_result

    def as_dict(x: Any) -> dict[str, Any]:
        if isinstance(x, ShockResult):
            return x.to_dict()
        if isinstance(x, dict):
            return copy.deepcopy(x)
        return load_result(Path(x))

    return compare_results(as_dict(a), as_dict(b))


__all__ = ["ExposureResult", "SensitivityResult", "ShockResult", "compare", "exposure",
           "load_graph", "paths", "sensitivity", "shock", "show"]
