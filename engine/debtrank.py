"""DebtRank (Battiston et al. 2012): distress propagation where each node passes it on once.

References
----------
.. [1] Battiston, S., Puliga, M., Kaushik, R., Tasca, P. & Caldarelli, G. (2012). DebtRank: Too
   central to fail? Financial networks, the FED and systemic risk. *Scientific Reports* 2, 541.
   doi:10.1038/srep00541
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from riskgraph.errors import ModelError


@dataclass
class DebtRankResult:
    """Outcome of :func:`debtrank`.

    Attributes
    ----------
    stress : numpy.ndarray
        Final distress :math:`h_i(T)` in [0, 1].
    initial : numpy.ndarray
        Initial distress :math:`h_i(1)` (the shock, clipped to [0, 1]).
    additional_stress : float
        :math:`R = \\sum_i v_i (h_i(T) - h_i(1))` with the weights ``v`` normalised to sum 1.
    defaulted : numpy.ndarray
        Indices where :math:`h_i(T) = 1`.
    rounds : int
        Number of propagation rounds ``T - 1``.
    """

    stress: np.ndarray
    initial: np.ndarray
    additional_stress: float
    defaulted: np.ndarray
    rounds: int


def debtrank(exposures: Any, buffers: Any, weights: Any, shock: Any) -> DebtRankResult:
    r"""Run DebtRank [1]_ from an initial distress vector.

    The impact of ``j`` on ``i`` is :math:`W_{ij} = \min(1, E_{ij} / B_i)`, with :math:`E_{ij}`
    what ``i`` loses if ``j`` fails (``exposures[i, j]``) and :math:`B_i` the buffer (capital) of
    ``i``.  Every node has a distress :math:`h_i \in [0, 1]` and a state: undistressed (U),
    distressed (D) or inactive (I).  Initially :math:`h_i(1)` = ``shock[i]``, and nodes with
    :math:`h_i(1) > 0` are D.  Then, for :math:`t \ge 2`,

    .. math::

        h_i(t) = \min\Bigl(1,\; h_i(t-1) + \sum_{j:\, s_j(t-1) = D} W_{ij}\, h_j(t-1)\Bigr)

    and a node that was D becomes I (it propagates exactly once); a node with
    :math:`h_i(t) > 0` that is not I becomes D.  The process ends when no node is D (at most
    ``n`` rounds).  The additional stress is

    .. math:: R = \sum_i v_i \bigl(h_i(T) - h_i(1)\bigr), \qquad \sum_i v_i = 1.

    Parameters
    ----------
    exposures : array_like or scipy.sparse matrix, shape (n, n)
        ``exposures[i, j]`` >= 0: what ``i`` loses if ``j`` fails.
    buffers : array_like, shape (n,)
        Buffers (capital) >= 0; a zero buffer makes any positive exposure a full impact.
    weights : array_like, shape (n,), or None
        Relative economic value ``v`` (normalised here); ``None`` for equal weights.
    shock : array_like, shape (n,)
        Initial distress, clipped to [0, 1].

    Returns
    -------
    DebtRankResult

    Raises
    ------
    ModelError
        Shapes disagree, negative exposures, buffers or weights, or weights summing to 0.

    Examples
    --------
    The three-bank example of the R package NetworkRiskMeasures (Cinelli & Silva; README,
    ``debt_rank_shock`` with a 10% shock on every bank), which implements [1]_:

    >>> r = debtrank([[0, 1, 0], [10, 0, 3], [3, 2, 0]], [2, 5, 2], [10, 100, 30],
    ...              [0.1, 0.1, 0.1])
    >>> [round(float(x), 2) for x in r.stress], round(r.additional_stress, 4)
    ([0.15, 0.26, 0.3], 0.1607)
    """
    h0 = np.clip(np.asarray(shock, dtype=float).ravel(), 0.0, 1.0)
    n = h0.shape[0]
    b = np.asarray(buffers, dtype=float).ravel()
    if b.shape != (n,):
        raise ModelError(f"buffers has shape {b.shape}, expected ({n},)")
    if np.any(b < 0) or not np.all(np.isfinite(b)):
        raise ModelError("buffers must be finite and non-negative")
    v = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if v.shape != (n,):
        raise ModelError(f"weights has shape {v.shape}, expected ({n},)")
    if np.any(v < 0) or (n and v.sum() <= 0):
        raise ModelError("weights must be non-negative and not all zero")
    v = v / v.sum() if n else v

    with np.errstate(divide="ignore", invalid="ignore"):
        inv_b = np.where(b > 0, 1.0 / np.where(b > 0, b, 1.0), np.inf)
    if sp.issparse(exposures):
        E = sp.csr_array(exposures, dtype=float)
        if E.shape != (n, n):
            raise ModelError(f"exposures has shape {E.shape}, expected ({n}, {n})")
        E.eliminate_zeros()
        if E.data.size and E.data.min() < 0:
            raise ModelError("exposures must be non-negative")
        rows = np.repeat(np.arange(n), np.diff(E.indptr))
        W = sp.csr_array((np.minimum(1.0, E.data * inv_b[rows]), E.indices, E.indptr),
                         shape=(n, n))
    else:
        Ed = np.asarray(exposures, dtype=float)
        if Ed.shape != (n, n):
            raise ModelError(f"exposures has shape {Ed.shape}, expected ({n}, {n})")
        if Ed.size and Ed.min() < 0:
            raise ModelError("exposures must be non-negative")
        with np.errstate(invalid="ignore"):
            W = np.where(Ed > 0, np.minimum(1.0, Ed * inv_b[:, None]), 0.0)

    U, D, INACTIVE = 0, 1, 2
    state = np.where(h0 > 0, D, U)
    h = h0.copy()
    rounds = 0
    while np.any(state == D):
        rounds += 1
        distressed = state == D
        h = np.minimum(1.0, h + W @ np.where(distressed, h, 0.0))
        state = np.where(distressed, INACTIVE, state)
        state = np.where((h > 0) & (state != INACTIVE), D, state)
    R = float(v @ (h - h0)) if n else 0.0
    return DebtRankResult(stress=h, initial=h0, additional_stress=R,
                          defaulted=np.flatnonzero(h >= 1.0), rounds=rounds)
