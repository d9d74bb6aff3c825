/* The energy distance (Szekely and Rizzo): 2 E|X - Y| - E|X - X'| - E|Y - Y'|,
 * zero exactly when the distributions agree, in the samples' own space. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/eval.h"

enum { ENERGY_BLOCK = 256 };

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

/* The mean Euclidean distance over pairs (a_i, b_j); same != 0 (a == b)
 * leaves out i == j. Squared distances come from |x|^2 + |y|^2 - 2 x.y
 * (one dgemm per block of rows, g [ENERGY_BLOCK * m]); those below 1 % of
 * |x|^2 + |y|^2, where that difference loses digits, are recomputed
 * directly. Sums run in row order: the same value for any thread count. */
static double mean_distance(const double *a, const double *na, int64_t n, const double *b, const double *nb, int64_t m,
                            int d, int same, double *g) {
  double total = 0;
  for (int64_t i0 = 0; i0 < n; i0 += ENERGY_BLOCK) {
    const int64_t rows = n - i0 < ENERGY_BLOCK ? n - i0 : ENERGY_BLOCK;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m, d, -2.0, a + i0 * d, d, b, d, 0.0, g,
                (int)m);
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
  }
  return total / ((double)n * (double)(same ? m - 1 : m));
}

wg_status wg_energy_distance(const float *a, int64_t n, const float *b, int64_t m, int d, double *out) {
  if (!a || !b || !out || n < 2 || m < 2 || d < 1)
    return wg_set_error(WG_EINVAL, "energy distance: need n, m >= 2 points of dimension >= 1");
  const int64_t big = n > m ? n : m;
  double *x = malloc(sizeof(double) * (size_t)((n + m) * (d + 1) + ENERGY_BLOCK * big));
  if (!x) return wg_set_error(WG_ENOMEM, "energy distance: out of memory for %lld + %lld points", (long long)n, (long long)m);
  double *y = x + n * d, *nx = y + m * d, *ny = nx + n, *g = ny + m;
  for (int64_t i = 0; i < n * d; i++) x[i] = a[i];
  for (int64_t i = 0; i < m * d; i++) y[i] = b[i];
  for (int64_t i = 0; i < n; i++) nx[i] = norm2(x + i * d, d);
  for (int64_t i = 0; i < m; i++) ny[i] = norm2(y + i * d, d);
  double ab = mean_distance(x, nx, n, y, ny, m, d, 0, g);
  double aa = mean_distance(x, nx, n, x, nx, n, d, 1, g);
  double bb = mean_distance(y, ny, m, y, ny, m, d, 1, g);
  free(x);
  *out = 2 * ab - aa - bb;
  return isfinite(*out) ? WG_OK : wg_set_error(WG_EINVAL, "energy distance: the points are not all finite");
}
