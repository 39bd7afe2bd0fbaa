"""Typed dependencies of supply arcs: *share* or *requirement*, and the input a share supplies.

The bottom layer's part of the model of docs/model.md section 2, used by the loaders (which
check that shares into one customer for one input sum to at most 1) and by the engine (which
combines the groups: shares add, requirements by the Leontief max).

* A **share** arc: the supplier is one of several substitutable sources of one input of the
  customer.  The arcs of one customer with the same ``input`` form a group; their weights sum to
  at most 1.
* A **requirement** arc: an input the customer cannot do without; ``weight`` is the share of the
  customer's output that needs it.  Each requirement is its own group.

An edge states its kind in the prop ``dependency`` (curated column ``dependency``) and its group
in ``input`` (column ``input``); without them the relationship type decides
(:func:`default_dependency`, :func:`default_input`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

SHARE: Final = "share"
REQUIREMENT: Final = "requirement"
DEPENDENCIES: Final[tuple[str, ...]] = (SHARE, REQUIREMENT)

# Relationship types whose arcs are requirements unless the edge says otherwise.
REQUIREMENT_TYPES: Final[frozenset[str]] = frozenset({"INPUT_TO", "DESIGNS"})

# The input a share arc supplies when the edge names none (its group label).
DEFAULT_INPUT: Final[dict[str, str]] = {
    "PRODUCES": "production",
    "MANUFACTURES": "foundry",
    "PACKAGES": "packaging",
    "OWNS": "compute",
    "RUNS_ON": "compute",
    "POWERS": "electricity",
    "LOCATED_IN": "sites",
    "SUPPLIES": "supplies",
}


def default_dependency(rel_type: str) -> str:
    """``requirement`` for INPUT_TO and DESIGNS, ``share`` for every other supply type."""
    return REQUIREMENT if rel_type in REQUIREMENT_TYPES else SHARE


def default_input(rel_type: str, supplier_is_country: bool) -> str:
    """The group label of a share arc without an ``input``.

    PROVIDES rows come in two partitions of one market (CSET lists countries *and* firms for most
    inputs): each partition is its own group, and the input's loss is the larger of the two,
    never their sum, so a country and the firms located in it are not counted twice.
    """
    if rel_type == "PROVIDES":
        return "providers by country" if supplier_is_country else "providers by firm"
    return DEFAULT_INPUT.get(rel_type, rel_type.lower())


def dependency_of(rel_type: str, props: Mapping[str, object]) -> str:
    """The arc's kind: its ``dependency`` prop if valid, else the type's default."""
    d = props.get("dependency")
    return d if isinstance(d, str) and d in DEPENDENCIES else default_dependency(rel_type)


def input_of(rel_type: str, props: Mapping[str, object], supplier_is_country: bool) -> str:
    """The arc's group label: its ``input`` prop if given, else the type's default."""
    lab = props.get("input")
    if isinstance(lab, str) and lab.strip():
        return lab.strip()
    return default_input(rel_type, supplier_is_country)


__all__ = ["SHARE", "REQUIREMENT", "DEPENDENCIES", "REQUIREMENT_TYPES", "DEFAULT_INPUT",
           "default_dependency", "default_input", "dependency_of", "input_of"]
