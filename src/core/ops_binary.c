/* add, sub, mul, div with numpy broadcasting; their backward rules sum the
 * gradient back to each input's shape (wg_sum_to). */
#include "core/broadcast.h"
#include "core/ctx.h"

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV } binary_op;

#define PAR_MIN 32768

/* y[out4] = a[bcast] op b[bcast]; one kernel per op keeps the inner loop free of branches. */
#define DEFINE_KERNEL(NAME, EXPR)                                                          \
  static void NAME(float *restrict y, const float *restrict a, const float *restrict b,   \
                   int64_t n, int64_t na, int64_t nb, const int o4[4], const int64_t sa[4], \
                   const int64_t sb[4]) {                                                  \
    if (na == n && nb == n) {                                                              \
      _Pragma("omp parallel for simd if(n > PAR_MIN)")                                     \
      for (int64_t i = 0; i < n; i++) { float x = a[i], z = b[i]; y[i] = (EXPR); }          \
    } else if (nb == 1 && na == n) {                                                       \
      const float z = b[0];                                                                \
      _Pragma("omp parallel for simd if(n > PAR_MIN)")                                     \
      for (int64_t i = 0; i < n; i++) { float x = a[i]; y[i] = (EXPR); }                    \
    } else if (na == 1 && nb == n) {                                                       \
      const float x = a[0];                                                                \
      _Pragma("omp parallel for simd if(n > PAR_MIN)")                                     \
      for (int64_t i = 0; i < n; i++) { float z = b[i]; y[i] = (EXPR); }                    \
    } else {                                                                               \
      _Pragma("omp parallel for collapse(2) if(n > PAR_MIN)")                              \
      for (int i0 = 0; i0 < o4[0]; i0++)                                                   \
        for (int i1 = 0; i1 < o4[1]; i1++)                                                 \
          for (int i2 = 0; i2 < o4[2]; i2++) {                                             \
            int64_t base = (((int64_t)i0 * o4[1] + i1) * o4[2] + i2) * o4[3];              \
            const float *pa = a + i0 * sa[0] + i1 * sa[1] + i2 * sa[2];                    \
            const float *pb = b + i0 * sb[0] + i1 * sb[1] + i2 * sb[2];                    \
            for (int i3 = 0; i3 < o4[3]; i3++) {                                           \
              float x = pa[i3 * sa[3]], z = pb[i3 * sb[3]];                                \
              y[base + i3] = (EXPR);                                                       \
            }                                                                              \
          }                                                                                \
    }                                                                                      \
  }

DEFINE_KERNEL(kernel_add, x + z)
DEFINE_KERNEL(kernel_sub, x - z)
DEFINE_KERNEL(kernel_mul, x * z)
DEFINE_KERNEL(kernel_div, x / z)

static void add_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need);
static void sub_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need);
static void mul_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need);
static void div_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need);

static wg_tensor *binary(wg_ctx *ctx, wg_tensor *a, wg_tensor *b, binary_op op) {
  if (!a || !b) return NULL;
  int ndim, shape[WG_MAX_DIMS];
  if (wg_broadcast_shape(a, b, &ndim, shape)) return NULL;
  wg_tensor *y = wg_new_tensor(ctx, ndim, shape);
  if (!y) return NULL;
  int o4[4], a4[4], b4[4];
  int64_t sa[4], sb[4];
  wg_shape4(ndim, shape, o4);
  wg_shape4(a->ndim, a->shape, a4);
  wg_shape4(b->ndim, b->shape, b4);
  wg_bcast_strides(a4, o4, sa);
  wg_bcast_strides(b4, o4, sb);
  static const struct {
    void (*kernel)(float *, const float *, const float *, int64_t, int64_t, int64_t, const int *,
                   const int64_t *, const int64_t *);
    wg_backward_fn backward;
    const char *name;
  } table[] = {{kernel_add, add_backward, "add"},
               {kernel_sub, sub_backward, "sub"},
               {kernel_mul, mul_backward, "mul"},
               {kernel_div, div_backward, "div"}};
  table[op].kernel(y->data, a->data, b->data, y->numel, a->numel, b->numel, o4, sa, sb);
  wg_tensor *in[2] = {a, b};
  if (wg_record(ctx, y, table[op].name, table[op].backward, 2, in)) return NULL;
  return y;
}

wg_tensor *wg_add(wg_ctx *ctx, wg_tensor *a, wg_tensor *b) { return binary(ctx, a, b, OP_ADD); }
wg_tensor *wg_sub(wg_ctx *ctx, wg_tensor *a, wg_tensor *b) { return binary(ctx, a, b, OP_SUB); }
wg_tensor *wg_mul(wg_ctx *ctx, wg_tensor *a, wg_tensor *b) { return binary(ctx, a, b, OP_MUL); }
wg_tensor *wg_div(wg_ctx *ctx, wg_tensor *a, wg_tensor *b) { return binary(ctx, a, b, OP_DIV); }

static wg_tensor *to_shape_of(wg_ctx *ctx, wg_tensor *g, const wg_tensor *t) {
  return wg_sum_to(ctx, g, t->ndim, t->shape);
}

static void add_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = to_shape_of(ctx, g, n->in[0]);
  if (need[1]) gin[1] = to_shape_of(ctx, g, n->in[1]);
}

static void sub_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = to_shape_of(ctx, g, n->in[0]);
  if (need[1]) gin[1] = to_shape_of(ctx, wg_neg(ctx, g), n->in[1]);
}

static void mul_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  if (need[0]) gin[0] = to_shape_of(ctx, wg_mul(ctx, g, n->in[1]), n->in[0]);
  if (need[1]) gin[1] = to_shape_of(ctx, wg_mul(ctx, g, n->in[0]), n->in[1]);
}

/* y = a / b: da = g / b, db = -g a / b^2 = -(g / b) y. */
static void div_backward(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) {
  wg_tensor *g_over_b = wg_div(ctx, g, n->in[1]);
  if (need[0]) gin[0] = to_shape_of(ctx, g_over_b, n->in[0]);
  if (need[1]) gin[1] = to_shape_of(ctx, wg_neg(ctx, wg_mul(ctx, g_over_b, n->out)), n->in[1]);
}
