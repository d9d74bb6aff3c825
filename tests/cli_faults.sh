#!/usr/bin/env bash
# wgan train under faults: kill -9 at random moments, a full disk under a
# checkpoint and under the samples, runs that diverge, requests larger than
# the machine's memory, and resume identity with BatchNorm, with 2 threads
# and across SIGINT.
set -u
W=${WGAN_BIN:-build/wgan}
T=$(mktemp -d)
MNT=""
cleanup() { if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null; fi; rm -rf "$T"; }
trap cleanup EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
FAST=(--dim 8 --batch 16 --threads 1 --sample-every 0)
seed=${WGAN_TEST_SEED:-$(date +%s)}
RANDOM=$seed
echo "seed $seed (the kill moments; repeat with WGAN_TEST_SEED=$seed)"

# A tiny IDX image file: n 28x28 images of random bytes.
write_idx() { # path n
  local n=$2
  { printf '\x00\x00\x08\x03'; printf "\\x$(printf %02x $((n >> 24 & 255)))\\x$(printf %02x $((n >> 16 & 255)))\\x$(printf %02x $((n >> 8 & 255)))\\x$(printf %02x $((n & 255)))"
    printf '\x00\x00\x00\x1c\x00\x00\x00\x1c'; head -c $((n * 784)) /dev/urandom; } > "$1"
}
write_idx "$T/tiny-idx3-ubyte" 40

# The iteration of the run in DIR, from the refusal to resume it at iteration 1.
iteration_of() { "$W" train --resume "$1" --iters 1 2>&1 | sed -n 's/.* at iteration \([0-9]*\) already.*/\1/p'; }

# same_run NAME A B: metrics columns 1-6 and 50 samples of the runs in A and B identical.
same_run() {
  local name=$1 a=$2 b=$3
  cut -d, -f1-6 "$a/metrics.csv" > "$T/ma"; cut -d, -f1-6 "$b/metrics.csv" > "$T/mb"
  if "$W" sample "$a" -n 50 --csv "$T/sa" && "$W" sample "$b" -n 50 --csv "$T/sb" && [ "$(wc -l < "$T/ma")" -gt 2 ] &&
     cmp -s "$T/ma" "$T/mb" && cmp -s "$T/sa" "$T/sb"; then ok "$name"
  else fail "$name" "metrics or samples differ ($(diff "$T/ma" "$T/mb" | head -n 2 | tr '\n' ' '))"; fi
}

# ---- kill -9 at random moments of a run that checkpoints every iteration ----
# Each time the checkpoint on disk loads and is at or past the one before,
# at most the one temporary file of the write in flight is left, and the
# next run removes it; the run finished after the kills equals one never killed.
K="$T/killed"
"$W" train --data 8gaussians --iters 3 "${FAST[@]}" --checkpoint-every 1 --seed 5 --out "$K" 2>/dev/null
prev=$(iteration_of "$K") bad="" kills=20
for i in $(seq $kills); do
  "$W" train --resume "$K" --iters 1000000 --checkpoint-every 1 --sample-every 0 >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 30 + 5))"
  kill -9 $pid; wait $pid 2>/dev/null
  it=$(iteration_of "$K")
  temps=$(find "$K" -name '*.tmp*' | wc -l)
  if ! "$W" sample "$K" -n 2 --csv /dev/null 2>"$T/err"; then bad="kill $i: the checkpoint does not load: $(cat "$T/err")"; break; fi
  if [ -z "$it" ] || [ "$it" -lt "$prev" ]; then bad="kill $i: iteration '$it' after $prev"; break; fi
  if [ "$temps" -gt 1 ]; then bad="kill $i: $temps temporary files"; break; fi
  prev=$it
done
last=$((prev + 20))
"$W" train --resume "$K" --iters $last --checkpoint-every 1 --sample-every 0 2>/dev/null
# kills that all landed before the first step would have tested nothing
if [ -z "$bad" ] && [ "$prev" -lt $((3 + kills)) ]; then bad="$kills kills, and the run only reached iteration $prev"; fi
if [ -z "$bad" ] && [ -n "$(find "$K" -name '*.tmp*')" ]; then bad="temporary files left after the last run: $(ls "$K")"; fi
if [ -z "$bad" ]; then ok kill9_checkpoint_always_loads; else fail kill9_checkpoint_always_loads "$bad"; fi
"$W" train --data 8gaussians --iters $last "${FAST[@]}" --checkpoint-every 0 --seed 5 --out "$T/never-killed" 2>/dev/null
same_run kill9_resume_identity "$K" "$T/never-killed"
# The same with samples, frames (gnuplot), loss.png and report.html at every
# iteration: their temporary files have unique names, and each run removes
# what the one killed before it left, so they never pile up.
P="$T/killed-plots" bad=""
"$W" train --data 8gaussians --iters 3 "${FAST[@]}" --checkpoint-every 1 --out "$P" 2>/dev/null
for i in $(seq 8); do
  "$W" train --resume "$P" --iters 1000000 --checkpoint-every 1 --sample-every 1 >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 30 + 10))"
  kill -9 $pid; wait $pid 2>/dev/null
  temps=$(find "$P" -name '*.tmp*' -o -name '.report.html.*' | wc -l)
  if [ "$temps" -gt 1 ]; then bad="kill $i: $temps temporary files: $(ls -A "$P" | grep -E 'tmp|^\.report' | tr '\n' ' ')"; break; fi
