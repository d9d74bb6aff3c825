/* Training the figures' critics against fixed distributions, and measuring
 * them (values, input gradients) at given points. */
#include "figures/critic.h"

#include <stdlib.h>

#include "core/error.h"
#include "train/loss.h"

/* Points per forward pass when measuring, so the arena stays small. */
enum { CHUNK = 4096 };

wg_net *wg_fig_mlp(int d, int hidden, int layers, float clip, wg_rng *rng) {
  wg_net *net = wg_net_new("critic", 1, (int[]){d});
  if (!net) return NULL;
  if (wg_net_mlp_critic(net, hidden, layers) != WG_OK || wg_net_finish(net) != WG_OK) {
    wg_net_free(net);
    return NULL;
  }
  wg_net_init(net, WG_INIT_PYTORCH, rng);
  if (clip > 0) wg_clip(net->params, net->n_params, clip);
  return net;
}

/* The loss the net minimises on one batch of real and fake points. */
static wg_tensor *loss(wg_ctx *ctx, wg_net *net, const wg_fig_train_opts *o, float *real, float *fake, int n,
                       int d, wg_rng *rng) {
  wg_tensor *xr = wg_from_data(ctx, real, 2, (int[]){n, d});
  wg_tensor *xf = wg_from_data(ctx, fake, 2, (int[]){n, d});
  wg_critic_loss l;
  return wg_critic_loss_of(ctx, net, o->kind, o->lambda, xr, xf, rng, &l) == WG_OK ? l.loss : NULL;
}

wg_status wg_fig_train(wg_net *net, int d, const wg_fig_train_opts *o, wg_rng *rng) {
  if (o->steps < 0 || o->batch < 1 || !o->real || !o->fake || !(o->lr > 0))
    return wg_set_error(WG_EINVAL, "figure critic: bad training options");
  wg_optim opt;
  wg_status st = o->opt == WG_OPT_ADAM ? wg_adam_init(&opt, net->n_params, o->lr, o->beta1, o->beta2, 1e-8f)
                                       : wg_rmsprop_init(&opt, net->n_params, o->lr, o->beta1, 1e-8f, 0);
  if (st != WG_OK) return st;
  size_t bytes = sizeof(float) * (size_t)o->batch * (size_t)d;
  float *real = malloc(bytes), *fake = malloc(bytes);
  wg_ctx *ctx = wg_ctx_new((size_t)1 << 22);
  if (!real || !fake || !ctx) st = wg_set_error(WG_ENOMEM, "figure critic: out of memory");
  for (int step = 1; st == WG_OK && step <= o->steps; step++) {
    o->real(o->real_user, rng, real, o->batch);
    o->fake(o->fake_user, rng, fake, o->batch);
    wg_ctx_reset(ctx);
    wg_net_zero_grad(net);
    wg_tensor *l = loss(ctx, net, o, real, fake, o->batch, d, rng);
    if (!l || wg_backward(ctx, l) != WG_OK) {
      st = l ? wg_last_status() : wg_failed("figure critic");
      break;
    }
    wg_optim_step(&opt, net->params, net->grads);
    if (o->kind == WG_LOSS_CLIP) wg_clip(net->params, net->n_params, o->clip);
    if (o->progress && (step % o->every == 0 || step == o->steps)) o->progress(o->progress_user, step, net);
  }
  wg_ctx_free(ctx);
  free(real);
  free(fake);
  wg_optim_free(&opt);
  return st;
}

wg_status wg_fig_values(wg_net *net, const float *x, int64_t n, int d, int sigmoid, float *out) {
  wg_ctx *ctx = wg_ctx_new((size_t)1 << 22);
  if (!ctx) return wg_set_error(WG_ENOMEM, "figure critic: out of memory");
  wg_ctx_set_recording(ctx, 0);
  wg_status st = WG_OK;
  for (int64_t i0 = 0; i0 < n && st == WG_OK; i0 += CHUNK) {
    int m = (int)(n - i0 < CHUNK ? n - i0 : CHUNK);
    wg_ctx_reset(ctx);
    wg_tensor *y = wg_net_forward(ctx, net, wg_from_data(ctx, x + i0 * d, 2, (int[]){m, d}));
    if (y && sigmoid) y = wg_sigmoid(ctx, y);
    if (!y) st = wg_failed("figure critic");
    for (int i = 0; y && i < m; i++) out[i0 + i] = y->data[i];
  }
  wg_ctx_free(ctx);
  return st;
}

wg_status wg_fig_input_grads(wg_net *net, const float *x, int64_t n, int d, int sigmoid, float *g) {
  wg_ctx *ctx = wg_ctx_new((size_t)1 << 22);
  if (!ctx) return wg_set_error(WG_ENOMEM, "figure critic: out of memory");
  wg_status st = WG_OK;
  for (int64_t i0 = 0; i0 < n && st == WG_OK; i0 += CHUNK) {
    int m = (int)(n - i0 < CHUNK ? n - i0 : CHUNK);
    wg_ctx_reset(ctx);
    wg_tensor *xs = wg_from_data(ctx, x + i0 * d, 2, (int[]){m, d}), *dx = NULL;
    if (xs) xs->requires_grad = 1;
    wg_tensor *y = wg_net_forward(ctx, net, xs);
    if (y && sigmoid) y = wg_sigmoid(ctx, y);
    /* Each output depends on its own point only, so the gradient of their
     * sum holds every point's own gradient. */
    st = y ? wg_grad(ctx, 1, &y, NULL, 1, &xs, &dx, 0) : wg_failed("figure critic");
    for (int64_t i = 0; st == WG_OK && i < (int64_t)m * d; i++) g[i0 * d + i] = dx->data[i];
  }
  wg_ctx_free(ctx);
  return st;
}

wg_status wg_fig_mean_gap(wg_net *net, const float *a, int64_t na, const float *b, int64_t nb, int d,
                          double *gap) {
  float *v = malloc(sizeof(float) * (size_t)(na > nb ? na : nb));
  if (!v) return wg_set_error(WG_ENOMEM, "figure critic: out of memory");
  double sa = 0, sb = 0;
  wg_status st = wg_fig_values(net, a, na, d, 0, v);
  for (int64_t i = 0; st == WG_OK && i < na; i++) sa += v[i];
  if (st == WG_OK) st = wg_fig_values(net, b, nb, d, 0, v);
  for (int64_t i = 0; st == WG_OK && i < nb; i++) sb += v[i];
  free(v);
  if (st == WG_OK) *gap = sa / (double)na - sb / (double)nb;
  return st;
}
