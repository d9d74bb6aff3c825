/* The training iteration through the library: clipping keeps every critic
 * parameter (BatchNorm's included) in [-c, c]; the gradient penalty falls
 * as the critic's gradient norm is pulled towards 1; checkpoints round-trip
 * exactly; the linear learning-rate decay takes the steps set by hand. */
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

/* --lr-decay linear: iteration t steps both networks at lr (1 - t/iters), so
 * a run with constant rates set by hand to those values before each
 * iteration takes the same steps, bit for bit. */
static void linear_decay_scales_both_learning_rates(void) {
  const float lr = 1e-3f, by_hand[4] = {1, 0.75f, 0.5f, 0.25f};
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  cfg.dim = 16, cfg.nz = 2, cfg.batch = 32, cfg.iters = 4, cfg.lr_gen = cfg.lr_critic = lr;
  wg_train_config decayed = cfg;
  decayed.lr_decay = WG_LR_LINEAR;
  wg_source src_a, src_b;
  CHECK(wg_source_open(&src_a, "8gaussians", 0, 1, 1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_source_open(&src_b, "8gaussians", 0, 1, 1) == WG_OK, "%s", wg_last_error());
  wg_gan_state a, b;
  CHECK(wg_gan_state_init(&a, &decayed, 1, (int[]){2}) == WG_OK, "%s", wg_last_error());
  CHECK(wg_gan_state_init(&b, &cfg, 1, (int[]){2}) == WG_OK, "%s", wg_last_error());
  wg_ctx *ctx = wg_ctx_new(0);
  wg_iter_stats st;
  int same = 1;
  char path[] = "/tmp/wgan-test-decay-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  wg_gan_state resumed = {0};
  for (int t = 0; t < 4; t++) {
    b.opt_gen.lr = b.opt_critic.lr = (float)(lr * (double)by_hand[t]);
    CHECK(wg_gan_train_iteration(&a, &src_a, ctx, &st) == WG_OK, "%s", wg_last_error());
    CHECK(wg_gan_train_iteration(&b, &src_b, ctx, &st) == WG_OK, "%s", wg_last_error());
    same &= !memcmp(a.models.gen->params, b.models.gen->params, sizeof(float) * (size_t)a.models.gen->n_params) &&
            !memcmp(a.models.critic->params, b.models.critic->params,
                    sizeof(float) * (size_t)a.models.critic->n_params);
    if (t == 1) {
      CHECK(wg_checkpoint_save(path, &a) == WG_OK, "%s", wg_last_error());
      CHECK(wg_checkpoint_load(path, &resumed) == WG_OK, "%s", wg_last_error());
    }
  }
  unlink(path);
  CHECK(same, "the decayed run left the rates 1, 0.75, 0.5, 0.25 times lr set by hand");
  /* the checkpoint carries the decay: resumed at t = 2, it ends where a does */
  wg_source src_r;
  CHECK(wg_source_open(&src_r, "8gaussians", 0, 1, 1) == WG_OK, "%s", wg_last_error());
  for (int t = 2; t < 4; t++)
    CHECK(wg_gan_train_iteration(&resumed, &src_r, ctx, &st) == WG_OK, "%s", wg_last_error());
  CHECK(resumed.cfg.lr_decay == WG_LR_LINEAR &&
            !memcmp(a.models.gen->params, resumed.models.gen->params, sizeof(float) * (size_t)a.models.gen->n_params),
        "the resumed run parts from the one that went on");
  wg_gan_state_free(&resumed);
  wg_source_close(&src_r);
  /* and the rates did fall: a constant run parts from both */
  wg_gan_state c;
  CHECK(wg_gan_state_init(&c, &cfg, 1, (int[]){2}) == WG_OK, "%s", wg_last_error());
  wg_source_close(&src_b);
  CHECK(wg_source_open(&src_b, "8gaussians", 0, 1, 1) == WG_OK, "%s", wg_last_error());
  for (int t = 0; t < 4; t++) CHECK(wg_gan_train_iteration(&c, &src_b, ctx, &st) == WG_OK, "%s", wg_last_error());
  CHECK(memcmp(a.models.gen->params, c.models.gen->params, sizeof(float) * (size_t)a.models.gen->n_params),
        "the decayed run equals the constant one");
  wg_gan_state_free(&a), wg_gan_state_free(&b), wg_gan_state_free(&c);
  wg_ctx_free(ctx);
  wg_source_close(&src_a), wg_source_close(&src_b);
}

int main(void) {
  printf("seed fixed (5, 1)\n");
  wg_set_threads(1);
  RUN(clipping_bounds_the_critic_while_training);
  RUN(penalty_drives_gradient_norm_towards_one);
  RUN(linear_decay_scales_both_learning_rates);
  CHECK_EXIT();
}
