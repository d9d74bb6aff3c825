"""Every bad input raises, with the library's message where the library
found the fault, and never returns a number."""
import os
import subprocess
import sys

import numpy as np
import pytest

import wgan
from wgan import _lib

X = np.zeros((3, 2))
Y = np.ones((3, 2))
M = np.ones((3, 3))
NAN_X = np.where(np.arange(6).reshape(3, 2) == 2, np.nan, 0.0)  # point 2, coordinate 1
NAN_M = np.where(np.arange(9).reshape(3, 3) == 5, np.nan, 1.0)  # cost (2, 3)
F = [0.5, 0.5]
RANDOM_M = np.random.default_rng(5).random((60, 60))

CASES = {
    # values: the library's checks and messages
    "nan_point": (lambda: wgan.emd(NAN_X, Y),
        RuntimeError, "points of a: point 2, coordinate 1 is nan"),
    "inf_point_1d": (lambda: wgan.emd([0, np.inf], [1, 2]),
        RuntimeError, "points of a: point 2, coordinate 1 is inf"),
    "nan_cost": (lambda: wgan.emd2(None, None, NAN_M), RuntimeError, "cost (2, 3) is nan"),
    "negative_cost": (lambda: wgan.emd2(None, None, -M), ValueError, "cost (1, 1) is negative"),
    "nan_weight": (lambda: wgan.emd(X, Y, a=[1, np.nan, 1]),
        RuntimeError, "weights of a: weight 2 is nan"),
    "negative_weight": (lambda: wgan.emd(X, Y, b=[1, -1, 1]),
        ValueError, "weights of b: weight 2 is negative"),
    "zero_weights": (lambda: wgan.emd(X, Y, a=[0, 0, 0]),
        ValueError, "weights of a: all weights are zero"),
    "unequal_masses": (lambda: wgan.emd(X, Y, a=[1, 1, 1]),
        ValueError, "unequal total masses: 3 for a, 1 for b"),
    "unequal_masses_emd2": (lambda: wgan.emd2([1, 1, 1], [], M),
        ValueError, "unequal total masses"),
    "negative_weight_1d": (lambda: wgan.wasserstein_1d([0, 1], [2], [1, -2]),
        ValueError, "negative"),
    "nan_histogram": (lambda: wgan.js_divergence([1, np.nan], F),
        RuntimeError, "P: entry 2 is nan"),
    "negative_histogram": (lambda: wgan.kl_divergence(F, [1, -1]),
        ValueError, "Q: entry 2 is negative"),
    "zero_histogram": (lambda: wgan.js_divergence([0, 0], F),
        ValueError, "P: all entries are zero"),
    "sinkhorn_reg_zero": (lambda: wgan.sinkhorn(None, None, M, 0),
        ValueError, "regularisation must be > 0"),
    "p_infinite": (lambda: wgan.emd(X, Y, p=np.inf), ValueError, "p must be >= 1"),
    "iteration_limit": (lambda: wgan.emd2(None, None, RANDOM_M, numItermax=1),
        RuntimeError, "limit"),
    "sinkhorn_limit": (lambda: wgan.sinkhorn(None, None, RANDOM_M, 0.01, numItermax=2),
        RuntimeError, "not converged"),
    # empty arrays
    "empty_x": (lambda: wgan.emd(np.zeros((0, 2)), Y),
        ValueError, "empty point set (n = 0, m = 3)"),
    "empty_list": (lambda: wgan.emd([], [1.0]), ValueError, "empty sample (n = 0, m = 1)"),
    "zero_dimension": (lambda: wgan.emd(np.zeros((3, 0)), np.zeros((3, 0))),
        ValueError, "dimension 0 < 1"),
    "empty_1d": (lambda: wgan.wasserstein_1d([1.0], []), ValueError, "empty sample"),
    "empty_cost": (lambda: wgan.emd2([], [], np.zeros((0, 3))), ValueError, "empty"),
    "empty_histograms": (lambda: wgan.js_divergence([], []), ValueError, "empty histogram"),
    "empty_real": (lambda: wgan.eval_w1(X, np.zeros((0, 2))), ValueError, "1 <= n <= 0"),
    # shapes, checked before the call
    "dimensions_differ": (lambda: wgan.emd(X, np.ones((3, 3))),
        ValueError, "x has points of dimension 2, y of dimension 3"),
    "points_3d_array": (lambda: wgan.emd(np.zeros((3, 2, 1)), Y),
        ValueError, "x: points are an (n, d) array"),
    "weights_too_few": (lambda: wgan.emd(X, Y, a=[1, 1]),
        ValueError, "a: 2 weights for 3 points of x"),
    "weights_2d": (lambda: wgan.emd(X, Y, b=np.ones((3, 1))), ValueError, "b: a 1-D array"),
    "histogram_vs_cost_rows": (lambda: wgan.emd2(F, [], M),
        ValueError, "a: 2 weights for 3 rows of M"),
    "histogram_vs_cost_columns": (lambda: wgan.sinkhorn([], F, M, 1),
        ValueError, "b: 2 weights for 3 columns of M"),
    "cost_1d": (lambda: wgan.emd2([], [], [1.0, 2.0]), ValueError, "M: a 2-D cost matrix"),
    "samples_1d_2d": (lambda: wgan.wasserstein_1d(X, [1.0]), ValueError, "u: a 1-D array"),
    "histograms_differ": (lambda: wgan.kl_divergence([1, 2, 3], F),
        ValueError, "p has 3 entries, q 2"),
    "eval_dimensions": (lambda: wgan.eval_w1(X, np.ones((6, 3))),
        ValueError, "samples has points of dimension 2"),
    "eval_n_too_large": (lambda: wgan.eval_w1(X, np.ones((6, 2)), n=4), ValueError, "1 <= n <= 3"),
    "eval_n_not_int": (lambda: wgan.eval_w1(X, np.ones((6, 2)), n=2.5), TypeError, "integer"),
    "ragged_list": (lambda: wgan.emd([[0, 0], [1]], Y), ValueError, "x: "),
    # dtypes and options, checked before the call
    "int_array": (lambda: wgan.emd(X.astype(np.int64), Y),
        TypeError, "x: float64 or float32 arrays only (got dtype int64)"),
    "complex_array": (lambda: wgan.emd2([], [], M.astype(complex)),
        TypeError, "got dtype complex128"),
    "float16_array": (lambda: wgan.js_divergence(np.ones(2, np.float16), F),
        TypeError, "got dtype float16"),
    "bool_weights": (lambda: wgan.emd(X, Y, a=np.ones(3, bool)), TypeError, "got dtype bool"),
    "object_array": (lambda: wgan.wasserstein_1d(np.array([1.0, None]), [1.0]),
        TypeError, "got dtype object"),
    "strings": (lambda: wgan.emd([["a", "b"]], Y),
        ValueError, "could not convert string to float"),
    "p_below_1": (lambda: wgan.emd(X, Y, p=0.5), ValueError, "p must be >= 1 (got 0.5)"),
    "p_zero": (lambda: wgan.wasserstein_1d([1.0], [2.0], p=0),
        ValueError, "p must be >= 1 (got 0)"),
    "p_nan": (lambda: wgan.emd(X, Y, p=np.nan), ValueError, "p must be >= 1"),
    "metric_unknown": (lambda: wgan.emd(X, Y, metric="cosine"),
        ValueError, "metric must be one of"),
    "numItermax_zero": (lambda: wgan.emd2([], [], M, numItermax=0),
        ValueError, "numItermax must be >= 1"),
    "stopThr_zero": (lambda: wgan.sinkhorn([], [], M, 1, stopThr=0),
        ValueError, "stopThr must be > 0"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_raises(name):
    call, exception, message = CASES[name]
    with pytest.raises(exception) as e:
        call()
    assert message in str(e.value)


def test_out_of_memory_is_memory_error():
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("AddressSanitizer's shadow memory does not fit under the address-space limit")
    # a 30000 x 30000 cost matrix (d = 5 needs one) under a 2 GiB address space
    code = ("import resource, numpy as np\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "import wgan\n"
            "try:\n    wgan.emd(np.zeros((30000, 5)), np.ones((30000, 5)))\n"
            "except MemoryError as e:\n    print('MemoryError:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    want = "MemoryError: emd: no memory for the 30000 x 30000 cost matrix"
    assert out.stdout.startswith(want), out.stdout + out.stderr


@pytest.mark.parametrize("status,exception", [
    (_lib.EINVAL, ValueError), (_lib.EFORMAT, ValueError), (_lib.ENOMEM, MemoryError),
    (_lib.ELIMIT, RuntimeError), (_lib.ENUMERIC, RuntimeError), (_lib.EIO, OSError)])
def test_status_maps_to_exception(status, exception):
    # the mapping itself, for the statuses no call of the module produces (EIO, EFORMAT)
    e = _lib.error(status, "the message")
    assert type(e) is exception and str(e) == "the message"


def test_error_leaves_next_call_clean():
    with pytest.raises(RuntimeError):
        wgan.emd(NAN_X, Y)
    assert wgan.emd(X, Y) == pytest.approx(np.sqrt(2), rel=1e-15)
