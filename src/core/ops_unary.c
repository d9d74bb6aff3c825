/* Elementwise functions of one tensor. Each backward rule is written with ops,
 * so with create_graph the gradient is itself differentiable. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/ctx.h"

#define PAR_MIN 32768



/* The forward formulas, selected by kind (a switch outside the loops). */
enum {
  K_NEG, K_EXP, K_LOG, K_SQRT, K_SQUARE, K_POW, K_ABS, K_LEAKY, K_TANH, K_SIGMOID,
  K_SOFTPLUS, K_LOGSIG, K_ADDS, K_MULS, K_SIGN, K_SLOPE
};

/* log(1 + e^x) without overflow. */
static inline float softplus(float x) { return x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)); }
static inline float sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + expf(-x));
  float e = expf(x);
  return e / (1.0f + e);
}

/* keep ? a : b as a bitwise select of both sides, which vectorises at SSE2,
 * where the compiler keeps a conditional multiply a branch per element (8x
 * slower at baseline than with AVX-512's masks). */
static inline float select_bits(int keep, float a, float b) {
  uint32_t ab, bb;
  memcpy(&ab, &a, 4), memcpy(&bb, &b, 4);
  const uint32_t mask = -(uint32_t)keep, yb = (ab & mask) | (bb & ~mask);
  float y;
  memcpy(&y, &yb, 4);
  return y;
}

static inline float leaky(float x, float slope) { return select_bits(x > 0, x, slope * x); }

#define LOOP(EXPR)                                           \
  _Pragma("omp parallel for simd if(n > PAR_MIN)")           \
  for (int64_t i = 0; i < n; i++) { float x = a[i]; y[i] = (EXPR); }

/* y[n] = kind(a[n]) with scalars f0, f1. */
static void unary_kernel(int kind, float *restrict y, const float *restrict a, int64_t n, float f0, float f1) {
  switch (kind) {
    case K_NEG: LOOP(-x) break;
    case K_EXP: LOOP(expf(x)) break;
    case K_LOG: LOOP(logf(x)) break;
    case K_SQRT: LOOP(sqrtf(x)) break;
    case K_SQUARE: LOOP(x * x) break;
    case K_POW: LOOP(powf(x, f0)) break;
    case K_ABS: LOOP(fabsf(x)) break;
    case K_LEAKY: LOOP(leaky(x, f0)) break;
    case K_TANH: LOOP(tanhf(x)) break;
    case K_SIGMOID: LOOP(sigmoid(x)) break;
    case K_SOFTPLUS: LOOP(softplus(x)) break;
    case K_LOGSIG: LOOP(-softplus(-x)) break;
    case K_ADDS: LOOP(x + f0) break;
    case K_MULS: LOOP(x * f0) break;
    case K_SIGN: LOOP((float)((x > 0) - (x < 0))) break;
    case K_SLOPE: LOOP(x > 0 ? f1 : f0) break;
  }
}

static wg_tensor *unary(wg_ctx *ctx, wg_tensor *a, const char *name, wg_backward_fn backward,
                        float f0, float f1, int kind) {
  if (!a) return NULL;
  wg_tensor *y = wg_new_like(ctx, a);
  if (!y) return NULL;
  unary_kernel(kind, y->data, a->data, a->numel, f0, f1);
  if (backward) {
    if (wg_record(ctx, y, name, backward, 1, &a)) return NULL;
    if (y->node) {
      y->node->f[0] = f0;
      y->node->f[1] = f1;
    }
  }
  return y;
}

#define X (n->in[0])
#define Y (n->out)
#define BACKWARD(NAME, EXPR)                                                              \
  static void NAME(wg_ctx *ctx, const wg_node *n, wg_tensor *g, wg_tensor **gin, const int *need) { \
    (void)ctx, (void)n;                                                                   \
    if (need[0]) gin[0] = (EXPR);                                                         \
  }

BACKWARD(neg_backward, wg_neg(ctx, g))
BACKWARD(exp_backward, wg_mul(ctx, g, Y))
BACKWARD(log_backward, wg_div(ctx, g, X))
/* d sqrt(x) = 1 / (2 sqrt(x)) */
BACKWARD(sqrt_backward, wg_div(ctx, g, wg_mul_scalar(ctx, Y, 2.0f)))
BACKWARD(square_backward, wg_mul(ctx, g, wg_mul_scalar(ctx, X, 2.0f)))
/* d x^p = p x^(p-1) */
BACKWARD(pow_backward, wg_mul(ctx, g, wg_mul_scalar(ctx, wg_pow(ctx, X, n->f[0] - 1.0f), n->f[0])))
BACKWARD(abs_backward, wg_mul(ctx, g, wg_sign(ctx, X)))
static wg_tensor *leaky_grad(wg_ctx *ctx, wg_tensor *g, wg_tensor *x, float slope);
BACKWARD(leaky_backward, leaky_grad(ctx, g, X, n->f[0]))
/* Linear in g with x's slopes fixed: its own adjoint; x's kinks have no derivative. */
BACKWARD(leaky_grad_backward, leaky_grad(ctx, g, n->aux, n->f[0]))

