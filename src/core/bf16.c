/* Conversions to bfloat16 over arrays; threads share the work past a size
 * where the OpenMP region costs less than the loop. */
#include "core/bf16.h"

#include "core/ctx.h"

enum { PARALLEL_FROM = 1 << 16 };

void wg_to_bf16(const float *x, uint16_t *y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_FROM)
  for (int64_t i = 0; i < n; i++) y[i] = wg_bf16_of(x[i]);
}

void wg_round_to_bf16(const float *x, float *y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_FROM)
  for (int64_t i = 0; i < n; i++) y[i] = wg_float_of_bf16(wg_bf16_of(x[i]));
}

/* Elements of type size bytes rounded up to a whole number of 64 bytes. */
static size_t aligned(size_t n, size_t size) { return (n * size + 63) / 64 * 64 / size; }

int wg_bf16_inputs(wg_ctx *ctx, const wg_tensor *a, const wg_tensor *b, uint16_t **ha, uint16_t **hb) {
  const size_t at_b = aligned((size_t)a->numel, sizeof **ha);
  uint16_t *h = wg_ctx_scratch(ctx, (at_b + (size_t)b->numel) * sizeof *h);
  if (!h) return -1;
  *ha = h, *hb = h + at_b;
  wg_to_bf16(a->data, *ha, a->numel);
  wg_to_bf16(b->data, *hb, b->numel);
  return 0;
}

int wg_bf16_inputs_as_float(wg_ctx *ctx, const wg_tensor *a, const wg_tensor *b, size_t extra, float **fa, float **fb,
                            float **rest) {
  const size_t at_b = aligned((size_t)a->numel, sizeof **fa), at_rest = at_b + aligned((size_t)b->numel, sizeof **fa);
  float *f = wg_ctx_scratch(ctx, (at_rest + extra) * sizeof *f);
  if (!f) return -1;
  *fa = f, *fb = f + at_b;
  if (rest) *rest = f + at_rest;
  wg_round_to_bf16(a->data, *fa, a->numel);
  wg_round_to_bf16(b->data, *fb, b->numel);
  return 0;
}
