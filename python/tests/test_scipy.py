"""Agreement with scipy (Debian's python3-scipy, which python3-pot brings;
skipped where it is missing): the 1-D closed form against
scipy.stats.wasserstein_distance, the divergences against scipy's."""
import numpy as np
import pytest

import wgan

stats = pytest.importorskip("scipy.stats",
                            reason="scipy is not installed (apt-get install python3-scipy)")
distance = pytest.importorskip("scipy.spatial.distance")


@pytest.mark.parametrize("seed", range(6))
def test_wasserstein_1d_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 2000, size=2)
    u, v = rng.standard_normal(n), rng.exponential(size=m)
    wu, wv = rng.random(n), rng.random(m) * 10
    want = stats.wasserstein_distance(u, v, wu, wv)
    assert wgan.wasserstein_1d(u, v, wu, wv) == pytest.approx(want, rel=1e-12)
    assert wgan.wasserstein_1d(u, v) == pytest.approx(stats.wasserstein_distance(u, v), rel=1e-12)


def test_divergences_match_scipy():
    rng = np.random.default_rng(7)
    p, q = rng.random(100), rng.random(100)
    assert wgan.kl_divergence(p, q) == pytest.approx(stats.entropy(p, q), rel=1e-13)
    assert wgan.js_divergence(p, q) == pytest.approx(distance.jensenshannon(p, q) ** 2, rel=1e-12)
