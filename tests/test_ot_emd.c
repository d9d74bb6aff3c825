/* The exact solver against brute force, closed forms and the optimality
 * certificate (dual feasibility, complementary slackness, marginals), at
 * every vector level the CPU has: the binary runs its cases, then runs
 * itself again under ONEDNN_MAX_CPU_ISA = AVX2 and SSE41 (the level is
 * chosen once per process), each child also checking that its values of a
 * few fixed problems equal the parent's. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brute_force.h"
#include "check.h"
#include "wgan.h"
#include "wgan/ot.h"

static wg_rng rng;

static void fill_normal(double *x, int64_t len, double shift) {
  for (int64_t k = 0; k < len; k++) x[k] = wg_rng_normal(&rng) + shift;
}

static double dist(const double *x, const double *y, int d, wg_metric metric) {
  double s = 0;
  for (int k = 0; k < d; k++) {
    double t = x[k] - y[k];
    s += metric == WG_METRIC_CITYBLOCK ? fabs(t) : t * t;
  }
  return metric == WG_METRIC_EUCLIDEAN ? sqrt(s) : s;
}

/* min over permutations of sum c(x_i, y_perm(i)) / n. */
static double brute_force(const double *x, const double *y, int n, int d, wg_metric metric) {
  double c[64];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) c[i * n + j] = dist(x + i * d, y + j * d, d, metric);
  return brute_force_assignment(c, n) / n;
}

static void permutations_small(void) {
  for (int n = 1; n <= 7; n++)
    for (int rep = 0; rep < 6; rep++) {
      int d = 1 + rep % 3;
      wg_metric metric = (wg_metric)(rep % 3);
      double x[7 * 3], y[7 * 3];
      fill_normal(x, n * d, 0);
      fill_normal(y, n * d, 0.5);
      wg_emd_options o = wg_emd_defaults();
      o.metric = metric;
      wg_emd_result r;
      wg_status st = wg_emd(x, n, y, n, d, NULL, NULL, &o, &r);
      CHECK(st == WG_OK, "n=%d: %s", n, wg_last_error());
      CHECK_CLOSE(r.distance, brute_force(x, y, n, d, metric), 1e-13, 1e-12);
      wg_emd_result_free(&r);
    }
}

/* A cloud against itself translated by t: the identity matching costs |t|
 * per pair and no plan does better (W1 >= |mean difference| = |t|). Far
 * from the origin y = x + t rounds, so the check is the pair of bounds on
 * the actual data: |mean(y_i - x_i)| <= W1 <= mean |y_i - x_i| (each
 * difference is exact there), which agree to ~1e-13. */
static void translated_cloud(int n, int d, double offset) {
  double *x = malloc(sizeof(double) * n * d), *y = malloc(sizeof(double) * n * d);
  double *t = malloc(sizeof(double) * d), *mean = calloc((size_t)d, sizeof(double));
  double norm = 0, lo = 0, hi = 0;
  fill_normal(x, (int64_t)n * d, offset);
  for (int k = 0; k < d; k++) t[k] = 0.05 * wg_rng_normal(&rng), norm += t[k] * t[k];
  norm = sqrt(norm);
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < d; k++) {
      y[i * d + k] = x[i * d + k] + t[k];
      mean[k] += (y[i * d + k] - x[i * d + k]) / n;
    }
    hi += dist(x + i * d, y + i * d, d, WG_METRIC_EUCLIDEAN) / n;
  }
  for (int k = 0; k < d; k++) lo += mean[k] * mean[k];
  lo = sqrt(lo);
  wg_emd_result r;
  wg_status st = wg_emd(x, n, y, n, d, NULL, NULL, NULL, &r);
  CHECK(st == WG_OK, "%s", wg_last_error());
  if (offset == 0) CHECK_CLOSE(r.distance, norm, 0, 1e-12);
  CHECK(r.distance >= lo * (1 - 1e-12) && r.distance <= hi * (1 + 1e-12),
        "W1 = %.17g outside [%.17g, %.17g]", r.distance, lo, hi);
  wg_emd_result_free(&r);
  free(x), free(y), free(t), free(mean);
}

static void translated_cloud_d2(void) { translated_cloud(300, 2, 0); }
static void translated_cloud_d784(void) { translated_cloud(200, 784, 0); }
/* Far from the origin, where float costs are off by more than the
 * distances' differences: the float screening must still not miss. */
static void translated_cloud_far(void) {
  translated_cloud(300, 2, 1000);
  translated_cloud(100, 20, 300);
}

