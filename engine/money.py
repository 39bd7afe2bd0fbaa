"""Revenue at risk in US dollars: the demand-side inoperability model on AI spend flows.

The supply graph says who depends on whom; it does not say how many dollars change hands.  The
``SELLS_TO`` edges of ``ingest/data/financials/flows.csv`` do: ``f[j, k]`` is what customer *k*
pays supplier *j* per year for AI infrastructure (USD millions, cited or estimated with a
range), and every company with filed accounts carries its revenue ``x[j]`` (USD millions, same
calendar year).  This module propagates a cut in purchases through those flows with the
demand-reduction inoperability input-output model of Santos & Haimes (2004), in its normalised
form (see docs/model.md, section 12):

    q = max(c, min(1, A q + d / x)),   A[j, k] = f[j, k] / x[j]

* ``q[k]`` – the fraction by which company *k*'s purchases fall (its demand-side inoperability;
  Leontief: a company buys inputs in proportion to what it sells),
* ``c`` – the initial cut: ``pct / 100`` on each shocked company (``shock clouds --pct 30
  --direction upstream``); a shocked company's purchases fall by its cut, or by more only if
  its lost sales alone would cut them more (max, as in the upstream share model),
* ``d`` – a cut given in dollars straight to suppliers (``shock capex:microsoft --usd 10e9``:
  each capex flow of Microsoft shrinks by ``usd / capex``),
* ``A[j, k]`` – the share of supplier *j*'s revenue that customer *k* pays (the normalised
  interdependency matrix ``A* = diag(x)^-1 A diag(x)`` of Santos & Haimes with ``A[j, k] x[k] =
  f[j, k]``).

Revenue at risk of *j* in USD: ``L[j] = sum_k f[j, k] q[k] + d[j]``, and as a share of its
revenue ``L[j] / x[j]``.  Because each dollar is one flow, what reaches the suppliers of a
customer *k* is exactly ``q[k]`` times its purchases in the table, never more (no double
counting when several owners buy from the same supplier, directly or through a cloud they rent).
A company without filed revenue (a private lab) passes on only its own initial cut.  Purchase
basis ``"segment"`` (``--purchase-basis``): a company's AI-infrastructure purchases
(:data:`SEGMENT_SCOPED`) fall by its loss over its AI-relevant segment's revenue instead of
``x``; its production inputs still by ``L / x``.  The fixed point is solved by
:func:`fixed_point` (monotone iteration); it is monotone in every
flow, so running it on the flows' ``amount_low`` and ``amount_high`` gives the band of the
answer.  Paths: the dollars along ``k0 -> j1 -> ... -> jm`` are
``c[k0] f[j1,k0] (f[j2,j1]/x[j1]) ... (f[jm,jm-1]/x[jm-1])``.

Layers point down: this module reads only :class:`~riskgraph.graph.model.GraphData`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from riskgraph.errors import ModelError, UsageError
from riskgraph.graph.financials import figure, revenue_usd, segment_usd
from riskgraph.graph.model import GraphData

REL = "SELLS_TO"
FLOWS_FILE = "ingest/data/financials/flows.csv"
FIN_FILE = "ingest/data/financials/financials.csv"
CAPEX_CATEGORIES = frozenset({"accelerators", "networking", "memory", "foundry", "packaging",
                              "equipment", "power_cooling", "buildings"})
# Purchase basis "segment" (docs/model.md section 12): these categories are the buyer's AI
# infrastructure (what it runs its AI-relevant segment on), so they fall with that segment's
# revenue; the others (foundry, memory, packaging, equipment) are production inputs of the
# whole company and fall with its total revenue under either basis.
SEGMENT_SCOPED = frozenset({"cloud_compute", "accelerators", "networking", "power_cooling",
                            "electricity", "buildings"})
BASES = ("revenue", "segment")
MODEL = "demand-side inoperability IIM in USD (Santos & Haimes 2004) on SELLS_TO flows"
EQUATION = ("q = max(c, min(1, A q + d/x)), A[j,k] = f[j,k] / x[j]; "
            "L[j] = sum_k f[j,k] q[k] + d[j]")
UNITS = {
    "revenue_usd_m": "USD million (calendar year)",
    "revenue_at_risk_usd_m": "USD million per year",
    "revenue_at_risk_low_usd_m": "USD million per year (all flows at their low end)",
    "revenue_at_risk_high_usd_m": "USD million per year (all flows at their high end)",
    "share_of_revenue": "fraction of the company's revenue, 0..1",
    "purchase_cut": "fraction by which the company's purchases fall, 0..1",
    "usd_m": "USD million per year",
}


@dataclass
class Flow:
    sup: int
    cus: int
    amount: float
    low: float
    high: float
    category: str
    key: str
    source: str
    confidence: str
    rationale: str
    in_force: float = 1.0  # fraction of the year a contract (start/end) is in force


@dataclass
class Network:
    """The money network of one calendar year: companies with revenue and the flows between."""

    year: int
    ids: list[str]
    index: dict[str, int]
    names: list[str]
    revenue: np.ndarray  # USD m, NaN when not on file
    revenue_source: list[str]
    capex: np.ndarray  # USD m, NaN when not on file
    capex_source: list[str]
    flows: list[Flow] = field(default_factory=list)
    not_in_force: list[dict[str, Any]] = field(default_factory=list)  # contracts of other years
    # purchase basis (docs/model.md section 12): what a cut in k's AI-infrastructure purchases
    # is measured against; = revenue under "revenue", the AI-relevant segment under "segment"
    basis: str = "revenue"
    segment: np.ndarray | None = None  # USD m (NaN: none, the revenue is used)
    segment_name: list[str] = field(default_factory=list)
    segment_source: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.ids)


def build_network(graph: GraphData, year: int | None = None, basis: str = "revenue"
                  ) -> Network:
    """Collect the ``SELLS_TO`` flows in force in ``year`` and their companies' revenue and capex.

    ``year`` ``None``: the latest year with complete data (:func:`resolve_year`).  A flow with
    ``start``/``end`` (a contract such as a power purchase agreement) counts in every year of its
    term, for the fraction of the year it is in force; one without counts in its ``year`` only.
    ``basis`` ``"segment"``: also read each company's AI-relevant reported segment of the year
    (:func:`~riskgraph.graph.financials.segment_usd`).
    """
    if basis not in BASES:
        raise UsageError(f"purchase basis must be one of {', '.join(BASES)}, got {basis!r}")
    year = resolve_year(graph, year).year
    edges: list[tuple[Any, float]] = []
    not_in_force: list[dict[str, Any]] = []
    for e in graph.edges.values():
        if e.type != REL:
            continue
        frac = in_force(e.props, year)
        if frac > 0:
            edges.append((e, frac))
        elif e.props.get("start"):
            not_in_force.append(_not_in_force(graph, e, year))
    ids = sorted({x for e, _ in edges for x in (e.src, e.dst)})
    index = {nid: i for i, nid in enumerate(ids)}
    rev = np.full(len(ids), np.nan)
    cap = np.full(len(ids), np.nan)
    rsrc = [""] * len(ids)
    csrc = [""] * len(ids)
    seg = np.full(len(ids), np.nan)
    seg_name = [""] * len(ids)
    seg_src = [""] * len(ids)
    names = []
    for i, nid in enumerate(ids):
        node = graph.nodes[nid]
        names.append(node.name)
        r = revenue_usd(node, year)
        if r is not None and r > 0:
            rev[i] = r
            f = figure(node, "revenue", year)
            assert f is not None
            rsrc[i] = f"{f['source']} ({f['fiscal_year']}; verified: {f['verified_by']})"
        c = figure(node, "capex", year)
        if c is not None and c["value_usd"]:
            cap[i] = float(c["value_usd"])
            csrc[i] = f"{c['source']} ({c['fiscal_year']})"
        sf = segment_usd(node, year) if basis == "segment" and np.isfinite(rev[i]) else None
        if sf is not None:
            seg[i] = float(sf["value_usd"])
            seg_name[i] = str(sf["segment"])
            seg_src[i] = f"{sf['source']} ({sf['fiscal_year']}; verified: {sf['verified_by']})"
    flows = []
    for e, frac in edges:
        p = e.props
        amt = _num(p.get("amount"))
        flows.append(Flow(index[e.src], index[e.dst], amt * frac,
                          _num(p.get("amount_low"), amt) * frac,
                          _num(p.get("amount_high"), amt) * frac, str(p.get("category", "")),
                          e.key, e.source, e.confidence, e.rationale, frac))
    flows.sort(key=lambda f: f.key)
    not_in_force.sort(key=lambda r: r["flow_key"])
    return Network(year, ids, index, names, rev, rsrc, cap, csrc, flows, not_in_force, basis,
                   seg, seg_name, seg_src)


# -- which year: flows in force, revenue on file ------------------------------------------------
def _when(v: object, *, end: bool) -> _dt.date | None:
    """A flow's ``start``/``end``: ``YYYY`` (1 January / 31 December) or ``YYYY-MM-DD``."""
    s = str(v or "").strip()
    if not s:
        return None
    if len(s) == 4 and s.isdigit():
        return _dt.date(int(s), 12, 31) if end else _dt.date(int(s), 1, 1)
    return _dt.date.fromisoformat(s)


