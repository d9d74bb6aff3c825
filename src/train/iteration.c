/* One generator iteration of WGAN (clip), WGAN-GP (gp) or the standard GAN:
 * the critic's steps, then the generator's. Over MPI every rank runs it on
 * its share of the global batch; each step's gradient is then the mean of
 * the ranks' (wgan/dist.h). */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "train/loss.h"
#include "wgan/dist.h"

static int parallel(const wg_gan_state *s) { return s->ranks > 1; }

/* This rank's samples of each global batch. */
static int local_batch(const wg_gan_state *s) { return parallel(s) ? s->cfg.batch / s->ranks : s->cfg.batch; }

/* Whether this rank draws the whole global batch and keeps its slice. */
static int draws_whole(const wg_gan_state *s) { return parallel(s) && s->same_draws; }

/* Rows [rank * b, (rank + 1) * b) of x[B, row] into a new [b, row] tensor
 * shaped like x: this rank's slice of a whole batch drawn alike everywhere. */
static wg_tensor *my_slice(wg_ctx *ctx, const wg_gan_state *s, wg_tensor *x) {
  if (!x) return NULL;
  int shape[4];
  memcpy(shape, x->shape, sizeof shape);
  shape[0] = local_batch(s);
  wg_tensor *y = wg_empty(ctx, x->ndim, shape);
  if (y) memcpy(y->data, x->data + (int64_t)s->rank * y->numel, sizeof(float) * (size_t)y->numel);
  return y;
}

/* A batch of noise z[b, nz] ~ N(0, I). */
static wg_tensor *noise(wg_ctx *ctx, wg_gan_state *s) {
  int whole = draws_whole(s);
  wg_tensor *z = wg_empty(ctx, 2, (int[]){whole ? s->cfg.batch : local_batch(s), s->models.nz});
  if (z) wg_rng_fill_normal(&s->rng, z->data, (size_t)z->numel, 0, 1);
  return whole ? my_slice(ctx, s, z) : z;
}

/* This rank's real samples: its slice of a data set's global batch (the
 * batcher is shared), or its own toy draws (all of them and its slice, when
 * drawing the whole batch). */
static wg_tensor *real_batch(wg_ctx *ctx, wg_gan_state *s, wg_source *src) {
  const int b = local_batch(s), whole = draws_whole(s) && !wg_source_size(src);
  int shape[4] = {whole ? s->cfg.batch : b, s->sample_shape[0], s->sample_shape[1], s->sample_shape[2]};
  wg_tensor *x = wg_empty(ctx, 1 + s->sample_ndim, shape);
  if (!x) return NULL;
  wg_status st = parallel(s) && wg_source_size(src)
                     ? wg_source_batch_slice(src, s->cfg.batch, s->rank * b, b, x->data)
                     : wg_source_batch(src, &s->rng, shape[0], x->data);
  if (st != WG_OK) return NULL;
  return whole ? my_slice(ctx, s, x) : x;
}

/* G(z) for the critic's step, a constant (no generator history), the
 * generator's intermediates freed: only the batch stays in the context. */
static wg_tensor *fake_batch(wg_ctx *ctx, wg_gan_state *s) {
  int shape[4] = {local_batch(s), s->sample_shape[0], s->sample_shape[1], s->sample_shape[2]};
  wg_tensor *fake = wg_empty(ctx, 1 + s->sample_ndim, shape);
  if (!fake) return NULL;
  wg_ctx_mark before = wg_ctx_mark_now(ctx);
  int was = wg_ctx_set_recording(ctx, 0);
  wg_tensor *y = wg_net_forward(ctx, s->models.gen, noise(ctx, s));
  wg_ctx_set_recording(ctx, was);
  if (y) {
    WG_ASSERT(y->numel == fake->numel);
    memcpy(fake->data, y->data, sizeof(float) * (size_t)y->numel);
  }
  wg_ctx_rewind(ctx, before);
  return y ? fake : NULL;
}

/* Drawing the whole batch, the penalty's mixing weights of the ranks before
 * and after this one are drawn and dropped around its own (one uniform per
 * sample: wg_gradient_penalty), as the serial run draws them in one go. */
static void skip_mixing_weights(wg_ctx *ctx, wg_gan_state *s, int ranks) {
  if (!draws_whole(s) || s->cfg.loss != WG_LOSS_GP || ranks == 0) return;
  wg_tensor *skipped = wg_empty(ctx, 1, (int[]){ranks * local_batch(s)});
  if (skipped) wg_rng_fill_uniform(&s->rng, skipped->data, (size_t)skipped->numel, 0, 1);
}

static wg_status not_finite(const char *what, double v, int64_t iter) {
  return wg_set_error(WG_ENUMERIC, "iteration %lld: the %s is %g; stopping (lower the learning rate?)",
                      (long long)iter + 1, what, v);
}

/* After a step's backward pass on every rank: the job's verdict on it, then
 * the mean of the ranks' gradients (and BatchNorm's running statistics, which
 * each rank's batch moved) on every rank. */
static wg_status synchronise(const wg_gan_state *s, wg_status st, wg_net *trained) {
  if (!parallel(s)) return st;
  if ((st = wg_dist_agree(st, NULL)) != WG_OK) return st;
  wg_dist_mean_floats(trained->grads, trained->n_params);
  wg_net *nets[2] = {s->models.gen, s->models.critic};
  for (int k = 0; k < 2; k++)
    if (nets[k]->n_state) wg_dist_mean_floats(nets[k]->state, nets[k]->n_state);
  return WG_OK;
}

