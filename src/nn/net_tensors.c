/* A network's parameters and statistics as named tensors in the layout of a
 * PyTorch state_dict, each a view of the one buffer they live in. */
#include <stdio.h>
#include <string.h>

#include "wgan/nn.h"

typedef struct {
  wg_net_tensor *out;
  int cap, n;
} tensor_list;

static void add(tensor_list *l, int layer, const char *what, int in_state, int64_t offset, int ndim,
                const int64_t *shape) {
  if (l->n < l->cap) {
    wg_net_tensor *t = &l->out[l->n];
    snprintf(t->name, sizeof t->name, "main.%d.%s", layer, what);
    t->in_state = in_state, t->offset = offset, t->ndim = ndim;
    t->numel = 1;
    for (int i = 0; i < ndim; i++) t->numel *= t->shape[i] = shape[i];
  }
  l->n++;
}

static void add_layer(tensor_list *l, int i, const wg_layer *layer) {
  int64_t in = layer->in_shape[0], out = layer->out_shape[0], k = layer->conv.k;
  switch (layer->kind) {
    case WG_LAYER_LINEAR:
      add(l, i, "weight", 0, layer->w_off, 2, (int64_t[]){out, in});
      break;
    case WG_LAYER_CONV:
      add(l, i, "weight", 0, layer->w_off, 4, (int64_t[]){out, in, k, k});
      break;
    case WG_LAYER_CONVT:
      add(l, i, "weight", 0, layer->w_off, 4, (int64_t[]){in, out, k, k});
      break;
    case WG_LAYER_BATCHNORM:
    case WG_LAYER_LAYERNORM:
      add(l, i, "weight", 0, layer->w_off, 1, &in);
      break;
    default:
      return;
  }
  if (layer->n_b) add(l, i, "bias", 0, layer->b_off, 1, (int64_t[]){layer->n_b});
}

/* The statistics come after every parameter, as they follow them in a
 * checkpoint; within each buffer the layers' offsets increase. */
int wg_net_tensors(const wg_net *net, wg_net_tensor *out, int cap) {
  tensor_list l = {out, cap, 0};
  for (int i = 0; i < net->n_layers; i++) add_layer(&l, i, &net->layers[i]);
  for (int i = 0; i < net->n_layers; i++) {
    const wg_layer *layer = &net->layers[i];
    if (layer->kind != WG_LAYER_BATCHNORM) continue;
    int64_t c = layer->in_shape[0];
    add(&l, i, "running_mean", 1, layer->mean_off, 1, &c);
    add(&l, i, "running_var", 1, layer->var_off, 1, &c);
  }
  return l.n;
}
