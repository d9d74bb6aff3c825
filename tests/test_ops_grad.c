/* Every op: its forward values against a reference computed here in double
 * from the op's definition, its gradient against central finite
 * differences, and its gradient-of-gradient against finite differences of
 * the gradient.
 *
 * For an op y = f(x1..xk) the test differentiates L = sum(v * y^2) (v fixed
 * random): the square makes the second derivative exercise the backward
 * rule's own derivative even for linear ops. Then h = sum_k <w_k, dL/dx_k>
 * (w fixed random) is differentiated again, through the recorded backward
 * pass, and checked against finite differences of h. Fresh random inputs each
 * run (seed printed; WGAN_TEST_SEED repeats one). */
#include <float.h>
#include <string.h>

#include "check.h"
#include "core/ops_bias.h"
#include "wgan.h"

enum { MAX_IN = 3, MAX_CHECKED = 48 };

typedef wg_tensor *(*op_fn)(wg_ctx *ctx, wg_tensor **x);
typedef struct op_case op_case;
/* Output element o (an index into the output's shape) in double. */
typedef double (*ref_fn)(const op_case *c, double *const *x, const int *o);

struct op_case {
  const char *name;
  op_fn f;
  int n_in;
  int shape[MAX_IN][5]; /* ndim, then the sizes */
  float lo, hi;         /* inputs drawn uniformly from [lo, hi] ... */
  float gap;            /* ... with |x| >= gap (away from kinks and poles) */
  double tol;           /* relative tolerance of the comparisons */
  int out[5];           /* the output's ndim, then its sizes */
  ref_fn ref;
};

static wg_rng rng;

