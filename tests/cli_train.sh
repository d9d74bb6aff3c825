#!/usr/bin/env bash
# wgan train / wgan sample end to end: every loss on toy data and on a tiny IDX
# file, resume identity, checkpoints refused when damaged, signals, NaN, and
# each bad input (one line on stderr, exit 2, nothing on stdout, nothing written).
set -u
W=${WGAN_BIN:-build/wgan}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
FAST=(--dim 16 --batch 32 --threads 1 --sample-every 0)

# A tiny IDX image file: n 28x28 images of random bytes.
write_idx() { # path n
  local n=$2
  { printf '\x00\x00\x08\x03'; printf "\\x$(printf %02x $((n >> 24 & 255)))\\x$(printf %02x $((n >> 16 & 255)))\\x$(printf %02x $((n >> 8 & 255)))\\x$(printf %02x $((n & 255)))"
    printf '\x00\x00\x00\x1c\x00\x00\x00\x1c'; head -c $((n * 784)) /dev/urandom; } > "$1"
}
write_idx "$T/tiny-idx3-ubyte" 40

# every loss trains a few iterations on 8gaussians and on the IDX file
for loss in clip gp gan; do
  out="$T/toy-$loss"
  if $W train --data 8gaussians --loss $loss --iters 3 --no-warmup-critic "${FAST[@]}" --out "$out" 2>"$T/err" &&
     [ "$(wc -l < "$out/metrics.csv")" -eq 4 ] && [ -s "$out/checkpoint.safetensors" ] && [ -s "$out/samples_000003.csv" ]; then
    ok "train_${loss}_8gaussians"
  else fail "train_${loss}_8gaussians" "$(tail -n 2 "$T/err")"; fi
  out="$T/idx-$loss"
  if $W train --data "$T/tiny-idx3-ubyte" --loss $loss --iters 2 --dim 4 --batch 8 --n-critic 2 --no-warmup-critic \
       --threads 1 --out "$out" 2>"$T/err" && [ -s "$out/samples_000002.png" ] && grep -q dcgan28 "$out/report.html"; then
    ok "train_${loss}_idx"
  else fail "train_${loss}_idx" "$(tail -n 2 "$T/err")"; fi
done

# --help with data: the defaults of that data's model and of the loss, resolved (the table says
# mlp 256, dcgan28 50, dcgan 64 for --batch); a new run's data that does not open is refused
h=$($W train --data "$T/tiny-idx3-ubyte" --help 2>&1)
hc=$($W train --data 8gaussians --loss clip --help 2>&1)
if grep -q "trains gp on .* with model dcgan28" <<< "$h" && grep -Eq "^  --batch +50$" <<< "$h" &&
   grep -Eq "^  --init +wgangp$" <<< "$h" && grep -Eq "^  --lambda +10$" <<< "$h" &&
   grep -Eq "^  --batch +256$" <<< "$hc" && grep -Eq "^  --lr +5e-05$" <<< "$hc" && grep -Eq "^  --init +pytorch$" <<< "$hc"
then ok help_shows_resolved_defaults
else fail help_shows_resolved_defaults "$(tail -n 20 <<< "$h")"; fi
$W train --data "$T/missing.csv" --help >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q "missing.csv" "$T/err"; then ok help_with_bad_data
else fail help_with_bad_data "rc=$rc: $(cat "$T/err")"; fi

# --eval-every: the exact W1 of samples and its floor, and the sliced W1 of the same samples
# (never above W1: each projection is 1-Lipschitz), logged, and drawn in loss.png by gnuplot
if $W train --data 8gaussians --iters 4 "${FAST[@]}" --eval-every 2 --out "$T/evals" 2>/dev/null &&
   awk -F, 'NR > 1 && $2 > 0 && $3 > 0 && $4 > 0 && $5 > 0 && $4 <= $2 && $5 <= $3 {rows++} END {exit rows != 2}' \
     "$T/evals/evals.csv"; then ok eval_every_logs_w1
else fail eval_every_logs_w1 "$(cat "$T/evals/evals.csv" 2>&1 | head -3)"; fi
if ! command -v "${WGAN_GNUPLOT:-gnuplot}" >/dev/null; then echo "skip eval_every_draws_loss_png: ${WGAN_GNUPLOT:-gnuplot} not installed"
elif [ -s "$T/evals/loss.png" ] && grep -q "loss.png" "$T/evals/report.html"; then ok eval_every_draws_loss_png
else fail eval_every_draws_loss_png "no loss.png, or report.html does not show it"; fi

