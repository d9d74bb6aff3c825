/* The 1-D closed form: quantile grids, against the general solver, weights, p. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "wgan.h"

static wg_rng rng;

/* Inverse of the standard normal CDF by bisection on erfc (slow, exact enough). */
static double normal_quantile(double u) {
  double lo = -40, hi = 40;
  for (int k = 0; k < 200; k++) {
    double mid = 0.5 * (lo + hi);
    if (0.5 * erfc(-mid / sqrt(2)) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Quantile grids of N(0,1) and N(3,1): every quantile pair is 3 apart. */
static void gaussian_quantiles(void) {
  int n = 2000;
  double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) x[i] = normal_quantile((i + 0.5) / n), y[i] = x[i] + 3;
  /* shuffle y so that the sort matters */
  for (int i = n - 1; i > 0; i--) {
    int j = (int)wg_rng_below(&rng, (uint64_t)i + 1);
    double t = y[i];
    y[i] = y[j], y[j] = t;
  }
  double w;
  wg_emd_options o = wg_emd_defaults();
  for (double p = 1; p <= 3; p++) {
    o.p = p;
    CHECK(wg_wasserstein_1d(x, n, NULL, y, n, NULL, &o, &w) == WG_OK, "%s", wg_last_error());
    CHECK_CLOSE(w, 3, 0, 1e-13);
  }
  free(x), free(y);
}

/* Sizes n != m, random weights, several p and metrics: equals wg_emd. */
static void against_general_solver(void) {
  const int sizes[][2] = {{50, 73}, {200, 120}, {1, 9}};
  for (int s = 0; s < 3; s++) {
    int n = sizes[s][0], m = sizes[s][1];
    double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * m);
    double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * m);
    for (int i = 0; i < n; i++) x[i] = wg_rng_normal(&rng), a[i] = wg_rng_uniform(&rng);
    for (int j = 0; j < m; j++) y[j] = 2 * wg_rng_normal(&rng) + 1, b[j] = wg_rng_uniform(&rng);
    if (n > 2) a[1] = 0; /* a zero weight */
    x[0] = x[n - 1];     /* a duplicate */
    for (int metric = 0; metric < 3; metric++)
      for (double p = 1; p <= 2.5; p += 0.75) {
        wg_emd_options o = wg_emd_defaults();
        o.metric = (wg_metric)metric;
        o.p = p;
        o.normalize = 1;
        double w1;
        wg_emd_result r;
        CHECK(wg_wasserstein_1d(x, n, a, y, m, b, &o, &w1) == WG_OK, "%s", wg_last_error());
        CHECK(wg_emd(x, n, y, m, 1, a, b, &o, &r) == WG_OK, "%s", wg_last_error());
        CHECK_CLOSE(w1, r.distance, 0, 1e-11);
        wg_emd_result_free(&r);
        /* uniform weights too */
        CHECK(wg_wasserstein_1d(x, n, NULL, y, m, NULL, &o, &w1) == WG_OK, "%s", wg_last_error());
        CHECK(wg_emd(x, n, y, m, 1, NULL, NULL, &o, &r) == WG_OK, "%s", wg_last_error());
        CHECK_CLOSE(w1, r.distance, 0, 1e-11);
        wg_emd_result_free(&r);
      }
    free(x), free(y), free(a), free(b);
  }
}

/* Negative numbers, -0.0 and ties sort correctly: W(x, x reversed) = 0. */
static void sort_order(void) {
  double x[8] = {-3.5, 2, -0.0, 0.0, 1e-300, -1e300, 7, 2}, y[8];
  for (int k = 0; k < 8; k++) y[k] = x[7 - k];
  double w;
  CHECK(wg_wasserstein_1d(x, 8, NULL, y, 8, NULL, NULL, &w) == WG_OK, "%s", wg_last_error());
  CHECK(w == 0, "W = %g", w);
  double z[2] = {-1, 1}, zero[1] = {0};
  CHECK(wg_wasserstein_1d(z, 2, NULL, zero, 1, NULL, NULL, &w) == WG_OK, "%s", wg_last_error());
  CHECK(w == 1, "W = %g", w);
}

static void errors(void) {
  double x[2] = {0, 1}, bad[2] = {0, INFINITY}, w;
  wg_emd_options o = wg_emd_defaults();
  CHECK(wg_wasserstein_1d(x, 2, NULL, bad, 2, NULL, NULL, &w) == WG_ENUMERIC, "inf accepted");
  o.p = 0.9;
  CHECK(wg_wasserstein_1d(x, 2, NULL, x, 2, NULL, &o, &w) == WG_EINVAL, "p < 1 accepted");
  double wa[2] = {1, 1}, wb[2] = {1, 2};
  CHECK(wg_wasserstein_1d(x, 2, wa, x, 2, wb, NULL, &w) == WG_EINVAL, "unequal masses accepted");
}

int main(void) {
  wg_rng_seed(&rng, check_seed(7));
  RUN(gaussian_quantiles);
  RUN(against_general_solver);
  RUN(sort_order);
  RUN(errors);
  CHECK_EXIT();
}
