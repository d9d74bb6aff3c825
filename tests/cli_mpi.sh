#!/usr/bin/env bash
# wgan train over MPI (docs/distributed.md), on one machine: mpirun -np 1 is
# the serial run bit for bit; on 2 ranks the ranks' parameters and optimizer
# moments are identical bit for bit, and with --same-draws (each rank its
# slice of the serial run's draws) they equal the serial run's within float
# rounding; resume on the same rank count continues the run exactly, another
# count is refused; a global batch that does not split is refused.
# Needs the MPI build (make test makes build-mpi/wgan when mpicc is there).
set -u
MPI_BIN=${WGAN_MPI_BIN:-build-mpi/wgan}
SERIAL_BIN=${WGAN_BIN:-build/wgan}
PY=/usr/bin/python3
case "$SERIAL_BIN" in *build-asan*) echo "skip mpi: the MPI build is not sanitized (the plain run covers it)"; exit 0;; esac
if ! command -v mpirun >/dev/null; then echo "skip mpi: mpirun not installed (make deps MPI=1)"; exit 0; fi
if [ ! -x "$MPI_BIN" ]; then echo "skip mpi: no MPI build at $MPI_BIN (make MPI=1)"; exit 0; fi
if ! $PY -c 'import numpy' 2>/dev/null; then echo "skip mpi: the comparisons need $PY with numpy"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
# One machine of 2 cores: --oversubscribe; CI runs as root.
mpi() { local np=$1; shift; mpirun --oversubscribe --allow-run-as-root -np "$np" "$MPI_BIN" "$@"; }

# compare A B [TOL]: the parameters and optimizer moments of two checkpoints,
# identical bit for bit, or within |a - b| <= TOL when TOL is given.
cat > "$T/compare.py" <<'EOF'
import json, struct, sys
import numpy as np
def tensors(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    head = json.loads(b[8:8 + n])
    return {k: b[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]] for k, v in head.items() if k != '__metadata__'}
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
tol = float(sys.argv[3]) if len(sys.argv) > 3 else None
names = [k for k in a if k.split('.')[0] in ('gen', 'critic', 'opt_gen', 'opt_critic')]
for k in names:
    if tol is None and a[k] != b[k]: sys.exit('%s differs' % k)
    if tol is not None:
        d = np.abs(np.frombuffer(a[k], np.float32).astype(float) - np.frombuffer(b[k], np.float32))
        if d.size and d.max() > tol: sys.exit('%s differs by %.3g > %g' % (k, d.max(), tol))
EOF
compare() { $PY "$T/compare.py" "$@" 2>&1; }

# A tiny IDX image file: 64 28x28 images of random bytes (a fixed seed: the comparisons
# below are deterministic).
$PY -c 'import sys, numpy as np
sys.stdout.buffer.write(bytes([0, 0, 8, 3, 0, 0, 0, 64, 0, 0, 0, 28, 0, 0, 0, 28]))
sys.stdout.buffer.write(np.random.default_rng(5).integers(0, 256, 64 * 784, dtype=np.uint8).tobytes())' \
  > "$T/tiny-idx3-ubyte"
TOY=(--data 8gaussians --loss gp --iters 20 --batch 32 --dim 32 --seed 3 --threads 1 --sample-every 0)
IDX=(--data "$T/tiny-idx3-ubyte" --loss gp --iters 20 --batch 8 --dim 4 --n-critic 2 --seed 5 --threads 1 --sample-every 0)

# mpirun -np 1 is the serial run: the same metrics (but the timings) and the same state, bit for bit
"$SERIAL_BIN" train "${TOY[@]}" --out "$T/serial" --rank-states "$T/serial-rs" 2>/dev/null
mpi 1 train "${TOY[@]}" --out "$T/np1" --rank-states "$T/np1-rs" 2>/dev/null
if why=$(compare "$T/serial-rs/rank-0.safetensors" "$T/np1-rs/rank-0.safetensors") &&
   cmp -s <(cut -d, -f1-6 "$T/serial/metrics.csv") <(cut -d, -f1-6 "$T/np1/metrics.csv"); then ok np1_is_serial_bit_for_bit
else fail np1_is_serial_bit_for_bit "${why:-metrics.csv differs}"; fi

