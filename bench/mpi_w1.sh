#!/usr/bin/env bash
# 3000 iterations of WGAN-GP on 8gaussians (MLP of 128 units: the default 512 takes
# an hour on 2 shared cores), serial and on 2 MPI ranks (1
# thread each), for each seed: the exact W1 of 500 generated points against
# 500 real ones, and its floor W1(real, real) of the same n, every 1000
# iterations (--eval-every: evals.csv). The 2-rank runs draw their own streams, so
# they are other runs of the same training, not the serial one in other
# rounding: they should agree within the spread between seeds.
#   bench/mpi_w1.sh [ITERS] [SEEDS...]     (needs make and make MPI=1)
set -eu
cd "$(dirname "$0")/.."
ITERS=${1:-3000}; shift || true
SEEDS=${*:-1 2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
# The machine is shared: a rank waiting for the other yields its core rather
# than polling (Open MPI polls by default unless it counts more ranks than cores).
export OMPI_MCA_mpi_yield_when_idle=1
A=(--data 8gaussians --loss gp --dim 128 --iters "$ITERS" --threads 1 --sample-every 0 --checkpoint-every 0 --eval-every 1000)
printf "%-6s %-8s %s\n" seed run "iter:W1/floor ..."
for seed in $SEEDS; do
  build/wgan train "${A[@]}" --seed "$seed" --out "$T/s$seed" 2>/dev/null
  mpirun --oversubscribe --allow-run-as-root --bind-to none -np 2 build-mpi/wgan train "${A[@]}" --seed "$seed" \
    --out "$T/m$seed" 2>/dev/null
  for run in s m; do
    printf "%-6s %-8s %s\n" "$seed" "$([ $run = s ] && echo serial || echo 'np 2')" \
      "$(awk -F, 'NR > 1 {printf "%d:%.4f/%.4f  ", $1, $2, $3}' "$T/$run$seed/evals.csv")"
  done
done