/* ---- the ops under test ---- */
static wg_tensor *f_add(wg_ctx *c, wg_tensor **x) { return wg_add(c, x[0], x[1]); }
static wg_tensor *f_sub(wg_ctx *c, wg_tensor **x) { return wg_sub(c, x[0], x[1]); }
static wg_tensor *f_mul(wg_ctx *c, wg_tensor **x) { return wg_mul(c, x[0], x[1]); }
static wg_tensor *f_div(wg_ctx *c, wg_tensor **x) { return wg_div(c, x[0], x[1]); }
static wg_tensor *f_add_scalar(wg_ctx *c, wg_tensor **x) { return wg_add_scalar(c, x[0], 0.7f); }
static wg_tensor *f_mul_scalar(wg_ctx *c, wg_tensor **x) { return wg_mul_scalar(c, x[0], -1.3f); }
static wg_tensor *f_neg(wg_ctx *c, wg_tensor **x) { return wg_neg(c, x[0]); }
static wg_tensor *f_exp(wg_ctx *c, wg_tensor **x) { return wg_exp(c, x[0]); }
static wg_tensor *f_log(wg_ctx *c, wg_tensor **x) { return wg_log(c, x[0]); }
static wg_tensor *f_sqrt(wg_ctx *c, wg_tensor **x) { return wg_sqrt(c, x[0]); }
static wg_tensor *f_square(wg_ctx *c, wg_tensor **x) { return wg_square(c, x[0]); }
static wg_tensor *f_pow(wg_ctx *c, wg_tensor **x) { return wg_pow(c, x[0], 2.5f); }
static wg_tensor *f_abs(wg_ctx *c, wg_tensor **x) { return wg_abs(c, x[0]); }
static wg_tensor *f_relu(wg_ctx *c, wg_tensor **x) { return wg_relu(c, x[0]); }
static wg_tensor *f_leaky(wg_ctx *c, wg_tensor **x) { return wg_leaky_relu(c, x[0], 0.2f); }
static wg_tensor *f_tanh(wg_ctx *c, wg_tensor **x) { return wg_tanh(c, x[0]); }
static wg_tensor *f_sigmoid(wg_ctx *c, wg_tensor **x) { return wg_sigmoid(c, x[0]); }
static wg_tensor *f_softplus(wg_ctx *c, wg_tensor **x) { return wg_softplus(c, x[0]); }
static wg_tensor *f_log_sigmoid(wg_ctx *c, wg_tensor **x) { return wg_log_sigmoid(c, x[0]); }
static wg_tensor *f_sum(wg_ctx *c, wg_tensor **x) { return wg_sum(c, x[0]); }
static wg_tensor *f_mean(wg_ctx *c, wg_tensor **x) { return wg_mean(c, x[0]); }
static wg_tensor *f_sum_axes(wg_ctx *c, wg_tensor **x) { return wg_sum_axes(c, x[0], 0x5, 0); }
static wg_tensor *f_mean_axes(wg_ctx *c, wg_tensor **x) { return wg_mean_axes(c, x[0], 0x2, 1); }
static wg_tensor *f_expand(wg_ctx *c, wg_tensor **x) { return wg_expand(c, x[0], 3, (int[]){2, 3, 4}); }
static wg_tensor *f_sum_to(wg_ctx *c, wg_tensor **x) { return wg_sum_to(c, x[0], 2, (int[]){3, 1}); }
static wg_tensor *f_reshape(wg_ctx *c, wg_tensor **x) { return wg_reshape(c, x[0], 2, (int[]){-1, 6}); }
static wg_tensor *f_slice(wg_ctx *c, wg_tensor **x) { return wg_slice(c, x[0], 1, 1, 2); }
static wg_tensor *f_slice_adjoint(wg_ctx *c, wg_tensor **x) { return wg_slice_adjoint(c, x[0], 2, 1, 5); }
static wg_tensor *f_crop(wg_ctx *c, wg_tensor **x) { return wg_crop(c, x[0], 0, 1, 3, 2); }
static wg_tensor *f_concat(wg_ctx *c, wg_tensor **x) { return wg_concat(c, x[0], x[1], 1); }
static wg_tensor *f_transpose(wg_ctx *c, wg_tensor **x) { return wg_transpose(c, x[0]); }
static wg_tensor *f_mm(wg_ctx *c, wg_tensor **x) { return wg_matmul(c, x[0], x[1], 0, 0); }
static wg_tensor *f_mm_ta(wg_ctx *c, wg_tensor **x) { return wg_matmul(c, x[0], x[1], 1, 0); }
static wg_tensor *f_mm_tb(wg_ctx *c, wg_tensor **x) { return wg_matmul(c, x[0], x[1], 0, 1); }
static wg_tensor *f_mm_tab(wg_ctx *c, wg_tensor **x) { return wg_matmul(c, x[0], x[1], 1, 1); }
static wg_tensor *f_conv_sym(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_sym(1, 1);
  return wg_conv2d(c, x[0], x[1], &o);
}
/* A layer's bias over its own output: a Linear's, a convolution's. */
static wg_tensor *f_mm_bias(wg_ctx *c, wg_tensor **x) { return wg_add_bias_over(c, f_mm(c, x), x[2]); }
static wg_tensor *f_conv_bias(wg_ctx *c, wg_tensor **x) { return wg_add_bias_over(c, f_conv_sym(c, x), x[2]); }
static wg_tensor *f_conv_same(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(7, 5, 2); /* pads (2, 2)... */
  return wg_conv2d(c, x[0], x[1], &o);
}
static wg_tensor *f_conv_same_asym(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(6, 5, 2); /* pads (1, 2): TensorFlow's asymmetric SAME */
  return wg_conv2d(c, x[0], x[1], &o);
}
static wg_tensor *f_conv_bwd_data(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(6, 5, 2);
  return wg_conv2d_bwd_data(c, x[0], x[1], &o, 6, 6);
}
static wg_tensor *f_conv_bwd_weight(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(6, 5, 2);
  return wg_conv2d_bwd_weight(c, x[0], x[1], &o, 5, 5);
}
static wg_tensor *f_conv_transpose(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_sym(2, 1);
  o.out_pad[0] = o.out_pad[1] = 1;
  return wg_conv_transpose2d(c, x[0], x[1], &o);
}
static wg_tensor *f_conv_transpose_same(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(8, 5, 2); /* the adjoint of the SAME conv 8 -> 4 */
  return wg_conv_transpose2d(c, x[0], x[1], &o);
}

/* ---- the references, from each op's definition ---- */

/* Element i (one index per axis) of input k, row-major. */
static double val(const op_case *c, double *const *x, int k, const int *i) {
  const int *s = c->shape[k];
  int64_t j = 0;
  for (int d = 0; d < s[0]; d++) j = j * s[1 + d] + i[d];
  return x[k][j];
}

/* Input k at output index o under numpy broadcasting: trailing axes
 * aligned, an axis of size 1 repeated. */
static double at(const op_case *c, double *const *x, int k, const int *o) {
  const int *s = c->shape[k];
  int i[4];
  for (int d = 0; d < s[0]; d++) i[d] = s[1 + d] == 1 ? 0 : o[d + c->out[0] - s[0]];
  return val(c, x, k, i);
}

#define ELEMENTWISE(name, expr)                                         \
  static double name(const op_case *c, double *const *x, const int *o) { \
    const double a = at(c, x, 0, o), b = c->n_in > 1 ? at(c, x, 1, o) : 0; \
    (void)b;                                                            \
    return expr;                                                        \
  }
