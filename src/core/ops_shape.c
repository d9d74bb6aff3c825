/* Shape ops: reshape (a view), slice and its adjoint, crop, concat, transpose. */
#include <string.h>

#include "core/ctx.h"

static void reshape_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = wg_reshape(ctx, g, n->in[0]->ndim, n->in[0]->shape);
}

wg_tensor *wg_reshape(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape) {
  if (!a) return NULL;
  if (ndim < 0 || ndim > WG_MAX_DIMS) {
    wg_set_error(WG_EINVAL, "reshape to %d dimensions (at most %d)", ndim, WG_MAX_DIMS);
    return NULL;
  }
  int dims[WG_MAX_DIMS], infer = -1;
  int64_t known = 1;
  for (int i = 0; i < ndim; i++) {
    dims[i] = shape[i];
    if (shape[i] == -1 && infer < 0) infer = i;
    else if (shape[i] < 0) {
      wg_set_error(WG_EINVAL, "reshape: bad size %d in dimension %d", shape[i], i);
      return NULL;
    } else known *= shape[i];
  }
  if (infer >= 0 && known > 0 && a->numel % known == 0) dims[infer] = (int)(a->numel / known);
  int64_t numel = 1;
  for (int i = 0; i < ndim; i++) numel *= dims[i];
  if (numel != a->numel || (infer >= 0 && known == 0)) {
    char s[64];
    wg_set_error(WG_EINVAL, "cannot reshape %s (%lld elements) to %d dimensions of %lld elements",
                 wg_shape_str(a, s, sizeof s), (long long)a->numel, ndim, (long long)numel);
    return NULL;
  }
  wg_tensor *y = wg_ctx_alloc(ctx, sizeof *y);
  if (!y) return NULL;
  memset(y, 0, sizeof *y);
  y->data = a->data;
  y->numel = a->numel;
  y->ndim = ndim;
  if (ndim) memcpy(y->shape, dims, sizeof(int) * (size_t)ndim);
  if (wg_record(ctx, y, "reshape", reshape_backward, 1, &a)) return NULL;
  return y;
}

/* Sizes before, along and after axis. */
static void split_axis(const wg_tensor *t, int axis, int64_t *outer, int64_t *inner) {
  *outer = *inner = 1;
  for (int d = 0; d < axis; d++) *outer *= t->shape[d];
  for (int d = axis + 1; d < t->ndim; d++) *inner *= t->shape[d];
}

/* Copies outer rows of block floats between strided blocks. */
static void copy_blocks(float *dst, int64_t dst_stride, const float *src, int64_t src_stride,
                        int64_t outer, int64_t block) {
#pragma omp parallel for if (outer * block > 65536)
  for (int64_t o = 0; o < outer; o++) memcpy(dst + o * dst_stride, src + o * src_stride, (size_t)block * sizeof(float));
}

/* A new tensor of a's shape but for size along axis; zeroed if zero (where
 * the copy into it leaves a part unwritten). */
static wg_tensor *resized(wg_ctx *ctx, const wg_tensor *a, int axis, int size, int zero) {
  int shape[WG_MAX_DIMS];
  memcpy(shape, a->shape, sizeof shape);
  shape[axis] = size;
  return zero ? wg_zeros(ctx, a->ndim, shape) : wg_new_tensor(ctx, a->ndim, shape);
}

/* Between the window [start, start + len) of axis in big and all of small
 * (len along axis, the same shape otherwise): copies the window out into
 * small (slice), or small into the window (into_big, its adjoint). */
static void copy_window(wg_tensor *big, wg_tensor *small, int axis, int start, int into_big) {
  int64_t outer, inner;
  split_axis(small, axis, &outer, &inner);
  const int64_t rs = small->shape[axis] * inner, rb = big->shape[axis] * inner;
  float *window = big->data + start * inner;
  if (into_big) copy_blocks(window, rb, small->data, rs, outer, rs);
  else copy_blocks(small->data, rs, window, rb, outer, rs);
}

