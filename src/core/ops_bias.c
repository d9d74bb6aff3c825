/* A layer's bias added over the layer's own output (see ops_bias.h). */
#include "core/ops_bias.h"

#include "core/ctx.h"

#define PAR_MIN 32768

static void bias_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = g;
  if (need[1]) gin[1] = wg_sum_to(ctx, g, n->in[1]->ndim, n->in[1]->shape);
}

wg_tensor *wg_add_bias_over(wg_ctx *ctx, wg_tensor *y, wg_tensor *b) {
  if (!y || !b) return NULL;
  WG_ASSERT(y->ndim >= 2 && b->ndim >= y->ndim - 1 && b->ndim <= y->ndim);
  for (int j = 0, axis = y->ndim - b->ndim; j < b->ndim; j++, axis++)
    WG_ASSERT(b->shape[j] == (axis == 1 ? y->shape[1] : 1)); /* numpy's broadcast, right-aligned */
  wg_tensor *out = wg_ctx_alloc(ctx, sizeof *out);
  if (!out) return NULL;
  *out = *y;
  out->node = NULL;
  out->requires_grad = 0;
  const int n = y->shape[0], channels = y->shape[1];
  const int64_t per_sample = n ? y->numel / n : 0, inner = per_sample / channels;
  const float *restrict bias = b->data;
#pragma omp parallel for if (y->numel > PAR_MIN)
  for (int s = 0; s < n; s++) {
    float *restrict row = out->data + s * per_sample;
    if (inner == 1) { /* a Linear's [N, F]: one vector add over the features */
#pragma omp simd
      for (int c = 0; c < channels; c++) row[c] += bias[c];
    } else {
      for (int c = 0; c < channels; c++) {
        const float z = bias[c];
#pragma omp simd
        for (int64_t i = 0; i < inner; i++) row[c * inner + i] += z;
      }
    }
  }
  wg_tensor *in[2] = {y, b};
  if (wg_record(ctx, out, "add_bias", bias_backward, 2, in)) return NULL;
  return out;
}