ELEMENTWISE(r_add, a + b)
ELEMENTWISE(r_sub, a - b)
ELEMENTWISE(r_mul, a * b)
ELEMENTWISE(r_div, a / b)
ELEMENTWISE(r_add_scalar, a + 0.7f)
ELEMENTWISE(r_mul_scalar, a * -1.3f)
ELEMENTWISE(r_neg, -a)
ELEMENTWISE(r_exp, exp(a))
ELEMENTWISE(r_log, log(a))
ELEMENTWISE(r_sqrt, sqrt(a))
ELEMENTWISE(r_square, a * a)
ELEMENTWISE(r_pow, pow(a, 2.5))
ELEMENTWISE(r_abs, fabs(a))
ELEMENTWISE(r_relu, a > 0 ? a : 0)
ELEMENTWISE(r_leaky, a > 0 ? a : 0.2f * a)
ELEMENTWISE(r_tanh, tanh(a))
ELEMENTWISE(r_sigmoid, 1 / (1 + exp(-a)))
ELEMENTWISE(r_softplus, log(1 + exp(a)))
ELEMENTWISE(r_log_sigmoid, -log(1 + exp(-a)))
ELEMENTWISE(r_expand, a)

static double r_sum(const op_case *c, double *const *x, const int *o) {
  (void)o;
  double s = 0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 4; k++) s += val(c, x, 0, (int[]){i, j, k});
  return s;
}
static double r_mean(const op_case *c, double *const *x, const int *o) { return r_sum(c, x, o) / 24; }
/* [2, 3, 4] over axes 0 and 2 (sum_axes 0x5, and sum_to [3, 1]). */
static double r_sum_02(const op_case *c, double *const *x, const int *o) {
  double s = 0;
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 4; k++) s += val(c, x, 0, (int[]){i, o[0], k});
  return s;
}
static double r_mean_axes(const op_case *c, double *const *x, const int *o) {
  double s = 0;
  for (int j = 0; j < 3; j++) s += val(c, x, 0, (int[]){o[0], j, o[2]});
  return s / 3;
}
static double r_reshape(const op_case *c, double *const *x, const int *o) {
  (void)c;
  return x[0][o[0] * 6 + o[1]];
}
static double r_slice(const op_case *c, double *const *x, const int *o) {
  return val(c, x, 0, (int[]){o[0], o[1] + 1, o[2]});
}
static double r_slice_adjoint(const op_case *c, double *const *x, const int *o) {
  return o[2] >= 1 && o[2] < 4 ? val(c, x, 0, (int[]){o[0], o[1], o[2] - 1}) : 0;
}
static double r_crop(const op_case *c, double *const *x, const int *o) {
  return val(c, x, 0, (int[]){o[0], o[1], o[2], o[3] + 1});
}
static double r_concat(const op_case *c, double *const *x, const int *o) {
  return o[1] < 2 ? val(c, x, 0, o) : val(c, x, 1, (int[]){o[0], o[1] - 2, o[2]});
}
static double r_transpose(const op_case *c, double *const *x, const int *o) {
  return val(c, x, 0, (int[]){o[1], o[0]});
}
/* op(a) @ op(b), the inner size 4. */
static double matmul(const op_case *c, double *const *x, const int *o, int ta, int tb) {
  double s = 0;
  for (int k = 0; k < 4; k++)
    s += val(c, x, 0, ta ? (int[]){k, o[0]} : (int[]){o[0], k}) *
         val(c, x, 1, tb ? (int[]){o[1], k} : (int[]){k, o[1]});
  return s;
}
static double r_mm(const op_case *c, double *const *x, const int *o) { return matmul(c, x, o, 0, 0); }
static double r_mm_ta(const op_case *c, double *const *x, const int *o) { return matmul(c, x, o, 1, 0); }
static double r_mm_tb(const op_case *c, double *const *x, const int *o) { return matmul(c, x, o, 0, 1); }
static double r_mm_tab(const op_case *c, double *const *x, const int *o) { return matmul(c, x, o, 1, 1); }

/* y[n, oc, oy, ox] = sum over c, ky, kx of x[n, c, oy s - top + ky, ox s - left + kx] w[oc, c, ky, kx],
 * outside the input zero. */
static double conv(const op_case *c, double *const *x, const int *o, int s, int top, int left) {
  const int *xs = c->shape[0], *ws = c->shape[1];
  double sum = 0;
  for (int ch = 0; ch < xs[2]; ch++)
    for (int ky = 0; ky < ws[3]; ky++)
      for (int kx = 0; kx < ws[4]; kx++) {
        const int iy = o[2] * s - top + ky, ix = o[3] * s - left + kx;
        if (iy >= 0 && iy < xs[3] && ix >= 0 && ix < xs[4])
          sum += val(c, x, 0, (int[]){o[0], ch, iy, ix}) * val(c, x, 1, (int[]){o[1], ch, ky, kx});
      }
  return sum;
}
static double r_conv_sym(const op_case *c, double *const *x, const int *o) { return conv(c, x, o, 1, 1, 1); }
/* y[n, f] + b[f]; y[n, c, i, j] + b[0, c, 0, 0] */
static double r_mm_bias(const op_case *c, double *const *x, const int *o) { return r_mm(c, x, o) + x[2][o[1]]; }
static double r_conv_bias(const op_case *c, double *const *x, const int *o) { return r_conv_sym(c, x, o) + x[2][o[1]]; }
/* SAME for 7, k 5, s 2: 4 outputs, pads 2 and 2; for 6: 3 outputs, pads 1 and 2. */
static double r_conv_same(const op_case *c, double *const *x, const int *o) { return conv(c, x, o, 2, 2, 2); }
static double r_conv_same_asym(const op_case *c, double *const *x, const int *o) { return conv(c, x, o, 2, 1, 1); }

