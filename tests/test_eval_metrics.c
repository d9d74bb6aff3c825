/* The evaluation's metrics against closed forms and plain brute force on
 * small inputs: the repetitions' summary, sliced W, the energy distance,
 * the polynomial MMD^2 and KID, k-NN precision and recall. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgan/eval.h"

static uint64_t seed;

static void case_summary_by_hand(void) {
  /* Sorted 1 1 2 3 4 5 6 9: mean 31/8; squared deviations sum to 52.875;
   * the 2.5 % quantile at h = 7 * 0.025 = 0.175 is 1, the 97.5 % at
   * h = 6.825 is 6 + 0.825 * (9 - 6) = 8.475. */
  const double v[] = {3, 1, 4, 1, 5, 9, 2, 6};
  wg_eval_summary s;
  CHECK(wg_eval_summarize(v, 8, &s) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(s.mean, 3.875, 1e-15, 0);
  CHECK_CLOSE(s.std, sqrt(52.875 / 7), 1e-14, 0);
  CHECK_CLOSE(s.se, sqrt(52.875 / 7) / sqrt(8), 1e-14, 0);
  CHECK_CLOSE(s.lo, 1.0, 1e-15, 0);
  CHECK_CLOSE(s.hi, 8.475, 1e-13, 0);
  CHECK(s.count == 8, "count %lld", (long long)s.count);
  /* One value: no spread, the interval is the value. */
  CHECK(wg_eval_summarize(v + 5, 1, &s) == WG_OK && s.std == 0 && s.lo == 9 && s.hi == 9, "one value");
  const double bad[] = {1, NAN};
  CHECK(wg_eval_summarize(bad, 2, &s) == WG_EINVAL, "NaN refused");
  CHECK(wg_eval_summarize(v, 0, &s) == WG_EINVAL, "no values refused");
}

static float *normal_points(int64_t n, int d, uint64_t s) {
  wg_rng r;
  wg_rng_seed(&r, s);
  float *x = malloc(sizeof(float) * (size_t)(n * d));
  wg_rng_fill_normal(&r, x, (size_t)(n * d), 0, 1);
  return x;
}

