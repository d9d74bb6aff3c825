"""Values against closed forms and the library's own certificates."""
import numpy as np
import pytest

import wgan
from wgan import _arrays


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.mark.parametrize("d", [1, 2, 3, 5, 784])
@pytest.mark.parametrize("p", [1, 2])
def test_translation_moves_by_norm(rng, d, p):
    # W_p(mu, mu + t) = |t| in any dimension: the identity plan costs |t| and
    # the 1-Lipschitz f(x) = <x, t> / |t| proves no plan costs less
    n = 60 if d == 784 else 300
    x = rng.standard_normal((n, d))
    t = rng.standard_normal(d)
    assert rel(wgan.emd(x, x + t, p=p), np.linalg.norm(t)) < 1e-12


@pytest.mark.parametrize("d", [2, 784])
def test_translation_float32(rng, d):
    x = rng.standard_normal((60, d)).astype(np.float32)
    t = rng.standard_normal(d).astype(np.float32)
    y = x + t
    moved = np.linalg.norm(y.astype(np.float64) - x, axis=1).mean()
    assert rel(wgan.emd(x, y), moved) < 1e-12


def test_identical_sets_give_zero(rng):
    x = rng.standard_normal((200, 3))
    a = rng.random(200)
    assert wgan.emd(x, x) == 0
    assert wgan.emd(x, x, a, a) == 0
    assert wgan.emd(x, x, metric="sqeuclidean") == 0
    assert wgan.wasserstein_1d(x[:, 0], x[:, 0]) == 0
    h = rng.random(50)
    assert wgan.js_divergence(h, h) == 0
    assert wgan.kl_divergence(h, h) == 0


def quantile_wp(u, wu, v, wv, p):
    """W_p in 1-D as the integral over t of |F^-1(t) - G^-1(t)|^p, piecewise
    constant between the breakpoints of both cumulative weights."""
    iu, iv = np.argsort(u), np.argsort(v)
    cu, cv = np.cumsum(wu[iu]) / wu.sum(), np.cumsum(wv[iv]) / wv.sum()
    t = np.unique(np.concatenate([[0.0], cu, cv]))
    mid = (t[:-1] + t[1:]) / 2
    qu = u[iu][np.minimum(np.searchsorted(cu, mid), len(u) - 1)]
    qv = v[iv][np.minimum(np.searchsorted(cv, mid), len(v) - 1)]
    return np.sum(np.diff(t) * np.abs(qu - qv) ** p) ** (1 / p)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_1d_equal_sizes_pair_sorted_values(rng, p):
    u, v = rng.standard_normal(1000), rng.exponential(size=1000)
    want = np.mean(np.abs(np.sort(u) - np.sort(v)) ** p) ** (1 / p)
    assert rel(wgan.wasserstein_1d(u, v, p=p), want) < 1e-12
    assert rel(wgan.emd(u, v, p=p), want) < 1e-12


@pytest.mark.parametrize("p", [1, 2.5])
def test_1d_weighted_quantiles(rng, p):
    u, v = rng.standard_normal(300), rng.uniform(-1, 3, 170)
    wu, wv = rng.random(300), rng.random(170) * 7
    want = quantile_wp(u, wu, v, wv, p)
    assert rel(wgan.wasserstein_1d(u, v, wu, wv, p=p), want) < 1e-10
    # the network simplex (asked for potentials, so the closed form does not run)
    got = wgan.emd(u, v, wu / wu.sum(), wv / wv.sum(), p=p, potentials=True).distance
    assert rel(got, want) < 1e-10


def test_plan_and_potentials_certify_the_optimum(rng):
    x, y = rng.standard_normal((40, 3)), rng.standard_normal((55, 3))
    a, b = rng.random(40), rng.random(55)
    a, b = a / a.sum(), b / b.sum()
    r = wgan.emd(x, y, a, b, p=2, plan=True, potentials=True)
    C = (np.linalg.norm(x[:, None] - y[None], axis=2)) ** 2
    pi = r.plan.toarray()
    assert pi.shape == (40, 55) and len(r.plan.mass) <= 40 + 55 - 1
    assert np.allclose(pi.sum(1), a, atol=1e-15) and np.allclose(pi.sum(0), b, atol=1e-15)
    assert rel(np.sum(pi * C), r.cost) < 1e-12 and rel(r.distance, np.sqrt(r.cost)) < 1e-15
    slack = C - r.f[:, None] - r.g[None]
    assert slack.min() > -1e-12 and np.abs(slack[r.plan.i, r.plan.j]).max() < 1e-12
    assert rel(a @ r.f + b @ r.g, r.cost) < 1e-12


