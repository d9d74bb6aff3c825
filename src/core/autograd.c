/* Reverse-mode differentiation over the tape.
 *
 * A pass first marks every node whose output depends on a target (the inputs
 * asked for, or the leaves with a grad buffer), walking the tape forward; then
 * it walks the tape back from the outputs, calling each node's backward rule
 * only for the inputs that are marked. The rules are ops: with create_graph
 * they are recorded (appended to the tape, past the part being walked), so the
 * gradients can be differentiated again. A pass's scratch lives in the nodes
 * (their `marked` and `acc`) and, for leaves, in the caller's grads_out. */
#include "core/ctx.h"

/* What a pass differentiates by: wg_grad's inputs, the leaves among them
 * accumulating in acc (its grads_out); or, for wg_backward, every leaf with a
 * grad buffer, which receives its gradient directly. */
typedef struct {
  int n;
  wg_tensor *const *inputs;
  wg_tensor **acc;
  int to_buffers;
} targets;

static int find(const targets *p, const wg_tensor *t) {
  for (int i = 0; i < p->n; i++)
    if (p->inputs[i] == t) return i;
  return -1;
}

static int is_target(const targets *p, const wg_tensor *t) {
  return p->to_buffers ? !t->node && t->grad && t->requires_grad : find(p, t) >= 0;
}

/* Whether t depends on a target; a derived tensor's node knows. */
static int is_marked(const targets *p, const wg_tensor *t) { return t->node ? t->node->marked : is_target(p, t); }

static void add_into_buffer(float *restrict dst, const float *restrict src, int64_t n) {
#pragma omp parallel for simd if (n > 65536)
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

/* Adds g into t's gradient: its node's running sum, its grad buffer (wg_backward)
 * or its slot among the inputs (wg_grad). Any other leaf is no target: dropped. */
static wg_status accumulate(wg_ctx *ctx, const targets *p, wg_tensor *t, wg_tensor *g) {
  WG_ASSERT(wg_same_shape(t, g));
  if (p->to_buffers && !t->node && t->grad) {
    add_into_buffer(t->grad, g->data, t->numel);
    return WG_OK;
  }
  int i = t->node ? -1 : find(p, t);
  wg_tensor **acc = t->node ? &t->node->acc : i >= 0 ? &p->acc[i] : NULL;
  if (!acc) return WG_OK;
  *acc = *acc ? wg_add(ctx, *acc, g) : g;
  return *acc ? WG_OK : wg_failed("adding up a gradient");
}

static int overlaps(const wg_tensor *a, const wg_tensor *b) {
  return a->data < b->data + b->numel && b->data < a->data + a->numel;
}

/* Without create_graph, a gradient that went into a leaf's buffer is dead. When
 * the rule made it (after `before`) and it shares no memory with the node's
 * other results (which may live on as other nodes' gradients), its memory goes
 * back to the arena if it is the last block: the rules make the weights'
 * gradients last, which would otherwise pile up to the step's end. */
static void release_buffered(wg_ctx *ctx, const targets *p, const wg_node *n, wg_tensor **gin, const int *need,
                             wg_arena_mark before) {
  if (!p->to_buffers) return;
  for (int freed = 1; freed;) { /* the last block first, then the one before it may be last */
    freed = 0;
    for (int k = n->n_in - 1; k >= 0; k--) {
      if (!need[k] || !gin[k] || n->in[k]->node || !n->in[k]->grad) continue;
      int shared = 0;
      for (int j = 0; j < n->n_in; j++) shared |= j != k && gin[j] && overlaps(gin[k], gin[j]);
      if (!shared && wg_arena_pop_since(&ctx->arena, before, gin[k]->data, (size_t)gin[k]->numel * sizeof(float)))
        gin[k] = NULL, freed = 1;
    }
  }
}

static wg_status reverse_pass(wg_ctx *ctx, const targets *p, int n_out, wg_tensor *const *outputs,
                              wg_tensor *const *grad_outputs, int create_graph) {
  const int n_nodes = ctx->n_tape;
  /* Mark what depends on a target; clear the running gradients. */
  for (int i = 0; i < n_nodes; i++) {
    wg_node *n = ctx->tape[i];
    n->acc = NULL;
    n->marked = is_target(p, n->out);
    for (int k = 0; k < n->n_in && !n->marked; k++) n->marked = is_marked(p, n->in[k]);
  }
  int was_recording = wg_ctx_set_recording(ctx, create_graph);
  wg_status st = WG_OK;
  /* Seed the outputs, then walk back. */
  for (int k = 0; k < n_out && st == WG_OK; k++) {
    wg_tensor *g = grad_outputs && grad_outputs[k] ? grad_outputs[k]
                                                   : wg_full(ctx, outputs[k]->ndim, outputs[k]->shape, 1.0f);
    st = g ? accumulate(ctx, p, outputs[k], g) : wg_failed("seeding a backward pass");
  }
  for (int i = n_nodes - 1; i >= 0 && st == WG_OK; i--) {
    wg_node *n = ctx->tape[i];
    if (!n->acc || !n->marked) continue;
    int need[WG_NODE_MAX_IN] = {0}, any = 0;
    wg_tensor *gin[WG_NODE_MAX_IN] = {NULL};
    for (int k = 0; k < n->n_in; k++) any |= need[k] = is_marked(p, n->in[k]);
    if (!any) continue;
    wg_arena_mark before = wg_arena_mark_now(&ctx->arena);
    n->backward(ctx, n, n->acc, gin, need);
    for (int k = 0; k < n->n_in && st == WG_OK; k++)
      if (need[k]) st = gin[k] ? accumulate(ctx, p, n->in[k], gin[k]) : wg_failed(n->op);
    if (st == WG_OK && !create_graph) release_buffered(ctx, p, n, gin, need, before);
  }
  wg_ctx_set_recording(ctx, was_recording);
  return st;
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
  for (int i = 0; i < n_in; i++) {
    if (!inputs[i]) return wg_set_error(WG_EINVAL, "wg_grad: input %d is NULL", i);
    grads_out[i] = NULL;
  }
  targets p = {n_in, inputs, grads_out, 0};
  wg_status st = reverse_pass(ctx, &p, n_out, outputs, grad_outputs, create_graph);
  /* A derived input's gradient is in its node; a leaf given twice shares the first's. */
  for (int i = 0; i < n_in; i++)
    grads_out[i] = st != WG_OK ? NULL : inputs[i]->node ? inputs[i]->node->acc : grads_out[find(&p, inputs[i])];
  for (int i = 0; i < n_in; i++) {
    if (!grads_out[i]) grads_out[i] = wg_zeros(ctx, inputs[i]->ndim, inputs[i]->shape);
    if (!grads_out[i]) st = wg_failed("wg_grad");
  }
  return st;
}

wg_status wg_backward(wg_ctx *ctx, wg_tensor *loss) {
  if (!loss) return wg_set_error(WG_EINVAL, "wg_backward: the loss is NULL (an earlier op failed)");
  if (loss->numel != 1) {
    char s[64];
    return wg_set_error(WG_EINVAL, "wg_backward: the loss must have one element, not shape %s",
                        wg_shape_str(loss, s, sizeof s));
  }
  targets p = {0, NULL, NULL, 1};
  return reverse_pass(ctx, &p, 1, &loss, NULL, 0);
}
