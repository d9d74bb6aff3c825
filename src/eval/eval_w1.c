/* The exact W1 between generated and real samples, beside the floor that
 * sampling noise sets: in high dimension two samples of one distribution
 * are far apart, so a W1 means something only next to that floor. */
#include "core/error.h"
#include "wgan/eval.h"
#include "wgan/ot.h"

static wg_status w1(const float *a, const float *b, int64_t n, int d, double *out) {
  wg_emd_result res;
  wg_status st = wg_emd_f32(a, n, b, n, d, NULL, NULL, NULL, &res);
  if (st != WG_OK) return st;
  *out = res.distance;
  wg_emd_result_free(&res);
  return WG_OK;
}

wg_status wg_eval_w1(const float *gen, const float *real, const float *real2, int64_t n, int d,
                     double *w1_out, double *floor_out) {
  if (!gen || !real || !real2 || n < 1 || d < 1)
    return wg_set_error(WG_EINVAL, "eval: need n >= 1 samples of dimension >= 1");
  wg_status st = w1(gen, real, n, d, w1_out);
  if (st == WG_OK) st = w1(real2, real, n, d, floor_out);
  return st;
}