done
if [ -z "$bad" ] && ! "$W" sample "$P" -n 2 --csv /dev/null 2>"$T/err"; then bad="the checkpoint does not load: $(cat "$T/err")"; fi
if [ -z "$bad" ]; then ok kill9_temporaries_do_not_pile_up; else fail kill9_temporaries_do_not_pile_up "$bad"; fi

# ---- a full disk: a small tmpfs filled up (or, where mounting is not
# allowed, a file size limit) under the checkpoint and the samples ----
# disk_full NAME FILE DATA OPTIONS...: a 2-iteration run, then the disk is
# full and the run resumed with OPTIONS: exit 1 naming FILE, the checkpoint
# of iteration 2 unchanged and loadable, no temporary file left.
mkdir -p "$T/mnt"
if mount -t tmpfs -o size=8m tmpfs "$T/mnt" 2>/dev/null; then MNT="$T/mnt" DISK="a full 8 MB tmpfs"
else DISK="ulimit -f 2 (mount -t tmpfs is not permitted here)"; fi
disk_full() {
  local name=$1 file=$2 data=$3; shift 3
  local dir="$T/mnt/$name"
  if ! "$W" train --data "$data" --iters 2 --dim 4 --batch 8 --n-critic 1 --no-warmup-critic --threads 1 --sample-every 0 \
       --out "$dir" 2>"$T/err"; then fail "$name" "the first run failed: $(tail -n 1 "$T/err")"; return; fi
  cp "$dir/checkpoint.safetensors" "$T/$name.before"
  [ -n "$MNT" ] && dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null
  ( if [ -z "$MNT" ]; then trap '' XFSZ; ulimit -f 2; fi; exec "$W" train --resume "$dir" --iters 50 "$@" ) >/dev/null 2>"$T/err"
  local rc=$?
  [ -n "$MNT" ] && rm -f "$MNT/fill"
  local msg; msg=$(tail -n 1 "$T/err")
  if [ $rc -eq 1 ] && [[ $msg == *"$dir/$file"* ]] && [[ $msg == *"the checkpoint of iteration 2 in $dir is kept"* ]] &&
     cmp -s "$dir/checkpoint.safetensors" "$T/$name.before" && "$W" sample "$dir" -n 2 --csv /dev/null &&
     [ -z "$(find "$dir" -name '*.tmp*')" ]; then ok "$name"
  else fail "$name" "under $DISK: rc=$rc: $msg; files: $(ls "$dir" | tr '\n' ' ')"; fi
}
[ -z "$MNT" ] && mkdir -p "$T/mnt"
disk_full disk_full_checkpoint checkpoint.safetensors 8gaussians --checkpoint-every 1 --sample-every 0
disk_full disk_full_sample_grid samples_000003.png "$T/tiny-idx3-ubyte" --checkpoint-every 0 --sample-every 1
disk_full disk_full_sample_points samples_000003.csv 8gaussians --checkpoint-every 0 --sample-every 1

# ---- runs that diverge ----
# --lr 10 on this model: the losses run away (or the ReLUs die) but stay
# finite, and nothing can tell that from training: the run ends normally.
"$W" train --data 8gaussians --iters 300 "${FAST[@]}" --lr 10 --seed 1 --out "$T/lr10" 2>"$T/err"; rc=$?
if [ $rc -eq 0 ] && awk -F, 'NR > 1 && ($2 !~ /^-?[0-9.e+-]+$/ || $3 !~ /^-?[0-9.e+-]+$/) {exit 1}' "$T/lr10/metrics.csv" &&
   [ "$(wc -l < "$T/lr10/metrics.csv")" -eq 301 ] && "$W" sample "$T/lr10" -n 2 --csv /dev/null; then ok lr10_stays_finite_and_finishes
else fail lr10_stays_finite_and_finishes "rc=$rc: $(tail -n 1 "$T/err")"; fi
# --lr 12000 (gan, seed 4): the generator's Adam moments overflow at
# iteration 2 while its loss is still finite; the run stops there, and the
# checkpoint of iteration 1 holds only finite numbers (the loader refuses
# others) and loads.
"$W" train --data 8gaussians --loss gan --iters 200 --dim 16 --batch 32 --threads 1 --sample-every 0 --seed 4 \
  --lr 12000 --checkpoint-every 1 --out "$T/explode" >/dev/null 2>"$T/err"; rc=$?
