"""The sparse pattern of a supply graph, shared by the everyday and the columnar engine.

Both engines keep one array per supply arc and, per run, need a sparse matrix whose entry for a
node pair is the LARGEST value of the arcs joining that pair (arcs of different types describe
the same dependency in different words).  The pattern (which arcs fall on which pair, in which
order) depends only on the arcs, so it is computed once per graph and orientation by
:func:`build_pattern`; a run only fills values (:func:`pair_max`, O(arcs), no sort).

The matrix is stored major-first: :class:`~riskgraph.engine.compile.CompiledGraph` keeps CSC
(major = sender, the column), :class:`~riskgraph.engine.columnar.ColumnarGraph` keeps CSR
(major = receiver, the row); :func:`csc` and :func:`csr` build either from the same pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Pattern:
    """Arcs grouped by distinct (major, minor) node pair, pairs sorted major-first.

    ``order`` sorts the arcs by pair (``None`` when they are sorted already: no gather per run);
    ``starts`` is the first sorted position of each pair; ``minor`` and ``major`` name each
    pair's nodes; ``indptr`` is the compressed index over the major nodes.
    """

    n_major: int
    n_minor: int
    order: np.ndarray | None
    starts: np.ndarray
    minor: np.ndarray
    major: np.ndarray
    indptr: np.ndarray

    @property
    def pairs(self) -> int:
        return int(self.starts.size)


def build_pattern(major: np.ndarray, minor: np.ndarray, n: int, n_minor: int | None = None
                  ) -> Pattern:
    """The pattern of arcs ``major[a] -> minor[a]``: ``n`` majors and ``n_minor`` minors
    (default ``n``: a square matrix over the nodes)."""
    n_min = n if n_minor is None else max(int(n_minor), 1)
    key = major.astype(np.int64) * np.int64(n_min) + minor
    order: Any = np.argsort(key, kind="stable")
    ks = key[order]
    first = np.ones(ks.size, dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    starts = np.flatnonzero(first)
    itype = np.int32 if max(n, n_min, ks.size) < 2**31 - 1 else np.int64
    minor_p = minor[order][starts].astype(itype)
    major_p = major[order][starts]
    if np.array_equal(order, np.arange(order.size)):
        order = None
    indptr = np.concatenate([[0], np.cumsum(np.bincount(major_p, minlength=n))]).astype(itype)
    return Pattern(n_major=n, n_minor=n if n_minor is None else int(n_minor), order=order,
                   starts=starts, minor=minor_p, major=major_p, indptr=indptr)


def pair_max(p: Pattern, arc_values: np.ndarray) -> np.ndarray:
    """Per pair, the largest value of its arcs; NaN (no value) and negative values count as 0."""
    v = np.fmax(arc_values if p.order is None else arc_values[p.order], 0.0)
    return v if p.starts.size == v.size else np.maximum.reduceat(v, p.starts)


def csc(p: Pattern, arc_values: np.ndarray) -> Any:
    """CSC array with the majors as columns: ``M[minor, major]`` = :func:`pair_max`."""
    shape = (p.n_minor, p.n_major)
    if p.pairs == 0:
        return sp.csc_array(shape)
    return sp.csc_array((pair_max(p, arc_values), p.minor, p.indptr), shape=shape)


def csr(p: Pattern, arc_values: np.ndarray) -> Any:
    """CSR array with the majors as rows: ``M[major, minor]`` = :func:`pair_max`."""
    shape = (p.n_major, p.n_minor)
    if p.pairs == 0:
        return sp.csr_array(shape)
    return sp.csr_array((pair_max(p, arc_values), p.minor, p.indptr), shape=shape)
