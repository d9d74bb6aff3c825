/* Entropic optimal transport (an APPROXIMATION of the exact distance):
 * Sinkhorn's iterations in the log domain, stable for small reg. With
 * pi_ij = exp((f_i + g_j - C_ij) / reg), each half-step makes one marginal
 * exact: f_i = reg log a_i - reg LSE_j((g_j - C_ij) / reg), then the same
 * for g. Costs are computed on the fly, so memory is O(n + m). */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ot/cost_matrix.h"
#include "ot/weights.h"

/* One half-step: out [rows] from other [cols] and weights w [rows];
 * transposed swaps the roles of i and j in the cost. Returns the L1 error of
 * this side's marginal before the step, sum w_r |exp((old - new)/reg) - 1|
 * (the step rescales row r by exactly that factor). buf [threads*cols]. */
static double half_step(const wg_ot_problem *pb, int transposed, double reg, const double *w,
                        const double *other, double *out, double *buf) {
  int64_t rows = transposed ? pb->m : pb->n, cols = transposed ? pb->n : pb->m;
  double err = 0;
#pragma omp parallel reduction(+ : err)
  {
    double *v = buf + (int64_t)omp_get_thread_num() * cols;
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      if (w[r] == 0) {
        out[r] = -INFINITY; /* no mass: no row of the plan */
        continue;
      }
      double mx = -INFINITY;
      for (int64_t k = 0; k < cols; k++) {
        double c = transposed ? wg_ot_problem_cost(pb, k, r) : wg_ot_problem_cost(pb, r, k);
        v[k] = (other[k] - c) / reg;
        mx = v[k] > mx ? v[k] : mx;
      }
      double s = 0;
      for (int64_t k = 0; k < cols; k++) s += exp(v[k] - mx);
      double nv = reg * log(w[r]) - reg * (mx + log(s));
      err += w[r] * fabs(expm1((out[r] - nv) / reg));
      out[r] = nv;
    }
  }
  return err;
}

/* <pi, C> of the plan given by f [n], g [m]. */
static double plan_cost(const wg_ot_problem *pb, double reg, const double *f, const double *g) {
  double s = 0;
#pragma omp parallel for reduction(+ : s) schedule(static)
  for (int64_t i = 0; i < pb->n; i++) {
    if (!isfinite(f[i])) continue;
    for (int64_t j = 0; j < pb->m; j++) {
      if (!isfinite(g[j])) continue;
      double c = wg_ot_problem_cost(pb, i, j);
      s += exp((f[i] + g[j] - c) / reg) * c;
    }
  }
  return s;
}

wg_status wg_sinkhorn(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                      const double *wa, const double *wb, const wg_emd_options *opt,
                      wg_emd_result *res) {
  memset(res, 0, sizeof *res);
  wg_emd_options o = opt ? *opt : wg_emd_defaults();
  wg_ot_problem pb = wg_ot_problem_of(xa, n, xb, m, d, &o);
  double tol = o.tol == 0 ? 1e-9 : o.tol;
  if (n < 1 || m < 1)
    return wg_set_error(WG_EINVAL, "sinkhorn: empty point set (n = %lld, m = %lld)", (long long)n,
                        (long long)m);
  if (!(o.reg > 0) || !isfinite(o.reg))
    return wg_set_error(WG_EINVAL, "sinkhorn: the regularisation must be > 0 (got %g)", o.reg);
  if (!(pb.p >= 1) || !isfinite(pb.p))
    return wg_set_error(WG_EINVAL, "sinkhorn: p must be >= 1 (got %g)", pb.p);
  if (!(tol > 0) || o.max_iter < 0)
    return wg_set_error(WG_EINVAL, "sinkhorn: bad tolerance or iteration limit");
  wg_status st;
  if (o.cost) {
    for (int64_t e = 0; e < n * m; e++)
      if (!isfinite(o.cost[e]) || o.cost[e] < 0)
        return wg_set_error(WG_EINVAL, "sinkhorn: cost (%lld, %lld) is %g", (long long)(e / m) + 1,
                            (long long)(e % m) + 1, o.cost[e]);
  } else {
    if (o.metric != WG_METRIC_EUCLIDEAN && o.metric != WG_METRIC_SQEUCLIDEAN &&
        o.metric != WG_METRIC_CITYBLOCK)
      return wg_set_error(WG_EINVAL, "sinkhorn: unknown metric %d", (int)o.metric);
    if (d < 1 || !xa || !xb) return wg_set_error(WG_EINVAL, "sinkhorn: no points");
    if ((st = wg_ot_check_finite(xa, n * d, d, "a")) || (st = wg_ot_check_finite(xb, m * d, d, "b")))
      return st;
  }
  int threads = omp_get_max_threads();
  int64_t big = n > m ? n : m;
  double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)m * sizeof *b);
  double *f = calloc((size_t)n, sizeof *f), *g = calloc((size_t)m, sizeof *g);
  double *buf = malloc((size_t)big * (size_t)threads * sizeof *buf);
  if (!a || !b || !f || !g || !buf) {
    st = wg_set_error(WG_ENOMEM, "sinkhorn: out of memory");
    goto done;
  }
  if ((st = wg_ot_weights(wa, n, wb, m, o.normalize, a, b))) goto done;
  double mass = 0;
  for (int64_t i = 0; i < n; i++) mass += a[i];
  int64_t it = 0;
  for (;;) {
    if (o.max_iter > 0 && it >= o.max_iter) {
      st = wg_set_error(WG_ELIMIT,
                        "sinkhorn: not converged to %g after the limit of %lld iterations "
                        "(raise it or the regularisation)",
                        tol, (long long)o.max_iter);
      goto done;
    }
    half_step(&pb, 1, o.reg, b, f, g, buf);
    double err = half_step(&pb, 0, o.reg, a, g, f, buf);
    it++;
    if (err <= tol * mass) break;
  }
  res->cost = plan_cost(&pb, o.reg, f, g);
  res->distance = pb.p == 1 ? res->cost : pow(res->cost, 1 / pb.p);
  res->iterations = it;
  if (o.want_potentials) {
    res->f = f, res->g = g;
    f = g = NULL;
  }
done:
  free(a), free(b), free(f), free(g), free(buf);
  return st;
}