# 2 ranks, each its own stream: identical on both ranks; rank 0 alone wrote the run, its
# checkpoint records the 2 ranks
mpi 2 train "${TOY[@]}" --out "$T/np2" --rank-states "$T/np2-rs" 2>"$T/err"
if why=$(compare "$T/np2-rs/rank-0.safetensors" "$T/np2-rs/rank-1.safetensors") &&
   [ "$(wc -l < "$T/np2/metrics.csv")" -eq 21 ] && grep -aq '"ranks":"2"' "$T/np2/checkpoint.safetensors"; then
  ok np2_ranks_identical_8gaussians
else fail np2_ranks_identical_8gaussians "${why:-no metrics or rank count} $(tail -n 1 "$T/err")"; fi

# With --same-draws the 2 ranks draw the serial run's batches: equal to it within float rounding.
# The batch means are summed in another order (two halves, then their mean), a few ulps of each
# gradient; Adam's step lr m/sqrt(v) is scale-free, so where a gradient component is near zero
# those ulps can change its step by up to lr = 1e-4. Measured: 3e-8 to 4e-7 typically, 2e-5 at
# worst over random IDX files; the tolerance is 2e-4, two Adam steps. The ranks' own streams give
# parameters 1e-3 apart and moments 0.1 to 1 apart: the test also checks those are not within it.
TOL=2e-4
mpi 2 train "${TOY[@]}" --same-draws --out "$T/np2s" --rank-states "$T/np2s-rs" 2>/dev/null
if why=$(compare "$T/np2s-rs/rank-0.safetensors" "$T/np2s-rs/rank-1.safetensors") &&
   why=$(compare "$T/serial-rs/rank-0.safetensors" "$T/np2s-rs/rank-0.safetensors" $TOL) &&
   ! compare "$T/serial-rs/rank-0.safetensors" "$T/np2-rs/rank-0.safetensors" $TOL >/dev/null; then
  ok np2_same_draws_is_serial_within_rounding_8gaussians
else fail np2_same_draws_is_serial_within_rounding_8gaussians "${why:-the own streams of the ranks gave the serial run too}"; fi

# the same on images (dcgan28): the ranks take disjoint slices of the serial run's batches
"$SERIAL_BIN" train "${IDX[@]}" --out "$T/iserial" --rank-states "$T/iserial-rs" 2>/dev/null
mpi 2 train "${IDX[@]}" --out "$T/inp2" --rank-states "$T/inp2-rs" 2>/dev/null
mpi 2 train "${IDX[@]}" --same-draws --out "$T/inp2s" --rank-states "$T/inp2s-rs" 2>/dev/null
if why=$(compare "$T/inp2-rs/rank-0.safetensors" "$T/inp2-rs/rank-1.safetensors") &&
   why=$(compare "$T/inp2s-rs/rank-0.safetensors" "$T/inp2s-rs/rank-1.safetensors") &&
   why=$(compare "$T/iserial-rs/rank-0.safetensors" "$T/inp2s-rs/rank-0.safetensors" $TOL) &&
   ! compare "$T/iserial-rs/rank-0.safetensors" "$T/inp2-rs/rank-0.safetensors" $TOL >/dev/null; then
  ok np2_idx_ranks_identical_and_serial_within_rounding
else fail np2_idx_ranks_identical_and_serial_within_rounding "$why"; fi

# BatchNorm (clip): per-rank batch statistics, the running statistics averaged over the ranks
# after each step, so they too are identical on both ranks
mpi 2 train "${IDX[@]}" --loss clip --batchnorm --no-warmup-critic --out "$T/ibn" --rank-states "$T/ibn-rs" 2>"$T/err"
if why=$(compare "$T/ibn-rs/rank-0.safetensors" "$T/ibn-rs/rank-1.safetensors"); then ok np2_batchnorm_ranks_identical
else fail np2_batchnorm_ranks_identical "${why:-$(tail -n 1 "$T/err")}"; fi

# 10 iterations, then a resume on 2 ranks to 20: the 20 of one go, bit for bit
mpi 2 train "${TOY[@]}" --iters 10 --out "$T/split" 2>/dev/null
mpi 2 train --resume "$T/split" --iters 20 --rank-states "$T/split-rs" 2>/dev/null
if why=$(compare "$T/np2-rs/rank-0.safetensors" "$T/split-rs/rank-0.safetensors") &&
   why=$(compare "$T/np2-rs/rank-1.safetensors" "$T/split-rs/rank-1.safetensors") &&
   cmp -s <(cut -d, -f1-6 "$T/np2/metrics.csv") <(cut -d, -f1-6 "$T/split/metrics.csv"); then ok np2_resume_identity
