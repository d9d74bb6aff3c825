/* The energy distance (Szekely and Rizzo): 2 E|X - Y| - E|X - X'| - E|Y - Y'|,
 * zero exactly when the distributions agree, in the samples' own space. */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/eval.h"

/* The mean Euclidean distance over pairs (a_i, b_j); same != 0 (a == b)
 * leaves out i == j. Row sums are added in row order: the same value for
 * every thread count. */
static double mean_distance(const float *a, int64_t n, const float *b, int64_t m, int d, int same, double *row) {
#pragma omp parallel for schedule(dynamic, 16) if (n * m * (int64_t)d > 1000000)
  for (int64_t i = 0; i < n; i++) {
    const float *x = a + i * d;
    double s = 0;
    for (int64_t j = 0; j < m; j++) {
      const float *y = b + j * d;
      double q = 0;
#pragma omp simd reduction(+ : q)
      for (int k = 0; k < d; k++) q += ((double)x[k] - y[k]) * ((double)x[k] - y[k]);
      s += sqrt(q);
    }
    row[i] = s;
  }
  double total = 0;
  for (int64_t i = 0; i < n; i++) total += row[i];
  return total / ((double)n * (double)(same ? m - 1 : m));
}

wg_status wg_energy_distance(const float *a, int64_t n, const float *b, int64_t m, int d, double *out) {
  if (!a || !b || !out || n < 2 || m < 2 || d < 1)
    return wg_set_error(WG_EINVAL, "energy distance: need n, m >= 2 points of dimension >= 1");
  double *row = malloc(sizeof(double) * (size_t)(n > m ? n : m));
  if (!row) return wg_set_error(WG_ENOMEM, "energy distance: out of memory");
  double ab = mean_distance(a, n, b, m, d, 0, row);
  double aa = mean_distance(a, n, a, n, d, 1, row);
  double bb = mean_distance(b, m, b, m, d, 1, row);
  free(row);
  *out = 2 * ab - aa - bb;
  return isfinite(*out) ? WG_OK : wg_set_error(WG_EINVAL, "energy distance: the points are not all finite");
}
