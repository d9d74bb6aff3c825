/* Training a WGAN (weight clipping), a WGAN-GP or a standard GAN, and the
 * checkpoints of a run.
 *
 * Sign convention: the critic C is trained to make mean C(real) large and
 * mean C(fake) small. The logged w_estimate = mean C(real) - mean C(fake) is
 * the critic's estimate of the Wasserstein-1 distance (times the Lipschitz
 * constant its clipping allows); critic_loss = -w_estimate (+ the penalty). */
#ifndef WGAN_GAN_H
#define WGAN_GAN_H
#include "wgan/data.h"
#include "wgan/nn.h"
#include "wgan/optim.h"

typedef enum { WG_LOSS_CLIP, WG_LOSS_GP, WG_LOSS_GAN } wg_loss_kind;

typedef struct {
  char data[1024];       /* 8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, or a path */
  char model[16];        /* mlp, dcgan28, dcgan */
  wg_loss_kind loss;
  int64_t iters;         /* generator iterations of the whole run */
  int batch, n_critic;
  int warmup_critic;     /* clip: 100 critic steps while iter < 25 and every 500th iteration */
  float lr_gen, lr_critic, beta1, beta2, clip, lambda;
  int nz, dim;           /* noise size; model width (DIM of dcgan28/dcgan, hidden units of mlp) */
  int batchnorm;         /* BatchNorm layers in the models (clip and gan only) */
  float g1d_mean, g1d_std; /* gaussians1d: the real data's N(mean, std^2) */
  uint64_t seed;
  int threads;
} wg_train_config;

/* The defaults of loss (REFERENCE.md sections 1-2); data and model empty. */
void wg_train_config_defaults(wg_train_config *cfg, wg_loss_kind loss);
const char *wg_loss_name(wg_loss_kind loss);
wg_status wg_loss_from_name(const char *name, wg_loss_kind *loss);

/* Builds the models that cfg names for samples of per-sample shape
 * (ndim, shape), uninitialised. */
wg_status wg_gan_build_models(const wg_train_config *cfg, int ndim, const int *shape, wg_gan_models *m);

/* n samples from the generator: out[n, sample...]. Uses noise from rng;
 * BatchNorm in eval mode. */
wg_status wg_gan_sample(wg_gan_models *m, wg_rng *rng, int n, float *out);

/* Everything a run needs to continue, and what sampling and evaluation need. */
typedef struct {
  wg_train_config cfg;
  wg_gan_models models;
  int sample_ndim, sample_shape[3];
  wg_optim opt_gen, opt_critic;
  wg_rng rng;
  int64_t batcher_state[WG_BATCHER_STATE_LEN];
  int64_t iter;          /* generator iterations done */
  double seconds;        /* training time so far */
} wg_gan_state;

/* A fresh run: models built for samples of shape (ndim, shape) and
 * initialised (WGAN-GP's scheme for mlp/dcgan28, DCGAN's for dcgan),
 * optimizers, the RNG seeded. */
wg_status wg_gan_state_init(wg_gan_state *s, const wg_train_config *cfg, int ndim, const int *shape);

/* What one generator iteration did (the critic's figures are its last step's). */
typedef struct {
  double critic_loss, w_estimate, gp, gen_loss;
  int critic_iters;
} wg_iter_stats;

struct wg_source;
/* One generator iteration: the critic's steps (n_critic, or 100 in the
 * warm-up of the clip loss), each on a fresh real batch and fresh noise,
 * then one generator step; s->iter advances. WG_ENUMERIC if a loss is not
 * finite (nothing is updated by that step). */
wg_status wg_gan_train_iteration(wg_gan_state *s, struct wg_source *src, wg_ctx *ctx, wg_iter_stats *out);

/* Writes a checkpoint (safetensors; temp file + rename). */
wg_status wg_checkpoint_save(const char *path, const wg_gan_state *s);
/* Reads one back: the configuration from its metadata, then every tensor,
 * checked against the models that configuration builds. */
wg_status wg_checkpoint_load(const char *path, wg_gan_state *s);
void wg_gan_state_free(wg_gan_state *s);

#endif
