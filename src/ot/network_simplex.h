/* Internal: the network simplex for the transportation problem. */
#ifndef WGAN_OT_NETWORK_SIMPLEX_H
#define WGAN_OT_NETWORK_SIMPLEX_H
#include "wgan/ot.h"

/* A transportation problem with positive supplies a and demands b of equal
 * totals. The cost of arc (i, j) is C[i*m + j] when C is set; otherwise it is
 * computed on the fly from the points (metric with p = 1, small d). */
typedef struct {
  int64_t n, m;
  const double *a, *b; /* [n], [m], all > 0 */
  const double *C;     /* [n*m] or NULL */
  const double *xa;    /* [n*d] source points (when C is NULL) */
  const double *xbt;   /* [d*m] sink points, transposed (one row per coordinate) */
  int d;
  wg_metric metric;
  int64_t max_iter; /* 0: no limit */
} wg_ns_problem;

typedef struct {
  double cost;        /* sum flow * cost over the plan */
  int64_t iterations; /* pivots */
  wg_ot_flow *plan;   /* [plan_len] positive flows */
  int64_t plan_len;
  double *f, *g;      /* [n], [m] potentials: f_i + g_j <= C_ij, equal on the plan */
} wg_ns_solution;

/* Solves to optimality; WG_ELIMIT if max_iter pivots did not suffice,
 * WG_ENOMEM. On failure *out is zeroed. */
wg_status wg_ns_solve(const wg_ns_problem *pb, wg_ns_solution *out);

#endif
