"""Curated links: the company and component layer no public data set covers.

Two CSV files in ``ingest/data/curated/`` (their format is public, see ``docs/curated-format.md``):

* ``nodes.csv`` – nodes the public data sets lack (GaN power devices, HBM, CoWoS, optical
  transceivers, accelerator families ...):
  ``id,kind,name,layer,roles,aliases,source,as_of,confidence,rationale`` (+ optional
  ``unit``, ``capacity``).
* ``links.csv`` – one row per edge:
  ``from,to,type,weight,weight_low,weight_high,sales_share,substitutability,source,as_of,
  confidence,rationale`` (+ optional ``amount``, ``unit``).

Users add their own files of the same form (any ``*nodes*.csv`` / ``*links*.csv`` in a folder
given with ``--data-dir`` or ``RISKGRAPH_DATA``); :func:`load_user_dir` reads them and they merge
into the graph.

A ``from``/``to`` value is a node id (``company:tsmc``, ``input:wafer``, ``mineral:gallium``) or a
name the registry or a curated node knows (``TSMC``, ``Taiwan Semiconductor``, ``Gallium``).  An
id is *known* when it is a registry entity (``ingest/data/entities/``), a curated node, an
accelerator family, a CSET input found under the data folder, or in the ``known_ids`` the caller
passes (the builder passes the ids of the graph built so far).  Anything else is an
:class:`IngestError` naming file, line, column, and the closest known ids.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from riskgraph.errors import IngestError, suggest
from riskgraph.graph import curated_format as fmt
from riskgraph.graph import schema
from riskgraph.graph.figures import parse_number
from riskgraph.graph.model import Edge, GraphData, Node, PropValue
from riskgraph.graph.names import norm, slugify
from riskgraph.ingest.base import DATA_DIR, LoadResult, SourceInfo, read_csv_rows, rel
from riskgraph.ingest.resolve import Resolver
from riskgraph.ingest.shares import check_share_groups, parse_dependency

CURATED_DIR = "curated"

SOURCE = SourceInfo(
    key="curated",
    title="Curated links: components, foundries, memory, packaging, clouds, model labs",
    citation=(
        "riskgraph team, ingest/data/curated/{nodes,links}.csv; every row cites its own "
        "document (10-K, annual report, USGS MCS, source article) or is marked estimated "
        "with a rationale and a low/high range"
    ),
    licence="CC BY 4.0 (riskgraph project data); cited figures remain their publishers'",
    as_of="2025",
    path="curated/",
)

# Accelerator families the Epoch AI loader links to their owners (always known ids).
ACCELERATOR_FAMILIES: dict[str, str] = {
    "accelerator:nvidia-gpu": "Nvidia data-centre GPUs",
    "accelerator:amd-instinct": "AMD Instinct accelerators",
    "accelerator:google-tpu": "Google TPUs",
    "accelerator:aws-trainium": "AWS Trainium",
}


@dataclass
class CuratedIndex:
    """Every id a curated link may point to, and the names that resolve to them."""

    ids: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # norm(name) -> id

    def add(self, node_id: str, names: Iterable[str] = ()) -> None:
        self.ids.add(node_id)
        for n in names:
            k = norm(n)
            if k and k not in self.names:
                self.names[k] = node_id


# -- public API ---------------------------------------------------------------------------------
def load(
    data_dir: Path = DATA_DIR,
    resolver: Resolver | None = None,
    *,
    known_ids: Iterable[str] | None = None,
) -> LoadResult:
    """Load the shipped curated tables ``<data_dir>/curated/{nodes,links}.csv``.

    Parameters
    ----------
    data_dir
        The ``ingest/data`` folder (the builder passes ``DATA_DIR``).
    resolver
        The entity registry; a fresh :class:`Resolver` when omitted.
    known_ids
        Ids defined by other loaders (the graph built so far).  Links may point to them.
        Without it, CSET input ids are read from any ``inputs.csv`` under ``data_dir``.

    Returns
    -------
    LoadResult
        Tables ``nodes`` and ``links`` (pandas) and the GraphData fragment.

    Raises
    ------
    IngestError
        For any invalid row (file, line, column and reason).
    """
    resolver = resolver or Resolver()
    folder = Path(data_dir) / CURATED_DIR
    nodes_path, links_path = folder / "nodes.csv", folder / "links.csv"
    for p in (nodes_path, links_path):
        if not p.exists():
            raise IngestError(p, "missing curated file")
    extra = set(known_ids or ()) | cset_input_ids(Path(data_dir))
    return _load_files([nodes_path], [links_path], resolver, extra, SOURCE)


def load_user_dir(
    path: Path, resolver: Resolver | None = None, *, known_ids: Iterable[str] | None = None
) -> LoadResult:
    """Load a user's folder of curated-format CSVs (``*nodes*.csv`` and ``*links*.csv``).

    Their links may point to registry entities, the shipped curated nodes, CSET inputs,
    accelerator families, the ``known_ids`` given, and the nodes of the user's own files.

    Raises
    ------
    IngestError
        When the folder holds no such file, or for any invalid row.
    """
    resolver = resolver or Resolver()
    folder = Path(path)
    if not folder.is_dir():
        raise IngestError(folder, "user data directory does not exist")
    node_files, link_files = fmt.folder_files(folder)
    if not node_files and not link_files:
        raise IngestError(folder, "no *nodes*.csv or *links*.csv file in the user data directory")
    extra = set(known_ids or ()) | cset_input_ids(DATA_DIR)
    base_nodes: list[Node] = []
    shipped_links: dict[tuple[str, str, str], tuple[Path, int]] = {}
    if (DATA_DIR / CURATED_DIR / "links.csv").exists():
        shipped = load(DATA_DIR, resolver, known_ids=known_ids)
        extra |= set(shipped.graph.nodes)
        base_nodes = list(shipped.graph.nodes.values())
        for trow in shipped.tables["links"].to_dict("records"):
            shipped_links[(str(trow["from"]), str(trow["to"]), str(trow["type"]))] = (
                DATA_DIR / str(trow["file"]), int(trow["line"]))
    src = SourceInfo(
        key=fmt.source_key(folder),
        title=f"User data: {folder}",
        citation=f"user-supplied curated-format CSVs in {folder}",
        licence="the user's own",
        as_of="",
        path=str(folder),
    )
    return _load_files(node_files, link_files, resolver, extra, src, shipped_links, base_nodes)


def cset_input_ids(data_dir: Path) -> set[str]:
    """Ids (``input:`` + slugify(input_name)) of the CSET inputs shipped under ``data_dir``."""
    out: set[str] = set()
    if not data_dir.is_dir():
        return out
    for p in data_dir.rglob("inputs.csv"):
        try:
            with p.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames or "input_name" not in reader.fieldnames:
                    continue
                for row in reader:
                    name = (row.get("input_name") or "").strip()
                    if name:
                        out.add("input:" + slugify(name))
        except (OSError, UnicodeDecodeError):
            continue
    return out


# -- internals ----------------------------------------------------------------------------------
def _load_files(
    node_files: list[Path],
    link_files: list[Path],
    resolver: Resolver,
    extra_ids: set[str],
    source: SourceInfo,
    shipped_links: dict[tuple[str, str, str], tuple[Path, int]] | None = None,
    base_nodes: Iterable[Node] = (),
) -> LoadResult:
    shipped_links = shipped_links or {}
    graph = GraphData()
    index = _base_index(resolver, extra_ids)
    for bn in base_nodes:  # the shipped curated nodes: user links may name them
        index.add(bn.id, [bn.id, bn.name, *bn.aliases])
    rows = 0
    node_records: list[dict[str, object]] = []
    seen_nodes: dict[str, tuple[Path, int]] = {}
    for p in node_files:
        nodes, nrows = _read_nodes(p, resolver)
        rows += nrows
        for n in nodes:
            line = int(str(n.props.pop("_line")))
            if n.id in seen_nodes:
                fp, fl = seen_nodes[n.id]
                raise IngestError(p, f"duplicate node id {n.id!r} (first defined in "
                                  f"{rel(fp)} line {fl})", row=line, column="id")
            seen_nodes[n.id] = (p, line)
            for a in [n.name, *n.aliases]:
                k = norm(a)
                prev = index.names.get(k)
                if prev is not None and prev != n.id and prev in seen_nodes:
                    raise IngestError(p, f"name or alias {a!r} names both {prev} and {n.id}",
                                      row=line, column="aliases")
            index.add(n.id, [n.id, n.name, *n.aliases])
            graph.add_node(n)
            node_records.append({"id": n.id, "kind": n.kind, "name": n.name, "layer": n.layer,
                                 "confidence": n.confidence, "file": rel(p), "line": line})
    link_records: list[dict[str, object]] = []
    seen_links: dict[tuple[str, str, str], tuple[Path, int]] = {}
    share_rows: list[tuple[Path, int, Edge]] = []  # typed dependencies (ingest/shares.py)
    for p in link_files:
        header, lrows = read_csv_rows(p, fmt.LINK_COLUMNS)
        fmt.unknown_columns(p, header, (*fmt.LINK_COLUMNS, *fmt.LINK_OPTIONAL))
        if not lrows:
            raise IngestError(p, "no data rows (only a header)")
        rows += len(lrows)
        for line, row in lrows:
            e = _parse_link(p, line, row, resolver, index, source.key)
            lk = (e.src, e.dst, e.type)
            if lk in shipped_links and not e.props.get("override"):
                fp, fl = shipped_links[lk]
                raise IngestError(
                    p, f"link {e.src} -[{e.type}]-> {e.dst} is already in the shipped table "
                    f"({rel(fp)} line {fl}); change its figures for one run with --set instead, "
                    "or replace it with override=yes in this row",
                    row=line,
                )
            if lk in seen_links:
                fp, fl = seen_links[lk]
                raise IngestError(
                    p, f"duplicate link {e.src} -[{e.type}]-> {e.dst} (first in {rel(fp)} "
                    f"line {fl})", row=line,
                )
            seen_links[lk] = (p, line)
            share_rows.append((p, line, e))
            graph.add_edge(e)
            rec: dict[str, object] = {"from": e.src, "to": e.dst, "type": e.type}
            for col in fmt.LINK_FIGURES:
                rec[col] = e.props.get(col)
            rec.update({"unit": e.props.get("unit", ""), "confidence": e.confidence,
                        "as_of": e.as_of, "source": e.source, "file": rel(p), "line": line})
            link_records.append(rec)
    check_share_groups(share_rows)
    tables: dict[str, pd.DataFrame] = {
        "nodes": pd.DataFrame(node_records,
                              columns=["id", "kind", "name", "layer", "confidence", "file",
                                       "line"]),
        "links": pd.DataFrame(link_records,
                              columns=["from", "to", "type", "weight", "weight_low",
                                       "weight_high", "sales_share", "substitutability",
                                       "amount", "unit", "confidence", "as_of", "source",
                                       "file", "line"]),
    }
    for col in fmt.LINK_FIGURES:
        tables["links"][col] = pd.to_numeric(tables["links"][col]).astype("float64")
    files = [rel(p) for p in [*node_files, *link_files]]
    return LoadResult(source=source, tables=tables, graph=graph, rows=rows, files=files)


def _base_index(resolver: Resolver, extra_ids: set[str]) -> CuratedIndex:
    idx = CuratedIndex()
    for fam, name in ACCELERATOR_FAMILIES.items():
        idx.add(fam, [fam, name])
    for node_id in extra_ids:
        idx.add(node_id, [node_id])
    return idx


def _registry_id(value: str, resolver: Resolver) -> str | None:
    """Resolve ``kind:name`` or a bare name through the registry (countries, minerals, firms)."""
    kind, sep, rest = value.partition(":")
    if sep and kind in ("company", "mineral", "country"):
        hit = resolver.lookup(rest, kind)
        if hit is not None:
            return hit
        if not resolver.rows.get(kind):
            # No registry file for this kind (yet): accept a well-formed id; the builder checks
            # that some loader defines it.
            return value if fmt.SLUG_RE.match(rest) else None
        return None
    if sep:
        return None
    hits = {h for k in ("company", "mineral", "country") if (h := resolver.lookup(value, k))}
    return hits.pop() if len(hits) == 1 else None


def _resolve_end(
    value: str, path: Path, line: int, column: str, resolver: Resolver, index: CuratedIndex
) -> str:
    v = value.strip()
    if not v:
        raise IngestError(path, fmt.EMPTY_ID, row=line, column=column)
    if v in index.ids:
        return v
    if ":" in v:
        hit = _registry_id(v, resolver)
        if hit is not None:
            return hit
    else:
        # A bare name: the registry and the curated/user nodes must agree on what it names
        # ("BB" is Barbados' ISO code and maybe a user's firm): never pick one silently.
        hits = {h for k in ("company", "mineral", "country") if (h := resolver.lookup(v, k))}
        named = index.names.get(norm(v))
        if named is not None:
            hits.add(named)
        if len(hits) > 1:
            raise IngestError(path, f"ambiguous name {v!r}: it names " + " and ".join(sorted(hits))
                              + "; write the id instead", row=line, column=column)
        if hits:
            return hits.pop()
    near = _near_ids(v, resolver, index)
    msg = f"unknown node {v!r}"
    if near:
        msg += "; did you mean " + " or ".join(repr(s) for s in near[:3]) + "?"
    msg += " (define it in a nodes file or the entity registry)"
    raise IngestError(path, msg, row=line, column=column)


def _near_ids(value: str, resolver: Resolver, index: CuratedIndex) -> list[str]:
    """Known ids close to ``value``: by slug within the same kind, else by name or alias."""
    ids = set(index.ids)
    names: dict[str, str] = dict(index.names)
    for kind, key in (("company", "slug"), ("mineral", "slug"), ("country", "iso2")):
        for r in resolver.rows.get(kind, []):
            node_id = f"{kind}:{(r.get(key) or '').strip()}"
            ids.add(node_id)
            for n in [r.get("name") or "", *(r.get("aliases") or "").split("|")]:
                if norm(n):
                    names.setdefault(norm(n), node_id)
    kind, sep, rest = value.partition(":")
    if sep:
        same = {i.partition(":")[2]: i for i in ids if i.startswith(kind + ":")}
        pool = same or {i.partition(":")[2]: i for i in ids}
        return [pool[h] for h in suggest(rest, pool)]
    hits = [names[h] for h in suggest(norm(value), names)]
    return list(dict.fromkeys(hits))


def _read_nodes(path: Path, resolver: Resolver) -> tuple[list[Node], int]:
    header, rows = read_csv_rows(path, fmt.NODE_COLUMNS)
    fmt.unknown_columns(path, header, (*fmt.NODE_COLUMNS, *fmt.NODE_OPTIONAL))
    if not rows:
        raise IngestError(path, "no data rows (only a header)")
    out: list[Node] = []
    for line, row in rows:
        node_id = row["id"].strip()
        kind = row["kind"].strip()
        name = row["name"].strip()
        roles = fmt.split_list(row["roles"])
        layer = row["layer"].strip()
        fmt.check_node(path, line, node_id, kind, name, roles, layer)
        source, as_of, conf, rationale = fmt.check_provenance(path, line, row)
        props: dict[str, PropValue] = {"_line": line}
        _figure_and_unit(path, line, row, "capacity", props)
        out.append(Node(
            id=node_id, kind=kind, name=name, layer=layer or schema.layer_of(kind, roles),
            roles=roles, aliases=fmt.split_list(row["aliases"]),
            source=fmt.citation(source, rel(path), line),
            as_of=as_of, confidence=conf, rationale=rationale, props=props,
        ))
    return out, len(rows)


def _figure_and_unit(path: Path, line: int, row: dict[str, str], column: str,
                     props: dict[str, PropValue]) -> float | None:
    """The optional figure ``column`` (``capacity``, ``amount``) and ``unit`` of a row, into
    ``props``; returns the figure (``None`` when the cell is empty)."""
    text = (row.get(column) or "").strip()
    v = parse_number(text, path=path, row=line, column=column)
    if v is None and text:  # "NA", "w", "nan": only an empty cell means "no figure"
        raise IngestError(path, f"not a number: {text!r} (leave the cell empty when there is "
                          "no figure)", row=line, column=column)
    if v is not None:
        props[column] = v
    unit = (row.get("unit") or "").strip()
    if unit:
        if v is None:
            what = "a capacity" if column == "capacity" else "an amount"
            raise IngestError(path, f"unit without {what}", row=line, column="unit")
        props["unit"] = unit
    return v


def _parse_link(
    path: Path,
    line: int,
    row: dict[str, str],
    resolver: Resolver,
    index: CuratedIndex,
    key_suffix: str = "curated",
) -> Edge:
    rtype = row["type"].strip()
    fmt.fail(path, line, "type", fmt.type_problem(rtype))
    src = _resolve_end(row["from"], path, line, "from", resolver, index)
    dst = _resolve_end(row["to"], path, line, "to", resolver, index)
    fmt.fail(path, line, "to", fmt.self_loop(src) if src == dst else None)

    def fraction(column: str) -> float | None:
        return fmt.parse_fraction(row.get(column), path=path, line=line, column=column)

    w, lo, hi = fraction("weight"), fraction("weight_low"), fraction("weight_high")
    fmt.check_link_figures(path, line, rtype, w, lo, hi)
    source, as_of, conf, rationale = fmt.check_provenance(path, line, row)
    fmt.check_estimated_range(path, line, conf, w, lo, hi)
    props: dict[str, PropValue] = {}
    for col, val in (("weight", w), ("weight_low", lo), ("weight_high", hi),
                     ("sales_share", fraction("sales_share")),
                     ("substitutability", fraction("substitutability"))):
        if val is not None:
            props[col] = val
    amount = _figure_and_unit(path, line, row, "amount", props)
    parse_dependency(path, line, row, props)
    ov = (row.get("override") or "").strip().lower()
    if ov not in fmt.OVERRIDE_VALUES:
        raise IngestError(path, f"override must be yes or no (or empty), not {ov!r}", row=line,
                          column="override")
    if fmt.OVERRIDE_VALUES[ov]:
        if key_suffix == "curated":
            raise IngestError(path, "override is for user data; the shipped tables state their "
                              "figures", row=line, column="override")
        props["override"] = True
    if amount is not None and not props.get("unit"):
        raise IngestError(path, "amount without a unit", row=line, column="unit")
    return Edge(src, dst, rtype, source=fmt.citation(source, rel(path), line),
                as_of=as_of, confidence=conf, rationale=rationale, props=props,
                key=fmt.edge_key(src, rtype, dst, key_suffix))
