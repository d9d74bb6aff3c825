/* One generator iteration of WGAN (clip), WGAN-GP (gp) or the standard GAN:
 * the critic's steps, then the generator's. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "train/loss.h"

/* A batch of noise z[batch, nz] ~ N(0, I). */
static wg_tensor *noise(wg_ctx *ctx, wg_gan_state *s, int batch) {
  wg_tensor *z = wg_empty(ctx, 2, (int[]){batch, s->models.nz});
  if (z) wg_rng_fill_normal(&s->rng, z->data, (size_t)z->numel, 0, 1);
  return z;
}

static wg_tensor *real_batch(wg_ctx *ctx, wg_gan_state *s, wg_source *src, int batch) {
  int shape[4] = {batch, s->sample_shape[0], s->sample_shape[1], s->sample_shape[2]};
  wg_tensor *x = wg_empty(ctx, 1 + s->sample_ndim, shape);
  if (x && wg_source_batch(src, &s->rng, batch, x->data) != WG_OK) return NULL;
  return x;
}

static wg_status not_finite(const char *what, double v, int64_t iter) {
  return wg_set_error(WG_ENUMERIC, "iteration %lld: the %s is %g; stopping (lower the learning rate?)",
                      (long long)iter + 1, what, v);
}

static wg_status critic_step(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out) {
  const wg_train_config *c = &s->cfg;
  wg_net *critic = s->models.critic;
  wg_ctx_reset(ctx);
  wg_net_zero_grad(critic);
  wg_tensor *real = real_batch(ctx, s, src, c->batch);
  /* The fake batch is a constant here: no generator history. */
  int was = wg_ctx_set_recording(ctx, 0);
  wg_tensor *fake = wg_net_forward(ctx, s->models.gen, noise(ctx, s, c->batch));
  wg_ctx_set_recording(ctx, was);
  wg_critic_loss l;
  if (wg_critic_loss_of(ctx, critic, c->loss, c->lambda, real, fake, &s->rng, &l) != WG_OK) return wg_last_status();
  out->w_estimate = (double)l.mean_real->data[0] - l.mean_fake->data[0];
  out->critic_loss = l.loss->data[0];
  out->gp = l.penalty ? l.penalty->data[0] : 0.0;
  if (!isfinite(out->critic_loss)) return not_finite("critic loss", out->critic_loss, s->iter);
  if (wg_backward(ctx, l.loss) != WG_OK) return wg_last_status();
  wg_optim_step(&s->opt_critic, critic->params, critic->grads);
  if (c->loss == WG_LOSS_CLIP) wg_clip(critic->params, critic->n_params, c->clip);
  return WG_OK;
}

static wg_status generator_step(wg_gan_state *s, wg_ctx *ctx, wg_iter_stats *out) {
  wg_net *gen = s->models.gen, *critic = s->models.critic;
  wg_ctx_reset(ctx);
  wg_net_zero_grad(gen);
  wg_net_set_requires_grad(critic, 0);
  wg_tensor *c_fake = wg_net_forward(ctx, critic, wg_net_forward(ctx, gen, noise(ctx, s, s->cfg.batch)));
  wg_tensor *loss = wg_generator_loss(ctx, s->cfg.loss, c_fake);
  wg_status st = loss ? WG_OK : wg_failed("the generator's loss");
  if (st == WG_OK) {
    out->gen_loss = loss->data[0];
    if (!isfinite(out->gen_loss)) st = not_finite("generator loss", out->gen_loss, s->iter);
  }
  if (st == WG_OK) st = wg_backward(ctx, loss);
  wg_net_set_requires_grad(critic, 1);
  if (st == WG_OK) wg_optim_step(&s->opt_gen, gen->params, gen->grads);
  return st;
}

wg_status wg_gan_train_iteration(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out) {
  const wg_train_config *c = &s->cfg;
  memset(out, 0, sizeof *out);
  /* The WGAN code's schedule: 100 critic steps for the first 25 generator
   * iterations and every 500th, so the critic starts near its optimum. */
  int steps = c->n_critic;
  if (c->loss == WG_LOSS_CLIP && c->warmup_critic && (s->iter < 25 || s->iter % 500 == 0)) steps = 100;
  for (int j = 0; j < steps; j++) {
    wg_status st = critic_step(s, src, ctx, out);
    if (st != WG_OK) return st;
  }
  out->critic_iters = steps;
  wg_status st = generator_step(s, ctx, out);
  if (st == WG_OK) s->iter++;
  return st;
}
