/* The critic's and the generator's losses, and the gradient penalty. */
#include "train/loss.h"

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

wg_status wg_critic_loss_of(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, float lambda, wg_tensor *real,
                            wg_tensor *fake, wg_rng *rng, wg_critic_loss *out) {
  wg_tensor *c_real = wg_net_forward(ctx, critic, real), *c_fake = wg_net_forward(ctx, critic, fake);
  out->mean_real = wg_mean(ctx, c_real);
  out->mean_fake = wg_mean(ctx, c_fake);
  out->penalty = NULL;
  if (kind == WG_LOSS_GAN)
    out->loss = wg_add(ctx, wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_real))), wg_mean(ctx, wg_softplus(ctx, c_fake)));
  else
    out->loss = wg_sub(ctx, out->mean_fake, out->mean_real);
  if (kind == WG_LOSS_GP && out->loss) {
    out->penalty = wg_gradient_penalty(ctx, critic, real, fake, lambda, rng);
    out->loss = wg_add(ctx, out->loss, out->penalty);
  }
  return out->loss ? WG_OK : wg_failed("the critic's loss");
}

wg_tensor *wg_generator_loss(wg_ctx *ctx, wg_loss_kind kind, wg_tensor *c_fake) {
  return kind == WG_LOSS_GAN ? wg_mean(ctx, wg_softplus(ctx, wg_neg(ctx, c_fake))) : wg_neg(ctx, wg_mean(ctx, c_fake));
}
