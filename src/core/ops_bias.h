/* Internal: a layer's bias added over the layer's own output. */
#ifndef WGAN_CORE_OPS_BIAS_H
#define WGAN_CORE_OPS_BIAS_H
#include "wgan/tensor.h"

/* y + b, b one value per index of y's axis 1 (a Linear's features, a
 * convolution's channels: shape [C], [1, C] or [1, C, 1, 1]), the same sums as
 * wg_add. The result is written over y's values and returned as a new tensor
 * over them: for a y that only this add reads, such as a matmul's or a
 * convolution's output, whose backward rules read their inputs, never their
 * output. Saves the memory of a second tensor and the generic broadcast. */
wg_tensor *wg_add_bias_over(wg_ctx *ctx, wg_tensor *y, wg_tensor *b);

#endif
