#!/usr/bin/env bash
# What the wgan tool sets in its own environment before it runs itself again
# (cli/wgan.c): OpenMP's short spin before sleeping, and on a CPU whose model
# OpenBLAS does not know, OpenBLAS's kernels of the CPU's level; a user's own
# setting wins. Read from /proc/PID/environ of a running `wgan train` (execv
# keeps the PID) and from OpenBLAS's own report (OPENBLAS_VERBOSE=2 prints
# "Core: NAME" each time it loads).
set -u
W=${WGAN_BIN:-build/wgan}
T=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null; rm -rf "$T"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
echo "seed 0 (no randomness)"

# environ_of [env options] ENV... : the environment of a training run started with ENV, one variable per line
environ_of() {
  rm -rf "$T/run"
  env "$@" "$W" train --data 8gaussians --iters 100000 --dim 8 --batch 16 --threads 1 --sample-every 0 \
    --checkpoint-every 0 --out "$T/run" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do [ -s "$T/run/metrics.csv" ] && break; sleep 0.1; done
  tr '\0' '\n' < "/proc/$pid/environ"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
}

e=$(environ_of -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT)
if grep -qx OMP_WAIT_POLICY=passive <<< "$e" && grep -qx GOMP_SPINCOUNT=10000 <<< "$e"; then ok short_spin_then_sleep
else fail short_spin_then_sleep "$(grep -E 'OMP|GOMP' <<< "$e" | tr '\n' ' ')"; fi
e=$(environ_of -u GOMP_SPINCOUNT OMP_WAIT_POLICY=active)
if grep -qx OMP_WAIT_POLICY=active <<< "$e" && ! grep -q GOMP_SPINCOUNT <<< "$e"; then ok users_wait_policy_kept
else fail users_wait_policy_kept "$(grep -E 'OMP|GOMP' <<< "$e" | tr '\n' ' ')"; fi

# OpenBLAS's own choice (set nothing of ours, so that no second load hides it)
first=$(OPENBLAS_VERBOSE=2 OMP_WAIT_POLICY=passive "$W" version 2>&1 | grep -m1 '^Core:' | cut -d' ' -f2)
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
level=none
[[ "$flags" == *" avx2 "* && "$flags" == *" fma "* ]] && level=Haswell
[[ "$flags" == *" avx512f "* && "$flags" == *" avx512bw "* && "$flags" == *" avx512dq "* && "$flags" == *" avx512vl "* ]] &&
  level=SkylakeX
case "$first" in
  Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids) echo "skip openblas_told_the_cpus_level: OpenBLAS knows this CPU (Core: $first)" ;;
  *)
    if [ $level = none ]; then echo "skip openblas_told_the_cpus_level: the CPU has no AVX2 (OpenBLAS: $first)"
    else
      cores=$(OPENBLAS_VERBOSE=2 OMP_WAIT_POLICY=passive "$W" version 2>&1 | grep '^Core:' | cut -d' ' -f2 | tr '\n' ' ')
      e=$(environ_of)
      if [ "$cores" = "$first $level " ] && grep -qx "OPENBLAS_CORETYPE=$level" <<< "$e" && grep -qx WGAN_SGEMM=onednn <<< "$e"
      then ok openblas_told_the_cpus_level
      else fail openblas_told_the_cpus_level "loads: $cores; $(grep -E 'OPENBLAS|WGAN' <<< "$e" | tr '\n' ' ')"; fi
    fi ;;
esac
cores=$(OPENBLAS_CORETYPE=Prescott OPENBLAS_VERBOSE=2 "$W" version 2>&1 | grep '^Core:' | cut -d' ' -f2 | sort -u | tr '\n' ' ')
e=$(environ_of OPENBLAS_CORETYPE=Prescott)
if [ "$cores" = "Prescott " ] && ! grep -q WGAN_SGEMM <<< "$e"; then ok users_openblas_coretype_kept
else fail users_openblas_coretype_kept "loads: $cores; $(grep -E 'OPENBLAS|WGAN' <<< "$e" | tr '\n' ' ')"; fi
