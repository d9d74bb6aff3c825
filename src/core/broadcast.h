/* Internal: numpy broadcasting over tensors seen as 4-D (shapes right-aligned). */
#ifndef WGAN_CORE_BROADCAST_H
#define WGAN_CORE_BROADCAST_H
#include "wgan/tensor.h"

/* shape right-aligned into 4 dimensions, leading ones added. */
void wg_shape4(int ndim, const int *shape, int s4[4]);
/* Element strides of a tensor of 4-D shape s4 read as out4 (0 where broadcast). */
void wg_bcast_strides(const int s4[4], const int out4[4], int64_t st[4]);
/* The broadcast shape of a and b; -1 (with the error set) if they do not broadcast. */
int wg_broadcast_shape(const wg_tensor *a, const wg_tensor *b, int *ndim, int shape[WG_MAX_DIMS]);
/* Whether shape (ndim) can be broadcast to target (tndim). */
int wg_broadcasts_to(int ndim, const int *shape, int tndim, const int *target);

#endif