/* Checks a result against its certificate. */
static void certify(const double *C, const double *a, const double *b, int n, int m,
                    const wg_emd_result *r) {
  if (n < 1 || m < 1) return;
  double cmax = 0, total = 0;
  for (int e = 0; e < n * m; e++) cmax = fmax(cmax, C[e]);
  for (int i = 0; i < n; i++) total += a[i];
  double tol = 1e-11 * cmax;
  int bad_dual = 0, bad_slack = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++) bad_dual += r->f[i] + r->g[j] > C[i * m + j] + tol;
  double *ra = calloc((size_t)n, sizeof *ra), *rb = calloc((size_t)m, sizeof *rb), primal = 0;
  for (int64_t k = 0; k < r->plan_len; k++) {
    wg_ot_flow e = r->plan[k];
    CHECK(e.mass > 0 && e.i >= 0 && e.i < n && e.j >= 0 && e.j < m, "bad plan entry %lld",
          (long long)k);
    ra[e.i] += e.mass, rb[e.j] += e.mass;
    primal += e.mass * C[e.i * m + e.j];
    bad_slack += fabs(r->f[e.i] + r->g[e.j] - C[e.i * m + e.j]) > tol;
  }
  CHECK(bad_dual == 0, "%d pairs violate f_i + g_j <= C_ij", bad_dual);
  CHECK(bad_slack == 0, "%d plan entries have f_i + g_j != C_ij", bad_slack);
  double worst = 0, dual = 0;
  for (int i = 0; i < n; i++) worst = fmax(worst, fabs(ra[i] - a[i])), dual += a[i] * r->f[i];
  for (int j = 0; j < m; j++) worst = fmax(worst, fabs(rb[j] - b[j])), dual += b[j] * r->g[j];
  CHECK(worst <= 1e-12 * total, "marginals off by %g", worst);
  CHECK_CLOSE(primal, r->cost, 0, 1e-12);
  CHECK_CLOSE(dual, r->cost, 1e-12 * cmax, 1e-10);
  free(ra), free(rb);
}

/* Fills C with the costs, solves from the points and again from C, and
 * certifies both results. a, b go to wg_emd (NULL: uniform); wa, wb are the
 * weights the certificate checks, so they are given even when a, b are NULL. */
static void certify_points_and_matrix(const double *x, int n, const double *y, int m, int d,
                                      wg_metric metric, const double *a, const double *b,
                                      const double *wa, const double *wb, double *C) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++) C[i * m + j] = dist(x + i * d, y + j * d, d, metric);
  wg_emd_options o = wg_emd_defaults();
  o.metric = metric;
  o.want_plan = o.want_potentials = 1;
  wg_emd_result r;
  wg_status st = wg_emd(x, n, y, m, d, a, b, &o, &r);
  CHECK(st == WG_OK, "%s", wg_last_error());
  if (st == WG_OK) certify(C, wa, wb, n, m, &r);
  wg_emd_result_free(&r);
  o.cost = C;
  st = wg_emd(NULL, n, NULL, m, 0, a, b, &o, &r);
  CHECK(st == WG_OK, "%s", wg_last_error());
  if (st == WG_OK) certify(C, wa, wb, n, m, &r);
  wg_emd_result_free(&r);
}

static void certificate_random(void) {
  const int sizes[][3] = {{37, 53, 2}, {120, 80, 3}, {200, 311, 2}, {64, 40, 10}, {150, 149, 1}};
  for (int s = 0; s < 5; s++) {
    int n = sizes[s][0], m = sizes[s][1], d = sizes[s][2];
    for (int metric = 0; metric < 3; metric++) {
      double *x = malloc(sizeof(double) * n * d), *y = malloc(sizeof(double) * m * d);
      double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * m);
      double *C = malloc(sizeof(double) * n * m), ta = 0, tb = 0;
      fill_normal(x, n * d, 0);
      fill_normal(y, m * d, 1);
      for (int i = 0; i < n; i++) a[i] = wg_rng_uniform(&rng), ta += a[i];
      for (int j = 0; j < m; j++) b[j] = wg_rng_uniform(&rng), tb += b[j];
      for (int j = 0; j < m; j++) b[j] *= ta / tb;
      certify_points_and_matrix(x, n, y, m, d, (wg_metric)metric, a, b, a, b, C);
      free(x), free(y), free(a), free(b), free(C);
    }
  }
}

/* n = m with uniform weights is an assignment problem, solved from the
 * auction's warm start when costs come from a matrix (d = 12, or the
 * user's matrix; d <= 4 from points uses the greedy start): the
 * certificate on random clouds (every metric, both ways), on heavy
 * duplicates (5 distinct locations per side, or one), and on exact ties
 * (integer grid points: many equal costs). */
