/* Training the feature classifier: Adam on softmax cross-entropy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"
#include "wgan/optim.h"

wg_classifier_opts wg_classifier_defaults(void) {
  return (wg_classifier_opts){.epochs = 5, .batch = 64, .lr = 1e-3f, .seed = 1};
}

/* The mean over the batch of -log softmax(logits)[label], with
 * log softmax = z - log sum exp z, z = logits - max (the max is a constant:
 * the result does not depend on it, it only keeps exp from overflowing).
 * logits[B, 10], labels[B]. */
static wg_tensor *cross_entropy(wg_ctx *ctx, wg_tensor *logits, const uint8_t *labels) {
  if (!logits) return NULL;
  int b = logits->shape[0], k = logits->shape[1];
  wg_tensor *mx = wg_empty(ctx, 2, (int[]){b, 1});
  wg_tensor *onehot = wg_zeros(ctx, 2, (int[]){b, k});
  if (!mx || !onehot) return NULL;
  for (int i = 0; i < b; i++) {
    float m = logits->data[i * k];
    for (int j = 1; j < k; j++) m = fmaxf(m, logits->data[i * k + j]);
    mx->data[i] = m;
    onehot->data[i * k + labels[i]] = 1.0f;
  }
  wg_tensor *z = wg_sub(ctx, logits, mx);
  wg_tensor *lse = wg_log(ctx, wg_sum_axes(ctx, wg_exp(ctx, z), 1u << 1, 1));
  wg_tensor *logp = wg_sub(ctx, z, lse);
  return wg_mul_scalar(ctx, wg_sum(ctx, wg_mul(ctx, logp, onehot)), -1.0f / (float)b);
}

wg_status wg_classifier_train(wg_classifier *c, const wg_dataset *train,
                              const wg_classifier_opts *o, wg_classifier_progress progress,
                              void *user) {
  if (train->ndim != 3 || train->shape[0] != 1 || train->shape[1] != 28 || train->shape[2] != 28 ||
      !train->labels)
    return wg_set_error(WG_EINVAL, "classifier: needs labelled 1x28x28 images");
  if (o->epochs < 1 || o->batch < 1 || o->batch > train->n || !(o->lr > 0))
    return wg_set_error(WG_EINVAL, "classifier: epochs >= 1, 1 <= batch <= %lld, lr > 0 needed",
                        (long long)train->n);
  for (int64_t i = 0; i < train->n; i++)
    if (train->labels[i] >= WG_CLASSIFIER_CLASSES)
      return wg_set_error(WG_EINVAL, "classifier: label %d of sample %lld is not in 0..9",
                          train->labels[i], (long long)i);
  wg_optim ob = {0}, oh = {0};
  wg_batcher bt = {0};
  wg_ctx *ctx = wg_ctx_new((size_t)32 << 20);
  float *x = malloc(sizeof(float) * 784 * (size_t)o->batch);
  uint8_t *y = malloc((size_t)o->batch);
  wg_status st = ctx && x && y ? WG_OK : wg_set_error(WG_ENOMEM, "classifier: out of memory");
  if (st == WG_OK) st = wg_adam_init(&ob, c->body->n_params, o->lr, 0.9f, 0.999f, 1e-8f);
  if (st == WG_OK) st = wg_adam_init(&oh, c->head->n_params, o->lr, 0.9f, 0.999f, 1e-8f);
  if (st == WG_OK) st = wg_batcher_init(&bt, train->n, o->seed);
  int64_t steps = train->n / o->batch;
  for (int e = 1; st == WG_OK && e <= o->epochs; e++) {
    double sum = 0;
    for (int64_t s = 0; st == WG_OK && s < steps; s++) {
      if ((st = wg_batcher_next(&bt, train, o->batch, x, y)) != WG_OK) break;
      wg_ctx_reset(ctx);
      wg_tensor *xt = wg_from_data(ctx, x, 4, (int[]){o->batch, 1, 28, 28});
      wg_tensor *loss = cross_entropy(ctx, wg_net_forward(ctx, c->head, wg_net_forward(ctx, c->body, xt)), y);
      if (!loss) {
        st = wg_failed("classifier");
        break;
      }
      if (!isfinite(loss->data[0])) {
        st = wg_set_error(WG_ENUMERIC, "classifier: the loss is not finite at epoch %d", e);
        break;
      }
      sum += loss->data[0];
      wg_net_zero_grad(c->body);
      wg_net_zero_grad(c->head);
      if ((st = wg_backward(ctx, loss)) != WG_OK) break;
      wg_optim_step(&ob, c->body->params, c->body->grads);
      wg_optim_step(&oh, c->head->params, c->head->grads);
    }
    if (st == WG_OK && progress && progress(e, sum / (double)steps, user)) break;
  }
  wg_batcher_free(&bt);
  wg_optim_free(&ob);
  wg_optim_free(&oh);
  wg_ctx_free(ctx);
  free(x);
  free(y);
  return st;
}
