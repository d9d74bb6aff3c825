/* The energy distance (Szekely and Rizzo): 2 E|X - Y| - E|X - X'| - E|Y - Y'|,
 * zero exactly when the distributions agree, in the samples' own space. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/eval.h"

/* Rows of a per dgemm: the unit of work of one thread. */
enum { ENERGY_BLOCK = 64 };

static double dist2(const double *x, const double *y, int d) {
  double q = 0;
#pragma omp simd reduction(+ : q)
  for (int k = 0; k < d; k++) q += (x[k] - y[k]) * (x[k] - y[k]);
  return q;
}

static double norm2(const double *x, int d) {
  double q = 0;
#pragma omp simd reduction(+ : q)
  for (int k = 0; k < d; k++) q += x[k] * x[k];
  return q;
}

/* The distances of rows i0 .. i0 + rows - 1 of a to every b_j, summed;
 * g [ENERGY_BLOCK * m]. */
static double block_sum(const double *a, const double *na, int64_t i0, int64_t rows, const double *b, const double *nb,
                        int64_t m, int d, int same, double *g) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m, d, -2.0, a + i0 * d, d, b, d, 0.0, g, (int)m);
  double total = 0;
  for (int64_t i = 0; i < rows; i++) {
    const int64_t ai = i0 + i;
    double s = 0;
    for (int64_t j = 0; j < m; j++) {
      if (same && ai == j) continue;
      const double scale = na[ai] + nb[j];
      double q = scale + g[i * m + j];
      if (q < 0.01 * scale) q = dist2(a + ai * d, b + j * d, d);
      s += sqrt(q);
    }
    total += s;
  }
  return total;
}

/* The mean Euclidean distance over pairs (a_i, b_j); same != 0 (a == b)
 * leaves out i == j. Squared distances come from |x|^2 + |y|^2 - 2 x.y
 * (one dgemm per block of rows); those below 1 % of |x|^2 + |y|^2, where
 * that difference loses digits, are recomputed directly. The blocks run on
 * any thread, each dgemm single-threaded (OpenBLAS inside a parallel
 * region), and their sums are added in block order: the same value for
 * every thread count. sums [blocks]. */
static wg_status mean_distance(const double *a, const double *na, int64_t n, const double *b, const double *nb,
                               int64_t m, int d, int same, double *sums, double *out) {
  const int64_t blocks = (n + ENERGY_BLOCK - 1) / ENERGY_BLOCK;
  int failed = 0;
#pragma omp parallel
  {
    double *g = malloc(sizeof(double) * ENERGY_BLOCK * (size_t)m);
#pragma omp for schedule(dynamic, 1)
    for (int64_t k = 0; k < blocks; k++) {
      const int64_t i0 = k * ENERGY_BLOCK, rows = n - i0 < ENERGY_BLOCK ? n - i0 : ENERGY_BLOCK;
      if (g) sums[k] = block_sum(a, na, i0, rows, b, nb, m, d, same, g);
    }
    if (!g) {
#pragma omp atomic write
      failed = 1;
    }
    free(g);
  }
  double total = 0;
  for (int64_t k = 0; k < blocks; k++) total += sums[k];
  *out = total / ((double)n * (double)(same ? m - 1 : m));
  return failed ? wg_set_error(WG_ENOMEM, "energy distance: out of memory") : WG_OK;
}

wg_status wg_energy_distance(const float *a, int64_t n, const float *b, int64_t m, int d, double *out) {
  if (!a || !b || !out || n < 2 || m < 2 || d < 1)
    return wg_set_error(WG_EINVAL, "energy distance: need n, m >= 2 points of dimension >= 1");
  const int64_t big = n > m ? n : m;
  double *x = malloc(sizeof(double) * (size_t)((n + m) * (d + 1) + big / ENERGY_BLOCK + 1));
  if (!x) return wg_set_error(WG_ENOMEM, "energy distance: out of memory for %lld + %lld points", (long long)n, (long long)m);
  double *y = x + n * d, *nx = y + m * d, *ny = nx + n, *sums = ny + m;
  for (int64_t i = 0; i < n * d; i++) x[i] = a[i];
  for (int64_t i = 0; i < m * d; i++) y[i] = b[i];
  for (int64_t i = 0; i < n; i++) nx[i] = norm2(x + i * d, d);
  for (int64_t i = 0; i < m; i++) ny[i] = norm2(y + i * d, d);
  double ab = 0, aa = 0, bb = 0;
  wg_status st = mean_distance(x, nx, n, y, ny, m, d, 0, sums, &ab);
  if (st == WG_OK) st = mean_distance(x, nx, n, x, nx, n, d, 1, sums, &aa);
  if (st == WG_OK) st = mean_distance(y, ny, m, y, ny, m, d, 1, sums, &bb);
  free(x);
  *out = 2 * ab - aa - bb;
  if (st == WG_OK && !isfinite(*out)) st = wg_set_error(WG_EINVAL, "energy distance: the points are not all finite");
  return st;
}