/* The transpose of conv: each input pixel x[n, i, iy, ix] spreads
 * w[i, j, ky, kx] onto output (iy s - top + ky, ix s - left + kx) of
 * channel j. So y[n, j, oy, ox] sums over i and the ky, kx that reach it. */
static double conv_t(const op_case *c, double *const *x, const int *o, int s, int top, int left) {
  const int *xs = c->shape[0], *ws = c->shape[1];
  double sum = 0;
  for (int i = 0; i < xs[2]; i++)
    for (int ky = 0; ky < ws[3]; ky++)
      for (int kx = 0; kx < ws[4]; kx++) {
        const int ty = o[2] + top - ky, tx = o[3] + left - kx;
        if (ty < 0 || tx < 0 || ty % s || tx % s || ty / s >= xs[3] || tx / s >= xs[4]) continue;
        sum += val(c, x, 0, (int[]){o[0], i, ty / s, tx / s}) * val(c, x, 1, (int[]){i, o[1], ky, kx});
      }
  return sum;
}
/* Stride 2, top and left pad 1: bwd_data of SAME for 6 (pads 1 and 2), the
 * transpose of wg_conv_opts_sym(2, 1), and of SAME for 8 (pads 1 and 2). */
static double r_conv_t(const op_case *c, double *const *x, const int *o) { return conv_t(c, x, o, 2, 1, 1); }
/* dw[oc, c, ky, kx] = sum over n, oy, ox of x[n, c, 2 oy - 1 + ky, 2 ox - 1 + kx] dy[n, oc, oy, ox]. */
static double r_conv_bwd_weight(const op_case *c, double *const *x, const int *o) {
  const int *xs = c->shape[0], *ds = c->shape[1];
  double sum = 0;
  for (int n = 0; n < xs[1]; n++)
    for (int oy = 0; oy < ds[3]; oy++)
      for (int ox = 0; ox < ds[4]; ox++) {
        const int iy = 2 * oy - 1 + o[2], ix = 2 * ox - 1 + o[3];
        if (iy >= 0 && iy < xs[3] && ix >= 0 && ix < xs[4])
          sum += val(c, x, 0, (int[]){n, o[1], iy, ix}) * val(c, x, 1, (int[]){n, o[0], oy, ox});
      }
  return sum;
}

#define S0 {0}
#define S1(a) {1, a}
#define S2(a, b) {2, a, b}
#define S3(a, b, c) {3, a, b, c}
#define S4(a, b, c, d) {4, a, b, c, d}

