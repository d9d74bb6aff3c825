/* The reference architectures: the toy MLPs and the 28x28 model of the
 * WGAN-GP paper's code (igul222/improved_wgan_training: gan_toy.py,
 * gan_mnist.py) and the DCGAN of the WGAN paper's code
 * (martinarjovsky/WassersteinGAN). */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/nn.h"

/* Stops a builder at its first failing call. */
#define TRY(call)                          \
  do {                                     \
    wg_status st_ = (call);                \
    if (st_ != WG_OK) return fail(m, st_); \
  } while (0)

static wg_status fail(wg_gan_models *m, wg_status st) {
  wg_models_free(m);
  return st;
}

static wg_status start(wg_gan_models *m, int nz, int ndim, const int *shape, float lo, float hi) {
  m->nz = nz;
  m->out_lo = lo;
  m->out_hi = hi;
  m->gen = wg_net_new("generator", 1, (int[]){nz});
  m->critic = wg_net_new("critic", ndim, shape);
  return m->gen && m->critic ? WG_OK : wg_failed("the networks");
}

static wg_status finish(wg_gan_models *m) {
  TRY(wg_net_finish(m->gen));
  TRY(wg_net_finish(m->critic));
  return WG_OK;
}

void wg_models_free(wg_gan_models *m) {
  wg_net_free(m->gen);
  wg_net_free(m->critic);
  m->gen = m->critic = NULL;
}

wg_status wg_models_mlp(wg_gan_models *m, int nz, int ndim, const int *shape, int hidden, int layers) {
  if (nz < 1 || hidden < 1 || layers < 1 || ndim < 1 || ndim > 3)
    return wg_set_error(WG_EINVAL, "mlp: nz, hidden and layers must be positive");
  int flat = 1;
  for (int i = 0; i < ndim; i++) flat *= shape[i];
  TRY(start(m, nz, ndim, shape, -INFINITY, INFINITY));
  for (int i = 0; i < layers; i++) {
    TRY(wg_net_linear(m->gen, hidden, 1, WG_FAN_HE));
    TRY(wg_net_activation(m->gen, WG_LAYER_RELU, 0));
  }
  TRY(wg_net_linear(m->gen, flat, 1, WG_FAN_GLOROT));
  if (ndim > 1) TRY(wg_net_reshape(m->gen, ndim, shape));
  if (ndim > 1) TRY(wg_net_reshape(m->critic, 1, (int[]){flat}));
  TRY(wg_net_mlp_critic(m->critic, hidden, layers));
  return finish(m);
}

wg_status wg_net_mlp_critic(wg_net *net, int hidden, int layers) {
  for (int i = 0; i < layers; i++) {
    wg_status st = wg_net_linear(net, hidden, 1, WG_FAN_HE);
    if (st == WG_OK) st = wg_net_activation(net, WG_LAYER_RELU, 0);
    if (st != WG_OK) return st;
  }
  return wg_net_linear(net, 1, 1, WG_FAN_GLOROT);
}

