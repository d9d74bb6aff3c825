"""Arguments checked and laid out as the C functions read them: shapes and
dtypes are refused here with a message naming the argument, since the C
side cannot know an array's length; values (NaN, negative weights, unequal
masses) are left to the library, whose message the caller then gets."""
import numpy as np


def _array(x, name):
    if isinstance(x, np.ndarray):
        if x.dtype.kind != "f" or x.dtype.itemsize not in (4, 8):
            raise TypeError(f"{name}: float64 or float32 arrays only (got dtype {x.dtype})")
        return x
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{name}: {e}") from None


def contiguous(a, dtype=np.float64):
    """a itself when it is already C-contiguous, aligned and of dtype;
    otherwise one converted copy."""
    return np.require(a, dtype, ["C", "A"])


def points(x, name, dtype=np.float64):
    """An (n, d) array of points; n values are n points in 1-D."""
    a = _array(x, name)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        raise ValueError(f"{name}: points are an (n, d) array or n values (got shape {a.shape})")
    return contiguous(a, dtype)


def same_dimension(x, y, xname="x", yname="y"):
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"{xname} has points of dimension {x.shape[1]}, {yname} of "
                         f"dimension {y.shape[1]}")


def vector(v, name):
    a = _array(v, name)
    if a.ndim != 1:
        raise ValueError(f"{name}: a 1-D array (got shape {a.shape})")
    return contiguous(a)


def weights(w, n, name, what):
    """None, or n weights, one for each of the n `what` ("points of x")."""
    if w is None:
        return None
    a = vector(w, name)
    if len(a) != n:
        raise ValueError(f"{name}: {len(a)} weights for {n} {what}")
    return a


def histogram(w, n, name, what):
    """POT's convention for a marginal: None or an empty list is uniform."""
    if w is None or (np.ndim(w) == 1 and len(w) == 0):
        return None
    return weights(w, n, name, what)


def matrix(M, name="M"):
    a = _array(M, name)
    if a.ndim != 2:
        raise ValueError(f"{name}: a 2-D cost matrix (got shape {a.shape})")
    return contiguous(a)


def address(a):
    """What a C function gets for an array (None is NULL)."""
    return None if a is None else a.ctypes.data
