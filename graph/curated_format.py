"""The curated CSV format (``docs/curated-format.md``): files, columns, patterns and row rules.

One home for the three readers of the format:

* :mod:`riskgraph.ingest.curated` - row by row into a :class:`~riskgraph.graph.model.GraphData`
  (names and aliases resolved, every rule checked);
* :mod:`riskgraph.engine.columnar` - vectorised into arrays, for millions of rows (every rule
  checked, ids only);
* :mod:`riskgraph.graph.neo4j.bulk` - chunks into Neo4j rows (ids only, only what the writing
  needs checked).

Each rule is a function returning the reason a value breaks it (``None`` when it holds), so every
reader reports the same reason for the same cell; the readers add file, line and column
(:class:`~riskgraph.errors.IngestError`).  :func:`check_node`, :func:`check_provenance`,
:func:`check_link_figures` and :func:`check_estimated_range` apply the rules to one row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from riskgraph.errors import IngestError, suggest
from riskgraph.graph import schema
from riskgraph.graph.figures import parse_number
from riskgraph.graph.names import slugify

# -- files and columns -------------------------------------------------------------------------
NODE_COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "layer", "roles", "aliases", "source", "as_of", "confidence", "rationale",
)
NODE_OPTIONAL: tuple[str, ...] = ("unit", "capacity")
LINK_COLUMNS: tuple[str, ...] = (
    "from", "to", "type", "weight", "weight_low", "weight_high", "sales_share",
    "substitutability", "source", "as_of", "confidence", "rationale",
)
LINK_OPTIONAL: tuple[str, ...] = ("amount", "unit", "dependency", "input", "override")
# ``override`` (user data only): ``yes`` lets a user row replace a shipped figure of the same
# link (docs/curated-format.md); empty or ``no``: a repeated shipped link is an error.
OVERRIDE_VALUES: dict[str, bool] = {"": False, "no": False, "false": False, "yes": True,
                                    "true": True}


def unknown_columns(path: Path, header: list[str], known: Iterable[str]) -> None:
    """Raise :class:`IngestError` for a header column the format does not define (a typo such
    as ``wieght_low`` would otherwise be ignored silently), naming the nearest column."""
    allowed = list(known)
    if len(set(header)) != len(header):  # a dict of the row would keep only the last one
        dup = next(h for h in header if header.count(h) > 1)
        raise IngestError(path, f"column {dup!r} appears twice in the header", row=1)
    for col in header:
        if col and col not in allowed:
            near = suggest(col, allowed, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"unknown column {col!r}{hint} (docs/curated-format.md "
                              "lists the columns)", row=1, column=col)
# Link figures that are fractions in [0, 1] (``0.4`` or ``40%``) ...
FRACTIONS: tuple[str, ...] = (
    "weight", "weight_low", "weight_high", "sales_share", "substitutability",
)
# ... and every link figure, in the order a link keeps them.
LINK_FIGURES: tuple[str, ...] = (*FRACTIONS, "amount")

AS_OF_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LIST_SEP = "|"


def is_nodes_file(path: Path) -> bool:
    """A nodes file: a ``.csv`` whose name contains ``nodes``."""
    return path.suffix == ".csv" and "nodes" in path.name.casefold()


def is_links_file(path: Path) -> bool:
    """A links file: a ``.csv`` whose name contains ``links`` (and not ``nodes``)."""
    return (path.suffix == ".csv" and "links" in path.name.casefold()
            and not is_nodes_file(path))


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """A folder's nodes files and links files, each sorted (possibly none of either)."""
    csvs = sorted(Path(folder).glob("*.csv"))
    return [p for p in csvs if is_nodes_file(p)], [p for p in csvs if is_links_file(p)]


def source_key(folder: Path) -> str:
    """The source key of a user folder (``user:<folder slug>``), the last part of its edge keys."""
    return f"user:{slugify(Path(folder).name) or 'data'}"


