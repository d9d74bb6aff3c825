/* Tensors, the arena context, differentiable ops and reverse-mode autodiff.
 *
 * A tensor is a contiguous row-major float32 array with up to 4 dimensions
 * (NCHW for images). Ops run at once. When the context records (the default)
 * and an input requires a gradient, the op appends a node to the context's
 * tape. wg_grad() walks the tape back; with create_graph the backward rules
 * are computed with the same recorded ops, so the gradients can be
 * differentiated again (this is how the WGAN-GP penalty gets its exact
 * gradient).
 *
 * Memory: every tensor an op returns, and every tape node, lives in the
 * context's arena until wg_ctx_reset(). Leaves over caller-owned memory
 * (parameters, data batches) are made with wg_tensor_leaf().
 *
 * Errors: an op given a NULL input returns NULL without touching the error
 * message, so a chain of ops can be checked once at its end; an op given a
 * bad shape or argument returns NULL and leaves a message for
 * wg_last_error(). */
#ifndef WGAN_TENSOR_H
#define WGAN_TENSOR_H
#include "wgan/base.h"

#define WG_MAX_DIMS 4

typedef struct wg_node wg_node;
typedef struct wg_ctx wg_ctx;

typedef struct wg_tensor {
  float *data;              /* [numel], contiguous */
  int64_t numel;
  int ndim;
  int shape[WG_MAX_DIMS];
  int requires_grad;        /* a leaf to differentiate by, or derived from one */
  float *grad;              /* leaves only: where wg_backward() accumulates */
  wg_node *node;            /* the op that made it; NULL for leaves and constants */
} wg_tensor;

/* ---- context (arena + tape) ---- */

/* arena_bytes: the first chunk's size (it grows when needed; after a reset
 * the chunks are merged so a steady loop stops allocating). */
wg_ctx *wg_ctx_new(size_t arena_bytes);
void wg_ctx_free(wg_ctx *ctx);
/* Frees every tensor and node made since the last reset. */
void wg_ctx_reset(wg_ctx *ctx);
/* A point of the context to come back to: wg_ctx_rewind frees every tensor
 * and node made since the mark (those made before stay valid), so one step
 * can run passes one after another in the memory of the largest. */
typedef struct {
  void *chunk;
  size_t chunk_used, used;
  int n_tape;
} wg_ctx_mark;
wg_ctx_mark wg_ctx_mark_now(const wg_ctx *ctx);
void wg_ctx_rewind(wg_ctx *ctx, wg_ctx_mark m);
/* The arithmetic of a context's matrix products and convolutions (every
 * other op, and every tensor, is float). WG_PRECISION_BF16: their inputs are
 * rounded to bfloat16, the products accumulated and returned in float, as
 * mixed-precision training does; backward rules run in the same precision. */
typedef enum { WG_PRECISION_FP32, WG_PRECISION_BF16 } wg_precision;
/* WG_OK when this CPU can run p: bf16 needs native bfloat16 arithmetic
 * (AVX-512-BF16 or AMX, as oneDNN sees the CPU, capped by
 * ONEDNN_MAX_CPU_ISA); WG_EINVAL with a message otherwise. */
wg_status wg_precision_check(wg_precision p);
/* Sets it, after wg_precision_check; on failure the context is unchanged. */
wg_status wg_ctx_set_precision(wg_ctx *ctx, wg_precision p);
/* Turns recording on (1) or off (0); returns the previous setting. */
int wg_ctx_set_recording(wg_ctx *ctx, int on);
/* Peak arena bytes since creation. */
size_t wg_ctx_peak_bytes(const wg_ctx *ctx);
/* Raw scratch memory from the arena (aligned to 64 bytes), NULL on failure. */
void *wg_ctx_alloc(wg_ctx *ctx, size_t bytes);

/* ---- making tensors ---- */

