#!/bin/bash
# What `make bench` prints: the machine, then this project's figures beside
# PyTorch's (its default environment and the best tuned one) and POT's, all
# measured in this one run, with the ratios (wgan / the other: below 1, wgan is
# faster). A side that is not installed gets a note instead of its column.
#   training: bench/train_vs_torch.sh (seconds per generator iteration, 2 threads)
#   exact EMD: bench/emd_vs_pot.py (wgan emd's solve against POT's cost matrix + ot.emd2)
# Run it on a quiet machine: spinning threads of other jobs slow both sides unevenly.
# Environment: ITERS (8) and WARMUP (2) per training config, EMD_SIZES (4000),
#   EMD_DIMS (2,784), PYTHON (/usr/bin/python3).
set -u
cd "$(dirname "$0")/.." || exit 1
ITERS=${ITERS:-8}
WARMUP=${WARMUP:-2}
PYTHON=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { [[ "$flags" == *" $1 "* ]] && echo yes || echo no; }
echo "== machine"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(nproc) cores; AVX-512: $(has avx512f);" \
  "AVX-512-BF16: $(has avx512_bf16); AMX: $(has amx_bf16); load average $(cut -d' ' -f1-3 /proc/loadavg)"
build/wgan version | sed 1d

echo; echo "== training (bench/train_vs_torch.sh $ITERS $WARMUP)"
if "$PYTHON" -c 'import torch' 2>/dev/null; then
  bench/train_vs_torch.sh "$ITERS" "$WARMUP" | tee "$TMP/train"
else
  echo "PyTorch is not installed (apt-get install python3-torch): no training comparison"
fi

echo; echo "== exact EMD (bench/emd_vs_pot.py)"
"$PYTHON" bench/emd_vs_pot.py --dims "${EMD_DIMS:-2,784}" --sizes "${EMD_SIZES:-4000}" --reps 1 | tee "$TMP/emd"

echo; echo "== summary: wgan / the other (below 1: wgan faster)"
awk '/^(mnist-clip|mnist-gp|toy-gp) / { printf "%-28s wgan %7.3f s  PyTorch default %7.3f s  best %7.3f s  wgan/best %.2f\n",
       $1 " s/iteration", $2, $3, ($3 < $4 ? $3 : $4), $7 }' "$TMP/train" 2>/dev/null
awk '$1 ~ /^[0-9]+$/ && NF >= 6 { printf "%-28s wgan %7.3f s  POT (cost matrix + emd2) %7.3f s  wgan/POT %.3f\n",
       "EMD d=" $1 " n=m=" $2, $3, $5 + $6, $4 }' "$TMP/emd"
