/* Convolution as three ops — forward, backward-data, backward-weights — each
 * the derivative of the others, so gradients through them can be
 * differentiated again. A transposed convolution is backward-data run forward. */
#include "core/bf16.h"
#include "core/conv_kernels.h"
#include "core/conv_small_k.h"
#include "core/ctx.h"

wg_conv_opts wg_conv_opts_sym(int stride, int pad) {
  wg_conv_opts o = {{stride, stride}, {pad, pad, pad, pad}, {0, 0}};
  return o;
}

wg_conv_opts wg_conv_opts_same(int in, int k, int stride) {
  int out = (in + stride - 1) / stride;
  int total = (out - 1) * stride + k - in;
  if (total < 0) total = 0;
  int lo = total / 2, hi = total - lo;
  wg_conv_opts o = {{stride, stride}, {lo, hi, lo, hi}, {0, 0}};
  return o;
}

/* The geometry of the forward conv from its input size (H, W) and weights'
 * shape; -1 with the error set if the options do not make sense. */
static int make_geom(wg_conv_geom *g, int N, int C, int H, int W, int OC, int KH, int KW, const wg_conv_opts *o,
                     const char *op) {
  const int *p = o->pad;
  if (o->stride[0] < 1 || o->stride[1] < 1 || p[0] < 0 || p[1] < 0 || p[2] < 0 || p[3] < 0 || KH < 1 || KW < 1) {
    wg_set_error(WG_EINVAL, "%s: bad geometry (stride %dx%d, pads %d/%d/%d/%d, kernel %dx%d)", op, o->stride[0],
                 o->stride[1], p[0], p[1], p[2], p[3], KH, KW);
    return -1;
  }
  if (H + p[0] + p[1] < KH || W + p[2] + p[3] < KW) {
    wg_set_error(WG_EINVAL, "%s: kernel %dx%d larger than the padded input %dx%d", op, KH, KW, H + p[0] + p[1],
                 W + p[2] + p[3]);
    return -1;
  }
  g->N = N, g->C = C, g->H = H, g->W = W, g->OC = OC, g->KH = KH, g->KW = KW;
  g->sh = o->stride[0], g->sw = o->stride[1], g->pt = p[0], g->pl = p[2];
  g->OH = (H + p[0] + p[1] - KH) / g->sh + 1;
  g->OW = (W + p[2] + p[3] - KW) / g->sw + 1;
  return 0;
}

/* The kernels' workspace: one buffer per context, not the arena (it is dead
 * as soon as the kernel returns). */
static float *scratch(wg_ctx *ctx, const wg_conv_geom *g) {
  return wg_ctx_scratch(ctx, wg_conv2d_scratch_floats(g) * sizeof(float) + 64);
}

/* y = conv(x, w): dx = bwd_data(g, w), dw = bwd_weight(x, g). */
static void conv_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  wg_conv_opts o = n->conv;
  wg_tensor *x = n->in[0], *w = n->in[1];
  if (need[0]) gin[0] = wg_conv2d_bwd_data(ctx, g, w, &o, x->shape[2], x->shape[3]);
  if (need[1]) gin[1] = wg_conv2d_bwd_weight(ctx, x, g, &o, w->shape[2], w->shape[3]);
}

/* z = bwd_data(dy, w), linear in each: d dy = conv(G, w), d w = bwd_weight(G, dy). */
static void bwd_data_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  wg_conv_opts o = n->conv;
  wg_tensor *w = n->in[1];
  if (need[0]) gin[0] = wg_conv2d(ctx, g, w, &o);
  if (need[1]) gin[1] = wg_conv2d_bwd_weight(ctx, g, n->in[0], &o, w->shape[2], w->shape[3]);
}

/* z = bwd_weight(x, dy): d x = bwd_data(dy, G), d dy = conv(x, G). */
static void bwd_weight_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  wg_conv_opts o = n->conv;
  wg_tensor *x = n->in[0], *dy = n->in[1];
  if (need[0]) gin[0] = wg_conv2d_bwd_data(ctx, dy, g, &o, x->shape[2], x->shape[3]);
  if (need[1]) gin[1] = wg_conv2d(ctx, x, g, &o);
}

