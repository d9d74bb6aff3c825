/* Internal: the update rule of each optimizer (o->step already counts this step). */
#ifndef WGAN_OPTIM_STEPS_H
#define WGAN_OPTIM_STEPS_H
#include "wgan/optim.h"

void wg_rmsprop_step(wg_optim *o, float *params, const float *grads);
void wg_adam_step(wg_optim *o, float *params, const float *grads);

#endif