msg=$(tail -n 1 "$T/err")
n=$(sed -n 's/^wgan train: iteration \([0-9]*\): the .* \(is\|holds\) .*/\1/p' <<<"$msg")
if [ $rc -eq 1 ] && [ -n "$n" ] && [ "$n" -gt 1 ] && [[ $msg == *"the checkpoint of iteration $((n - 1)) in $T/explode is kept"* ]] &&
   [ "$(iteration_of "$T/explode")" = $((n - 1)) ] && [ "$(wc -l < "$T/explode/metrics.csv")" -eq "$n" ] &&
   "$W" sample "$T/explode" -n 2 --csv /dev/null; then ok nonfinite_stops_keeps_last_good
else fail nonfinite_stops_keeps_last_good "rc=$rc: $msg"; fi

# ---- requests larger than the machine's memory: refused up front, one
# line saying how much, exit 1, no run directory ----
# Outside ASan (which reserves the address space up front) a ulimit -v
# keeps a refusal that regressed from reaching the kernel's OOM killer.
asan=0; ldd "$W" 2>/dev/null | grep -q libasan && asan=1
limited() { # KB command...
  local kb=$1; shift
  if [ $asan -eq 1 ]; then "$@"; else ( ulimit -v "$kb"; exec "$@" ); fi
}
expect_memory_refusal() { # NAME WORD ARGS...: exit 1, one line naming WORD and GB, no run directory
  local name=$1 word=$2; shift 2
  rm -rf "$T/big"
  limited 33554432 "$W" train --data 8gaussians --iters 1 --out "$T/big" "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -eq 1 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q "GB available; use .*$word" "$T/err" &&
     [ ! -s "$T/out" ] && [ ! -e "$T/big" ]; then ok "$name"
  else fail "$name" "rc=$rc: $(head -c 300 "$T/err")"; fi
}
expect_memory_refusal train_batch_beyond_memory "--batch" --batch 1000000
if [ $asan -eq 1 ]; then skip train_model_beyond_memory "an ASan build: its allocator would map the 29 GB of models built for the plan"
else expect_memory_refusal train_model_beyond_memory "smaller --dim" --dim 30000; fi
"$W" train --data 8gaussians --batch 10000000 --out "$T/big" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q -- "--batch" "$T/err" && [ ! -e "$T/big" ]; then
  ok train_batch_10M_out_of_range
else fail train_batch_10M_out_of_range "rc=$rc: $(head -c 300 "$T/err")"; fi

# ---- resume identity: 20 iterations, then resumed to 40, equal 40 in one go ----
resume_identity() { # NAME ARGS...
  local name=$1; shift
  "$W" train "$@" --iters 40 --out "$T/$name-whole" 2>/dev/null
  "$W" train "$@" --iters 20 --out "$T/$name-split" 2>/dev/null
  "$W" train --resume "$T/$name-split" --iters 40 --sample-every 0 2>/dev/null
  same_run "$name" "$T/$name-whole" "$T/$name-split"
}
# BatchNorm: running statistics and the batcher's epochs (5 batches of 8 in 40 images)
resume_identity resume_identity_batchnorm --data "$T/tiny-idx3-ubyte" --loss clip --batchnorm --no-warmup-critic --dim 4 \
  --batch 8 --threads 1 --sample-every 0 --seed 3
# 2 threads: the conv kernels split each batch over an OpenMP team
resume_identity resume_identity_two_threads --data "$T/tiny-idx3-ubyte" --loss gp --dim 4 --batch 16 --n-critic 2 \
  --threads 2 --sample-every 0 --seed 3

# ---- SIGINT: exit 130 with a checkpoint (the only one: --checkpoint-every 0),
# and the run resumed from it equals one never interrupted ----
"$W" train --data 8gaussians --iters 1000000 "${FAST[@]}" --checkpoint-every 0 --seed 9 --out "$T/int" 2>"$T/err" &
pid=$!
for _ in $(seq 100); do [ -s "$T/int/metrics.csv" ] && [ "$(wc -l < "$T/int/metrics.csv")" -gt 5 ] && break; sleep 0.05; done
kill -INT $pid; wait $pid; rc=$?
at=$(sed -n 's/.*interrupted at iteration \([0-9]*\);.*/\1/p' "$T/err")
if [ $rc -eq 130 ] && [ -n "$at" ] && [ "$(iteration_of "$T/int")" = "$at" ]; then ok sigint_checkpoint
else fail sigint_checkpoint "rc=$rc: $(tail -n 2 "$T/err" | tr '\n' ' ')"; fi
"$W" train --resume "$T/int" --iters $((${at:-0} + 50)) --checkpoint-every 0 --sample-every 0 2>/dev/null
"$W" train --data 8gaussians --iters $((${at:-0} + 50)) "${FAST[@]}" --checkpoint-every 0 --seed 9 --out "$T/int-whole" 2>/dev/null
same_run sigint_resume_identity "$T/int" "$T/int-whole"
