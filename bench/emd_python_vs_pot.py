#!/usr/bin/python3
"""The exact EMD from Python: this project's module (python/wgan) against POT's ot.emd2
(Debian python3-pot) on the same arrays, in the same run, and the module's overhead over
the C call it wraps.

Gaussian clouds with uniform weights (N(0, I) against N(0, I) shifted by 1 in the first
coordinate). For each size: wgan.emd(x, y) (its cost matrix included, as POT's ot.dist
+ ot.emd2 are), wgan.emd2(a, b, M) on POT's cost matrix M (the solve alone), POT's times
(with numItermax raised so that it converges), the ratio of POT's total to wgan.emd's,
and the relative difference of the values. Then the overhead: wgan.emd(x, y) against the
same C function (wg_transport) called through ctypes with its arguments made beforehand,
interleaved in alternating order, medians; at n = 1000, and at n = 10 on one OpenMP
thread, where the fixed cost per call shows.

usage: bench/emd_python_vs_pot.py [--dims 2,784] [--sizes 1000,2000,4000] [--reps 3]
(run from the repository root after `make`: it loads build/libwgan.so, or $WGAN_LIB)
"""
import argparse
import ctypes
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import wgan  # noqa: E402
from wgan import _lib  # noqa: E402

_lib.lib.wg_get_threads.restype = ctypes.c_int
_lib.lib.wg_set_threads.argtypes = [ctypes.c_int]
_lib.lib.wg_set_threads.restype = None

try:
    import ot
except ImportError:
    ot = None


def cpu():
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        info = f.read()
    model = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                 if line.startswith("model name"))
    return f"{model}, {os.cpu_count()} CPUs, avx512f {'yes' if ' avx512f' in info else 'no'}"


def clock(fn):
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def clouds(rng, n, d):
    x, y = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    y[:, 0] += 1
    return x, y


def raw_call(x, y):
    """wg_transport through ctypes with every argument made in advance: what the
    module's wrapper adds to is this call and nothing else."""
    o, res, how = _lib.lib.wg_emd_defaults(), _lib.Result(), ctypes.c_char_p()
    args = (x.ctypes.data, len(x), y.ctypes.data, len(y), x.shape[1], None, None,
            ctypes.byref(o), _lib.EXACT, ctypes.byref(res), ctypes.byref(how))

    def call():
        status = _lib.wg_transport(*args)
        value = res.distance
        _lib.lib.wg_emd_result_free(ctypes.byref(res))
        assert status == _lib.OK
        return value
    return call


def overhead(rng, n, d, reps):
    x, y = clouds(rng, n, d)
    calls = {"raw": raw_call(x, y), "wrapped": lambda: wgan.emd(x, y)}
    times, values = {"raw": [], "wrapped": []}, set()
    for k in range(reps):
        # alternating which goes first cancels what the order does (caches, OpenMP's threads)
        for name in ("raw", "wrapped") if k % 2 else ("wrapped", "raw"):
            t, v = clock(calls[name])
            times[name].append(t)
            values.add(v)
    assert len(values) == 1
    return statistics.median(times["raw"]), statistics.median(times["wrapped"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", default="2,784")
    ap.add_argument("--sizes", default="1000,2000,4000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--overhead-reps", type=int, default=41)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    print(f"CPU: {cpu()}; libwgan: {_lib.path}; OpenMP threads: "
          f"{_lib.lib.wg_get_threads()}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')}")
    print(f"POT {ot.__version__ if ot else 'not installed (apt-get install python3-pot)'}; "
          f"medians of {args.reps} runs; times in seconds")
    print(f"{'d':>4} {'n':>6} {'wgan.emd':>9} {'wgan.emd2':>9} {'pot_M':>8} {'pot_emd2':>8} "
          f"{'pot/wgan':>8} {'rel_diff':>9}")
    for d in map(int, args.dims.split(",")):
        for n in map(int, args.sizes.split(",")):
            x, y = clouds(rng, n, d)
            w = np.full(n, 1.0 / n)
            times = {k: [] for k in ("emd", "emd2", "M", "pot")}
            for _ in range(args.reps):
                t, value = clock(lambda: wgan.emd(x, y))
                times["emd"].append(t)
                if not ot:
                    continue
                t, M = clock(lambda: ot.dist(x, y, metric="euclidean"))
                times["M"].append(t)
                t, pot = clock(lambda: ot.emd2(w, w, M, numItermax=10**9))
                times["pot"].append(t)
                t, _ = clock(lambda: wgan.emd2(w, w, M))
                times["emd2"].append(t)
            med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
            rel = abs(value - pot) / pot if ot else float("nan")
            print(f"{d:>4} {n:>6} {med['emd']:9.3f} {med['emd2']:9.3f} {med['M']:8.3f} "
                  f"{med['pot']:8.3f} {(med['M'] + med['pot']) / med['emd']:8.2f} {rel:9.1e}",
                  flush=True)
    print(f"overhead of wgan.emd over the ctypes call of wg_transport, medians of "
          f"{args.overhead_reps}, interleaved in alternating order:")
    for d in map(int, args.dims.split(",")):
        raw, wrapped = overhead(rng, 1000, d, args.overhead_reps)
        print(f"  n = 1000, d = {d}: C call {raw:.4f} s, wgan.emd {wrapped:.4f} s, "
              f"{100 * (wrapped - raw) / raw:+.2f} %", flush=True)
    # one OpenMP thread: waking a team of sleeping threads costs more than all of this
    _lib.lib.wg_set_threads(1)
    for d in map(int, args.dims.split(",")):
        raw, wrapped = overhead(rng, 10, d, 2001)
        print(f"  n = 10, d = {d}, 1 thread (the fixed cost per call): C call {raw * 1e6:.1f} us, "
              f"wgan.emd {wrapped * 1e6:.1f} us, {(wrapped - raw) * 1e6:+.1f} us", flush=True)


if __name__ == "__main__":
    main()
