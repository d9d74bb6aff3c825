/* RMSprop, in PyTorch's form or TensorFlow's. */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "optim/steps.h"

wg_status wg_rmsprop_init(wg_optim *o, int64_t n, float lr, float alpha, float eps, int tf_style) {
  if (!(lr >= 0) || !(alpha >= 0 && alpha < 1) || !(eps >= 0))
    return wg_set_error(WG_EINVAL, "rmsprop: need lr >= 0, 0 <= alpha < 1, eps >= 0 (got %g, %g, %g)", lr, alpha, eps);
  *o = (wg_optim){.kind = WG_OPT_RMSPROP, .lr = lr, .beta1 = alpha, .eps = eps, .tf_style = tf_style, .n = n};
  o->v = malloc(sizeof(float) * (size_t)(n ? n : 1));
  if (!o->v) return wg_set_error(WG_ENOMEM, "out of memory for the optimizer");
  /* TensorFlow starts the average of squares at 1, PyTorch at 0. */
  for (int64_t i = 0; i < n; i++) o->v[i] = tf_style ? 1.0f : 0.0f;
  return WG_OK;
}

void wg_rmsprop_step(wg_optim *o, float *restrict p, const float *restrict g) {
  const float a = o->beta1, lr = o->lr, eps = o->eps;
  float *restrict v = o->v;
  const int64_t n = o->n;
  if (o->tf_style) {
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      v[i] = a * v[i] + (1 - a) * g[i] * g[i];
      p[i] -= lr * g[i] / sqrtf(v[i] + eps);
    }
  } else {
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      v[i] = a * v[i] + (1 - a) * g[i] * g[i];
      p[i] -= lr * g[i] / (sqrtf(v[i]) + eps);
    }
  }
}