/* Records y = op(x) and the two integers its backward needs (a slice's axis
 * and start, a crop's top and left). */
static wg_tensor *record_window(wg_ctx *ctx, wg_tensor *y, const char *op, wg_backward_fn bw, wg_tensor *x, int i0,
                                int i1) {
  if (wg_record(ctx, y, op, bw, 1, &x)) return NULL;
  if (y->node) {
    y->node->iarg[0] = i0;
    y->node->iarg[1] = i1;
  }
  return y;
}

static void slice_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = wg_slice_adjoint(ctx, g, n->iarg[0], n->iarg[1], n->in[0]->shape[n->iarg[0]]);
}

static void slice_adjoint_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin,
                                   const int *need) {
  if (need[0]) gin[0] = wg_slice(ctx, g, n->iarg[0], n->iarg[1], n->in[0]->shape[n->iarg[0]]);
}

wg_tensor *wg_slice(wg_ctx *ctx, wg_tensor *a, int axis, int start, int len) {
  if (!a) return NULL;
  if (axis < 0 || axis >= a->ndim || start < 0 || len < 0 || start + len > a->shape[axis]) {
    char s[64];
    wg_set_error(WG_EINVAL, "slice [%d, %d) of axis %d is outside a tensor of shape %s", start, start + len, axis,
                 wg_shape_str(a, s, sizeof s));
    return NULL;
  }
  wg_tensor *y = resized(ctx, a, axis, len, 0);
  if (!y) return NULL;
  copy_window(a, y, axis, start, 0);
  return record_window(ctx, y, "slice", slice_backward, a, axis, start);
}

wg_tensor *wg_slice_adjoint(wg_ctx *ctx, wg_tensor *x, int axis, int start, int full) {
  if (!x) return NULL;
  if (axis < 0 || axis >= x->ndim || start < 0 || start + x->shape[axis] > full) {
    wg_set_error(WG_EINVAL, "slice adjoint: %d elements at %d do not fit in %d", axis >= 0 && axis < x->ndim ? x->shape[axis] : -1,
                 start, full);
    return NULL;
  }
  wg_tensor *y = resized(ctx, x, axis, full, 1);
  if (!y) return NULL;
  copy_window(y, x, axis, start, 1);
  return record_window(ctx, y, "slice_adjoint", slice_adjoint_backward, x, axis, start);
}

/* Between the window [top, top + h) x [left, left + w) of every plane of
 * big[N, C, H, W] and small[N, C, h, w]: copies the window out (crop), or
 * small into it (into_big, its adjoint; big zeroed before). */
static void copy_planes(wg_tensor *big, wg_tensor *small, int top, int left, int into_big) {
  const int64_t planes = (int64_t)small->shape[0] * small->shape[1];
  const int H = big->shape[2], W = big->shape[3], h = small->shape[2], w = small->shape[3];
#pragma omp parallel for if (small->numel > 65536)
  for (int64_t p = 0; p < planes; p++)
    for (int r = 0; r < h; r++) {
      float *b = big->data + (p * H + top + r) * W + left, *s = small->data + (p * h + r) * w;
      if (into_big) memcpy(b, s, sizeof(float) * (size_t)w);
      else memcpy(s, b, sizeof(float) * (size_t)w);
    }
}

static wg_tensor *crop_adjoint(wg_ctx *ctx, wg_tensor *x, int top, int left, int full_h, int full_w);

static void crop_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = crop_adjoint(ctx, g, n->iarg[0], n->iarg[1], n->in[0]->shape[2], n->in[0]->shape[3]);
}

static void crop_adjoint_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = wg_crop(ctx, g, n->iarg[0], n->iarg[1], n->in[0]->shape[2], n->in[0]->shape[3]);
}

