/* Internal: one ground cost, shared by the solvers. */
#ifndef WGAN_OT_COST_MATRIX_H
#define WGAN_OT_COST_MATRIX_H
#include "wgan/ot.h"

/* c(x, y) for x, y [d], from the differences. */
double wg_ot_cost(const double *x, const double *y, int d, wg_metric metric);

#endif
