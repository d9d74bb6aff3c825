/* Networks: a sequence of layers whose parameters (and their gradients) live
 * in one contiguous buffer each, so an optimizer step, clipping, zeroing and
 * checkpointing are flat loops. Built layer by layer, then finished once
 * (wg_net_finish), which allocates the buffers. */
#ifndef WGAN_NN_H
#define WGAN_NN_H
#include "wgan/rng.h"
#include "wgan/tensor.h"

typedef enum {
  WG_LAYER_LINEAR,
  WG_LAYER_CONV,       /* Conv2d */
  WG_LAYER_CONVT,      /* ConvTranspose2d */
  WG_LAYER_BATCHNORM,  /* over the batch (and H, W for images), affine */
  WG_LAYER_LAYERNORM,  /* over (C, H, W) of each sample, affine per channel */
  WG_LAYER_RELU,
  WG_LAYER_LEAKY_RELU,
  WG_LAYER_TANH,
  WG_LAYER_SIGMOID,
  WG_LAYER_RESHAPE,    /* to a per-sample shape */
  WG_LAYER_CROP        /* NCHW: rows [top, top + height), columns [left, left + width) */
} wg_layer_kind;

/* A Linear layer's stdev under WG_INIT_WGANGP (the names of the WGAN-GP code). */
typedef enum {
  WG_FAN_GLOROT,  /* sqrt(2 / (in + out)): that code's default (output layers, the MNIST generator's input) */
  WG_FAN_HE       /* sqrt(2 / in): its Linear layers followed by a ReLU (the toy MLP's hidden layers) */
} wg_fan_rule;

/* One layer: the fields of every kind, then those of its own kind. */
typedef struct {
  wg_layer_kind kind;
  int in_shape[3], in_ndim;   /* per-sample shapes (no batch dimension) */
  int out_shape[3], out_ndim;
  /* Offsets into the network's parameter buffer (-1: none) and counts. */
  int64_t w_off, b_off, n_w, n_b;
  /* Offsets into the network's state buffer: BatchNorm running mean/var (-1: none). */
  int64_t mean_off, var_off;
  wg_tensor w, b;             /* leaves over the buffers, bound by wg_net_finish */
  union {
    struct { wg_fan_rule fan; } linear;              /* LINEAR */
    struct { int k; wg_conv_opts opts; } conv;       /* CONV, CONVT: a k x k kernel */
    struct { float eps, momentum; } norm;            /* BATCHNORM; LAYERNORM has no momentum */
    struct { float alpha; } leaky;                   /* LEAKY_RELU: the slope below 0 */
    struct { int top, left, height, width; } crop;   /* CROP */
  };
} wg_layer;

typedef struct {
  char name[64];
  wg_layer *layers;           /* [n_layers] */
  int n_layers;
  int in_shape[3], in_ndim;   /* per-sample input shape */
  int64_t n_params, n_state;
  float *params;              /* [n_params] every trained parameter; NULL until wg_net_finish */
  float *grads;               /* [n_params] their gradients */
  float *state;               /* [n_state] BatchNorm running statistics */
  int training;               /* BatchNorm: batch statistics (1) or running averages (0) */
} wg_net;

/* A new empty network taking samples of per-sample shape in_shape. */
wg_net *wg_net_new(const char *name, int in_ndim, const int *in_shape);
void wg_net_free(wg_net *net);

/* Layers, appended in order. Each checks that it fits the current shape and
 * returns WG_EINVAL with a message if not. */
wg_status wg_net_linear(wg_net *net, int out_features, int bias, wg_fan_rule fan);
wg_status wg_net_conv(wg_net *net, int out_ch, int k, const wg_conv_opts *o, int bias);
wg_status wg_net_conv_transpose(wg_net *net, int out_ch, int k, const wg_conv_opts *o, int bias);
wg_status wg_net_batchnorm(wg_net *net, float eps, float momentum);
wg_status wg_net_layernorm(wg_net *net, float eps);
/* alpha: LeakyReLU's slope below 0 (the other activations have none). */
wg_status wg_net_activation(wg_net *net, wg_layer_kind kind, float alpha);
wg_status wg_net_reshape(wg_net *net, int ndim, const int *shape);
wg_status wg_net_crop(wg_net *net, int top, int left, int h, int w);
/* Allocates the buffers (parameters zero, BatchNorm scale 1 and running
 * variance 1) and binds the layers' leaves. */
wg_status wg_net_finish(wg_net *net);

/* The output for a batch x[N, in_shape...]; NULL with the error set on a
 * shape mismatch. In training mode (net->training) BatchNorm normalises with
 * the batch statistics and updates its running averages; otherwise it uses
 * the running averages. */
