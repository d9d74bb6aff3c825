/* Internal: the exact solver for large problems with costs on the fly:
 * candidate arcs from a coarser problem's optimal plan (multiscale), then
 * the network simplex on them up to its full-pass certificate. */
#ifndef WGAN_OT_MULTISCALE_H
#define WGAN_OT_MULTISCALE_H
#include "ot/network_simplex.h"

/* Whether pb (costs on the fly, no candidates of its own) is solved on
 * candidate arcs rather than on every arc: more than pb->dense_arcs arcs
 * (0: WG_OT_DENSE_ARCS). */
#define WG_OT_DENSE_ARCS 16000000.0
int wg_ot_use_candidates(const wg_ns_problem *pb);

/* The memory planned for the candidate path, per point of the larger set
 * (the candidates, their costs, a merge's copies; 7.2-8.0 KB measured at
 * n = m = 16,000 to 64,000, d = 2). */
#define WG_OT_CANDIDATE_BYTES 10240.0

/* wg_ns_solve(pb) on candidate arcs: the points binned in a grid of about
 * 2 per cell, the problem between the cells' centroids (their masses the
 * sums) solved the same way (recursively, down to WG_OT_DENSE_ARCS), and
 * every pair of points whose cells its plan joins, or whose sink cell
 * neighbours one it joins, becomes a candidate. The result is exact all the
 * same: the full passes add what was missed. out->iterations counts the
 * pivots of the finest level only. */
wg_status wg_ot_solve_multiscale(const wg_ns_problem *pb, wg_ns_solution *out);

#endif
