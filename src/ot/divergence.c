/* KL and Jensen-Shannon divergences of two histograms on one support. */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/ot.h"

static wg_status total(const double *h, int64_t n, const char *name, double *out) {
  double s = 0;
  for (int64_t k = 0; k < n; k++) {
    if (!isfinite(h[k]))
      return wg_set_error(WG_ENUMERIC, "%s: entry %lld is %g", name, (long long)k + 1, h[k]);
    if (h[k] < 0)
      return wg_set_error(WG_EINVAL, "%s: entry %lld is negative (%g)", name, (long long)k + 1,
                          h[k]);
    s += h[k];
  }
  if (!(s > 0)) return wg_set_error(WG_EINVAL, "%s: all entries are zero", name);
  *out = s;
  return WG_OK;
}

/* The totals sp, sq of histograms p, q [n], checked; op names the caller. */
static wg_status totals(const double *p, const double *q, int64_t n, const char *op, double *sp,
                        double *sq) {
  if (n < 1 || !p || !q) return wg_set_error(WG_EINVAL, "%s: empty histogram", op);
  wg_status st = total(p, n, "P", sp);
  return st ? st : total(q, n, "Q", sq);
}

/* sum p log(p / q) of normalised p, q; terms with p = 0 are 0. */
static double kl(const double *p, double sp, const double *q, double sq, int64_t n) {
  double s = 0;
  for (int64_t k = 0; k < n; k++) {
    double pk = p[k] / sp, qk = q[k] / sq;
    if (pk == 0) continue;
    if (qk == 0) return INFINITY;
    s += pk * log(pk / qk);
  }
  return s;
}

wg_status wg_kl_divergence(const double *p, const double *q, int64_t n, double *out) {
  double sp = 0, sq = 0;
  *out = 0;
  wg_status st = totals(p, q, n, "kl", &sp, &sq);
  if (st) return st;
  *out = kl(p, sp, q, sq, n);
  return WG_OK;
}

wg_status wg_js_divergence(const double *p, const double *q, int64_t n, double *out) {
  double sp = 0, sq = 0;
  *out = 0;
  wg_status st = totals(p, q, n, "js", &sp, &sq);
  if (st) return st;
  /* JS = 1/2 KL(P || M) + 1/2 KL(Q || M), M = (P + Q) / 2, written per
   * term so that no histogram M is allocated; always finite, <= log 2. */
  double s = 0;
  for (int64_t k = 0; k < n; k++) {
    double pk = p[k] / sp, qk = q[k] / sq, mk = 0.5 * (pk + qk);
    if (pk > 0) s += 0.5 * pk * log(pk / mk);
    if (qk > 0) s += 0.5 * qk * log(qk / mk);
  }
  *out = s;
  return WG_OK;
}