def test_emd_returns_float_unless_asked(rng):
    x = rng.standard_normal((10, 2))
    assert isinstance(wgan.emd(x, x + 1), float)
    r = wgan.emd(x, x + 1, plan=True)
    assert r.plan is not None and r.f is None and r.g is None
    r = wgan.emd(x, x + 1, potentials=True)
    assert r.plan is None and r.f.shape == (10,)


def test_emd2_matches_points_and_small_matrix(rng):
    assert wgan.emd2([0.5, 0.5], [0.5, 0.5], [[1, 2], [3, 4]]) == 2.5
    x, y = rng.standard_normal((30, 2)), rng.standard_normal((45, 2))
    M = np.linalg.norm(x[:, None] - y[None], axis=2)
    assert rel(wgan.emd2([], [], M), wgan.emd(x, y)) < 1e-12
    assert rel(wgan.emd2(None, None, M ** 2), wgan.emd(x, y, metric="sqeuclidean")) < 1e-12


def test_sinkhorn_approaches_emd_from_above(rng):
    x, y = rng.standard_normal((40, 2)), rng.standard_normal((40, 2)) + 1
    M = np.linalg.norm(x[:, None] - y[None], axis=2)
    exact = wgan.emd2(None, None, M)
    # (smaller reg converges slowly: at 0.03 POT's sinkhorn_log took 5.7e5 iterations here)
    values = [wgan.sinkhorn(None, None, M, reg) for reg in (1.0, 0.3, 0.1)]
    assert values[0] > values[1] > values[2] > exact and values[2] - exact < 0.1 * exact


def test_divergences_closed_forms():
    assert wgan.js_divergence([1, 1, 0, 0], [0, 0, 2, 5]) == pytest.approx(np.log(2), abs=1e-15)
    assert wgan.kl_divergence([0.5, 0.5], [1, 0]) == np.inf
    p, q = np.array([1.0, 2, 3]), np.array([3.0, 3, 1])
    p, q = p / p.sum(), q / q.sum()
    assert rel(wgan.kl_divergence(2 * p, q), np.sum(p * np.log(p / q))) < 1e-14
    m = (p + q) / 2
    js = 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))
    assert rel(wgan.js_divergence(p, q), js) < 1e-14


def test_eval_w1_is_emd_in_float32(rng):
    real = rng.standard_normal((400, 5))
    samples = real[:200] + [1, 0, 0, 0, 0]
    r = wgan.eval_w1(samples, real)
    real32 = real.astype(np.float32)
    assert r.n == 200
    assert r.w1 == wgan.emd(samples.astype(np.float32), real32[:200])
    assert r.floor == wgan.emd(real32[200:400], real32[:200])
    assert abs(r.w1 - 1) < 1e-6
    r2 = wgan.eval_w1(samples, real[:200], real2=real[200:], n=150)
    assert r2.n == 150 and r2.floor == wgan.emd(real32[200:350], real32[:150])


@pytest.mark.parametrize("layout", ["float64 C", "float64 F", "float32 C", "float32 F",
                                    "strided", "list"])
def test_layouts_give_the_same_value(rng, layout):
    x32 = rng.standard_normal((80, 3)).astype(np.float32)
    y32 = rng.standard_normal((70, 3)).astype(np.float32)
    want = wgan.emd(x32.astype(np.float64), y32.astype(np.float64))
    dtype = np.float32 if "float32" in layout else np.float64
    order = "F" if " F" in layout else "C"
    x, y = (np.array(v, dtype=dtype, order=order) for v in (x32, y32))
    if layout == "strided":
        x, y = np.repeat(x, 2, axis=1)[:, ::2], np.repeat(y, 2, axis=1)[:, ::2]
    if layout == "list":
        x, y = x.tolist(), y.tolist()
    assert wgan.emd(x, y) == want


def test_c_contiguous_float64_is_not_copied(rng):
    x = rng.standard_normal((5, 2))
    assert _arrays.points(x, "x") is x
    v = rng.standard_normal(5)
    assert np.shares_memory(_arrays.points(v, "v"), v)
    assert _arrays.matrix(x) is x
    assert not np.shares_memory(_arrays.points(np.asfortranarray(x), "x"), x)
