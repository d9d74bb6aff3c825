/* Internal: the ground cost and the problem as a caller gives it, shared by
 * the solvers. */
#ifndef WGAN_OT_COST_MATRIX_H
#define WGAN_OT_COST_MATRIX_H
#include <math.h>

#include "wgan/ot.h"

/* c(x, y) for x, y [d], from the differences. */
double wg_ot_cost(const double *x, const double *y, int d, wg_metric metric);

/* The exponent of options o: p = 0 means 1. */
static inline double wg_ot_exponent(const wg_emd_options *o) { return o->p == 0 ? 1 : o->p; }

/* A problem in the caller's indices: points xa [n*d], xb [m*d] under metric,
 * or the cost matrix C [n*m] when set; the cost of (i, j) is c(i, j)^p. */
typedef struct {
  const double *xa, *xb, *C;
  int64_t n, m;
  int d;
  wg_metric metric;
  double p;
} wg_ot_problem;

static inline wg_ot_problem wg_ot_problem_of(const double *xa, int64_t n, const double *xb,
                                             int64_t m, int d, const wg_emd_options *o) {
  return (wg_ot_problem){xa, xb, o->cost, n, m, d, o->metric, wg_ot_exponent(o)};
}

/* c(i, j)^p; inline, as Sinkhorn takes all n*m of them at every half-step. */
static inline double wg_ot_problem_cost(const wg_ot_problem *pb, int64_t i, int64_t j) {
  double c = pb->C ? pb->C[i * pb->m + j]
                   : wg_ot_cost(pb->xa + i * pb->d, pb->xb + j * pb->d, pb->d, pb->metric);
  return pb->p == 1 ? c : pow(c, pb->p);
}

#endif
