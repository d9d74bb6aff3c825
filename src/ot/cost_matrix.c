/* The ground-cost matrix C = c(x_i, y_j)^p.
 *
 * Euclidean costs in high dimension use ||x||^2 + ||y||^2 - 2 x.y with one
 * dgemm (half the arithmetic of differences, at BLAS speed). Its rounding
 * error is about d * 1e-16 * (||x||^2 + ||y||^2), large only relative to a
 * small distance, so every entry below 1% of ||x||^2 + ||y||^2 is computed
 * again from the differences: each entry is then accurate to ~1e-12. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "ot/cost_matrix.h"

double wg_ot_cost(const double *x, const double *y, int d, wg_metric metric) {
  double s = 0;
  if (metric == WG_METRIC_CITYBLOCK) {
    for (int k = 0; k < d; k++) s += fabs(x[k] - y[k]);
    return s;
  }
  for (int k = 0; k < d; k++) {
    double t = x[k] - y[k];
    s += t * t;
  }
  return metric == WG_METRIC_EUCLIDEAN ? sqrt(s) : s;
}

static wg_status by_gemm(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                         wg_metric metric, double *out /* [n*m] */) {
  double *na = malloc((size_t)(n + m) * sizeof *na);
  if (!na) return wg_set_error(WG_ENOMEM, "cost matrix: out of memory");
  double *nb = na + n;
#pragma omp parallel for
  for (int64_t i = 0; i < n + m; i++) {
    const double *x = i < n ? xa + i * d : xb + (i - n) * d;
    double s = 0;
    for (int k = 0; k < d; k++) s += x[k] * x[k];
    na[i] = s;
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, d, -2.0, xa, d, xb, d, 0.0,
              out, (int)m);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) {
    double *row = out + i * m;
    for (int64_t j = 0; j < m; j++) {
      double scale = na[i] + nb[j];
      double s = row[j] + scale;
      if (s < 1e-2 * scale) s = wg_ot_cost(xa + i * d, xb + j * d, d, WG_METRIC_SQEUCLIDEAN);
      row[j] = metric == WG_METRIC_EUCLIDEAN ? sqrt(s) : s;
    }
  }
  free(na);
  return WG_OK;
}

wg_status wg_cost_matrix(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                         wg_metric metric, double p, double *out) {
  if (n < 1 || m < 1 || d < 1 || !xa || !xb || !out)
    return wg_set_error(WG_EINVAL, "cost matrix: empty point set or no output");
  if (metric != WG_METRIC_EUCLIDEAN && metric != WG_METRIC_SQEUCLIDEAN &&
      metric != WG_METRIC_CITYBLOCK)
    return wg_set_error(WG_EINVAL, "cost matrix: unknown metric %d", (int)metric);
  if (!(p >= 1) || !isfinite(p)) return wg_set_error(WG_EINVAL, "cost matrix: p = %g < 1", p);
  if (metric != WG_METRIC_CITYBLOCK && d >= 16 && n <= INT32_MAX && m <= INT32_MAX) {
    wg_status st = by_gemm(xa, n, xb, m, d, metric, out);
    if (st) return st;
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < m; j++) out[i * m + j] = wg_ot_cost(xa + i * d, xb + j * d, d, metric);
  }
  if (p != 1) {
#pragma omp parallel for schedule(static)
    for (int64_t e = 0; e < n * m; e++) out[e] = pow(out[e], p);
  }
  return WG_OK;
}
