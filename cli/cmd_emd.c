/* wgan emd: the exact Wasserstein distance between two point sets in CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "wgan/csv.h"
#include "wgan/ot.h"

static const char *usage_text =
    "usage: wgan emd A.csv B.csv [options]\n"
    "  Prints the Wasserstein distance between the point sets A and B (one point per row).\n"
    "  --weights-a FILE, --weights-b FILE   one weight per line (default: 1/n each)\n"
    "  --metric euclidean|sqeuclidean|cityblock   ground cost (default euclidean)\n"
    "  --p P            W_p = (min sum pi c^p)^(1/p), P >= 1 (default 1)\n"
    "  --cost M.csv     an n x m ground-cost matrix instead of the metric\n"
    "  --plan OUT.csv   write the plan as rows i,j,mass (0-based indices)\n"
    "  --potentials OUT.csv   write side,index,potential (side 0 = A, 1 = B)\n"
    "  --method exact|sinkhorn   (sinkhorn: an entropic approximation)\n"
    "  --reg EPS        Sinkhorn regularisation (default 0.05)\n"
    "  --max-iter N     stop with an error after N pivots / iterations (default: no limit)\n"
    "  --normalize      scale each side's weights to total 1\n"
    "  --verbose        n, m, d, iterations and time on stderr\n";

static int fail(int code, const char *what) {
  fprintf(stderr, "wgan: %s\n", what);
  return code;
}

static int bad_input(void) { return fail(2, wg_last_error()); }

/* A weights file: one column, `count` rows. */
static int read_weights(const char *path, int64_t count, const char *set, double **w) {
  int64_t rows;
  int cols;
  if (wg_csv_read(path, w, &rows, &cols)) return bad_input();
  char msg[512];
  if (cols != 1) {
    snprintf(msg, sizeof msg, "%s: a weights file has one number per line, found %d columns", path,
             cols);
    return fail(2, msg);
  }
  if (rows != count) {
    snprintf(msg, sizeof msg, "%s: %lld weights for the %lld points of %s", path, (long long)rows,
             (long long)count, set);
    return fail(2, msg);
  }
  return 0;
}

static int parse_number(const char *flag, const char *s, double *v) {
  char *end;
  *v = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(*v)) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s: not a number: '%s'", flag, s);
    return fail(2, msg);
  }
  return 0;
}

static int write_plan(const char *path, const wg_emd_result *r) {
  FILE *f = fopen(path, "w");
  if (!f) return 1;
  fprintf(f, "i,j,mass\n");
  for (int64_t k = 0; k < r->plan_len; k++)
    fprintf(f, "%lld,%lld,%.17g\n", (long long)r->plan[k].i, (long long)r->plan[k].j,
            r->plan[k].mass);
  return fclose(f) ? 1 : 0;
}

static int write_potentials(const char *path, const wg_emd_result *r, int64_t n, int64_t m) {
  FILE *f = fopen(path, "w");
  if (!f) return 1;
  fprintf(f, "side,index,potential\n");
  for (int64_t i = 0; i < n; i++) fprintf(f, "0,%lld,%.17g\n", (long long)i, r->f[i]);
  for (int64_t j = 0; j < m; j++) fprintf(f, "1,%lld,%.17g\n", (long long)j, r->g[j]);
  return fclose(f) ? 1 : 0;
}


