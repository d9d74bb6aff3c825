/* The clip loss's critic warm-up (the WGAN paper's code): 100 critic steps
 * at generator iterations 0..24 and at every 500th, n_critic otherwise; none
 * with the warm-up off or for the other losses. Checked on wg_iter_stats of
 * a tiny model; the far iterations are reached by setting the count. */
#include "check.h"
#include "wgan.h"

enum { N_CRITIC = 3 };
static uint64_t seed;

/* The schedule as the paper's code states it. */
static int expected_steps(int64_t iter) { return iter < 25 || iter % 500 == 0 ? 100 : N_CRITIC; }

typedef struct {
  wg_gan_state s;
  wg_source src;
  wg_ctx *ctx;
} run;

static int run_open(run *r, wg_loss_kind loss, int warmup) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, loss, WG_MODEL_MLP);
  cfg.nz = 2, cfg.dim = 3, cfg.batch = 2, cfg.n_critic = N_CRITIC, cfg.warmup_critic = warmup, cfg.seed = seed;
  if (wg_source_open(&r->src, "8gaussians", 0, 1, 1) != WG_OK) {
    CHECK(0, "%s", wg_last_error());
    return 0;
  }
  if (wg_gan_state_init(&r->s, &cfg, 1, (int[]){2}) != WG_OK) {
    CHECK(0, "%s", wg_last_error());
    wg_source_close(&r->src);
    return 0;
  }
  r->ctx = wg_ctx_new(0);
  return 1;
}

static void run_close(run *r) {
  wg_gan_state_free(&r->s);
  wg_source_close(&r->src);
  wg_ctx_free(r->ctx);
}

/* Iterations from..to-1, each checked against want(iter). */
static void check_steps(run *r, int64_t from, int64_t to, int (*want)(int64_t)) {
  r->s.iter = from;
  for (int64_t it = from; it < to; it++) {
    wg_iter_stats st;
    CHECK(wg_gan_train_iteration(&r->s, &r->src, r->ctx, &st) == WG_OK, "%s", wg_last_error());
    CHECK(st.critic_iters == want(it), "iteration %lld: %d critic steps, expected %d", (long long)it,
          st.critic_iters, want(it));
    CHECK(r->s.iter == it + 1, "after iteration %lld the count is %lld", (long long)it, (long long)r->s.iter);
  }
}

static int always_n_critic(int64_t iter) {
  (void)iter;
  return N_CRITIC;
}

static void clip_warmup_schedule(void) {
  run r;
  if (!run_open(&r, WG_LOSS_CLIP, 1)) return;
  check_steps(&r, 0, 30, expected_steps);
  check_steps(&r, 499, 502, expected_steps);
  check_steps(&r, 999, 1001, expected_steps);
  check_steps(&r, 1500, 1501, expected_steps);
  run_close(&r);
}

static void clip_without_warmup(void) {
  run r;
  if (!run_open(&r, WG_LOSS_CLIP, 0)) return;
  check_steps(&r, 0, 3, always_n_critic);
  check_steps(&r, 500, 501, always_n_critic);
  run_close(&r);
}

/* The warm-up belongs to weight clipping: gp and gan ignore the flag. */
static void gp_and_gan_ignore_warmup(void) {
  const wg_loss_kind losses[2] = {WG_LOSS_GP, WG_LOSS_GAN};
  for (int i = 0; i < 2; i++) {
    run r;
    if (!run_open(&r, losses[i], 1)) return;
    check_steps(&r, 0, 3, always_n_critic);
    check_steps(&r, 500, 501, always_n_critic);
    run_close(&r);
  }
}

int main(void) {
  seed = check_seed(31);
  wg_set_threads(1);
  RUN(clip_warmup_schedule);
  RUN(clip_without_warmup);
  RUN(gp_and_gan_ignore_warmup);
  CHECK_EXIT();
}
