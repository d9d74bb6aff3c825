/* Reverse-mode differentiation over the tape.
 *
 * A pass first marks every tensor that depends on a target (the inputs asked
 * for, or the leaves with a grad buffer), walking the tape forward; then it
 * walks the tape back from the outputs, calling each node's backward rule
 * only for the inputs that are marked. The rules are ops: with create_graph
 * they are recorded (appended to the tape, past the part being walked), so
 * the gradients can be differentiated again. */
#include <string.h>

#include "core/ctx.h"

/* Adds g into t's running gradient. */
static int accumulate(wg_ctx *ctx, wg_tensor *t, wg_tensor *g) {
  if (!g) return -1;
  if (!wg_same_shape(t, g)) {
    char st[64], sg[64];
    wg_set_error(WG_EINVAL, "internal: gradient of shape %s for a tensor of shape %s", wg_shape_str(g, sg, sizeof sg),
                 wg_shape_str(t, st, sizeof st));
    return -1;
  }
  t->acc = t->acc ? wg_add(ctx, t->acc, g) : g;
  return t->acc ? 0 : -1;
}

static void add_into_buffer(float *restrict dst, const float *restrict src, int64_t n) {
#pragma omp parallel for simd if (n > 65536)
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

/* is_target(t): whether t is one of the tensors to differentiate by. */
static wg_status reverse_pass(wg_ctx *ctx, int n_out, wg_tensor *const *outputs, wg_tensor *const *grad_outputs,
                              int (*is_target)(const wg_tensor *t, void *arg), void *arg, int create_graph,
                              int to_buffers) {
  const int pass = ++ctx->grad_pass;
  const int n_nodes = ctx->n_tape;
  /* Mark what depends on a target; clear every running gradient. */
  for (int i = 0; i < n_nodes; i++) {
    wg_node *n = ctx->tape[i];
    for (int k = 0; k < n->n_in; k++) {
      wg_tensor *t = n->in[k];
      t->acc = NULL;
      if (is_target(t, arg)) t->mark = pass;
    }
  }
  for (int i = 0; i < n_nodes; i++) {
    wg_node *n = ctx->tape[i];
    n->out->acc = NULL;
    if (is_target(n->out, arg)) n->out->mark = pass;
    for (int k = 0; k < n->n_in; k++)
      if (n->in[k]->mark == pass) n->out->mark = pass;
  }
  for (int k = 0; k < n_out; k++) {
    outputs[k]->acc = NULL;
    if (is_target(outputs[k], arg)) outputs[k]->mark = pass;
  }

  int was_recording = wg_ctx_set_recording(ctx, create_graph);
  wg_status st = WG_OK;
  for (int k = 0; k < n_out && st == WG_OK; k++) {
    wg_tensor *g = grad_outputs && grad_outputs[k] ? grad_outputs[k]
                                                   : wg_full(ctx, outputs[k]->ndim, outputs[k]->shape, 1.0f);
    if (!g || accumulate(ctx, outputs[k], g)) st = WG_EINVAL;
  }
  for (int i = n_nodes - 1; i >= 0 && st == WG_OK; i--) {
    wg_node *n = ctx->tape[i];
    wg_tensor *g = n->out->acc;
    if (!g || n->out->mark != pass) continue;
    int need[WG_NODE_MAX_IN] = {0}, any = 0;
    wg_tensor *gin[WG_NODE_MAX_IN] = {NULL};
    for (int k = 0; k < n->n_in; k++) any |= need[k] = n->in[k]->mark == pass;
    if (!any) continue;
    n->backward(ctx, n, g, gin, need);
    for (int k = 0; k < n->n_in && st == WG_OK; k++) {
      if (!need[k]) continue;
      wg_tensor *t = n->in[k];
      if (!gin[k]) st = wg_last_status() ? wg_last_status() : WG_ENOMEM;
      else if (to_buffers && !t->node && t->grad) add_into_buffer(t->grad, gin[k]->data, t->numel);
      else if (accumulate(ctx, t, gin[k])) st = WG_EINVAL;
    }
  }
  /* An output that is itself a leaf with a buffer gets its seed. */
  if (to_buffers && st == WG_OK)
    for (int k = 0; k < n_out; k++)
      if (!outputs[k]->node && outputs[k]->grad && outputs[k]->acc)
        add_into_buffer(outputs[k]->grad, outputs[k]->acc->data, outputs[k]->numel);
  wg_ctx_set_recording(ctx, was_recording);
  return st;
}

typedef struct {
  int n;
  wg_tensor *const *inputs;
} target_list;

static int in_list(const wg_tensor *t, void *arg) {
  const target_list *l = arg;
  for (int i = 0; i < l->n; i++)
    if (l->inputs[i] == t) return 1;
  return 0;
}

wg_status wg_grad(wg_ctx *ctx, int n_out, wg_tensor *const *outputs, wg_tensor *const *grad_outputs, int n_in,
                  wg_tensor *const *inputs, wg_tensor **grads_out, int create_graph) {
  for (int k = 0; k < n_out; k++) {
    if (!outputs[k]) return wg_set_error(WG_EINVAL, "wg_grad: output %d is NULL (an earlier op failed)", k);
    if (grad_outputs && grad_outputs[k] && !wg_same_shape(grad_outputs[k], outputs[k])) {
      char so[64], sg[64];
      return wg_set_error(WG_EINVAL, "wg_grad: grad_output %d has shape %s, its output %s", k,
                          wg_shape_str(grad_outputs[k], sg, sizeof sg), wg_shape_str(outputs[k], so, sizeof so));
    }
  }
  for (int i = 0; i < n_in; i++)
    if (!inputs[i]) return wg_set_error(WG_EINVAL, "wg_grad: input %d is NULL", i);
  target_list targets = {n_in, inputs};
  wg_status st = reverse_pass(ctx, n_out, outputs, grad_outputs, in_list, &targets, create_graph, 0);
  for (int i = 0; i < n_in; i++) {
    wg_tensor *g = st == WG_OK ? inputs[i]->acc : NULL;
    grads_out[i] = g ? g : wg_zeros(ctx, inputs[i]->ndim, inputs[i]->shape);
    if (!grads_out[i]) st = WG_ENOMEM;
  }
  for (int i = 0; i < n_in; i++) inputs[i]->acc = NULL;
  return st;
}

static int is_buffered_leaf(const wg_tensor *t, void *arg) {
  (void)arg;
  return !t->node && t->grad && t->requires_grad;
}

wg_status wg_backward(wg_ctx *ctx, wg_tensor *loss) {
  if (!loss) return wg_set_error(WG_EINVAL, "wg_backward: the loss is NULL (an earlier op failed)");
  if (loss->numel != 1) {
    char s[64];
    return wg_set_error(WG_EINVAL, "wg_backward: the loss must have one element, not shape %s",
                        wg_shape_str(loss, s, sizeof s));
  }
  return reverse_pass(ctx, 1, &loss, NULL, is_buffered_leaf, NULL, 0, 1);
}
