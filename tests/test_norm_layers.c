/* BatchNorm and LayerNorm layers against hand computations in double.
 * BatchNorm: statistics per channel over N (and H, W for images), the
 * biased variance in the normalisation and the unbiased one in the running
 * average (PyTorch's rule, which src/nn/layer_forward.c states), eval mode
 * on the running averages. LayerNorm: statistics over (C, H, W) of each
 * sample, scale and shift per channel. The input gradients of both against
 * central differences of the hand computation. */
#include <string.h>

#include "check.h"
#include "wgan.h"

enum { MAX = 64, MAXC = 4 };
static const double eps = 1e-5, momentum = 0.1;
static const double scale[MAXC] = {1.5, -0.7, 0.9, 2.0}, shift[MAXC] = {0.3, -0.2, 0.5, -1.0};
static wg_rng rng;

typedef struct {
  int n, c, hw;   /* batch, channels (or features), H * W (1 for flat samples) */
  int batch_stats; /* 1: BatchNorm's statistics, per channel over N, H, W; 0: LayerNorm's, per sample */
} norm_case;

/* y = (x - mean) / sqrt(var + eps) * scale[c] + shift[c] in NCHW order,
 * with the biased variance; the statistics of each group into mean, var. */
static void hand_norm(const norm_case *k, const double *x, double *y, double *mean, double *var) {
  const int groups = k->batch_stats ? k->c : k->n;
  for (int g = 0; g < groups; g++) {
    double s = 0, ss = 0;
    int count = 0;
    for (int i = 0; i < k->n; i++)
      for (int c = 0; c < k->c; c++)
        if ((k->batch_stats ? c : i) == g)
          for (int p = 0; p < k->hw; p++) s += x[(i * k->c + c) * k->hw + p], count++;
    mean[g] = s / count;
    for (int i = 0; i < k->n; i++)
      for (int c = 0; c < k->c; c++)
        if ((k->batch_stats ? c : i) == g)
          for (int p = 0; p < k->hw; p++) ss += pow(x[(i * k->c + c) * k->hw + p] - mean[g], 2);
    var[g] = ss / count;
  }
  for (int i = 0; i < k->n; i++)
    for (int c = 0; c < k->c; c++) {
      const int g = k->batch_stats ? c : i;
      for (int p = 0; p < k->hw; p++) {
        const int j = (i * k->c + c) * k->hw + p;
        y[j] = (x[j] - mean[g]) / sqrt(var[g] + eps) * scale[c] + shift[c];
      }
    }
}

/* sum(v * y): the scalar whose input gradient is compared. */
static double hand_dot(const norm_case *k, const double *x, const float *v) {
  double y[MAX], mean[MAX], var[MAX], s = 0;
  hand_norm(k, x, y, mean, var);
  for (int j = 0; j < k->n * k->c * k->hw; j++) s += v[j] * y[j];
  return s;
}

/* One layer's net, its scale and shift set (the buffer holds the scale's C
 * values, then the shift's, initialised to 1 and 0). */
static wg_net *norm_net(const norm_case *k, int ndim, const int *shape) {
  wg_net *net = wg_net_new("norm", ndim, shape);
  wg_status st = !net ? WG_EINVAL : k->batch_stats ? wg_net_batchnorm(net, (float)eps, (float)momentum)
                                                   : wg_net_layernorm(net, (float)eps);
  if (st == WG_OK) st = wg_net_finish(net);
  CHECK(st == WG_OK, "%s", wg_last_error());
  if (st != WG_OK) {
    wg_net_free(net);
    return NULL;
  }
  CHECK(net->n_params == 2 * k->c, "%lld parameters, expected %d", (long long)net->n_params, 2 * k->c);
  for (int c = 0; c < k->c; c++) {
    CHECK(net->params[c] == 1 && net->params[k->c + c] == 0, "channel %d: scale %g, shift %g after finish", c,
          net->params[c], net->params[k->c + c]);
    net->params[c] = (float)scale[c];
    net->params[k->c + c] = (float)shift[c];
  }
  return net;
}

/* The layer's output on x[n * c * hw] against the hand computation, and
 * d sum(v * y) / dx against central differences of it. */
static void check_forward_and_input_grad(const norm_case *k, wg_ctx *ctx, wg_net *net, int ndim, const int *shape,
                                         const float *x, const double *want) {
  const int total = k->n * k->c * k->hw;
  int full[4] = {k->n, shape[0], shape[1], shape[2]};
  wg_ctx_reset(ctx);
  wg_tensor *tx = wg_from_data(ctx, x, 1 + ndim, full);
  tx->requires_grad = 1;
  wg_tensor *y = wg_net_forward(ctx, net, tx), *gx;
  CHECK(y && y->numel == total, "%s", wg_last_error());
  if (!y || y->numel != total) return;
  for (int j = 0; j < total; j++) CHECK_CLOSE(y->data[j], want[j], 1e-5, 1e-5);
  float v[MAX];
  wg_rng_fill_uniform(&rng, v, (size_t)total, -1, 1);
  wg_tensor *dot = wg_sum(ctx, wg_mul(ctx, y, wg_from_data(ctx, v, y->ndim, y->shape)));
  CHECK(wg_grad(ctx, 1, &dot, NULL, 1, &tx, &gx, 0) == WG_OK, "%s", wg_last_error());
  double xd[MAX];
  for (int j = 0; j < total; j++) xd[j] = x[j];
  const double h = 1e-6;
  for (int j = 0; j < total; j++) {
    xd[j] = x[j] + h;
    double up = hand_dot(k, xd, v);
    xd[j] = x[j] - h;
    double down = hand_dot(k, xd, v);
    xd[j] = x[j];
    CHECK_CLOSE(gx->data[j], (up - down) / (2 * h), 1e-4, 1e-4);
  }
}

