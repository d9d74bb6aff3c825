/* wg_emd: checks the input, drops zero-weight points, picks how costs are
 * obtained (on the fly for small d, else a matrix), runs the network
 * simplex and maps the plan and potentials back to the caller's indices. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ot/cost_matrix.h"
#include "ot/multiscale.h"
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

/* The sizes and options, before any point or cost is read. */
static wg_status check_args(const wg_ot_problem *fp, const wg_emd_options *o) {
  if (fp->n < 1 || fp->m < 1)
    return wg_set_error(WG_EINVAL, "emd: empty point set (n = %lld, m = %lld)", (long long)fp->n,
                        (long long)fp->m);
  if (!(fp->p >= 1) || !isfinite(fp->p))
    return wg_set_error(WG_EINVAL, "emd: p must be >= 1 (got %g)", fp->p);
  if (o->max_iter < 0) return wg_set_error(WG_EINVAL, "emd: negative iteration limit");
  if (fp->C) return WG_OK;
  if (fp->metric != WG_METRIC_EUCLIDEAN && fp->metric != WG_METRIC_SQEUCLIDEAN &&
      fp->metric != WG_METRIC_CITYBLOCK)
    return wg_set_error(WG_EINVAL, "emd: unknown metric %d", (int)fp->metric);
  if (fp->d < 1 || !fp->xa || !fp->xb)
    return wg_set_error(WG_EINVAL, "emd: no points or dimension %d < 1", fp->d);
  return WG_OK;
}

/* Every cost, or every coordinate, finite (and costs >= 0). */
static wg_status check_values(const wg_ot_problem *fp) {
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
  wg_status st = wg_ot_check_finite(fp->xa, fp->n * fp->d, fp->d, "a");
  return st ? st : wg_ot_check_finite(fp->xb, fp->m * fp->d, fp->d, "b");
}

/* Costs from the points on the fly when a cost is a few flops (small d,
 * no pow()); a matrix otherwise. On the fly and above WG_OT_DENSE_ARCS
 * arcs, the solver works on candidate arcs (wg_ot_solve_multiscale). */
static int costs_on_the_fly(const wg_ot_problem *fp) {
  return !fp->C && fp->d <= 4 && (fp->p == 1 || (fp->p == 2 && fp->metric == WG_METRIC_EUCLIDEAN));
}

/* The points of positive weight among w [n] (NULL: all). */
static int64_t positive(const double *w, int64_t n) {
  if (!w) return n;
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++) k += w[i] > 0;
  return k;
}

/* The solver's memory, planned before any of it is taken (extra: what the
 * caller takes on top): a request that does not fit is refused here
 * rather than allocated, since the kernel would kill the process once its
 * pages are touched. The O(n + m) arrays are counted generously; the
 * solver's float copy of the matrix is optional and checked where it is
 * made. */
static wg_status check_memory(const wg_ot_problem *fp, const double *wa, const double *wb, double extra) {
  const int64_t na = positive(wa, fp->n), nb = positive(wb, fp->m);
  const int own_matrix = !costs_on_the_fly(fp) && !(fp->C && na == fp->n && nb == fp->m && fp->p == 1);
  const double matrix = own_matrix ? 8.0 * (double)na * (double)nb : 0;
  const double points = fp->C ? 0 : 8.0 * (double)(na + nb) * fp->d;
  const int candidates = costs_on_the_fly(fp) && (double)na * (double)nb > WG_OT_DENSE_ARCS;
  const double arcs = candidates ? WG_OT_CANDIDATE_BYTES * (double)(na > nb ? na : nb) : 0;
  const double need = matrix + points + arcs + extra + 256.0 * (double)(na + nb) +
                      8.0 * (double)nb * omp_get_max_threads();
  const double have = wg_memory_available();
  if (need <= have) return WG_OK;
  if (own_matrix)
    return wg_set_error(WG_ENOMEM,
                        "emd: the exact solver needs %.3g GB for the %lld x %lld cost matrix (%.3g GB in all); "
                        "this machine has %.3g GB available; use fewer points, or the Sinkhorn approximation "
                        "(--method sinkhorn, wg_sinkhorn), which computes the costs on the fly",
                        matrix / 1e9, (long long)na, (long long)nb, need / 1e9, have / 1e9);
  return wg_set_error(WG_ENOMEM,
                      "emd: the exact solver needs %.3g GB for %lld + %lld points; this machine has %.3g GB "
                      "available; use fewer points",
                      need / 1e9, (long long)na, (long long)nb, have / 1e9);
}

