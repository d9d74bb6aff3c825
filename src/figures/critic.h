/* Internal: the critics and discriminators of the figures, trained against
 * fixed distributions (no generator is trained), and what the figures
 * measure on them (values and input gradients at given points). */
#ifndef WGAN_FIGURES_CRITIC_H
#define WGAN_FIGURES_CRITIC_H
#include "wgan/nn.h"
#include "wgan/optim.h"
#include "wgan/train.h"

/* Draws n points x[n, d] of one distribution. */
typedef void (*wg_fig_sampler)(void *user, wg_rng *rng, float *x, int n);

typedef struct {
  wg_loss_kind kind;       /* the trainer's losses: clip (weights clamped to [-c, c]), gp, gan */
  int steps, batch;
  wg_optim_kind opt;      /* RMSprop (beta1 = its alpha) or Adam */
  float lr, beta1, beta2;
  float clip;             /* WG_LOSS_CLIP */
  float lambda;           /* WG_LOSS_GP */
  wg_fig_sampler real, fake;
  void *real_user, *fake_user;
  /* Called every `every` steps (and after the last) with the step count; may be NULL. */
  void (*progress)(void *user, int step, wg_net *net);
  void *progress_user;
  int every;
} wg_fig_train_opts;

/* A ReLU MLP d -> hidden x layers -> 1 initialised as PyTorch does
 * (clamped into [-clip, clip] when clip > 0). NULL on failure. */
wg_net *wg_fig_mlp(int d, int hidden, int layers, float clip, wg_rng *rng);

/* Trains net (input d) by o; rng draws the batches and interpolation weights. */
wg_status wg_fig_train(wg_net *net, int d, const wg_fig_train_opts *o, wg_rng *rng);

/* out[n] = the net's output at x[n, d]; with sigmoid, sigmoid of it. */
wg_status wg_fig_values(wg_net *net, const float *x, int64_t n, int d, int sigmoid, float *out);

/* g[n, d] = the gradient of the output (of its sigmoid with sigmoid set)
 * with respect to each input point x[n, d]. */
wg_status wg_fig_input_grads(wg_net *net, const float *x, int64_t n, int d, int sigmoid, float *g);

/* mean C(a) - mean C(b) over a[na, d], b[nb, d]. */
wg_status wg_fig_mean_gap(wg_net *net, const float *a, int64_t na, const float *b, int64_t nb, int d,
                          double *gap);

#endif
