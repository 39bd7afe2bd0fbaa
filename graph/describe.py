"""What ``riskgraph show`` prints about one node: properties, suppliers, customers, HHI, sources."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from riskgraph.graph import schema
from riskgraph.graph.model import Edge, GraphData


def hhi(shares: list[float]) -> float:
    """Herfindahl-Hirschman index of market shares given as fractions, on the 0..10 000 scale.

    Examples
    --------
    >>> hhi([0.5, 0.5])
    5000.0
    >>> round(hhi([0.98, 0.01]), 1)
    9605.0
    """
    return float(sum((100.0 * s) ** 2 for s in shares))


def _relation(g: GraphData, e: Edge, other: str, direction: str) -> dict[str, Any]:
    n = g.nodes[other]
    year = e.props.get("year")
    return {
        "direction": direction,
        "id": other,
        "name": n.name,
        "type": e.type,
        "weight": e.weight,
        "weight_low": e.props.get("weight_low"),
        "weight_high": e.props.get("weight_high"),
        "sales_share": e.props.get("sales_share"),
        "year": year,
        "production_type": e.props.get("production_type"),
        "release": e.props.get("release"),
        "default": e.props.get("default"),
        "source": e.source,
        "as_of": e.as_of,
        "confidence": e.confidence,
        "rationale": e.rationale,
        "key": e.key,
    }


def suppliers_and_customers(
    g: GraphData, node_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Edges around ``node_id`` oriented by supply flow: (suppliers, customers, other relations)."""
    sup: list[dict[str, Any]] = []
    cus: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for e in g.edges.values():
        if node_id not in (e.src, e.dst):
            continue
        flow = schema.flow_of(e.type)
        peer = e.dst if e.src == node_id else e.src
        if flow == "none":
            other.append(_relation(g, e, peer, "out" if e.src == node_id else "in"))
            continue
        supplier = e.src if flow == "forward" else e.dst
        if supplier == node_id:
            cus.append(_relation(g, e, peer, "customer"))
        else:
            sup.append(_relation(g, e, peer, "supplier"))

    def order(r: dict[str, Any]) -> tuple[float, str]:
        return (-(r["weight"] or 0.0), r["name"])

    return sorted(sup, key=order), sorted(cus, key=order), other


def by_peer(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per peer node: its current record, and how many records stand behind it.

    USGS gives one share per country, release and year (China five times for gallium), the
    curated table one per relation: a supplier count counts suppliers, not records.  The current
    record is the engine's one (``default``), else the newest year and release.  Each row is the
    relation dict of :func:`suppliers_and_customers` plus ``records`` (how many) and ``years``
    (the distinct years, oldest first).  Order: by the current weight, then name.

    Examples
    --------
    >>> rows = [{"id": "c:a", "name": "A", "type": "PRODUCES", "weight": 0.5, "year": 2022,
    ...          "default": False, "release": "usgs2023"},
    ...         {"id": "c:a", "name": "A", "type": "PRODUCES", "weight": 0.6, "year": 2023,
    ...          "default": True, "release": "usgs2024"}]
    >>> [(r["id"], r["weight"], r["records"], r["years"]) for r in by_peer(rows)]
    [('c:a', 0.6, 2, [2022, 2023])]
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in relations:
        groups[(str(r["id"]), str(r["type"]))].append(r)
    out = []
    for rows in groups.values():
        def current(r: dict[str, Any]) -> tuple[bool, str, str]:
            return (bool(r.get("default")), str(r.get("year") or r.get("as_of") or ""),
                    str(r.get("release") or ""))
        cur = max(rows, key=current)
        years = sorted({r["year"] for r in rows if r.get("year") is not None}, key=str)
        out.append({**cur, "records": len(rows), "years": years})
    return sorted(out, key=lambda r: (-(r["weight"] or 0.0), str(r["name"])))


def _int(v: Any) -> int:
    return int(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0


def concentration(g: GraphData, node_id: str) -> list[dict[str, Any]]:
    """HHI per (release, production type, year) from the PRODUCES edges into ``node_id``.

    ``hhi`` (0..10 000, shares in percent) and ``top_share`` are None when unknown: no world
    total and a row without a figure; ``coverage`` (the counted countries' share of the world
    total) is None without a reported world total.
    """
    groups: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for e in g.edges.values():
        if e.dst != node_id or e.type != "PRODUCES" or e.weight is None:
            continue
        release = str(e.props.get("release") or e.props.get("dataset") or e.source.split(",")[0])
        ptype = str(e.props.get("production_type") or "")
        year = str(e.props.get("year") or e.as_of)
        groups[(release, ptype, year)].append(e)
    out = []
    for (release, ptype, year), edges in sorted(groups.items()):
        top = max(edges, key=lambda e: e.weight or 0.0)
        # The shares are of the world total when the source reports one.  Without it they are
        # of the sum of the rows with figures: the coverage of the world is then unknown, and
        # with a row lacking a figure (unknown production) so are the shares and the HHI.
        basis = str(top.props.get("world_total_basis") or "reported")
        unreported = max(_int(e.props.get("unreported_rows")) for e in edges)
        reported = basis == "reported"
        known = reported or unreported == 0
        shares = [e.weight or 0.0 for e in edges]
        out.append({
            "release": release,
            "production_type": ptype,
            "year": year,
            "hhi": hhi(shares) if known else None,
            "producers": len(edges),
            "top_producer": g.nodes[top.src].name,
            "top_share": top.weight if known else None,
            "coverage": sum(shares) if reported else None,
            "basis": basis,
            "unreported_rows": unreported,
            "source": top.source,
            "confidence": top.confidence,
        })
    return out


def describe_node(g: GraphData, node_id: str) -> dict[str, Any]:
    """A JSON-ready description of one node (schema ``riskgraph.node/1``)."""
    n = g.nodes[node_id]
    sup, cus, other = suppliers_and_customers(g, node_id)
    d = n.to_dict()
    d = {"schema": "riskgraph.node/1", **d}
    d["suppliers"] = sup
    d["customers"] = cus
    # distinct peers, not records (USGS: one record per country, release and year)
    d["supplier_count"] = len({(r["id"], r["type"]) for r in sup})
    d["customer_count"] = len({(r["id"], r["type"]) for r in cus})
    d["other_relations"] = other
    d["hhi"] = concentration(g, node_id)
    return d