/* The solved problem in the caller's terms: its points are those of
 * positive weight, and it owns copies of them and its cost matrix. */
typedef struct {
  double *a, *b;       /* [n], [m] the caller's weights, checked */
  int64_t na, nb;      /* the points of positive weight */
  int64_t *ia, *jb;    /* [na], [nb] their indices in the caller's sets */
  double *a2, *b2;     /* [na], [nb] their masses in the solved problem */
  double mass_scale;   /* a solved mass times this is the caller's */
  double *pa, *pb, *C; /* pa [na*d], pb [nb*d] or [d*nb]: the kept points; C [na*nb] */
} kept;

static void kept_free(kept *k) {
  free(k->a), free(k->b), free(k->ia), free(k->jb), free(k->a2), free(k->b2);
  free(k->pa), free(k->pb), free(k->C);
}

/* The weights, and the points of positive weight (the simplex takes
 * positive masses only). Uniform weights on both sides become the
 * integers m and n (total n*m), so every flow the simplex forms is an exact
 * integer: no rounding at all in the masses, and degenerate ties are
 * resolved exactly. */
static wg_status keep_weighted(kept *k, const wg_ot_problem *fp, const double *wa, const double *wb,
                               int normalize) {
  const int64_t n = fp->n, m = fp->m;
  const int uniform = !wa && !wb;
  k->a = malloc((size_t)n * sizeof *k->a), k->b = malloc((size_t)m * sizeof *k->b);
  k->ia = malloc((size_t)n * sizeof *k->ia), k->jb = malloc((size_t)m * sizeof *k->jb);
  k->a2 = malloc((size_t)n * sizeof *k->a2), k->b2 = malloc((size_t)m * sizeof *k->b2);
  if (!k->a || !k->b || !k->ia || !k->jb || !k->a2 || !k->b2)
    return wg_set_error(WG_ENOMEM, "emd: out of memory");
  wg_status st = wg_ot_weights(wa, n, wb, m, normalize, k->a, k->b);
  if (st) return st;
  for (int64_t i = 0; i < n; i++)
    if (k->a[i] > 0) k->ia[k->na] = i, k->a2[k->na++] = uniform ? (double)m : k->a[i];
  for (int64_t j = 0; j < m; j++)
    if (k->b[j] > 0) k->jb[k->nb] = j, k->b2[k->nb++] = uniform ? (double)n : k->b[j];
  k->mass_scale = uniform ? 1 / ((double)n * (double)m) : 1;
  return WG_OK;
}

/* Copies of the kept points: pa [na*d], and pb [d*nb] transposed (one row
 * per coordinate, as the on-the-fly costs read it) or [nb*d]. */
static wg_status copy_points(kept *k, const wg_ot_problem *fp, int transposed) {
  const int d = fp->d;
  k->pa = malloc((size_t)(k->na * d) * sizeof *k->pa);
  k->pb = malloc((size_t)(k->nb * d) * sizeof *k->pb);
  if (!k->pa || !k->pb) return wg_set_error(WG_ENOMEM, "emd: out of memory");
  for (int64_t i = 0; i < k->na; i++)
    memcpy(k->pa + i * d, fp->xa + k->ia[i] * d, (size_t)d * sizeof *k->pa);
  for (int64_t j = 0; j < k->nb; j++)
    for (int c = 0; c < d; c++)
      k->pb[transposed ? (int64_t)c * k->nb + j : j * d + c] = fp->xb[k->jb[j] * d + c];
  return WG_OK;
}

/* Where the solver's costs come from: the points on the fly, or a matrix,
 * the caller's own when all of it is used as it is, otherwise one built
 * here. */