def in_force(props: dict[str, Any], year: int) -> float:
    """The fraction of calendar ``year`` in which a flow is in force (0..1).

    Without ``start``: 1 in the flow's own ``year``, else 0 (an annual figure).  With ``start``
    (and optionally ``end``; none: open-ended): the days of ``year`` inside the term over the
    days of the year, so a contract starting on 1 July counts for half of its first year.
    """
    start = _when(props.get("start"), end=False)
    if start is None:
        return 1.0 if int(_num(props.get("year"))) == year else 0.0
    stop = _when(props.get("end"), end=True) or _dt.date.max
    first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    days = (min(stop, last) - max(start, first)).days + 1
    return max(0.0, days / ((last - first).days + 1))


def _not_in_force(graph: GraphData, e: Any, year: int) -> dict[str, Any]:
    p = e.props
    start, stop = str(p.get("start") or ""), str(p.get("end") or "")
    starts = _when(start, end=False)
    why = (f"not yet in force in {year} (starts {start})" if starts and starts.year > year
           else f"no longer in force in {year} (ended {stop})")
    return {"flow_key": e.key, "supplier": e.src, "supplier_name": graph.nodes[e.src].name,
            "customer": e.dst, "customer_name": graph.nodes[e.dst].name,
            "category": p.get("category"), "amount_usd_m": _num(p.get("amount")),
            "start": start, "end": stop or None, "reason": why, "source": e.source}


