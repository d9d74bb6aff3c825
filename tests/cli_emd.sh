#!/usr/bin/env bash
# wgan emd / wgan js end to end, and every bad input of the issue's table:
# one line on stderr, exit code 2, nothing on stdout, no output file written.
set -u
W=${WGAN_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "seed 0 (fixed inputs)"

ok() { echo "ok $1"; }
bad() { echo "FAIL $1: $2"; }

# expect NAME WANT_STDOUT ARGS...: exit 0 and stdout exactly WANT_STDOUT
expect() {
  local name=$1 want=$2; shift 2
  local out rc
  out=$("$W" "$@" 2>"$T/err"); rc=$?
  if [ $rc -ne 0 ]; then bad "$name" "exit $rc: $(cat "$T/err")"
  elif [ "$out" != "$want" ]; then bad "$name" "printed '$out', want '$want'"
  else ok "$name"; fi
}

# reject NAME PATTERN ARGS...: exit 2, empty stdout, stderr matches PATTERN, plan file untouched
reject() {
  local name=$1 pattern=$2; shift 2
  echo keep > "$T/plan.csv"
  local out rc
  out=$("$W" "$@" --plan "$T/plan.csv" 2>"$T/err"); rc=$?
  if [ $rc -ne 2 ]; then bad "$name" "exit $rc, want 2 ($(cat "$T/err"))"
  elif [ -n "$out" ]; then bad "$name" "printed '$out'"
  elif ! grep -q -- "^wgan [a-z]*: .*$pattern" "$T/err"; then bad "$name" "message '$(cat "$T/err")' lacks '$pattern'"
  elif [ "$(cat "$T/plan.csv")" != keep ]; then bad "$name" "plan file overwritten"
  else ok "$name"; fi
}

printf 'x,y\n0,0\n1,0\n' > "$T/a.csv"
printf '0,1\n1,1\n' > "$T/b.csv"
printf '0\n1\n2\n' > "$T/p1.csv"
printf '5\n1\n7\n9\n' > "$T/p2.csv"
printf '0.5\n0.5\n' > "$T/w2.csv"
printf '1,2\n3,4\n' > "$T/c22.csv"

expect unit_squares 1 emd "$T/a.csv" "$T/b.csv"
expect one_d_closed_form 4.5 emd "$T/p1.csv" "$T/p2.csv"
expect cost_matrix 2.5 emd "$T/a.csv" "$T/b.csv" --cost "$T/c22.csv"
# the exponent applies to a user's matrix too: pairing (0,1) costs (2^2 + 3^2) / 2,
# the identity (1^2 + 4^2) / 2, so W2 = sqrt(6.5) (p ignored would print 2.5)
out=$("$W" emd "$T/a.csv" "$T/b.csv" --cost "$T/c22.csv" --p 2 2>&1)
if awk -v v="$out" 'BEGIN { e = sqrt(6.5); exit !(v - e < 1e-12 && e - v < 1e-12) }'; then ok cost_matrix_p2
else bad cost_matrix_p2 "$out"; fi
expect sqeuclidean_p2 1 emd "$T/a.csv" "$T/b.csv" --metric sqeuclidean --p 2
expect js_identical 0 js "$T/w2.csv" "$T/w2.csv"

# the plan and the potentials: 3 -> 4 points in 1-D through the general solver
"$W" emd "$T/p1.csv" "$T/p2.csv" --plan "$T/plan.csv" --potentials "$T/pot.csv" > "$T/out" 2>"$T/err"
rows=$(($(wc -l < "$T/plan.csv") - 1))
mass=$(awk -F, 'NR > 1 { s += $3 } END { printf "%.12f", s }' "$T/plan.csv")
if [ "$(cat "$T/out")" = 4.5 ] && [ "$rows" -ge 4 ] && [ "$mass" = 1.000000000000 ] \
   && [ "$(wc -l < "$T/pot.csv")" -eq 8 ]; then ok plan_and_potentials
else bad plan_and_potentials "out $(cat "$T/out"), $rows rows, mass $mass"; fi

out=$("$W" emd "$T/a.csv" "$T/b.csv" --method sinkhorn --reg 0.01)
if awk -v v="$out" 'BEGIN { exit !(v > 0.999 && v < 1.01) }'; then ok sinkhorn_close
else bad sinkhorn_close "$out"; fi
out=$("$W" js "$T/p1.csv" "$T/p2.csv" 2>&1)
[ $? -eq 2 ] && ok js_length_mismatch || bad js_length_mismatch "$out"
out=$("$W" js "$T/w2.csv" <(printf '1\n0\n') --kl)
[ "$out" = inf ] && ok kl_infinite || bad kl_infinite "$out"

printf '' > "$T/empty.csv"
printf '1,2\n3\n' > "$T/ragged.csv"
printf '1,2\n3,x1\n' > "$T/text.csv"
printf '1,2\nnan,4\n' > "$T/nan.csv"
printf '1,2\n3,inf\n' > "$T/inf.csv"
printf '1,2,3\n4,5,6\n' > "$T/d3.csv"
printf '1\n-1\n' > "$T/wneg.csv"
printf '0\n0\n' > "$T/wzero.csv"
printf '1\n1\n1\n' > "$T/w3.csv"
printf '1\n2\n' > "$T/w12.csv"
printf '1,2,3\n4,5,6\n' > "$T/c23.csv"

reject missing_file "cannot open" emd "$T/none.csv" "$T/b.csv"
reject empty_file "empty.csv:1:1: no data" emd "$T/empty.csv" "$T/b.csv"
reject ragged_rows "ragged.csv:2:1: 1 fields" emd "$T/ragged.csv" "$T/b.csv"
reject non_numeric "text.csv:2:2: not a number: 'x1'" emd "$T/a.csv" "$T/text.csv"
reject nan_value "nan.csv:2:1: not a finite number" emd "$T/nan.csv" "$T/b.csv"
reject inf_value "inf.csv:2:2: not a finite number" emd "$T/a.csv" "$T/inf.csv"
reject different_dimensions "different dimensions" emd "$T/a.csv" "$T/d3.csv"
reject negative_weights "negative" emd "$T/a.csv" "$T/b.csv" --weights-a "$T/wneg.csv"
reject zero_weights "all weights are zero" emd "$T/a.csv" "$T/b.csv" --weights-b "$T/wzero.csv"
reject weights_count "3 weights for the 2 points" emd "$T/a.csv" "$T/b.csv" --weights-a "$T/w3.csv"
reject unequal_masses "unequal total masses" emd "$T/a.csv" "$T/b.csv" --weights-a "$T/w12.csv"
reject cost_shape "2 x 3 cost matrix for 2 x 2" emd "$T/a.csv" "$T/b.csv" --cost "$T/c23.csv"
reject p_below_one "--p: '0.5' is not a number >= 1" emd "$T/a.csv" "$T/b.csv" --p 0.5
reject unknown_metric "--metric: 'manhattan' is not one of" emd "$T/a.csv" "$T/b.csv" --metric manhattan
# a = (1/3, 2/3): 1/3 and 1/2 move 1, the last 1/6 moves sqrt(2)
out=$("$W" emd "$T/a.csv" "$T/b.csv" --weights-a "$T/w12.csv" --normalize)
if awk -v v="$out" 'BEGIN { e = 5 / 6 + sqrt(2) / 6; exit !(v - e < 1e-15 && e - v < 1e-15) }'
then ok normalize_fixes_masses; else bad normalize_fixes_masses "$out"; fi
