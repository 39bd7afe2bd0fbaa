"""Supply-side inoperability input-output model (IIM), capped at full inoperability.

References
----------
.. [1] Haimes, Y. Y. & Jiang, P. (2001). Leontief-based model of risk in complex interconnected
   infrastructures. *Journal of Infrastructure Systems* 7(1), 1-12.
.. [2] Santos, J. R. & Haimes, Y. Y. (2004). Modeling the demand reduction input-output (I-O)
   inoperability due to terrorism of interconnected infrastructures. *Risk Analysis* 24(6),
   1437-1451.
.. [3] Leung, M., Haimes, Y. Y. & Santos, J. R. (2007). Supply- and output-side extensions to the
   inoperability input-output model for interdependent infrastructures. *Journal of
   Infrastructure Systems* 13(4), 299-310.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from riskgraph.errors import ModelError


def inoperability(
    a_star: Any,
    c: Any,
    *,
    max_iter: int = 10000,
    tol: float = 1e-10,
    return_iterations: bool = False,
) -> Any:
    r"""Solve the capped inoperability equation :math:`q = \min(1, A^* q + c^*)`.

    The IIM [1]_ [2]_ writes the inoperability (fraction of lost function, 0..1) of ``n``
    interdependent systems as

    .. math:: q = A^* q + c^*, \qquad q = (I - A^*)^{-1} c^* = \sum_{k \ge 0} (A^*)^k c^*,

    where :math:`a^*_{ij}` is the inoperability that system ``i`` suffers per unit of
    inoperability of system ``j`` and :math:`c^*` the initial perturbation.  In the supply-side
    form [3]_ ``j`` is a supplier of ``i``.  Inoperability cannot exceed 1, so each component is
    capped:

    .. math:: q = \min\bigl(\mathbf{1},\; A^* q + c^*\bigr).

    It is solved by the monotone fixed-point iteration :math:`q^{(0)} = 0`,
    :math:`q^{(k+1)} = \min(1, A^* q^{(k)} + c^*)`.  With :math:`A^* \ge 0, c^* \ge 0` the map is
    monotone and bounded by 1, so the iterates increase to the least fixed point for any graph,
    cycles included; on an acyclic graph it is exact after (longest path + 1) steps, and when
    the cap is not reached it equals the Leontief solution :math:`(I - A^*)^{-1} c^*` whenever
    the spectral radius of :math:`A^*` is below 1.  Deterministic.

    Parameters
    ----------
    a_star : array_like or scipy.sparse matrix, shape (n, n)
        Interdependency matrix, non-negative; ``a_star[i, j]`` is the dependency of ``i`` on ``j``.
    c : array_like, shape (n,)
        Perturbation :math:`c^*`, each in [0, 1].
    max_iter : int, optional
        Iterations allowed before :class:`~riskgraph.errors.ModelError` is raised.
    tol : float, optional
        Convergence when the largest change of any component is ``<= tol``.
    return_iterations : bool, optional
        Also return the number of iterations used.

    Returns
    -------
    q : numpy.ndarray, shape (n,)
        Inoperability of every system, in [0, 1].  ``(q, iterations)`` with
        ``return_iterations=True``.

    Raises
    ------
    ModelError
        Shapes disagree, an entry is negative or not finite, or no convergence in ``max_iter``.

    Examples
    --------
    The two-sector example of Haimes & Jiang (2001) [1]_, as reproduced in the test suite of
    the ``iim`` package (S. R. Sellevag, github.com/stigrs/iim, tests/test_case.py):

    >>> q = inoperability([[0.0, 0.8], [0.2, 0.0]], [0.0, 0.6])
    >>> [round(float(x), 3) for x in q]
    [0.571, 0.714]
    """
    cv = np.asarray(c, dtype=float).ravel()
    A: Any = a_star if sp.issparse(a_star) else np.asarray(a_star, dtype=float)
    n = cv.shape[0]
    if A.ndim != 2 or A.shape != (n, n):
        raise ModelError(f"a_star has shape {A.shape}, expected ({n}, {n}) to match c")
    data = np.asarray(A.data if sp.issparse(A) else A)
    if data.size and (not np.all(np.isfinite(data)) or data.min() < 0):
        raise ModelError("a_star must be finite and non-negative")
    if n and (not np.all(np.isfinite(cv)) or cv.min() < 0 or cv.max() > 1):
        raise ModelError("c must lie in [0, 1]")
    if sp.issparse(A):
        A = A if A.format == "csc" else sp.csc_array(A)
    # Incremental form of the same iteration: u = A q + c (uncapped), q = min(1, u);
    # u(k+1) = u(k) + A (q(k) - q(k-1)).  Only the columns whose q changed are touched while they
    # are few (a shock front moving through a layered graph), a full product otherwise.
    u = cv.copy()
    q: np.ndarray = np.minimum(1.0, u)
    dq = q.copy()
    delta = float(dq.max()) if n else 0.0
    if delta <= tol:
        return (q, 1) if return_iterations else q
    nnz = A.nnz if sp.issparse(A) else n * n
    for it in range(2, max_iter + 1):
        u += _product(A, dq, nnz)
        nxt = np.minimum(1.0, u)
        dq = nxt - q
        q = nxt
        delta = float(dq.max()) if n else 0.0  # monotone: dq >= 0
        if delta <= tol:
            return (q, it) if return_iterations else q
    raise ModelError(
        f"inoperability did not converge in {max_iter} iterations (last change {delta:.3g}); "
        "raise max_iter (--set max_iter=...) or check the weights of cycles"
    )


def _product(A: Any, x: np.ndarray, nnz: int) -> np.ndarray:
    """``A @ x`` for a non-negative ``x``; gathers only the columns where ``x > 0`` if few."""
    if not sp.issparse(A):
        return np.asarray(A @ x)
    nz = np.flatnonzero(x)
    if nz.size == 0:
        return np.zeros(x.size)
    starts = A.indptr[nz]
    lens = A.indptr[nz + 1] - starts
    total = int(lens.sum())
    if total * 16 > nnz:  # a gathered entry costs several times a product's
        return np.asarray(A @ x)
    offs = np.cumsum(lens) - lens
    pos = np.arange(total) - np.repeat(offs - starts, lens)
    vals = A.data[pos] * np.repeat(x[nz], lens)
    return np.bincount(A.indices[pos], weights=vals, minlength=x.size)


def leontief_solution(a_star: Any, c: Any) -> np.ndarray:
    r"""The uncapped closed form :math:`q = (I - A^*)^{-1} c^*` (dense; small systems, tests)."""
    A = np.asarray(a_star.toarray() if hasattr(a_star, "toarray") else a_star, dtype=float)
    return np.linalg.solve(np.eye(A.shape[0]) - A, np.asarray(c, dtype=float))
