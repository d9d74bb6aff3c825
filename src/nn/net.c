/* Building a network layer by layer, tracking the per-sample shape, and
 * laying every parameter out in one buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "nn/layer_forward.h"
#include "wgan/nn.h"

wg_net *wg_net_new(const char *name, int in_ndim, const int *in_shape) {
  if (in_ndim < 1 || in_ndim > 3) {
    wg_set_error(WG_EINVAL, "a network's samples have 1 to 3 dimensions, not %d", in_ndim);
    return NULL;
  }
  wg_net *net = calloc(1, sizeof *net);
  if (!net) {
    wg_set_error(WG_ENOMEM, "out of memory");
    return NULL;
  }
  snprintf(net->name, sizeof net->name, "%s", name);
  net->in_ndim = in_ndim;
  memcpy(net->in_shape, in_shape, sizeof(int) * (size_t)in_ndim);
  net->training = 1;
  return net;
}

void wg_net_free(wg_net *net) {
  if (!net) return;
  free(net->layers);
  free(net->params);
  free(net->grads);
  free(net->state);
  free(net);
}

/* The per-sample shape the next layer receives. */
static void current_shape(const wg_net *net, int *ndim, int *shape) {
  if (net->n_layers == 0) {
    *ndim = net->in_ndim;
    memcpy(shape, net->in_shape, sizeof(int) * 3);
  } else {
    const wg_layer *l = &net->layers[net->n_layers - 1];
    *ndim = l->out_ndim;
    memcpy(shape, l->out_shape, sizeof(int) * 3);
  }
}

/* A new layer at the end, its input shape filled in; NULL if it cannot be added. */
static wg_layer *append(wg_net *net, wg_layer_kind kind) {
  if (net->params) {
    wg_set_error(WG_EINVAL, "%s: layers cannot be added after wg_net_finish", net->name);
    return NULL;
  }
  /* One realloc a layer: a network is built once, from a few dozen. */
  wg_layer *layers = realloc(net->layers, sizeof *layers * (size_t)(net->n_layers + 1));
  if (!layers) {
    wg_set_error(WG_ENOMEM, "out of memory");
    return NULL;
  }
  net->layers = layers;
  wg_layer *l = &net->layers[net->n_layers];
  memset(l, 0, sizeof *l);
  l->kind = kind;
  l->w_off = l->b_off = l->mean_off = l->var_off = -1;
  current_shape(net, &l->in_ndim, l->in_shape);
  l->out_ndim = l->in_ndim;
  memcpy(l->out_shape, l->in_shape, sizeof l->out_shape);
  return l;
}

static int64_t shape_numel(int ndim, const int *shape) {
  int64_t n = 1;
  for (int i = 0; i < ndim; i++) n *= shape[i];
  return n;
}

static void add_params(wg_net *net, wg_layer *l, int64_t n_w, int64_t n_b) {
  l->n_w = n_w;
  l->w_off = net->n_params;
  net->n_params += n_w;
  l->n_b = n_b;
  if (n_b) {
    l->b_off = net->n_params;
    net->n_params += n_b;
  }
}

static wg_status need_image(const wg_net *net, const wg_layer *l, const char *what) {
  if (l->in_ndim == 3) return WG_OK;
  return wg_set_error(WG_EINVAL, "%s: layer %d (%s) needs [C, H, W] samples, it gets %d dimensions", net->name,
                      net->n_layers, what, l->in_ndim);
}

wg_status wg_net_linear(wg_net *net, int out_features, int bias, wg_fan_rule fan) {
  wg_layer *l = append(net, WG_LAYER_LINEAR);
  if (!l) return wg_failed("a layer");
  if (l->in_ndim != 1 || out_features < 1)
    return wg_set_error(WG_EINVAL, "%s: layer %d (linear) needs flat samples and out_features >= 1", net->name,
                        net->n_layers);
  l->linear.fan = fan;
  l->out_shape[0] = out_features;
  add_params(net, l, (int64_t)out_features * l->in_shape[0], bias ? out_features : 0);
  net->n_layers++;
  return WG_OK;
}

static wg_status add_conv(wg_net *net, wg_layer_kind kind, int out_ch, int k, const wg_conv_opts *o, int bias) {
  wg_layer *l = append(net, kind);
  if (!l) return wg_failed("a layer");
  const char *what = kind == WG_LAYER_CONV ? "conv" : "conv_transpose";
  if (need_image(net, l, what)) return WG_EINVAL;
  if (out_ch < 1 || k < 1 || o->stride[0] < 1 || o->stride[1] < 1)
    return wg_set_error(WG_EINVAL, "%s: layer %d (%s): bad channels/kernel/stride", net->name, net->n_layers, what);
  int H = l->in_shape[1], W = l->in_shape[2], OH, OW;
  const int *p = o->pad;
  if (kind == WG_LAYER_CONV) {
    OH = (H + p[0] + p[1] - k) / o->stride[0] + 1;
    OW = (W + p[2] + p[3] - k) / o->stride[1] + 1;
  } else {
    OH = (H - 1) * o->stride[0] - p[0] - p[1] + k + o->out_pad[0];
    OW = (W - 1) * o->stride[1] - p[2] - p[3] + k + o->out_pad[1];
  }
  if (OH < 1 || OW < 1 || (kind == WG_LAYER_CONV && (H + p[0] + p[1] < k || W + p[2] + p[3] < k)))
    return wg_set_error(WG_EINVAL, "%s: layer %d (%s): a %dx%d input gives an empty output", net->name, net->n_layers,
                        what, H, W);
  l->conv.k = k;
  l->conv.opts = *o;
  l->out_shape[0] = out_ch;
  l->out_shape[1] = OH;
  l->out_shape[2] = OW;
  add_params(net, l, (int64_t)out_ch * l->in_shape[0] * k * k, bias ? out_ch : 0);
  net->n_layers++;
  return WG_OK;
}

