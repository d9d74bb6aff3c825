/* Internal: a near-optimal assignment (n sources, n sinks, equal masses)
 * by the forward auction with epsilon scaling, in float. A warm start for
 * the network simplex only: nothing it returns is trusted as optimal. */
#ifndef WGAN_OT_AUCTION_H
#define WGAN_OT_AUCTION_H
#include "ot/candidate_arcs.h"
#include "ot/float_rows.h"

/* Costs c(i, j) from fr (n x n). Scales epsilon from eps0 down to
 * eps_final. Fills sink [n] (the sink of each source, a permutation) and
 * price [n] (sink prices: c(i, sink[i]) + price[sink[i]] is within about
 * eps_final of min_j c(i, j) + price[j]). Returns the number of bids, or
 * -1 when out of memory or past max_bids (the caller then starts
 * otherwise). */
int64_t wg_ot_auction(const wg_ot_frows *fr, int64_t n, double eps0, double eps_final,
                      int64_t max_bids, int32_t *sink, double *price);

/* The same over the candidate arcs only (their double costs): a source
 * with a single arc raises its price by eps_gap. -1 also when some source
 * has no arc, or the arcs hold no perfect assignment (the bids then pass
 * max_bids). */
int64_t wg_ot_auction_arcs(const wg_ot_arcs *arcs, int64_t n, double eps0, double eps_final,
                           double eps_gap, int64_t max_bids, int32_t *sink, double *price);

#endif
