/* bfloat16: a float's sign, exponent and top 7 mantissa bits, rounded to
 * nearest (ties to even). A product of two bfloat16 numbers is exact in
 * float, so a kernel fed bfloat16 inputs and accumulating in float differs
 * from float arithmetic on the rounded inputs only in summation order. */
#ifndef WGAN_CORE_BF16_H
#define WGAN_CORE_BF16_H
#include <stdint.h>
#include <string.h>

#include "wgan/tensor.h"

static inline uint16_t wg_bf16_of(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u); /* NaN stays a (quiet) NaN */
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

static inline float wg_float_of_bf16(uint16_t h) {
  uint32_t u = (uint32_t)h << 16;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* y[i] = x[i] in bfloat16. */
void wg_to_bf16(const float *x, uint16_t *y, int64_t n);
/* y[i] = x[i] rounded to the nearest bfloat16, as a float. */
void wg_round_to_bf16(const float *x, float *y, int64_t n);

/* The two inputs of a bf16 product, in the context's kernel workspace
 * (valid until its next use): a's and b's values in bfloat16 at *ha, *hb;
 * -1 when memory ran out. */
int wg_bf16_inputs(wg_ctx *ctx, const wg_tensor *a, const wg_tensor *b, uint16_t **ha, uint16_t **hb);
/* The same rounded to bfloat16 but held as floats, for the float kernels,
 * followed by extra floats of their scratch: *fa, *fb, *rest (rest may be
 * NULL), each 64-byte aligned; -1 when memory ran out. */
int wg_bf16_inputs_as_float(wg_ctx *ctx, const wg_tensor *a, const wg_tensor *b, size_t extra, float **fa, float **fb,
                            float **rest);

#endif
