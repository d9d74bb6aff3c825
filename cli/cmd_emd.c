/* wgan emd: the exact Wasserstein distance between two point sets in CSV. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"

typedef struct {
  wg_emd_options ot;
  int method, verbose;
  const char *weights_a, *weights_b, *cost, *plan, *potentials;
} emd_cli;

static const char *const metrics[] = {"euclidean", "sqeuclidean", "cityblock", NULL};
static const char *const methods[] = {"exact", "sinkhorn", NULL};

#define AT(member) WG_FIELD_AT(emd_cli, member)
static const wg_field fields[] = {
    CLI_OPTION("weights_a", "--weights-a", WG_FIELD_STRING, AT(weights_a), 0, 0, NULL, "one weight per line (default: 1/n each)"),
    CLI_OPTION("weights_b", "--weights-b", WG_FIELD_STRING, AT(weights_b), 0, 0, NULL, "the same for B"),
    CLI_OPTION("metric", "--metric", WG_FIELD_CHOICE, AT(ot.metric), 0, 0, metrics, "euclidean|sqeuclidean|cityblock ground cost"),
    CLI_OPTION("p", "--p", WG_FIELD_DOUBLE, AT(ot.p), 1, 1e300, NULL, "W_p = (min sum pi c^p)^(1/p)"),
    CLI_OPTION("cost", "--cost", WG_FIELD_STRING, AT(cost), 0, 0, NULL, "an n x m ground-cost matrix M.csv instead of the metric"),
    CLI_OPTION("plan", "--plan", WG_FIELD_STRING, AT(plan), 0, 0, NULL, "write the plan OUT.csv as rows i,j,mass (0-based)"),
    CLI_OPTION("potentials", "--potentials", WG_FIELD_STRING, AT(potentials), 0, 0, NULL,
     "write OUT.csv of side,index,potential (side 0 = A, 1 = B)"),
    CLI_OPTION("method", "--method", WG_FIELD_CHOICE, AT(method), 0, 0, methods, "exact|sinkhorn (an entropic approximation)"),
    CLI_OPTION("reg", "--reg", WG_FIELD_DOUBLE, AT(ot.reg), 1e-300, 1e300, NULL, "Sinkhorn regularisation"),
    CLI_OPTION("max_iter", "--max-iter", WG_FIELD_INT64, AT(ot.max_iter), 1, 9e18, NULL,
     "stop with an error after N pivots / iterations (default: no limit)"),
    CLI_OPTION("normalize", "--normalize", WG_FIELD_FLAG, AT(ot.normalize), 0, 1, NULL, "scale each side's weights to total 1"),
    CLI_OPTION("verbose", "--verbose", WG_FIELD_FLAG, AT(verbose), 0, 1, NULL, "n, m, d, iterations and time on stderr"),
};

/* One weight per line for the count points of set; 0, or the exit code. */
static int read_weights(const char *path, int64_t count, const char *set, double **w) {
  int64_t rows;
  int cols;
  if (wg_csv_read(path, w, &rows, &cols) != WG_OK) return cli_fail_lib();
  if (cols != 1) return cli_fail(2, "%s: a weights file has one number per line, found %d columns", path, cols);
  if (rows != count)
    return cli_fail(2, "%s: %lld weights for the %lld points of %s", path, (long long)rows, (long long)count, set);
  return 0;
}

/* The points of A and B, their weights and the cost matrix the options
 * name; 0, or the exit code. */