static const op_case cases[] = {
    {"add", f_add, 2, {S3(2, 3, 4), S2(3, 1)}, -2, 2, 0, 1e-2, S3(2, 3, 4), r_add},
    {"sub", f_sub, 2, {S2(3, 1), S3(2, 3, 4)}, -2, 2, 0, 1e-2, S3(2, 3, 4), r_sub},
    {"mul", f_mul, 2, {S3(2, 3, 4), S1(4)}, -2, 2, 0, 1e-2, S3(2, 3, 4), r_mul},
    {"div", f_div, 2, {S3(2, 3, 4), S3(2, 1, 4)}, -2, 2, 0.5f, 2e-2, S3(2, 3, 4), r_div},
    {"add_scalar", f_add_scalar, 1, {S2(3, 4)}, -2, 2, 0, 1e-2, S2(3, 4), r_add_scalar},
    {"mul_scalar", f_mul_scalar, 1, {S2(3, 4)}, -2, 2, 0, 1e-2, S2(3, 4), r_mul_scalar},
    {"neg", f_neg, 1, {S2(3, 4)}, -2, 2, 0, 1e-2, S2(3, 4), r_neg},
    {"exp", f_exp, 1, {S2(3, 4)}, -1.5f, 1.5f, 0, 1e-2, S2(3, 4), r_exp},
    {"log", f_log, 1, {S2(3, 4)}, 0.5f, 3, 0, 1e-2, S2(3, 4), r_log},
    {"sqrt", f_sqrt, 1, {S2(3, 4)}, 0.5f, 3, 0, 1e-2, S2(3, 4), r_sqrt},
    {"square", f_square, 1, {S2(3, 4)}, -2, 2, 0, 1e-2, S2(3, 4), r_square},
    {"pow", f_pow, 1, {S2(3, 4)}, 0.5f, 2, 0, 1e-2, S2(3, 4), r_pow},
    {"abs", f_abs, 1, {S2(3, 4)}, -2, 2, 0.2f, 1e-2, S2(3, 4), r_abs},
    {"relu", f_relu, 1, {S2(3, 4)}, -2, 2, 0.2f, 1e-2, S2(3, 4), r_relu},
    {"leaky_relu", f_leaky, 1, {S2(3, 4)}, -2, 2, 0.2f, 1e-2, S2(3, 4), r_leaky},
    {"tanh", f_tanh, 1, {S2(3, 4)}, -2, 2, 0, 1e-2, S2(3, 4), r_tanh},
    {"sigmoid", f_sigmoid, 1, {S2(3, 4)}, -3, 3, 0, 1e-2, S2(3, 4), r_sigmoid},
    {"softplus", f_softplus, 1, {S2(3, 4)}, -3, 3, 0, 1e-2, S2(3, 4), r_softplus},
    {"log_sigmoid", f_log_sigmoid, 1, {S2(3, 4)}, -3, 3, 0, 1e-2, S2(3, 4), r_log_sigmoid},
    {"sum", f_sum, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S0, r_sum},
    {"mean", f_mean, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S0, r_mean},
    {"sum_axes", f_sum_axes, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S1(3), r_sum_02},
    {"mean_axes", f_mean_axes, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S3(2, 1, 4), r_mean_axes},
    {"expand", f_expand, 1, {S2(3, 1)}, -1, 1, 0, 1e-2, S3(2, 3, 4), r_expand},
    {"sum_to", f_sum_to, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S2(3, 1), r_sum_02},
    {"reshape", f_reshape, 1, {S3(2, 3, 4)}, -1, 1, 0, 1e-2, S2(4, 6), r_reshape},
    {"slice", f_slice, 1, {S3(2, 4, 3)}, -1, 1, 0, 1e-2, S3(2, 2, 3), r_slice},
    {"slice_adjoint", f_slice_adjoint, 1, {S3(2, 2, 3)}, -1, 1, 0, 1e-2, S3(2, 2, 5), r_slice_adjoint},
    {"crop", f_crop, 1, {S4(2, 2, 4, 4)}, -1, 1, 0, 1e-2, S4(2, 2, 3, 2), r_crop},
    {"concat", f_concat, 2, {S3(2, 2, 3), S3(2, 3, 3)}, -1, 1, 0, 1e-2, S3(2, 5, 3), r_concat},
    {"transpose", f_transpose, 1, {S2(3, 5)}, -1, 1, 0, 1e-2, S2(5, 3), r_transpose},
    {"matmul", f_mm, 2, {S2(3, 4), S2(4, 5)}, -1, 1, 0, 1e-2, S2(3, 5), r_mm},
    {"matmul_ta", f_mm_ta, 2, {S2(4, 3), S2(4, 5)}, -1, 1, 0, 1e-2, S2(3, 5), r_mm_ta},
    {"matmul_tb", f_mm_tb, 2, {S2(3, 4), S2(5, 4)}, -1, 1, 0, 1e-2, S2(3, 5), r_mm_tb},
    {"matmul_tab", f_mm_tab, 2, {S2(4, 3), S2(5, 4)}, -1, 1, 0, 1e-2, S2(3, 5), r_mm_tab},
    {"conv2d_sym", f_conv_sym, 2, {S4(2, 2, 5, 4), S4(3, 2, 3, 3)}, -1, 1, 0, 1e-2, S4(2, 3, 5, 4), r_conv_sym},
    {"matmul_bias", f_mm_bias, 3, {S2(3, 4), S2(4, 5), S1(5)}, -1, 1, 0, 1e-2, S2(3, 5), r_mm_bias},
    {"conv2d_bias", f_conv_bias, 3, {S4(2, 2, 5, 4), S4(3, 2, 3, 3), S4(1, 3, 1, 1)}, -1, 1, 0, 1e-2, S4(2, 3, 5, 4),
     r_conv_bias},
    {"conv2d_same", f_conv_same, 2, {S4(2, 2, 7, 7), S4(3, 2, 5, 5)}, -1, 1, 0, 1e-2, S4(2, 3, 4, 4), r_conv_same},
    {"conv2d_same_asym", f_conv_same_asym, 2, {S4(2, 2, 6, 6), S4(3, 2, 5, 5)}, -1, 1, 0, 1e-2,
     S4(2, 3, 3, 3), r_conv_same_asym},
    {"conv2d_bwd_data", f_conv_bwd_data, 2, {S4(2, 3, 3, 3), S4(3, 2, 5, 5)}, -1, 1, 0, 1e-2,
     S4(2, 2, 6, 6), r_conv_t},
    {"conv2d_bwd_weight", f_conv_bwd_weight, 2, {S4(2, 2, 6, 6), S4(2, 3, 3, 3)}, -1, 1, 0, 1e-2,
     S4(3, 2, 5, 5), r_conv_bwd_weight},
    {"conv_transpose2d", f_conv_transpose, 2, {S4(2, 3, 3, 3), S4(3, 2, 4, 4)}, -1, 1, 0, 1e-2,
     S4(2, 2, 7, 7), r_conv_t},
    {"conv_transpose2d_same", f_conv_transpose_same, 2, {S4(2, 3, 4, 4), S4(3, 2, 5, 5)}, -1, 1, 0, 1e-2,
     S4(2, 2, 8, 8), r_conv_t},
};

