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
  /* Candidate arcs (cand_i[k], cand_j[k]), k < n_cand, or none (n_cand = 0):
   * with costs on the fly (C NULL), the simplex then prices only these
   * between its full passes over every arc, adds what a full pass finds
   * below -tol, and stops at a full pass that finds nothing: the same
   * certificate, on O(n_cand) memory. */
  const int32_t *cand_i, *cand_j;
  int64_t n_cand;
  /* wg_ot_solve_multiscale: above this many arcs, candidates (0: the
   * default, WG_OT_DENSE_ARCS; the tests set it low) */
  double dense_arcs;
} wg_ns_problem;

typedef struct {
  double cost;        /* sum flow * cost over the plan */
  int64_t iterations; /* pivots */
  wg_ot_flow *plan;   /* [plan_len] positive flows */
  int64_t plan_len;
  double *f, *g;      /* [n], [m] potentials: f_i + g_j <= C_ij, equal on the plan */
  int64_t rounds;     /* candidate mode: full passes that found arcs to add */
  int64_t arcs;       /* candidate mode: the candidate arcs at the end */
} wg_ns_solution;

/* Solves to optimality; WG_ELIMIT if max_iter pivots did not suffice,
 * WG_ENOMEM. On failure *out is zeroed. */
wg_status wg_ns_solve(const wg_ns_problem *pb, wg_ns_solution *out);

#endif
