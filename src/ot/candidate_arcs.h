/* Internal: a sparse set of arcs of a transportation problem (source i ->
 * sink j), by source, with their costs: the arcs the network simplex prices
 * between its full passes over every arc. */
#ifndef WGAN_OT_CANDIDATE_ARCS_H
#define WGAN_OT_CANDIDATE_ARCS_H
#include <stdint.h>

typedef struct {
  int64_t n, nnz;
  int64_t *start; /* [n + 1] row i is col[start[i] .. start[i + 1] - 1] */
  int32_t *col;   /* [nnz] sinks, ascending within a row, no duplicates */
  double *cost;   /* [nnz] */
} wg_ot_arcs;

/* The cost of arc (i, j) of the problem ctx. */
typedef double (*wg_ot_arc_cost_fn)(const void *ctx, int64_t i, int64_t j);

/* arcs = the arcs already in it (if any) and the pairs (pi[k], pj[k]), k < len
 * (duplicates allowed), over n sources; new costs from cost(ctx, i, j).
 * -1 when out of memory (arcs unchanged). */
int wg_ot_arcs_merge(wg_ot_arcs *arcs, int64_t n, const int32_t *pi, const int32_t *pj, int64_t len,
                     wg_ot_arc_cost_fn cost, const void *ctx);

void wg_ot_arcs_free(wg_ot_arcs *arcs);

#endif
