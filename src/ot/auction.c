/* Forward auction (Bertsekas) with epsilon scaling. A source bids for the
 * sink j1 that minimises c(i, j) + price[j], raising its price by the gap to
 * the second best plus epsilon, and takes it from its previous holder, who
 * bids again. Each phase ends when every source holds a sink; epsilon then
 * shrinks and the phase restarts from the current prices. Rows are scanned
 * in float (memory-bound at high d, computed at low d), or only a source's
 * candidate arcs, in double; prices are kept in double so that every bid
 * raises a price by at least epsilon, which bounds the number of bids of a
 * phase. */
#include "ot/auction.h"

#include <math.h>
#include <stdlib.h>

#define CHUNK 256

/* What a bid needs: the best and second best of c(i, j) + price[j] over
 * the sinks j source i may take; returns j1, sets *w1 and *w2 (INFINITY
 * when there is no second). pf is the float copy of price. */
typedef int64_t (*scan_fn)(const void *costs, const float *pf, const double *price, int64_t i,
                           int64_t n, float *v, double *w1, double *w2);

/* Every sink, from float rows, a chunk at a time. */
static int64_t scan_rows(const void *costs, const float *pf, const double *price, int64_t i,
                         int64_t n, float *v, double *w1, double *w2) {
  (void)price;
  const wg_ot_frows *fr = costs;
  float b1 = INFINITY, b2 = INFINITY;
  int64_t j1 = 0;
  for (int64_t s = 0; s < n; s += CHUNK) {
    int64_t len = s + CHUNK < n ? CHUNK : n - s;
    float mn = wg_ot_frow_plus(fr, i, s, len, pf + s, v);
    if (!(mn < b1)) {
      b2 = mn < b2 ? mn : b2;
      continue;
    }
    /* a new best: this chunk's second smallest joins the old best */
    int64_t at = 0;
    while (v[at] != mn) at++;
    float sec = b1;
    for (int64_t k = 0; k < len; k++)
      if (k != at && v[k] < sec) sec = v[k];
    b1 = mn, b2 = sec, j1 = s + at;
  }
  *w1 = b1, *w2 = b2;
  return j1;
}

/* The candidate arcs of source i only, in double. */
static int64_t scan_arcs(const void *costs, const float *pf, const double *price, int64_t i,
                         int64_t n, float *v, double *w1, double *w2) {
  (void)pf, (void)n, (void)v;
  const wg_ot_arcs *A = costs;
  double b1 = INFINITY, b2 = INFINITY;
  int64_t j1 = 0;
  for (int64_t e = A->start[i]; e < A->start[i + 1]; e++) {
    double w = A->cost[e] + price[A->col[e]];
    if (w < b1) b2 = b1, b1 = w, j1 = A->col[e];
    else if (w < b2) b2 = w;
  }
  *w1 = b1, *w2 = b2;
  return j1;
}

/* The auction over costs by scan. A source with no second choice raises
 * its sink's price by eps_gap instead of an infinite gap. */
static int64_t auction(scan_fn scan, const void *costs, int64_t n, double eps0, double eps_final,
                       double eps_gap, int64_t max_bids, int32_t *sink, double *price) {
  float *pf = malloc((size_t)n * sizeof *pf), *v = malloc(CHUNK * sizeof *v);
  int32_t *owner = malloc((size_t)n * sizeof *owner), *queue = malloc((size_t)n * sizeof *queue);
  int64_t bids = 0;
  if (!pf || !v || !owner || !queue) {
    bids = -1;
    goto done;
  }
  for (int64_t j = 0; j < n; j++) price[j] = 0, pf[j] = 0;
  for (double eps = eps0;; eps = fmax(eps / 6, eps_final)) {
    int64_t top = 0;
    for (int64_t j = 0; j < n; j++) owner[j] = -1;
    for (int64_t i = n - 1; i >= 0; i--) queue[top++] = (int32_t)i;
    while (top > 0) {
      int32_t i = queue[--top];
      double w1, w2;
      int64_t j = scan(costs, pf, price, i, n, v, &w1, &w2);
      if (!(w1 < INFINITY)) {
        bids = -1;
        goto done;
      }
      price[j] += (w2 < INFINITY ? w2 - w1 : eps_gap) + eps;
      pf[j] = (float)price[j];
      if (owner[j] >= 0) queue[top++] = owner[j];
      owner[j] = i;
      if (++bids > max_bids) {
        bids = -1;
        goto done;
      }
    }
    if (eps <= eps_final) break;
  }
  for (int64_t j = 0; j < n; j++) sink[owner[j]] = (int32_t)j;
done:
  free(pf), free(v), free(owner), free(queue);
  return bids;
}

int64_t wg_ot_auction(const wg_ot_frows *fr, int64_t n, double eps0, double eps_final,
                      int64_t max_bids, int32_t *sink, double *price) {
  return auction(scan_rows, fr, n, eps0, eps_final, 0, max_bids, sink, price);
}

int64_t wg_ot_auction_arcs(const wg_ot_arcs *arcs, int64_t n, double eps0, double eps_final,
                           double eps_gap, int64_t max_bids, int32_t *sink, double *price) {
  return auction(scan_arcs, arcs, n, eps0, eps_final, eps_gap, max_bids, sink, price);
}
