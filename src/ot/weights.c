/* Checks on point sets and weights shared by the OT solvers. */
#include "ot/weights.h"

#include <math.h>

#include "core/error.h"

static wg_status one_side(const double *w, int64_t n, const char *set, double *out, double *total) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    double v = w ? w[i] : 1.0 / (double)n;
    if (!isfinite(v))
      return wg_set_error(WG_ENUMERIC, "weights of %s: weight %lld is %g", set, (long long)i + 1, v);
    if (v < 0)
      return wg_set_error(WG_EINVAL, "weights of %s: weight %lld is negative (%g)", set,
                          (long long)i + 1, v);
    out[i] = v;
    s += v;
  }
  if (!(s > 0)) return wg_set_error(WG_EINVAL, "weights of %s: all weights are zero", set);
  *total = s;
  return WG_OK;
}

wg_status wg_ot_weights(const double *wa, int64_t n, const double *wb, int64_t m, int normalize,
                        double *a, double *b) {
  double ta, tb;
  wg_status st = one_side(wa, n, "a", a, &ta);
  if (st) return st;
  if ((st = one_side(wb, m, "b", b, &tb))) return st;
  if (normalize) {
    for (int64_t i = 0; i < n; i++) a[i] /= ta;
    for (int64_t j = 0; j < m; j++) b[j] /= tb;
    return WG_OK;
  }
  if (fabs(ta - tb) > 1e-9 * fmax(ta, tb))
    return wg_set_error(WG_EINVAL,
                        "unequal total masses: %.17g for a, %.17g for b (use normalize to scale "
                        "each to 1)",
                        ta, tb);
  for (int64_t j = 0; j < m; j++) b[j] *= ta / tb;
  return WG_OK;
}

wg_status wg_ot_check_finite(const double *x, int64_t len, int d, const char *set) {
  for (int64_t k = 0; k < len; k++)
    if (!isfinite(x[k]))
      return wg_set_error(WG_ENUMERIC, "points of %s: point %lld, coordinate %d is %g", set,
                          (long long)(k / d) + 1, (int)(k % d) + 1, x[k]);
  return WG_OK;
}
