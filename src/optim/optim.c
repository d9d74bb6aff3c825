/* Dispatch and memory shared by the optimizers. */
#include <stdlib.h>

#include "optim/steps.h"

void wg_optim_step(wg_optim *o, float *params, const float *grads) {
  o->step++;
  if (o->kind == WG_OPT_ADAM) wg_adam_step(o, params, grads);
  else wg_rmsprop_step(o, params, grads);
}

void wg_optim_free(wg_optim *o) {
  free(o->m);
  free(o->v);
  o->m = o->v = NULL;
}
