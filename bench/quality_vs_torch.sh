#!/bin/bash
# The quality of `wgan train` beside PyTorch at the same budget: the same
# configuration trained by both (bench/torch_quality.py: the reference models at
# PyTorch's default initialisation), on the same data, with the exact W1 of N
# generated samples against N held-out real ones (`wgan eval`, this project's
# solver) every EVERY generator iterations, for several seeds. Prints one table
# (median over the seeds, with their range, and the floor: W1 between two real
# samples of the same N) and draws one plot per configuration (W1 against
# iteration, both medians, the floor as a line) into OUT/CONFIG.png
# (bench/quality_table.py, which also merges the rows of several runs).
#
# Configurations (CONFIGS, default all):
#   8gaussians 25gaussians swissroll  gan_toy.py's data, the toy MLPs, gp (lambda 0.1)
#   checkerboard helix                CSV point clouds (2-D and 3-D, written here), the same
#   clip-8gaussians gan-8gaussians    the clip and gan losses on 8gaussians
#   fashion                           gan_mnist.py's DCGAN, DIM 64, gp (lambda 10), Fashion-MNIST
# Usage: bench/quality_vs_torch.sh OUT
# Environment: SEEDS ("1 2 3"), ITERS (3000; FASHION_ITERS 400), EVERY (500; 100 for
#   fashion), N (2000 points; 1000 images), THREADS (2), WGAN_BIN (build/wgan),
#   PYTHON (/usr/bin/python3), SIDES ("wgan torch": which to train), WGAN_ARGS
#   (more `wgan train` options, e.g. "--init wgangp" to measure a setting; with
#   "--lr-decay linear" the wgan side is scored at ITERS only),
#   LABEL (the wgan side's name in the table, "wgan"). It
#   takes hours: each toy run is 3,000 generator iterations of 6 steps, for
#   each side and seed.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${1:?usage: bench/quality_vs_torch.sh OUT}
SEEDS=${SEEDS:-1 2 3}
ITERS=${ITERS:-3000}
FASHION_ITERS=${FASHION_ITERS:-400}
EVERY=${EVERY:-500}
N=${N:-2000}
THREADS=${THREADS:-2}
WGAN_BIN=$(realpath "${WGAN_BIN:-build/wgan}")
PYTHON=${PYTHON:-/usr/bin/python3}
CONFIGS=${CONFIGS:-8gaussians 25gaussians swissroll checkerboard helix clip-8gaussians gan-8gaussians fashion}
SIDES=${SIDES:-wgan torch}
WGAN_ARGS=${WGAN_ARGS:-}
LABEL=${LABEL:-wgan}

die() { echo "quality_vs_torch: $*" >&2; exit 1; }
side() { [[ " $SIDES " == *" $1 "* ]]; }
[ -x "$WGAN_BIN" ] || die "$WGAN_BIN is missing (make)"
! side torch || "$PYTHON" -c 'import torch' 2>/dev/null ||
  die "$PYTHON cannot import torch (apt-get install python3-torch)"
command -v gnuplot >/dev/null || die "gnuplot is missing (apt-get install gnuplot-nox)"
mkdir -p "$OUT" || exit 1
ROWS="$OUT/rows.tsv"  # config impl seed iter w1 floor
: > "$ROWS"

# The CSV clouds: a checkerboard of 8 unit cells in [-2, 2]^2 and a helix in 3-D.
"$PYTHON" - "$OUT" <<'PY'
import sys, numpy as np
r = np.random.default_rng(12345)
n = 100000
board = r.uniform(-2, 2, (2 * n, 2))
board = board[(np.floor(board[:, 0]) + np.floor(board[:, 1])) % 2 == 0]
np.savetxt(f"{sys.argv[1]}/checkerboard.csv", board, delimiter=",", fmt="%.6f")
t = r.uniform(0, 4 * np.pi, n)
helix = np.column_stack([np.cos(t), np.sin(t), t / (2 * np.pi) - 1]) + 0.05 * r.standard_normal((n, 3))
np.savetxt(f"{sys.argv[1]}/helix.csv", helix, delimiter=",", fmt="%.6f")
PY

# config -> "DATA LOSS ITERS EVERY N" for both sides
settings() {
  case $1 in
    8gaussians|25gaussians|swissroll) echo "$1 gp $ITERS $EVERY $N" ;;
    checkerboard|helix) echo "$OUT/$1.csv gp $ITERS $EVERY $N" ;;
    clip-8gaussians) echo "8gaussians clip $ITERS $EVERY $N" ;;
    gan-8gaussians) echo "8gaussians gan $ITERS $EVERY $N" ;;
    fashion) echo "fashion-mnist gp $FASHION_ITERS ${FASHION_EVERY:-100} ${FASHION_N:-1000}" ;;
    *) die "unknown configuration $1" ;;
  esac
}

# score CONFIG IMPL SEED ITER SAMPLES-or-RUN DATA N: one row
score() {
  local json w1 floor
  if [ -d "$5" ]; then json=$("$WGAN_BIN" eval "$5" -n "$7" --threads "$THREADS" --json)
  else json=$("$WGAN_BIN" eval --samples "$5" --data "$6" -n "$7" --threads "$THREADS" --json); fi || return 1
  w1=$(echo "$json" | sed 's/.*"w1":\([^,}]*\).*/\1/')
  floor=$(echo "$json" | sed 's/.*"w1_floor":\([^,}]*\).*/\1/')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$w1" "$floor" >> "$ROWS"
}

for config in $CONFIGS; do
  read -r data loss iters every n <<< "$(settings "$config")"
  for seed in $SEEDS; do
    run="$OUT/$config-wgan-$seed"
    if side wgan; then
      rm -rf "$run"
      # --lr-decay follows the run's --iters, which each segment would move:
      # such a run goes in one segment, scored at its end only
      step=$every
      [[ " $WGAN_ARGS " =~ " --lr-decay"[=\ ]"linear " ]] && step=$iters
      for ((it = step; it <= iters; it += step)); do
        if [ "$it" -eq "$step" ]; then
          # shellcheck disable=SC2086 # WGAN_ARGS is a list of options
          "$WGAN_BIN" train --data "$data" --loss "$loss" --iters "$it" --seed "$seed" --threads "$THREADS" \
            --sample-every 0 --checkpoint-every 0 $WGAN_ARGS --out "$run" > "$run.log" 2>&1
        else
          "$WGAN_BIN" train --resume "$run" --iters "$it" >> "$run.log" 2>&1
        fi || die "wgan train failed: $(tail -n 2 "$run.log")"
        score "$config" "$LABEL" "$seed" "$it" "$run" "$data" "$n" || die "wgan eval of $run failed"
      done
    fi
    side torch || continue
    dir="$OUT/$config-torch-$seed"
    OMP_WAIT_POLICY=PASSIVE "$PYTHON" bench/torch_quality.py --data "$data" --loss "$loss" --iters "$iters" \
      --every "$every" --n "$n" --seed "$seed" --threads "$THREADS" --out "$dir" > "$dir.log" 2>&1 ||
      die "torch_quality.py failed: $(tail -n 2 "$dir.log")"
    for ((it = every; it <= iters; it += every)); do
      score "$config" PyTorch "$seed" "$it" "$(printf '%s/samples_%06d.csv' "$dir" "$it")" "$data" "$n" ||
        die "wgan eval of $dir failed"
    done
  done
done

# The table and the plots: medians over seeds with their range.
"$PYTHON" bench/quality_table.py "$OUT" "$ROWS"