else fail np2_resume_identity "${why:-metrics.csv differs}"; fi

# refused, exit 2, one line of wgan's (mpirun adds its own note of a rank's exit code): another
# rank count on resume; a batch that does not split (nothing written: no run directory)
expect_refusal() { # name pattern command...
  local name=$1 pattern=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ "$(grep -c '^wgan' "$T/err")" -eq 1 ] && head -n 1 "$T/err" | grep -q "$pattern" &&
     [ ! -s "$T/out" ]; then ok "$name"
  else fail "$name" "exit $rc: $(head -c 300 "$T/err")"; fi
}
expect_refusal resume_other_rank_count_refused "trained on 2 ranks" "$SERIAL_BIN" train --resume "$T/split" --iters 30
expect_refusal resume_other_rank_count_refused_mpi "trained on 1 rank;" mpi 2 train --resume "$T/serial" --iters 30
expect_refusal batch_not_divisible_refused "does not split evenly over 2 ranks" mpi 2 train "${TOY[@]}" --batch 33 --out "$T/odd"
if [ ! -e "$T/odd" ]; then ok batch_not_divisible_writes_nothing; else fail batch_not_divisible_writes_nothing "$T/odd made"; fi

# A failure on one rank stops every rank at the same iteration (no rank waits for ever): rank 0
# alone writes the samples, and the 4th iteration's cannot be written (a directory is in the way)
mkdir -p "$T/blocked/samples_000004.csv"
timeout 120 mpirun --oversubscribe --allow-run-as-root -np 2 "$MPI_BIN" train "${TOY[@]}" --sample-every 1 \
  --out "$T/blocked" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "samples_000004.csv: cannot write" "$T/err" && [ "$(wc -l < "$T/blocked/metrics.csv")" -eq 5 ]; then
  ok one_rank_failure_stops_all
else fail one_rank_failure_stops_all "exit $rc (124: a rank hung): $(head -c 300 "$T/err")"; fi

# SIGTERM reaching the two ranks at different moments (as a batch system's does): both stop at
# the same iteration, rank 0 writes the checkpoint and says so (exit 143), and the run resumes
mpirun --oversubscribe --allow-run-as-root -np 2 "$MPI_BIN" train --data 8gaussians --dim 16 --batch 16 \
  --iters 1000000 --threads 1 --sample-every 0 --checkpoint-every 0 --out "$T/sig" >/dev/null 2>"$T/err" &
job=$!
(sleep 120; kill -KILL $job 2>/dev/null) & watchdog=$!
rows() { if [ -f "$T/sig/metrics.csv" ]; then wc -l < "$T/sig/metrics.csv"; else echo 0; fi; }
for _ in $(seq 300); do [ "$(rows)" -gt 5 ] && break; sleep 0.2; done
for pid in $(pgrep -P $job); do kill -TERM "$pid"; sleep 0.3; done
wait $job
rc=$?
kill $watchdog 2>/dev/null
if [ $rc -eq 143 ] && grep -q "interrupted at iteration" "$T/err" &&
   mpi 2 train --resume "$T/sig" --iters "$(( $(tail -n 1 "$T/sig/metrics.csv" | cut -d, -f1) + 3 ))" 2>/dev/null; then
  ok sigterm_stops_both_ranks_and_resumes
else fail sigterm_stops_both_ranks_and_resumes "exit $rc (137: a rank hung): $(grep -v '^iter' "$T/err" | head -c 300)"; fi

# wgan eval --bootstrap R over 2 ranks: each rank solves its block of the repetitions, rank 0 the
# rest; the output is the serial one bit for bit (each repetition's draws follow from (seed, r)),
# also when a rank has none (R = 1)
for reps in 5 1; do
  "$SERIAL_BIN" eval "$T/serial" --bootstrap $reps -n 200 --json > "$T/eval-serial" 2>"$T/err"
  mpi 2 eval "$T/serial" --bootstrap $reps -n 200 --json > "$T/eval-np2" 2>>"$T/err"
  if grep -q "\"bootstrap\":$reps," "$T/eval-serial" && cmp -s "$T/eval-serial" "$T/eval-np2"; then
    ok "eval_bootstrap_${reps}_np2_is_serial"
  else fail "eval_bootstrap_${reps}_np2_is_serial" "$(diff "$T/eval-serial" "$T/eval-np2" | head -c 300) $(tail -n 2 "$T/err")"; fi
done
