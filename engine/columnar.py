"""The scale path: curated-format CSVs straight into index maps and CSR arrays.

:class:`~riskgraph.graph.model.GraphData` keeps one Python object per node and edge: right for
the shipped graph (about a thousand nodes), far too heavy for a user's map of a million firms and
ten million links.  :func:`load_columnar` reads the same curated CSV files
(``docs/curated-format.md``) with pandas in chunks, checks every row with vectorised tests, and
keeps only numpy arrays: node ids and kinds, and per supply arc the supplier, customer, weight,
substitutability and sales share.  :meth:`ColumnarGraph.shock` runs the SAME model as the
engine (``riskgraph.engine.compile`` + :func:`riskgraph.engine.iim.inoperability`):

* an edge flows as its type says (``graph/schema.py``: forward, reverse, none); ``none`` edges
  never propagate; arcs INTO a country node are left out (countries are supply sources only);
* ``a*_ij = (1 - b_i) * a_ij * (1 - s_ij)`` per arc, ``b`` the model-wide buffer and ``s`` the
  edge's substitutability or the model-wide default (``engine/defaults.toml``, ``--set``);
* arcs of different types joining the same pair combine by their LARGEST value;
* ``DESIGNS`` arcs (the engine's ``EXOGENOUS_TYPES``) pass on only a shock applied to their
  sender, downstream: ``c*`` becomes ``min(1, c + D c)`` and they leave ``A*``;
* downstream: ``q = min(1, A* q + c*)``; upstream: ``q = min(1, S q + d)`` with ``S`` the sales
  shares.

Differences from the curated loader (:mod:`riskgraph.ingest.curated`), on purpose:

* ``from``/``to`` must be node ids (of the nodes files, or ``known_ids``); names and aliases
  are not resolved (a name is reported as an unknown node);
* the checks are the curated ones (unknown ids, types, fractions out of [0, 1] or not numbers,
  a supply type without a weight, ``weight_low <= weight <= weight_high``, an estimated weight
  without its range, confidence, as_of, source, rationale, self-loops, duplicate links and node
  ids), and each failure is the same kind of :class:`~riskgraph.errors.IngestError` naming file,
  line and column.  Line numbers count quoted line breaks (the exact line is recomputed for
  the failing row only).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskgraph.engine import aggregate, sparse
from riskgraph.engine.compile import EXOGENOUS_TYPES
from riskgraph.engine.defaults import Params, load_defaults
from riskgraph.errors import IngestError, UsageError, suggest
from riskgraph.graph import curated_format as fmt
from riskgraph.graph import schema
from riskgraph.graph.curated_format import (
    FRACTIONS,
    LINK_COLUMNS,
    LINK_OPTIONAL,
    NODE_COLUMNS,
    NODE_OPTIONAL,
    unknown_columns,
)
from riskgraph.graph.figures import parse_number

TYPES: tuple[str, ...] = tuple(schema.REL_TYPES)
KINDS: tuple[str, ...] = tuple(schema.NODE_KINDS)
_FLOW_CODE = {"forward": 1, "reverse": -1, "none": 0}
CHUNK = 1_000_000


@dataclass
class ColumnarGraph:
    """A supply graph as arrays.  Node ``k`` is ``ids[k]``; arc ``a`` is ``sup[a] -> cus[a]``.

    Attributes
    ----------
    ids : numpy.ndarray of str
        Node ids, sorted (the engine's node order).
    kind : numpy.ndarray of int8
        Index into :data:`KINDS` per node.
    sup, cus : numpy.ndarray of int64
        Supplier and customer of every supply arc (flow applied, ``none`` edges and arcs into
        countries left out).
    arc_type : numpy.ndarray of int8
        Index into :data:`TYPES` per arc.
    weight, subst, sales_share : numpy.ndarray of float
        Per arc; NaN where the file leaves the cell empty.
    links : int
        Rows read (every type).
    into_country : int
        Arcs left out because their customer is a country.
    files : list of str
        The files read.
    """

    ids: np.ndarray
    kind: np.ndarray
    sup: np.ndarray
    cus: np.ndarray
    arc_type: np.ndarray
    weight: np.ndarray
    subst: np.ndarray
    sales_share: np.ndarray
    links: int
    into_country: int
    files: list[str] = field(default_factory=list)
    requirement: np.ndarray | None = None  # bool per arc (None: each type's default)
    label: np.ndarray | None = None  # per arc: the `input` column's text ("" = default)
    _patterns: dict[bool, sparse.Pattern] = field(default_factory=dict, repr=False)
    _groups: dict[bool, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.ids.size)

    @property
    def m(self) -> int:
        """Number of supply arcs."""
        return int(self.sup.size)

    def index_of(self, node_ids: str | Sequence[str]) -> np.ndarray:
        """Positions of node ids; :class:`UsageError` (with suggestions) for an unknown one."""
        wanted = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        pos = np.searchsorted(self.ids, np.array(wanted, dtype=self.ids.dtype))
        pos = np.minimum(pos, max(self.n - 1, 0))
        for w, p in zip(wanted, pos.tolist(), strict=True):
            if self.n == 0 or self.ids[p] != w:
                near = suggest(w, self._near_pool(w))
                hint = ("; did you mean " + " or ".join(repr(s) for s in near) + "?") if near \
                    else ""
                raise UsageError(f"unknown node {w!r}{hint}")
        return pos.astype(np.int64)

    def _near_pool(self, w: str) -> list[str]:
        prefix = w.partition(":")[0] + ":"
        lo = int(np.searchsorted(self.ids, prefix))
        return [str(x) for x in self.ids[lo:lo + 5000] if str(x).startswith(prefix)]

    # -- the model -----------------------------------------------------------------------------
    def arc_values(self, params: Params | None = None, *, upstream: bool = False
                   ) -> np.ndarray:
        """Per arc: ``a*_ij = (1 - b_i) a_ij (1 - s_ij)`` downstream, the sales share upstream."""
        if upstream:
            v, _ = aggregate.normalise_shares(self.groups(upstream=True), self.sales_share,
                                              np.ones(self.m, dtype=bool))
            return v
        p = params or _defaults()
        s = np.where(np.isnan(self.subst), p.substitutability, self.subst)
        w = np.where(np.isnan(self.weight), p.default_weight, self.weight)
        w, _ = aggregate.normalise_shares(self.groups(), w, ~self.dependency_requirement())
        return (1.0 - p.buffer) * w * (1.0 - s)

    def _pattern(self, upstream: bool) -> sparse.Pattern:
        """Sparsity pattern of one orientation, majors = receivers (computed once, kept here)."""
        if upstream not in self._patterns:
            rows, cols = (self.sup, self.cus) if upstream else (self.cus, self.sup)
            self._patterns[upstream] = sparse.build_pattern(rows, cols, self.n)
        return self._patterns[upstream]

    def matrix(self, arc_values: np.ndarray, *, upstream: bool = False) -> Any:
        """CSR array, rows = receivers, columns = senders; pairs combine by max; NaN = 0."""
        return sparse.csr(self._pattern(upstream), arc_values)

    def shock(
        self,
        targets: str | Sequence[str],
        pct: float,
        *,
        params: Params | None = None,
        direction: str = "downstream",
        return_iterations: bool = False,
    ) -> Any:
        """Shortfall ``q`` of every node when ``targets`` lose ``pct`` percent of their output.

        Parameters
        ----------
        targets : str or sequence of str
            Node ids.
        pct : float
            Size of the cut in percent, in (0, 100].
        params : Params, optional
            Model parameters (``engine/defaults.toml`` when omitted).
        direction : {"downstream", "upstream"}
        return_iterations : bool
            Also return the iterations of the fixed point.

        Returns
        -------
        numpy.ndarray
            ``q`` per node (order of :attr:`ids`), and the iteration count if asked.

        Raises
        ------
        UsageError
            Unknown node id, bad pct or direction.
        ModelError
            The fixed point did not converge.
        """
        if direction not in ("downstream", "upstream"):
            raise UsageError(f"direction must be downstream or upstream, not {direction!r}")
        if not 0 < pct <= 100:
            raise UsageError(f"--pct must be in (0, 100], got {pct:g}")
        p = params or _defaults()
        up = direction == "upstream"
        c = np.zeros(self.n)
        c[self.index_of(targets)] = pct / 100.0
        groups = self.groups(upstream=up)
        vals = self.arc_values(p, upstream=up)
        const = None
        if not up:
            exo = self.exogenous_arcs()
            if exo.any():
                # DESIGNS passes on only its sender's own shock (engine/compile.py)
                const = groups.matrix(np.where(exo, vals, np.nan)) @ c
                vals = np.where(exo, np.nan, vals)
        q, it, _u = aggregate.solve(groups, vals, c, const=const, max_iter=p.max_iter, tol=p.tol)
        return (q, it) if return_iterations else q

    def dependency_requirement(self) -> np.ndarray:
        """True per arc for a requirement (the `dependency` column, else the type's default)."""
        default = np.array([aggregate.default_dependency(t) == aggregate.REQUIREMENT
                            for t in TYPES], dtype=bool)[self.arc_type]
        return default if self.requirement is None else self.requirement

    def groups(self, *, upstream: bool = False) -> Any:
        """The input groups of engine/aggregate.py (cached): the embedded engine's rules."""
        if upstream in self._groups:
            return self._groups[upstream]
        if upstream:
            g = aggregate.build_groups(self.sup, self.cus, np.zeros(self.m, dtype=np.int64),
                                       np.ones(self.m, dtype=bool), self.n)
        else:
            req = self.dependency_requirement()
            is_country = self.kind[self.sup] == KINDS.index("country")
            code = self.arc_type.astype(np.int64) * 2 + is_country
            names = np.array([aggregate.default_input(TYPES[k // 2], bool(k % 2))
                              for k in range(2 * len(TYPES))], dtype=object)
            text = names[code]
            if self.label is not None:
                own = self.label != ""
                text = np.where(own, self.label, text)
            lab_codes, _ = _factor_text(text)
            g = aggregate.build_groups(self.cus, self.sup, lab_codes, ~req, self.n)
        self._groups[upstream] = g
        return g

    def exogenous_arcs(self) -> np.ndarray:
        """True for arcs of the engine's exogenous types (``DESIGNS``): see engine/compile.py."""
        codes = [k for k, t in enumerate(TYPES) if t in EXOGENOUS_TYPES]
        return np.isin(self.arc_type, codes)


def _defaults() -> Params:
    return load_defaults()


# -- loading ------------------------------------------------------------------------------------
def load_dir(folder: Path, *, known_ids: Iterable[str] = ()) -> ColumnarGraph:
    """Load a folder as ``--data-dir`` reads it: every ``*nodes*.csv`` and ``*links*.csv``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "user data directory does not exist")
    nodes, links = fmt.folder_files(folder)
    if not links:  # the Parquet files of `riskgraph export parquet`
        pq = sorted(folder.glob("*.parquet"))
        nodes = [p for p in pq if "nodes" in p.name.casefold()]
        links = [p for p in pq if "links" in p.name.casefold() and p not in nodes]
    if not links:
        raise IngestError(folder, "no *links*.csv (or *links*.parquet) file in the folder")
    return load_columnar(links, nodes, known_ids=known_ids)


def load_columnar(
    links: Path | Sequence[Path],
    nodes: Path | Sequence[Path] = (),
    *,
    known_ids: Iterable[str] = (),
    chunksize: int = CHUNK,
) -> ColumnarGraph:
    """Read curated-format links (and nodes) files into a :class:`ColumnarGraph`.

    Parameters
    ----------
    links : Path or sequence of Path
        ``links.csv`` files (columns of ``docs/curated-format.md``).
    nodes : Path or sequence of Path
        ``nodes.csv`` files defining the node ids the links may use.
    known_ids : iterable of str
        Further valid ids (e.g. registry ids); their kind is the id's prefix.
    chunksize : int
        Rows parsed at a time (bounds the memory of the text columns).

    Returns
    -------
    ColumnarGraph

    Raises
    ------
    IngestError
        The first invalid row: file, line, column and reason.
    """
    link_files = [Path(links)] if isinstance(links, str | Path) else [Path(p) for p in links]
    node_files = [Path(nodes)] if isinstance(nodes, str | Path) else [Path(p) for p in nodes]
    id_parts: list[np.ndarray] = []
    where: list[tuple[Path, np.ndarray]] = []
    for p in node_files:
        ids_p, kinds_p = _read_nodes(p, chunksize)
        id_parts.append(ids_p)
        where.append((p, ids_p))
    extra = np.array(sorted(set(known_ids)), dtype=object)
    all_ids = np.concatenate(id_parts + [extra]) if id_parts or extra.size else \
        np.zeros(0, dtype=object)
    _check_duplicate_nodes(all_ids, where)
    ids = np.unique(all_ids.astype(str))
    kind = _kinds_of(ids)
    index = pd.Index(ids)

    sup_l: list[np.ndarray] = []
    cus_l: list[np.ndarray] = []
    typ_l: list[np.ndarray] = []
    num_l: dict[str, list[np.ndarray]] = {c: [] for c in ("weight", "sales_share",
                                                           "substitutability")}
    file_of: list[np.ndarray] = []
    row_of: list[np.ndarray] = []
    dep_l: list[np.ndarray] = []
    lab_l: list[np.ndarray] = []
    any_dep = any_lab = False
    total = 0
    for fno, p in enumerate(link_files):
        rows_in_file = 0
        parts: list[tuple[int, Any, Any]] = []
        try:
            for start, chunk in _chunks(p, LINK_COLUMNS, chunksize, fast=True):
                parts.append((start, _check_links(p, start, chunk, index, fast=True),
                              _dependency_columns(p, start, chunk)))
        except _SlowPath:
            parts = [(start, _check_links(p, start, chunk, index),
                      _dependency_columns(p, start, chunk))
                     for start, chunk in _chunks(p, LINK_COLUMNS, chunksize)]
        for start, (f, t, ty, nums), (dep, lab) in parts:
            dep_l.append(np.full(f.size, "", dtype=object) if dep is None else dep)
            lab_l.append(np.full(f.size, "", dtype=object) if lab is None else lab)
            any_dep = any_dep or dep is not None
            any_lab = any_lab or lab is not None
            sup_l.append(f)
            cus_l.append(t)
            typ_l.append(ty)
            for c in num_l:
                num_l[c].append(nums[c])
            file_of.append(np.full(f.size, fno, dtype=np.int16))
            row_of.append(np.arange(start, start + f.size, dtype=np.int64))
            rows_in_file += f.size
        del parts
        if rows_in_file == 0:
            raise IngestError(p, "no data rows (only a header)")
        total += rows_in_file

    def cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    frm, to, typ = cat(sup_l, np.int64), cat(cus_l, np.int64), cat(typ_l, np.int8)
    fnos, rnos = cat(file_of, np.int16), cat(row_of, np.int64)
    _check_duplicate_links(frm, to, typ, fnos, rnos, link_files, ids)
    del fnos, rnos

    flow = np.array([_FLOW_CODE[schema.flow_of(t)] for t in TYPES], dtype=np.int8)[typ]
    keep = flow != 0
    sup = np.where(flow > 0, frm, to)[keep]
    cus = np.where(flow > 0, to, frm)[keep]
    country = KINDS.index("country")
    into = kind[cus] == country
    keep_arc = ~into
    nums = {c: cat(v, float)[keep][keep_arc] for c, v in num_l.items()}
    arc_typ = typ[keep][keep_arc]
    requirement = None
    if any_dep:
        d = cat(dep_l, object)[keep][keep_arc]
        default = np.array([aggregate.default_dependency(t) == aggregate.REQUIREMENT
                            for t in TYPES], dtype=bool)[arc_typ]
        requirement = np.where(d == "", default, d == "requirement")
    label = cat(lab_l, object)[keep][keep_arc] if any_lab else None
    g = ColumnarGraph(
        ids=ids,
        kind=kind,
        sup=sup[keep_arc],
        cus=cus[keep_arc],
        arc_type=arc_typ,
        weight=nums["weight"],
        subst=nums["substitutability"],
        sales_share=nums["sales_share"],
        links=total,
        into_country=int(into.sum()),
        files=[str(p) for p in [*node_files, *link_files]],
        requirement=requirement,
        label=label,
    )
    g._pattern(False)  # the downstream CSR pattern is part of loading: shocks only fill values
    return g


class _SlowPath(Exception):
    """A number the fast float parser cannot take (``40%``, ``n/a``, out of range): re-read
    the file as text so the error, or the value, is exactly the curated loader's."""


def _chunks(path: Path, required: Sequence[str], chunksize: int, fast: bool = False
            ) -> Iterable[tuple[int, pd.DataFrame]]:
    """``(first data row index, DataFrame)`` per chunk; header and encoding checked.

    Every column is text (``object``), except with ``fast``: the fraction columns are parsed
    as floats by the C parser (empty = NaN), and any cell it cannot parse raises
    :class:`_SlowPath`.
    """
    if path.suffix.casefold() == ".parquet":
        yield from _parquet_chunks(path, required, chunksize, fast)
        return
    header = _header(path, required)
    wanted = set(required) | ({"dependency", "input"} & set(header))
    nums = [c for c in header if c in FRACTIONS] if fast else []
    opts: dict[str, Any] = {"dtype": object, "keep_default_na": False, "na_filter": False}
    if nums:
        raw_names = {h.strip(): h for h in _raw_header(path)}
        opts = {"dtype": {**{h: object for h in raw_names.values()},
                          **{raw_names[c]: "float64" for c in nums}},
                "keep_default_na": False, "na_values": {raw_names[c]: [""] for c in nums}}
    try:
        reader = pd.read_csv(
            path, encoding="utf-8-sig", chunksize=chunksize, skipinitialspace=False,
            skip_blank_lines=True, engine="c", **opts,
        )
        start = 0
        for chunk in reader:
            # every column is parsed (``usecols`` would hide rows with too many fields)
            chunk.columns = [str(c).strip() for c in chunk.columns]
            chunk = chunk[[c for c in chunk.columns if c in wanted]]
            text = [c for c in chunk.columns if c not in nums]
            chunk[text] = chunk[text].fillna("")  # rows with fewer fields than the header
            yield start, chunk
            start += len(chunk)
    except UnicodeDecodeError as e:
        raise IngestError(path, f"not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except pd.errors.ParserError as e:
        msg = str(e)
        m = re.search(r"line (\d+), saw (\d+)", msg)
        if m:
            raise IngestError(
                path, f"{m.group(2)} fields but the header has {len(header)} "
                "(wrong delimiter or an unquoted comma?)", row=int(m.group(1))) from None
        raise IngestError(path, f"malformed CSV: {msg}") from None
    except (ValueError, TypeError, OverflowError):
        if nums:
            raise _SlowPath from None
        raise


# Text columns read dictionary-encoded from Parquet (pandas Categorical): each distinct id,
# type or source is one string, and the checks and lookups work on the codes.
_DICT_COLUMNS = ("from", "to", "type", "source", "as_of", "confidence", "rationale", "kind",
                 "layer", "roles", "dependency", "input")


def _parquet_chunks(path: Path, required: Sequence[str], chunksize: int, fast: bool
                    ) -> Iterable[tuple[int, pd.DataFrame]]:
    """``_chunks`` for a Parquet file (``riskgraph export parquet``): the same DataFrames.

    Text columns arrive as text (nulls as ``""``; dictionary-encoded ones as Categoricals);
    fraction columns stored as doubles are floats with ``fast`` and their ``repr`` otherwise
    (NaN as ``""``), so the text path parses them as the CSV's.  A row is named by its record
    number (1 = the first record: Parquet has no header line).
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise IngestError(path, "reading Parquet needs pyarrow: pip install "
                          "'riskgraph[parquet]'") from None
    try:
        f = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        raise IngestError(path, f"not a Parquet file: {str(e).splitlines()[0]}") from None
    header = [str(c) for c in f.schema_arrow.names]
    for col in required:
        if col not in header:
            near = suggest(col, header, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"missing column {col!r}{hint}", column=col)
    if f.metadata.num_rows == 0:
        raise IngestError(path, "no data rows")
    wanted = [c for c in header if c in set(required) | {"dependency", "input"}]
    start = 0
    for batch in f.iter_batches(batch_size=chunksize, columns=wanted):
        cols: dict[str, Any] = {}
        for name in wanted:
            col = batch.column(name)
            t = col.type
            if name in FRACTIONS and (pa.types.is_floating(t) or pa.types.is_integer(t)):
                v = col.to_numpy(zero_copy_only=False).astype(float)
                if fast:
                    cols[name] = v
                else:
                    cols[name] = np.array(["" if math.isnan(x) else repr(float(x))
                                           for x in v.tolist()], dtype=object)
                continue
            if fast and name in FRACTIONS:
                raise _SlowPath  # a fraction stored as text (40%, n/a): the text path
            if not pa.types.is_string(t) and not pa.types.is_large_string(t) and not \
                    pa.types.is_dictionary(t):
                col = col.cast(pa.string())
            if pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            col = col.fill_null("")
            if name in _DICT_COLUMNS:
                cols[name] = pd.Categorical(col.dictionary_encode().to_pandas())
            else:
                cols[name] = col.to_numpy(zero_copy_only=False).astype(object)
        yield start, pd.DataFrame(cols)
        start += batch.num_rows


def _raw_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader([fh.readline()]))


def _header(path: Path, required: Sequence[str]) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
            rest = fh.read(1 << 16)
    except UnicodeDecodeError as e:
        raise IngestError(path, f"not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise IngestError(path, f"cannot read: {e.strerror}") from None
    if not first.strip() and not rest.strip():
        raise IngestError(path, "empty file")
    header = [h.strip() for h in next(csv.reader([first]))]
    known = ((*LINK_COLUMNS, *LINK_OPTIONAL) if "from" in required
             else (*NODE_COLUMNS, *NODE_OPTIONAL))
    for col in required:
        if col not in header:
            near = suggest(col, header, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise IngestError(path, f"missing column {col!r}{hint}", row=1, column=col)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise IngestError(path, f"column {dup!r} appears twice in the header", row=1)
    unknown_columns(path, header, known)
    if not rest.strip():
        raise IngestError(path, "no data rows (only a header)")
    return header


def line_of(path: Path, k: int) -> int:
    """The line (1-based, header = 1) where data row ``k`` (0-based, blank lines skipped)
    starts, counting line breaks inside quoted fields; in a Parquet file, the record number
    (1 = the first record)."""
    if path.suffix.casefold() == ".parquet":
        return k + 1
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        prev_end = reader.line_num
        seen = -1
        for rec in reader:
            if any(f.strip() for f in rec):
                seen += 1
                if seen == k:
                    return prev_end + 1
            prev_end = reader.line_num
    return k + 2


def _fail(path: Path, k: int, column: str | None, reason: str) -> IngestError:
    return IngestError(path, reason, row=line_of(path, k), column=column)


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _factor_text(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    codes, uniq = pd.factorize(values)
    return codes.astype(np.int64), [str(u) for u in uniq]


def _dependency_columns(path: Path, start: int, df: pd.DataFrame
                        ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The optional ``dependency`` (share / requirement) and ``input`` columns of a chunk."""
    req = None
    if "dependency" in df.columns:
        d = df["dependency"].astype(str).str.strip().to_numpy(dtype=object)
        bad = ~np.isin(d, ["", "share", "requirement"])
        if bad.any():
            k = _first(bad)
            raise _fail(path, start + k, "dependency",
                        f"dependency {d[k]!r} is not 'share' or 'requirement'")
        req = np.where(d == "", "", d)
    lab = (df["input"].astype(str).str.strip().to_numpy(dtype=object)
           if "input" in df.columns else None)
    return req, lab


def _factor(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and stripped distinct values of a text column (strip once per distinct value)."""
    if isinstance(s.dtype, pd.CategoricalDtype):  # Parquet: the dictionary's codes
        c = s.cat.remove_unused_categories()
        return c.cat.codes.to_numpy(dtype=np.int64), [str(u).strip() for u in c.cat.categories]
    codes, uniq = pd.factorize(s.to_numpy(dtype=object))
    return codes, [str(u).strip() for u in uniq]


def _fractions(path: Path, start: int, s: pd.Series, column: str, fast: bool = False
               ) -> np.ndarray:
    """Parse a fraction column the way the curated loader does (``0.4``, ``40%``, missing)."""
    if fast:  # already floats: anything outside [0, 1] goes back to the text path
        v = s.to_numpy(dtype=float)
        if (~np.isnan(v) & ~((v >= 0.0) & (v <= 1.0))).any():
            raise _SlowPath
        return v

    raw = s.to_numpy(dtype=object)
    v = pd.to_numeric(raw, errors="coerce").astype(float)
    v = np.asarray(v, dtype=float).copy()
    odd = np.flatnonzero(np.isnan(v) & (raw != ""))
    for k in odd.tolist():  # blanks, percent signs, missing tokens, bad text: the slow path
        text = str(raw[k]).strip()
        try:
            x = parse_number(text, path=path, row=0, column=column, minimum=None)
        except IngestError as e:
            raise _fail(path, start + k, column, e.reason) from None
        if x is not None:
            v[k] = x / 100.0 if text.endswith("%") else x
    bad = ~np.isnan(v) & ~((v >= 0.0) & (v <= 1.0))
    if bad.any():
        k = _first(bad)
        text = str(raw[k]).strip()
        if math.isfinite(v[k]):
            raise _fail(path, start + k, column, fmt.outside_unit_interval(column, text))
        raise _fail(path, start + k, column, f"not a finite number: {text!r}")
    return v


def _check_links(path: Path, start: int, df: pd.DataFrame, index: pd.Index, fast: bool = False
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    tcodes, tuniq = _factor(df["type"])
    known = {t: k for k, t in enumerate(TYPES)}
    for u, t in enumerate(tuniq):
        if t not in known:
            raise _fail(path, start + _first(tcodes == u), "type", fmt.unknown("type", t, TYPES))
    typ = np.array([known[t] for t in tuniq], dtype=np.int8)[tcodes]
    # both ends at once, each distinct id looked up once (ids repeat: hubs)
    n = len(df)
    if all(isinstance(df[c].dtype, pd.CategoricalDtype) for c in ("from", "to")):
        # Parquet: look up each dictionary entry once, then index by the codes
        cf, ct = df["from"].cat, df["to"].cat
        uniq = np.concatenate([cf.categories.to_numpy(dtype=object),
                               ct.categories.to_numpy(dtype=object)])
        codes = np.concatenate([cf.codes.to_numpy(dtype=np.int64),
                                ct.codes.to_numpy(dtype=np.int64) + len(cf.categories)])
    else:
        codes, uniq = pd.factorize(np.concatenate([df["from"].to_numpy(dtype=object),
                                                   df["to"].to_numpy(dtype=object)]))
    upos = np.asarray(index.get_indexer(pd.Index(uniq))).astype(np.int64)
    miss = np.flatnonzero(upos < 0)
    if miss.size:  # surrounding blanks
        stripped = [str(x).strip() for x in np.asarray(uniq, dtype=object)[miss]]
        upos[miss] = index.get_indexer(pd.Index(stripped))
    pos = upos[codes]
    frm, to = pos[:n], pos[n:]
    bad = (frm < 0) | (to < 0)
    if bad.any():  # the first bad row, its first bad end (as the curated loader reads)
        k = _first(bad)
        col = "from" if frm[k] < 0 else "to"
        v = str(df[col].iloc[k]).strip()
        if not v:
            raise _fail(path, start + k, col, fmt.EMPTY_ID)
        raise _fail(path, start + k, col, _unknown_msg(v, index))
    loop = frm == to
    if loop.any():
        k = _first(loop)
        raise _fail(path, start + k, "to", fmt.self_loop(str(index[frm[k]])))
    nums = {c: _fractions(path, start, df[c], c, fast) for c in FRACTIONS}
    w, lo, hi = nums["weight"], nums["weight_low"], nums["weight_high"]
    supply = np.array([fmt.is_supply(t) for t in TYPES])[typ]
    miss_w = supply & np.isnan(w)
    if miss_w.any():
        k = _first(miss_w)
        raise _fail(path, start + k, "weight", fmt.needs_weight(TYPES[typ[k]]))
    orphan = np.isnan(w) & (~np.isnan(lo) | ~np.isnan(hi))
    if orphan.any():
        raise _fail(path, start + _first(orphan), "weight", fmt.RANGE_WITHOUT_WEIGHT)
    with np.errstate(invalid="ignore"):
        above = lo > w
        below = w > hi
    if above.any():
        k = _first(above)
        raise _fail(path, start + k, "weight_low", fmt.low_above_weight(lo[k], w[k]))
    if below.any():
        k = _first(below)
        raise _fail(path, start + k, "weight_high", fmt.weight_above_high(w[k], hi[k]))
    estimated = _check_provenance(path, start, df)
    est = estimated & ~np.isnan(w) & (np.isnan(lo) | np.isnan(hi))
    if est.any():
        k = _first(est)
        raise _fail(path, start + k, "weight_low" if np.isnan(lo[k]) else "weight_high",
                    fmt.NO_RANGE)
    return frm, to, typ, nums


def _check_provenance(path: Path, start: int, df: pd.DataFrame) -> np.ndarray:
    """The curated provenance rules, checked once per distinct value; True where estimated."""
    for column, problem in (("source", fmt.source_problem), ("as_of", fmt.as_of_problem),
                            ("confidence", fmt.confidence_problem)):
        codes, uniq = _factor(df[column])
        for u, v in enumerate(uniq):
            reason = problem(v)
            if reason is not None:
                raise _fail(path, start + _first(codes == u), column, reason)
    ccodes, cuniq = _factor(df["confidence"])
    estimated = np.array([v == "estimated" for v in cuniq], dtype=bool)[ccodes]
    if "rationale" in df.columns:
        rcodes, runiq = _factor(df["rationale"])
        blank = np.array([not v for v in runiq], dtype=bool)[rcodes]
        no_why = estimated & blank
        if no_why.any():
            raise _fail(path, start + _first(no_why), "rationale", fmt.NO_RATIONALE)
    return estimated


def _unknown_msg(value: str, index: pd.Index) -> str:
    ids = index.to_numpy()
    prefix = value.partition(":")[0] + ":" if ":" in value else ""
    lo = int(np.searchsorted(ids, prefix)) if prefix else 0
    pool = [str(x) for x in ids[lo:lo + 5000] if str(x).startswith(prefix)] if prefix else \
        [str(x) for x in ids[:5000]]
    near = suggest(value, pool)
    msg = f"unknown node {value!r}"
    if near:
        msg += "; did you mean " + " or ".join(repr(s) for s in near[:3]) + "?"
    if ":" not in value:
        msg += " (the columnar loader takes node ids such as company:acme, not names)"
    else:
        msg += " (define it in a nodes file)"
    return msg


def _read_nodes(path: Path, chunksize: int) -> tuple[np.ndarray, np.ndarray]:
    ids_l: list[np.ndarray] = []
    kinds_l: list[np.ndarray] = []
    for start, df in _chunks(path, NODE_COLUMNS, chunksize):
        ids = df["id"].str.strip()
        kind = df["kind"].str.strip()
        bad = ~kind.isin(KINDS).to_numpy()
        if bad.any():
            k = _first(bad)
            raise _fail(path, start + k, "kind", fmt.unknown("kind", str(kind.iloc[k]), KINDS))
        parts = ids.str.partition(":")
        bad = ((parts[0] != kind) | (parts[1] != ":")
               | ~parts[2].str.match(fmt.SLUG_RE.pattern)).to_numpy(dtype=bool)
        if bad.any():
            k = _first(bad)
            raise _fail(path, start + k, "id",
                        fmt.bad_id(str(ids.iloc[k]), str(kind.iloc[k])))
        noname = (df["name"].str.strip() == "").to_numpy()
        if noname.any():
            raise _fail(path, start + _first(noname), "name", fmt.EMPTY_NAME)
        _check_provenance(path, start, df)
        ids_l.append(ids.to_numpy(dtype=object))
        kinds_l.append(kind.to_numpy(dtype=object))
    return np.concatenate(ids_l), np.concatenate(kinds_l)


def _check_duplicate_nodes(all_ids: np.ndarray, where: list[tuple[Path, np.ndarray]]) -> None:
    if all_ids.size == 0:
        return
    dup = np.asarray(pd.Index(all_ids).duplicated()).copy()
    n_files = sum(a.size for _, a in where)
    dup[n_files:] = False  # a known id may also be defined in a nodes file
    if not dup.any():
        return
    g = _first(dup)
    node_id = str(all_ids[g])
    hits: list[tuple[Path, int]] = []
    for p, a in where:
        for k in np.flatnonzero(a == node_id).tolist():
            hits.append((p, k))
    (fp, fk), (p, k) = hits[0], hits[1]
    raise _fail(p, k, "id", f"duplicate node id {node_id!r} (first defined in {fp} line "
                f"{line_of(fp, fk)})")


def _check_duplicate_links(frm: np.ndarray, to: np.ndarray, typ: np.ndarray,
                           fnos: np.ndarray, rnos: np.ndarray, files: list[Path],
                           ids: np.ndarray) -> None:
    if frm.size < 2:
        return
    n = np.int64(max(ids.size, 1))
    key = (frm * n + to) * np.int64(len(TYPES)) + typ
    order = np.argsort(key, kind="stable")
    ks = key[order]
    same = ks[1:] == ks[:-1]
    if not same.any():
        return
    # the duplicate that comes first in file order
    second = order[1:][same]
    first = order[:-1][same]
    j = int(np.argmin(second))
    a, b = int(first[j]), int(second[j])
    pa, pb = files[int(fnos[a])], files[int(fnos[b])]
    raise _fail(pb, int(rnos[b]), None,
                f"duplicate link {ids[frm[b]]} -[{TYPES[typ[b]]}]-> {ids[to[b]]} "
                f"(first in {pa} line {line_of(pa, int(rnos[a]))})")


def _kinds_of(ids: np.ndarray) -> np.ndarray:
    prefix = pd.Series(ids, dtype=object).str.partition(":")[0]
    code = prefix.map({k: i for i, k in enumerate(KINDS)}).fillna(-1)
    return code.to_numpy(dtype=np.int8)


__all__ = ["ColumnarGraph", "load_columnar", "load_dir", "line_of", "TYPES"]
