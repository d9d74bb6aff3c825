/* Adam with bias correction, as PyTorch. */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "optim/steps.h"

wg_status wg_adam_init(wg_optim *o, int64_t n, float lr, float beta1, float beta2, float eps) {
  if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0))
    return wg_set_error(WG_EINVAL, "adam: need lr >= 0, 0 <= beta1, beta2 < 1, eps >= 0 (got %g, %g, %g, %g)", lr,
                        beta1, beta2, eps);
  *o = (wg_optim){.kind = WG_OPT_ADAM, .lr = lr, .beta1 = beta1, .beta2 = beta2, .eps = eps, .n = n};
  o->m = calloc((size_t)(n ? n : 1), sizeof(float));
  o->v = calloc((size_t)(n ? n : 1), sizeof(float));
  if (!o->m || !o->v) {
    wg_optim_free(o);
    return wg_set_error(WG_ENOMEM, "out of memory for the optimizer");
  }
  return WG_OK;
}

void wg_adam_step(wg_optim *o, float *restrict p, const float *restrict g) {
  const float b1 = o->beta1, b2 = o->beta2, eps = o->eps;
  const float c1 = (float)(1.0 - pow(b1, (double)o->step)), c2 = (float)(1.0 - pow(b2, (double)o->step));
  const float step = o->lr / c1, root_c2 = sqrtf(c2);
  float *restrict m = o->m, *restrict v = o->v;
  const int64_t n = o->n;
#pragma omp parallel for simd if (n > 65536)
  for (int64_t i = 0; i < n; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= step * m[i] / (sqrtf(v[i]) / root_c2 + eps);
  }
}