/* ---- the checker ---- */

typedef struct {
  const op_case *c;
  wg_ctx *ctx;
  float *x[MAX_IN];      /* the inputs' values, perturbed in place */
  int64_t n[MAX_IN];
  float *v;              /* weights of L over the output */
  float *w[MAX_IN];      /* directions of h over the gradient */
} problem;

static wg_tensor *leaf(problem *p, int k) {
  const int *s = p->c->shape[k];
  wg_tensor *t = wg_from_data(p->ctx, p->x[k], s[0], s + 1);
  t->requires_grad = 1;
  return t;
}

/* L = sum(v * y^2) as a recorded expression; *y_out receives y. */
static wg_tensor *loss(problem *p, wg_tensor **in) {
  wg_tensor *y = p->c->f(p->ctx, in);
  if (!y) return NULL;
  wg_tensor *v = wg_from_data(p->ctx, p->v, y->ndim, y->shape);
  return wg_sum(p->ctx, wg_mul(p->ctx, v, wg_square(p->ctx, y)));
}

static double value_L(problem *p) {
  wg_ctx_reset(p->ctx);
  wg_tensor *in[MAX_IN];
  for (int k = 0; k < p->c->n_in; k++) in[k] = leaf(p, k);
  wg_tensor *L = loss(p, in);
  return L ? L->data[0] : NAN;
}

/* h = sum_k <w_k, dL/dx_k>; with create_graph also its gradients into hg. */
static double value_h(problem *p, float **hg) {
  wg_ctx_reset(p->ctx);
  wg_tensor *in[MAX_IN], *g[MAX_IN];
  for (int k = 0; k < p->c->n_in; k++) in[k] = leaf(p, k);
  wg_tensor *L = loss(p, in);
  if (wg_grad(p->ctx, 1, &L, NULL, p->c->n_in, in, g, hg != NULL) != WG_OK) return NAN;
  wg_tensor *h = NULL;
  for (int k = 0; k < p->c->n_in; k++) {
    wg_tensor *w = wg_from_data(p->ctx, p->w[k], g[k]->ndim, g[k]->shape);
    wg_tensor *term = wg_sum(p->ctx, wg_mul(p->ctx, w, g[k]));
    h = h ? wg_add(p->ctx, h, term) : term;
  }
  double value = h->data[0];
  if (hg) {
    wg_tensor *hgrad[MAX_IN];
    if (wg_grad(p->ctx, 1, &h, NULL, p->c->n_in, in, hgrad, 0) != WG_OK) return NAN;
    for (int k = 0; k < p->c->n_in; k++) memcpy(hg[k], hgrad[k]->data, sizeof(float) * (size_t)p->n[k]);
  }
  return value;
}

/* The analytic first-order gradients into g. */
static int grad_L(problem *p, float **g) {
  wg_ctx_reset(p->ctx);
  wg_tensor *in[MAX_IN], *gt[MAX_IN];
  for (int k = 0; k < p->c->n_in; k++) in[k] = leaf(p, k);
  wg_tensor *L = loss(p, in);
  if (wg_grad(p->ctx, 1, &L, NULL, p->c->n_in, in, gt, 0) != WG_OK) return -1;
  for (int k = 0; k < p->c->n_in; k++) memcpy(g[k], gt[k]->data, sizeof(float) * (size_t)p->n[k]);
  return 0;
}

static float draw(const op_case *c) {
  for (;;) {
    float x = (float)(c->lo + (c->hi - c->lo) * wg_rng_uniform(&rng));
    if (fabsf(x) >= c->gap) return x;
  }
}

/* Central difference of L (or h) along element i of input k, step eps. */
static double central(problem *p, int k, int64_t i, double eps, int second_order, double *fmag) {
  float saved = p->x[k][i];
  p->x[k][i] = saved + (float)eps;
  double up = second_order ? value_h(p, NULL) : value_L(p);
  p->x[k][i] = saved - (float)eps;
  double down = second_order ? value_h(p, NULL) : value_L(p);
  p->x[k][i] = saved;
  *fmag = fmax(*fmag, fmax(fabs(up), fabs(down)));
  return (up - down) / (2 * eps);
}

