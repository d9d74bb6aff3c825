/* Optimal transport: the exact Earth Mover's / Wasserstein distance between
 * weighted point sets (network simplex), the closed form in 1-D, the
 * entropic approximation (Sinkhorn), and the JS / KL divergences.
 *
 * This module depends on nothing but the error functions of wgan/base.h:
 * a program that only wants EMD links libwgan and includes this header.
 *
 * Points are row-major arrays: point i of a set of n points in dimension d
 * is x[i*d .. i*d+d-1]. wg_emd takes doubles; wg_emd_f32 takes floats (for
 * image batches) and converts them once. Weights may be NULL (each point
 * then weighs 1/n); otherwise they are >= 0, not all zero, and both sides
 * have the same total within 1e-9 relative (or set normalize).
 *
 * The cost between points is c(x, y) by the metric (or the user's matrix),
 * and the transport cost is C = c^p: W_p = (min over plans of sum pi*C)^(1/p).
 * The result is the exact optimum of that linear program (up to rounding of
 * the costs in double): there is no hidden iteration cap; a limit the caller
 * sets and that is reached is an error (WG_ELIMIT), never a number. */
#ifndef WGAN_OT_H
#define WGAN_OT_H
#include "wgan/base.h"

typedef enum {
  WG_METRIC_EUCLIDEAN = 0, /* ||x - y||_2 (W1 with p = 1, the default) */
  WG_METRIC_SQEUCLIDEAN,   /* ||x - y||_2^2 (W2^2 with p = 1) */
  WG_METRIC_CITYBLOCK      /* ||x - y||_1 */
} wg_metric;

typedef struct {
  wg_metric metric;    /* ignored when cost is given */
  double p;            /* exponent, >= 1; 0 means 1 */
  const double *cost;  /* [n*m] row-major ground cost c(i, j), or NULL to use the metric */
  int normalize;       /* scale each side's weights to total 1 instead of requiring equal totals */
  int64_t max_iter;    /* simplex pivots (Sinkhorn: iterations); 0 = no limit */
  int want_plan;       /* fill result.plan */
  int want_potentials; /* fill result.f and result.g */
  double reg;          /* Sinkhorn only: entropic regularisation epsilon (> 0) */
  double tol;          /* Sinkhorn only: stop when the marginal error (L1) is below; 0 means 1e-9 */
} wg_emd_options;

/* One entry of a transport plan: mass moved from a[i] to b[j]. */
typedef struct {
  int64_t i, j;
  double mass;
} wg_ot_flow;

typedef struct {
  double distance;    /* W_p = cost^(1/p) */
  double cost;        /* min sum pi*C, with C = c^p */
  int64_t iterations; /* simplex pivots or Sinkhorn iterations */
  wg_ot_flow *plan;   /* [plan_len] the positive entries of the plan, if asked */
  int64_t plan_len;
  double *f, *g;      /* [n], [m] dual potentials, if asked: f_i + g_j <= C_ij for all i, j,
                         equality where the plan is positive, sum a*f + sum b*g = cost */
} wg_emd_result;

/* The defaults: Euclidean, p = 1, no limit, nothing extra returned. */
wg_emd_options wg_emd_defaults(void);

/* Exact optimal transport between xa [n*d] and xb [m*d] with weights wa [n],
 * wb [m] (NULL: uniform). With opt->cost set, xa/xb may be NULL and d is
 * ignored. opt NULL means the defaults. On success *res holds the result
 * (free it with wg_emd_result_free); on failure it is zeroed. Memory:
 * O(n*m) doubles unless d <= 4 with a metric that needs no pow(), where the
 * costs are computed on the fly and memory is O(n + m); there, above 1.6e7
 * pairs, the simplex works on candidate arcs from a coarser problem's plan
 * (8 KB per point measured, 10 KB planned) and its full passes over every pair add what they
 * miss, so the result is the same certified optimum. What the solver
 * needs is planned from n, m and d before any point is read: more than
 * wg_memory_available() is WG_ENOMEM, the message saying how much it would
 * take (n = m = 200,000 in d = 784: 320 GB for the matrix). Threads: OpenMP. */
wg_status wg_emd(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                 const double *wa, const double *wb, const wg_emd_options *opt,
                 wg_emd_result *res);

/* The same for float points (e.g. image batches [n*784]); computed in double. */
wg_status wg_emd_f32(const float *xa, int64_t n, const float *xb, int64_t m, int d,
                     const double *wa, const double *wb, const wg_emd_options *opt,
                     wg_emd_result *res);

void wg_emd_result_free(wg_emd_result *res);

/* The n x m cost matrix C = c(xa_i, xb_j)^p, into out [n*m] (the step
 * wg_emd does first when it needs a matrix; exposed for reuse and timing). */
wg_status wg_cost_matrix(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                         wg_metric metric, double p, double *out);

/* The closed form in 1-D: W between samples x [n] and y [m] with weights
 * wx, wy (NULL: uniform), for any p >= 1, by sorting (O((n+m) log(n+m)),
 * radix sort). Uses opt->metric, p, normalize (cost, max_iter ignored). */
wg_status wg_wasserstein_1d(const double *x, int64_t n, const double *wx, const double *y,
                            int64_t m, const double *wy, const wg_emd_options *opt,
                            double *distance);

/* Entropic optimal transport (Sinkhorn, log-domain, stable for small reg):
 * an APPROXIMATION of wg_emd, above the exact value by an amount that grows
 * with reg. Costs are computed on the fly (memory O(n + m)) unless opt->cost
 * is given. res->cost is <plan, C> of the entropic plan, distance its
 * p-th root. Stops when the L1 marginal error is below opt->tol; reaching
 * opt->max_iter first is WG_ELIMIT. */
wg_status wg_sinkhorn(const double *xa, int64_t n, const double *xb, int64_t m, int d,
                      const double *wa, const double *wb, const wg_emd_options *opt,
                      wg_emd_result *res);

/* KL(P || Q) and JS(P, Q) of two histograms p [n], q [n] on the same
 * support (each normalised to total 1; natural log). KL is +inf where some
 * q_k = 0 < p_k. Weights must be >= 0, finite, not all zero. */
wg_status wg_kl_divergence(const double *p, const double *q, int64_t n, double *out);
wg_status wg_js_divergence(const double *p, const double *q, int64_t n, double *out);

/* ---- one entry for every method ---- */

typedef enum { WG_OT_EXACT, WG_OT_SINKHORN } wg_ot_method;
/* The distance by method: exact (the 1-D closed form where d = 1 and no
 * cost matrix, plan or potentials is asked, else the network simplex) or
 * Sinkhorn's entropic approximation. *how names what ran. */
wg_status wg_transport(const double *xa, int64_t n, const double *xb, int64_t m, int d, const double *wa,
                       const double *wb, const wg_emd_options *o, wg_ot_method method, wg_emd_result *r,
                       const char **how);

#endif