/* g * (x > 0 ? 1 : slope) in one pass, with no tensor of slopes: the backward
 * of leaky_relu and relu. The product by 1 is left out (the same bits). */
static wg_tensor *leaky_grad(wg_ctx *ctx, wg_tensor *g, wg_tensor *x, float slope) {
  if (!g || !x) return NULL;
  wg_tensor *y = wg_new_like(ctx, g);
  if (!y) return NULL;
  float *restrict out = y->data;
  const float *restrict gd = g->data, *restrict xd = x->data;
  const int64_t n = y->numel;
#pragma omp parallel for simd if (n > PAR_MIN)
  for (int64_t i = 0; i < n; i++) out[i] = select_bits(xd[i] > 0, gd[i], gd[i] * slope);
  if (wg_record(ctx, y, "leaky_grad", leaky_grad_backward, 1, &g)) return NULL;
  if (y->node) y->node->f[0] = slope, y->node->aux = x;
  return y;
}
/* d tanh = 1 - y^2 */
BACKWARD(tanh_backward, wg_mul(ctx, g, wg_add_scalar(ctx, wg_neg(ctx, wg_square(ctx, Y)), 1.0f)))
/* d sigmoid = y (1 - y) */
BACKWARD(sigmoid_backward, wg_mul(ctx, g, wg_mul(ctx, Y, wg_add_scalar(ctx, wg_neg(ctx, Y), 1.0f))))
BACKWARD(softplus_backward, wg_mul(ctx, g, wg_sigmoid(ctx, X)))
/* log sigmoid(x) = -softplus(-x): derivative sigmoid(-x) */
BACKWARD(logsig_backward, wg_mul(ctx, g, wg_sigmoid(ctx, wg_neg(ctx, X))))
BACKWARD(adds_backward, g)
BACKWARD(muls_backward, wg_mul_scalar(ctx, g, n->f[0]))

wg_tensor *wg_neg(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "neg", neg_backward, 0, 0, K_NEG); }
wg_tensor *wg_exp(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "exp", exp_backward, 0, 0, K_EXP); }
wg_tensor *wg_log(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "log", log_backward, 0, 0, K_LOG); }
wg_tensor *wg_sqrt(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "sqrt", sqrt_backward, 0, 0, K_SQRT); }
wg_tensor *wg_square(wg_ctx *ctx, wg_tensor *a) {
  return unary(ctx, a, "square", square_backward, 0, 0, K_SQUARE);
}
wg_tensor *wg_pow(wg_ctx *ctx, wg_tensor *a, float p) { return unary(ctx, a, "pow", pow_backward, p, 0, K_POW); }
wg_tensor *wg_abs(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "abs", abs_backward, 0, 0, K_ABS); }
wg_tensor *wg_relu(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "relu", leaky_backward, 0, 0, K_LEAKY); }
wg_tensor *wg_leaky_relu(wg_ctx *ctx, wg_tensor *a, float alpha) {
  return unary(ctx, a, "leaky_relu", leaky_backward, alpha, 0, K_LEAKY);
}
wg_tensor *wg_tanh(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "tanh", tanh_backward, 0, 0, K_TANH); }
wg_tensor *wg_sigmoid(wg_ctx *ctx, wg_tensor *a) {
  return unary(ctx, a, "sigmoid", sigmoid_backward, 0, 0, K_SIGMOID);
}
wg_tensor *wg_softplus(wg_ctx *ctx, wg_tensor *a) {
  return unary(ctx, a, "softplus", softplus_backward, 0, 0, K_SOFTPLUS);
}
wg_tensor *wg_log_sigmoid(wg_ctx *ctx, wg_tensor *a) {
  return unary(ctx, a, "log_sigmoid", logsig_backward, 0, 0, K_LOGSIG);
}
wg_tensor *wg_add_scalar(wg_ctx *ctx, wg_tensor *a, float s) {
  return unary(ctx, a, "add_scalar", adds_backward, s, 0, K_ADDS);
}
wg_tensor *wg_mul_scalar(wg_ctx *ctx, wg_tensor *a, float s) {
  return unary(ctx, a, "mul_scalar", muls_backward, s, 0, K_MULS);
}
/* Piecewise constant: no backward, never recorded. */
wg_tensor *wg_sign(wg_ctx *ctx, wg_tensor *a) { return unary(ctx, a, "sign", NULL, 0, 0, K_SIGN); }
wg_tensor *wg_slope(wg_ctx *ctx, wg_tensor *a, float lo, float hi) {
  return unary(ctx, a, "slope", NULL, lo, hi, K_SLOPE);
}
