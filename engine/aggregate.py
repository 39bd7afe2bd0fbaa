r"""Typed dependencies: how a customer's input losses combine (docs/model.md section 2).

Every supply arc supplier *j* -> customer *i* is either

* a **share**: *j* is one of several substitutable suppliers of one input of *i* (the producers of
  a mineral, the HBM makers of an accelerator family, the clouds a lab rents).  Shares of the same
  input of one customer form a *group* and **add**: the group loses
  :math:`L_g = \min(1, \sum_{j \in g} a^*_{ij} q_j)`; their weights sum to at most 1 (checked when
  curated files load; third-party groups that overshoot by rounding or mixed vintages are scaled to
  1 by :func:`normalise_shares`);
* a **requirement**: an input *i* cannot do without (wafers for a fab, a foundry for a chip,
  servers for deployed compute).  Each requirement is its own group, with
  :math:`L_g = a^*_{ij} q_j`, where the weight *a* is the share of *i*'s output that needs it
  (the partial form: 1 = all of it).

Groups combine **Leontief-style**: the scarcest essential input limits output, and the node's own
cut *c* counts as one more constraint, so

.. math:: q_i = \max\bigl(c_i,\; \max_{g \in G(i)} L_g\bigr).

The map is monotone and bounded by 1, so the iteration from :math:`q = c` increases to its least
fixed point on any graph.  Because a group's weights sum to at most 1, :math:`L_g \le \max_j q_j`:
a shock of size *p* never gives any node more than *p*, and a shock never exceeds its largest
initial cut (tested on the shipped graph and on random graphs).

This module is shared by the embedded engine (:mod:`riskgraph.engine.compile`) and the columnar
path (:mod:`riskgraph.engine.columnar`), so both compute the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from riskgraph.engine import sparse
from riskgraph.errors import ModelError

# The arc kinds and their defaults live at the graph layer (the loaders check them too).
from riskgraph.graph.dependency import (  # noqa: E402
    DEFAULT_INPUT,
    DEPENDENCIES,
    REQUIREMENT,
    REQUIREMENT_TYPES,
    SHARE,
    default_dependency,
    default_input,
)


@dataclass
class Groups:
    """The static group structure of a set of arcs (receiver <- sender).

    Attributes
    ----------
    group : per arc, its group index (groups are sorted by receiver).
    owner : per group, the receiving node.
    share : per group, True for a share group (False: one requirement).
    n : number of nodes.
    """

    group: np.ndarray
    owner: np.ndarray
    share: np.ndarray
    n: int
    sender: np.ndarray
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ng(self) -> int:
        return int(self.owner.size)

    def _pattern(self) -> tuple[sparse.Pattern, np.ndarray]:
        """The sparse pattern (engine/sparse.py; majors = senders, minors = groups) and the
        owner segments (groups are sorted by owner)."""
        if "pattern" not in self._cache:
            pat = sparse.build_pattern(self.sender, self.group, self.n, n_minor=self.ng)
            seg = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]]) if self.ng \
                else np.zeros(0, dtype=np.int64)
            self._cache["pattern"] = (pat, seg)
        got: tuple[sparse.Pattern, np.ndarray] = self._cache["pattern"]
        return got

    def matrix(self, values: np.ndarray) -> Any:
        """CSC array (groups x nodes): entry = value of the arc sender -> group; a sender's
        several arcs into one group combine by their maximum (one dependency, said twice)."""
        return sparse.csc(self._pattern()[0], values)

    def node_max(self, loss: np.ndarray) -> np.ndarray:
        """Per node, the largest loss of its groups (0 for a node without groups)."""
        _pat, seg = self._pattern()
        out = np.zeros(self.n)
        if seg.size:
            out[self.owner[seg]] = np.maximum.reduceat(loss, seg)
        return out

    def binding(self, loss: np.ndarray) -> np.ndarray:
        """Per node, the index of its group with the largest loss (-1: none)."""
        out = np.full(self.n, -1, dtype=np.int64)
        if not self.ng:
            return out
        order = np.lexsort((-loss, self.owner))  # by owner, largest loss first
        first = np.r_[True, self.owner[order][1:] != self.owner[order][:-1]]
        out[self.owner[order][first]] = order[first]
        return out


def build_groups(receiver: np.ndarray, sender: np.ndarray, label: np.ndarray,
                 share: np.ndarray, n: int) -> Groups:
    """Group the arcs: shares by (receiver, label), each requirement by (receiver, sender).

    ``label`` is an integer code per arc (its input); ``share`` a bool per arc.
    """
    receiver = receiver.astype(np.int64)
    sender = sender.astype(np.int64)
    nlab = int(label.max()) + 1 if label.size else 1
    code = np.where(share, label.astype(np.int64), nlab + sender)
    width = np.int64(nlab + n)
    key = receiver * width + code
    uniq, inv = np.unique(key, return_inverse=True)
    owner = (uniq // width).astype(np.int64)
    gshare = (uniq % width) < nlab
    return Groups(group=inv.astype(np.int64).ravel(), owner=owner, share=gshare, n=n,
                  sender=sender)


def normalise_shares(groups: Groups, w: np.ndarray, is_share: np.ndarray,
                     tol: float = 1e-9) -> tuple[np.ndarray, int]:
    """Scale the weights of share groups whose sum exceeds 1 down to 1.

    The curated loader refuses such groups; third-party data reach them by rounding (CSET
    groups of 101-102%) or by mixing vintages (a 2024 figure for the leading producer beside
    2023 figures for the others), and where two sources partition one group differently (Epoch
    AI's owned compute, normalised to 1, plus a curated rented share).  Returns the weights and
    the number of groups scaled.
    """
    if not is_share.any():
        return w, 0
    ws = np.where(is_share, np.nan_to_num(w, nan=0.0), 0.0)
    # a sender's several arcs into one group count once (the largest), as in the matrix
    M = groups.matrix(ws)
    total = np.bincount(M.indices, weights=M.data, minlength=groups.ng)
    over = total > 1.0 + tol
    if not over.any():
        return w, 0
    scale = np.where(over, 1.0 / np.where(over, total, 1.0), 1.0)
    out = np.where(is_share, w * scale[groups.group], w)
    return out, int(over.sum())


def solve(groups: Groups, values: np.ndarray, c: np.ndarray, *, const: np.ndarray | None = None,
          max_iter: int = 10000, tol: float = 1e-10) -> tuple[np.ndarray, int, np.ndarray]:
    r"""Least fixed point of :math:`q = \max(c, \max_g \min(1, G q + k))`.

    ``values`` per arc (NaN = 0), ``c`` the own cut per node, ``const`` a constant per group
    (what exogenous arcs pass on).  Returns ``(q, iterations, u)`` with ``u = G q + k`` per group
    (uncapped: ``u > 1`` where the cap binds).
    """
    cv = np.asarray(c, dtype=float).ravel()
    if cv.size != groups.n:
        raise ModelError(f"c has {cv.size} entries, expected {groups.n}")
    if cv.size and (not np.all(np.isfinite(cv)) or cv.min() < 0 or cv.max() > 1):
        raise ModelError("c must lie in [0, 1]")
    G = groups.matrix(values)
    u = np.zeros(groups.ng) if const is None else np.asarray(const, dtype=float).copy()
    best = groups.node_max(np.minimum(1.0, u))  # per node, the largest group loss so far
    q = np.maximum(cv, best)
    dq = q.copy()
    nnz = max(G.nnz, 1)
    for it in range(1, max_iter + 1):
        if float(dq.max(initial=0.0)) <= tol:
            return q, it, u
        changed, du = _delta(G, dq, nnz)
        u[changed] += du
        # losses only grow (monotone), so a node's largest group loss is the max of the old one
        # and its changed groups' new losses: touch only those while they are few
        if changed.size * 8 < groups.ng:
            np.maximum.at(best, groups.owner[changed], np.minimum(1.0, u[changed]))
        else:
            best = groups.node_max(np.minimum(1.0, u))
        nxt = np.maximum(cv, best)
        dq = nxt - q
        q = nxt
    raise ModelError(
        f"the shock did not converge in {max_iter} iterations (last change "
        f"{float(dq.max(initial=0.0)):.3g}); raise max_iter (--set max_iter=...)"
    )


def _delta(A: Any, x: np.ndarray, nnz: int) -> tuple[np.ndarray, np.ndarray]:
    """``A @ x`` for non-negative ``x`` as (rows that grow, their increments): gathers only the
    columns where ``x > 0`` while they are few (a narrow shock front), so nothing of the size of
    all groups is touched; a full sparse product otherwise."""
    import numpy as np

    nz = np.flatnonzero(x)
    if nz.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    starts = A.indptr[nz]
    lens = A.indptr[nz + 1] - starts
    total = int(lens.sum())
    if total * 16 > nnz:
        full = np.asarray(A @ x)
        rows = np.flatnonzero(full > 0)
        return rows, full[rows]
    offs = np.cumsum(lens) - lens
    pos = np.arange(total) - np.repeat(offs - starts, lens)
    vals = A.data[pos] * np.repeat(x[nz], lens)
    rows, inv = np.unique(A.indices[pos], return_inverse=True)
    return rows, np.bincount(inv.ravel(), weights=vals, minlength=rows.size)


def _product(A: Any, x: np.ndarray, nnz: int) -> np.ndarray:
    """``A @ x`` for non-negative ``x``; gathers only the columns where ``x > 0`` if few."""
    nz = np.flatnonzero(x)
    rows = A.shape[0]
    if nz.size == 0:
        return np.zeros(rows)
    starts = A.indptr[nz]
    lens = A.indptr[nz + 1] - starts
    total = int(lens.sum())
    if total * 16 > nnz:
        return np.asarray(A @ x)
    offs = np.cumsum(lens) - lens
    pos = np.arange(total) - np.repeat(offs - starts, lens)
    vals = A.data[pos] * np.repeat(x[nz], lens)
    return np.bincount(A.indices[pos], weights=vals, minlength=rows)


__all__ = ["SHARE", "REQUIREMENT", "DEPENDENCIES", "REQUIREMENT_TYPES", "DEFAULT_INPUT",
           "Groups", "build_groups", "solve", "normalise_shares", "default_dependency",
           "default_input"]
