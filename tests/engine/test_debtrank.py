"""DebtRank: the NetworkRiskMeasures worked example and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from riskgraph.engine.debtrank import debtrank
from riskgraph.engine.iim import inoperability
from riskgraph.errors import ModelError

# Worked example of the R package NetworkRiskMeasures (C. Cinelli & T. C. Silva), README.md of
# github.com/carloscinelli/NetworkRiskMeasures, which implements Battiston et al. (2012):
# assets_matrix <- matrix(c(0, 10, 3, 1, 0, 2, 0, 3, 0), ncol = 3)  (column-major in R), so
# row i = what bank i loses if bank j fails; buffer = (2, 5, 2); weights = (10, 100, 30).
EXPOSURES = [[0, 1, 0], [10, 0, 3], [3, 2, 0]]
BUFFERS = [2, 5, 2]
WEIGHTS = [10, 100, 30]


def test_published_example_ten_percent_shock() -> None:
    # README: "Shock causes additional stress of 16.07% in the network", final stress
    # a 0.15, b 0.26, c 0.30, additional defaults 0.
    r = debtrank(EXPOSURES, BUFFERS, WEIGHTS, [0.1, 0.1, 0.1])
    assert r.stress == pytest.approx([0.15, 0.26, 0.30])
    assert round(r.additional_stress, 4) == 0.1607
    assert r.defaulted.size == 0


@pytest.mark.parametrize(
    ("bank", "additional", "new_defaults"),
    # README, debt_rank(): a 0.9285714 (2 defaults), b 0.2500000 (1), c 0.6642857 (0)
    [(0, 0.9285714, 2), (1, 0.2500000, 1), (2, 0.6642857, 0)],
)
def test_published_example_single_defaults(bank: int, additional: float, new_defaults: int
                                           ) -> None:
    shock = np.zeros(3)
    shock[bank] = 1.0
    r = debtrank(EXPOSURES, BUFFERS, WEIGHTS, shock)
    assert r.additional_stress == pytest.approx(additional, abs=1e-7)
    assert r.defaulted.size - 1 == new_defaults


def test_sparse_equals_dense() -> None:
    a = debtrank(EXPOSURES, BUFFERS, WEIGHTS, [0.0, 0.0, 1.0])
    b = debtrank(sp.csr_array(np.array(EXPOSURES, dtype=float)), BUFFERS, WEIGHTS,
                 [0.0, 0.0, 1.0])
    assert a.stress == pytest.approx(b.stress)
    assert a.additional_stress == pytest.approx(b.additional_stress)


def test_each_node_propagates_once_by_hand() -> None:
    # 0 -> 1 (W=0.5), 0 -> 2 (0.5), 2 -> 1 (0.5).  Shock h0 = 1.
    # round 1: 0 passes on: h1 = 0.5, h2 = 0.5 (0 inactive, 1 and 2 distressed);
    # round 2: 1 and 2 pass on once: h1 += 0.5 * h2 = 0.75; both inactive -> stop.
    W = np.zeros((3, 3))
    W[1, 0], W[2, 0], W[1, 2] = 0.5, 0.5, 0.5
    r = debtrank(W, np.ones(3), None, [1.0, 0.0, 0.0])
    assert r.stress == pytest.approx([1.0, 0.75, 0.5])
    assert r.additional_stress == pytest.approx((0.75 + 0.5) / 3)
    assert r.rounds == 2


def test_debtrank_never_exceeds_capped_iim_on_a_cycle() -> None:
    # on a cycle DebtRank stops after each node propagated once; the IIM keeps reverberating
    W = np.array([[0.0, 0.5], [0.5, 0.0]])
    r = debtrank(W, np.ones(2), None, [0.4, 0.0])
    assert r.stress == pytest.approx([0.5, 0.2])  # 0.4 + 0.5*0.2 once; 0.5*0.4
    q = inoperability(W, [0.4, 0.0])
    assert np.all(r.stress <= q + 1e-12)


def test_buffers_scale_and_cap_impact() -> None:
    # exposure 3 on a buffer 2: impact min(1, 1.5) = 1; zero buffer: full impact
    r = debtrank([[0, 3], [0, 0]], [2, 1], None, [0.0, 0.4])
    assert r.stress == pytest.approx([0.4, 0.4])
    r0 = debtrank([[0, 0.1], [0, 0]], [0, 1], None, [0.0, 0.4])
    assert r0.stress == pytest.approx([0.4, 0.4])


def test_zero_shock() -> None:
    r = debtrank(EXPOSURES, BUFFERS, WEIGHTS, [0, 0, 0])
    assert r.stress == pytest.approx([0, 0, 0])
    assert r.additional_stress == 0.0 and r.rounds == 0


def test_bad_input() -> None:
    with pytest.raises(ModelError, match="buffers has shape"):
        debtrank(EXPOSURES, [1, 2], None, [0, 0, 0])
    with pytest.raises(ModelError, match="weights must be non-negative and not all zero"):
        debtrank(EXPOSURES, BUFFERS, [0, 0, 0], [0.1, 0, 0])
    with pytest.raises(ModelError, match="exposures must be non-negative"):
        debtrank([[0, -1, 0], [0, 0, 0], [0, 0, 0]], BUFFERS, None, [0.1, 0, 0])
