/* The training iteration through the library: clipping keeps every critic
 * parameter (BatchNorm's included) in [-c, c]; the gradient penalty falls
 * as the critic's gradient norm is pulled towards 1; checkpoints round-trip
 * exactly. */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgan.h"
#include "wgan/source.h"

static void clipping_bounds_the_critic_while_training(void) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_CLIP, WG_MODEL_DCGAN28);
  cfg.dim = 4, cfg.nz = 8, cfg.batch = 4, cfg.batchnorm = 1, cfg.warmup_critic = 0, cfg.clip = 0.02f;
  cfg.lr_critic = 0.05f; /* large steps, so clipping has work to do */
  wg_dataset *ds = wg_dataset_new(16, 3, (int[]){1, 28, 28}, 0);
  wg_rng r;
  wg_rng_seed(&r, 5);
  wg_rng_fill_uniform(&r, ds->x, (size_t)(16 * ds->dim), 0, 1);
  wg_source src = {.kind = WG_SOURCE_DATASET, .ds = ds, .ndim = 3, .shape = {1, 28, 28}, .hi = 1};
  wg_batcher_init(&src.batcher, ds->n, 1);
  wg_gan_state s;
  CHECK(wg_gan_state_init(&s, &cfg, 3, src.shape) == WG_OK, "%s", wg_last_error());
  wg_ctx *ctx = wg_ctx_new(0);
  wg_iter_stats st;
  for (int i = 0; i < 3; i++) CHECK(wg_gan_train_iteration(&s, &src, ctx, &st) == WG_OK, "%s", wg_last_error());
  int64_t outside = 0, at_bound = 0;
  for (int64_t i = 0; i < s.models.critic->n_params; i++) {
    float v = s.models.critic->params[i];
    outside += v < -cfg.clip || v > cfg.clip;
    at_bound += fabsf(v) == cfg.clip;
  }
  CHECK(outside == 0, "%lld critic parameters outside [-c, c]", (long long)outside);
  CHECK(at_bound > 0, "no parameter reached the bound: the test did not exercise clipping");
  CHECK(st.critic_iters == cfg.n_critic && s.iter == 3, "critic steps %d, iterations %lld", st.critic_iters,
        (long long)s.iter);
  /* The checkpoint holds the state exactly. */
  char path[] = "/tmp/wgan-test-train-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  wg_batcher_get_state(&src.batcher, s.batcher_state);
  CHECK(wg_checkpoint_save(path, &s) == WG_OK, "%s", wg_last_error());
  wg_gan_state back;
  CHECK(wg_checkpoint_load(path, &back) == WG_OK, "%s", wg_last_error());
  CHECK(back.iter == 3 && !memcmp(back.models.critic->params, s.models.critic->params,
                                  sizeof(float) * (size_t)s.models.critic->n_params) &&
            !memcmp(back.opt_gen.v, s.opt_gen.v, sizeof(float) * (size_t)s.opt_gen.n) &&
            !memcmp(back.rng.s, s.rng.s, sizeof s.rng.s) && back.cfg.model == WG_MODEL_DCGAN28,
        "the loaded checkpoint differs from the saved state");
  unlink(path);
  wg_gan_state_free(&back);
  wg_gan_state_free(&s);
  wg_ctx_free(ctx);
  wg_source_close(&src);
}

static void penalty_drives_gradient_norm_towards_one(void) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  cfg.dim = 32, cfg.nz = 2, cfg.batch = 64, cfg.lr_critic = cfg.lr_gen = 1e-3f, cfg.lambda = 10;
  wg_source src;
  CHECK(wg_source_open(&src, "8gaussians", 0, 1, 1) == WG_OK, "%s", wg_last_error());
  wg_gan_state s;
  CHECK(wg_gan_state_init(&s, &cfg, 1, (int[]){2}) == WG_OK, "%s", wg_last_error());
  wg_ctx *ctx = wg_ctx_new(0);
  wg_iter_stats st;
  double first = 0;
  for (int i = 0; i < 60; i++) {
    CHECK(wg_gan_train_iteration(&s, &src, ctx, &st) == WG_OK, "%s", wg_last_error());
    if (i == 0) first = st.gp;
  }
  CHECK(st.gp < 0.5 * first, "the penalty did not fall: %g at the start, %g after 60 iterations", first, st.gp);

  wg_gan_state_free(&s);
  wg_ctx_free(ctx);
  wg_source_close(&src);
}

int main(void) {
  printf("seed fixed (5, 1)\n");
  wg_set_threads(1);
  RUN(clipping_bounds_the_critic_while_training);
  RUN(penalty_drives_gradient_norm_towards_one);
  CHECK_EXIT();
}