static void case_sliced_closed_forms(void) {
  const int64_t n = 300;
  const int d = 3, L = 400;
  float *a = normal_points(n, d, seed), *b = malloc(sizeof(float) * n * d);
  const double t[3] = {0.5, -1.0, 2.0};
  for (int64_t i = 0; i < n * d; i++) b[i] = a[i] + (float)t[i % d];
  /* Exactly representable shifts: b - a is t to the float's last bit, so each
   * projection's W_p is |theta.t| up to rounding. */
  wg_sliced_result same, sw1, sw2;
  CHECK(wg_sliced_wasserstein(a, n, a, n, d, 1, L, seed, &same) == WG_OK, "%s", wg_last_error());
  CHECK(same.value == 0 && same.se == 0, "identical sets: %g +- %g", same.value, same.se);
  CHECK(wg_sliced_wasserstein(a, n, b, n, d, 1, L, seed, &sw1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_sliced_wasserstein(a, n, b, n, d, 2, L, seed, &sw2) == WG_OK, "%s", wg_last_error());
  double *theta = malloc(sizeof(double) * L * d), m1 = 0, m2 = 0, ss = 0;
  CHECK(wg_sliced_directions(seed, L, d, theta) == WG_OK, "%s", wg_last_error());
  double proj[400];
  for (int l = 0; l < L; l++) {
    const double *u = theta + l * d;
    CHECK_CLOSE(u[0] * u[0] + u[1] * u[1] + u[2] * u[2], 1.0, 1e-12, 0);
    proj[l] = fabs(u[0] * t[0] + u[1] * t[1] + u[2] * t[2]);
    m1 += proj[l] / L, m2 += proj[l] * proj[l] / L;
  }
  for (int l = 0; l < L; l++) ss += (proj[l] - m1) * (proj[l] - m1);
  CHECK_CLOSE(sw1.value, m1, 1e-5, 1e-5);
  CHECK_CLOSE(sw1.se, sqrt(ss / (L - 1) / L), 1e-5, 1e-3);
  CHECK_CLOSE(sw2.value, sqrt(m2), 1e-5, 1e-5);
  /* Uniform directions in 3-D: E|theta.t| = |t| / 2, E (theta.t)^2 = |t|^2 / 3. */
  const double norm = sqrt(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]);
  CHECK(fabs(sw1.value - norm / 2) < 4 * sw1.se, "SW1 %g +- %g, E = %g", sw1.value, sw1.se, norm / 2);
  CHECK(fabs(sw2.value - norm / sqrt(3.0)) < 0.1 * norm, "SW2 %g, E %g", sw2.value, norm / sqrt(3.0));
  /* d = 1: every direction is +-1, so SW1 is the 1-D W1: {0, 0, 3} to {1, 2, 2} costs (1 + 2 + 1) / 3. */
  const float x[] = {0, 0, 3}, y[] = {1, 2, 2};
  CHECK(wg_sliced_wasserstein(x, 3, y, 3, 1, 1, 7, seed, &sw1) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(sw1.value, 4.0 / 3, 1e-12, 0);
  /* The same values on one thread and on two. */
  wg_sliced_result one, two;
  omp_set_num_threads(1);
  CHECK(wg_sliced_wasserstein(a, n, b, n, d, 1, 50, seed + 1, &one) == WG_OK, "%s", wg_last_error());
  omp_set_num_threads(2);
  CHECK(wg_sliced_wasserstein(a, n, b, n, d, 1, 50, seed + 1, &two) == WG_OK, "%s", wg_last_error());
  CHECK(one.value == two.value && one.se == two.se, "threads: %.17g %.17g", one.value, two.value);
  CHECK(wg_sliced_wasserstein(a, n, b, n, d, 0.5, 10, seed, &one) == WG_EINVAL, "p < 1 refused");
  /* Each projection is 1-Lipschitz, so SW1 <= W1 of the same samples (the exact solver's). */
  float *c = normal_points(n, d, seed + 3);
  double w1, unused;
  CHECK(wg_sliced_wasserstein(a, n, c, n, d, 1, 100, seed, &one) == WG_OK, "%s", wg_last_error());
  CHECK(wg_eval_w1(a, c, c, n, d, &w1, &unused) == WG_OK, "%s", wg_last_error());
  CHECK(one.value <= w1 * (1 + 1e-12) && one.value > 0.1 * w1, "SW1 %g against W1 %g", one.value, w1);
  free(c);
  free(a), free(b), free(theta);
}

/* The plain double loop over pairs: mean |x - y| (i != j when same). */
static double brute_mean_distance(const float *a, int64_t n, const float *b, int64_t m, int d, int same) {
  double s = 0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < m; j++) {
      if (same && i == j) continue;
      double q = 0;
      for (int k = 0; k < d; k++) q += ((double)a[i * d + k] - b[j * d + k]) * ((double)a[i * d + k] - b[j * d + k]);
      s += sqrt(q);
    }
  return s / ((double)n * (double)(same ? m - 1 : m));
}

static int by_value(const void *p, const void *q) {
  double x = *(const double *)p, y = *(const double *)q;
  return (x > y) - (x < y);
}

