/* Training the figures' critics against fixed distributions, and measuring
 * them (values, input gradients) at given points. */
#include "gan/figure_critic.h"

#include <stdlib.h>

#include "core/error.h"

/* Points per forward pass when measuring, so the arena stays small. */
enum { CHUNK = 4096 };

/* The status of a chain of ops that returned NULL (a NULL input leaves no message). */
static wg_status op_failed(void) {
  wg_status st = wg_last_status();
  return st != WG_OK ? st : wg_set_error(WG_EINVAL, "figure critic: an operation failed");
}

wg_net *wg_fig_mlp(int d, int hidden, int layers, float clip, wg_rng *rng) {
  wg_net *net = wg_net_new("critic", 1, (int[]){d});
  if (!net) return NULL;
  wg_status st = WG_OK;
  for (int i = 0; i < layers && st == WG_OK; i++) {
    st = wg_net_linear(net, hidden, 1, WG_FAN_HE);
    if (st == WG_OK) st = wg_net_activation(net, WG_LAYER_RELU, 0);
  }
  if (st == WG_OK) st = wg_net_linear(net, 1, 1, WG_FAN_GLOROT);
  if (st == WG_OK) st = wg_net_finish(net);
  if (st != WG_OK) {
    wg_net_free(net);
    return NULL;
  }
  wg_net_init(net, WG_INIT_PYTORCH, rng);
  if (clip > 0) wg_clip(net->params, net->n_params, clip);
  return net;
}

/* lambda * mean((||grad C(xhat)||_2 - 1)^2), xhat = real + alpha (fake - real),
 * one alpha ~ U[0, 1] per point; recorded so that it can be differentiated. */
static wg_tensor *penalty(wg_ctx *ctx, wg_net *net, const float *real, const float *fake, int n, int d,
                          float lambda, wg_rng *rng) {
  wg_tensor *xhat = wg_empty(ctx, 2, (int[]){n, d});
  if (!xhat) return NULL;
  for (int i = 0; i < n; i++) {
    float a = (float)wg_rng_uniform(rng);
    for (int k = 0; k < d; k++) xhat->data[i * d + k] = real[i * d + k] + a * (fake[i * d + k] - real[i * d + k]);
  }
  xhat->requires_grad = 1;
  wg_tensor *out = wg_net_forward(ctx, net, xhat), *g = NULL;
  if (!out || wg_grad(ctx, 1, &out, NULL, 1, &xhat, &g, 1) != WG_OK) return NULL;
  /* The tiny epsilon keeps the square root differentiable at a zero gradient. */
  wg_tensor *norm = wg_sqrt(ctx, wg_add_scalar(ctx, wg_sum_axes(ctx, wg_square(ctx, g), 0x2, 0), 1e-12f));
  return wg_mul_scalar(ctx, wg_mean(ctx, wg_square(ctx, wg_add_scalar(ctx, norm, -1.0f))), lambda);
}

/* The loss the net minimises on one batch of real and fake points. */
static wg_tensor *loss(wg_ctx *ctx, wg_net *net, const wg_fig_train_opts *o, float *real, float *fake, int n,
                       int d, wg_rng *rng) {
  wg_tensor *xr = wg_from_data(ctx, real, 2, (int[]){n, d});
  wg_tensor *xf = wg_from_data(ctx, fake, 2, (int[]){n, d});
  wg_tensor *cr = wg_net_forward(ctx, net, xr), *cf = wg_net_forward(ctx, net, xf);
  if (o->kind == WG_FIG_GAN)  /* -log sigmoid(D(real)) - log(1 - sigmoid(D(fake))) */
    return wg_add(ctx, wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, cr))), wg_mean(ctx, wg_softplus(ctx, cf)));
  wg_tensor *l = wg_sub(ctx, wg_mean(ctx, cf), wg_mean(ctx, cr));
  if (o->kind == WG_FIG_GP) l = wg_add(ctx, l, penalty(ctx, net, real, fake, n, d, o->lambda, rng));
  return l;
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
      st = l ? wg_last_status() : op_failed();
      break;
    }
    wg_optim_step(&opt, net->params, net->grads);
    if (o->kind == WG_FIG_CLIP) wg_clip(net->params, net->n_params, o->clip);
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
    if (!y) st = op_failed();
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
    st = y ? wg_grad(ctx, 1, &y, NULL, 1, &xs, &dx, 0) : op_failed();
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