def edge_key(src: str, rel_type: str, dst: str, source: str) -> str:
    """The key of a curated edge: ``<from>|<type>|<to>|<source key>``."""
    return f"{src}|{rel_type}|{dst}|{source}"


def citation(source: str, file: str, line: int) -> str:
    """The ``source`` a curated node or edge carries: the row's own, plus file and line."""
    return f"{source} (riskgraph curated, {file} line {line})"


def split_list(raw: str | None) -> list[str]:
    """A ``|``-separated cell (roles, aliases) as its stripped, non-empty parts (each once)."""
    return list(dict.fromkeys(p.strip() for p in (raw or "").split(LIST_SEP) if p.strip()))


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only blanks and invisible format characters
    (zero-width space, joiners, bidi marks)."""
    import unicodedata

    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text)


# Cell values that stand for "no source" rather than cite one.
PLACEHOLDER_SOURCES = frozenset({"-", "--", "—", "?", "n/a", "na", "none", "tbd", "todo",
                                 "unknown", "source"})


# -- rules: each returns the reason a value breaks it, or None -------------------------------------
def unknown(what: str, value: str, choices: Iterable[str] | None = None) -> str:
    """``unknown kind 'firm'``, with the nearest of ``choices`` as a suggestion when given."""
    near = suggest(value, choices) if choices is not None else []
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {what} {value!r}{hint}"


def kind_problem(kind: str) -> str | None:
    return None if kind in schema.NODE_KINDS else unknown("kind", kind, schema.NODE_KINDS)


def id_problem(node_id: str, kind: str) -> str | None:
    """A node id must be ``<kind>:<slug>``."""
    prefix, sep, slug = node_id.partition(":")
    return None if sep and prefix == kind and SLUG_RE.match(slug) else bad_id(node_id, kind)


def bad_id(node_id: str, kind: str) -> str:
    return f"id {node_id!r} must be '{kind}:<slug>' (letters, digits, '-', '.', '_')"


def role_problem(role: str) -> str | None:
    return None if role in schema.COMPANY_ROLES else unknown("role", role, schema.COMPANY_ROLES)


def layer_problem(layer: str) -> str | None:
    return None if not layer or layer in schema.LAYERS else unknown("layer", layer, schema.LAYERS)


def type_problem(rel_type: str) -> str | None:
    return None if rel_type in schema.REL_TYPES else unknown("type", rel_type, schema.REL_TYPES)


EMPTY_NAME = "empty name"
ROLES_NOT_COMPANY = "only company nodes have roles"
EMPTY_ID = "empty node id"
EMPTY_SOURCE = "empty source: cite a document, or say who estimated it"
NO_RATIONALE = "estimated without rationale: say in one line why this figure"
NO_RANGE = "estimated weight without a range: give weight_low and weight_high"
RANGE_WITHOUT_WEIGHT = "weight_low/weight_high without a weight"


def source_problem(source: str) -> str | None:
    if not visible(source):
        return EMPTY_SOURCE
    if source.casefold() in PLACEHOLDER_SOURCES:
        return f"source {source!r} is a placeholder; cite the document and where in it"
    return None


def as_of_problem(as_of: str) -> str | None:
    import datetime

    bad = f"as_of {as_of!r} is not a year or date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if not AS_OF_RE.match(as_of):
        return bad
    parts = [int(x) for x in as_of.split("-")]
    try:  # a real calendar date: no month 13, no 30 February, no year 0
        datetime.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))
    except ValueError:
        return bad
    return None if parts[0] >= 1800 else bad


def confidence_problem(confidence: str) -> str | None:
    if confidence in schema.CONFIDENCE:
        return None
    return f"confidence {confidence!r} is not one of 'reported' or 'estimated'"


def self_loop(node_id: str) -> str:
    return f"self-loop: from and to are both {node_id!r}"


def needs_weight(rel_type: str) -> str:
    return f"{rel_type} is a supply relation and needs a weight"


def low_above_weight(low: float, weight: float) -> str:
    return f"weight_low {low:g} > weight {weight:g}"


def weight_above_high(weight: float, high: float) -> str:
    return f"weight {weight:g} > weight_high {high:g}"


def outside_unit_interval(column: str, raw: str) -> str:
    return f"{column} {raw} is outside [0, 1] (a fraction: 0.4 or 40%)"


def is_supply(rel_type: str) -> bool:
    """A supply relation (its type flows): its link needs a weight."""
    return schema.flow_of(rel_type) != "none"


# -- rules applied to one row ------------------------------------------------------------------
def fail(path: Path, line: int, column: str | None, reason: str | None) -> None:
    """Raise the :class:`IngestError` of a broken rule (nothing when ``reason`` is None)."""
    if reason is not None:
        raise IngestError(path, reason, row=line, column=column)


def check_node(path: Path, line: int, node_id: str, kind: str, name: str, roles: list[str],
               layer: str) -> None:
    """The rules of a node row (in this order): kind, id, name, roles, layer."""
    fail(path, line, "kind", kind_problem(kind))
    fail(path, line, "id", id_problem(node_id, kind))
    fail(path, line, "name", None if visible(name) else EMPTY_NAME)
    for r in roles:
        fail(path, line, "roles", role_problem(r))
    fail(path, line, "roles", ROLES_NOT_COMPANY if roles and kind != "company" else None)
    fail(path, line, "layer", layer_problem(layer))


def check_provenance(path: Path, line: int, row: Mapping[str, str]
                     ) -> tuple[str, str, str, str]:
    """``(source, as_of, confidence, rationale)`` of a row, stripped, after their rules."""
    source = row["source"].strip()
    fail(path, line, "source", source_problem(source))
    as_of = row["as_of"].strip()
    fail(path, line, "as_of", as_of_problem(as_of))
    conf = row["confidence"].strip()
    fail(path, line, "confidence", confidence_problem(conf))
    rationale = row["rationale"].strip()
    fail(path, line, "rationale", NO_RATIONALE if conf == "estimated" and not rationale else None)
    return source, as_of, conf, rationale


def parse_fraction(raw: str | None, *, path: Path, line: int, column: str,
                   check_range: bool = True) -> float | None:
    """A fraction cell: ``0.4`` or ``40%`` -> 0.4; empty or a missing token -> ``None``."""
    text = (raw or "").strip()
    v = parse_number(text, path=path, row=line, column=column, minimum=None)
    if v is None:
        if text:  # "NA", "w", "-": the format has one way to say "no figure", an empty cell
            raise IngestError(path, f"not a number: {text!r} (leave the cell empty when there "
                              "is no figure)", row=line, column=column)
        return None
    if text.endswith("%"):
        v /= 100.0
    if check_range and not 0.0 <= v <= 1.0:
        raise IngestError(path, outside_unit_interval(column, text), row=line, column=column)
    return v


def check_link_figures(path: Path, line: int, rel_type: str, weight: float | None,
                       low: float | None, high: float | None) -> None:
    """The weight rules of a link: a supply type needs one; a range needs a weight;
    ``weight_low <= weight <= weight_high``."""
    if weight is None:
        fail(path, line, "weight", needs_weight(rel_type) if is_supply(rel_type) else None)
        fail(path, line, "weight",
             RANGE_WITHOUT_WEIGHT if low is not None or high is not None else None)
        return
    fail(path, line, "weight_low",
         low_above_weight(low, weight) if low is not None and low > weight else None)
    fail(path, line, "weight_high",
         weight_above_high(weight, high) if high is not None and weight > high else None)


def check_estimated_range(path: Path, line: int, confidence: str, weight: float | None,
                          low: float | None, high: float | None) -> None:
    """An estimated weight states its range (``weight_low`` and ``weight_high``)."""
    if confidence == "estimated" and weight is not None and (low is None or high is None):
        fail(path, line, "weight_low" if low is None else "weight_high", NO_RANGE)