/* The critic's loss on a fresh batch and its gradient in critic->grads. */
static wg_status critic_gradient(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out) {
  const wg_train_config *c = &s->cfg;
  wg_net *critic = s->models.critic;
  wg_ctx_reset(ctx);
  wg_net_zero_grad(critic);
  wg_tensor *real = real_batch(ctx, s, src), *fake = fake_batch(ctx, s);
  skip_mixing_weights(ctx, s, s->rank);
  wg_critic_figures l;
  if (wg_critic_backward(ctx, critic, c->loss, c->lambda, real, fake, &s->rng, &l) != WG_OK) return wg_last_status();
  skip_mixing_weights(ctx, s, s->ranks - 1 - s->rank);
  out->w_estimate = (double)l.mean_real - l.mean_fake;
  out->critic_loss = l.loss;
  out->gp = l.penalty;
  if (!isfinite(out->critic_loss)) return not_finite("critic loss", out->critic_loss, s->iter);
  return WG_OK;
}

static wg_status critic_step(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out) {
  wg_net *critic = s->models.critic;
  wg_status st = synchronise(s, critic_gradient(s, src, ctx, out), critic);
  if (st != WG_OK) return st;
  wg_optim_step(&s->opt_critic, critic->params, critic->grads);
  /* After the step every rank took alike, so the clipped weights agree too. */
  if (s->cfg.loss == WG_LOSS_CLIP) wg_clip(critic->params, critic->n_params, s->cfg.clip);
  return WG_OK;
}

static wg_status generator_step(wg_gan_state *s, wg_ctx *ctx, wg_iter_stats *out) {
  wg_net *gen = s->models.gen, *critic = s->models.critic;
  wg_ctx_reset(ctx);
  wg_net_zero_grad(gen);
  wg_net_set_requires_grad(critic, 0);
  wg_tensor *c_fake = wg_net_forward(ctx, critic, wg_net_forward(ctx, gen, noise(ctx, s)));
  wg_tensor *loss = wg_generator_loss(ctx, s->cfg.loss, c_fake);
  wg_status st = loss ? WG_OK : wg_failed("the generator's loss");
  if (st == WG_OK) {
    out->gen_loss = loss->data[0];
    if (!isfinite(out->gen_loss)) st = not_finite("generator loss", out->gen_loss, s->iter);
  }
  if (st == WG_OK) st = wg_backward(ctx, loss);
  wg_net_set_requires_grad(critic, 1);
  if ((st = synchronise(s, st, gen)) == WG_OK) wg_optim_step(&s->opt_gen, gen->params, gen->grads);
  return st;
}

/* This rank's stream for the iteration, from rank 0's state at its start
 * (wgan/dist.h): rank 0 draws what a serial run draws, and a checkpoint's
 * one RNG state (rank 0's) gives every rank's stream on resume. */
static void derive_stream(wg_gan_state *s) {
  if (!parallel(s) || s->same_draws) return;
  wg_dist_broadcast(s->rng.s, sizeof s->rng.s, 0);
  wg_dist_rank_stream(&s->rng, s->rank);
}

/* The logged figures as the means over the ranks. */
static void average_stats(const wg_gan_state *s, wg_iter_stats *out) {
  if (!parallel(s)) return;
  double v[4] = {out->critic_loss, out->w_estimate, out->gp, out->gen_loss};
  wg_dist_mean_doubles(v, 4);
  out->critic_loss = v[0], out->w_estimate = v[1], out->gp = v[2], out->gen_loss = v[3];
}

/* The learning rates of iteration s->iter under cfg.lr_decay (constant: the
 * optimizers keep theirs, as their owner set them). */
static void schedule_learning_rates(wg_gan_state *s) {
  const wg_train_config *c = &s->cfg;
  if (c->lr_decay != WG_LR_LINEAR) return;
  double left = 1.0 - (double)s->iter / (double)c->iters;
  if (left < 0) left = 0;
  s->opt_gen.lr = (float)(c->lr_gen * left);
  s->opt_critic.lr = (float)(c->lr_critic * left);
}

wg_status wg_gan_train_iteration(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out) {
  const wg_train_config *c = &s->cfg;
  memset(out, 0, sizeof *out);
  schedule_learning_rates(s);
  if (parallel(s) && c->batch % s->ranks)
    return wg_set_error(WG_EINVAL, "--batch %d does not split evenly over %d ranks", c->batch, s->ranks);
  /* The WGAN code's schedule: 100 critic steps for the first 25 generator
   * iterations and every 500th, so the critic starts near its optimum. */
  derive_stream(s);
  int steps = c->n_critic;
  if (c->loss == WG_LOSS_CLIP && c->warmup_critic && (s->iter < 25 || s->iter % 500 == 0)) steps = 100;
  for (int j = 0; j < steps; j++) {
    wg_status st = critic_step(s, src, ctx, out);
    if (st != WG_OK) return st;
  }
  out->critic_iters = steps;
  wg_status st = generator_step(s, ctx, out);
  average_stats(s, out);
  if (st == WG_OK) s->iter++;
  return st;
}
