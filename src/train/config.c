/* The trainer's configuration table: names, ranges, help and defaults.
 *
 * Defaults by loss follow the reference codes: WGAN (the WGAN paper's code,
 * martinarjovsky/WassersteinGAN): RMSprop 5e-5 (alpha 0.99), clip 0.01,
 * n_critic 5 with the 100-step critic warm-up; WGAN-GP (the WGAN-GP paper's
 * code, igul222/improved_wgan_training): Adam(1e-4, 0.5, 0.9), n_critic 5,
 * lambda 10; the standard GAN (DCGAN's settings): Adam(2e-4, 0.5, 0.999),
 * one discriminator step. Defaults by model: the toy MLP of gan_toy.py (512
 * wide, noise 2, batch 256, lambda 0.1: with the paper's 10 the toy critic
 * often settles in a poor optimum) at PyTorch's initialisation (with
 * gan_toy.py's he-uniform weights, sqrt 6 times as wide in every layer, the
 * exact W1 of its samples after 3,000 iterations is twice PyTorch's:
 * docs/quality.md), dcgan28 of gan_mnist.py (DIM 64, noise 128, batch 50, its
 * initialisation), dcgan of the WGAN code (ngf = ndf = 64, noise 100, batch
 * 64, its initialisation). */
#include <string.h>

#include "core/error.h"
#include "wgan/train.h"

static const char *const loss_names[] = {"clip", "gp", "gan", NULL};
static const char *const model_names[] = {"mlp", "dcgan28", "dcgan", NULL};
/* By wg_init_scheme. */
static const char *const init_names[] = {"pytorch", "dcgan", "wgangp", NULL};
/* By wg_lr_decay. */
static const char *const lr_decay_names[] = {"constant", "linear", NULL};
/* By wg_precision. */
static const char *const precision_names[] = {"fp32", "bf16", NULL};

#define AT(member) WG_FIELD_AT(wg_train_config, member)
#define FIXED(v) WG_DEFAULT_FIXED, {v}
#define BY_LOSS(clip, gp, gan) WG_DEFAULT_BY_LOSS, {clip, gp, gan}
#define BY_MODEL(mlp, d28, dcgan) WG_DEFAULT_BY_MODEL, {mlp, d28, dcgan}

/* In the order of the checkpoint metadata; lr_gen before lr_critic, which
 * it sets too. */
static const wg_field fields[] = {
    {"data", "--data", WG_FIELD_TEXT, AT(data), 0, 0, NULL,
     "8gaussians|25gaussians|swissroll|gaussians1d|fashion-mnist|FILE.csv|IDX|PNG-DIR", WG_DEFAULT_NONE, {0}, 0},
    {"model", "--model", WG_FIELD_CHOICE, AT(model), 0, 0, model_names, "mlp | dcgan28 | dcgan (default: from the data)",
     WG_DEFAULT_NONE, {0}, 0},
    {"loss", "--loss", WG_FIELD_CHOICE, AT(loss), 0, 0, loss_names, "clip (WGAN) | gp (WGAN-GP) | gan (standard GAN)",
     FIXED(WG_LOSS_GP), 0},
    {"seed", "--seed", WG_FIELD_U64, AT(seed), 0, 0, NULL, "random seed", FIXED(1), 0},
    {"iters", "--iters", WG_FIELD_INT64, AT(iters), 1, 1e9, NULL, "generator iterations of the whole run", FIXED(1000), 1},
    {"batch", "--batch", WG_FIELD_INT, AT(batch), 1, 1e6, NULL, "batch size", BY_MODEL(256, 50, 64), 0},
    {"n_critic", "--n-critic", WG_FIELD_INT, AT(n_critic), 1, 1e6, NULL, "critic steps per generator step",
     BY_LOSS(5, 5, 1), 0},
    {"warmup_critic", "--no-warmup-critic", WG_FIELD_FLAG_OFF, AT(warmup_critic), 0, 1, NULL,
     "clip: no 100-step critic warm-up", BY_LOSS(1, 0, 0), 0},
    {"lr_gen", "--lr", WG_FIELD_FLOAT, AT(lr_gen), 0, 1e30, NULL, "learning rate (both networks)",
     BY_LOSS(5e-5, 1e-4, 2e-4), 0},
    {"lr_critic", "--lr-critic", WG_FIELD_FLOAT, AT(lr_critic), 0, 1e30, NULL, "the critic's learning rate",
     BY_LOSS(5e-5, 1e-4, 2e-4), 0},
    {"lr_decay", "--lr-decay", WG_FIELD_CHOICE, AT(lr_decay), 0, 0, lr_decay_names,
     "constant | linear: both learning rates times 1 - t/iters at iteration t (the WGAN-GP code's CIFAR-10 "
     "ResNet; a resume with another --iters follows the new count)",
     FIXED(WG_LR_CONSTANT), 0},
    {"beta1", "--beta1", WG_FIELD_FLOAT, AT(beta1), 0, 0.999999, NULL, "Adam beta1 (RMSprop: alpha)",
     BY_LOSS(0.99, 0.5, 0.5), 0},
    {"beta2", "--beta2", WG_FIELD_FLOAT, AT(beta2), 0, 0.999999, NULL, "Adam beta2", BY_LOSS(0, 0.9, 0.999), 0},
    {"clip", "--clip", WG_FIELD_FLOAT, AT(clip), 1e-12, 1e6, NULL, "weight clipping bound c", FIXED(0.01), 0},
    {"lambda", "--lambda", WG_FIELD_FLOAT, AT(lambda), 0, 1e9, NULL, "gradient penalty weight", BY_MODEL(0.1, 10, 10), 0},
    {"nz", "--nz", WG_FIELD_INT, AT(nz), 1, 65536, NULL, "noise dimension", BY_MODEL(2, 128, 100), 0},
    {"dim", "--dim", WG_FIELD_INT, AT(dim), 1, 65536, NULL, "model width (DIM; hidden units of mlp)",
     BY_MODEL(512, 64, 64), 0},
    {"batchnorm", "--batchnorm", WG_FIELD_FLAG, AT(batchnorm), 0, 1, NULL, "BatchNorm in both networks (clip, gan)",
     FIXED(0), 0},
    {"init", "--init", WG_FIELD_CHOICE, AT(init), 0, 0, init_names,
     "initialisation: pytorch (torch.nn's) | dcgan (the WGAN code's) | wgangp (the WGAN-GP code's)",
     BY_MODEL(WG_INIT_PYTORCH, WG_INIT_WGANGP, WG_INIT_DCGAN), 0},
    {"g1d_mean", "--g1d-mean", WG_FIELD_FLOAT, AT(g1d_mean), -1e6, 1e6, NULL, "gaussians1d: mean of the real data",
     FIXED(3), 0},
    {"g1d_std", "--g1d-std", WG_FIELD_FLOAT, AT(g1d_std), 1e-9, 1e6, NULL, "gaussians1d: std of the real data",
     FIXED(1), 0},
    {"threads", "--threads", WG_FIELD_INT, AT(threads), 0, 1024, NULL, "threads (0: all cores)", FIXED(0), 1},
    {"precision", "--precision", WG_FIELD_CHOICE, AT(precision), 0, 0, precision_names,
     "fp32 | bf16: matrix products and convolutions on bfloat16 inputs, float master weights and optimizer "
     "(needs AVX-512-BF16 or AMX)",
     FIXED(WG_PRECISION_FP32), 1},
};
enum { N_FIELDS = sizeof fields / sizeof fields[0] };

