/* The context: arena, recording switch and tape. */
#include "core/ctx.h"

#include <stdlib.h>
#include <string.h>

wg_ctx *wg_ctx_new(size_t arena_bytes) {
  wg_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) {
    wg_set_error(WG_ENOMEM, "out of memory creating a context");
    return NULL;
  }
  wg_arena_init(&ctx->arena, arena_bytes);
  ctx->recording = 1;
  return ctx;
}

void wg_ctx_free(wg_ctx *ctx) {
  if (!ctx) return;
  wg_arena_free(&ctx->arena);
  free(ctx->tape);
  free(ctx->scratch);
  free(ctx);
}

void wg_ctx_reset(wg_ctx *ctx) {
  wg_arena_reset(&ctx->arena);
  ctx->n_tape = 0;
}

wg_ctx_mark wg_ctx_mark_now(const wg_ctx *ctx) {
  wg_arena_mark a = wg_arena_mark_now(&ctx->arena);
  return (wg_ctx_mark){a.chunk, a.chunk_used, a.used, ctx->n_tape};
}

void wg_ctx_rewind(wg_ctx *ctx, wg_ctx_mark m) {
  WG_ASSERT(m.n_tape <= ctx->n_tape && m.used <= ctx->arena.used);
  wg_arena_rewind(&ctx->arena, (wg_arena_mark){m.chunk, m.chunk_used, m.used});
  ctx->n_tape = m.n_tape;
}

int wg_ctx_set_recording(wg_ctx *ctx, int on) {
  int was = ctx->recording;
  ctx->recording = on;
  return was;
}

size_t wg_ctx_peak_bytes(const wg_ctx *ctx) { return ctx->arena.peak; }

void *wg_ctx_alloc(wg_ctx *ctx, size_t bytes) {
  void *p = wg_arena_alloc(&ctx->arena, bytes);
  if (!p) wg_set_error(WG_ENOMEM, "out of memory (%zu bytes in the arena)", bytes);
  return p;
}

void *wg_ctx_scratch(wg_ctx *ctx, size_t bytes) {
  if (bytes <= ctx->scratch_bytes) return ctx->scratch;
  size_t size = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, size);
  if (!p) {
    wg_set_error(WG_ENOMEM, "out of memory (%zu bytes of kernel workspace)", bytes);
    return NULL;
  }
  free(ctx->scratch);
  ctx->scratch = p;
  ctx->scratch_bytes = size;
  return p;
}

wg_tensor *wg_new_tensor(wg_ctx *ctx, int ndim, const int *shape) {
  if (ndim < 0 || ndim > WG_MAX_DIMS) {
    wg_set_error(WG_EINVAL, "a tensor has 0 to %d dimensions, not %d", WG_MAX_DIMS, ndim);
    return NULL;
  }
  int64_t numel = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0) {
      wg_set_error(WG_EINVAL, "negative size %d in dimension %d", shape[i], i);
      return NULL;
    }
    numel *= shape[i];
  }
  wg_tensor *t = wg_ctx_alloc(ctx, sizeof *t);
  if (!t) return NULL;
  memset(t, 0, sizeof *t);
  t->data = wg_ctx_alloc(ctx, (size_t)numel * sizeof(float));
  if (!t->data) return NULL;
  t->ndim = ndim;
  t->numel = numel;
  if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof(int));
  return t;
}

wg_tensor *wg_new_like(wg_ctx *ctx, const wg_tensor *t) { return wg_new_tensor(ctx, t->ndim, t->shape); }

int wg_record(wg_ctx *ctx, wg_tensor *out, const char *op, wg_backward_fn backward,
              int n_in, wg_tensor *const *inputs) {
  if (!ctx->recording) return 0;
  int any = 0;
  for (int k = 0; k < n_in; k++) any |= inputs[k]->requires_grad;
  if (!any) return 0;
  if (ctx->n_tape == ctx->cap_tape) {
    int cap = ctx->cap_tape ? 2 * ctx->cap_tape : 256;
    wg_node **tape = realloc(ctx->tape, (size_t)cap * sizeof *tape);
    if (!tape) {
      wg_set_error(WG_ENOMEM, "out of memory growing the tape");
      return -1;
    }
    ctx->tape = tape;
    ctx->cap_tape = cap;
  }
  /* What the ops' own code guarantees: inputs that fit a node, a rule, a fresh output. */
  WG_ASSERT(n_in >= 1 && n_in <= WG_NODE_MAX_IN);
  WG_ASSERT(backward && !out->node);
  wg_node *n = wg_ctx_alloc(ctx, sizeof *n);
  if (!n) return -1;
  memset(n, 0, sizeof *n);
  n->op = op;
  n->backward = backward;
  n->n_in = n_in;
  for (int k = 0; k < n_in; k++) n->in[k] = inputs[k];
  n->out = out;
  out->node = n;
  out->requires_grad = 1;
  ctx->tape[ctx->n_tape++] = n;
  return 0;
}