int cmd_emd(int argc, char **argv) {
  const char *pos[2] = {0}, *wa_path = NULL, *wb_path = NULL, *cost_path = NULL;
  const char *plan_path = NULL, *pot_path = NULL, *method = "exact";
  int npos = 0, verbose = 0;
  wg_emd_options o = wg_emd_defaults();
  o.reg = 0.05;
  char msg[512];
  for (int k = 0; k < argc; k++) {
    const char *a = argv[k];
    int has_value = k + 1 < argc;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage_text, stdout);
      return 0;
    } else if (!strcmp(a, "--verbose")) {
      verbose = 1;
    } else if (!strcmp(a, "--normalize")) {
      o.normalize = 1;
    } else if (a[0] == '-' && a[1] == '-') {
      if (!has_value) {
        snprintf(msg, sizeof msg, "%s needs a value", a);
        return fail(2, msg);
      }
      const char *v = argv[++k];
      double x;
      if (!strcmp(a, "--weights-a")) wa_path = v;
      else if (!strcmp(a, "--weights-b")) wb_path = v;
      else if (!strcmp(a, "--cost")) cost_path = v;
      else if (!strcmp(a, "--plan")) plan_path = v;
      else if (!strcmp(a, "--potentials")) pot_path = v;
      else if (!strcmp(a, "--method")) method = v;
      else if (!strcmp(a, "--metric")) {
        if (!strcmp(v, "euclidean")) o.metric = WG_METRIC_EUCLIDEAN;
        else if (!strcmp(v, "sqeuclidean")) o.metric = WG_METRIC_SQEUCLIDEAN;
        else if (!strcmp(v, "cityblock")) o.metric = WG_METRIC_CITYBLOCK;
        else {
          snprintf(msg, sizeof msg,
                   "unknown metric '%s' (euclidean, sqeuclidean or cityblock)", v);
          return fail(2, msg);
        }
      } else if (!strcmp(a, "--p")) {
        if (parse_number(a, v, &x)) return 2;
        if (!(x >= 1)) {
          snprintf(msg, sizeof msg, "--p must be >= 1 (got %s)", v);
          return fail(2, msg);
        }
        o.p = x;
      } else if (!strcmp(a, "--reg")) {
        if (parse_number(a, v, &x)) return 2;
        if (!(x > 0)) return fail(2, "--reg must be > 0");
        o.reg = x;
      } else if (!strcmp(a, "--max-iter")) {
        if (parse_number(a, v, &x)) return 2;
        if (!(x >= 1) || x != floor(x)) return fail(2, "--max-iter must be a positive integer");
        o.max_iter = (int64_t)x;
      } else {
        snprintf(msg, sizeof msg, "emd: unknown option '%s' (wgan emd --help)", a);
        return fail(2, msg);
      }
    } else if (npos < 2) {
      pos[npos++] = a;
    } else {
      return fail(2, "emd: more than two point files (wgan emd --help)");
    }
  }
  if (npos < 2) return fail(2, "emd: needs two point files A.csv B.csv (wgan emd --help)");
  int sinkhorn = !strcmp(method, "sinkhorn");
  if (!sinkhorn && strcmp(method, "exact")) {
    snprintf(msg, sizeof msg, "unknown method '%s' (exact or sinkhorn)", method);
    return fail(2, msg);
  }
  if (sinkhorn && plan_path) return fail(2, "--plan needs --method exact");

  double *xa = NULL, *xb = NULL, *wa = NULL, *wb = NULL, *C = NULL;
  int64_t n, m;
  int da, db, code = 0;
  wg_emd_result r = {0};
  if (wg_csv_read(pos[0], &xa, &n, &da) || wg_csv_read(pos[1], &xb, &m, &db)) {
    code = bad_input();
    goto done;
  }
  if (da != db) {
    snprintf(msg, sizeof msg, "points of different dimensions: %s has %d columns, %s has %d",
             pos[0], da, pos[1], db);
    code = fail(2, msg);
    goto done;
  }
  if ((wa_path && (code = read_weights(wa_path, n, pos[0], &wa))) ||
      (wb_path && (code = read_weights(wb_path, m, pos[1], &wb))))
    goto done;
  if (cost_path) {
    int64_t rows;
    int cols;
    if (wg_csv_read(cost_path, &C, &rows, &cols)) {
      code = bad_input();
      goto done;
    }
    if (rows != n || cols != m) {
      snprintf(msg, sizeof msg, "%s: a %lld x %d cost matrix for %lld x %lld points", cost_path,
               (long long)rows, cols, (long long)n, (long long)m);
      code = fail(2, msg);
      goto done;
    }
    o.cost = C;
  }
  o.want_plan = plan_path != NULL;
  o.want_potentials = pot_path != NULL;
  double t0 = cli_now();
  wg_status st;
  const char *how;
  if (sinkhorn) {
    how = "sinkhorn (entropic approximation)";
    st = wg_sinkhorn(xa, n, xb, m, da, wa, wb, &o, &r);
  } else if (da == 1 && !C && !plan_path && !pot_path) {
    how = "1-D closed form";
    st = wg_wasserstein_1d(xa, n, wa, xb, m, wb, &o, &r.distance);
  } else {
    how = "network simplex";
    st = wg_emd(xa, n, xb, m, da, wa, wb, &o, &r);
  }
  double elapsed = cli_now() - t0;
  if (st) {
    code = st == WG_ELIMIT || st == WG_ENOMEM ? 1 : 2;
    fail(code, wg_last_error());
    goto done;
  }
  if ((plan_path && write_plan(plan_path, &r)) || (pot_path && write_potentials(pot_path, &r, n, m))) {
    snprintf(msg, sizeof msg, "cannot write %s", plan_path && !pot_path ? plan_path : "the output");
    code = fail(1, msg);
    goto done;
  }
  printf("%.17g\n", r.distance);
  if (verbose)
    fprintf(stderr, "n = %lld, m = %lld, d = %d, %s, iterations = %lld, time = %.3f s\n",
            (long long)n, (long long)m, da, how, (long long)r.iterations, elapsed);
done:
  wg_emd_result_free(&r);
  free(xa), free(xb), free(wa), free(wb), free(C);
  return code;
}
