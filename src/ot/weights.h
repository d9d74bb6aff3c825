/* Internal: the checks on point sets and weights shared by the OT solvers. */
#ifndef WGAN_OT_WEIGHTS_H
#define WGAN_OT_WEIGHTS_H
#include "wgan/ot.h"

/* Fills a [n] and b [m] from wa, wb (NULL: uniform 1/n): each >= 0,
 * finite, not all zero; with normalize each side totals 1, otherwise the
 * totals must agree within 1e-9 relative and b is rescaled to a's total. */
wg_status wg_ot_weights(const double *wa, int64_t n, const double *wb, int64_t m, int normalize,
                        double *a, double *b);

/* NaN or infinity in x [len] is WG_ENUMERIC, naming the set ("a") and point. */
wg_status wg_ot_check_finite(const double *x, int64_t len, int d, const char *set);

#endif
