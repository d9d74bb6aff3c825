/* Sums and broadcasts. expand and sum_to are each other's adjoint; every
 * other reduction is built from them. */
#include <string.h>

#include "core/broadcast.h"
#include "core/ctx.h"

#define PAR_MIN 32768

static void expand_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = wg_sum_to(ctx, g, n->in[0]->ndim, n->in[0]->shape);
}

static void sum_to_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = wg_expand(ctx, g, n->in[0]->ndim, n->in[0]->shape);
}

static int same_dims(int ndim, const int *shape, const wg_tensor *t) {
  if (ndim != t->ndim) return 0;
  for (int i = 0; i < ndim; i++)
    if (shape[i] != t->shape[i]) return 0;
  return 1;
}

wg_tensor *wg_expand(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape) {
  if (!a) return NULL;
  if (same_dims(ndim, shape, a)) return a;
  if (!wg_broadcasts_to(a->ndim, a->shape, ndim, shape)) {
    char s[64];
    wg_set_error(WG_EINVAL, "cannot expand a tensor of shape %s to %d dimensions", wg_shape_str(a, s, sizeof s), ndim);
    return NULL;
  }
  wg_tensor *y = wg_new_tensor(ctx, ndim, shape);
  if (!y) return NULL;
  int o4[4], a4[4];
  int64_t sa[4];
  wg_shape4(ndim, shape, o4);
  wg_shape4(a->ndim, a->shape, a4);
  wg_bcast_strides(a4, o4, sa);
  const float *src = a->data;
  float *dst = y->data;
#pragma omp parallel for collapse(2) if (y->numel > PAR_MIN)
  for (int i0 = 0; i0 < o4[0]; i0++)
    for (int i1 = 0; i1 < o4[1]; i1++)
      for (int i2 = 0; i2 < o4[2]; i2++) {
        float *row = dst + (((int64_t)i0 * o4[1] + i1) * o4[2] + i2) * o4[3];
        const float *p = src + i0 * sa[0] + i1 * sa[1] + i2 * sa[2];
        for (int i3 = 0; i3 < o4[3]; i3++) row[i3] = p[i3 * sa[3]];
      }
  if (wg_record(ctx, y, "expand", expand_backward, 1, &a)) return NULL;
  return y;
}

wg_tensor *wg_sum_to(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape) {
  if (!a) return NULL;
  if (same_dims(ndim, shape, a)) return a;
  if (!wg_broadcasts_to(ndim, shape, a->ndim, a->shape)) {
    char s[64];
    wg_set_error(WG_EINVAL, "cannot sum a tensor of shape %s down to %d dimensions", wg_shape_str(a, s, sizeof s), ndim);
    return NULL;
  }
  wg_tensor *y = wg_new_tensor(ctx, ndim, shape);
  if (!y) return NULL;
  int a4[4], t4[4], r4[4];
  int64_t as[4], stride = 1;
  wg_shape4(a->ndim, a->shape, a4);
  wg_shape4(ndim, shape, t4);
  for (int d = 3; d >= 0; d--) {
    as[d] = stride;
    stride *= a4[d];
    r4[d] = t4[d] == 1 ? a4[d] : 1; /* the summed range of dimension d */
  }
  const float *src = a->data;
  float *dst = y->data;
  if (y->numel == 1) {
    double s = 0;
    const int64_t n = a->numel;
#pragma omp parallel for reduction(+ : s) if (n > PAR_MIN)
    for (int64_t i = 0; i < n; i++) s += src[i];
    dst[0] = (float)s;
  } else {
#pragma omp parallel for if (a->numel > PAR_MIN)
    for (int64_t o = 0; o < y->numel; o++) {
      int64_t rest = o, base = 0;
      for (int d = 3; d >= 0; d--) {
        int j = (int)(rest % t4[d]);
        rest /= t4[d];
        base += (int64_t)j * as[d];
      }
      double s = 0;
      for (int i0 = 0; i0 < r4[0]; i0++)
        for (int i1 = 0; i1 < r4[1]; i1++)
          for (int i2 = 0; i2 < r4[2]; i2++) {
            const float *p = src + base + i0 * as[0] + i1 * as[1] + i2 * as[2];
            for (int i3 = 0; i3 < r4[3]; i3++) s += p[i3 * as[3]];
          }
      dst[o] = (float)s;
    }
  }
  if (wg_record(ctx, y, "sum_to", sum_to_backward, 1, &a)) return NULL;
  return y;
}

wg_tensor *wg_sum(wg_ctx *ctx, wg_tensor *a) { return wg_sum_to(ctx, a, 0, NULL); }

wg_tensor *wg_mean(wg_ctx *ctx, wg_tensor *a) {
  if (!a) return NULL;
  return wg_mul_scalar(ctx, wg_sum(ctx, a), 1.0f / (float)a->numel);
}

wg_tensor *wg_sum_axes(wg_ctx *ctx, wg_tensor *a, unsigned axis_mask, int keepdim) {
  if (!a) return NULL;
  if (axis_mask >> a->ndim) {
    wg_set_error(WG_EINVAL, "axis mask 0x%x names an axis beyond the tensor's %d", axis_mask, a->ndim);
    return NULL;
  }
  int keep[WG_MAX_DIMS], squeezed[WG_MAX_DIMS], ns = 0;
  for (int d = 0; d < a->ndim; d++) {
    keep[d] = (axis_mask >> d) & 1 ? 1 : a->shape[d];
    if (!((axis_mask >> d) & 1)) squeezed[ns++] = a->shape[d];
  }
  wg_tensor *s = wg_sum_to(ctx, a, a->ndim, keep);
  return keepdim ? s : wg_reshape(ctx, s, ns, squeezed);
}

wg_tensor *wg_mean_axes(wg_ctx *ctx, wg_tensor *a, unsigned axis_mask, int keepdim) {
  if (!a) return NULL;
  int64_t count = 1;
  for (int d = 0; d < a->ndim; d++)
    if ((axis_mask >> d) & 1) count *= a->shape[d];
  return wg_mul_scalar(ctx, wg_sum_axes(ctx, a, axis_mask, keepdim), 1.0f / (float)count);
}
