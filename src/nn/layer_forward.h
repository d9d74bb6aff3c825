/* Internal: one layer's forward pass, written with differentiable ops. */
#ifndef WGAN_NN_LAYER_FORWARD_H
#define WGAN_NN_LAYER_FORWARD_H
#include "wgan/nn.h"

/* h[N, l->in_shape] -> [N, l->out_shape]. */
wg_tensor *wg_layer_forward(wg_ctx *ctx, wg_net *net, wg_layer *l, wg_tensor *h);

#endif
