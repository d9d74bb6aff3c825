/* Internal: the losses of WGAN (clip), WGAN-GP (gp) and the standard GAN,
 * as recorded ops on a critic's outputs. One module serves the trainer and
 * the article's figures. */
#ifndef WGAN_TRAIN_LOSS_H
#define WGAN_TRAIN_LOSS_H
#include "wgan/train.h"

/* The critic's loss on one batch of real[B, ...] and fake[B, ...] samples:
 * clip and gp: mean C(fake) - mean C(real) (the WGAN paper's eq. 5, negated
 * to be minimised), gp adding the penalty; gan: the logistic loss
 * -log sigmoid(C(real)) - log(1 - sigmoid(C(fake))). Fills the means and
 * the penalty (NULL unless gp) for the logs. NULL when an op failed. */
typedef struct {
  wg_tensor *loss, *mean_real, *mean_fake, *penalty;
} wg_critic_loss;
wg_status wg_critic_loss_of(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, float lambda, wg_tensor *real,
                            wg_tensor *fake, wg_rng *rng, wg_critic_loss *out);

/* The same loss differentiated into the critic's gradient buffers (added to
 * what they hold), and its figures for the logs (float sums as the ops').
 * With gp the penalty's pass and the other term's run one after the other,
 * the context rewound between them: the step needs the larger pass's memory,
 * not their sum. A non-finite loss is returned (status OK) without its
 * gradient, for the caller to report. */
typedef struct {
  float loss, mean_real, mean_fake, penalty;
} wg_critic_figures;
wg_status wg_critic_backward(wg_ctx *ctx, wg_net *critic, wg_loss_kind kind, float lambda, wg_tensor *real,
                             wg_tensor *fake, wg_rng *rng, wg_critic_figures *out);

/* lambda * mean((||dC/dx (xhat)||_2 - 1)^2) at xhat = real + alpha (fake - real),
 * one alpha ~ U[0, 1] per sample from rng (the WGAN-GP paper's Algorithm 1);
 * recorded (create_graph) so the critic's parameters get its exact gradient. */
wg_tensor *wg_gradient_penalty(wg_ctx *ctx, wg_net *critic, wg_tensor *real, wg_tensor *fake, float lambda,
                               wg_rng *rng);

/* The generator's loss on C(G(z)) [B, 1]: WGAN's -mean C(G(z)) (eq. 6), the
 * GAN's non-saturating -log sigmoid(D(G(z))). */
wg_tensor *wg_generator_loss(wg_ctx *ctx, wg_loss_kind kind, wg_tensor *c_fake);

#endif
