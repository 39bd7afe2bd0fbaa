"""The graph schema: node kinds (Neo4j labels), relationship types, and their properties.

Every node and every edge carries the provenance triple

* ``source``     – document or data set, with table/row
  (e.g. ``USGS MCS 2024 world, mcs2024-galli_world.csv line 3``)
* ``as_of``      – the date or year the figure refers to (ISO ``YYYY`` or ``YYYY-MM-DD``)
* ``confidence`` – ``reported`` (a cited figure) or ``estimated`` (the team's judgement; then
  ``rationale`` says why in one line)

Relationship direction follows the natural sentence ("China PRODUCES gallium", "Microsoft OWNS
Nvidia GPUs", "OpenAI RUNS_ON Azure").  ``FLOW`` says, per relationship type, which end is the
*supplier* in the supply chain, so the engine can orient every edge from supplier to customer:

* ``forward`` – the start node supplies the end node (PRODUCES, INPUT_TO, PROVIDES, SUPPLIES, ...)
* ``reverse`` – the end node supplies the start node (OWNS, RUNS_ON)
* ``none``    – not a supply relation (INVESTS_IN, HEADQUARTERED_IN, ALIAS ...); never propagates

Edge weights (all fractions in [0, 1]):

* ``weight``      – dependency of the customer on the supplier: if the supplier loses a fraction x
  of its output, the customer loses ``weight * x`` of its own (before substitution and buffers).
  For PRODUCES it is the producer's share of world production; for PROVIDES the provider's market
  share of the input; for OWNS the owner's share of its compute held in that accelerator family.
* ``weight_low``/``weight_high`` – the stated range of an estimated weight (Monte Carlo).
* ``sales_share`` – the share of the supplier's sales (output) the customer takes; drives
  upstream (demand) shocks.
"""

from __future__ import annotations

from typing import Final, Literal

# Node kinds -> Neo4j label.  The node id prefix is the kind ("mineral:gallium").
NODE_KINDS: Final[dict[str, str]] = {
    "country": "Country",
    "mineral": "Mineral",
    "input": "Input",  # CSET inputs, curated materials / equipment / components
    "stage": "Stage",  # CSET supply-chain stages (design, fabrication, ATP)
    "company": "Company",
    "accelerator": "Accelerator",  # accelerator families (Nvidia GPU, Google TPU, ...)
}

# Extra labels a Company may carry (its roles); Neo4j gets them as additional labels.
COMPANY_ROLES: Final[dict[str, str]] = {
    "designer": "ChipDesigner",
    "foundry": "Foundry",
    "memory": "MemoryMaker",
    "packaging": "Packaging",
    "equipment": "EquipmentMaker",
    "materials": "MaterialsSupplier",
    "cloud": "Cloud",  # rents out AI compute (a cloud provider)
    # owns and runs AI accelerators for itself or an affiliate, renting none out (Meta, xAI,
    # High-Flyer): the clouds layer's position in the chain, but not a cloud
    "compute": "ComputeOwner",
    "lab": "ModelLab",
    "energy": "EnergySupplier",
    "datacenter": "DataCenterSupplier",
    "network": "NetworkSupplier",
    "device": "DeviceMaker",
    "eda": "EdaVendor",
    "investor": "Investor",
    "provider": "Provider",
}

# Layers, left to right in views and per-layer summaries.
LAYERS: Final[tuple[str, ...]] = (
    "countries",
    "minerals",
    "inputs",
    "chips",
    "clouds",
    "labs",
)

# Layer of a node by kind, where a node (a curated row) names none; a company's layer comes from
# its roles (:func:`company_layer`).  :func:`layer_of` applies both.
KIND_LAYERS: Final[dict[str, str]] = {
    "country": "countries",
    "mineral": "minerals",
    "input": "inputs",
    "stage": "inputs",
    "accelerator": "chips",
}

# Company roles that put a company in the chips layer (unless it is a cloud or a lab).
CHIP_ROLES: Final[frozenset[str]] = frozenset({"designer", "foundry", "memory", "packaging"})

Flow = Literal["forward", "reverse", "none"]

REL_TYPES: Final[dict[str, Flow]] = {
    "PRODUCES": "forward",  # (Country)-[:PRODUCES]->(Mineral)
    "INPUT_TO": "forward",  # (Mineral|Input)-[:INPUT_TO]->(Input|Accelerator)
    "PROVIDES": "forward",  # (Company|Country)-[:PROVIDES]->(Input)  CSET market shares
    "SUPPLIES": "forward",  # (Company)-[:SUPPLIES]->(Company|Accelerator)
    "MANUFACTURES": "forward",  # (Company foundry)-[:MANUFACTURES]->(Accelerator)
    "DESIGNS": "forward",  # (Company designer)-[:DESIGNS]->(Accelerator)
    "PACKAGES": "forward",  # (Company)-[:PACKAGES]->(Accelerator)
    "POWERS": "forward",  # (Company energy)-[:POWERS]->(Company cloud)
    "OWNS": "reverse",  # (Company owner)-[:OWNS]->(Accelerator)  Epoch AI
    "RUNS_ON": "reverse",  # (Company lab)-[:RUNS_ON]->(Company cloud)
    # (Company)-[:LOCATED_IN]->(Country): weight = share of the firm's capacity (that serves the
    # AI chain) in that country; the country supplies the firm's sites (docs/model.md)
    "LOCATED_IN": "reverse",
    "INVESTS_IN": "none",  # (Company)-[:INVESTS_IN]->(Company)
    "HEADQUARTERED_IN": "none",  # (Company)-[:HEADQUARTERED_IN]->(Country)
    "PART_OF": "none",  # (Input)-[:PART_OF]->(Stage), (Mineral)-[:PART_OF]->(Mineral group)
    "IS_TYPE_OF": "none",  # (Input)-[:IS_TYPE_OF]->(Input)  CSET taxonomy
    # (Input)-[:GOES_INTO]->(Input)  CSET process sequence ("A precedes / goes into B"): CSET gives
    # no quantity, and a process step is not a supply of the next one, so it never propagates
    "GOES_INTO": "none",
    "SELLS_TO": "none",  # (Company)-[:SELLS_TO]->(Company)  money flow (USD); money model only
}

CONFIDENCE: Final[tuple[str, ...]] = ("reported", "estimated")

# Properties every node / edge must have (non-empty).
PROVENANCE: Final[tuple[str, ...]] = ("source", "as_of", "confidence")


def label_for(kind: str) -> str:
    """Neo4j label of a node kind; raises ``KeyError`` for an unknown kind."""
    return NODE_KINDS[kind]


def flow_of(rel_type: str) -> Flow:
    """Supply direction of a relationship type (``none`` for non-supply relations)."""
    return REL_TYPES.get(rel_type, "none")


def company_layer(roles: list[str] | tuple[str, ...]) -> str:
    """Layer of a company from its roles: lab > cloud or compute owner > chips > inputs.

    A lab that owns (``compute``) or rents out (``cloud``) AI compute sits in the clouds layer:
    the owners of the accelerators (Epoch AI) are that layer.
    """
    owner = "cloud" in roles or "compute" in roles
    if "lab" in roles and not owner:
        return "labs"
    if owner:
        return "clouds"
    if CHIP_ROLES.intersection(roles):
        return "chips"
    return "inputs"


def layer_of(kind: str, roles: list[str] | tuple[str, ...] = ()) -> str:
    """The default layer of a node: by roles for a company, else by kind (``""`` if none)."""
    return company_layer(roles) if kind == "company" else KIND_LAYERS.get(kind, "")
