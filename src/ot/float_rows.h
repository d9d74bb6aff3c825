/* Internal: rows of the cost matrix in float, for the fast pricing of the
 * network simplex and the bids of the auction (guides only: whatever they
 * pick is checked against the double costs), and the double square roots
 * of the exact rows. Each runs at the vector level wg_isa_active() picks
 * (AVX-512: 16 lanes, AVX2 + FMA: 8, baseline SSE2: 4), so one build runs
 * on every x86-64. */
#ifndef WGAN_OT_FLOAT_ROWS_H
#define WGAN_OT_FLOAT_ROWS_H
#include "wgan/ot.h"

/* Either a float matrix cf [n*m], or float points xaf [n*d] and sink
 * points transposed xbtf [d*m] (costs computed on the fly by metric). */
typedef struct {
  const float *cf;
  const float *xaf, *xbtf;
  int64_t m;
  int d;
  wg_metric metric;
} wg_ot_frows;

/* v[k] = c(i, s + k) + g[k] for k < len, in float (a computed sqrt to
 * ~2^-22 relative); returns the minimum of v. */
float wg_ot_frow_plus(const wg_ot_frows *fr, int64_t i, int64_t s, int64_t len, const float *g,
                      float *v);

/* The positions k < len where v[k] < th, ascending, into idx; their count. */
int64_t wg_ot_below(const float *v, int64_t len, float th, int32_t *idx);

/* x[k] = sqrt(x[k]), correctly rounded (the same on every level). */
void wg_ot_sqrt_f64(double *x, int64_t len);

#endif
