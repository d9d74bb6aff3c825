#!/bin/bash
# Seconds per generator iteration and peak RSS of `wgan train` next to PyTorch
# (bench/torch_wgan.py: the same networks and step structure), in three configurations:
#   mnist-clip  dcgan28 nets (DIM 64) WITHOUT BatchNorm, as the GP nets (gan_mnist.py's
#               clipping mode adds BatchNorm; without it both rows time the same
#               networks); RMSprop 5e-5, clip 0.01, batch 50, n_critic 5,
#               --no-warmup-critic so that every iteration is 5 critic steps + 1 generator step
#   mnist-gp    the same nets, gradient penalty lambda 10, Adam 1e-4 (0.5, 0.9)
#   toy-gp      toy MLPs (3 x 512), 8gaussians, batch 256, penalty, Adam
# PyTorch runs in three environments, each config: its default, OPENBLAS_NUM_THREADS=1
# (OpenBLAS's threads otherwise fight PyTorch's OpenMP threads) and OMP_WAIT_POLICY=passive;
# the best of the three is the ratio's reference (which wins depends on the CPU).
# ONEDNN_MAX_CPU_ISA and OPENBLAS_CORETYPE, when set, reach both sides: with
# ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell an AVX-512 machine stands in for an
# AVX2 one (wgan's own loops, oneDNN and OpenBLAS each limited to AVX2).
# wgan reads Fashion-MNIST; torch_wgan.py reads it too when the Debian package is
# there, else random images in [0, 1] (the time per step does not depend on the pixels).
# Timing: the median over ITERS generator iterations after WARMUP; wgan's from the
# differences of the cumulative `seconds` column of its metrics.csv; peak RSS from
# /usr/bin/time -v. Threads: THREADS (default 2) for both.
# Run it on a quiet machine: with more runnable threads than cores, the spinning
# OpenMP/OpenBLAS threads of both sides slow them 2-10x (the load average is printed).
#
# Usage: bench/train_vs_torch.sh [ITERS [WARMUP]]     (defaults 25 and 3)
# Environment: WGAN_BIN (build/wgan), PYTHON (/usr/bin/python3), THREADS (2),
#              CONFIGS ("mnist-clip mnist-gp toy-gp").
set -u
cd "$(dirname "$0")/.." || exit 1
ITERS=${1:-25}
WARMUP=${2:-3}
THREADS=${THREADS:-2}
WGAN_BIN=${WGAN_BIN:-build/wgan}
PYTHON=${PYTHON:-/usr/bin/python3}
CONFIGS=${CONFIGS:-mnist-clip mnist-gp toy-gp}
TOTAL=$((ITERS + WARMUP))

die() { echo "train_vs_torch: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
[ -x "$WGAN_BIN" ] || die "$WGAN_BIN is missing (make)"
"$PYTHON" -c 'import torch' 2>/dev/null || die "$PYTHON cannot import torch (apt-get install python3-torch)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# median of the numbers on stdin (mean of the middle two for an even count)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# peak RSS in MB from a /usr/bin/time -v log
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# Per-iteration seconds from metrics.csv (after WARMUP iterations): the cumulative
# `seconds` column differenced between rows, divided by the iterations between them.
wgan_iter_seconds() {
  awk -F, -v warm="$WARMUP" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { it = $(col["iter"]); s = $(col["seconds"])
      if (have && it > warm) printf "%.6f\n", (s - prev_s) / (it - prev_it)
      prev_s = s; prev_it = it; have = 1 }' "$1"
}

wgan_args() {
  case $1 in
    mnist-clip) echo "--data fashion-mnist --loss clip --model dcgan28 --dim 64 --batch 50 --no-warmup-critic" ;;
    mnist-gp) echo "--data fashion-mnist --loss gp --model dcgan28 --dim 64 --batch 50" ;;
    toy-gp) echo "--data 8gaussians --loss gp --model mlp --dim 512 --batch 256" ;;
  esac
}