wg_tensor *wg_net_forward(wg_ctx *ctx, wg_net *net, wg_tensor *x);
int wg_net_has_batchnorm(const wg_net *net);
void wg_net_zero_grad(wg_net *net);
/* Whether the parameters are differentiated (0: the net is a fixed function,
 * e.g. the critic during a generator step, which then skips its weight
 * gradients). */
void wg_net_set_requires_grad(wg_net *net, int on);
/* Per-sample output shape; returns its ndim. */
int wg_net_out_shape(const wg_net *net, int *shape);

/* ---- named tensors: the layout of a PyTorch state_dict ---- */
/* One parameter or statistics tensor of a network, named as the state_dict
 * of a PyTorch nn.Sequential called "main" holding the same layers in the
 * same order (every layer counted, activations, reshapes and crops too):
 * "main.{i}.weight", "main.{i}.bias", "main.{i}.running_mean",
 * "main.{i}.running_var", with PyTorch's shapes: Linear [out, in] and
 * [out]; Conv2d [OC, C, k, k]; ConvTranspose2d [C, OC, k, k]; BatchNorm
 * [C]; this library's LayerNorm (over C, H, W with an affine per channel:
 * PyTorch's GroupNorm(1, C)) [C]. Each is a view of one of the network's
 * buffers, so the views in order tile params and state without a gap. */
typedef struct {
  char name[48];
  int in_state;           /* 0: a view of net->params, 1: of net->state */
  int64_t offset, numel;  /* into that buffer */
  int ndim;
  int64_t shape[4];
} wg_net_tensor;

/* Writes the network's named tensors, in buffer order, to out (at most cap
 * of them) and returns how many it has; valid before wg_net_finish. */
int wg_net_tensors(const wg_net *net, wg_net_tensor *out, int cap);

/* ---- initialisation ---- */
/* Normalisation layers start at scale 1, shift 0 under every scheme. */
typedef enum {
  WG_INIT_PYTORCH,  /* PyTorch's defaults: U(+-1/sqrt(fan_in)) for weights and biases */
  WG_INIT_DCGAN,    /* the WGAN code's: conv weights N(0, 0.02), BatchNorm scale N(1, 0.02);
                     * conv biases and Linear layers as PyTorch */
  /* The WGAN-GP code (igul222/improved_wgan_training, its tflib): weights
   * U(+-stdev sqrt 3), biases 0. Linear: stdev by the layer's wg_fan_rule.
   * Conv: sqrt(4 / (fan_in + fan_out)), fan_in = in k^2, fan_out = out k^2 / s^2;
   * transposed conv the same with fan_in = in k^2 / s^2, fan_out = out k^2
   * (in, out: channels; s: the stride, 2 in that code). */
  WG_INIT_WGANGP
} wg_init_scheme;
void wg_net_init(wg_net *net, wg_init_scheme scheme, wg_rng *rng);

/* ---- the reference models ---- */
typedef struct {
  wg_net *gen, *critic;
  int nz;                   /* noise size: the generator's input is [N, nz] */
  float out_lo, out_hi;     /* the generator's output range (sigmoid [0,1], tanh [-1,1]) */
} wg_gan_models;

/* MLPs: generator nz -> hidden x layers (ReLU) -> samples of shape
 * (ndim, shape); critic the mirror image -> 1. Unbounded output. With
 * shape {2}, hidden 512, layers 3: the WGAN-GP toy model; with an image
 * shape: the WGAN paper's MLP. */
wg_status wg_models_mlp(wg_gan_models *m, int nz, int ndim, const int *shape, int hidden, int layers);
/* Appends the MLP critic's layers to net: hidden x layers (Linear + ReLU),
 * then Linear -> 1. */
wg_status wg_net_mlp_critic(wg_net *net, int hidden, int layers);
/* The WGAN-GP MNIST model (28x28x1) with width dim; batchnorm adds the
 * BatchNorm layers of that script's clipping mode. */
wg_status wg_models_dcgan28(wg_gan_models *m, int nz, int dim, int batchnorm);
/* The WGAN paper's DCGAN for size 32 or 64, nc channels, widths ngf = ndf = dim. */
wg_status wg_models_dcgan(wg_gan_models *m, int size, int nc, int nz, int dim, int batchnorm);
void wg_models_free(wg_gan_models *m);
/* n samples from the generator: out[n, sample...]. Uses noise from rng;
 * BatchNorm in eval mode. */
wg_status wg_gan_sample(wg_gan_models *m, wg_rng *rng, int n, float *out);
/* The generator's samples for given noise: out[n, sample...] = G(z[n, nz]),
 * BatchNorm in eval mode. */
wg_status wg_gan_generate(wg_gan_models *m, const float *z, int n, float *out);

#endif
