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
#include <omp.h>
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
    wg_ot_frow(fr, i, s, len, v);
#pragma omp simd
    for (int64_t k = 0; k < len; k++) v[k] += pf[s + k];
    float mn = wg_ot_min_f32(v, len);
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
                      int64_t jacobi_min, int64_t max_bids, int32_t *sink, double *price) {
  int threads = omp_get_max_threads();
  float *pf = malloc((size_t)n * sizeof *pf), *v = malloc((size_t)threads * CHUNK * sizeof *v);
  int32_t *owner = malloc((size_t)n * sizeof *owner), *freel = malloc((size_t)n * sizeof *freel);
  int32_t *bid_j = malloc((size_t)n * sizeof *bid_j), *win = malloc((size_t)n * sizeof *win);
  double *bid = malloc((size_t)n * sizeof *bid), *best = malloc((size_t)n * sizeof *best);
  int64_t bids = 0;
  if (!pf || !v || !owner || !freel || !bid_j || !win || !bid || !best) {
    bids = -1;
    goto done;
  }
  for (int64_t j = 0; j < n; j++) price[j] = 0, pf[j] = 0, best[j] = -INFINITY;
  for (double eps = eps0;; eps = fmax(eps / 6, eps_final)) {
    int64_t nfree = 0;
    for (int64_t j = 0; j < n; j++) owner[j] = -1;
    for (int64_t i = n - 1; i >= 0; i--) freel[nfree++] = (int32_t)i;
    while (nfree > 0) {
      if (nfree < jacobi_min) {
        int32_t i = freel[--nfree];
        float w1, w2;
        int64_t j = scan(fr, pf, i, n, v, &w1, &w2);
        price[j] += (n > 1 ? (double)w2 - (double)w1 : 0) + eps;
        pf[j] = (float)price[j];
        if (owner[j] >= 0) freel[nfree++] = owner[j];
        owner[j] = i;
        bids++;
      } else {
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
        for (int64_t q = 0; q < nfree; q++) {
          float w1, w2;
          float *vt = v + (int64_t)omp_get_thread_num() * CHUNK;
          int64_t j = scan(fr, pf, freel[q], n, vt, &w1, &w2);
          bid_j[q] = (int32_t)j;
          bid[q] = price[j] + (n > 1 ? (double)w2 - (double)w1 : 0) + eps;
        }
        for (int64_t q = 0; q < nfree; q++) {
          int32_t j = bid_j[q];
          if (bid[q] > best[j]) best[j] = bid[q], win[j] = freel[q];
        }
        /* winners take their sinks; the losers and the outbid stay free */
        int64_t k = 0;
        for (int64_t q = 0; q < nfree; q++) {
          int32_t i = freel[q], j = bid_j[q];
          if (win[j] == i && best[j] > -INFINITY) {
            if (owner[j] >= 0) freel[k++] = owner[j];
            owner[j] = i;
            price[j] = best[j];
            pf[j] = (float)price[j];
            best[j] = -INFINITY;
          } else {
            freel[k++] = i;
          }
        }
        bids += nfree;
        nfree = k;
      }
      if (bids > max_bids) {
        bids = -1;
        goto done;
      }
    }
    if (eps <= eps_final) break;
  }
  for (int64_t j = 0; j < n; j++) sink[owner[j]] = (int32_t)j;
done:
  free(pf), free(v), free(owner), free(freel), free(bid_j), free(win), free(bid), free(best);
  return bids;
}
