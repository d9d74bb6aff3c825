#!/usr/bin/env bash
# The Python module (python/wgan) under pytest, one "ok NAME" / "FAIL NAME: why" /
# "skip NAME: why" line per test (python/tests/conftest.py writes them), over
# $BUILD/libwgan.so. Debian's /usr/bin/python3, which has the python3-* packages:
# a python3 earlier on PATH (pyenv) may have none.
set -u
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
BUILD=${BUILD:-build}
[ -x "$PY" ] || { echo "skip python_module: no $PY"; exit 0; }
for m in numpy pytest; do
  "$PY" -c "import $m" 2>/dev/null || { echo "skip python_module: $PY has no $m (apt-get install python3-$m)"; exit 0; }
done
export WGAN_LIB="$PWD/$BUILD/libwgan.so"
# A sanitized library (make asan) needs its runtime loaded first; Python's own
# allocations that live until exit are no leaks of ours.
if ldd "$WGAN_LIB" 2>/dev/null | grep -q libasan; then
  export LD_PRELOAD="$(gcc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0
fi
tests=python/tests
# make test's second pass names a sanitized CLI: only the comparisons with the CLI run again
[ "${WGAN_BIN:-$PWD/$BUILD/wgan}" = "$PWD/$BUILD/wgan" ] || tests=python/tests/test_cli.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "seed fixed per test (numpy default_rng)"
PYTHONPATH="$PWD/python" PYTHONDONTWRITEBYTECODE=1 \
  "$PY" -m pytest -q -p no:cacheprovider "$tests" --lines "$T/lines" >"$T/out" 2>&1
rc=$?
cat "$T/lines" 2>/dev/null
# exit 1 is failed tests, and their lines say so; any other failure is pytest's own trouble
if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$T/lines" 2>/dev/null; then
  echo "FAIL pytest: exit $rc: $(tail -n 5 "$T/out" | tr '\n' ' ')"
fi
exit 0