/* Zero-filled tensor in the arena. */
wg_tensor *wg_zeros(wg_ctx *ctx, int ndim, const int *shape);
/* Uninitialised tensor in the arena. */
wg_tensor *wg_empty(wg_ctx *ctx, int ndim, const int *shape);
wg_tensor *wg_full(wg_ctx *ctx, int ndim, const int *shape, float value);
/* A copy of data [numel] in the arena. */
wg_tensor *wg_from_data(wg_ctx *ctx, const float *data, int ndim, const int *shape);
/* A 0-d (numel 1) constant. */
wg_tensor *wg_scalar(wg_ctx *ctx, float value);
/* Fills a caller-owned struct as a leaf over caller-owned data; grad may be
 * NULL. Returns WG_EINVAL for a bad shape. */
wg_status wg_tensor_leaf(wg_tensor *t, float *data, float *grad, int ndim,
                         const int *shape, int requires_grad);
/* A leaf in the arena over a copy of src's values, requiring a gradient
 * (an input to differentiate by, e.g. the interpolates of the penalty). */
wg_tensor *wg_detach_leaf(wg_ctx *ctx, const wg_tensor *src);
/* A copy of a's values with no history (a constant). */
wg_tensor *wg_detach(wg_ctx *ctx, const wg_tensor *a);

int wg_same_shape(const wg_tensor *a, const wg_tensor *b);
/* "[2, 3, 4]" into buf; returns buf. */
const char *wg_shape_str(const wg_tensor *t, char *buf, size_t size);

/* ---- elementwise, with numpy broadcasting for the binary ones ---- */

/* The shapes of most ops: one tensor in, or two. */
typedef wg_tensor *wg_unary_op(wg_ctx *ctx, wg_tensor *a);
typedef wg_tensor *wg_binary_op(wg_ctx *ctx, wg_tensor *a, wg_tensor *b);

wg_binary_op wg_add, wg_sub, wg_mul, wg_div;
wg_unary_op wg_neg, wg_exp, wg_log, wg_sqrt, wg_square, wg_abs, wg_relu, wg_tanh, wg_sigmoid;
/* softplus(a) = log(1 + e^a); log_sigmoid(a) = log(sigmoid(a)) = -softplus(-a). */
wg_unary_op wg_softplus, wg_log_sigmoid;
/* With a scalar: a + s, a s, a^p, and a where a > 0, else alpha a. */
wg_tensor *wg_add_scalar(wg_ctx *ctx, wg_tensor *a, float s);
wg_tensor *wg_mul_scalar(wg_ctx *ctx, wg_tensor *a, float s);
wg_tensor *wg_pow(wg_ctx *ctx, wg_tensor *a, float p);
wg_tensor *wg_leaky_relu(wg_ctx *ctx, wg_tensor *a, float alpha);
/* Constants (zero derivative almost everywhere), used by backward rules:
 * sign(a) in {-1, 0, 1}; slope(a, lo, hi) = hi where a > 0, else lo. */
wg_unary_op wg_sign;
wg_tensor *wg_slope(wg_ctx *ctx, wg_tensor *a, float lo, float hi);

/* ---- reductions and broadcasting ---- */

/* Sum or mean of all elements: a 0-d tensor. */
wg_tensor *wg_sum(wg_ctx *ctx, wg_tensor *a);
wg_tensor *wg_mean(wg_ctx *ctx, wg_tensor *a);
/* Over the axes whose bit is set in axis_mask (bit i = axis i); keepdim
 * keeps them as size 1. */
wg_tensor *wg_sum_axes(wg_ctx *ctx, wg_tensor *a, unsigned axis_mask, int keepdim);
wg_tensor *wg_mean_axes(wg_ctx *ctx, wg_tensor *a, unsigned axis_mask, int keepdim);
/* Broadcasts a to shape (numpy rules), and its adjoint: sums a down to shape. */
wg_tensor *wg_expand(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape);
wg_tensor *wg_sum_to(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape);

/* ---- shape ---- */

/* A view sharing a's data; one entry of shape may be -1 (inferred). */
wg_tensor *wg_reshape(wg_ctx *ctx, wg_tensor *a, int ndim, const int *shape);
/* Elements [start, start + len) along axis (a copy), and its adjoint: x
 * placed at start along axis in a zero tensor whose axis has size full. */
