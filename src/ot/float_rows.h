/* Internal: rows of the cost matrix in float, for the fast pricing of the
 * network simplex and the bids of the auction (guides only: whatever they
 * pick is checked against the double costs). */
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

/* v[k] = c(i, s + k) for k < len, in float (sqrt to ~1e-7 relative). */
void wg_ot_frow(const wg_ot_frows *fr, int64_t i, int64_t s, int64_t len, float *v);

/* min of x [len]. */
float wg_ot_min_f32(const float *x, int64_t len);

#endif