/* Any of the three kernels (core/conv_kernels.h): out = kernel(a, b) for geometry g. */
typedef void conv_kernel(const wg_conv_geom *g, const float *a, const float *b, float *out, float *scratch);

/* out = kernel kind (a, b) on a and b rounded to bfloat16: oneDNN's bf16
 * kernels, except for a short inner dimension K = C*KH*KW (the MNIST
 * critic's first layer, K = 25: 1.2 ms against 0.9 for the float path's
 * forward) or where oneDNN has none; there the float kernels run on the
 * rounded inputs (the same products: a product of bfloat16s is exact in
 * float). -1 when memory ran out. */
static int conv_bf16(wg_ctx *ctx, int kind, conv_kernel *kernel, const wg_conv_geom *g, const wg_tensor *a,
                     const wg_tensor *b, float *out) {
  if (g->C * g->KH * g->KW > WG_CONV_SMALL_K) {
    uint16_t *ha, *hb;
    if (wg_bf16_inputs(ctx, a, b, &ha, &hb)) return -1;
    if (!wg_conv2d_dnnl(kind, g, 1, ha, hb, out)) return 0;
  }
  float *fa, *fb, *s;
  if (wg_bf16_inputs_as_float(ctx, a, b, wg_conv2d_scratch_floats(g), &fa, &fb, &s)) return -1;
  kernel(g, fa, fb, out, s);
  return 0;
}

/* The op `name`: y[shape] (4-D) = kernel kind (a, b), recorded with its backward bw. */
static wg_tensor *conv_op(wg_ctx *ctx, const char *name, int kind, conv_kernel *kernel, wg_backward_fn bw,
                          const wg_conv_geom *g, const int *shape, wg_tensor *a, wg_tensor *b,
                          const wg_conv_opts *o) {
  wg_tensor *y = wg_new_tensor(ctx, 4, shape);
  if (!y) return NULL;
  if (ctx->precision == WG_PRECISION_BF16) {
    if (conv_bf16(ctx, kind, kernel, g, a, b, y->data)) return NULL;
  } else {
    float *s = scratch(ctx, g);
    if (!s) return NULL;
    kernel(g, a->data, b->data, y->data, s);
  }
  wg_tensor *in[2] = {a, b};
  if (wg_record(ctx, y, name, bw, 2, in)) return NULL;
  if (y->node) y->node->conv = *o;
  return y;
}

static int check4(const wg_tensor *t, const char *op, const char *what) {
  if (t->ndim == 4) return 0;
  char s[64];
  wg_set_error(WG_EINVAL, "%s: %s must be 4-D, got %s", op, what, wg_shape_str(t, s, sizeof s));
  return -1;
}

/* A gradient dy must have the forward output's shape [N, OC, OH, OW]. */
static int check_output(const wg_tensor *dy, const wg_conv_geom *g, const char *op) {
  const int *d = dy->shape;
  if (d[0] == g->N && d[1] == g->OC && d[2] == g->OH && d[3] == g->OW) return 0;
  char s[64];
  wg_set_error(WG_EINVAL, "%s: gradient %s does not match the output [%d, %d, %d, %d]", op,
               wg_shape_str(dy, s, sizeof s), g->N, g->OC, g->OH, g->OW);
  return -1;
}

