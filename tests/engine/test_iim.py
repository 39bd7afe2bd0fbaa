"""IIM: hand-computed cases, the Haimes & Jiang (2001) example, cap, cycles, monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from riskgraph.engine.iim import inoperability, leontief_solution
from riskgraph.errors import ModelError


def test_published_two_sector_example_haimes_jiang_2001() -> None:
    # Haimes & Jiang (2001), J. Infrastructure Systems 7(1): A* = [[0, .8], [.2, 0]],
    # c* = [0, .6] -> q = [0.571, 0.714].  Numbers as reproduced in S. R. Sellevag's `iim`
    # package: github.com/stigrs/iim tests/test_case.py (test_case1) with the matrix of
    # github.com/stigrs/diim tests/test_case1.csv.
    q = inoperability([[0.0, 0.8], [0.2, 0.0]], [0.0, 0.6])
    assert q == pytest.approx([0.571, 0.714], abs=1e-3)
    # exact: q2 = 0.6 / (1 - 0.16), q1 = 0.8 q2
    assert q[1] == pytest.approx(0.6 / 0.84, abs=1e-9)
    assert q[0] == pytest.approx(0.8 * 0.6 / 0.84, abs=1e-9)


def test_chain_by_hand() -> None:
    # 0 -> 1 -> 2 (a*_10 = 0.5, a*_21 = 0.4), shock 0.8 on node 0
    A = np.zeros((3, 3))
    A[1, 0], A[2, 1] = 0.5, 0.4
    q, it = inoperability(A, [0.8, 0, 0], return_iterations=True)
    assert q == pytest.approx([0.8, 0.4, 0.16])
    assert it == 4  # exact after longest path + 1 steps, one more to see no change


def test_diamond_adds_paths() -> None:
    # 0 -> 1 (0.5), 0 -> 2 (0.5), 1 -> 3 (0.4), 2 -> 3 (0.2): q3 = 0.4*0.5c + 0.2*0.5c
    A = np.zeros((4, 4))
    A[1, 0], A[2, 0], A[3, 1], A[3, 2] = 0.5, 0.5, 0.4, 0.2
    q = inoperability(A, [1.0, 0, 0, 0])
    assert q[3] == pytest.approx(0.3)


def test_sparse_equals_dense_and_leontief_when_uncapped() -> None:
    rng = np.random.default_rng(7)
    n = 40
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.1)
    A *= 0.6 / max(1e-9, np.abs(np.linalg.eigvals(A)).max())  # spectral radius 0.6
    c = rng.random(n) * 0.05
    q_dense = inoperability(A, c, tol=1e-13)
    q_sparse = inoperability(sp.csr_array(A), c, tol=1e-13)
    assert q_dense == pytest.approx(q_sparse, abs=1e-12)
    exact = leontief_solution(A, c)
    assert exact.max() < 1  # the cap does not bind here
    assert q_dense == pytest.approx(exact, abs=1e-9)


def test_cycle_converges_to_closed_form() -> None:
    A = np.array([[0.0, 0.5], [0.5, 0.0]])
    q = inoperability(A, [0.4, 0.0])
    assert q == pytest.approx([0.4 / 0.75, 0.2 / 0.75], abs=1e-9)


def test_cycle_with_unit_weights_is_capped_not_divergent() -> None:
    # spectral radius 1: (I - A*) is singular; the capped fixed point is still well defined
    A = np.array([[0.0, 1.0], [1.0, 0.0]])
    q = inoperability(A, [0.5, 0.0])
    assert q == pytest.approx([1.0, 1.0])


def test_cap_at_one() -> None:
    A = np.array([[0.0, 0.0], [0.9, 0.0]])
    q = inoperability(A + np.array([[0, 0], [0, 0]]), [1.0, 0.5])
    assert q == pytest.approx([1.0, 1.0])  # 0.9 + 0.5 capped


def test_zero_shock_gives_zero() -> None:
    A = np.array([[0.0, 0.7], [0.7, 0.0]])
    assert inoperability(A, [0.0, 0.0]) == pytest.approx([0.0, 0.0])


def test_monotone_in_the_shock() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        n = 12
        A = rng.random((n, n)) * (rng.random((n, n)) < 0.3) * 0.9
        c1 = rng.random(n) * (rng.random(n) < 0.3)
        c2 = np.minimum(1.0, c1 + rng.random(n) * 0.2)
        q1, q2 = inoperability(A, c1), inoperability(A, c2)
        assert np.all(q2 >= q1 - 1e-12)


def test_no_convergence_raises() -> None:
    A = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ModelError, match="did not converge in 3 iterations"):
        inoperability(A, [1e-6, 0.0], max_iter=3)


@pytest.mark.parametrize(
    ("A", "c", "msg"),
    [
        ([[0.0, -0.1], [0.0, 0.0]], [0.1, 0.0], "non-negative"),
        ([[0.0, 0.1], [0.0, 0.0]], [0.1, 0.0, 0.0], r"shape \(2, 2\), expected \(3, 3\)"),
        ([[0.0, 0.1], [0.0, 0.0]], [1.5, 0.0], r"c must lie in \[0, 1\]"),
    ],
)
def test_bad_input(A: list[list[float]], c: list[float], msg: str) -> None:
    with pytest.raises(ModelError, match=msg):
        inoperability(A, c)