/* x[N, C, h, w] placed at (top, left) in zeros of [N, C, full_h, full_w]. */
static wg_tensor *crop_adjoint(wg_ctx *ctx, wg_tensor *x, int top, int left, int full_h, int full_w) {
  if (!x) return NULL;
  wg_tensor *y = wg_zeros(ctx, 4, (int[]){x->shape[0], x->shape[1], full_h, full_w});
  if (!y) return NULL;
  copy_planes(y, x, top, left, 1);
  return record_window(ctx, y, "crop_adjoint", crop_adjoint_backward, x, top, left);
}

/* One copy of the window (two slices would make a tensor between them). */
wg_tensor *wg_crop(wg_ctx *ctx, wg_tensor *a, int top, int left, int h, int w) {
  if (!a) return NULL;
  if (a->ndim != 4) {
    wg_set_error(WG_EINVAL, "crop needs an NCHW tensor, not %d dimensions", a->ndim);
    return NULL;
  }
  if (top < 0 || left < 0 || h < 0 || w < 0 || top + h > a->shape[2] || left + w > a->shape[3]) {
    char s[64];
    wg_set_error(WG_EINVAL, "crop of %d x %d at (%d, %d) is outside a tensor of shape %s", h, w, top, left,
                 wg_shape_str(a, s, sizeof s));
    return NULL;
  }
  wg_tensor *y = wg_new_tensor(ctx, 4, (int[]){a->shape[0], a->shape[1], h, w});
  if (!y) return NULL;
  copy_planes(a, y, top, left, 0);
  return record_window(ctx, y, "crop", crop_backward, a, top, left);
}

static void concat_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  int axis = n->iarg[0], la = n->in[0]->shape[axis];
  if (need[0]) gin[0] = wg_slice(ctx, g, axis, 0, la);
  if (need[1]) gin[1] = wg_slice(ctx, g, axis, la, n->in[1]->shape[axis]);
}

wg_tensor *wg_concat(wg_ctx *ctx, wg_tensor *a, wg_tensor *b, int axis) {
  if (!a || !b) return NULL;
  int ok = a->ndim == b->ndim && axis >= 0 && axis < a->ndim;
  for (int d = 0; ok && d < a->ndim; d++) ok = d == axis || a->shape[d] == b->shape[d];
  if (!ok) {
    char sa[64], sb[64];
    wg_set_error(WG_EINVAL, "cannot concatenate %s and %s along axis %d", wg_shape_str(a, sa, sizeof sa),
                 wg_shape_str(b, sb, sizeof sb), axis);
    return NULL;
  }
  wg_tensor *y = resized(ctx, a, axis, a->shape[axis] + b->shape[axis], 0);
  if (!y) return NULL;
  int64_t outer, inner;
  split_axis(a, axis, &outer, &inner);
  int64_t ra = a->shape[axis] * inner, rb = b->shape[axis] * inner;
  copy_blocks(y->data, ra + rb, a->data, ra, outer, ra);
  copy_blocks(y->data + ra, ra + rb, b->data, rb, outer, rb);
  wg_tensor *in[2] = {a, b};
  if (wg_record(ctx, y, "concat", concat_backward, 2, in)) return NULL;
  if (y->node) y->node->iarg[0] = axis;
  return y;
}

static void transpose_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  (void)n;
  if (need[0]) gin[0] = wg_transpose(ctx, g);
}

wg_tensor *wg_transpose(wg_ctx *ctx, wg_tensor *a) {
  if (!a) return NULL;
  if (a->ndim != 2) {
    wg_set_error(WG_EINVAL, "transpose needs a 2-D tensor, not %d dimensions", a->ndim);
    return NULL;
  }
  int r = a->shape[0], c = a->shape[1], shape[2] = {c, r};
  wg_tensor *y = wg_new_tensor(ctx, 2, shape);
  if (!y) return NULL;
  /* y[c, r] = a[r, c] */
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++) y->data[(int64_t)j * r + i] = a->data[(int64_t)i * c + j];
  if (wg_record(ctx, y, "transpose", transpose_backward, 1, &a)) return NULL;
  return y;
}
