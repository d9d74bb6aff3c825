#!/usr/bin/env bash
# Time per generator iteration of wgan train on 1 process and over MPI on
# 1 and 2 ranks (1 thread each; 2 ranks also with mpi_yield_when_idle), with rank 0's time in the collective
# operations (the gradients' allreduce, the agreements, the stream's
# broadcast): docs/distributed.md quotes its output.
#   bench/mpi_train.sh [REPEATS] [ITERS]      (needs make and make MPI=1)
# Each configuration runs REPEATS times (default 3), ITERS iterations (default 20; a quarter of them for the images) interleaved; the median
# is printed. The machine may be shared: compare figures of one run only.
set -eu
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
ITERS=${2:-20}
SERIAL=build/wgan MPI_BIN=build-mpi/wgan
[ -x $SERIAL ] && [ -x $MPI_BIN ] || { echo "build both first: make && make MPI=1" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
echo "wgan train, $ITERS iterations, median of $REPEATS; ms per generator iteration (n_critic 5 critic steps + 1)"

# run NAME MODE ARGS...: one run; prints "seconds collective-seconds". MODE 0: the plain build;
# 1, 2: mpirun -np 1, 2; 2y: -np 2 with the ranks yielding their core while they wait
# (mpi_yield_when_idle; Open MPI polls unless it counts more ranks than cores).
run() {
  local mode=$2; shift 2
  rm -rf "$T/run"
  if [ "$mode" = 0 ]; then $SERIAL train "$@" --out "$T/run" 2>"$T/err"
  else mpirun --oversubscribe --allow-run-as-root --bind-to none --mca mpi_yield_when_idle "$([ "$mode" = 2y ] && echo 1 || echo 0)" \
         -np "${mode%y}" $MPI_BIN train "$@" --out "$T/run" 2>"$T/err"; fi
  local secs comm
  secs=$(tail -n 1 "$T/run/metrics.csv" | cut -d, -f7)
  comm=$(sed -n "s/.*rank 0 spent \([0-9.]*\) s.*/\1/p" "$T/err"); comm=${comm:-0}
  echo "$secs $comm"
}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

bench_one() { # LABEL ARGS...
  local label=$1; shift
  local params; params=$($SERIAL train "$@" --iters 1 --out "$T/probe" 2>&1 | sed -n 's/.*(\([0-9]*\) + \([0-9]*\) parameters).*/\1 \2/p')
  rm -rf "$T/probe"
  set -- "$@" --iters "$ITERS" --sample-every 0 --checkpoint-every 0 --threads 1
  echo
  echo "$label: generator + critic parameters $params (allreduce of $(echo $params | awk '{printf "%.0f kB + %.0f kB", $1 * 4 / 1e3, $2 * 4 / 1e3}') per step)"
  declare -A t c
  for rep in $(seq "$REPEATS"); do
    for np in 0 1 2 2y; do
      read -r secs comm < <(run "$label" $np "$@")
      t[$np]+="$secs "; c[$np]+="$comm "
    done
  done
  for np in 0 1 2 2y; do
    local ms share
    ms=$(echo ${t[$np]} | tr ' ' '\n' | median | awk -v n="$ITERS" '{printf "%.2f", 1000 * $1 / n}')
    share=$(paste -d' ' <(echo ${c[$np]} | tr ' ' '\n') <(echo ${t[$np]} | tr ' ' '\n') | awk '{print $1 / $2}' | median |
            awk '{printf "%.1f", 100 * $1}')
    case $np in 0) name="serial (plain build)";; 1) name="mpirun -np 1";; 2) name="mpirun -np 2";; 2y) name="mpirun -np 2, yield";; esac
    printf "  %-22s %8s ms/iter   collectives %5s %% of rank 0's time\n" "$name" "$ms" "$share"
  done
}

bench_one "8gaussians gp, mlp 512, batch 256" --data 8gaussians --loss gp
ITERS=$((ITERS / 4)) bench_one "fashion-mnist gp, dcgan28 DIM 64, batch 50" --data fashion-mnist --loss gp --batch 50