static wg_status set_costs(kept *k, const wg_ot_problem *fp, wg_ns_problem *pb) {
  const int fly = costs_on_the_fly(fp);
  wg_status st = fp->C ? WG_OK : copy_points(k, fp, fly);
  if (st) return st;
  if (fly) {
    pb->xa = k->pa, pb->xbt = k->pb;
    pb->metric = fp->p == 2 ? WG_METRIC_SQEUCLIDEAN : fp->metric;
    return WG_OK;
  }
  if (fp->C && k->na == fp->n && k->nb == fp->m && fp->p == 1) {
    pb->C = fp->C;
    return WG_OK;
  }
  pb->C = k->C = malloc((size_t)k->na * (size_t)k->nb * sizeof *k->C);
  if (!k->C)
    return wg_set_error(WG_ENOMEM,
                        "emd: no memory for the %lld x %lld cost matrix (wg_sinkhorn computes "
                        "costs on the fly)",
                        (long long)k->na, (long long)k->nb);
  if (!fp->C) return wg_cost_matrix(k->pa, k->na, k->pb, k->nb, fp->d, fp->metric, fp->p, k->C);
  for (int64_t i = 0; i < k->na; i++)
    for (int64_t j = 0; j < k->nb; j++)
      k->C[i * k->nb + j] = wg_ot_problem_cost(fp, k->ia[i], k->jb[j]);
  return WG_OK;
}

/* The plan, moved from sol into res, in the caller's indices and masses. */
static void take_plan(wg_emd_result *res, wg_ns_solution *sol, const kept *k) {
  res->plan = sol->plan;
  sol->plan = NULL;
  res->plan_len = sol->plan_len;
  for (int64_t q = 0; q < res->plan_len; q++) {
    res->plan[q].i = k->ia[res->plan[q].i];
    res->plan[q].j = k->jb[res->plan[q].j];
    res->plan[q].mass *= k->mass_scale;
  }
}

/* The potentials of all the caller's points, f [n] and g [m]: the solved
 * ones, then those of the zero-weight points. */
static wg_status take_potentials(wg_emd_result *res, const wg_ns_solution *sol, const kept *k,
                                 const wg_ot_problem *fp) {
  res->f = malloc((size_t)fp->n * sizeof *res->f);
  res->g = malloc((size_t)fp->m * sizeof *res->g);
  if (!res->f || !res->g) {
    wg_emd_result_free(res);
    return wg_set_error(WG_ENOMEM, "emd: out of memory");
  }
  for (int64_t i = 0; i < k->na; i++) res->f[k->ia[i]] = sol->f[i];
  for (int64_t j = 0; j < k->nb; j++) res->g[k->jb[j]] = sol->g[j];
  if (k->na < fp->n || k->nb < fp->m) extend_potentials(fp, k->a, k->b, res->f, res->g);
  return WG_OK;
}

wg_status wg_emd(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                 const double *wa, const double *wb, const wg_emd_options *opt,
                 wg_emd_result *res) {
  memset(res, 0, sizeof *res);
  wg_emd_options o = opt ? *opt : wg_emd_defaults();
  wg_ot_problem fp = wg_ot_problem_of(xa, n, xb, m, d, &o);
  wg_status st = check_args(&fp, &o);
  if (st) return st;
  kept k = {0};
  wg_ns_solution sol = {0};
  st = check_memory(&fp, wa, wb, 0);
  if (!st) st = check_values(&fp);
  if (!st) st = keep_weighted(&k, &fp, wa, wb, o.normalize);
  wg_ns_problem pb = {.n = k.na, .m = k.nb, .a = k.a2, .b = k.b2, .d = d, .max_iter = o.max_iter};
  if (!st) st = set_costs(&k, &fp, &pb);
  if (!st) st = wg_ot_solve_multiscale(&pb, &sol);
  if (!st) {
    res->cost = sol.cost * k.mass_scale;
    res->distance = fp.p == 1 ? res->cost : pow(res->cost, 1 / fp.p);
    res->iterations = sol.iterations;
    if (o.want_plan) take_plan(res, &sol, &k);
    if (o.want_potentials) st = take_potentials(res, &sol, &k, &fp);
  }
  kept_free(&k);
  free(sol.plan), free(sol.f), free(sol.g);
  return st;
}

wg_status wg_emd_f32(const float *xa, int64_t n, const float *xb, int64_t m, int d,
                     const double *wa, const double *wb, const wg_emd_options *opt,
                     wg_emd_result *res) {
  memset(res, 0, sizeof *res);
  if (n < 1 || m < 1 || d < 1 || !xa || !xb)
    return wg_set_error(WG_EINVAL, "emd: empty point set or dimension %d < 1", d);
  /* The double copies below come on top of what wg_emd needs. */
  wg_emd_options o = opt ? *opt : wg_emd_defaults();
  wg_ot_problem fp = wg_ot_problem_of(NULL, n, NULL, m, d, &o);
  if (check_memory(&fp, wa, wb, 8.0 * (double)(n + m) * d) != WG_OK) return WG_ENOMEM;
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