wg_status wg_models_dcgan28(wg_gan_models *m, int nz, int dim, int batchnorm) {
  if (nz < 1 || dim < 1) return wg_set_error(WG_EINVAL, "dcgan28: nz and dim must be positive");
  TRY(start(m, nz, 3, (int[]){1, 28, 28}, 0.0f, 1.0f));
  wg_net *g = m->gen, *c = m->critic;
  /* Generator: Linear -> [4dim, 4, 4] -> 8x8 -> crop 7x7 -> 14x14 -> 28x28, each
   * transposed conv the adjoint of a TensorFlow SAME conv (asymmetric pads). */
  TRY(wg_net_linear(g, 4 * 4 * 4 * dim, 1, WG_FAN_GLOROT));
  if (batchnorm) TRY(wg_net_batchnorm(g, 1e-5f, 0.1f));
  TRY(wg_net_activation(g, WG_LAYER_RELU, 0));
  TRY(wg_net_reshape(g, 3, (int[]){4 * dim, 4, 4}));
  wg_conv_opts up8 = wg_conv_opts_same(8, 5, 2), up14 = wg_conv_opts_same(14, 5, 2), up28 = wg_conv_opts_same(28, 5, 2);
  TRY(wg_net_conv_transpose(g, 2 * dim, 5, &up8, 1));
  if (batchnorm) TRY(wg_net_batchnorm(g, 1e-5f, 0.1f));
  TRY(wg_net_activation(g, WG_LAYER_RELU, 0));
  TRY(wg_net_crop(g, 0, 0, 7, 7));
  TRY(wg_net_conv_transpose(g, dim, 5, &up14, 1));
  if (batchnorm) TRY(wg_net_batchnorm(g, 1e-5f, 0.1f));
  TRY(wg_net_activation(g, WG_LAYER_RELU, 0));
  TRY(wg_net_conv_transpose(g, 1, 5, &up28, 1));
  TRY(wg_net_activation(g, WG_LAYER_SIGMOID, 0));
  /* Critic: 28 -> 14 -> 7 -> 4, LeakyReLU 0.2, flatten (C, H, W), Linear -> 1. */
  wg_conv_opts d14 = wg_conv_opts_same(28, 5, 2), d7 = wg_conv_opts_same(14, 5, 2), d4 = wg_conv_opts_same(7, 5, 2);
  TRY(wg_net_conv(c, dim, 5, &d14, 1));
  TRY(wg_net_activation(c, WG_LAYER_LEAKY_RELU, 0.2f));
  TRY(wg_net_conv(c, 2 * dim, 5, &d7, 1));
  if (batchnorm) TRY(wg_net_batchnorm(c, 1e-5f, 0.1f));
  TRY(wg_net_activation(c, WG_LAYER_LEAKY_RELU, 0.2f));
  TRY(wg_net_conv(c, 4 * dim, 5, &d4, 1));
  if (batchnorm) TRY(wg_net_batchnorm(c, 1e-5f, 0.1f));
  TRY(wg_net_activation(c, WG_LAYER_LEAKY_RELU, 0.2f));
  TRY(wg_net_reshape(c, 1, (int[]){4 * 4 * 4 * dim}));
  TRY(wg_net_linear(c, 1, 1, WG_FAN_GLOROT));
  return finish(m);
}

wg_status wg_models_dcgan(wg_gan_models *m, int size, int nc, int nz, int dim, int batchnorm) {
  if (size != 32 && size != 64) return wg_set_error(WG_EINVAL, "dcgan: image size must be 32 or 64, not %d", size);
  if (nc < 1 || nz < 1 || dim < 1) return wg_set_error(WG_EINVAL, "dcgan: nc, nz and dim must be positive");
  TRY(start(m, nz, 3, (int[]){nc, size, size}, -1.0f, 1.0f));
  wg_net *g = m->gen, *c = m->critic;
  wg_conv_opts first = wg_conv_opts_sym(1, 0), up = wg_conv_opts_sym(2, 1), down = wg_conv_opts_sym(2, 1);
  /* Generator: nz -> (ngf * size / 8)@4 -> halving channels, doubling size -> nc@size, Tanh. */
  int ch = dim * size / 8;
  TRY(wg_net_reshape(g, 3, (int[]){nz, 1, 1}));
  TRY(wg_net_conv_transpose(g, ch, 4, &first, 0));
  if (batchnorm) TRY(wg_net_batchnorm(g, 1e-5f, 0.1f));
  TRY(wg_net_activation(g, WG_LAYER_RELU, 0));
  for (int s = 4; s < size / 2; s *= 2, ch /= 2) {
    TRY(wg_net_conv_transpose(g, ch / 2, 4, &up, 0));
    if (batchnorm) TRY(wg_net_batchnorm(g, 1e-5f, 0.1f));
    TRY(wg_net_activation(g, WG_LAYER_RELU, 0));
  }
  TRY(wg_net_conv_transpose(g, nc, 4, &up, 0));
  TRY(wg_net_activation(g, WG_LAYER_TANH, 0));
  /* Critic: nc@size -> ndf@size/2 (no BatchNorm) -> doubling channels to 4x4 -> 1. */
  ch = dim;
  TRY(wg_net_conv(c, ch, 4, &down, 0));
  TRY(wg_net_activation(c, WG_LAYER_LEAKY_RELU, 0.2f));
  for (int s = size / 2; s > 4; s /= 2, ch *= 2) {
    TRY(wg_net_conv(c, 2 * ch, 4, &down, 0));
    if (batchnorm) TRY(wg_net_batchnorm(c, 1e-5f, 0.1f));
    TRY(wg_net_activation(c, WG_LAYER_LEAKY_RELU, 0.2f));
  }
  wg_conv_opts last = wg_conv_opts_sym(1, 0);
  TRY(wg_net_conv(c, 1, 4, &last, 0));
  TRY(wg_net_reshape(c, 1, (int[]){1}));
  return finish(m);
}