/* Compares analytic derivatives a[k][i] against central differences of fn,
 * on every element of small inputs, a random subset of large ones. The
 * difference is taken with steps eps and eps/2; the slack allows twice what
 * the two disagree by (truncation, and rounding in float sums that cancel)
 * plus rounding of the function values, so that only a wrong derivative
 * fails: the two differences then agree with each other, not with it. */
static void compare(problem *p, float **a, int second_order) {
  const op_case *c = p->c;
  const double eps = 1e-2;
  double scale = 0;
  for (int k = 0; k < c->n_in; k++)
    for (int64_t i = 0; i < p->n[k]; i++) scale = fmax(scale, fabs(a[k][i]));
  int reported = 0;
  for (int k = 0; k < c->n_in; k++) {
    for (int j = 0; j < MAX_CHECKED && j < p->n[k]; j++) {
      int64_t i = p->n[k] <= MAX_CHECKED ? j : (int64_t)wg_rng_below(&rng, (uint64_t)p->n[k]);
      double fmag = 0;
      double d1 = central(p, k, i, eps, second_order, &fmag);
      double d2 = central(p, k, i, eps / 2, second_order, &fmag);
      double fd = d2, an = a[k][i];
      double rounding = 16 * FLT_EPSILON * fmag / eps;
      double err = fabs(fd - an);
      double allowed = c->tol * (fabs(an) + 0.05 * scale + 1e-3) + 2 * fabs(d2 - d1) + rounding;
      if (!(err <= allowed) && reported++ < 3)
        CHECK(err <= allowed, "%s: %s derivative, input %d element %lld: analytic %.6g, finite difference %.6g (step eps: %.6g)", c->name,
              second_order ? "second" : "first", k, (long long)i, an, fd, d1);
    }
  }
}

/* The op's output y on the problem's inputs against its reference. */
static void check_forward(const problem *p, const wg_tensor *y) {
  const op_case *c = p->c;
  char buf[64];
  int same = y->ndim == c->out[0];
  for (int d = 0; same && d < y->ndim; d++) same = y->shape[d] == c->out[1 + d];
  CHECK(same, "%s: output of shape %s", c->name, wg_shape_str(y, buf, sizeof buf));
  if (!same) return;
  double *x[MAX_IN];
  for (int k = 0; k < c->n_in; k++) {
    x[k] = malloc(sizeof(double) * (size_t)p->n[k]);
    for (int64_t i = 0; i < p->n[k]; i++) x[k][i] = p->x[k][i];
  }
  int reported = 0;
  for (int64_t j = 0; j < y->numel; j++) {
    int o[4];
    for (int64_t d = y->ndim - 1, rest = j; d >= 0; rest /= y->shape[d], d--) o[d] = (int)(rest % y->shape[d]);
    const double want = c->ref(c, x, o), err = fabs(y->data[j] - want);
    if (!(err <= 1e-5 + 1e-5 * fabs(want)) && reported++ < 3)
      CHECK(err <= 1e-5 + 1e-5 * fabs(want), "%s: output %lld is %.8g, expected %.8g", c->name, (long long)j,
            y->data[j], want);
  }
  for (int k = 0; k < c->n_in; k++) free(x[k]);
}

static void check_case(const op_case *c) {
  problem p = {.c = c, .ctx = wg_ctx_new(1 << 20)};
  float *g[MAX_IN], *hg[MAX_IN];
  for (int k = 0; k < c->n_in; k++) {
    p.n[k] = 1;
    for (int d = 0; d < c->shape[k][0]; d++) p.n[k] *= c->shape[k][1 + d];
    p.x[k] = malloc(sizeof(float) * (size_t)p.n[k]);
    p.w[k] = malloc(sizeof(float) * (size_t)p.n[k]);
    g[k] = malloc(sizeof(float) * (size_t)p.n[k]);
    hg[k] = malloc(sizeof(float) * (size_t)p.n[k]);
    for (int64_t i = 0; i < p.n[k]; i++) p.x[k][i] = draw(c);
    wg_rng_fill_uniform(&rng, p.w[k], (size_t)p.n[k], -1, 1);
  }
  /* v needs the output's size: run the op once. */
  wg_tensor *in[MAX_IN];
  for (int k = 0; k < c->n_in; k++) in[k] = leaf(&p, k);
  wg_tensor *y = c->f(p.ctx, in);
  CHECK(y != NULL, "%s failed: %s", c->name, wg_last_error());
  if (y && c->ref) check_forward(&p, y);
  if (y) {
    p.v = malloc(sizeof(float) * (size_t)y->numel);
    wg_rng_fill_uniform(&rng, p.v, (size_t)y->numel, -1, 1);
    CHECK(grad_L(&p, g) == 0, "%s: wg_grad failed: %s", c->name, wg_last_error());
    compare(&p, g, 0);
    CHECK(!isnan(value_h(&p, hg)), "%s: second-order wg_grad failed: %s", c->name, wg_last_error());
    compare(&p, hg, 1);
    free(p.v);
  }
  for (int k = 0; k < c->n_in; k++) free(p.x[k]), free(p.w[k]), free(g[k]), free(hg[k]);
  wg_ctx_free(p.ctx);
}

