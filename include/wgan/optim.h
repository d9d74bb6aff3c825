/* Optimizers and weight clipping: flat loops over a network's one parameter
 * buffer. The state (moment averages, step count) is plain data, saved in
 * checkpoints. */
#ifndef WGAN_OPTIM_H
#define WGAN_OPTIM_H
#include "wgan/base.h"

typedef enum { WG_OPT_RMSPROP, WG_OPT_ADAM } wg_optim_kind;

typedef struct {
  wg_optim_kind kind;
  float lr;
  float beta1;     /* Adam's beta1; RMSprop's decay alpha */
  float beta2;     /* Adam's beta2 */
  float eps;
  int tf_style;    /* RMSprop as TensorFlow: eps inside the square root, average starting at 1 */
  int64_t n;       /* parameters */
  int64_t step;    /* steps taken */
  float *m;        /* [n] Adam's first moment (NULL for RMSprop) */
  float *v;        /* [n] the average of squared gradients */
} wg_optim;

/* RMSprop, PyTorch's semantics by default: v = a v + (1 - a) g^2,
 * p -= lr g / (sqrt(v) + eps), v starting at 0 (alpha 0.99, eps 1e-8). */
wg_status wg_rmsprop_init(wg_optim *o, int64_t n, float lr, float alpha, float eps, int tf_style);
/* Adam as PyTorch: bias-corrected moments, p -= lr m^ / (sqrt(v^) + eps). */
wg_status wg_adam_init(wg_optim *o, int64_t n, float lr, float beta1, float beta2, float eps);
/* One step over params[n] with grads[n]. */
void wg_optim_step(wg_optim *o, float *params, const float *grads);
void wg_optim_free(wg_optim *o);

/* Clamps every value of params[n] into [-c, c]. */
void wg_clip(float *params, int64_t n, float c);

#endif
