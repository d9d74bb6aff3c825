/* wg_emd: checks the input, drops zero-weight points, picks how costs are
 * obtained (on the fly for small d, else a matrix), runs the network
 * simplex and maps the plan and potentials back to the caller's indices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ot/cost_matrix.h"
#include "ot/network_simplex.h"
#include "ot/weights.h"

wg_emd_options wg_emd_defaults(void) {
  return (wg_emd_options){.metric = WG_METRIC_EUCLIDEAN, .p = 1};
}

void wg_emd_result_free(wg_emd_result *res) {
  if (!res) return;
  free(res->plan);
  free(res->f);
  free(res->g);
  memset(res, 0, sizeof *res);
}

/* Potentials of zero-weight points (absent from the solved problem): the
 * largest values that keep f_i + g_j <= C_ij, sources first, then sinks
 * against every source, so all pairs stay feasible. */
static void extend_potentials(const wg_ot_problem *fp, const double *a, const double *b, double *f,
                              double *g) {
  for (int64_t i = 0; i < fp->n; i++) {
    if (a[i] > 0) continue;
    double v = INFINITY;
    for (int64_t j = 0; j < fp->m; j++)
      if (b[j] > 0) v = fmin(v, wg_ot_problem_cost(fp, i, j) - g[j]);
    f[i] = v;
  }
  for (int64_t j = 0; j < fp->m; j++) {
    if (b[j] > 0) continue;
    double v = INFINITY;
    for (int64_t i = 0; i < fp->n; i++) v = fmin(v, wg_ot_problem_cost(fp, i, j) - f[i]);
    g[j] = v;
  }
}

static wg_status check_input(const wg_ot_problem *fp, const wg_emd_options *o) {
  if (fp->n < 1 || fp->m < 1)
    return wg_set_error(WG_EINVAL, "emd: empty point set (n = %lld, m = %lld)", (long long)fp->n,
                        (long long)fp->m);
  if (!(fp->p >= 1) || !isfinite(fp->p))
    return wg_set_error(WG_EINVAL, "emd: p must be >= 1 (got %g)", fp->p);
  if (o->max_iter < 0) return wg_set_error(WG_EINVAL, "emd: negative iteration limit");
  if (fp->C) {
    for (int64_t e = 0; e < fp->n * fp->m; e++) {
      if (!isfinite(fp->C[e]))
        return wg_set_error(WG_ENUMERIC, "emd: cost (%lld, %lld) is %g", (long long)(e / fp->m) + 1,
                            (long long)(e % fp->m) + 1, fp->C[e]);
      if (fp->C[e] < 0)
        return wg_set_error(WG_EINVAL, "emd: cost (%lld, %lld) is negative", (long long)(e / fp->m) + 1,
                            (long long)(e % fp->m) + 1);
    }
    return WG_OK;
  }
  if (fp->metric != WG_METRIC_EUCLIDEAN && fp->metric != WG_METRIC_SQEUCLIDEAN &&
      fp->metric != WG_METRIC_CITYBLOCK)
    return wg_set_error(WG_EINVAL, "emd: unknown metric %d", (int)fp->metric);
  if (fp->d < 1 || !fp->xa || !fp->xb)
    return wg_set_error(WG_EINVAL, "emd: no points or dimension %d < 1", fp->d);
  wg_status st = wg_ot_check_finite(fp->xa, fp->n * fp->d, fp->d, "a");
  return st ? st : wg_ot_check_finite(fp->xb, fp->m * fp->d, fp->d, "b");
}

