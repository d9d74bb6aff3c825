#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of $BUILD/fuzzer for SECONDS on one
# core, from its seeds (fuzz/corpus/T) and regressions, keeping what it finds
# in a scratch corpus ($BUILD/corpus/T), never in the repo. A crash lands in
# $BUILD/artifacts/. Ends with one line per target: executions, seconds,
# coverage (cov, ft) and corpus at the end, and whether it found anything.
# Usage: fuzz/run.sh SECONDS TARGET...
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/libfuzzer}
seconds=$1; shift
top=$PWD
summary=() failed=0
for t in "$@"; do
  bin=$top/$BUILD/fuzzer/$t
  mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts" "$BUILD/logs/$t"
  dirs=("$top/$BUILD/corpus/$t" "$top/fuzz/corpus/$t")
  [ -d "fuzz/regressions/$t" ] && dirs+=("$top/fuzz/regressions/$t")
  cmd=("$bin" -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=25 -rss_limit_mb=2048 -close_fd_mask=3
       -artifact_prefix="$top/$BUILD/artifacts/$t-" "${dirs[@]}")
  echo "== $t: ${cmd[*]#$top/}"
  # With -jobs, libFuzzer runs one worker and logs it to fuzz-0.log here.
  log=$BUILD/logs/$t/fuzz-0.log
  rm -f "$log"
  (cd "$BUILD/logs/$t" && "${cmd[@]}" >/dev/null 2>&1)
  rc=$?
  grep -E "^#[0-9]+[[:space:]]+DONE |^==[0-9]+==|^fuzz: |runtime error|Test unit written" "$log" | tail -n 4
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1)
  execs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 \2/p' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+\/[0-9a-zA-Z]+) .*/cov \1 ft \2 corp \3/p' <<<"${done_line:-$last}")
  if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
    result="no finding"
  else
    result="FINDING (status $rc): $(grep -m1 -E 'ERROR|fuzz: |Test unit written' "$log")"
    failed=1
  fi
  summary+=("$(printf '%-18s %10s runs %5s s  %-34s %s' "$t" "${execs% *}" "${execs#* }" "$cov" "$result")")
done
printf '%s\n' "${summary[@]}"
exit $failed
