"""Wasserstein distances from Python over libwgan.so (exact EMD, the 1-D
closed form, Sinkhorn, JS / KL, the exact W1 of generated samples and its
floor). The API, conventions and how the library is found: python/README.md.

    import numpy as np, wgan
    x = np.random.default_rng(0).standard_normal((1000, 2))
    wgan.emd(x, x + [3, 4])   # 5 (to rounding): a translation by t costs |t|

Arrays may be float64 or float32, C- or Fortran-ordered: a C-contiguous
float64 array is passed to the library as it is, anything else is converted
once. Errors of the library raise with its message: ValueError (bad
argument or format), MemoryError, RuntimeError (an iteration limit reached,
NaN or infinity), OSError; shapes and dtypes are checked before the call
(ValueError, TypeError). The GIL is released while the library runs."""
import ctypes
import operator
from ctypes import byref, c_char_p, c_double
from typing import NamedTuple, Optional

import numpy as np

from . import _arrays, _lib
from .checkpoint import Checkpoint, load_checkpoint

__all__ = ["emd", "emd2", "wasserstein_1d", "sinkhorn", "js_divergence", "kl_divergence",
           "eval_w1", "EMDResult", "Plan", "EvalW1", "Checkpoint", "load_checkpoint"]

_FLOW = np.dtype([("i", np.int64), ("j", np.int64), ("mass", np.float64)])  # wg_ot_flow


class Plan(NamedTuple):
    """The positive entries of an optimal transport plan: mass[k] moves from
    point i[k] of x to point j[k] of y (at most n + m - 1 entries)."""
    i: np.ndarray
    j: np.ndarray
    mass: np.ndarray
    shape: tuple

    def toarray(self):
        """The dense (n, m) plan, as POT's ot.emd returns it."""
        dense = np.zeros(self.shape)
        dense[self.i, self.j] = self.mass
        return dense


class EMDResult(NamedTuple):
    """distance = W_p = cost^(1/p); cost = sum of plan * c^p. f, g: dual
    potentials with f_i + g_j <= c(x_i, y_j)^p for every pair, equality on
    the plan, and sum(a f) + sum(b g) = cost. plan, f, g are None unless
    asked."""
    distance: float
    cost: float
    plan: Optional[Plan]
    f: Optional[np.ndarray]
    g: Optional[np.ndarray]


class EvalW1(NamedTuple):
    """w1 = W1(samples, real), floor = W1(real2, real), on n points each."""
    w1: float
    floor: float
    n: int


def _copy(address, count, dtype):
    return np.frombuffer((ctypes.c_char * (count * np.dtype(dtype).itemsize))
                         .from_address(address), dtype=dtype).copy()


def emd(x, y, a=None, b=None, metric="euclidean", p=1, plan=False, potentials=False):
    """The exact Wasserstein distance W_p between the points x (n, d) and
    y (m, d) (n values: 1-D points) with weights a (n), b (m) (None:
    uniform; otherwise >= 0 with equal totals), under the ground cost
    metric ("euclidean", "sqeuclidean", "cityblock") raised to p >= 1.

    Returns the distance as a float, or an EMDResult when plan or
    potentials is asked (plan: sparse, a Plan; Plan.toarray() is POT's
    dense matrix). In 1-D without plan or potentials the closed form runs,
    as in `wgan emd`."""
    x, y = _arrays.points(x, "x"), _arrays.points(y, "y")
    _arrays.same_dimension(x, y)
    (n, d), m = x.shape, len(y)
    wa = _arrays.weights(a, n, "a", "points of x")
    wb = _arrays.weights(b, m, "b", "points of y")
    o = _lib.options(metric, p)
    o.want_plan, o.want_potentials = bool(plan), bool(potentials)
    res, how = _lib.Result(), c_char_p()
    try:
        _lib.check(_lib.wg_transport(x.ctypes.data, n, y.ctypes.data, m, d,
                                     _arrays.address(wa), _arrays.address(wb), byref(o),
                                     _lib.EXACT, byref(res), byref(how)))
        if not (plan or potentials):
            return res.distance
        flows = _copy(res.plan, res.plan_len, _FLOW) if plan else None
        return EMDResult(
            res.distance, res.cost,
            Plan(flows["i"], flows["j"], flows["mass"], (n, m)) if plan else None,
            _copy(res.f, n, np.float64) if potentials else None,
            _copy(res.g, m, np.float64) if potentials else None)
    finally:
        _lib.free(res)


def _cost_problem(a, b, M):
    M = _arrays.matrix(M)
    n, m = M.shape
    return (M, _arrays.histogram(a, n, "a", "rows of M"),
            _arrays.histogram(b, m, "b", "columns of M"))


def _matrix_cost(solver, M, wa, wb, o):
    """The cost sum pi * M that solver (wg_emd or wg_sinkhorn) finds on the
    cost matrix M with options o."""
    o.cost = M.ctypes.data
    res = _lib.Result()
    try:
        _lib.check(solver(None, M.shape[0], None, M.shape[1], 1, _arrays.address(wa), _arrays.address(wb),
                          byref(o), byref(res)))
        return res.cost
    finally:
        _lib.free(res)