static void certificate_assignment(void) {
  const int cases[][3] = {{150, 2, 0}, {90, 12, 0}, {100, 2, 1}, {120, 3, 2}, {2, 2, 0}, {50, 2, 3}};
  for (int s = 0; s < 6; s++) {
    int n = cases[s][0], d = cases[s][1], kind = cases[s][2];
    double *x = malloc(sizeof(double) * n * d), *y = malloc(sizeof(double) * n * d);
    double *u = malloc(sizeof(double) * n), *C = malloc(sizeof(double) * n * n);
    fill_normal(x, n * d, 0);
    fill_normal(y, n * d, 0.7);
    if (kind == 1)
      for (int i = 0; i < n; i++)
        for (int k = 0; k < d; k++) x[i * d + k] = x[(i % 5) * d + k], y[i * d + k] = y[(i % 5) * d + k];
    if (kind == 2)
      for (int e = 0; e < n * d; e++) x[e] = floor(3 * x[e]), y[e] = floor(3 * y[e]);
    if (kind == 3)
      for (int e = 0; e < n * d; e++) x[e] = x[e % d], y[e] = y[e % d];
    for (int i = 0; i < n; i++) u[i] = 1.0 / n;
    for (int metric = 0; metric < 3; metric++)
      certify_points_and_matrix(x, n, y, n, d, (wg_metric)metric, NULL, NULL, u, u, C);
    free(x), free(y), free(u), free(C);
  }
}

/* Zero weights, duplicate points, a single point, sparse weights. */
static void degenerate_inputs(void) {
  int n = 60, m = 45, d = 2;
  double x[60 * 2], y[45 * 2], a[60], b[45], C[60 * 45];
  fill_normal(x, n * d, 0);
  fill_normal(y, m * d, 0);
  for (int i = 0; i < 20; i++) x[2 * (i + 20)] = x[2 * i], x[2 * (i + 20) + 1] = x[2 * i + 1];
  for (int j = 0; j < 10; j++) y[2 * j] = x[2 * j], y[2 * j + 1] = x[2 * j + 1];
  double ta = 0, tb = 0;
  for (int i = 0; i < n; i++) a[i] = i % 3 == 0 ? 0 : (double)(1 + i % 4), ta += a[i];
  for (int j = 0; j < m; j++) b[j] = j % 5 == 1 ? 0 : (double)(1 + j % 2), tb += b[j];
  for (int j = 0; j < m; j++) b[j] *= ta / tb;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++) C[i * m + j] = dist(x + i * d, y + j * d, d, WG_METRIC_EUCLIDEAN);
  wg_emd_options o = wg_emd_defaults();
  o.want_plan = o.want_potentials = 1;
  wg_emd_result r;
  CHECK(wg_emd(x, n, y, m, d, a, b, &o, &r) == WG_OK, "%s", wg_last_error());
  certify(C, a, b, n, m, &r);
  wg_emd_result_free(&r);

  /* a single point against many: the mean distance */
  double one[2] = {0.3, -0.2}, mean = 0;
  for (int j = 0; j < m; j++) mean += dist(one, y + 2 * j, 2, WG_METRIC_EUCLIDEAN) / m;
  CHECK(wg_emd(one, 1, y, m, 2, NULL, NULL, NULL, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, mean, 0, 1e-13);
  wg_emd_result_free(&r);
  CHECK(wg_emd(one, 1, one, 1, 2, NULL, NULL, NULL, &r) == WG_OK, "%s", wg_last_error());
  CHECK(r.distance == 0, "single point against itself: %g", r.distance);
  wg_emd_result_free(&r);

  /* every point duplicated: sets equal up to order give 0 */
  double z[40 * 2];
  for (int i = 0; i < 40; i++) z[2 * i] = x[2 * (39 - i)], z[2 * i + 1] = x[2 * (39 - i) + 1];
  CHECK(wg_emd(x, 40, z, 40, 2, NULL, NULL, NULL, &r) == WG_OK, "%s", wg_last_error());
  CHECK(fabs(r.distance) < 1e-15, "permuted copy: %g", r.distance);
  wg_emd_result_free(&r);
}

