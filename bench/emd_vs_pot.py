#!/usr/bin/python3
"""wgan emd against POT's ot.emd2 (Debian python3-pot) on the same inputs, in the same run.

Gaussian clouds with uniform weights (N(0, I) against N(0, I) shifted by 1 in the first
coordinate), written once as CSV and read by both. Prints for each size: wgan's time (solve,
including its cost matrix, from `wgan emd --verbose`) under each vector-level cap of --caps
(ONEDNN_MAX_CPU_ISA; "-" leaves it unset), POT's time (cost matrix and solve, with numItermax
raised so that it converges, and its value at the default cap), wgan's time over POT's per cap,
and the relative difference of the converged values (the largest over the caps).

usage: bench/emd_vs_pot.py [--dims 2,784] [--sizes 1000,2000,4000] [--reps 3] [--caps -]
(run from the repository root after `make`; exits quietly if POT is not installed)
"""
import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
    import ot
except ImportError:
    print("emd_vs_pot: POT is not installed (apt-get install python3-pot); skipped")
    sys.exit(0)


def wgan_time(binary, a_path, b_path, cap):
    env = dict(os.environ)
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if cap != "-":
        env["ONEDNN_MAX_CPU_ISA"] = cap
    out = subprocess.run([binary, "emd", a_path, b_path, "--verbose"], capture_output=True,
                         text=True, check=True, env=env)
    seconds = float(re.search(r"time = ([0-9.]+) s", out.stderr).group(1))
    return float(out.stdout), seconds


@contextlib.contextmanager
def c_stderr_silenced():
    """POT's C++ solver writes "RESULT MIGHT BE INACURATE" and an explanation
    to file descriptor 2 when its default iteration cap stops it; that run is
    only for the table's last column, so its lines stay out of the output."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", default="2,784")
    ap.add_argument("--sizes", default="1000,2000,4000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--wgan", default="build/wgan")
    ap.add_argument("--caps", default="-")
    args = ap.parse_args()
    caps = args.caps.split(",")
    rng = np.random.default_rng(1)
    print(f"POT {ot.__version__}; medians of {args.reps} runs; times in seconds")
    head = "".join(f" {'wgan@' + c:>16} {'/POT':>6}" for c in caps)
    print(f"{'d':>4} {'n':>6}{head} {'pot_M':>8} {'pot_emd':>8} "
          f"{'rel_diff':>9} {'pot_default_cap_rel_err':>24}")
    with tempfile.TemporaryDirectory() as tmp:
        for d in map(int, args.dims.split(",")):
            for n in map(int, args.sizes.split(",")):
                a = rng.standard_normal((n, d))
                b = rng.standard_normal((n, d))
                b[:, 0] += 1
                a_path, b_path = os.path.join(tmp, "a.csv"), os.path.join(tmp, "b.csv")
                np.savetxt(a_path, a, delimiter=",", fmt="%.17g")
                np.savetxt(b_path, b, delimiter=",", fmt="%.17g")
                # the values as the CSV holds them, so both sides see the same numbers
                a = np.loadtxt(a_path, delimiter=",", ndmin=2)
                b = np.loadtxt(b_path, delimiter=",", ndmin=2)
                w = np.full(n, 1.0 / n)
                tw, tm, tp, values = {c: [] for c in caps}, [], [], []
                for _ in range(args.reps):
                    for c in caps:
                        value, seconds = wgan_time(args.wgan, a_path, b_path, c)
                        tw[c].append(seconds)
                        values.append(value)
                    t0 = time.perf_counter()
                    M = ot.dist(a, b, metric="euclidean")
                    tm.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    pot = ot.emd2(w, w, M, numItermax=10**9)
                    tp.append(time.perf_counter() - t0)
                with warnings.catch_warnings(), c_stderr_silenced():
                    warnings.simplefilter("ignore")
                    pot_default = ot.emd2(w, w, M)
                mm, mp = statistics.median(tm), statistics.median(tp)
                cols = ""
                for c in caps:
                    mw = statistics.median(tw[c])
                    cols += f" {mw:16.3f} {mw / (mm + mp):6.3f}"
                diff = max(abs(v - pot) for v in values) / pot
                print(f"{d:>4} {n:>6}{cols} {mm:8.3f} {mp:8.3f} "
                      f"{diff:9.1e} {abs(pot_default - pot) / pot:24.1e}", flush=True)


if __name__ == "__main__":
    main()
