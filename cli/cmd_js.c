/* wgan js: the Jensen-Shannon (or KL) divergence of two histograms. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"

static const wg_field fields[] = {
    CLI_OPTION("kl", "--kl", WG_FIELD_FLAG, 0, sizeof(int), 0, 1, NULL, "print KL(P || Q) instead (inf where some q = 0 < p)"),
};

/* A histogram file: one weight per line. 0, or the exit code. */
static int read_histogram(const char *path, double **p, int64_t *n) {
  int cols;
  if (wg_csv_read(path, p, n, &cols) != WG_OK) return cli_fail_lib();
  return cols == 1 ? 0 : cli_fail(2, "%s: a histogram has one number per line, found %d columns", path, cols);
}

int cmd_js(int argc, char **argv) {
  int kl = 0, npos;
  const char *pos[2];
  cli_group g = {fields, 1, &kl, NULL};
  cli_command c = {.usage = "usage: wgan js P.csv Q.csv [--kl]\n"
                            "  Prints JS(P, Q) of two histograms (one weight per line, each normalised to 1; "
                            "natural log).\n",
                   .groups = &g, .ngroups = 1, .pos = pos, .max_pos = 2, .npos = &npos};
  int code = cli_parse(&c, argc, argv);
  if (code) return code == 1 ? 0 : code;
  if (npos < 2) return cli_fail(2, "needs two histogram files P.csv Q.csv (wgan js --help)");
  double *p = NULL, *q = NULL, v;
  int64_t np, nq;
  if ((code = read_histogram(pos[0], &p, &np)) || (code = read_histogram(pos[1], &q, &nq))) {
  } else if (np != nq) {
    code = cli_fail(2, "histograms of different lengths: %lld in %s, %lld in %s", (long long)np, pos[0],
                    (long long)nq, pos[1]);
  } else if ((kl ? wg_kl_divergence : wg_js_divergence)(p, q, np, &v)) {
    code = cli_fail_lib();
  } else {
    printf("%.17g\n", v);
  }
  free(p), free(q);
  return code;
}