static int read_inputs(const emd_cli *o, const char *const *pos, double **x, int64_t *nm, int *d, double **w,
                       double **cost) {
  if (wg_csv_read(pos[0], &x[0], &nm[0], &d[0]) != WG_OK || wg_csv_read(pos[1], &x[1], &nm[1], &d[1]) != WG_OK)
    return cli_fail_lib();
  if (d[0] != d[1])
    return cli_fail(2, "points of different dimensions: %s has %d columns, %s has %d", pos[0], d[0], pos[1], d[1]);
  int code = 0;
  if ((o->weights_a && (code = read_weights(o->weights_a, nm[0], pos[0], &w[0]))) ||
      (o->weights_b && (code = read_weights(o->weights_b, nm[1], pos[1], &w[1]))) || !o->cost)
    return code;
  int64_t rows;
  int cols;
  if (wg_csv_read(o->cost, cost, &rows, &cols) != WG_OK) return cli_fail_lib();
  if (rows != nm[0] || cols != nm[1])
    return cli_fail(2, "%s: a %lld x %d cost matrix for %lld x %lld points", o->cost, (long long)rows, cols,
                    (long long)nm[0], (long long)nm[1]);
  return 0;
}

static int write_outputs(const emd_cli *o, const wg_emd_result *r, int64_t n, int64_t m) {
  FILE *f = o->plan ? fopen(o->plan, "w") : NULL;
  if (o->plan && f) {
    fprintf(f, "i,j,mass\n");
    for (int64_t k = 0; k < r->plan_len; k++)
      fprintf(f, "%lld,%lld,%.17g\n", (long long)r->plan[k].i, (long long)r->plan[k].j, r->plan[k].mass);
  }
  if (o->plan && (!f || fclose(f))) return cli_fail(1, "cannot write %s", o->plan);
  if (!o->potentials) return 0;
  if (!(f = fopen(o->potentials, "w"))) return cli_fail(1, "cannot write %s", o->potentials);
  fprintf(f, "side,index,potential\n");
  for (int64_t i = 0; i < n; i++) fprintf(f, "0,%lld,%.17g\n", (long long)i, r->f[i]);
  for (int64_t j = 0; j < m; j++) fprintf(f, "1,%lld,%.17g\n", (long long)j, r->g[j]);
  return fclose(f) ? cli_fail(1, "cannot write %s", o->potentials) : 0;
}

static int solve(const emd_cli *o, const double *xa, int64_t n, const double *xb, int64_t m, int d, const double *wa,
                 const double *wb) {
  wg_emd_result r = {0};
  const char *how;
  double t0 = wg_seconds();
  int code = wg_transport(xa, n, xb, m, d, wa, wb, &o->ot, (wg_ot_method)o->method, &r, &how) ? cli_fail_lib() : 0;
  double elapsed = wg_seconds() - t0;
  if (!code) code = write_outputs(o, &r, n, m);
  if (!code) printf("%.17g\n", r.distance);
  if (!code && o->verbose)
    fprintf(stderr, "n = %lld, m = %lld, d = %d, %s, iterations = %lld, time = %.3f s\n", (long long)n, (long long)m,
            d, how, (long long)r.iterations, elapsed);
  wg_emd_result_free(&r);
  return code;
}

int cmd_emd(int argc, char **argv) {
  emd_cli o = {.ot = wg_emd_defaults()};
  o.ot.reg = 0.05;
  const char *pos[2];
  int npos;
  cli_group g = {fields, sizeof fields / sizeof fields[0], &o, NULL};
  cli_command c = {.usage = "usage: wgan emd A.csv B.csv [options]\n"
                            "  Prints the Wasserstein distance between the point sets A and B (one point per row).\n",
                   .groups = &g, .ngroups = 1, .pos = pos, .max_pos = 2, .npos = &npos};
  int code = cli_parse(&c, argc, argv);
  if (code) return code == 1 ? 0 : code;
  if (npos < 2) return cli_fail(2, "needs two point files A.csv B.csv (wgan emd --help)");
  o.ot.want_plan = o.plan != NULL;
  o.ot.want_potentials = o.potentials != NULL;
  double *x[2] = {NULL, NULL}, *w[2] = {NULL, NULL}, *cost = NULL;
  int64_t nm[2];
  int d[2];
  if (!(code = read_inputs(&o, pos, x, nm, d, w, &cost))) {
    o.ot.cost = cost;
    code = solve(&o, x[0], nm[0], x[1], nm[1], d[0], w[0], w[1]);
  }
  free(x[0]), free(x[1]), free(w[0]), free(w[1]), free(cost);
  return code;
}
