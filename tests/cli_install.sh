#!/usr/bin/env bash
# make install PREFIX=...: a program that only wants EMD compiles against the
# installed header and library through pkg-config, statically and dynamically;
# the README's training example compiles and trains (3 iterations).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
BUILD=${BUILD:-build}
case "$BUILD" in build) ;; *) echo "ok install_skipped_for_sanitizer_build"; exit 0 ;; esac
cat > "$T/emd.c" <<'C'
#include <stdio.h>
#include <wgan.h>
int main(void) {
  double a[] = {0, 0, 1, 0}, b[] = {0, 1, 1, 1}; /* two points moved by 1 each */
  wg_emd_result r;
  if (wg_emd(a, 2, b, 2, 2, NULL, NULL, NULL, &r) != WG_OK) return 1;
  printf("%.17g\n", r.distance);
  wg_emd_result_free(&r);
  return 0;
}
C
if make --no-print-directory install PREFIX="$T/prefix" >"$T/log" 2>&1; then echo "ok make_install"
else echo "FAIL make_install: $(tail -n 3 "$T/log")"; exit 1; fi
# wgan train --help names docs/quality.md: it is installed, with the figures its pages show
doc="$T/prefix/share/doc/wgan"
missing=$(grep -oh 'figures/[a-z0-9_-]*\.png' "$doc"/docs/*.md | sort -u | while read -r f; do [ -f "$doc/docs/$f" ] || echo "$f"; done)
if [ -f "$doc/docs/quality.md" ] && [ -f "$doc/README.md" ] && [ -z "$missing" ]; then echo "ok docs_installed"
else echo "FAIL docs_installed: quality.md $([ -f "$doc/docs/quality.md" ] && echo present || echo missing); figures missing: $missing"; fi
export PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig"
if cc "$T/emd.c" $(pkg-config --cflags --libs wgan) -Wl,-rpath,"$T/prefix/lib" -o "$T/dyn" 2>"$T/log" &&
   [ "$("$T/dyn")" = 1 ]; then echo "ok link_shared_via_pkg_config"
else echo "FAIL link_shared_via_pkg_config: $(tail -n 3 "$T/log")"; fi
if cc "$T/emd.c" $(pkg-config --cflags wgan) "$T/prefix/lib/libwgan.a" $(pkg-config --libs --static wgan | sed 's/-lwgan//') \
     -o "$T/static" 2>"$T/log" && [ "$("$T/static")" = 1 ] && [ -x "$T/prefix/bin/wgan" ]; then
  echo "ok link_static_via_pkg_config"
else echo "FAIL link_static_via_pkg_config: $(tail -n 3 "$T/log")"; fi

# The README's training snippet, with fewer iterations and its run folder here.
awk '/^```c$/ { block = ""; inside = 1; next } /^```$/ { if (inside && block ~ /wg_run_open_config/) print block; inside = 0 }
     inside { block = block $0 "\n" }' README.md | sed "s/cfg.iters = 2000/cfg.iters = 3/; s|\"runs/toy\"|\"$T/toy\"|" > "$T/snippet"
{ echo '#include <stdio.h>'; echo '#include <wgan.h>'; echo 'int main(void) {'; cat "$T/snippet"; echo 'return 0; }'; } > "$T/train.c"
if [ -s "$T/snippet" ] && cc "$T/train.c" $(pkg-config --cflags --libs wgan) -Wl,-rpath,"$T/prefix/lib" -o "$T/train" 2>"$T/log" &&
   "$T/train" && [ "$(wc -l < "$T/toy/metrics.csv")" -eq 4 ] && [ -s "$T/toy/checkpoint.safetensors" ]; then
  echo "ok readme_training_example"
else echo "FAIL readme_training_example: $(tail -n 3 "$T/log")"; fi
