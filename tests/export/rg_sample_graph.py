"""A small hand-made GraphData for export and view tests, with hostile user text in it."""

from __future__ import annotations

from riskgraph.graph.model import Edge, GraphData, Node

EVIL = (
    "<script>alert(1)</script><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    " \"double\" 'single' &amp; ]]> <!-- \nsecond line '}) DETACH DELETE n // [bold]rich[/bold]"
)
EVIL_SOURCE = "Evil Corp filing </script><script>alert(2)</script>, table 1 row \"3\""


def _n(id_: str, name: str, layer: str, **kw: object) -> Node:
    kind = id_.split(":")[0]
    kw.setdefault("source", f"test fixture, nodes table row {id_}")
    kw.setdefault("as_of", "2024")
    kw.setdefault("confidence", "reported")
    return Node(id_, kind, name, layer=layer, **kw)  # type: ignore[arg-type]


def _e(src: str, typ: str, dst: str, w: float | None = None, **kw: object) -> Edge:
    props = dict(kw.pop("props", {}) or {})  # type: ignore[call-overload]
    if w is not None:
        props["weight"] = w
    kw.setdefault("source", f"test fixture, edges table row {src}-{dst}")
    kw.setdefault("as_of", "2023")
    kw.setdefault("confidence", "reported")
    return Edge(src, dst, typ, props=props, **kw)  # type: ignore[arg-type]


def sample_graph() -> GraphData:
    """Countries -> minerals -> inputs -> chips -> clouds -> labs, plus one hostile company."""
    g = GraphData()
    for n in [
        _n("country:CN", "China", "countries", props={"iso3": "CHN"}),
        _n("country:JP", "Japan", "countries", props={"iso3": "JPN"}),
        _n("country:US", "United States", "countries", aliases=["USA", "U.S."]),
        _n("mineral:gallium", "Gallium", "minerals", props={"symbol": "Ga", "name_de": "Gallium"}),
        _n("mineral:germanium", "Germanium", "minerals", props={"symbol": "Ge"},
           other_sources=["USGS MCS 2024, germanium table"]),
        _n("input:gaas-wafers", "GaAs wafers", "inputs", confidence="estimated",
           rationale="curated input; grouping is the team's", props={"tags": ["a", "b"]}),
        _n("stage:fabrication", "Fabrication", "inputs"),
        _n("accelerator:nvidia-gpu", "Nvidia GPU", "chips", props={"units": 3, "flag": True}),
        _n("accelerator:aws-trainium", "AWS Trainium", "chips"),
        _n("company:tsmc", "TSMC", "chips", roles=["foundry"]),
        _n("company:evil", EVIL, "chips", roles=["designer"], source=EVIL_SOURCE,
           aliases=["</script>", "x\"y"]),
        _n("company:nvidia", "Nvidia", "chips", roles=["designer"]),
        _n("company:microsoft", "Microsoft", "clouds", roles=["cloud", "investor"]),
        _n("company:amazon", "Amazon", "clouds", roles=["cloud"]),
        _n("company:openai", "OpenAI", "labs", roles=["lab"]),
        _n("company:anthropic", "Anthropic", "labs", roles=["lab"]),
    ]:
        g.add_node(n)
    prod = {"release": "USGS MCS 2024", "production_type": "primary", "unit": "share of world"}
    for e in [
        _e("country:CN", "PRODUCES", "mineral:gallium", 0.98, key="CN|gallium|2023",
           props={**prod, "year": 2023}),
        _e("country:JP", "PRODUCES", "mineral:gallium", 0.02, key="JP|gallium|2023",
           props={**prod, "year": 2023}),
        _e("country:CN", "PRODUCES", "mineral:gallium", 0.95, key="CN|gallium|2022",
           as_of="2022", props={**prod, "year": 2022}),
        _e("country:JP", "PRODUCES", "mineral:gallium", 0.05, key="JP|gallium|2022",
           as_of="2022", props={**prod, "year": 2022}),
        _e("country:CN", "PRODUCES", "mineral:germanium", 0.6, key="CN|germanium|2023",
           props={**prod, "year": 2023}),
        _e("country:US", "PRODUCES", "mineral:germanium", 0.4, key="US|germanium|2023",
           props={**prod, "year": 2023}),
        _e("mineral:gallium", "INPUT_TO", "input:gaas-wafers", 0.9, confidence="estimated",
           rationale="GaAs is about half gallium by mass",
           props={"weight_low": 0.8, "weight_high": 1.0}),
        _e("mineral:germanium", "INPUT_TO", "input:gaas-wafers", 0.2, confidence="estimated",
           rationale="dopant"),
        _e("input:gaas-wafers", "INPUT_TO", "accelerator:nvidia-gpu", 0.1,
           confidence="estimated", rationale="RF parts only"),
        _e("input:gaas-wafers", "PART_OF", "stage:fabrication"),
        _e("company:tsmc", "MANUFACTURES", "accelerator:nvidia-gpu", 0.95),
        _e("company:tsmc", "MANUFACTURES", "accelerator:aws-trainium", 0.9),
        _e("company:evil", "SUPPLIES", "accelerator:nvidia-gpu", 0.05, source=EVIL_SOURCE,
           confidence="estimated", rationale=EVIL),
        _e("company:nvidia", "DESIGNS", "accelerator:nvidia-gpu", 1.0),
        _e("company:nvidia", "HEADQUARTERED_IN", "country:US"),
        _e("company:microsoft", "OWNS", "accelerator:nvidia-gpu", 0.7,
           props={"sales_share": 0.2, "units_h100e": 500000}),
        _e("company:amazon", "OWNS", "accelerator:aws-trainium", 0.5),
        _e("company:amazon", "OWNS", "accelerator:nvidia-gpu", 0.5),
        _e("company:openai", "RUNS_ON", "company:microsoft", 0.8),
        _e("company:anthropic", "RUNS_ON", "company:amazon", 0.6),
        _e("company:microsoft", "INVESTS_IN", "company:openai", props={"note": EVIL}),
    ]:
        g.add_edge(e)
    assert g.problems() == [], g.problems()
    return g


def normalised(g: GraphData) -> dict:
    """to_dict() with the order-free lists sorted (RDF keeps no order)."""
    d = g.to_dict()
    for n in d["nodes"]:
        for k in ("roles", "aliases", "other_sources"):
            n[k] = sorted(n[k])
    return d
