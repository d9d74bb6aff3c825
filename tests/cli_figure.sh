#!/usr/bin/env bash
# wgan figure: bad options (one line on stderr, exit 2, nothing on stdout,
# nothing written) and parallel-lines end to end on a small sample (skipped
# without gnuplot).
set -u
W=${WGAN_BIN:-build/wgan}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() {  # name, then the arguments
  local name=$1; shift
  "$W" figure "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, expected 2"
  elif [ -s "$tmp/out" ]; then echo "FAIL $name: wrote to stdout"
  elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^wgan [a-z]*: ' "$tmp/err"; then echo "FAIL $name: stderr: $(cat "$tmp/err")"
  elif [ -e "$tmp/f.png" ]; then echo "FAIL $name: wrote the PNG"
  else echo "ok $name"; fi
}

bad no_name
bad unknown_figure nope --out "$tmp/f.png"
bad missing_out parallel-lines
bad missing_value parallel-lines --out "$tmp/f.png" --n
bad bad_number parallel-lines --out "$tmp/f.png" --n 12x
bad unknown_option parallel-lines --out "$tmp/f.png" --bogus 1
bad even_ntheta parallel-lines --out "$tmp/f.png" --ntheta 40
bad bad_data value-surface --out "$tmp/f.png" --data moons
bad bad_sigma two-gaussians --out "$tmp/f.png" --sigma 0
bad negative_seed parallel-lines --out "$tmp/f.png" --seed -3
bad missing_folder parallel-lines --out "$tmp/no/such/f.png"

# The figure is drawn by gnuplot (the library's WGAN_GNUPLOT, else gnuplot).
if ! command -v "${WGAN_GNUPLOT:-gnuplot}" >/dev/null; then
  echo "skip parallel_lines_runs: ${WGAN_GNUPLOT:-gnuplot} not installed"
elif "$W" figure parallel-lines --out "$tmp/f.png" --n 200 --ntheta 21 --seed 7 --threads 1 >"$tmp/out" 2>"$tmp/err"
     rc=$?; [ $rc -ne 0 ]; then
  echo "FAIL parallel_lines_runs: exit $rc: $(cat "$tmp/err")"
elif rows=$(awk 'NF == 4 && $1 ~ /^-?[0-9.]+$/' "$tmp/out" | wc -l); [ "$rows" -ne 21 ]; then
  echo "FAIL parallel_lines_runs: $rows table rows, expected 21"
# theta = 0.5 (row 16 of 21): W = 0.5, JS = log 2, KL = inf.
elif ! awk 'NF == 4 && $1 == "0.5000" { ok = ($2 == 0.5 && $3 > 0.693147180559 && $3 < 0.693147180560 && $4 == "inf") } END { exit !ok }' "$tmp/out"; then
  echo "FAIL parallel_lines_runs: theta 0.5 row: $(grep '^ *0.5000' "$tmp/out")"
elif ! head -c 8 "$tmp/f.png" | od -An -tx1 | grep -q '89 50 4e 47'; then
  echo "FAIL parallel_lines_runs: no PNG written"
else echo "ok parallel_lines_runs"; fi