wg_status wg_emd(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                 const double *wa, const double *wb, const wg_emd_options *opt,
                 wg_emd_result *res) {
  memset(res, 0, sizeof *res);
  wg_emd_options o = opt ? *opt : wg_emd_defaults();
  wg_ot_problem fp = wg_ot_problem_of(xa, n, xb, m, d, &o);
  wg_status st = check_input(&fp, &o);
  if (st) return st;

  double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)m * sizeof *b);
  int64_t *ia = malloc((size_t)n * sizeof *ia), *jb = malloc((size_t)m * sizeof *jb);
  double *a2 = malloc((size_t)n * sizeof *a2), *b2 = malloc((size_t)m * sizeof *b2);
  double *pa = NULL, *pb_pts = NULL, *C = NULL;
  wg_ns_solution sol = {0};
  if (!a || !b || !ia || !jb || !a2 || !b2) {
    st = wg_set_error(WG_ENOMEM, "emd: out of memory");
    goto done;
  }
  if ((st = wg_ot_weights(wa, n, wb, m, o.normalize, a, b))) goto done;
  /* Uniform weights on both sides become the integers m and n (total n*m),
   * so every flow the simplex forms is an exact integer: no rounding at all
   * in the masses, and degenerate ties are resolved exactly. */
  double mass_scale = 1;
  int64_t na = 0, nb = 0;
  for (int64_t i = 0; i < n; i++)
    if (a[i] > 0) ia[na] = i, a2[na++] = !wa && !wb ? (double)m : a[i];
  for (int64_t j = 0; j < m; j++)
    if (b[j] > 0) jb[nb] = j, b2[nb++] = !wa && !wb ? (double)n : b[j];
  if (!wa && !wb) mass_scale = 1 / ((double)n * (double)m);

  wg_ns_problem pb = {.n = na, .m = nb, .a = a2, .b = b2, .d = d, .max_iter = o.max_iter};
  /* On the fly when a cost is a few flops (small d, no pow()); else a matrix. */
  int fly = !o.cost && d <= 4 && (fp.p == 1 || (fp.p == 2 && o.metric == WG_METRIC_EUCLIDEAN));
  if (!o.cost) {
    pa = malloc((size_t)(na * d) * sizeof *pa);
    pb_pts = malloc((size_t)(nb * d) * sizeof *pb_pts);
    if (!pa || !pb_pts) {
      st = wg_set_error(WG_ENOMEM, "emd: out of memory");
      goto done;
    }
    for (int64_t k = 0; k < na; k++) memcpy(pa + k * d, xa + ia[k] * d, (size_t)d * sizeof *pa);
    for (int64_t k = 0; k < nb; k++)
      for (int c = 0; c < d; c++)
        pb_pts[fly ? (int64_t)c * nb + k : k * d + c] = xb[jb[k] * d + c];
  }
  if (fly) {
    pb.xa = pa;
    pb.xbt = pb_pts;
    pb.metric = fp.p == 2 ? WG_METRIC_SQEUCLIDEAN : o.metric;
  } else if (o.cost && na == n && nb == m && fp.p == 1) {
    pb.C = o.cost;
  } else {
    C = malloc((size_t)na * (size_t)nb * sizeof *C);
    if (!C) {
      st = wg_set_error(WG_ENOMEM,
                        "emd: no memory for the %lld x %lld cost matrix (wg_sinkhorn computes "
                        "costs on the fly)",
                        (long long)na, (long long)nb);
      goto done;
    }
    if (o.cost) {
      for (int64_t k = 0; k < na; k++)
        for (int64_t l = 0; l < nb; l++) C[k * nb + l] = wg_ot_problem_cost(&fp, ia[k], jb[l]);
    } else if ((st = wg_cost_matrix(pa, na, pb_pts, nb, d, o.metric, fp.p, C))) {
      goto done;
    }
    pb.C = C;
  }
  if ((st = wg_ns_solve(&pb, &sol))) goto done;

  res->cost = sol.cost * mass_scale;
  res->distance = fp.p == 1 ? res->cost : pow(res->cost, 1 / fp.p);
  res->iterations = sol.iterations;
  if (o.want_plan) {
    res->plan = sol.plan;
    sol.plan = NULL;
    res->plan_len = sol.plan_len;
    for (int64_t k = 0; k < res->plan_len; k++) {
      res->plan[k].i = ia[res->plan[k].i];
      res->plan[k].j = jb[res->plan[k].j];
      res->plan[k].mass *= mass_scale;
    }
  }
  if (o.want_potentials) {
    res->f = malloc((size_t)n * sizeof *res->f);
    res->g = malloc((size_t)m * sizeof *res->g);
    if (!res->f || !res->g) {
      wg_emd_result_free(res);
      st = wg_set_error(WG_ENOMEM, "emd: out of memory");
      goto done;
    }
    for (int64_t k = 0; k < na; k++) res->f[ia[k]] = sol.f[k];
    for (int64_t l = 0; l < nb; l++) res->g[jb[l]] = sol.g[l];
    if (na < n || nb < m) extend_potentials(&fp, a, b, res->f, res->g);
  }
done:
  free(a), free(b), free(ia), free(jb), free(a2), free(b2), free(pa), free(pb_pts), free(C);
  free(sol.plan), free(sol.f), free(sol.g);
  return st;
}

wg_status wg_emd_f32(const float *xa, int64_t n, const float *xb, int64_t m, int d,
                     const double *wa, const double *wb, const wg_emd_options *opt,
                     wg_emd_result *res) {
  memset(res, 0, sizeof *res);
  if (n < 1 || m < 1 || d < 1 || !xa || !xb)
    return wg_set_error(WG_EINVAL, "emd: empty point set or dimension %d < 1", d);
  double *da = malloc((size_t)(n * d) * sizeof *da), *db = malloc((size_t)(m * d) * sizeof *db);
  if (!da || !db) {
    free(da), free(db);
    return wg_set_error(WG_ENOMEM, "emd: out of memory");
  }
  for (int64_t k = 0; k < n * d; k++) da[k] = xa[k];
  for (int64_t k = 0; k < m * d; k++) db[k] = xb[k];
  wg_status st = wg_emd(da, n, db, m, d, wa, wb, opt, res);
  free(da), free(db);
  return st;
}
