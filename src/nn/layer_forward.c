/* The forward pass of each layer kind, through ops (so the tape can
 * differentiate it twice). */
#include "nn/layer_forward.h"

#include "core/error.h"
#include "core/ops_bias.h"

/* Normalises h over the axes in mask: (h - mean) / sqrt(var + eps), biased variance. */
static wg_tensor *normalise(wg_ctx *ctx, wg_tensor *h, unsigned mask, float eps, wg_tensor **mean_out,
                            wg_tensor **var_out) {
  wg_tensor *mean = wg_mean_axes(ctx, h, mask, 1);
  wg_tensor *centred = wg_sub(ctx, h, mean);
  wg_tensor *var = wg_mean_axes(ctx, wg_square(ctx, centred), mask, 1);
  if (mean_out) *mean_out = mean, *var_out = var;
  return wg_div(ctx, centred, wg_sqrt(ctx, wg_add_scalar(ctx, var, eps)));
}

static wg_tensor *batchnorm(wg_ctx *ctx, wg_net *net, wg_layer *l, wg_tensor *h) {
  unsigned mask = h->ndim == 2 ? 0x1 : 0xD; /* N, or N, H, W */
  float *run_mean = net->state + l->mean_off, *run_var = net->state + l->var_off;
  const int features = l->in_shape[0];
  wg_tensor *y;
  if (net->training) {
    wg_tensor *mean, *var;
    y = normalise(ctx, h, mask, l->norm.eps, &mean, &var);
    if (!y) return NULL;
    WG_ASSERT(mean->numel == features && var->numel == features);
    /* Running averages as PyTorch: the variance unbiased. */
    int64_t count = h->numel / features;
    float unbias = count > 1 ? (float)count / (float)(count - 1) : 1.0f, m = l->norm.momentum;
    for (int c = 0; c < features; c++) {
      run_mean[c] = (1 - m) * run_mean[c] + m * mean->data[c];
      run_var[c] = (1 - m) * run_var[c] + m * var->data[c] * unbias;
    }
  } else {
    wg_tensor *mean = wg_from_data(ctx, run_mean, l->w.ndim, l->w.shape);
    wg_tensor *var = wg_from_data(ctx, run_var, l->w.ndim, l->w.shape);
    y = wg_div(ctx, wg_sub(ctx, h, mean), wg_sqrt(ctx, wg_add_scalar(ctx, var, l->norm.eps)));
  }
  return wg_add(ctx, wg_mul(ctx, y, &l->w), &l->b);
}

/* Over y's own values: y is a fresh matmul or convolution output. */
static wg_tensor *add_bias(wg_ctx *ctx, wg_layer *l, wg_tensor *y) {
  return l->n_b ? wg_add_bias_over(ctx, y, &l->b) : y;
}

wg_tensor *wg_layer_forward(wg_ctx *ctx, wg_net *net, wg_layer *l, wg_tensor *h) {
  const int n = h->shape[0];
  switch (l->kind) {
    case WG_LAYER_LINEAR:
      return add_bias(ctx, l, wg_matmul(ctx, h, &l->w, 0, 1));
    case WG_LAYER_CONV:
      return add_bias(ctx, l, wg_conv2d(ctx, h, &l->w, &l->conv.opts));
    case WG_LAYER_CONVT:
      return add_bias(ctx, l, wg_conv_transpose2d(ctx, h, &l->w, &l->conv.opts));
    case WG_LAYER_BATCHNORM:
      return batchnorm(ctx, net, l, h);
    case WG_LAYER_LAYERNORM:
      return wg_add(ctx, wg_mul(ctx, normalise(ctx, h, 0xE, l->norm.eps, NULL, NULL), &l->w), &l->b);
    case WG_LAYER_RELU:
      return wg_relu(ctx, h);
    case WG_LAYER_LEAKY_RELU:
      return wg_leaky_relu(ctx, h, l->leaky.alpha);
    case WG_LAYER_TANH:
      return wg_tanh(ctx, h);
    case WG_LAYER_SIGMOID:
      return wg_sigmoid(ctx, h);
    case WG_LAYER_RESHAPE: {
      int shape[4] = {n, l->out_shape[0], l->out_shape[1], l->out_shape[2]};
      return wg_reshape(ctx, h, 1 + l->out_ndim, shape);
    }
    case WG_LAYER_CROP:
      return wg_crop(ctx, h, l->crop.top, l->crop.left, l->crop.height, l->crop.width);
  }
  wg_set_error(WG_EINVAL, "unknown layer kind %d", (int)l->kind);
  return NULL;
}