# run_torch CONFIG ENV...: prints "seconds rss"
run_torch() {
  local cfg=$1 tag=$2
  shift 2
  env -u OPENBLAS_NUM_THREADS -u OMP_WAIT_POLICY "$@" /usr/bin/time -v -o "$TMP/time_$tag" \
    "$PYTHON" bench/torch_wgan.py "$cfg" --iters "$ITERS" --warmup "$WARMUP" --threads "$THREADS" \
    > "$TMP/out_$tag" 2> "$TMP/err_$tag" || { cat "$TMP/err_$tag" >&2; die "torch_wgan.py $cfg failed"; }
  grep -q "parameters generator 1554177 critic 1030145" "$TMP/out_$tag" || [ "$cfg" = toy-gp ] ||
    die "torch_wgan.py: parameter counts differ from wgan's dcgan28 ($(grep parameters "$TMP/out_$tag"))"
  echo "$(awk '/^median_s_per_gen_iter/ { print $2 }' "$TMP/out_$tag") $(peak_mb "$TMP/time_$tag")"
}

echo "train_vs_torch: $ITERS timed generator iterations after $WARMUP, $THREADS threads; $(nproc) cores"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(grep -qw avx512f /proc/cpuinfo && echo with || echo without) AVX-512;" \
  "ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-unset} OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ROWS=()
for cfg in $CONFIGS; do
  out="$TMP/wgan_$cfg"
  # shellcheck disable=SC2046  # the arguments are split on purpose
  /usr/bin/time -v -o "$TMP/time_wgan_$cfg" "$WGAN_BIN" train $(wgan_args "$cfg") \
    --iters "$TOTAL" --threads "$THREADS" --sample-every 0 --checkpoint-every 0 --out "$out" \
    > "$TMP/log_wgan_$cfg" 2>&1 || { tail -5 "$TMP/log_wgan_$cfg" >&2; die "wgan train ($cfg) failed"; }
  [ -f "$out/metrics.csv" ] || die "wgan train ($cfg) wrote no metrics.csv"
  w_s=$(wgan_iter_seconds "$out/metrics.csv" | median)
  w_rss=$(peak_mb "$TMP/time_wgan_$cfg")
  read -r d_s d_rss <<< "$(run_torch "$cfg" "default_$cfg")"
  read -r b_s b_rss <<< "$(run_torch "$cfg" "blas1_$cfg" OPENBLAS_NUM_THREADS=1)"
  read -r p_s p_rss <<< "$(run_torch "$cfg" "passive_$cfg" OMP_WAIT_POLICY=passive)"
  # the best tuned one of the two
  if awk -v b="$b_s" -v p="$p_s" 'BEGIN { exit !(b <= p) }'; then t_s=$b_s t_rss=$b_rss
  else t_s=$p_s t_rss=$p_rss; fi
  ROWS+=("$cfg $w_s $d_s $t_s $w_rss $d_rss $t_rss")
  echo "  $cfg: wgan $w_s s, torch default $d_s s, OPENBLAS_NUM_THREADS=1 $b_s s, OMP_WAIT_POLICY=passive $p_s s"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "seconds per generator iteration (median) and peak RSS; torch-tun = the better of OPENBLAS_NUM_THREADS=1"
echo "and OMP_WAIT_POLICY=passive; ratio = torch / wgan (> 1: wgan faster); best = the best of the three"
printf '%-11s %9s %9s %9s %8s %8s %9s | %8s %8s %8s\n' config wgan torch-def torch-tun def/wgan tun/wgan \
  wgan/best "RSS wgan" "torch-d" "torch-t"
for row in "${ROWS[@]}"; do
  read -r cfg w d t wr dr tr <<< "$row"
  awk -v c="$cfg" -v w="$w" -v d="$d" -v t="$t" -v wr="$wr" -v dr="$dr" -v tr="$tr" 'BEGIN {
    best = d < t ? d : t
    printf "%-11s %9.3f %9.3f %9.3f %8.2f %8.2f %9.2f | %5d MB %5d MB %5d MB\n", c, w, d, t, d / w, t / w, w / best, wr, dr, tr }'
done
