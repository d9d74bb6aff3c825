/* Weight clipping of the WGAN critic: every parameter into [-c, c]. */
#include "wgan/optim.h"

void wg_clip(float *restrict params, int64_t n, float c) {
#pragma omp parallel for simd if (n > 65536)
  for (int64_t i = 0; i < n; i++) params[i] = params[i] > c ? c : (params[i] < -c ? -c : params[i]);
}