const wg_field *wg_train_fields(int *n) {
  *n = N_FIELDS;
  return fields;
}

const wg_field *wg_train_field(const char *key) {
  for (int i = 0; i < N_FIELDS; i++)
    if (!strcmp(fields[i].key, key)) return &fields[i];
  return NULL;
}

void wg_train_config_defaults(wg_train_config *cfg, wg_loss_kind loss, wg_model_kind model) {
  memset(cfg, 0, sizeof *cfg);
  cfg->loss = loss;
  cfg->model = model;
  for (int i = 0; i < N_FIELDS; i++) {
    const wg_field *f = &fields[i];
    if (f->rule == WG_DEFAULT_FIXED && f->offset != offsetof(wg_train_config, loss))
      wg_field_set_number(f, cfg, f->def[0]);
    else if (f->rule == WG_DEFAULT_BY_LOSS)
      wg_field_set_number(f, cfg, f->def[loss]);
    else if (f->rule == WG_DEFAULT_BY_MODEL)
      wg_field_set_number(f, cfg, f->def[model]);
  }
}

wg_status wg_train_config_set(wg_train_config *cfg, const char *key, const char *text) {
  const wg_field *f = wg_train_field(key);
  if (!f) return wg_set_error(WG_EINVAL, "unknown setting '%s'", key);
  if (wg_field_parse(f, cfg, text) != WG_OK) return wg_error_prefix(key);
  if (f->offset == offsetof(wg_train_config, lr_gen)) cfg->lr_critic = cfg->lr_gen;
  return WG_OK;
}

wg_status wg_train_config_check(const wg_train_config *cfg) {
  if (!cfg->data[0]) return wg_set_error(WG_EINVAL, "data: empty (the data to train on)");
  for (int i = 0; i < N_FIELDS; i++) {
    const wg_field *f = &fields[i];
    if (f->type == WG_FIELD_TEXT || f->type == WG_FIELD_U64) continue;
    double v = wg_field_number(f, cfg), lo = f->lo, hi = f->hi;
    if (f->type == WG_FIELD_CHOICE)
      for (lo = 0, hi = -1; f->choices[(int)hi + 1];) hi++;
    if (!(v >= lo && v <= hi)) return wg_set_error(WG_EINVAL, "%s: %g is outside [%g, %g]", f->key, v, lo, hi);
  }
  return WG_OK;
}

wg_model_kind wg_model_for_shape(int ndim, const int *shape) {
  if (ndim == 3 && shape[0] == 1 && shape[1] == 28 && shape[2] == 28) return WG_MODEL_DCGAN28;
  if (ndim == 3 && shape[1] == shape[2] && (shape[1] == 32 || shape[1] == 64)) return WG_MODEL_DCGAN;
  return WG_MODEL_MLP;
}

const char *wg_loss_name(wg_loss_kind loss) { return loss_names[loss]; }
const char *wg_model_name(wg_model_kind model) { return model_names[model]; }
