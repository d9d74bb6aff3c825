"""Checkpoints of `wgan train` from Python: the configuration, the progress
and every tensor, with each network's parameters and BatchNorm statistics as
a PyTorch state_dict. The file is read and checked (structure and checksum)
by the library's own safetensors reader."""
import ctypes
import json
import os
from ctypes import POINTER, byref, c_char_p, c_int, c_int64, c_void_p

import numpy as np

from . import _lib

__all__ = ["Checkpoint", "load_checkpoint"]


class _Tensor(ctypes.Structure):
    """wg_st_tensor"""
    _fields_ = [("name", c_char_p), ("dtype", c_int), ("ndim", c_int), ("shape", c_int64 * 8),
                ("data", c_void_p)]


# wg_dtype, in its order; bfloat16 has no numpy type
_DTYPES = ["<f8", "<f4", "<f2", None, "<i8", "<i4", "<i2", "i1", "<u8", "<u4", "<u2", "u1", "?"]

_lib.lib.wg_safetensors_open.argtypes = [c_char_p, c_int]
_lib.lib.wg_safetensors_open.restype = c_void_p
_lib.lib.wg_safetensors_close.argtypes = [c_void_p]
_lib.lib.wg_safetensors_close.restype = None
_lib.lib.wg_safetensors_count.argtypes = [c_void_p]
_lib.lib.wg_safetensors_count.restype = c_int
_lib.lib.wg_safetensors_at.argtypes = [c_void_p, c_int]
_lib.lib.wg_safetensors_at.restype = POINTER(_Tensor)
_lib.lib.wg_safetensors_meta_count.argtypes = [c_void_p]
_lib.lib.wg_safetensors_meta_count.restype = c_int
_lib.lib.wg_safetensors_meta_at.argtypes = [c_void_p, c_int, POINTER(c_char_p), POINTER(c_char_p)]
_lib.lib.wg_safetensors_meta_at.restype = None
_lib.lib.wg_last_status.argtypes = []
_lib.lib.wg_last_status.restype = c_int


def _read(path):
    """{name: array}, {key: value} of a safetensors file with wgan's checksum."""
    st = _lib.lib.wg_safetensors_open(os.fsencode(path), 1)
    if not st:
        _lib.check(_lib.lib.wg_last_status())
    try:
        tensors = {}
        for i in range(_lib.lib.wg_safetensors_count(st)):
            t = _lib.lib.wg_safetensors_at(st, i).contents
            name, dtype = t.name.decode(), _DTYPES[t.dtype]
            if dtype is None:
                raise ValueError(f"{path}: tensor '{name}' is bfloat16, which numpy cannot hold")
            shape = tuple(t.shape[:t.ndim])
            count = int(np.prod(shape, dtype=np.int64))
            raw = ctypes.string_at(t.data, count * np.dtype(dtype).itemsize) if count else b""
            tensors[name] = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        meta = {}
        for i in range(_lib.lib.wg_safetensors_meta_count(st)):
            k, v = c_char_p(), c_char_p()
            _lib.lib.wg_safetensors_meta_at(st, i, byref(k), byref(v))
            meta[k.value.decode()] = v.value.decode()
        return tensors, meta
    finally:
        _lib.lib.wg_safetensors_close(st)


class Checkpoint:
    """A checkpoint as read: `config` (the run's settings, as the JSON of the
    file's metadata), `iteration` (generator iterations done), `sample_shape`
    (one sample's shape: (d,) for points, (C, H, W) for images) and `tensors`
    (every tensor by its name in the file)."""

    def __init__(self, path):
        if os.path.isdir(path):
            path = os.path.join(path, "checkpoint.safetensors")
        self.path = path
        self.tensors, meta = _read(path)
        fmt = meta.get("format", "")
        if not fmt.startswith("wgan-checkpoint-"):
            raise ValueError(f"{path}: not a wgan checkpoint (format '{fmt}')")
        if fmt == "wgan-checkpoint-1":
            raise ValueError(f"{path}: written in the first format, one flat tensor per network; "
                             "`wgan train --resume` on it writes the current one, with named tensors")
        self.config = json.loads(meta["config"])
        self.sample_shape = tuple(int(d) for d in meta["sample_shape"].split(",") if int(d))
        self.iteration = int(self.tensors["progress"][0])

    def state_dict(self, net="gen"):
        """The named tensors of network `net` ("gen" or "critic") with that
        prefix removed: "main.0.weight", ... as the state_dict of a PyTorch
        nn.Sequential attribute `main` holding the same layers in the same
        order (activations, reshapes and crops counted as layers)."""
        if net not in ("gen", "critic"):
            raise ValueError(f"net must be 'gen' or 'critic', not {net!r}")
        prefix = net + ".main."
        return {k[len(net) + 1:]: v for k, v in self.tensors.items() if k.startswith(prefix)}


def load_checkpoint(path):
    """The Checkpoint in `path`: a checkpoint file or a run directory."""
    return Checkpoint(path)
