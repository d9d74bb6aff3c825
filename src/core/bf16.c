/* Conversions to bfloat16 over arrays; threads share the work past a size
 * where the OpenMP region costs less than the loop. */
#include "core/bf16.h"

enum { PARALLEL_FROM = 1 << 16 };

void wg_to_bf16(const float *x, uint16_t *y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_FROM)
  for (int64_t i = 0; i < n; i++) y[i] = wg_bf16_of(x[i]);
}

void wg_round_to_bf16(const float *x, float *y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_FROM)
  for (int64_t i = 0; i < n; i++) y[i] = wg_float_of_bf16(wg_bf16_of(x[i]));
}
