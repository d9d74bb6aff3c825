/* 2-D matrix product through sgemm (core/sgemm.h), with transpose flags so
 * that every backward rule is again one matmul (no copies for the
 * transposes); in bf16 through oneDNN's matmul on the inputs rounded to
 * bfloat16. */
#include "core/bf16.h"
#include "core/ctx.h"
#include "core/matmul_dnnl.h"
#include "core/sgemm.h"

static void sgemm(int m, int n, int k, int ta, int tb, const float *a, int lda, const float *b, int ldb, float *c) {
  wg_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
}

/* c = op(a) op(b) on a and b rounded to bfloat16: oneDNN's bf16 matmul, or
 * where it has none sgemm on the rounded inputs (the same products: a
 * product of bfloat16s is exact in float). -1 when memory ran out. */
static int matmul_bf16(wg_ctx *ctx, int m, int n, int k, int ta, int tb, const wg_tensor *a, const wg_tensor *b,
                       float *c) {
  uint16_t *ha, *hb;
  if (wg_bf16_inputs(ctx, a, b, &ha, &hb)) return -1;
  if (!wg_matmul_dnnl_bf16(m, n, k, ta, tb, ha, hb, c)) return 0;
  float *fa, *fb;
  if (wg_bf16_inputs_as_float(ctx, a, b, 0, &fa, &fb, NULL)) return -1;
  sgemm(m, n, k, ta, tb, fa, a->shape[1], fb, b->shape[1], c);
  return 0;
}

/* C = op(A) op(B): dA and dB for the four flag combinations, each a matmul. */
static void matmul_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  wg_tensor *a = n->in[0], *b = n->in[1];
  int ta = n->iarg[0], tb = n->iarg[1];
  if (need[0]) {
    if (!ta) gin[0] = tb ? wg_matmul(ctx, g, b, 0, 0) : wg_matmul(ctx, g, b, 0, 1);
    else gin[0] = tb ? wg_matmul(ctx, b, g, 1, 1) : wg_matmul(ctx, b, g, 0, 1);
  }
  if (need[1]) {
    if (!tb) gin[1] = ta ? wg_matmul(ctx, a, g, 0, 0) : wg_matmul(ctx, a, g, 1, 0);
    else gin[1] = ta ? wg_matmul(ctx, g, a, 1, 1) : wg_matmul(ctx, g, a, 1, 0);
  }
}

wg_tensor *wg_matmul(wg_ctx *ctx, wg_tensor *a, wg_tensor *b, int trans_a, int trans_b) {
  if (!a || !b) return NULL;
  char sa[64], sb[64];
  if (a->ndim != 2 || b->ndim != 2) {
    wg_set_error(WG_EINVAL, "matmul needs 2-D tensors, got %s and %s", wg_shape_str(a, sa, sizeof sa),
                 wg_shape_str(b, sb, sizeof sb));
    return NULL;
  }
  int m = trans_a ? a->shape[1] : a->shape[0], k = trans_a ? a->shape[0] : a->shape[1];
  int kb = trans_b ? b->shape[1] : b->shape[0], nn = trans_b ? b->shape[0] : b->shape[1];
  if (k != kb) {
    wg_set_error(WG_EINVAL, "matmul: inner sizes differ: %s%s @ %s%s", wg_shape_str(a, sa, sizeof sa),
                 trans_a ? "^T" : "", wg_shape_str(b, sb, sizeof sb), trans_b ? "^T" : "");
    return NULL;
  }
  int shape[2] = {m, nn};
  wg_tensor *y = wg_new_tensor(ctx, 2, shape);
  if (!y) return NULL;
  if (k == 0)
    for (int64_t i = 0; i < y->numel; i++) y->data[i] = 0.0f;
  else if (m > 0 && nn > 0 && ctx->precision == WG_PRECISION_BF16) {
    if (matmul_bf16(ctx, m, nn, k, trans_a, trans_b, a, b, y->data)) return NULL;
  } else if (m > 0 && nn > 0)
    sgemm(m, nn, k, trans_a, trans_b, a->data, a->shape[1], b->data, b->shape[1], y->data);
  wg_tensor *in[2] = {a, b};
  if (wg_record(ctx, y, "matmul", matmul_backward, 2, in)) return NULL;
  if (y->node) {
    y->node->iarg[0] = trans_a;
    y->node->iarg[1] = trans_b;
  }
  return y;
}