/* Non-uniform small cases with a known answer worked by hand. */
static void small_weighted(void) {
  /* 1-D points as 2-D: mass 0.5 at 0 and 0.5 at 1 against all at 0.25:
   * 0.5*0.25 + 0.5*0.75 = 0.5 */
  double x[4] = {0, 0, 1, 0}, y[2] = {0.25, 0};
  wg_emd_result r;
  CHECK(wg_emd(x, 2, y, 1, 2, NULL, NULL, NULL, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, 0.5, 0, 1e-15);
  wg_emd_result_free(&r);
  /* weights (3, 1) at 0 and 2 against (1, 3) at 0 and 2: move 2 units a
   * distance 2 out of a total mass 4 -> cost 4 total, W1 = 4 (unnormalised) */
  double p[4] = {0, 0, 2, 0}, wa[2] = {3, 1}, wb[2] = {1, 3};
  CHECK(wg_emd(p, 2, p, 2, 2, wa, wb, NULL, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, 4, 0, 1e-15);
  wg_emd_result_free(&r);
  /* normalised: 0.5 */
  wg_emd_options o = wg_emd_defaults();
  o.normalize = 1;
  double wb2[2] = {2, 6};
  CHECK(wg_emd(p, 2, p, 2, 2, wa, wb2, &o, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, 1, 0, 1e-15);
  wg_emd_result_free(&r);
  /* W2 with p = 2: sqrt(0.5 * 2^2) */
  o.p = 2;
  CHECK(wg_emd(p, 2, p, 2, 2, wa, wb2, &o, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, sqrt(2), 0, 1e-15);
  wg_emd_result_free(&r);
}

static void errors(void) {
  double x[4] = {0, 0, 1, 1}, w[2] = {1, 1}, wneg[2] = {1, -1}, wz[2] = {0, 0}, wbig[2] = {1, 2};
  wg_emd_result r;
  wg_emd_options o = wg_emd_defaults();
  CHECK(wg_emd(x, 2, x, 2, 2, wneg, w, NULL, &r) == WG_EINVAL, "negative weight accepted");
  CHECK(strstr(wg_last_error(), "negative") != NULL, "message: %s", wg_last_error());
  CHECK(wg_emd(x, 2, x, 2, 2, wz, w, NULL, &r) == WG_EINVAL, "all-zero weights accepted");
  CHECK(wg_emd(x, 2, x, 2, 2, w, wbig, NULL, &r) == WG_EINVAL, "unequal masses accepted");
  CHECK(strstr(wg_last_error(), "unequal") != NULL, "message: %s", wg_last_error());
  o.p = 0.5;
  CHECK(wg_emd(x, 2, x, 2, 2, NULL, NULL, &o, &r) == WG_EINVAL, "p < 1 accepted");
  o = wg_emd_defaults();
  o.metric = (wg_metric)7;
  CHECK(wg_emd(x, 2, x, 2, 2, NULL, NULL, &o, &r) == WG_EINVAL, "unknown metric accepted");
  double bad[4] = {0, NAN, 1, 1};
  CHECK(wg_emd(bad, 2, x, 2, 2, NULL, NULL, NULL, &r) == WG_ENUMERIC, "NaN accepted");
  CHECK(r.plan == NULL && r.distance == 0, "result not zeroed on failure");
}

/* A limit that is reached is an error, never a number; a generous one is not. */
static void iteration_limit(void) {
  int n = 300;
  double *x = malloc(sizeof(double) * n * 2), *y = malloc(sizeof(double) * n * 2);
  fill_normal(x, n * 2, 0);
  fill_normal(y, n * 2, 0.3);
  wg_emd_options o = wg_emd_defaults();
  wg_emd_result r;
  CHECK(wg_emd(x, n, y, n, 2, NULL, NULL, &o, &r) == WG_OK, "%s", wg_last_error());
  int64_t needed = r.iterations;
  double w = r.distance;
  wg_emd_result_free(&r);
  CHECK(needed > 10, "only %lld pivots", (long long)needed);
  o.max_iter = needed / 2;
  CHECK(wg_emd(x, n, y, n, 2, NULL, NULL, &o, &r) == WG_ELIMIT, "limit reached but no error");
  CHECK(r.distance == 0, "a number came back: %g", r.distance);
  o.max_iter = needed;
  CHECK(wg_emd(x, n, y, n, 2, NULL, NULL, &o, &r) == WG_OK, "%s", wg_last_error());
  CHECK(r.distance == w, "%.17g != %.17g", r.distance, w);
  wg_emd_result_free(&r);
  free(x), free(y);
}

/* float points give the same answer as the same values in double */
static void float_entry(void) {
  int n = 50, m = 70, d = 5;
  float xf[50 * 5], yf[70 * 5];
  double xd[50 * 5], yd[70 * 5];
  for (int k = 0; k < n * d; k++) xf[k] = (float)wg_rng_normal(&rng), xd[k] = xf[k];
  for (int k = 0; k < m * d; k++) yf[k] = (float)wg_rng_normal(&rng), yd[k] = yf[k];
  wg_emd_result r1, r2;
  CHECK(wg_emd_f32(xf, n, yf, m, d, NULL, NULL, NULL, &r1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_emd(xd, n, yd, m, d, NULL, NULL, NULL, &r2) == WG_OK, "%s", wg_last_error());
  CHECK(r1.distance == r2.distance, "%.17g != %.17g", r1.distance, r2.distance);
  wg_emd_result_free(&r1);
  wg_emd_result_free(&r2);
}

/* The values of fixed problems that take each costly path: costs on the
 * fly at d = 2 (float screening), the auction over a float matrix (d = 12),
 * random weights through a matrix (d = 5). */
#define N_REFERENCE 3
static void reference_values(double *out) {
  wg_rng own;
  wg_rng_seed(&own, 7);
  static double x[400 * 12], y[400 * 12], wa[400], wb[400];
  const int n[N_REFERENCE] = {400, 300, 250}, dim[N_REFERENCE] = {2, 12, 5};
  for (int c = 0; c < N_REFERENCE; c++) {
    for (int k = 0; k < n[c] * dim[c]; k++) x[k] = wg_rng_normal(&own), y[k] = wg_rng_normal(&own) + 0.5;
    for (int k = 0; k < n[c]; k++) wa[k] = wg_rng_uniform(&own) + 0.1, wb[k] = wg_rng_uniform(&own) + 0.1;
    wg_emd_options o = wg_emd_defaults();
    o.normalize = 1;
    wg_emd_result r;
    out[c] = wg_emd(x, n[c], y, n[c], dim[c], c == 2 ? wa : NULL, c == 2 ? wb : NULL, &o, &r)
                 ? NAN
                 : r.distance;
    wg_emd_result_free(&r);
  }
}

static const char *at_level(const char *name) {
  static char buf[96];
  snprintf(buf, sizeof buf, "%s@%s", name, wg_isa_name(wg_isa_active()));
  return buf;
}
#define RUN_HERE(fn) RUN_AS(at_level(#fn), fn())

static void run_cases(void) {
  RUN_HERE(permutations_small);
  RUN_HERE(translated_cloud_d2);
  RUN_HERE(translated_cloud_d784);
  RUN_HERE(translated_cloud_far);
  RUN_HERE(certificate_random);
  RUN_HERE(certificate_assignment);
  RUN_HERE(degenerate_inputs);
  RUN_HERE(small_weighted);
  RUN_HERE(errors);
  RUN_HERE(iteration_limit);
  RUN_HERE(float_entry);
}

/* In a child: its reference values against the parent's (argv, hex). */
static const char *const *parent_values;
static void same_values_as_widest(void) {
  double v[N_REFERENCE];
  reference_values(v);
  for (int c = 0; c < N_REFERENCE; c++) CHECK_CLOSE(v[c], strtod(parent_values[c], NULL), 0, 1e-12);
}

/* This binary again under the cap, at a level below this process's; the
 * case passes when every case of the child did (its lines are printed as
 * they come). */
static void run_capped(const char *cap) {
  double v[N_REFERENCE];
  reference_values(v);
  char hex[N_REFERENCE][40];
  for (int c = 0; c < N_REFERENCE; c++) snprintf(hex[c], sizeof hex[c], "%a", v[c]);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("ONEDNN_MAX_CPU_ISA", cap, 1);
    execl("/proc/self/exe", "test_ot_emd", "child", hex[0], hex[1], hex[2], (char *)NULL);
    _exit(3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ONEDNN_MAX_CPU_ISA=%s: status %d", cap, status);
}
static void level_avx2(void) { run_capped("AVX2"); }
static void level_baseline(void) { run_capped("SSE41"); }
static void level_avx512(void) { SKIP("the widest level here is %s (CPU or cap)", wg_isa_name(wg_isa_active())); }
static void level_avx2_absent(void) { SKIP("the widest level here is baseline (CPU or cap)"); }

int main(int argc, char **argv) {
  wg_rng_seed(&rng, check_seed(20240601));
  run_cases();
  if (argc == 2 + N_REFERENCE && !strcmp(argv[1], "child")) {
    parent_values = (const char *const *)argv + 2;
    RUN_HERE(same_values_as_widest);
    CHECK_EXIT();
  }
  const wg_isa top = wg_isa_active();
  if (top < WG_ISA_AVX512) RUN_AS("level_avx512", level_avx512());
  if (top > WG_ISA_AVX2) RUN(level_avx2);
  if (top < WG_ISA_AVX2) RUN_AS("level_avx2", level_avx2_absent());
  if (top > WG_ISA_BASELINE) RUN(level_baseline);
  CHECK_EXIT();
}
