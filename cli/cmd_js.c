/* wgan js: the Jensen-Shannon (or KL) divergence of two histograms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "wgan/csv.h"
#include "wgan/ot.h"

static const char *usage_text =
    "usage: wgan js P.csv Q.csv [--kl]\n"
    "  Prints JS(P, Q) of two histograms (one weight per line, each normalised to 1; natural log).\n"
    "  --kl   print KL(P || Q) instead (inf where some q = 0 < p)\n";

static int fail(const char *what) {
  fprintf(stderr, "wgan: %s\n", what);
  return 2;
}

int cmd_js(int argc, char **argv) {
  const char *pos[2] = {0};
  int npos = 0, kl = 0;
  char msg[512];
  for (int k = 0; k < argc; k++) {
    if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help")) {
      fputs(usage_text, stdout);
      return 0;
    } else if (!strcmp(argv[k], "--kl")) {
      kl = 1;
    } else if (argv[k][0] == '-' && argv[k][1] == '-') {
      snprintf(msg, sizeof msg, "js: unknown option '%s' (wgan js --help)", argv[k]);
      return fail(msg);
    } else if (npos < 2) {
      pos[npos++] = argv[k];
    } else {
      return fail("js: more than two histogram files");
    }
  }
  if (npos < 2) return fail("js: needs two histogram files P.csv Q.csv (wgan js --help)");
  double *p = NULL, *q = NULL, v;
  int64_t np, nq;
  int cp, cq, code = 0;
  if (wg_csv_read(pos[0], &p, &np, &cp) || wg_csv_read(pos[1], &q, &nq, &cq)) {
    code = fail(wg_last_error());
  } else if (cp != 1 || cq != 1) {
    snprintf(msg, sizeof msg, "%s: a histogram has one number per line, found %d columns",
             cp != 1 ? pos[0] : pos[1], cp != 1 ? cp : cq);
    code = fail(msg);
  } else if (np != nq) {
    snprintf(msg, sizeof msg, "histograms of different lengths: %lld in %s, %lld in %s",
             (long long)np, pos[0], (long long)nq, pos[1]);
    code = fail(msg);
  } else if ((kl ? wg_kl_divergence : wg_js_divergence)(p, q, np, &v)) {
    code = fail(wg_last_error());
  } else {
    printf("%.17g\n", v);
  }
  free(p), free(q);
  return code;
}
