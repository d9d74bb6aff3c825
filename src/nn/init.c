/* Initialisers of the reference codes. Layers are visited in order, weight
 * before bias, so a seed fixes every value. */
#include <math.h>
#include <string.h>

#include "wgan/nn.h"

static void fill_uniform(wg_rng *rng, float *x, int64_t n, double bound) {
  wg_rng_fill_uniform(rng, x, (size_t)n, (float)-bound, (float)bound);
}

/* PyTorch's fan_in of a Linear/conv layer; 0 for other layers. */
static double pytorch_fan_in(const wg_layer *l) {
  switch (l->kind) {
    case WG_LAYER_LINEAR: return l->in_shape[0];
    case WG_LAYER_CONV: return (double)l->in_shape[0] * l->conv.k * l->conv.k;
    /* ConvTranspose2d's weight is [in, out, k, k]; PyTorch takes fan_in from dimension 1. */
    case WG_LAYER_CONVT: return (double)l->out_shape[0] * l->conv.k * l->conv.k;
    default: return 0;
  }
}

/* PyTorch: kaiming_uniform(a = sqrt 5) gives U(+-1/sqrt(fan_in)); the bias the same bound. */
static void init_pytorch(wg_net *net, wg_layer *l, wg_rng *rng) {
  double fan_in = pytorch_fan_in(l);
  if (fan_in == 0) return;
  fill_uniform(rng, net->params + l->w_off, l->n_w, 1.0 / sqrt(fan_in));
  if (l->n_b) fill_uniform(rng, net->params + l->b_off, l->n_b, 1.0 / sqrt(fan_in));
}

/* The WGAN-GP code (igul222/improved_wgan_training, its tflib): U(+-stdev sqrt 3),
 * biases 0. Linear: glorot sqrt(2/(in+out)) or he sqrt(2/in). Conv (its he_init):
 * sqrt(4/(fan_in+fan_out)) with fan_in = in k^2, fan_out = out k^2 / s^2;
 * transposed conv: fan_in = in k^2 / s^2, fan_out = out k^2. */
static void init_wgangp(wg_net *net, wg_layer *l, wg_rng *rng) {
  const double in = l->in_shape[0], out = l->out_shape[0];
  double stdev;
  if (l->kind == WG_LAYER_LINEAR) {
    stdev = l->linear.fan == WG_FAN_HE ? sqrt(2.0 / in) : sqrt(2.0 / (in + out));
  } else if (l->kind == WG_LAYER_CONV || l->kind == WG_LAYER_CONVT) {
    const double k2 = (double)l->conv.k * l->conv.k, s2 = (double)l->conv.opts.stride[0] * l->conv.opts.stride[0];
    stdev = l->kind == WG_LAYER_CONV ? sqrt(4.0 / (in * k2 + out * k2 / s2)) : sqrt(4.0 / (in * k2 / s2 + out * k2));
  } else {
    return;
  }
  fill_uniform(rng, net->params + l->w_off, l->n_w, stdev * sqrt(3.0));
  if (l->n_b) memset(net->params + l->b_off, 0, sizeof(float) * (size_t)l->n_b);
}

/* DCGAN (the WGAN code's weights_init): conv weights N(0, 0.02), BatchNorm
 * scale N(1, 0.02) and shift 0; everything else keeps PyTorch's default. */
static void init_dcgan(wg_net *net, wg_layer *l, wg_rng *rng) {
  if (l->kind == WG_LAYER_CONV || l->kind == WG_LAYER_CONVT) {
    wg_rng_fill_normal(rng, net->params + l->w_off, (size_t)l->n_w, 0.0f, 0.02f);
    if (l->n_b) fill_uniform(rng, net->params + l->b_off, l->n_b, 1.0 / sqrt(pytorch_fan_in(l)));
  } else if (l->kind == WG_LAYER_BATCHNORM) {
    wg_rng_fill_normal(rng, net->params + l->w_off, (size_t)l->n_w, 1.0f, 0.02f);
    memset(net->params + l->b_off, 0, sizeof(float) * (size_t)l->n_b);
  } else {
    init_pytorch(net, l, rng);
  }
}

void wg_net_init(wg_net *net, wg_init_scheme scheme, wg_rng *rng) {
  for (int i = 0; i < net->n_layers; i++) {
    wg_layer *l = &net->layers[i];
    if (l->kind == WG_LAYER_BATCHNORM || l->kind == WG_LAYER_LAYERNORM) {
      for (int64_t j = 0; j < l->n_w; j++) net->params[l->w_off + j] = 1.0f;
      memset(net->params + l->b_off, 0, sizeof(float) * (size_t)l->n_b);
    }
    switch (scheme) {
      case WG_INIT_PYTORCH: init_pytorch(net, l, rng); break;
      case WG_INIT_WGANGP: init_wgangp(net, l, rng); break;
      case WG_INIT_DCGAN: init_dcgan(net, l, rng); break;
    }
  }
}
