/* Making tensors: arena tensors, constants, leaves over caller memory. */
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"

wg_tensor *wg_empty(wg_ctx *ctx, int ndim, const int *shape) { return wg_new_tensor(ctx, ndim, shape); }

wg_tensor *wg_zeros(wg_ctx *ctx, int ndim, const int *shape) {
  wg_tensor *t = wg_new_tensor(ctx, ndim, shape);
  if (t) memset(t->data, 0, (size_t)t->numel * sizeof(float));
  return t;
}

wg_tensor *wg_full(wg_ctx *ctx, int ndim, const int *shape, float value) {
  wg_tensor *t = wg_new_tensor(ctx, ndim, shape);
  if (t)
    for (int64_t i = 0; i < t->numel; i++) t->data[i] = value;
  return t;
}

wg_tensor *wg_from_data(wg_ctx *ctx, const float *data, int ndim, const int *shape) {
  wg_tensor *t = wg_new_tensor(ctx, ndim, shape);
  if (t) memcpy(t->data, data, (size_t)t->numel * sizeof(float));
  return t;
}

wg_tensor *wg_scalar(wg_ctx *ctx, float value) { return wg_full(ctx, 0, NULL, value); }

wg_status wg_tensor_leaf(wg_tensor *t, float *data, float *grad, int ndim, const int *shape,
                         int requires_grad) {
  if (ndim < 0 || ndim > WG_MAX_DIMS)
    return wg_set_error(WG_EINVAL, "a tensor has 0 to %d dimensions, not %d", WG_MAX_DIMS, ndim);
  memset(t, 0, sizeof *t);
  t->numel = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0) return wg_set_error(WG_EINVAL, "negative size %d in dimension %d", shape[i], i);
    t->shape[i] = shape[i];
    t->numel *= shape[i];
  }
  t->ndim = ndim;
  t->data = data;
  t->grad = grad;
  t->requires_grad = requires_grad;
  return WG_OK;
}

wg_tensor *wg_detach(wg_ctx *ctx, const wg_tensor *a) {
  if (!a) return NULL;
  return wg_from_data(ctx, a->data, a->ndim, a->shape);
}

wg_tensor *wg_detach_leaf(wg_ctx *ctx, const wg_tensor *src) {
  wg_tensor *t = wg_detach(ctx, src);
  if (t) t->requires_grad = 1;
  return t;
}

int wg_same_shape(const wg_tensor *a, const wg_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i]) return 0;
  return 1;
}

const char *wg_shape_str(const wg_tensor *t, char *buf, size_t size) {
  size_t k = (size_t)snprintf(buf, size, "[");
  for (int i = 0; i < t->ndim && k < size; i++)
    k += (size_t)snprintf(buf + k, size - k, i ? ", %d" : "%d", t->shape[i]);
  if (k < size) snprintf(buf + k, size - k, "]");
  return buf;
}