wg_tensor *wg_conv2d(wg_ctx *ctx, wg_tensor *x, wg_tensor *w, const wg_conv_opts *o) {
  if (!x || !w) return NULL;
  if (check4(x, "conv2d", "input") || check4(w, "conv2d", "weight")) return NULL;
  if (x->shape[1] != w->shape[1]) {
    wg_set_error(WG_EINVAL, "conv2d: input has %d channels, weight expects %d", x->shape[1], w->shape[1]);
    return NULL;
  }
  wg_conv_geom g;
  if (make_geom(&g, x->shape[0], x->shape[1], x->shape[2], x->shape[3], w->shape[0], w->shape[2], w->shape[3], o,
                "conv2d"))
    return NULL;
  const int shape[4] = {g.N, g.OC, g.OH, g.OW};
  return conv_op(ctx, "conv2d", WG_CONV_FWD, wg_conv2d_fwd_kernel, conv_backward, &g, shape, x, w, o);
}

wg_tensor *wg_conv2d_bwd_data(wg_ctx *ctx, wg_tensor *dy, wg_tensor *w, const wg_conv_opts *o, int H, int W) {
  if (!dy || !w) return NULL;
  if (check4(dy, "conv2d_bwd_data", "gradient") || check4(w, "conv2d_bwd_data", "weight")) return NULL;
  wg_conv_geom g;
  if (make_geom(&g, dy->shape[0], w->shape[1], H, W, w->shape[0], w->shape[2], w->shape[3], o, "conv2d_bwd_data"))
    return NULL;
  if (check_output(dy, &g, "conv2d_bwd_data")) return NULL;
  const int shape[4] = {g.N, g.C, H, W};
  return conv_op(ctx, "conv2d_bwd_data", WG_CONV_BWD_DATA, wg_conv2d_bwd_data_kernel, bwd_data_backward, &g, shape,
                 dy, w, o);
}

wg_tensor *wg_conv2d_bwd_weight(wg_ctx *ctx, wg_tensor *x, wg_tensor *dy, const wg_conv_opts *o, int KH, int KW) {
  if (!x || !dy) return NULL;
  if (check4(x, "conv2d_bwd_weight", "input") || check4(dy, "conv2d_bwd_weight", "gradient")) return NULL;
  wg_conv_geom g;
  if (make_geom(&g, x->shape[0], x->shape[1], x->shape[2], x->shape[3], dy->shape[1], KH, KW, o,
                "conv2d_bwd_weight"))
    return NULL;
  if (check_output(dy, &g, "conv2d_bwd_weight")) return NULL;
  const int shape[4] = {g.OC, g.C, KH, KW};
  return conv_op(ctx, "conv2d_bwd_weight", WG_CONV_BWD_WEIGHT, wg_conv2d_bwd_weight_kernel, bwd_weight_backward, &g,
                 shape, x, dy, o);
}

wg_tensor *wg_conv_transpose2d(wg_ctx *ctx, wg_tensor *x, wg_tensor *w, const wg_conv_opts *o) {
  if (!x || !w) return NULL;
  if (check4(x, "conv_transpose2d", "input") || check4(w, "conv_transpose2d", "weight")) return NULL;
  if (x->shape[1] != w->shape[0]) {
    wg_set_error(WG_EINVAL, "conv_transpose2d: input has %d channels, weight expects %d", x->shape[1], w->shape[0]);
    return NULL;
  }
  if (o->out_pad[0] < 0 || o->out_pad[1] < 0 || o->out_pad[0] >= o->stride[0] || o->out_pad[1] >= o->stride[1]) {
    wg_set_error(WG_EINVAL, "conv_transpose2d: output padding %dx%d must be below the stride %dx%d", o->out_pad[0],
                 o->out_pad[1], o->stride[0], o->stride[1]);
    return NULL;
  }
  int OH = (x->shape[2] - 1) * o->stride[0] - o->pad[0] - o->pad[1] + w->shape[2] + o->out_pad[0];
  int OW = (x->shape[3] - 1) * o->stride[1] - o->pad[2] - o->pad[3] + w->shape[3] + o->out_pad[1];
  if (OH < 1 || OW < 1) {
    wg_set_error(WG_EINVAL, "conv_transpose2d: the padding leaves an empty output (%dx%d)", OH, OW);
    return NULL;
  }
  return wg_conv2d_bwd_data(ctx, x, w, o, OH, OW);
}
