"""Build-time checks of typed dependencies in curated links (docs/model.md section 2).

* ``dependency`` (optional column): ``share`` or ``requirement``; empty = the type's default
  (:func:`riskgraph.graph.dependency.default_dependency`).
* ``input`` (optional column): the input a share supplies; share rows into one customer with the
  same input are substitutes and their weights must sum to at most 1.

:func:`check_share_groups` raises :class:`~riskgraph.errors.IngestError` naming the file, the
row that makes a group over-full, the column (``weight``) and the other rows of the group.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from riskgraph.errors import IngestError, suggest
from riskgraph.graph import schema
from riskgraph.graph.dependency import DEPENDENCIES, REQUIREMENT, dependency_of, input_of
from riskgraph.graph.model import Edge, PropValue

TOLERANCE = 1e-9


def parse_dependency(path: Path, line: int, row: dict[str, str], props: dict[str, PropValue]
                     ) -> None:
    """Read the optional ``dependency`` and ``input`` columns of one links row into ``props``."""
    dep = (row.get("dependency") or "").strip()
    if dep:
        if dep not in DEPENDENCIES:
            near = suggest(dep, DEPENDENCIES)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"dependency {dep!r} is not 'share' or 'requirement'{hint}",
                              row=line, column="dependency")
        props["dependency"] = dep
    inp = (row.get("input") or "").strip()
    if inp:
        props["input"] = inp


def check_share_groups(rows: Iterable[tuple[Path, int, Edge]]) -> None:
    """Shares into one customer for one input must sum to at most 1 (first over-full row fails)."""
    groups: dict[tuple[str, str], list[tuple[Path, int, Edge, float]]] = {}
    for path, line, e in rows:
        flow = schema.flow_of(e.type)
        w = e.props.get("weight")
        if flow == "none" or not isinstance(w, int | float):
            continue
        if dependency_of(e.type, e.props) == REQUIREMENT:
            continue
        sup, cus = (e.src, e.dst) if flow == "forward" else (e.dst, e.src)
        label = input_of(e.type, e.props, sup.startswith("country:"))
        members = groups.setdefault((cus, label), [])
        members.append((path, line, e, float(w)))
        total = sum(m[3] for m in members)
        if total > 1.0 + TOLERANCE:
            others = ", ".join(f"{m[0].name} line {m[1]} ({_supplier(m[2])} {m[3]:g})"
                               for m in members[:-1])
            raise IngestError(
                path,
                f"shares of input {label!r} into {cus} sum to {total:.4g} > 1 with this row "
                f"({sup} {float(w):g}; the others: {others}); substitutable suppliers of one "
                "input cannot cover more than all of it: lower the weights, or mark a "
                "complementary input 'requirement' in the dependency column, or name a "
                "different input",
                row=line, column="weight")


def _supplier(e: Edge) -> str:
    return e.src if schema.flow_of(e.type) == "forward" else e.dst


__all__ = ["parse_dependency", "check_share_groups"]
