/* The trainer's defaults (REFERENCE.md sections 1-2) and names. */
#include <string.h>

#include "core/error.h"
#include "wgan/gan.h"

void wg_train_config_defaults(wg_train_config *cfg, wg_loss_kind loss) {
  memset(cfg, 0, sizeof *cfg);
  cfg->loss = loss;
  cfg->iters = 1000;
  cfg->batch = 64;
  cfg->n_critic = 5;
  cfg->nz = 128;
  cfg->dim = 64;
  cfg->clip = 0.01f;
  cfg->lambda = 10.0f;
  cfg->g1d_mean = 3.0f;
  cfg->g1d_std = 1.0f;
  cfg->seed = 1;
  switch (loss) {
    case WG_LOSS_CLIP: /* WGAN: RMSprop 5e-5, clip 0.01, the warm-up of 100 critic steps */
      cfg->lr_gen = cfg->lr_critic = 5e-5f;
      cfg->beta1 = 0.99f; /* RMSprop's alpha */
      cfg->warmup_critic = 1;
      break;
    case WG_LOSS_GP: /* WGAN-GP: Adam(1e-4, 0.5, 0.9), lambda 10 */
      cfg->lr_gen = cfg->lr_critic = 1e-4f;
      cfg->beta1 = 0.5f;
      cfg->beta2 = 0.9f;
      break;
    case WG_LOSS_GAN: /* the standard GAN: Adam(2e-4, 0.5, 0.999), one discriminator step */
      cfg->lr_gen = cfg->lr_critic = 2e-4f;
      cfg->beta1 = 0.5f;
      cfg->beta2 = 0.999f;
      cfg->n_critic = 1;
      break;
  }
}

static const char *const loss_names[] = {"clip", "gp", "gan"};

const char *wg_loss_name(wg_loss_kind loss) { return loss_names[loss]; }

wg_status wg_loss_from_name(const char *name, wg_loss_kind *loss) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, loss_names[i])) {
      *loss = (wg_loss_kind)i;
      return WG_OK;
    }
  return wg_set_error(WG_EINVAL, "unknown loss '%s' (clip, gp or gan)", name);
}

wg_status wg_gan_build_models(const wg_train_config *cfg, int ndim, const int *shape, wg_gan_models *m) {
  memset(m, 0, sizeof *m);
  if (!strcmp(cfg->model, "mlp")) return wg_models_mlp(m, cfg->nz, ndim, shape, cfg->dim, 3);
  if (!strcmp(cfg->model, "dcgan28")) {
    if (ndim != 3 || shape[0] != 1 || shape[1] != 28 || shape[2] != 28)
      return wg_set_error(WG_EINVAL, "model dcgan28 takes 1x28x28 images; use --model mlp, or dcgan for 32/64 px");
    return wg_models_dcgan28(m, cfg->nz, cfg->dim, cfg->batchnorm);
  }
  if (!strcmp(cfg->model, "dcgan")) {
    if (ndim != 3 || shape[1] != shape[2] || (shape[1] != 32 && shape[1] != 64))
      return wg_set_error(WG_EINVAL, "model dcgan takes square 32x32 or 64x64 images");
    return wg_models_dcgan(m, shape[1], shape[0], cfg->nz, cfg->dim, cfg->batchnorm);
  }
  return wg_set_error(WG_EINVAL, "unknown model '%s' (mlp, dcgan28 or dcgan)", cfg->model);
}