@dataclass
class YearChoice:
    """The money model's calendar year and why (``basis``), with the years it could use."""

    year: int
    basis: str
    available: list[int]  # flows in force and revenue on file for at least one seller
    complete: list[int]  # ... and for every seller
    sellers_without_revenue: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "basis": self.basis, "years_available": self.available,
                "years_complete": self.complete,
                "sellers_without_revenue": self.sellers_without_revenue}


def years(graph: GraphData, extra: Iterable[int] = ()) -> dict[int, tuple[int, list[str],
                                                                         list[str]]]:
    """Per candidate year (flow years, contract terms, revenue years and ``extra``): the number
    of flows in force, their sellers, and the sellers without revenue on file."""
    flows = [e for e in graph.edges.values() if e.type == REL]
    cand = {int(_num(e.props.get("year"))) for e in flows} | set(extra)
    for e in flows:
        first = _when(e.props.get("start"), end=False)
        if first is not None:
            last = _when(e.props.get("end"), end=True)
            cand.update(range(first.year, (last or first).year + 1))
    for n in graph.nodes.values():
        cy = n.props.get("fin_calendar_year")
        if isinstance(cy, list):
            cand.update(int(y) for y in cy if isinstance(y, int | float))
    out: dict[int, tuple[int, list[str], list[str]]] = {}
    for y in sorted(cand):
        live = [e for e in flows if in_force(e.props, y) > 0]
        sellers = sorted({e.src for e in live})
        missing = [s for s in sellers if not revenue_usd(graph.nodes[s], y)]
        out[y] = (len(live), sellers, missing)
    return out


def resolve_year(graph: GraphData, year: int | None = None) -> YearChoice:
    """``year`` checked (flows in force, revenue on file), or the latest year with complete data.

    Raises :class:`UsageError` naming the years available.
    """
    if year is not None and not 1 <= year <= 9999:  # beyond any calendar date
        table0 = years(graph)
        listed0 = ", ".join(str(y) for y, (n, sellers, miss) in table0.items()
                            if n and len(miss) < len(sellers)) or "none"
        raise UsageError(f"no AI spend flows in force in {year} in {FLOWS_FILE}; years "
                         f"available: {listed0}")
    table = years(graph, () if year is None else (year,))
    available = [y for y, (n, sellers, miss) in table.items() if n and len(miss) < len(sellers)]
    complete = [y for y in available if not table[y][2]]
    listed = ", ".join(str(y) for y in available) or "none"
    if year is None:
        if not complete:
            raise UsageError(f"no year has AI spend flows in {FLOWS_FILE} with every selling "
                             f"company's revenue in {FIN_FILE}; years available: {listed}")
        y = complete[-1]
        return YearChoice(y, f"latest year with complete data (flows in force and every "
                          f"selling company's revenue on file): {y}; set another with --year",
                          available, complete, [])
    n, sellers, miss = table.get(year, (0, [], []))
    if not n:
        raise UsageError(f"no AI spend flows in force in {year} in {FLOWS_FILE}; years "
                         f"available: {listed}")
    if len(miss) == len(sellers):
        raise UsageError(f"no {year} revenue in {FIN_FILE} for any company selling in that "
                         f"year's flows ({', '.join(sellers)}); years available: {listed}")
    basis = f"--year {year}"
    if miss:
        basis += (f" (incomplete: no {year} revenue for {', '.join(miss)}, whose losses are "
                  "counted but not passed on)")
    return YearChoice(year, basis, available, complete, miss)


def _num(v: object, default: float = 0.0) -> float:
    """A numeric prop as float (``default`` when absent or not a number)."""
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else default


