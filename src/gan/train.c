/* One generator iteration of WGAN (clip), WGAN-GP (gp) or the standard GAN. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "wgan/gan.h"
#include "wgan/source.h"

wg_status wg_gan_state_init(wg_gan_state *s, const wg_train_config *cfg, int ndim, const int *shape) {
  memset(s, 0, sizeof *s);
  s->cfg = *cfg;
  s->sample_ndim = ndim;
  memcpy(s->sample_shape, shape, sizeof(int) * (size_t)ndim);
  if (wg_gan_build_models(cfg, ndim, shape, &s->models) != WG_OK) return wg_last_status();
  if (cfg->loss == WG_LOSS_GP && wg_net_has_batchnorm(s->models.critic)) {
    wg_gan_state_free(s);
    return wg_set_error(WG_EINVAL,
                        "the gradient penalty is per sample, and BatchNorm makes each sample's critic value depend "
                        "on the whole batch: drop --batchnorm with --loss gp (WGAN-GP paper, section 4)");
  }
  wg_rng_seed(&s->rng, cfg->seed);
  wg_init_scheme scheme = !strcmp(cfg->model, "dcgan") ? WG_INIT_DCGAN : WG_INIT_WGANGP;
  wg_net_init(s->models.gen, scheme, &s->rng);
  wg_net_init(s->models.critic, scheme, &s->rng);
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

/* lambda * mean((||dC/dx (xhat)||_2 - 1)^2) at xhat = real + alpha (fake - real),
 * one alpha ~ U[0, 1] per sample; recorded (create_graph) so the critic's
 * parameters get its exact gradient. */
static wg_tensor *gradient_penalty(wg_ctx *ctx, wg_gan_state *s, wg_tensor *real, wg_tensor *fake) {
  const int batch = real->shape[0];
  int ashape[4] = {batch, 1, 1, 1};
  wg_tensor *alpha = wg_empty(ctx, real->ndim, ashape);
  if (!alpha) return NULL;
  wg_rng_fill_uniform(&s->rng, alpha->data, (size_t)batch, 0.0f, 1.0f);
  wg_tensor *mix = wg_add(ctx, real, wg_mul(ctx, alpha, wg_sub(ctx, fake, real)));
  wg_tensor *xhat = wg_detach_leaf(ctx, mix), *g;
  wg_tensor *c = wg_net_forward(ctx, s->models.critic, xhat);
  if (!c || wg_grad(ctx, 1, &c, NULL, 1, &xhat, &g, 1) != WG_OK) return NULL;
  unsigned all_but_batch = (1u << g->ndim) - 2;
  /* The tiny constant keeps the square root differentiable at a zero gradient. */
  wg_tensor *norm = wg_sqrt(ctx, wg_add_scalar(ctx, wg_sum_axes(ctx, wg_square(ctx, g), all_but_batch, 0), 1e-12f));
  return wg_mul_scalar(ctx, wg_mean(ctx, wg_square(ctx, wg_add_scalar(ctx, norm, -1.0f))), s->cfg.lambda);
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
  wg_tensor *c_real = wg_net_forward(ctx, critic, real), *c_fake = wg_net_forward(ctx, critic, fake);
  wg_tensor *m_real = wg_mean(ctx, c_real), *m_fake = wg_mean(ctx, c_fake), *loss, *penalty = NULL;
  if (!m_real || !m_fake) return wg_last_status();
  if (c->loss == WG_LOSS_GAN) /* -log sigmoid(C(real)) - log(1 - sigmoid(C(fake))) */
    loss = wg_add(ctx, wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_real))), wg_mean(ctx, wg_softplus(ctx, c_fake)));
  else
    loss = wg_sub(ctx, m_fake, m_real);
  if (c->loss == WG_LOSS_GP) {
    penalty = gradient_penalty(ctx, s, real, fake);
    loss = wg_add(ctx, loss, penalty);
  }
  if (!loss) return wg_last_status();
  out->w_estimate = (double)m_real->data[0] - m_fake->data[0];
  out->critic_loss = loss->data[0];
  out->gp = penalty ? penalty->data[0] : 0.0;
  if (!isfinite(out->critic_loss)) return not_finite("critic loss", out->critic_loss, s->iter);
  if (wg_backward(ctx, loss) != WG_OK) return wg_last_status();
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
  /* WGAN: -mean C(G(z)); GAN, non-saturating: -log sigmoid(D(G(z))). */
  wg_tensor *loss = s->cfg.loss == WG_LOSS_GAN ? wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_fake)))
                                               : wg_neg(ctx, wg_mean(ctx, c_fake));
  wg_status st = loss ? WG_OK : wg_last_status();
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