wg_status wg_net_conv(wg_net *net, int out_ch, int k, const wg_conv_opts *o, int bias) {
  return add_conv(net, WG_LAYER_CONV, out_ch, k, o, bias);
}

wg_status wg_net_conv_transpose(wg_net *net, int out_ch, int k, const wg_conv_opts *o, int bias) {
  return add_conv(net, WG_LAYER_CONVT, out_ch, k, o, bias);
}

wg_status wg_net_batchnorm(wg_net *net, float eps, float momentum) {
  wg_layer *l = append(net, WG_LAYER_BATCHNORM);
  if (!l) return wg_failed("a layer");
  if (l->in_ndim == 2) return wg_set_error(WG_EINVAL, "%s: batchnorm needs [F] or [C, H, W] samples", net->name);
  int features = l->in_shape[0];
  l->norm.eps = eps;
  l->norm.momentum = momentum;
  add_params(net, l, features, features);
  l->mean_off = net->n_state;
  l->var_off = net->n_state + features;
  net->n_state += 2 * features;
  net->n_layers++;
  return WG_OK;
}

wg_status wg_net_layernorm(wg_net *net, float eps) {
  wg_layer *l = append(net, WG_LAYER_LAYERNORM);
  if (!l) return wg_failed("a layer");
  if (need_image(net, l, "layernorm")) return WG_EINVAL;
  l->norm.eps = eps;
  add_params(net, l, l->in_shape[0], l->in_shape[0]);
  net->n_layers++;
  return WG_OK;
}

wg_status wg_net_activation(wg_net *net, wg_layer_kind kind, float alpha) {
  if (kind != WG_LAYER_RELU && kind != WG_LAYER_LEAKY_RELU && kind != WG_LAYER_TANH && kind != WG_LAYER_SIGMOID)
    return wg_set_error(WG_EINVAL, "%s: layer kind %d is not an activation", net->name, (int)kind);
  wg_layer *l = append(net, kind);
  if (!l) return wg_failed("a layer");
  if (kind == WG_LAYER_LEAKY_RELU) l->leaky.alpha = alpha;
  net->n_layers++;
  return WG_OK;
}

wg_status wg_net_reshape(wg_net *net, int ndim, const int *shape) {
  wg_layer *l = append(net, WG_LAYER_RESHAPE);
  if (!l) return wg_failed("a layer");
  if (ndim < 1 || ndim > 3 || shape_numel(ndim, shape) != shape_numel(l->in_ndim, l->in_shape))
    return wg_set_error(WG_EINVAL, "%s: layer %d: cannot reshape %lld values per sample to that shape", net->name,
                        net->n_layers, (long long)shape_numel(l->in_ndim, l->in_shape));
  l->out_ndim = ndim;
  memset(l->out_shape, 0, sizeof l->out_shape);
  memcpy(l->out_shape, shape, sizeof(int) * (size_t)ndim);
  net->n_layers++;
  return WG_OK;
}

wg_status wg_net_crop(wg_net *net, int top, int left, int h, int w) {
  wg_layer *l = append(net, WG_LAYER_CROP);
  if (!l) return wg_failed("a layer");
  if (need_image(net, l, "crop")) return WG_EINVAL;
  if (top < 0 || left < 0 || h < 1 || w < 1 || top + h > l->in_shape[1] || left + w > l->in_shape[2])
    return wg_set_error(WG_EINVAL, "%s: crop %dx%d at (%d, %d) does not fit a %dx%d image", net->name, h, w, top, left,
                        l->in_shape[1], l->in_shape[2]);
  l->crop.top = top, l->crop.left = left, l->crop.height = h, l->crop.width = w;
  l->out_shape[1] = h;
  l->out_shape[2] = w;
  net->n_layers++;
  return WG_OK;
}

