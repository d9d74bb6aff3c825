/* Forward auction (Bertsekas) with epsilon scaling. A source bids for the
 * sink j1 that minimises c(i, j) + price[j], raising its price by the gap to
 * the second best plus epsilon, and takes it from its previous holder, who
 * bids again. Each phase ends when every source holds a sink; epsilon then
 * shrinks and the phase restarts from the current prices. Rows are scanned
 * in float (memory-bound at high d, computed at low d); prices are kept in
 * double so that every bid raises a price by at least epsilon, which
 * bounds the number of bids of a phase. */
#include "ot/auction.h"

#include <math.h>
#include <stdlib.h>

#define CHUNK 256

/* Best and second best of c(i, j) + pf[j] over j < n: returns j1, sets
 * *w1 and *w2 (INFINITY when n = 1). */
static int64_t scan(const wg_ot_frows *fr, const float *pf, int64_t i, int64_t n, float *v,
                    float *w1, float *w2) {
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

int64_t wg_ot_auction(const wg_ot_frows *fr, int64_t n, double eps0, double eps_final,
                      int64_t max_bids, int32_t *sink, double *price) {
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
      float w1, w2;
      int64_t j = scan(fr, pf, i, n, v, &w1, &w2);
      price[j] += (n > 1 ? (double)w2 - (double)w1 : 0) + eps;
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
