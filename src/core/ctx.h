/* Internal: the context (arena + tape), tape nodes, and the helpers every op uses. */
#ifndef WGAN_CORE_CTX_H
#define WGAN_CORE_CTX_H
#include "core/arena.h"
#include "core/error.h"
#include "wgan/tensor.h"

/* Computes the gradients of a node's inputs from the gradient of its output,
 * with ops (so they are recorded when the context records). gin[k] is left
 * NULL where need[k] is 0. */
typedef void (*wg_backward_fn)(wg_ctx *ctx, const wg_node *node, wg_tensor *gout,
                               wg_tensor **gin, const int *need);

enum { WG_NODE_MAX_IN = 3 };

struct wg_node {
  const char *op;
  wg_backward_fn backward;
  int n_in;
  wg_tensor *in[WG_NODE_MAX_IN];
  wg_tensor *out;
  float f[2];         /* scalar arguments (alpha, exponent...) */
  int iarg[4];        /* integer arguments (axis, sizes...) */
  wg_conv_opts conv;  /* convolution geometry */
  wg_tensor *aux;     /* read by the rule, not differentiated (a piecewise-constant dependence) */
  /* Scratch of the wg_grad() pass walking the tape: */
  int marked;         /* out depends on one of the pass's targets */
  wg_tensor *acc;     /* out's gradient accumulated so far */
};

struct wg_ctx {
  wg_arena arena;
  int recording;
  wg_node **tape;  /* nodes in creation order */
  int n_tape, cap_tape;
  wg_precision precision; /* of the matrix products and convolutions */
  void *scratch;   /* kernel workspace, reused by every call (outside the arena) */
  size_t scratch_bytes;
};

/* Workspace of at least bytes (64-byte aligned) valid until the next call;
 * it only grows, so a steady loop allocates it once. NULL (ENOMEM) on failure. */
void *wg_ctx_scratch(wg_ctx *ctx, size_t bytes);

/* An uninitialised tensor of the given shape in the arena, NULL (ENOMEM) on failure. */
wg_tensor *wg_new_tensor(wg_ctx *ctx, int ndim, const int *shape);
/* Same shape as t. */
wg_tensor *wg_new_like(wg_ctx *ctx, const wg_tensor *t);

/* Appends a node that made out from inputs when recording and any input
 * requires a gradient, and marks out as requiring one; the op then fills in
 * out->node's arguments. Returns -1 when memory ran out, else 0. */
int wg_record(wg_ctx *ctx, wg_tensor *out, const char *op, wg_backward_fn backward,
              int n_in, wg_tensor *const *inputs);

#endif