static void check_batchnorm(int ndim, const int *shape, int n) {
  norm_case k = {n, shape[0], ndim == 3 ? shape[1] * shape[2] : 1, 1};
  wg_net *net = norm_net(&k, ndim, shape);
  if (!net) return;
  /* The state buffer holds the running means, then the variances (from 0 and 1). */
  CHECK(net->n_state == 2 * k.c, "state of %lld values, expected %d", (long long)net->n_state, 2 * k.c);
  double run_mean[MAXC], run_var[MAXC];
  for (int c = 0; c < k.c; c++) {
    CHECK(net->state[c] == 0 && net->state[k.c + c] == 1, "channel %d: running mean %g, variance %g after finish",
          c, net->state[c], net->state[k.c + c]);
    run_mean[c] = net->state[c] = 0.25f * (float)(c + 1);
    run_var[c] = net->state[k.c + c] = 0.5f + (float)c;
  }
  const int total = k.n * k.c * k.hw, count = k.n * k.hw;
  float x[MAX];
  double xd[MAX] = {0}, want[MAX], mean[MAXC], var[MAXC];
  wg_rng_fill_normal(&rng, x, (size_t)total, 1, 2);
  for (int j = 0; j < total; j++) xd[j] = x[j];
  hand_norm(&k, xd, want, mean, var);
  wg_ctx *ctx = wg_ctx_new(0);
  check_forward_and_input_grad(&k, ctx, net, ndim, shape, x, want);
  /* One training forward above moved the running averages once. */
  for (int c = 0; c < k.c; c++) {
    run_mean[c] = (1 - momentum) * run_mean[c] + momentum * mean[c];
    run_var[c] = (1 - momentum) * run_var[c] + momentum * var[c] * count / (count - 1);
    CHECK_CLOSE(net->state[c], run_mean[c], 1e-6, 1e-5);
    CHECK_CLOSE(net->state[k.c + c], run_var[c], 1e-6, 1e-5);
  }
  /* Eval mode: the running averages, the batch's own statistics unused. */
  net->training = 0;
  float state[2 * MAXC];
  memcpy(state, net->state, sizeof(float) * (size_t)(2 * k.c));
  wg_rng_fill_normal(&rng, x, (size_t)total, -0.5f, 1);
  wg_ctx_reset(ctx);
  wg_tensor *y = wg_net_forward(ctx, net, wg_from_data(ctx, x, 1 + ndim, (int[]){k.n, shape[0], shape[1], shape[2]}));
  CHECK(y != NULL, "%s", wg_last_error());
  for (int j = 0; y && j < total; j++) {
    const int c = j / k.hw % k.c;
    CHECK_CLOSE(y->data[j], (x[j] - run_mean[c]) / sqrt(run_var[c] + eps) * scale[c] + shift[c], 1e-5, 1e-5);
  }
  CHECK(!memcmp(state, net->state, sizeof(float) * (size_t)(2 * k.c)), "eval mode changed the running averages");
  wg_ctx_free(ctx);
  wg_net_free(net);
}

static void batchnorm_images(void) { check_batchnorm(3, (int[]){2, 3, 2}, 3); }
static void batchnorm_flat(void) { check_batchnorm(1, (int[]){3, 0, 0}, 4); }

static void layernorm_images(void) {
  const int shape[3] = {3, 2, 3};
  norm_case k = {2, shape[0], shape[1] * shape[2], 0};
  wg_net *net = norm_net(&k, 3, shape);
  if (!net) return;
  const int total = k.n * k.c * k.hw;
  float x[MAX];
  double xd[MAX] = {0}, want[MAX], mean[MAX], var[MAX];
  wg_rng_fill_normal(&rng, x, (size_t)total, 1, 2);
  for (int j = 0; j < total; j++) xd[j] = x[j];
  hand_norm(&k, xd, want, mean, var);
  wg_ctx *ctx = wg_ctx_new(0);
  check_forward_and_input_grad(&k, ctx, net, 3, shape, x, want);
  wg_ctx_free(ctx);
  wg_net_free(net);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(23));
  wg_set_threads(1);
  RUN(batchnorm_images);
  RUN(batchnorm_flat);
  RUN(layernorm_images);
  CHECK_EXIT();
}
