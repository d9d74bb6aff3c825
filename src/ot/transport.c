/* One entry for the transport solvers: the method asked, and the 1-D closed
 * form where it gives all that was asked. */
#include "core/error.h"
#include "wgan/ot.h"

wg_status wg_transport(const double *xa, int64_t n, const double *xb, int64_t m, int d, const double *wa,
                       const double *wb, const wg_emd_options *o, wg_ot_method method, wg_emd_result *r,
                       const char **how) {
  if (method == WG_OT_SINKHORN) {
    if (o->want_plan) return wg_set_error(WG_EINVAL, "the plan needs the exact method");
    *how = "sinkhorn (entropic approximation)";
    return wg_sinkhorn(xa, n, xb, m, d, wa, wb, o, r);
  }
  if (d == 1 && !o->cost && !o->want_plan && !o->want_potentials) {
    *how = "1-D closed form";
    return wg_wasserstein_1d(xa, n, wa, xb, m, wb, o, &r->distance);
  }
  *how = "network simplex";
  return wg_emd(xa, n, xb, m, d, wa, wb, o, r);
}