# the clip warm-up: 100 critic steps at iteration 1
if awk -F, 'NR == 2 && $6 == 100 {found = 1} END {exit !found}' <(
     $W train --data 8gaussians --loss clip --iters 1 "${FAST[@]}" --out "$T/warm" 2>/dev/null; cat "$T/warm/metrics.csv"); then
  ok warmup_critic_steps
else fail warmup_critic_steps "the first iteration did not run 100 critic steps"; fi

# 20 iterations then a resume to 40 equal 40 in one go: same losses, same generator
$W train --data 8gaussians --loss gp --iters 40 "${FAST[@]}" --seed 7 --out "$T/whole" 2>/dev/null
$W train --data 8gaussians --loss gp --iters 20 "${FAST[@]}" --seed 7 --out "$T/split" 2>/dev/null
$W train --resume "$T/split" --iters 40 2>/dev/null
cut -d, -f1-6 "$T/whole/metrics.csv" > "$T/a"; cut -d, -f1-6 "$T/split/metrics.csv" > "$T/b"
$W sample "$T/whole" -n 50 --csv "$T/sa" && $W sample "$T/split" -n 50 --csv "$T/sb"
if [ "$(wc -l < "$T/a")" -eq 41 ] && cmp -s "$T/a" "$T/b" && cmp -s "$T/sa" "$T/sb"; then ok resume_identity_gp
else fail resume_identity_gp "metrics or samples differ ($(diff "$T/a" "$T/b" | head -n 2 | tr '\n' ' '))"; fi
# the same for a data set drawn in epochs (the batcher state is resumed)
$W train --data "$T/tiny-idx3-ubyte" --loss clip --iters 6 --dim 4 --batch 16 --n-critic 2 --threads 1 --sample-every 0 --out "$T/iw" 2>/dev/null
$W train --data "$T/tiny-idx3-ubyte" --loss clip --iters 3 --dim 4 --batch 16 --n-critic 2 --threads 1 --sample-every 0 --out "$T/is" 2>/dev/null
$W train --resume "$T/is" --iters 6 2>/dev/null
if cmp -s <(cut -d, -f1-6 "$T/iw/metrics.csv") <(cut -d, -f1-6 "$T/is/metrics.csv"); then ok resume_identity_idx_clip
else fail resume_identity_idx_clip "metrics differ"; fi

# --precision bf16 (where the CPU has native bfloat16 as oneDNN counts it, by /proc/cpuinfo: AVX-512
# with VNNI and BF16, or AMX): trains the image model,
# its losses near fp32's but not equal (the products really were rounded), a resume equal to one
# go (oneDNN's bf16 kernels repeat bit for bit at a fixed thread count); a fp32 run resumes in bf16
cpu=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
if [[ "$cpu" == *" amx_bf16 "* ]] || { [[ "$cpu" == *" avx512_bf16 "* ]] && [[ "$cpu" == *" avx512_vnni "* ]] &&
     [[ "$cpu" == *" avx512bw "* ]] && [[ "$cpu" == *" avx512vl "* ]] && [[ "$cpu" == *" avx512dq "* ]]; }; then
  B16=(--data "$T/tiny-idx3-ubyte" --loss gp --dim 8 --batch 16 --n-critic 2 --threads 2 --sample-every 0 --seed 5)
  $W train "${B16[@]}" --iters 4 --out "$T/f32" 2>/dev/null
  $W train "${B16[@]}" --iters 4 --precision bf16 --out "$T/b16" 2>"$T/err"
  $W train "${B16[@]}" --iters 2 --precision bf16 --out "$T/b16s" 2>/dev/null
  $W train --resume "$T/b16s" --iters 4 2>/dev/null
  $W train --resume "$T/f32" --iters 5 --precision bf16 2>/dev/null; rc=$?
  if awk -F, 'NR == FNR { if (FNR > 1) w[FNR] = $2; next }
              FNR > 1 { d = $2 - w[FNR]; if (d < 0) d = -d; m = w[FNR] < 0 ? -w[FNR] : w[FNR]
                        if (d > 0) differ = 1; if (d > 0.2 * m + 0.05) far = 1 }
              END { exit !(differ && !far) }' "$T/f32/metrics.csv" "$T/b16/metrics.csv" &&
     cmp -s <(cut -d, -f1-6 "$T/b16/metrics.csv") <(cut -d, -f1-6 "$T/b16s/metrics.csv") &&
     [ $rc -eq 0 ] && [ "$(wc -l < "$T/f32/metrics.csv")" -eq 6 ]; then ok precision_bf16_trains_and_resumes
  else fail precision_bf16_trains_and_resumes "rc=$rc $(tail -n 1 "$T/err"); $(paste -d' ' "$T/f32/metrics.csv" "$T/b16/metrics.csv" | cut -c1-160 | tr '\n' '|')"; fi