static void case_energy_closed_forms(void) {
  /* Two point masses A, B: 2 |A - B|. */
  float a[12], b3[12] = {0};
  for (int i = 0; i < 4; i++) a[3 * i] = 1, a[3 * i + 1] = 2, a[3 * i + 2] = 2;
  double e;
  CHECK(wg_energy_distance(a, 4, b3, 4, 3, &e) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(e, 2 * 3.0, 1e-12, 0);
  /* 1-D: the V-statistic is 2 * integral (F_n - G_m)^2 and the unbiased one
   * differs from it by the within-set means times 1 / (n - 1), 1 / (m - 1);
   * the within-set sums come from the sorted values. */
  enum { N = 9, M = 6 };
  wg_rng r;
  wg_rng_seed(&r, seed + 5);
  float x[N], y[M];
  wg_rng_fill_uniform(&r, x, N, -1, 2);
  wg_rng_fill_uniform(&r, y, M, 0, 3);
  double all[N + M], xs[N], ys[M];
  for (int i = 0; i < N; i++) all[i] = xs[i] = x[i];
  for (int j = 0; j < M; j++) all[N + j] = ys[j] = y[j];
  qsort(all, N + M, sizeof(double), by_value);
  qsort(xs, N, sizeof(double), by_value);
  qsort(ys, M, sizeof(double), by_value);
  double integral = 0;
  for (int k = 0; k + 1 < N + M; k++) {
    double f = 0, g = 0;
    for (int i = 0; i < N; i++) f += xs[i] <= all[k];
    for (int j = 0; j < M; j++) g += ys[j] <= all[k];
    integral += (f / N - g / M) * (f / N - g / M) * (all[k + 1] - all[k]);
  }
  double sx = 0, sy = 0; /* sum over ordered pairs |x_i - x_j| = 2 sum_k (2k - n - 1) x_(k), k from 1 */
  for (int k = 0; k < N; k++) sx += 2 * (2.0 * (k + 1) - N - 1) * xs[k];
  for (int k = 0; k < M; k++) sy += 2 * (2.0 * (k + 1) - M - 1) * ys[k];
  double expect = 2 * integral - sx / ((double)N * N) / (N - 1) - sy / ((double)M * M) / (M - 1);
  CHECK(wg_energy_distance(x, N, y, M, 1, &e) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(e, expect, 1e-12, 1e-12);
  /* In 5-D against the plain double loop. */
  float *p = normal_points(40, 5, seed + 6), *q = normal_points(30, 5, seed + 7);
  double brute = 2 * brute_mean_distance(p, 40, q, 30, 5, 0) - brute_mean_distance(p, 40, p, 40, 5, 1) -
                 brute_mean_distance(q, 30, q, 30, 5, 1);
  CHECK(wg_energy_distance(p, 40, q, 30, 5, &e) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(e, brute, 1e-12, 1e-10);
  CHECK(wg_energy_distance(p, 1, q, 30, 5, &e) == WG_EINVAL, "one point refused");
  free(p), free(q);
}

static double poly(const float *x, const float *y, int d) {
  double s = 0;
  for (int k = 0; k < d; k++) s += (double)x[k] * y[k];
  return pow(s / d + 1, 3);
}

static void case_mmd_brute_force(void) {
  const int n = 7, m = 5, d = 3;
  float *a = normal_points(n, d, seed + 8), *b = normal_points(m, d, seed + 9);
  for (int i = 0; i < m * d; i++) b[i] += 0.7f;
  double xx = 0, yy = 0, xy = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      if (i != j) xx += poly(a + i * d, a + j * d, d);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      if (i != j) yy += poly(b + i * d, b + j * d, d);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < m; j++) xy += poly(a + i * d, b + j * d, d);
  const double brute = xx / (n * (n - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / ((double)n * m);
  double v;
  CHECK(wg_mmd2_poly(a, n, b, m, d, &v) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(v, brute, 1e-12, 1e-11);
  /* KID with subsets as large as the sets: each subset is the whole set reordered. */
  wg_kid_result k;
  CHECK(wg_kid(a, m, b, m, d, 4, m, seed, &k) == WG_OK, "%s", wg_last_error());
  double whole;
  CHECK(wg_mmd2_poly(a, m, b, m, d, &whole) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(k.mean, whole, 1e-12, 1e-11);
  CHECK(k.std < 1e-12 && k.subsets == 4 && k.subset_size == m, "std %g of identical subsets", k.std);
  CHECK(wg_kid(a, n, b, m, d, 4, m + 1, seed, &k) == WG_EINVAL, "a subset larger than a set refused");
  free(a), free(b);
  /* Sets too large for the whole kernel matrices (3 x 3400^2 doubles > 256 MB):
   * each subset computes its own products, and whole-set subsets still give MMD^2. */
  const int big = 3400;
  a = normal_points(big, 2, seed + 13), b = normal_points(big, 2, seed + 14);
  for (int i = 0; i < 2 * big; i++) b[i] *= 1.5f;
  CHECK(wg_kid(a, big, b, big, 2, 2, big, seed, &k) == WG_OK, "%s", wg_last_error());
  CHECK(wg_mmd2_poly(a, big, b, big, 2, &whole) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(k.mean, whole, 1e-12, 1e-9);
  free(a), free(b);
}

static void case_kid_subsets(void) {
  /* Two samples of one distribution: KID's mean is near 0 within its spread;
   * a shifted one is far above it. Same values on one thread and two. */
  const int n = 400, d = 8;
  float *a = normal_points(n, d, seed + 10), *b = normal_points(n, d, seed + 11), *c = normal_points(n, d, seed + 12);
  for (int i = 0; i < n * d; i++) c[i] += 1.0f;
  wg_kid_result same, far, two;
  omp_set_num_threads(1);
  CHECK(wg_kid(a, n, b, n, d, 20, 100, seed, &same) == WG_OK, "%s", wg_last_error());
  omp_set_num_threads(2);
  CHECK(wg_kid(a, n, b, n, d, 20, 100, seed, &two) == WG_OK, "%s", wg_last_error());
  CHECK(wg_kid(a, n, c, n, d, 20, 100, seed, &far) == WG_OK, "%s", wg_last_error());
  CHECK(same.mean == two.mean && same.std == two.std, "threads: %.17g %.17g", same.mean, two.mean);
  CHECK(fabs(same.mean) < 3 * same.std && same.std > 0, "same distribution: %g +- %g", same.mean, same.std);
  CHECK(far.mean > 10 * same.std, "shifted: %g against spread %g", far.mean, same.std);
  free(a), free(b), free(c);
}

/* Sizes where OpenBLAS would split one product over threads: each figure
 * is still the same, bit for bit, on one thread and on two. */
static void case_thread_count_invariance(void) {
  const int n = 500, d = 784;
  float *a = normal_points(n, d, seed + 20), *b = normal_points(n, d, seed + 21);
  for (int i = 0; i < n * d; i++) a[i] = fabsf(a[i]), b[i] = fabsf(b[i]); /* like pixels and ReLU features */
  double e[2], mmd[2];
  wg_sliced_result sw[2];
  wg_kid_result kid[2];
  for (int t = 0; t < 2; t++) {
    omp_set_num_threads(t + 1);
    CHECK(wg_energy_distance(a, n, b, n, d, &e[t]) == WG_OK, "%s", wg_last_error());
    CHECK(wg_mmd2_poly(a, n, b, n, d, &mmd[t]) == WG_OK, "%s", wg_last_error());
    CHECK(wg_sliced_wasserstein(a, n, b, n, d, 1, 40, seed, &sw[t]) == WG_OK, "%s", wg_last_error());
    CHECK(wg_kid(a, n, b, n, d, 10, 200, seed, &kid[t]) == WG_OK, "%s", wg_last_error());
  }
  omp_set_num_threads(2);
  CHECK(e[0] == e[1], "energy %.17g %.17g", e[0], e[1]);
  CHECK(mmd[0] == mmd[1], "mmd %.17g %.17g", mmd[0], mmd[1]);
  CHECK(sw[0].value == sw[1].value && sw[0].se == sw[1].se, "sliced %.17g %.17g", sw[0].value, sw[1].value);
  CHECK(kid[0].mean == kid[1].mean && kid[0].std == kid[1].std, "kid %.17g %.17g", kid[0].mean, kid[1].mean);
  free(a), free(b);
}

static void case_precision_recall_by_hand(void) {
  /* Real 0 1 2 3 on a line, k = 1: every real radius is 1. Generated 0.5,
   * 10, 2.9: radii (to the nearest other) 2.4, 7.1, 2.4. Precision: 0.5
   * and 2.9 lie in a real ball, 10 does not: 2/3. Recall: every real point
   * is within 2.4 of 0.5 or 2.9: 1. */
  const float real[] = {0, 1, 2, 3}, gen[] = {0.5f, 10, 2.9f};
  double p, r;
  CHECK(wg_precision_recall(real, 4, gen, 3, 1, 1, &p, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(p, 2.0 / 3, 1e-15, 0);
  CHECK_CLOSE(r, 1.0, 1e-15, 0);
  /* Generated collapsed near one real point (0, 0.01, 0.02): all of it looks
   * real, it covers only the real points within 0.02 (k = 1) of itself. */
  const float tight[] = {0, 0.01f, 0.02f};
  CHECK(wg_precision_recall(real, 4, tight, 3, 1, 1, &p, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(p, 1.0, 1e-15, 0);
  CHECK_CLOSE(r, 0.25, 1e-15, 0);
  /* 2-D, k = 2: real corners of the unit square (radius 1 each: two
   * neighbours at 1); generated (0.5, 0.5), (3, 3), (0.5, 3): only the
   * first is within 1 of a corner. */
  const float sq[] = {0, 0, 1, 0, 0, 1, 1, 1}, g2[] = {0.5f, 0.5f, 3, 3, 0.5f, 3};
  CHECK(wg_precision_recall(sq, 4, g2, 3, 2, 2, &p, &r) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(p, 1.0 / 3, 1e-15, 0);
  CHECK(wg_precision_recall(real, 4, gen, 3, 1, 3, &p, &r) == WG_EINVAL, "k >= a set's size refused");
}

int main(void) {
  seed = check_seed(0);
  RUN(case_summary_by_hand);
  RUN(case_sliced_closed_forms);
  RUN(case_energy_closed_forms);
  RUN(case_mmd_brute_force);
  RUN(case_kid_subsets);
  RUN(case_thread_count_invariance);
  RUN(case_precision_recall_by_hand);
  CHECK_EXIT();
}
