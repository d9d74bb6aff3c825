#!/usr/bin/env bash
# Runs every test binary (build/tests/test_*) and every CLI script (tests/cli_*.sh).
# Each prints "ok NAME" or "FAIL NAME: why" per case; a crash counts as one failure.
# Ends with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export WGAN_BIN="$PWD/$BUILD/wgan"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0
run_one() {
  local name=$1; shift
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  local p f
  p=$(grep -c '^ok ' "$log")
  f=$(grep -c '^FAIL ' "$log")
  grep -E '^(FAIL |seed )' "$log" | sed "s|^|  $name: |"
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "  $name: exited with status $rc"; tail -n 5 "$log" | sed 's/^/    /'
    f=1
  fi
  printf '%-28s %4d passed %3d failed %4ds\n' "$name" "$p" "$f" $((SECONDS - start))
  passed=$((passed + p)); failed=$((failed + f))
}
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] && run_one "$(basename "$t")" "$t"
done
for s in tests/cli_*.sh; do
  [ -f "$s" ] && run_one "$(basename "$s")" bash "$s"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