else echo "skip precision_bf16_trains_and_resumes: the CPU has neither AVX-512 with avx512_bf16 nor amx_bf16"; fi

# sample: a grid for images, points for toy data
if $W sample "$T/idx-gp" -n 16 --out "$T/grid.png" && [ "$(head -c 4 "$T/grid.png" | od -An -c | tr -d ' ')" = '211PNG' ] &&
   [ "$(wc -l < "$T/sa")" -eq 50 ] && [ "$(head -n 1 "$T/sa" | tr ',' '\n' | wc -l)" -eq 2 ]; then ok sample_outputs
else fail sample_outputs "no grid or wrong points"; fi

# sample --noise: one sample per noise row; equal rows, equal samples (the toy generator's nz is 2)
printf '0.5,-1\n2,0.25\n0.5,-1\n' > "$T/z.csv"
if $W sample "$T/whole" --noise "$T/z.csv" --csv "$T/zs" && [ "$(wc -l < "$T/zs")" -eq 3 ] &&
   [ "$(sed -n 1p "$T/zs")" = "$(sed -n 3p "$T/zs")" ] && [ "$(sed -n 1p "$T/zs")" != "$(sed -n 2p "$T/zs")" ]; then
  ok sample_from_noise
else fail sample_from_noise "$(cat "$T/zs" 2>/dev/null | tr '\n' ' ')"; fi

