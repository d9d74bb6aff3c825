/* A training state: the models a configuration names, initialised, with
 * their optimizers and the run's RNG. */
#include <string.h>

#include "core/error.h"
#include "wgan/train.h"

wg_status wg_gan_build_models(const wg_train_config *cfg, int ndim, const int *shape, wg_gan_models *m) {
  memset(m, 0, sizeof *m);
  switch (cfg->model) {
    case WG_MODEL_MLP:
      if (cfg->batchnorm) return wg_set_error(WG_EINVAL, "model mlp has no BatchNorm variant (drop --batchnorm)");
      return wg_models_mlp(m, cfg->nz, ndim, shape, cfg->dim, 3);
    case WG_MODEL_DCGAN28:
      if (ndim != 3 || shape[0] != 1 || shape[1] != 28 || shape[2] != 28)
        return wg_set_error(WG_EINVAL, "model dcgan28 takes 1x28x28 images; use --model mlp, or dcgan for 32/64 px");
      return wg_models_dcgan28(m, cfg->nz, cfg->dim, cfg->batchnorm);
    case WG_MODEL_DCGAN:
      if (ndim != 3 || shape[1] != shape[2] || (shape[1] != 32 && shape[1] != 64))
        return wg_set_error(WG_EINVAL, "model dcgan takes square 32x32 or 64x64 images");
      return wg_models_dcgan(m, shape[1], shape[0], cfg->nz, cfg->dim, cfg->batchnorm);
  }
  return wg_set_error(WG_EINVAL, "unknown model %d", (int)cfg->model);
}

wg_status wg_gan_state_init(wg_gan_state *s, const wg_train_config *cfg, int ndim, const int *shape) {
  memset(s, 0, sizeof *s);
  s->cfg = *cfg;
  s->sample_ndim = ndim;
  memcpy(s->sample_shape, shape, sizeof(int) * (size_t)ndim);
  if (cfg->loss == WG_LOSS_GP && cfg->batchnorm)
    return wg_set_error(WG_EINVAL,
                        "the gradient penalty is per sample, and BatchNorm makes each sample's critic value depend "
                        "on the whole batch: drop --batchnorm with --loss gp (WGAN-GP paper, section 4)");
  if (wg_gan_build_models(cfg, ndim, shape, &s->models) != WG_OK) return wg_last_status();
  wg_rng_seed(&s->rng, cfg->seed);
  wg_net_init(s->models.gen, cfg->init, &s->rng);
  wg_net_init(s->models.critic, cfg->init, &s->rng);
  int64_t ng = s->models.gen->n_params, nc = s->models.critic->n_params;
  wg_status st;
  if (cfg->loss == WG_LOSS_CLIP) {
    st = wg_rmsprop_init(&s->opt_gen, ng, cfg->lr_gen, cfg->beta1, 1e-8f, 0);
    if (st == WG_OK) st = wg_rmsprop_init(&s->opt_critic, nc, cfg->lr_critic, cfg->beta1, 1e-8f, 0);
  } else {
    st = wg_adam_init(&s->opt_gen, ng, cfg->lr_gen, cfg->beta1, cfg->beta2, 1e-8f);
    if (st == WG_OK) st = wg_adam_init(&s->opt_critic, nc, cfg->lr_critic, cfg->beta1, cfg->beta2, 1e-8f);
  }
  if (st != WG_OK) wg_gan_state_free(s);
  return st;
}

void wg_gan_state_free(wg_gan_state *s) {
  wg_models_free(&s->models);
  wg_optim_free(&s->opt_gen);
  wg_optim_free(&s->opt_critic);
}
