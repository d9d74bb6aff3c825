/* The critic's and the generator's losses, and the gradient penalty. */
#include "train/loss.h"

#include <math.h>

#include "core/error.h"

wg_tensor *wg_gradient_penalty(wg_ctx *ctx, wg_net *critic, wg_tensor *real, wg_tensor *fake, float lambda,
                               wg_rng *rng) {
  const int batch = real->shape[0];
  int ashape[4] = {batch, 1, 1, 1};
  wg_tensor *alpha = wg_empty(ctx, real->ndim, ashape);
  if (!alpha) return NULL;
  wg_rng_fill_uniform(rng, alpha->data, (size_t)batch, 0.0f, 1.0f);
  wg_tensor *mix = wg_add(ctx, real, wg_mul(ctx, alpha, wg_sub(ctx, fake, real)));
  wg_tensor *xhat = wg_detach_leaf(ctx, mix), *g;
  wg_tensor *c = wg_net_forward(ctx, critic, xhat);
  if (!c || wg_grad(ctx, 1, &c, NULL, 1, &xhat, &g, 1) != WG_OK) return NULL;
  unsigned all_but_batch = (1u << g->ndim) - 2;
  /* The tiny constant keeps the square root differentiable at a zero gradient. */
  wg_tensor *norm = wg_sqrt(ctx, wg_add_scalar(ctx, wg_sum_axes(ctx, wg_square(ctx, g), all_but_batch, 0), 1e-12f));
  return wg_mul_scalar(ctx, wg_mean(ctx, wg_square(ctx, wg_add_scalar(ctx, norm, -1.0f))), lambda);
}

/* The loss without the penalty, from the critic's values on both batches. */
static wg_tensor *critic_term(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, wg_tensor *real, wg_tensor *fake,
                              wg_critic_loss *out) {
  wg_tensor *c_real = wg_net_forward(ctx, critic, real), *c_fake = wg_net_forward(ctx, critic, fake);
  out->mean_real = wg_mean(ctx, c_real);
  out->mean_fake = wg_mean(ctx, c_fake);
  out->penalty = NULL;
  if (kind == WG_LOSS_GAN)
    return wg_add(ctx, wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_real))), wg_mean(ctx, wg_softplus(ctx, c_fake)));
  return wg_sub(ctx, out->mean_fake, out->mean_real);
}

wg_status wg_critic_loss_of(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, float lambda, wg_tensor *real,
                            wg_tensor *fake, wg_rng *rng, wg_critic_loss *out) {
  out->loss = critic_term(ctx, critic, kind, real, fake, out);
  if (kind == WG_LOSS_GP && out->loss) {
    out->penalty = wg_gradient_penalty(ctx, critic, real, fake, lambda, rng);
    out->loss = wg_add(ctx, out->loss, out->penalty);
  }
  return out->loss ? WG_OK : wg_failed("the critic's loss");
}

wg_status wg_critic_backward(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, float lambda, wg_tensor *real,
                             wg_tensor *fake, wg_rng *rng, wg_critic_figures *out) {
  out->penalty = 0;
  /* The penalty first: its pass adds its contributions to the gradient
   * buffers in the order the one pass over the sum would (the tape's end
   * first), so the sum of the two passes has the same bits. The other term
   * draws nothing, so the penalty's draws are where they were. */
  if (kind == WG_LOSS_GP) {
    wg_ctx_mark before = wg_ctx_mark_now(ctx);
    wg_tensor *penalty = wg_gradient_penalty(ctx, critic, real, fake, lambda, rng);
    if (!penalty) return wg_failed("the gradient penalty");
    out->penalty = penalty->data[0];
    if (isfinite(out->penalty)) {
      wg_status st = wg_backward(ctx, penalty);
      if (st != WG_OK) return st;
    }
    wg_ctx_rewind(ctx, before);
  }
  wg_critic_loss l;
  wg_tensor *term = critic_term(ctx, critic, kind, real, fake, &l);
  if (!term) return wg_failed("the critic's loss");
  out->mean_real = l.mean_real->data[0];
  out->mean_fake = l.mean_fake->data[0];
  out->loss = kind == WG_LOSS_GP ? term->data[0] + out->penalty : term->data[0];
  if (!isfinite(out->loss)) return WG_OK; /* the caller reports it; a step on it is not taken */
  return wg_backward(ctx, term);
}

wg_tensor *wg_generator_loss(wg_ctx *ctx, wg_loss_kind kind, wg_tensor *c_fake) {
  return kind == WG_LOSS_GAN ? wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_fake))) : wg_neg(ctx, wg_mean(ctx, c_fake));
}
