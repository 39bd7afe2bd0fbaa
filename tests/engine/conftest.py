"""A small gallium graph that mirrors docs/model.md's worked example (not the shipped data).

The gallium production figures are USGS MCS 2024 (mcs2024-galli_world.csv: China 600,000 kg of
610,000 kg world primary production, 2023e) and the article's 98% (2022); the downstream weights
are illustrative, marked estimated, so the example does not change when the data do.
"""

from __future__ import annotations

import pytest

from riskgraph.graph.model import Edge, GraphData, Node

EST = {"confidence": "estimated", "rationale": "illustrative fixture weight"}


def _n(id_: str, name: str, layer: str, **props: object) -> Node:
    kind = id_.partition(":")[0]
    return Node(id_, kind, name, source="fixture", as_of="2024", confidence="reported",
                layer=layer, props=dict(props))


def _e(src: str, dst: str, typ: str, *, source: str = "fixture", as_of: str = "2024",
       confidence: str = "estimated", key: str = "", **props: object) -> Edge:
    return Edge(src, dst, typ, source=source, as_of=as_of, confidence=confidence,
                rationale="illustrative fixture weight" if confidence == "estimated" else "",
                props=dict(props), key=key)


def make_gallium_graph() -> GraphData:
    g = GraphData()
    for node in (
        _n("country:CN", "China", "countries"),
        _n("country:JP", "Japan", "countries"),
        _n("country:RU", "Russia", "countries"),
        _n("mineral:gallium", "Gallium", "minerals", symbol="Ga", name_de="Gallium",
           default_type="Primary production"),
        _n("input:gan-power-devices", "GaN power devices", "inputs"),
        _n("input:optical-transceivers", "Optical transceivers", "inputs"),
        _n("input:wafer", "Wafer", "inputs"),
        _n("accelerator:nvidia-gpu", "Nvidia GPU", "chips"),
        _n("company:nvidia", "Nvidia", "chips"),
        _n("company:microsoft", "Microsoft", "clouds"),
        _n("company:meta", "Meta", "clouds"),
        _n("company:openai", "OpenAI", "labs"),
    ):
        g.add_node(node)
    g.nodes["company:microsoft"].aliases.append("Azure")
    usgs = "USGS MCS 2024 world, mcs2024-galli_world.csv line 3"
    for e in (
        # China and gallium: the article's 98% (2022) and USGS 2023e 600,000 of 610,000 kg.
        _e("country:CN", "mineral:gallium", "PRODUCES", source="article Tabelle 1 row Gallium",
           as_of="2022", confidence="reported", weight=0.98, key="cn-ga-article"),
        _e("country:CN", "mineral:gallium", "PRODUCES", source=usgs, as_of="2023",
           confidence="reported", weight=600000 / 610000, world_total=610000.0, unit="kg",
           production_type="Primary production", key="cn-ga-usgs2023"),
        _e("country:CN", "mineral:gallium", "PRODUCES", source=usgs, as_of="2023",
           confidence="reported", weight=0.5, production_type="Refinery production",
           key="cn-ga-usgs2023-other-type"),
        _e("country:JP", "mineral:gallium", "PRODUCES", source=usgs, as_of="2023",
           confidence="reported", weight=3000 / 610000, world_total=610000.0, unit="kg",
           production_type="Primary production"),
        _e("country:RU", "mineral:gallium", "PRODUCES", source=usgs, as_of="2023",
           confidence="reported", weight=5000 / 610000, world_total=610000.0, unit="kg",
           production_type="Primary production"),
        _e("mineral:gallium", "input:gan-power-devices", "INPUT_TO", weight=0.9,
           weight_low=0.7, weight_high=1.0),
        _e("mineral:gallium", "input:optical-transceivers", "INPUT_TO", weight=0.4,
           weight_low=0.2, weight_high=0.6),
        # deployment: the owners' deployed compute needs power devices and optics (requirements)
        _e("input:gan-power-devices", "company:microsoft", "INPUT_TO", weight=0.2,
           weight_low=0.1, weight_high=0.3),
        _e("input:optical-transceivers", "company:microsoft", "INPUT_TO", weight=0.3,
           weight_low=0.2, weight_high=0.4),
        _e("input:gan-power-devices", "company:meta", "INPUT_TO", weight=0.1,
           weight_low=0.05, weight_high=0.2),
        _e("input:optical-transceivers", "company:meta", "INPUT_TO", weight=0.5,
           weight_low=0.3, weight_high=0.6),
        # a CSET-like edge without a weight (default_weight applies)
        _e("input:wafer", "accelerator:nvidia-gpu", "INPUT_TO", confidence="reported"),
        _e("company:nvidia", "accelerator:nvidia-gpu", "DESIGNS", confidence="reported",
           weight=1.0, sales_share=0.8),
        # installed base (h100e) and the latest complete quarter's deliveries (the flow)
        _e("company:microsoft", "accelerator:nvidia-gpu", "OWNS", confidence="reported",
           weight=0.95, h100e=500000.0, sales_share=500000 / 1100000,
           h100e_per_quarter=100000.0, flow_period_start="2025-10-01",
           flow_period_end="2025-12-31", flow_source="fixture quarters line 2"),
        _e("company:meta", "accelerator:nvidia-gpu", "OWNS", confidence="reported",
           weight=0.9, h100e=600000.0, sales_share=600000 / 1100000,
           h100e_per_quarter=120000.0, flow_period_start="2025-10-01",
           flow_period_end="2025-12-31", flow_source="fixture quarters line 3"),
        _e("company:openai", "company:microsoft", "RUNS_ON", weight=0.8, weight_low=0.6,
           weight_high=0.9, sales_share=0.2),
        # not a supply relation: never propagates
        _e("company:microsoft", "company:openai", "INVESTS_IN", confidence="reported"),
    ):
        g.add_edge(e)
    assert g.problems() == []
    return g


@pytest.fixture
def gallium_graph() -> GraphData:
    return make_gallium_graph()