def emd2(a, b, M, numItermax=None):
    """POT's ot.emd2(a, b, M): the optimal transport cost min sum pi * M
    between histograms a (n) and b (m) (None or []: uniform) for the cost
    matrix M (n, m), M as given (no exponent). It is exact: there is no
    silent iteration cap, and a numItermax that is reached raises
    RuntimeError instead of returning an unconverged value; unequal masses
    raise ValueError."""
    M, wa, wb = _cost_problem(a, b, M)
    o = _lib.lib.wg_emd_defaults()
    o.max_iter = _lib.max_iter(numItermax, "numItermax")
    return _matrix_cost(_lib.wg_emd, M, wa, wb, o)


def sinkhorn(a, b, M, reg, numItermax=None, stopThr=1e-9):
    """Entropic optimal transport (log-domain Sinkhorn): <pi_reg, M> for the
    entropic plan pi_reg between histograms a, b (None or []: uniform) on
    the cost matrix M, the value POT's ot.sinkhorn2(a, b, M, reg) returns
    (not ot.sinkhorn's plan). An APPROXIMATION above emd2(a, b, M) that
    approaches it as reg -> 0. Stops when the L1 marginal error is below
    stopThr; reaching numItermax (None: no limit) first raises
    RuntimeError."""
    M, wa, wb = _cost_problem(a, b, M)
    stopThr = float(stopThr)
    if not stopThr > 0:  # the C side reads 0 as its default
        raise ValueError(f"stopThr must be > 0 (got {stopThr:g})")
    o = _lib.lib.wg_emd_defaults()
    o.reg, o.tol = float(reg), stopThr
    o.max_iter = _lib.max_iter(numItermax, "numItermax")
    return _matrix_cost(_lib.wg_sinkhorn, M, wa, wb, o)


def wasserstein_1d(u, v, u_weights=None, v_weights=None, p=1):
    """scipy.stats.wasserstein_distance(u, v, u_weights, v_weights) for
    p = 1, and W_p for p >= 1: the closed form on 1-D samples u, v, each
    side's weights scaled to total 1 (as scipy does)."""
    u, v = _arrays.vector(u, "u"), _arrays.vector(v, "v")
    wu = _arrays.weights(u_weights, len(u), "u_weights", "values of u")
    wv = _arrays.weights(v_weights, len(v), "v_weights", "values of v")
    o = _lib.options("euclidean", p)
    o.normalize = 1
    out = c_double()
    _lib.check(_lib.wg_wasserstein_1d(u.ctypes.data, len(u), _arrays.address(wu), v.ctypes.data,
                                      len(v), _arrays.address(wv), byref(o), byref(out)))
    return out.value


def _divergence(fn, p, q):
    p, q = _arrays.vector(p, "p"), _arrays.vector(q, "q")
    if len(p) != len(q):
        raise ValueError(f"p has {len(p)} entries, q {len(q)}: the histograms must share "
                         f"one support")
    out = c_double()
    _lib.check(fn(p.ctypes.data, q.ctypes.data, len(p), byref(out)))
    return out.value


def kl_divergence(p, q):
    """KL(P || Q) in nats of the histograms p, q (each scaled to total 1);
    inf where some q = 0 < p. scipy.stats.entropy(p, q)."""
    return _divergence(_lib.wg_kl_divergence, p, q)


def js_divergence(p, q):
    """The Jensen-Shannon divergence in nats of the histograms p, q (each
    scaled to total 1), at most log 2. (scipy's jensenshannon is its square
    root.)"""
    return _divergence(_lib.wg_js_divergence, p, q)


def eval_w1(samples, real, real2=None, n=None):
    """What `wgan eval` reports as W1: the exact W1 (Euclidean, uniform
    weights) between n generated samples and n real ones, beside its floor,
    the W1 between two disjoint real samples of the same n. All sets are
    (rows, d), e.g. images flattened to d = 784, compared in float32 as
    `wgan eval` does (float64 input is converted).

    Without real2, real is split: its first n rows are the held-out sample,
    the next n the floor's (so real needs 2n rows in random order). n
    defaults to as many as all sets give; samples[:n] are used."""
    samples = _arrays.points(samples, "samples", np.float32)
    real = _arrays.points(real, "real", np.float32)
    _arrays.same_dimension(samples, real, "samples", "real")
    if real2 is None:
        avail = len(real) // 2
    else:
        real2 = _arrays.points(real2, "real2", np.float32)
        _arrays.same_dimension(real2, real, "real2", "real")
        avail = min(len(real), len(real2))
    avail = min(avail, len(samples))
    n = avail if n is None else operator.index(n)
    if not 1 <= n <= avail:
        sizes = f"samples has {len(samples)} rows, real {len(real)}" + (
            " (split in two)" if real2 is None else f", real2 {len(real2)}")
        raise ValueError(f"eval_w1 needs 1 <= n <= {avail} ({sizes}), got n = {n}")
    floor_set = real[n:2 * n] if real2 is None else real2[:n]
    w1, floor = c_double(), c_double()
    _lib.check(_lib.wg_eval_w1(samples.ctypes.data, real.ctypes.data, floor_set.ctypes.data, n,
                               real.shape[1], byref(w1), byref(floor)))
    return EvalW1(w1.value, floor.value, n)
