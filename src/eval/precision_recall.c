/* Improved precision and recall (Kynkaanniemi et al. 2019): each set's
 * manifold is estimated by balls reaching each point's k-th nearest
 * neighbour. Precision: how much of what is generated looks real (sharp);
 * recall: how much of the real data the generator covers (diversity). */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/eval.h"

static double dist2(const float *x, const float *y, int d) {
  double q = 0;
#pragma omp simd reduction(+ : q)
  for (int k = 0; k < d; k++) q += ((double)x[k] - y[k]) * ((double)x[k] - y[k]);
  return q;
}

/* The squared distance of each point of x[n, d] to its k-th nearest other
 * point, into r2[n]; best[k] per thread keeps the k smallest, sorted. */
static wg_status knn_radii(const float *x, int64_t n, int d, int k, double *r2) {
  int failed = 0;
#pragma omp parallel
  {
    double *best = malloc(sizeof(double) * (size_t)k);
#pragma omp for schedule(dynamic, 16)
    for (int64_t i = 0; i < n; i++) {
      if (!best) continue;
      for (int a = 0; a < k; a++) best[a] = INFINITY;
      for (int64_t j = 0; j < n; j++) {
        if (j == i) continue;
        double q = dist2(x + i * d, x + j * d, d);
        if (!(q < best[k - 1])) continue;
        int a = k - 1;
        for (; a > 0 && best[a - 1] > q; a--) best[a] = best[a - 1];
        best[a] = q;
      }
      r2[i] = best[k - 1];
    }
    if (!best) {
#pragma omp atomic write
      failed = 1;
    }
    free(best);
  }
  return failed ? wg_set_error(WG_ENOMEM, "precision/recall: out of memory") : WG_OK;
}

/* The share of the points q[nq, d] within some ball (centre p_j, squared radius r2_j). */
static double share_inside(const float *q, int64_t nq, const float *p, int64_t np, const double *r2, int d) {
  int64_t inside = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : inside)
  for (int64_t i = 0; i < nq; i++) {
    for (int64_t j = 0; j < np; j++)
      if (dist2(q + i * d, p + j * d, d) <= r2[j]) {
        inside++;
        break;
      }
  }
  return (double)inside / (double)nq;
}

wg_status wg_precision_recall(const float *real, int64_t n_real, const float *gen, int64_t n_gen, int d, int k,
                              double *precision, double *recall) {
  if (!real || !gen || !precision || !recall || d < 1)
    return wg_set_error(WG_EINVAL, "precision/recall: need two sets of points");
  if (k < 1 || k >= n_real || k >= n_gen)
    return wg_set_error(WG_EINVAL, "precision/recall: k = %d needs more than k points in each set (%lld real, %lld generated)",
                        k, (long long)n_real, (long long)n_gen);
  double *rr = malloc(sizeof(double) * (size_t)(n_real + n_gen)), *rg = rr ? rr + n_real : NULL;
  if (!rr) return wg_set_error(WG_ENOMEM, "precision/recall: out of memory");
  wg_status st = knn_radii(real, n_real, d, k, rr);
  if (st == WG_OK) st = knn_radii(gen, n_gen, d, k, rg);
  if (st == WG_OK) {
    *precision = share_inside(gen, n_gen, real, n_real, rr, d);
    *recall = share_inside(real, n_real, gen, n_gen, rg, d);
  }
  free(rr);
  return st;
}