/* The same checks through a chain of ops, so gradients flow across nodes. The
 * 0.25 keeps tanh out of saturation: there float's resolution of y near ±1
 * turns 1 - y^2 into a staircase that finite differences cannot follow. */
static wg_tensor *f_chain(wg_ctx *c, wg_tensor **x) {
  wg_conv_opts o = wg_conv_opts_same(6, 3, 2);
  wg_tensor *h = wg_softplus(c, wg_conv2d(c, x[0], x[1], &o));
  h = wg_reshape(c, h, 2, (int[]){2, -1});
  return wg_tanh(c, wg_mul_scalar(c, wg_matmul(c, h, x[2], 0, 0), 0.25f));
}

static void chain_first_and_second_order(void) {
  /* Gradients only: the ops' values are checked one by one above. */
  op_case c = {"chain", f_chain, 3, {S4(2, 2, 6, 6), S4(3, 2, 3, 3), S2(27, 2)}, -1, 1, 0, 2e-2, S0, NULL};
  check_case(&c);
}

/* The constants of the backward rules: sign in {-1, 0, 1}; slope(a, lo, hi)
 * is hi where a > 0, else lo (zero included). */
static void forward_sign_and_slope(void) {
  wg_ctx *ctx = wg_ctx_new(0);
  float x[12];
  wg_rng_fill_uniform(&rng, x, 12, -2, 2);
  x[5] = 0;
  wg_tensor *t = wg_from_data(ctx, x, 2, (int[]){3, 4});
  wg_tensor *sign = wg_sign(ctx, t), *slope = wg_slope(ctx, t, 0.2f, 1.5f);
  CHECK(sign && slope && sign->numel == 12 && slope->numel == 12, "%s", wg_last_error());
  for (int i = 0; sign && slope && i < 12; i++) {
    CHECK(sign->data[i] == (x[i] > 0) - (x[i] < 0), "sign(%g) = %g", x[i], sign->data[i]);
    CHECK(slope->data[i] == (x[i] > 0 ? 1.5f : 0.2f), "slope(%g) = %g", x[i], slope->data[i]);
  }
  wg_ctx_free(ctx);
}

/* wg_backward hands a weight's gradient back to the arena once it is in the
 * weight's buffer: ten passes over one tape need the memory of one (each would
 * otherwise add the 1 MiB gradient), and the buffer holds ten gradients. */
static void buffered_gradients_hand_back_memory(void) {
  enum { R = 4, K = 512 };
  static float w[K * K], dw[K * K];
  wg_rng_fill_uniform(&rng, w, K * K, -1, 1);
  memset(dw, 0, sizeof dw);
  wg_tensor W;
  wg_tensor_leaf(&W, w, dw, 2, (int[]){K, K}, 1);
  wg_ctx *ctx = wg_ctx_new(16 << 20); /* one chunk for all ten passes: growth would blur the peak */
  wg_tensor *x = wg_full(ctx, 2, (int[]){R, K}, 0.5f);
  wg_tensor *loss = wg_sum(ctx, wg_matmul(ctx, x, &W, 0, 0));
  CHECK(loss && wg_backward(ctx, loss) == WG_OK, "%s", wg_last_error());
  const size_t one = wg_ctx_peak_bytes(ctx);
  for (int pass = 1; pass < 10; pass++) CHECK(wg_backward(ctx, loss) == WG_OK, "%s", wg_last_error());
  CHECK(wg_ctx_peak_bytes(ctx) < one + sizeof(float) * K * K / 2, "arena peak %zu bytes after one pass, %zu after ten",
        one, wg_ctx_peak_bytes(ctx));
  /* d sum(x W) / dW[k][j] = sum over rows of x[r][k] = R / 2, ten times */
  CHECK(dw[0] == 10 * R * 0.5f && dw[K * K - 1] == 10 * R * 0.5f, "dW %g, %g", dw[0], dw[K * K - 1]);
  wg_ctx_free(ctx);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  wg_set_threads(1);
  char name[64];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(name, sizeof name, "op_%s", cases[i].name);
    RUN_AS(name, check_case(&cases[i]));
  }
  RUN(chain_first_and_second_order);
  RUN(forward_sign_and_slope);
  RUN(buffered_gradients_hand_back_memory);
  CHECK_EXIT();
}