/* Binds a layer's weight and bias leaves over the buffers, in the shapes the ops want. */
static void bind(wg_net *net, wg_layer *l) {
  int ws[4], bs[4], wn = 0, bn = 0;
  switch (l->kind) {
    case WG_LAYER_LINEAR: /* w[out, in] as PyTorch; bias [out] */
      ws[0] = l->out_shape[0], ws[1] = l->in_shape[0], wn = 2;
      bs[0] = l->out_shape[0], bn = 1;
      break;
    case WG_LAYER_CONV: /* w[OC, C, k, k]; bias [1, OC, 1, 1] */
      ws[0] = l->out_shape[0], ws[1] = l->in_shape[0], ws[2] = ws[3] = l->conv.k, wn = 4;
      bs[0] = 1, bs[1] = l->out_shape[0], bs[2] = bs[3] = 1, bn = 4;
      break;
    case WG_LAYER_CONVT: /* w[C, OC, k, k] as PyTorch's ConvTranspose2d */
      ws[0] = l->in_shape[0], ws[1] = l->out_shape[0], ws[2] = ws[3] = l->conv.k, wn = 4;
      bs[0] = 1, bs[1] = l->out_shape[0], bs[2] = bs[3] = 1, bn = 4;
      break;
    case WG_LAYER_BATCHNORM:
    case WG_LAYER_LAYERNORM: /* scale and shift per feature or channel */
      if (l->in_ndim == 1) ws[0] = 1, ws[1] = l->in_shape[0], wn = 2;
      else ws[0] = 1, ws[1] = l->in_shape[0], ws[2] = ws[3] = 1, wn = 4;
      memcpy(bs, ws, sizeof ws), bn = wn;
      break;
    default:
      return;
  }
  /* The shapes hold exactly the parameters add_params counted. */
  wg_status st = wg_tensor_leaf(&l->w, net->params + l->w_off, net->grads + l->w_off, wn, ws, 1);
  WG_ASSERT(st == WG_OK && l->w.numel == l->n_w);
  if (!l->n_b) return;
  st = wg_tensor_leaf(&l->b, net->params + l->b_off, net->grads + l->b_off, bn, bs, 1);
  WG_ASSERT(st == WG_OK && l->b.numel == l->n_b);
}

/* A network is finished once it has its buffers. */
wg_status wg_net_finish(wg_net *net) {
  if (net->params) return WG_OK;
  size_t np = (size_t)(net->n_params ? net->n_params : 1), ns = (size_t)(net->n_state ? net->n_state : 1);
  float *params = calloc(np, sizeof(float)), *grads = calloc(np, sizeof(float)), *state = calloc(ns, sizeof(float));
  if (!params || !grads || !state) {
    free(params);
    free(grads);
    free(state);
    return wg_set_error(WG_ENOMEM, "out of memory for %s", net->name);
  }
  net->params = params, net->grads = grads, net->state = state;
  for (int i = 0; i < net->n_layers; i++) {
    wg_layer *l = &net->layers[i];
    bind(net, l);
    if (l->kind == WG_LAYER_BATCHNORM || l->kind == WG_LAYER_LAYERNORM)
      for (int64_t j = 0; j < l->n_w; j++) net->params[l->w_off + j] = 1.0f;
    if (l->kind == WG_LAYER_BATCHNORM)
      for (int64_t j = 0; j < l->n_w; j++) net->state[l->var_off + j] = 1.0f;
  }
  return WG_OK;
}

int wg_net_has_batchnorm(const wg_net *net) {
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].kind == WG_LAYER_BATCHNORM) return 1;
  return 0;
}

void wg_net_zero_grad(wg_net *net) { memset(net->grads, 0, sizeof(float) * (size_t)net->n_params); }

void wg_net_set_requires_grad(wg_net *net, int on) {
  for (int i = 0; i < net->n_layers; i++) {
    net->layers[i].w.requires_grad = on && net->layers[i].n_w;
    net->layers[i].b.requires_grad = on && net->layers[i].n_b;
  }
}

int wg_net_out_shape(const wg_net *net, int *shape) {
  int ndim;
  current_shape(net, &ndim, shape);
  return ndim;
}

/* Whether x is [N, shape...]. */
static int is_batch_of(const wg_tensor *x, int ndim, const int *shape) {
  int ok = x->ndim == ndim + 1;
  for (int i = 0; ok && i < ndim; i++) ok = x->shape[i + 1] == shape[i];
  return ok;
}

wg_tensor *wg_net_forward(wg_ctx *ctx, wg_net *net, wg_tensor *x) {
  if (!x) return NULL;
  if (!net->params) {
    wg_set_error(WG_EINVAL, "%s: wg_net_finish was not called", net->name);
    return NULL;
  }
  if (!is_batch_of(x, net->in_ndim, net->in_shape)) {
    char s[64];
    wg_set_error(WG_EINVAL, "%s: input of shape %s does not match its %d-D samples", net->name,
                 wg_shape_str(x, s, sizeof s), net->in_ndim);
    return NULL;
  }
  wg_tensor *h = x;
  for (int i = 0; i < net->n_layers && h; i++) {
    wg_layer *l = &net->layers[i];
    h = wg_layer_forward(ctx, net, l, h);
    /* The builders' shape arithmetic agrees with the ops'. */
    WG_ASSERT(!h || is_batch_of(h, l->out_ndim, l->out_shape));
  }
  return h;
}
