"""libwgan.so through ctypes: where it is found, the C types of wgan/ot.h,
and a failed call's status and message turned into a Python exception.

ctypes releases the GIL during every call into a CDLL, so threads solve in
parallel; the library keeps its last error per thread, so it is read on the
calling thread right after the call."""
import ctypes
import os

from ctypes import POINTER, byref, c_char_p, c_double, c_int, c_int64, c_void_p

_HERE = os.path.dirname(os.path.abspath(__file__))


def _path():
    """WGAN_LIB if set; else the path `make install` wrote beside the
    package; else the build tree's build/libwgan.so."""
    if os.environ.get("WGAN_LIB"):
        return os.environ["WGAN_LIB"]
    installed = os.path.join(_HERE, "libwgan.path")
    if os.path.exists(installed):
        with open(installed, encoding="utf-8") as f:
            return f.read().strip()
    return os.path.normpath(os.path.join(_HERE, "..", "..", "build", "libwgan.so"))


path = _path()
try:
    lib = ctypes.CDLL(path)
except OSError as e:
    raise ImportError(f"wgan: cannot load {path} ({e}); build it with `make` or set WGAN_LIB "
                      f"to the path of libwgan.so") from None

# OpenBLAS chose its kernels when it loaded (numpy loads it first): on a CPU
# whose model it does not know it runs its oldest kernels, and the solver's double
# products with them (the wgan tool runs itself again with the variable set;
# a Python process can only be started with it).
lib.wg_openblas_coretype_wanted.restype = c_char_p
_coretype = lib.wg_openblas_coretype_wanted()
if _coretype:
    import warnings
    warnings.warn(f"wgan: OpenBLAS runs kernels without AVX2 on this CPU; start Python with "
                  f"OPENBLAS_CORETYPE={_coretype.decode()} for its kernels of this CPU's level", RuntimeWarning)

# wg_status
OK, EINVAL, EIO, EFORMAT, ENOMEM, ELIMIT, ENUMERIC = range(7)
_EXCEPTIONS = {EINVAL: ValueError, EIO: OSError, EFORMAT: ValueError, ENOMEM: MemoryError,
               ELIMIT: RuntimeError, ENUMERIC: RuntimeError}

METRICS = {"euclidean": 0, "sqeuclidean": 1, "cityblock": 2}
EXACT = 0  # wg_ot_method


class Options(ctypes.Structure):
    """wg_emd_options"""
    _fields_ = [("metric", c_int), ("p", c_double), ("cost", c_void_p), ("normalize", c_int),
                ("max_iter", c_int64), ("want_plan", c_int), ("want_potentials", c_int),
                ("reg", c_double), ("tol", c_double)]


class Result(ctypes.Structure):
    """wg_emd_result"""
    _fields_ = [("distance", c_double), ("cost", c_double), ("iterations", c_int64),
                ("plan", c_void_p), ("plan_len", c_int64), ("f", c_void_p), ("g", c_void_p)]


def _declare(name, *argtypes):
    fn = getattr(lib, name)
    fn.argtypes = list(argtypes)
    fn.restype = c_int
    return fn


_P = c_void_p  # arrays are passed as addresses (None: NULL)
wg_emd = _declare("wg_emd", _P, c_int64, _P, c_int64, c_int, _P, _P, POINTER(Options),
                  POINTER(Result))
wg_transport = _declare("wg_transport", _P, c_int64, _P, c_int64, c_int, _P, _P,
                        POINTER(Options), c_int, POINTER(Result), POINTER(c_char_p))
wg_sinkhorn = _declare("wg_sinkhorn", _P, c_int64, _P, c_int64, c_int, _P, _P,
                       POINTER(Options), POINTER(Result))
wg_wasserstein_1d = _declare("wg_wasserstein_1d", _P, c_int64, _P, _P, c_int64, _P,
                             POINTER(Options), POINTER(c_double))
wg_kl_divergence = _declare("wg_kl_divergence", _P, _P, c_int64, POINTER(c_double))
wg_js_divergence = _declare("wg_js_divergence", _P, _P, c_int64, POINTER(c_double))
wg_eval_w1 = _declare("wg_eval_w1", _P, _P, _P, c_int64, c_int, POINTER(c_double),
                      POINTER(c_double))
lib.wg_emd_defaults.argtypes = []
lib.wg_emd_defaults.restype = Options
lib.wg_emd_result_free.argtypes = [POINTER(Result)]
lib.wg_emd_result_free.restype = None
lib.wg_last_error.argtypes = []
lib.wg_last_error.restype = c_char_p


def error(status, message):
    """The exception for a failed call's status."""
    return _EXCEPTIONS.get(status, RuntimeError)(message)


def check(status):
    """Raises the library's error for a failed call; call it on the thread
    that made the call, before any other call into the library."""
    if status != OK:
        raise error(status, lib.wg_last_error().decode("utf-8", "replace"))


def options(metric="euclidean", p=1.0):
    """wg_emd_defaults() with the metric and exponent checked: the C side
    reads p = 0 as 1, so a p below 1 is refused here."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)} (got {metric!r})")
    p = float(p)
    if not p >= 1:
        raise ValueError(f"p must be >= 1 (got {p:g})")
    o = lib.wg_emd_defaults()
    o.metric, o.p = METRICS[metric], p
    return o


def max_iter(limit, name):
    """A user's iteration limit as the C option (0 means none there, so a
    limit below 1 is refused here)."""
    if limit is None:
        return 0
    limit = int(limit)
    if limit < 1:
        raise ValueError(f"{name} must be >= 1 or None for no limit (got {limit})")
    return limit


def free(res):
    lib.wg_emd_result_free(byref(res))