def bases(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """Per company, what its company-wide and its AI-infrastructure purchase cuts are measured
    against (USD m): total revenue, and under basis "segment" the AI-relevant segment where one
    is on file (else the revenue again).  NaN where no revenue is on file."""
    x = net.revenue
    s = x.copy()
    if net.basis == "segment" and net.segment is not None:
        s = np.where(np.isfinite(net.segment), net.segment, x)
    return x, s


def _scoped(net: Network, f: Flow) -> bool:
    """Whether flow ``f`` falls with its customer's AI-relevant segment (basis "segment")."""
    return net.basis == "segment" and f.category in SEGMENT_SCOPED


def fixed_point(a: np.ndarray, c: np.ndarray, k: np.ndarray, *, max_iter: int = 10000,
                tol: float = 1e-12) -> np.ndarray:
    """Least fixed point of ``q = max(c, min(1, A q + k))`` by monotone iteration from ``c``.

    ``c``: the shocked companies' own cut (the scenario's ``--pct``); a shocked company's
    purchases fall by that cut, or by more only if its lost sales alone would cut them more
    (so ``shock clouds --pct 30`` never cuts a cloud's purchases by more than 30% because it
    also sells to another cloud; the upstream share model composes the same way).  ``k``: the
    cuts given in dollars (capex targets), relative to the supplier's basis.  Where no company
    is both shocked and induced, this is the Santos-Haimes solution ``q = (I - A)^-1 (c + k)``
    (capped at 1).
    """
    c = np.minimum(1.0, np.asarray(c, dtype=float))
    q = c.copy()
    for _ in range(max_iter):
        nxt = np.maximum(c, np.minimum(1.0, a @ q + k))
        if float(np.max(np.abs(nxt - q), initial=0.0)) <= tol:
            return nxt
        q = nxt
    raise ModelError(f"the money model did not converge in {max_iter} iterations")


def _matrix(net: Network, amounts: np.ndarray) -> np.ndarray:
    """The dense 2n x 2n matrix of the purchase cuts ``[q; q_s]`` (company-wide purchases,
    AI-infrastructure purchases): row block 1 divides supplier j's loss by its revenue, row
    block 2 by its basis; column block 1 holds the company-wide flows, 2 the segment-scoped
    ones.  Under basis "revenue" every flow is company-wide, so ``q = q_s`` and the first block
    is ``A[j, k] = f[j, k] / x[j]``.  Rows of suppliers without revenue stay zero."""
    n = net.n
    x, s = bases(net)
    a = np.zeros((2 * n, 2 * n))
    for f, amt in zip(net.flows, amounts, strict=True):
        if not (np.isfinite(x[f.sup]) and x[f.sup] > 0):
            continue
        col = f.cus + (n if _scoped(net, f) else 0)
        a[f.sup, col] += amt / x[f.sup]
        a[n + f.sup, col] += amt / s[f.sup]
    return a


def solve(net: Network, c: np.ndarray, d: np.ndarray, amounts: np.ndarray,
          capex_cut: dict[int, float] | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Purchase cuts ``q``, revenue at risk ``L`` (USD m), the per-flow losses (USD m) and the
    cuts ``q_s`` of the AI-infrastructure purchases (``= q`` under basis "revenue").

    ``capex_cut`` maps a customer to the fraction of its capex flows cut in dollars (these
    enter ``d``, the direct losses); ``c`` cuts all purchases of a company.
    """
    d = d.copy()
    for f, amt in zip(net.flows, amounts, strict=True):
        frac = (capex_cut or {}).get(f.cus)
        if frac and f.category in CAPEX_CATEGORIES:
            d[f.sup] += amt * frac
    n = net.n
    x, s = bases(net)
    with np.errstate(invalid="ignore", divide="ignore"):  # d over each basis (0 where none)
        dxs = [np.where(np.isfinite(b) & (b > 0), d / np.where(np.isfinite(b), b, 1.0), 0.0)
               for b in (x, s)]
    a = _matrix(net, amounts)
    qq = fixed_point(a, np.concatenate([c, c]), np.concatenate(dxs))
    q, q_s = qq[:n], qq[n:]
    loss_flow = np.array([amt * (q_s if _scoped(net, f) else q)[f.cus]
                          for f, amt in zip(net.flows, amounts, strict=True)])
    if capex_cut:
        for i, (f, amt) in enumerate(zip(net.flows, amounts, strict=True)):
            frac = capex_cut.get(f.cus)
            if frac and f.category in CAPEX_CATEGORIES:
                loss_flow[i] += amt * frac
    loss = np.zeros(net.n)
    for f, lf in zip(net.flows, loss_flow, strict=True):
        loss[f.sup] += lf
    return q, loss, loss_flow, q_s


@dataclass
class MoneyShock:
    """A resolved money shock: which companies cut how much (share) or which capex (USD)."""

    targets: list[str]
    pct: float | None = None
    capex_company: str | None = None
    capex_usd_m: float | None = None


def run_money(graph: GraphData, shock: MoneyShock, *, year: int | None = None,
              top: int = 25, paths_per_node: int = 3, basis: str = "revenue") -> dict[str, Any]:
    """The ``money`` block of a shock result (see engine/shock-schema.json, ``money``).

    ``year``: the calendar year of the flows and revenue (``None``: the latest year with
    complete data, :func:`resolve_year`).  ``basis``: what a company's AI-infrastructure
    purchases fall in proportion to, ``"revenue"`` (its total revenue, the default) or
    ``"segment"`` (its AI-relevant reported segment where one is on file); docs/model.md
    section 12.
    """
    choice = resolve_year(graph, year)
    year = choice.year
    net = build_network(graph, year, basis)
    c = np.zeros(net.n)
    d = np.zeros(net.n)
    capex_cut: dict[int, float] = {}
    in_net = [t for t in shock.targets if t in net.index]
    if shock.capex_company is not None:
        i = net.index.get(shock.capex_company)
        if i is None:
            raise UsageError(f"{shock.capex_company} has no AI spend flows for {year} in "
                             "ingest/data/financials/flows.csv")
        cap = net.capex[i]
        if not np.isfinite(cap) or cap <= 0:
            raise UsageError(f"{shock.capex_company} has no capex for {year} in "
                             "ingest/data/financials/financials.csv")
        usd = float(shock.capex_usd_m or 0.0)
        if not 0 < usd <= cap:
            raise UsageError(f"--usd must be in (0, {cap * 1e6:.4g}] (the {year} capex of "
                             f"{net.names[i]}), got {usd * 1e6:.4g}")
        capex_cut[i] = usd / cap
    else:
        frac = float(shock.pct or 0.0) / 100.0
        for t in in_net:
            c[net.index[t]] = frac
    runs = {}
    for label, amounts in (("point", np.array([f.amount for f in net.flows])),
                           ("low", np.array([f.low for f in net.flows])),
                           ("high", np.array([f.high for f in net.flows]))):
        runs[label] = solve(net, c, d, amounts, capex_cut)
    q, loss, loss_flow, q_s = runs["point"]
    paths = _top_paths(net, c, capex_cut, np.array([f.amount for f in net.flows]),
                       k=paths_per_node)
    companies = []
    order = sorted((i for i in range(net.n) if loss[i] > 1e-9),
                   key=lambda i: (-loss[i], net.ids[i]))
    for i in order[:top]:
        x = net.revenue[i]
        known = bool(np.isfinite(x))
        hi = runs["high"][1][i]
        by_customer = sorted(
            ({"customer": net.ids[f.cus], "customer_name": net.names[f.cus],
              "category": f.category, "flow_usd_m": f.amount, "lost_usd_m": float(lf),
              "customer_purchase_cut": float((q_s if _scoped(net, f) else q)[f.cus]),
              "flow_key": f.key,
              "confidence": f.confidence, "source": f.source}
             for f, lf in zip(net.flows, loss_flow, strict=True) if f.sup == i and lf > 1e-12),
            key=lambda r: -_num(r["lost_usd_m"]))
        companies.append({
            "id": net.ids[i], "name": net.names[i],
            "revenue_usd_m": float(x) if known else None,
            "revenue_source": net.revenue_source[i] or None,
            "revenue_at_risk_usd_m": float(loss[i]),
            "revenue_at_risk_low_usd_m": float(runs["low"][1][i]),
            "revenue_at_risk_high_usd_m": float(min(hi, x) if known else hi),
            "share_of_revenue": float(loss[i] / x) if known and x > 0 else None,
            "purchase_cut": float(q[i]),
            "ai_purchase_cut": float(q_s[i]),
            "by_customer": by_customer,
            "paths": paths.get(i, []),
        })
    in_flows = set(net.ids)  # sellers and buyers of the year's flows
    not_covered = sorted(
        ({"id": nid, "name": n.name} for nid, n in graph.nodes.items()
         if n.kind == "company" and nid not in in_flows and revenue_usd(n, year)),
        key=lambda r: r["name"].casefold())
    cut_usd = float(sum(f.amount * c[f.cus] for f in net.flows if c[f.cus] > 0)
                    + sum(f.amount * capex_cut.get(f.cus, 0.0) for f in net.flows
                          if f.category in CAPEX_CATEGORIES))
    return {
        "model": MODEL,
        "equation": EQUATION,
        "purchase_basis": _basis_block(net),
        "year": year,
        "year_choice": choice.to_dict(),
        "units": UNITS,
        "targets_in_network": in_net,
        "targets_without_flows": [t for t in shock.targets if t not in net.index],
        "capex": None if shock.capex_company is None else {
            "company": shock.capex_company, "cut_usd_m": float(shock.capex_usd_m or 0.0),
            "capex_usd_m": float(net.capex[net.index[shock.capex_company]]),
            "capex_source": net.capex_source[net.index[shock.capex_company]],
            "share_of_capex": float(next(iter(capex_cut.values()))),
        },
        "direct_cut_usd_m": cut_usd,
        "companies_affected": len(order),
        "total_revenue_at_risk_usd_m": float(loss.sum()),
        "flows": len(net.flows),
        "flows_part_year": [{"flow_key": f.key, "in_force": f.in_force} for f in net.flows
                            if f.in_force < 1],
        "not_in_force": net.not_in_force,
        "companies": companies,
        "not_covered": not_covered,
        "names": {**{t: graph.nodes[t].name for t in shock.targets if t in graph.nodes},
                  **dict(zip(net.ids, net.names, strict=True))},
        "notes": [
            "Flows are AI spending only (flows.csv); most are estimates with a range, each "
            "with its rationale; low/high run every flow at its low/high end.",
            "A company without filed revenue (a private lab) passes on only its own cut.",
            ("Leontief assumption: a company's purchases fall in proportion to its revenue."
             if basis == "revenue" else
             "Leontief assumption, basis segment: a company's AI-infrastructure purchases ("
             + ", ".join(sorted(SEGMENT_SCOPED)) + ") fall in proportion to the revenue of "
             "its AI-relevant segment (its total revenue where none is on file); its "
             "production inputs in proportion to its total revenue."),
            f"Year {year}: {choice.basis}.",
            *([f"{len(net.not_in_force)} contract flow(s) not in force in {year} are not "
               "propagated (not_in_force)."] if net.not_in_force else []),
            *([f"{len(not_covered)} companies with {year} revenue on file are in no AI spend "
               f"flow in force in {year} (not_covered): their revenue at risk is not "
               "measured, which is not the same as zero."] if not_covered else []),
        ],
    }


def _basis_block(net: Network) -> dict[str, Any]:
    """The result's ``purchase_basis``: the rule, and under "segment" each buying company's
    basis (segment name, USD m, source) or that its total revenue stands in."""
    out: dict[str, Any] = {"rule": net.basis, "scoped_categories": sorted(SEGMENT_SCOPED)
                           if net.basis == "segment" else []}
    if net.basis != "segment" or net.segment is None:
        return out
    buyers = sorted({f.cus for f in net.flows if _scoped(net, f)
                     and np.isfinite(net.revenue[f.cus])}, key=lambda i: net.ids[i])
    out["companies"] = [
        {"id": net.ids[i], "name": net.names[i],
         "segment": net.segment_name[i] or None,
         "basis_usd_m": float(net.segment[i] if np.isfinite(net.segment[i])
                              else net.revenue[i]),
         "revenue_usd_m": float(net.revenue[i]),
         "source": net.segment_source[i] or None}
        for i in buyers]
    return out


def _top_paths(net: Network, c: np.ndarray, capex_cut: dict[int, float], amounts: np.ndarray,
               *, k: int = 3, min_usd: float = 1e-6, max_expansions: int = 20000
               ) -> dict[int, list[dict[str, Any]]]:
    """Best ``k`` paths (by USD) from the shock to each supplier; simple paths only."""
    by_cus: dict[int, list[tuple[Flow, float]]] = {}
    for f, amt in zip(net.flows, amounts, strict=True):
        by_cus.setdefault(f.cus, []).append((f, float(amt)))
    found: dict[int, list[dict[str, Any]]] = {}
    x_all, s_all = bases(net)
    # (node, cut of its company-wide purchases, of its AI-infrastructure purchases, ...)
    stack: list[tuple[int, float, float, list[tuple[Flow, float]], frozenset[int]]] = []
    for i in range(net.n):
        if c[i] > 0:
            stack.append((i, float(c[i]), float(c[i]), [], frozenset({i})))
    for i, frac in capex_cut.items():
        stack.append((i, -frac, -frac, [], frozenset({i})))  # negative: capex flows only
    expansions = 0
    while stack and expansions < max_expansions:
        node, frac_r, frac_s, hops, seen = stack.pop()
        capex_only = frac_r < 0 and not hops
        for f, amt in by_cus.get(node, []):
            if f.sup in seen or (capex_only and f.category not in CAPEX_CATEGORIES):
                continue
            usd = amt * abs(frac_s if _scoped(net, f) else frac_r)
            if usd < min_usd:
                continue
            expansions += 1
            new_hops = [*hops, (f, usd)]
            found.setdefault(f.sup, []).append({
                "usd_m": usd,
                "hops": [{"supplier": net.ids[h.sup], "customer": net.ids[h.cus],
                          "category": h.category, "flow_usd_m": h.amount, "usd_m": u,
                          "confidence": h.confidence, "source": h.source}
                         for h, u in new_hops],
            })
            x, sb = x_all[f.sup], s_all[f.sup]
            # a shocked supplier's purchases fall by its own cut (max, see fixed_point): what
            # it loses from another shocked company is its revenue at risk, not passed on
            if np.isfinite(x) and x > 0 and not c[f.sup] > 0:
                stack.append((f.sup, usd / x, usd / sb, new_hops, seen | {f.sup}))
    for i in found:
        found[i] = sorted(found[i], key=lambda p: -p["usd_m"])[:k]
    return found


EXPOSURE_SCHEMA = "riskgraph.exposure/2"


def exposure(graph: GraphData, company: str, *, year: int | None = None) -> dict[str, Any]:
    """What share of ``company``'s revenue comes from AI spending, through which customers.

    Only the flows of ``flows.csv`` count (AI infrastructure, cloud compute, electricity for
    AI data centres); the result names each customer, the amount with its range, and sources.
    ``year`` as in :func:`run_money`; flows not in force in it (other years, contracts that
    start later) are listed with ``counted`` false and not added up.

    ``covered`` is false when no flow to the company is in force in the year: then the USD
    figures and shares are ``None`` (not measured), never 0, and ``coverage`` says why.
    """
    choice = resolve_year(graph, year)
    year = choice.year
    node = graph.nodes[company]
    x = revenue_usd(node, year)
    rev_fig = figure(node, "revenue", year)
    rows: list[dict[str, Any]] = []
    for e in sorted(graph.edges.values(), key=lambda e: e.key):
        if e.type != REL or e.src != company:
            continue
        p = e.props
        y = int(_num(p.get("year")))
        frac = in_force(p, year)
        rows.append({
            "customer": e.dst, "customer_name": graph.nodes[e.dst].name, "year": y,
            "start": p.get("start") or None, "end": p.get("end") or None,
            "in_force": frac, "counted": frac > 0,
            "category": p.get("category"), "amount_usd_m": p.get("amount"),
            "amount_low_usd_m": p.get("amount_low"), "amount_high_usd_m": p.get("amount_high"),
            "counted_usd_m": _num(p.get("amount")) * frac,
            "share_of_revenue": _num(p.get("amount")) * frac / x if x and frac > 0 else None,
            "basis": p.get("basis"), "basis_figure": p.get("basis_figure"),
            "confidence": e.confidence, "rationale": e.rationale, "source": e.source,
            "key": e.key,
            "not_in_force": (None if frac > 0 or not p.get("start")
                             else _not_in_force(graph, e, year)["reason"]),
        })
    now = [r for r in rows if r["counted"]]
    covered = bool(now)
    total = sum(_num(r["amount_usd_m"]) * r["in_force"] for r in now)
    low = sum(_num(r["amount_low_usd_m"]) * r["in_force"] for r in now)
    high = sum(_num(r["amount_high_usd_m"]) * r["in_force"] for r in now)
    rows.sort(key=lambda r: (not r["counted"], -_num(r["amount_usd_m"])))
    excluded = [r for r in rows if r["not_in_force"]]
    if covered:
        coverage = (f"measured: {len(now)} AI spend flow(s) to {node.name} in force in {year} "
                    f"({sum(r['confidence'] == 'reported' for r in now)} reported)")
    elif rows:
        coverage = (f"not measured: none of the {len(rows)} AI spend flow(s) to {node.name} in "
                    f"{FLOWS_FILE} is in force in {year}; no figure is given because missing "
                    "data is not zero exposure")
    else:
        coverage = (f"not measured: {FLOWS_FILE} holds no AI spend flow to {node.name}; no "
                    "figure is given because missing data is not zero exposure")

    def share(v: float) -> float | None:
        return min(1.0, v / x) if covered and x else None

    return {
        "schema": EXPOSURE_SCHEMA,
        "company": company, "name": node.name, "year": year,
        "year_choice": choice.to_dict(),
        "covered": covered, "coverage": coverage,
        "revenue_usd_m": x,
        "revenue_source": None if rev_fig is None else
        f"{rev_fig['source']} ({rev_fig['fiscal_year']}; verified: {rev_fig['verified_by']})",
        "ai_revenue_usd_m": total if covered else None,
        "ai_revenue_low_usd_m": low if covered else None,
        "ai_revenue_high_usd_m": high if covered else None,
        "share_of_revenue": (total / x if x else None) if covered else None,
        "share_low": (low / x if x else None) if covered else None,
        "share_high": share(high),
        "units": {"usd_m": "USD million per year", "share": "fraction of revenue, 0..1",
                  "in_force": "fraction of the year the flow is in force, 0..1"},
        "customers": rows,
        "not_in_force": [{"customer": r["customer"], "customer_name": r["customer_name"],
                          "category": r["category"], "amount_usd_m": r["amount_usd_m"],
                          "start": r["start"], "end": r["end"], "reason": r["not_in_force"],
                          "key": r["key"]} for r in excluded],
        "note": (f"AI spend flows of {FLOWS_FILE} in force in {year}; "
                 "estimates carry a range and a rationale. Flows of other years and contracts "
                 f"not in force in {year} are listed but not counted. Only customers on file "
                 "count: AI revenue from customers not in the table is missing, so the share is "
                 "a lower bound on the company's AI exposure (its band is the flows' range)."),
    }


def money_targets(graph: GraphData, targets: Iterable[str]) -> list[str]:
    """The subset of ``targets`` that appear in any SELLS_TO flow."""
    ends = {x for e in graph.edges.values() if e.type == REL for x in (e.src, e.dst)}
    return [t for t in targets if t in ends]


def main_path(company: dict[str, Any], names: dict[str, str]) -> tuple[str, float] | None:
    """The best path of one ``money.companies`` row as ``"Supplier -> ... -> Buyer"`` (names
    from ``names``, ids where missing) and the USD million it carries; ``None`` without one."""
    if not company.get("paths"):
        return None
    best = company["paths"][0]
    chain = [best["hops"][0]["customer"], *(h["supplier"] for h in best["hops"])]
    return " -> ".join(names.get(i, i) for i in reversed(chain)), float(best["usd_m"])


SCOPE_NOTE = ("Units: this table is US dollars and shares of each company's total revenue; the "
              "shortfall table above is the share of each node's sales on file (mostly AI "
              "compute, H100e), so a cloud can lose a large share of its AI compute sales and a "
              "small share of its revenue.")


def basis_text(m: dict[str, Any]) -> str:
    """One sentence on the purchase basis of a ``money`` block (CLI table and report)."""
    pb = m.get("purchase_basis") or {"rule": "revenue"}
    if pb["rule"] != "segment":
        return ("Purchase basis: total revenue (a company that loses revenue cuts its purchases "
                "by the same share of them; the lower variant; --purchase-basis segment for "
                "the upper one).")
    own = [c for c in pb.get("companies", []) if c.get("segment")]
    fall = [c["name"] for c in pb.get("companies", []) if not c.get("segment")]
    text = ("Purchase basis: AI-relevant segment (AI-infrastructure purchases fall by the "
            "share of the segment's revenue lost; the upper variant): "
            + (", ".join(f"{c['name']} {c['segment']} {usd_text(c['basis_usd_m'])}"
                         for c in own) or "none on file"))
    if fall:
        text += f"; total revenue where no segment is on file: {', '.join(fall)}"
    return text + ". Foundry, memory, packaging and equipment purchases fall with total revenue."


def usd_text(v: float | None, missing: str = "-") -> str:
    """USD million as the tables print it: ``1.20 bn``, ``510 m``, ``0.558 m``; ``missing`` for
    ``None``."""
    if v is None:
        return missing
    if v >= 1000:
        return f"{v / 1000:,.2f} bn"
    return f"{v:,.0f} m" if v >= 1 else f"{v:,.3f} m"


__all__ = ["CAPEX_CATEGORIES", "EQUATION", "EXPOSURE_SCHEMA", "MODEL", "MoneyShock", "Network",
           "YearChoice", "build_network", "exposure", "in_force", "main_path", "money_targets",
           "resolve_year", "run_money", "solve", "usd_text", "years"]


# -- hooks for engine/shock.py ------------------------------------------------------------------
CAPEX_PREFIX = "capex:"


def check_pct_or_usd(pct: float | None, usd: float | None, *, cli: bool = True) -> None:
    """Exactly one of ``pct`` and ``usd`` (a capex target in dollars); the message names the
    CLI options (``--pct``, ``--usd N``) or, with ``cli=False``, the API's arguments."""
    p, u, form = ("--pct", "--usd", "--usd N") if cli else ("pct", "usd", "usd=N")
    if usd is None and pct is None:
        raise UsageError(f"{p} is required (or {form} with a capex:COMPANY target)")
    if usd is not None and pct is not None:
        raise UsageError(f"give {p} or {u}, not both")


def capex_target(graph: GraphData, text: str, usd: float | None, direction: str,
                 year: int | None = None) -> tuple[str, float, MoneyShock]:
    """``capex:COMPANY`` with ``--usd N`` (dollars): the company id, the equivalent share of its
    capex in percent (what the share-based upstream model cuts), and the money shock.

    Raises :class:`UsageError` for a missing ``--usd``, a downstream direction, an unknown
    company or one without capex on file.
    """
    from riskgraph.graph.lookup import find_node

    t = text.strip()
    if not t.casefold().startswith(CAPEX_PREFIX):
        raise UsageError(f"--usd needs a capex target such as capex:microsoft, not {text!r}")
    if usd is None:
        raise UsageError(f"{text!r} needs --usd N (the cut of the capex in US dollars)")
    if direction != "upstream":
        raise UsageError("a capex target is a demand shock: use --direction upstream")
    if not usd > 0:
        raise UsageError(f"--usd must be positive, got {usd:g}")
    nid = find_node(graph, t[len(CAPEX_PREFIX):].strip())
    node = graph.nodes[nid]
    if node.kind != "company":
        raise UsageError(f"{t!r}: {nid} is not a company")
    year = resolve_year(graph, year).year
    cap = figure(node, "capex", year)
    if cap is None or not cap["value_usd"]:
        raise UsageError(f"{node.name} has no {year} capex in "
                         "ingest/data/financials/financials.csv")
    cap_m = float(cap["value_usd"])
    usd_m = usd / 1e6
    if usd_m > cap_m:
        raise UsageError(f"--usd {usd:.4g} is more than {node.name}'s {year} capex "
                         f"({cap_m * 1e6:.4g} USD, {cap['source']})")
    return nid, 100.0 * usd_m / cap_m, MoneyShock([nid], capex_company=nid, capex_usd_m=usd_m)


def money_block(graph: GraphData, targets: list[str], pct: float,
                shock: MoneyShock | None = None, *, top: int = 25,
                year: int | None = None, basis: str = "revenue") -> dict[str, Any] | None:
    """The ``money`` block of an upstream shock result (``shock`` for capex targets).

    ``None`` when the graph holds no AI spend flows at all (a user's own supplier map, a small
    test graph) and no year or capex target asks for them: there is no money to propagate.
    """
    if shock is None and year is None and not any(e.type == REL for e in graph.edges.values()):
        return None
    return run_money(graph, shock or MoneyShock(list(targets), pct=pct), top=top, year=year,
                     basis=basis)
