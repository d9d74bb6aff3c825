#!/usr/bin/env bash
# Runs every test binary (build/tests/test_*), every CLI script (tests/cli_*.sh)
# and every fuzz target's replay of its corpus and regressions (build/replay/fuzz_*).
# Each prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" (it cannot run
# here) per case; a crash counts as one failure.
# With SANITIZED_BIN set (make test sets it to an AddressSanitizer + UBSan
# build of the CLI), the CLI scripts run a second time against that binary,
# leaks detected: a memory error or a leak fails the case.
# The binaries of the kernels that dispatch on the CPU's vector level (convolutions
# through oneDNN and our own, matrix products through OpenBLAS, the gradient tests
# over them, the exact solver) run once more per level, ONEDNN_MAX_CPU_ISA set
# (oneDNN's switch, honoured by wg_isa_active too) and OPENBLAS_CORETYPE naming
# OpenBLAS's kernels of that level (OpenBLAS ignores oneDNN's switch): a wrong
# AVX2 path cannot hide behind an AVX-512 CPU. A level the CPU lacks is
# reported as a skip. The sgemm tests run once more per library (WGAN_SGEMM).
# Ends with one line: "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export WGAN_BIN="$PWD/$BUILD/wgan"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0 skipped=0
failures=()  # repeated after the last script so a log's tail names them
run_one() {
  local name=$1; shift
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  local p f sk
  p=$(grep -c '^ok ' "$log")
  f=$(grep -c '^FAIL ' "$log")
  sk=$(grep -c '^skip ' "$log")
  grep -E '^(FAIL |skip |seed )' "$log" | sed "s|^|  $name: |"
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "  $name: exited with status $rc"; tail -n 5 "$log" | sed 's/^/    /'
    f=1
    failures+=("$name: exited with status $rc")
  fi
  if [ "$f" -gt 0 ]; then
    while IFS= read -r line; do failures+=("$name: $line"); done < <(grep -E '^(FAIL |seed )' "$log")
  fi
  printf '%-28s %4d passed %3d failed %3d skipped %4ds\n' "$name" "$p" "$f" "$sk" $((SECONDS - start))
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + sk))
}
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] && run_one "$(basename "$t")" "$t"
done
# test_ot_emd runs itself once per level (its own children).
ISA_TESTS="test_conv_kernels test_ops_grad test_penalty test_gradient_penalty"
# The /proc/cpuinfo flags a cap needs (the kernel's word on what the CPU and OS allow).
declare -A ISA_FLAGS=([AVX512_CORE]="avx512f avx512bw avx512dq avx512vl" [AVX2]="avx2 fma" [SSE41]="sse4_1")
declare -A BLAS_CORE=([AVX512_CORE]=SkylakeX [AVX2]=Haswell [SSE41]=Nehalem)
cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
for cap in AVX512_CORE AVX2 SSE41; do
  lacking=""
  for f in ${ISA_FLAGS[$cap]}; do
    [[ "$cpu_flags" == *" $f "* ]] || lacking+=" $f"
  done
  for t in $ISA_TESTS; do
    [ -x "$BUILD/tests/$t" ] || continue
    if [ -n "$lacking" ]; then
      echo "  $t [$cap]: skip: the CPU lacks$lacking"
      skipped=$((skipped + 1))
    else
      ONEDNN_MAX_CPU_ISA=$cap OPENBLAS_CORETYPE=${BLAS_CORE[$cap]} run_one "$t [$cap]" "$BUILD/tests/$t"
    fi
  done
done
# sgemm through each library, whichever the rule picks on this CPU (core/sgemm.c).
for lib in onednn openblas; do
  for t in test_sgemm test_conv_kernels; do
    [ "$t" = test_conv_kernels ] && [ $lib = openblas ] && continue  # the per-level runs above use OpenBLAS
    [ -x "$BUILD/tests/$t" ] && WGAN_SGEMM=$lib run_one "$t [$lib]" "$BUILD/tests/$t"
  done
done
for r in "$BUILD"/replay/fuzz_*; do
  [ -x "$r" ] && run_one "$(basename "$r")" "$r"
done
for s in tests/cli_*.sh; do
  [ -f "$s" ] && run_one "$(basename "$s")" bash "$s"
done
if [ -n "${SANITIZED_BIN:-}" ]; then
  for s in tests/cli_*.sh; do
    [ "$s" = tests/cli_install.sh ] && continue  # installs the plain build; nothing of the binary to check
    WGAN_BIN="$PWD/$SANITIZED_BIN" ASAN_OPTIONS=detect_leaks=1 run_one "$(basename "$s") (asan)" bash "$s"
  done
fi
for line in "${failures[@]}"; do echo "failed in $line"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