# expect_bad NAME ARGS...: exit 2, one line on stderr, nothing on stdout, no run directory created
expect_bad() {
  local name=$1; shift
  rm -rf "$T/bad"
  "$W" "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" -eq 1 ] && [ ! -e "$T/bad" ]; then ok "$name"
  else fail "$name" "rc=$rc stderr='$(head -c 300 "$T/err")'"; fi
}
expect_bad bad_unknown_data train --data 9gaussians --out "$T/bad"
expect_bad bad_missing_file train --data "$T/nope-idx3-ubyte" --out "$T/bad"
{ printf '\x00\x00\x08\x01\x00\x00\x00\x01'; } > "$T/magic-idx3-ubyte"
expect_bad bad_idx_magic train --data "$T/magic-idx3-ubyte" --out "$T/bad"
{ printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x1c'; } > "$T/dims-idx3-ubyte"
expect_bad bad_idx_dims train --data "$T/dims-idx3-ubyte" --out "$T/bad"
head -c 2000 "$T/tiny-idx3-ubyte" > "$T/trunc-idx3-ubyte"
expect_bad bad_idx_truncated train --data "$T/trunc-idx3-ubyte" --out "$T/bad"
mkdir -p "$T/empty" "$T/mixed" "$T/notpng"
expect_bad bad_png_folder_empty train --data "$T/empty" --out "$T/bad"
$W sample "$T/idx-gp" -n 1 --out "$T/mixed/a.png" && $W sample "$T/idx-gp" -n 9 --out "$T/mixed/b.png"
expect_bad bad_png_folder_sizes train --data "$T/mixed" --out "$T/bad"
cp "$T/mixed/a.png" "$T/notpng/a.png"; echo "not a png" > "$T/notpng/b.png"
expect_bad bad_png_folder_not_png train --data "$T/notpng" --out "$T/bad"
printf '1,2\n3\n' > "$T/ragged.csv"
expect_bad bad_csv_ragged train --data "$T/ragged.csv" --out "$T/bad"
printf '1,2\n3,x\n' > "$T/text.csv"
expect_bad bad_csv_field train --data "$T/text.csv" --out "$T/bad"
printf '1,2\n3,4\n' > "$T/small.csv"
expect_bad bad_batch_larger_than_data train --data "$T/small.csv" --batch 8 --out "$T/bad"
expect_bad bad_option_text train --data 8gaussians --lr abc --out "$T/bad"
expect_bad bad_negative_lr train --data 8gaussians --lr -0.1 --out "$T/bad"
expect_bad bad_n_critic_zero train --data 8gaussians --n-critic 0 --out "$T/bad"
printf '1,2,3\n' > "$T/z3.csv"
expect_bad bad_noise_columns sample "$T/whole" --noise "$T/z3.csv"
expect_bad bad_noise_with_n sample "$T/whole" --noise "$T/z.csv" -n 3
expect_bad bad_noise_ragged sample "$T/whole" --noise "$T/ragged.csv"
expect_bad bad_negative_lambda train --data 8gaussians --lambda -1 --out "$T/bad"
expect_bad bad_unknown_option train --data 8gaussians --frobnicate --out "$T/bad"
expect_bad bad_gp_with_batchnorm train --data 8gaussians --loss gp --batchnorm --out "$T/bad"
expect_bad bad_precision_name train --data 8gaussians --precision fp16 --out "$T/bad"
# bf16 on a CPU without it (oneDNN's cap stands in for one): refused up front, nothing written
ONEDNN_MAX_CPU_ISA=AVX512_CORE expect_bad bad_precision_bf16_unsupported train --data 8gaussians --precision bf16 --out "$T/bad"
touch "$T/file"
expect_bad bad_unwritable_out train --data 8gaussians --out "$T/file/run"
expect_bad bad_resume_missing train --resume "$T/nothing"
# every refusal below leaves the run it names as it was (copies taken before)
cp -r "$T/toy-gp" "$T/toy-gp.before"
expect_bad bad_resume_other_model train --resume "$T/toy-gp" --iters 9 --model dcgan28
expect_bad bad_resume_other_loss train --resume "$T/toy-gp" --iters 9 --loss clip
cp -r "$T/toy-gp" "$T/trunc"; head -c 3000 "$T/toy-gp/checkpoint.safetensors" > "$T/trunc/checkpoint.safetensors"
cp -r "$T/trunc" "$T/trunc.before"
expect_bad bad_resume_truncated train --resume "$T/trunc" --iters 9
cp -r "$T/toy-gp" "$T/flip"; size=$(stat -c %s "$T/flip/checkpoint.safetensors")
printf '\x55' | dd of="$T/flip/checkpoint.safetensors" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
cp -r "$T/flip" "$T/flip.before"
expect_bad bad_resume_corrupted train --resume "$T/flip" --iters 9
expect_bad bad_existing_run train --data 8gaussians --out "$T/toy-gp"
changed=""
for d in toy-gp trunc flip; do diff -r "$T/$d" "$T/$d.before" >/dev/null || changed="$changed $d"; done
if [ -z "$changed" ]; then ok refused_runs_untouched
else fail refused_runs_untouched "a refusal changed the files of:$changed"; fi

# a non-finite loss stops the run naming the iteration; the last checkpoint stays loadable
$W train --data 8gaussians --loss gp --iters 300 --dim 16 --batch 32 --threads 1 --sample-every 0 --seed 3 \
  --lr 12000 --checkpoint-every 1 --out "$T/nan" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "iteration [0-9]*: the .* \(is\|holds [0-9]* non-finite\)" "$T/err" &&
   { { grep -q "is kept" "$T/err" && $W sample "$T/nan" -n 2 --csv /dev/null; } ||
     { grep -q "no checkpoint was written yet" "$T/err" && [ ! -e "$T/nan/checkpoint.safetensors" ]; }; }; then
  ok nonfinite_loss_stops_run
else fail nonfinite_loss_stops_run "rc=$rc: $(tail -n 1 "$T/err")"; fi

# SIGTERM: finish the step, write the checkpoint, say how to resume, exit 143
$W train --data 8gaussians --loss gp --iters 100000 "${FAST[@]}" --out "$T/term" 2>"$T/err" &
pid=$!
for _ in $(seq 50); do [ -s "$T/term/metrics.csv" ] && [ "$(wc -l < "$T/term/metrics.csv")" -gt 2 ] && break; sleep 0.2; done
kill -TERM $pid; wait $pid; rc=$?
if [ $rc -eq 143 ] && grep -q -- "--resume" "$T/err" && $W sample "$T/term" -n 2 --csv /dev/null; then ok sigterm_checkpoint
else fail sigterm_checkpoint "rc=$rc: $(tail -n 2 "$T/err")"; fi
