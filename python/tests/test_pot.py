"""Agreement with POT (Debian's python3-pot, not needed by `make test`:
skipped where it is missing) on random problems: POT's converged values,
i.e. with numItermax far above its default cap of 100000."""
import warnings

import numpy as np
import pytest

import wgan

ot = pytest.importorskip("ot", reason="POT is not installed (apt-get install python3-pot)")


def random_problem(seed, dims=(1, 2, 5, 30)):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(2, 400, size=2)
    d = int(rng.choice(dims))
    x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d)) * rng.uniform(0.5, 2)
    a, b = rng.random(n), rng.random(m)
    return x, y, a / a.sum(), b / b.sum()


@pytest.mark.parametrize("seed", range(12))
def test_emd2_matches_pot(seed):
    x, y, a, b = random_problem(seed)
    M = ot.dist(x, y, metric="euclidean")
    want = ot.emd2(a, b, M, numItermax=10**8)
    assert abs(wgan.emd2(a, b, M) - want) <= 1e-9 * want
    assert abs(wgan.emd(x, y, a, b) - want) <= 1e-9 * want


@pytest.mark.parametrize("seed", range(4))
def test_uniform_assignment_matches_pot(seed):
    rng = np.random.default_rng(100 + seed)
    x, y = rng.standard_normal((500, 2)), rng.standard_normal((500, 2)) + 0.3
    M = ot.dist(x, y, metric="sqeuclidean")
    want = ot.emd2([], [], M, numItermax=10**8)
    assert abs(wgan.emd2([], [], M) - want) <= 1e-9 * want
    assert abs(wgan.emd(x, y, metric="sqeuclidean") - want) <= 1e-9 * want


@pytest.mark.parametrize("seed", range(4))
def test_plan_matches_pot(seed):
    # random weights and points: the optimal plan is unique, so both solvers find it
    # (not in 1-D, where |x - y| has many optimal plans)
    x, y, a, b = random_problem(200 + seed, dims=(2, 5, 30))
    M = ot.dist(x, y, metric="euclidean")
    dense = ot.emd(a, b, M, numItermax=10**8)
    r = wgan.emd(x, y, a, b, plan=True)
    assert np.abs(r.plan.toarray() - dense).max() < 1e-12


def test_sinkhorn_matches_pot():
    x, y, a, b = random_problem(300)
    M = ot.dist(x, y, metric="euclidean")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # POT warns where it did not converge
        want = ot.sinkhorn2(a, b, M, 0.5, method="sinkhorn_log", numItermax=10**6,
                            stopThr=1e-13)
    assert abs(wgan.sinkhorn(a, b, M, 0.5, stopThr=1e-13) - want) <= 1e-9 * want