wg_tensor *wg_slice(wg_ctx *ctx, wg_tensor *a, int axis, int start, int len);
wg_tensor *wg_slice_adjoint(wg_ctx *ctx, wg_tensor *x, int axis, int start, int full);
/* Crop of an NCHW tensor to rows [top, top + h), columns [left, left + w). */
wg_tensor *wg_crop(wg_ctx *ctx, wg_tensor *a, int top, int left, int h, int w);
wg_tensor *wg_concat(wg_ctx *ctx, wg_tensor *a, wg_tensor *b, int axis);
/* 2-D transpose (a copy). */
wg_tensor *wg_transpose(wg_ctx *ctx, wg_tensor *a);

/* ---- linear algebra ---- */

/* op(a) @ op(b) for 2-D tensors, op = transpose when the flag is set
 * (cblas_sgemm). */
wg_tensor *wg_matmul(wg_ctx *ctx, wg_tensor *a, wg_tensor *b, int trans_a, int trans_b);

/* Convolution geometry. pad = {top, bottom, left, right}: asymmetric
 * padding reproduces TensorFlow "SAME". out_pad (transposed conv only)
 * adds rows/columns at the bottom/right of the output. */
typedef struct {
  int stride[2];   /* {h, w} */
  int pad[4];      /* {top, bottom, left, right} */
  int out_pad[2];  /* {h, w} */
} wg_conv_opts;

/* Symmetric padding p, stride s. */
wg_conv_opts wg_conv_opts_sym(int stride, int pad);
/* TensorFlow "SAME" for a square input of side in, kernel k, stride s:
 * out = ceil(in / s), total pad (out - 1) s + k - in, the smaller half first. */
wg_conv_opts wg_conv_opts_same(int in, int k, int stride);

/* y[N,OC,OH,OW] = conv(x[N,C,H,W], w[OC,C,KH,KW]) (cross-correlation, no bias). */
wg_tensor *wg_conv2d(wg_ctx *ctx, wg_tensor *x, wg_tensor *w, const wg_conv_opts *o);
/* The adjoint of wg_conv2d in x: dx[N,C,H,W] from dy[N,OC,OH,OW] and w;
 * (H, W) is the size of the forward input. */
wg_tensor *wg_conv2d_bwd_data(wg_ctx *ctx, wg_tensor *dy, wg_tensor *w,
                              const wg_conv_opts *o, int H, int W);
/* The adjoint of wg_conv2d in w: dw[OC,C,KH,KW] from x and dy. */
wg_tensor *wg_conv2d_bwd_weight(wg_ctx *ctx, wg_tensor *x, wg_tensor *dy,
                                const wg_conv_opts *o, int KH, int KW);
/* Transposed convolution (PyTorch's ConvTranspose2d, no bias):
 * y[N,OC,OH,OW] from x[N,C,H,W], w[C,OC,KH,KW],
 * OH = (H - 1) s - pad_top - pad_bottom + KH + out_pad. */
wg_tensor *wg_conv_transpose2d(wg_ctx *ctx, wg_tensor *x, wg_tensor *w, const wg_conv_opts *o);

/* ---- autodiff ---- */

/* Gradients of sum_k <grad_outputs[k], outputs[k]> with respect to inputs.
 * grad_outputs NULL means ones. grads_out[i] receives a new arena tensor
 * (zeros if inputs[i] does not reach the outputs). With create_graph the
 * results carry their own history and can be differentiated again.
 * Returns WG_OK or WG_EINVAL. */
wg_status wg_grad(wg_ctx *ctx, int n_out, wg_tensor *const *outputs,
                  wg_tensor *const *grad_outputs, int n_in, wg_tensor *const *inputs,
                  wg_tensor **grads_out, int create_graph);
/* Adds d(loss)/d(leaf) into leaf->grad for every leaf with a grad buffer
 * that loss depends on (loss must have numel 1). Records nothing. */
wg_status wg_backward(wg_ctx *ctx, wg_tensor *loss);

#endif
