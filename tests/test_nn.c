/* Layers, reference models and optimizers: shapes, parameter counts,
 * gradients through whole models (first order, and the penalty's),
 * BatchNorm by hand, optimizer steps by hand, clipping. */
#include <string.h>

#include "check.h"
#include "wgan.h"

static wg_rng rng;

static wg_tensor *random_batch(wg_ctx *ctx, int n, const wg_net *net) {
  int shape[4] = {n, net->in_shape[0], net->in_shape[1], net->in_shape[2]};
  wg_tensor *x = wg_empty(ctx, 1 + net->in_ndim, shape);
  wg_rng_fill_normal(&rng, x->data, (size_t)x->numel, 0, 1);
  return x;
}

static void check_models(const wg_gan_models *m, int n, int ndim, const int *sample_shape) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *out = wg_net_forward(ctx, m->gen, random_batch(ctx, n, m->gen));
  CHECK(out && out->ndim == 1 + ndim && out->shape[0] == n, "generator output: %s", wg_last_error());
  for (int i = 0; out && i < ndim; i++)
    CHECK(out->shape[1 + i] == sample_shape[i], "generator dim %d: %d, expected %d", i, out->shape[1 + i],
          sample_shape[i]);
  wg_tensor *score = wg_net_forward(ctx, m->critic, out);
  CHECK(score && score->ndim == 2 && score->shape[0] == n && score->shape[1] == 1, "critic output: %s",
        wg_last_error());
  wg_ctx_free(ctx);
}

static void reference_model_shapes_and_counts(void) {
  wg_gan_models m = {0};
  /* dcgan28, DIM 64 (gan_mnist.py of the WGAN-GP reference code,
   * igul222/improved_wgan_training, 5x5 kernels). Generator: Linear 128 -> 4096
   * (128*4096 + 4096 = 528384), ConvT 256 -> 128 k5 (256*128*25 + 128 = 819328),
   * ConvT 128 -> 64 (128*64*25 + 64 = 204864), ConvT 64 -> 1 (64*25 + 1 = 1601). */
  CHECK(wg_models_dcgan28(&m, 128, 64, 0) == WG_OK, "%s", wg_last_error());
  CHECK(m.gen->n_params == 528384 + 819328 + 204864 + 1601, "dcgan28 generator: %lld", (long long)m.gen->n_params);
  /* Critic: Conv 1 -> 64 (64*25 + 64 = 1664), 64 -> 128 (64*128*25 + 128 = 204928),
   * 128 -> 256 (128*256*25 + 256 = 819456), Linear 4096 -> 1 (4097). */
  CHECK(m.critic->n_params == 1664 + 204928 + 819456 + 4097, "dcgan28 critic: %lld", (long long)m.critic->n_params);
  check_models(&m, 3, 3, (int[]){1, 28, 28});
  wg_models_free(&m);
  /* The clipping mode adds BatchNorm: generator 2*4096 + 2*128 + 2*64, critic 2*128 + 2*256. */
  CHECK(wg_models_dcgan28(&m, 128, 64, 1) == WG_OK, "%s", wg_last_error());
  CHECK(m.gen->n_params == 1554177 + 8576 && m.critic->n_params == 1030145 + 768, "dcgan28+bn: %lld %lld",
        (long long)m.gen->n_params, (long long)m.critic->n_params);
  CHECK(wg_net_has_batchnorm(m.critic), "dcgan28 with batchnorm has none");
  wg_models_free(&m);
  /* The WGAN paper's DCGAN, 64 px, nc 3, bias-free convs. Generator: 100*512*16
   * + 512*256*16 + 256*128*16 + 128*64*16 + 64*3*16 = 3574784, BatchNorm 2*(512+256+128+64). */
  CHECK(wg_models_dcgan(&m, 64, 3, 100, 64, 1) == WG_OK, "%s", wg_last_error());
  CHECK(m.gen->n_params == 3574784 + 1920, "dcgan64 generator: %lld", (long long)m.gen->n_params);
  /* Critic: 3*64*16 + 64*128*16 + 128*256*16 + 256*512*16 + 512*16 = 2763776, BatchNorm 2*(128+256+512). */
  CHECK(m.critic->n_params == 2763776 + 1792, "dcgan64 critic: %lld", (long long)m.critic->n_params);
  check_models(&m, 2, 3, (int[]){3, 64, 64});
  wg_models_free(&m);
  CHECK(wg_models_dcgan(&m, 32, 1, 100, 16, 0) == WG_OK, "%s", wg_last_error());
  check_models(&m, 2, 3, (int[]){1, 32, 32});
  wg_models_free(&m);
  /* Toy MLP: (2*512 + 512) + 2*(512*512 + 512) + (512*2 + 2); critic ends 512 + 1. */
  CHECK(wg_models_mlp(&m, 2, 1, (int[]){2}, 512, 3) == WG_OK, "%s", wg_last_error());
  CHECK(m.gen->n_params == 1536 + 525312 + 1026, "toy generator: %lld", (long long)m.gen->n_params);
  CHECK(m.critic->n_params == 1536 + 525312 + 513, "toy critic: %lld", (long long)m.critic->n_params);
  check_models(&m, 5, 1, (int[]){2});
  wg_models_free(&m);
  CHECK(wg_models_mlp(&m, 10, 3, (int[]){1, 8, 8}, 32, 2) == WG_OK, "%s", wg_last_error());
  check_models(&m, 4, 3, (int[]){1, 8, 8});
  wg_models_free(&m);
  CHECK(wg_models_dcgan(&m, 48, 3, 100, 64, 1) == WG_EINVAL, "dcgan accepted size 48");
}

/* A unit direction half along g, half random: a large directional derivative
 * that finite differences measure well, and random enough to catch errors. */
static void direction(const float *g, float *u, int64_t n) {
  double gn = 0, un = 0;
  for (int64_t i = 0; i < n; i++) gn += (double)g[i] * g[i];
  gn = sqrt(gn) + 1e-30;
  wg_rng_fill_normal(&rng, u, (size_t)n, 0, 1);
  double rn = 0;
  for (int64_t i = 0; i < n; i++) rn += (double)u[i] * u[i];
  rn = sqrt(rn);
  for (int64_t i = 0; i < n; i++) u[i] = (float)(g[i] / gn + u[i] / rn);
  for (int64_t i = 0; i < n; i++) un += (double)u[i] * u[i];
  for (int64_t i = 0; i < n; i++) u[i] = (float)(u[i] / sqrt(un));
}

typedef double (*objective)(wg_ctx *ctx, wg_net *net, wg_tensor *x, int backward);

/* sum(v . critic(x)) with v = 1, 2, 3...: first order. */
static double output_sum(wg_ctx *ctx, wg_net *net, wg_tensor *x, int backward) {
  wg_tensor *y = wg_net_forward(ctx, net, x);
  wg_tensor *v = wg_empty(ctx, y->ndim, y->shape);
  for (int64_t i = 0; i < v->numel; i++) v->data[i] = (float)(i % 3 + 1);
  wg_tensor *L = wg_sum(ctx, wg_mul(ctx, v, y));
  if (backward) wg_backward(ctx, L);
  return L->data[0];
}

/* The WGAN-GP penalty mean((||dC/dx|| - 1)^2) at x. */
static double gp(wg_ctx *ctx, wg_net *net, wg_tensor *x0, int backward) {
  wg_tensor *x = wg_detach_leaf(ctx, x0);
  wg_tensor *y = wg_net_forward(ctx, net, x), *g;
  wg_grad(ctx, 1, &y, NULL, 1, &x, &g, 1);
  unsigned mask = (1u << g->ndim) - 2;
  wg_tensor *norm = wg_sqrt(ctx, wg_add_scalar(ctx, wg_sum_axes(ctx, wg_square(ctx, g), mask, 0), 1e-12f));
  wg_tensor *L = wg_mean(ctx, wg_square(ctx, wg_add_scalar(ctx, norm, -1.0f)));
  if (backward) wg_backward(ctx, L);
  return L->data[0];
}

/* d objective / d theta along a direction against central differences. */
static void check_direction(wg_net *net, int n, objective f, const char *what) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *x = random_batch(ctx, n, net);
  float *xs = malloc(sizeof(float) * (size_t)x->numel);
  memcpy(xs, x->data, sizeof(float) * (size_t)x->numel);
  int xdim = x->ndim, xshape[4];
  memcpy(xshape, x->shape, sizeof xshape);
  int64_t P = net->n_params;
  float *u = malloc(sizeof(float) * (size_t)P), *saved = malloc(sizeof(float) * (size_t)P);
  int passed = 0;
  double an = 0, fd = 0;
  for (int attempt = 0; attempt < 4 && !passed; attempt++) {
    wg_ctx_reset(ctx);
    x = wg_from_data(ctx, xs, xdim, xshape);
    wg_net_zero_grad(net);
    f(ctx, net, x, 1);
    direction(net->grads, u, P);
    an = 0;
    for (int64_t i = 0; i < P; i++) an += (double)net->grads[i] * u[i];
    memcpy(saved, net->params, sizeof(float) * (size_t)P);
    /* Small enough that the step rarely crosses a ReLU kink, where the
     * output's gradient jumps and the penalty itself jumps. */
    const float eps = 1e-4f;
    double side[3];
    for (int s = 0; s < 3; s++) {
      float step = s == 0 ? eps : s == 1 ? -eps : 0;
      for (int64_t i = 0; i < P; i++) net->params[i] = saved[i] + step * u[i];
      wg_ctx_reset(ctx);
      x = wg_from_data(ctx, xs, xdim, xshape);
      side[s] = f(ctx, net, x, 0);
    }
    memcpy(net->params, saved, sizeof(float) * (size_t)P);
    /* A kink on one side spoils the central difference and that side's
     * one-sided difference, not the other side's; a wrong gradient matches none. */
    double diffs[3] = {(side[0] - side[1]) / (2 * eps), (side[0] - side[2]) / eps,
                       (side[2] - side[1]) / eps};
    for (int d = 0; d < 3 && !passed; d++) {
      fd = diffs[d];
      passed = fabs(fd - an) <= 2e-2 * fabs(an) + 5e-4;
    }
    if (!passed) fd = diffs[0];
  }
  CHECK(passed, "%s of %s (%d params): analytic %.7g, finite difference %.7g", what, net->name, (int)P, an, fd);
  CHECK(fabs(an) > 1e-3, "%s of %s: directional derivative too small to test (%g)", what, net->name, an);
  free(u), free(saved), free(xs);
  wg_ctx_free(ctx);
}

/* Initialises both nets of m by scheme, checks both first-order gradients on
 * batches of n and, if penalty, the critic's penalty gradient; frees m. */
static void check_models_gradients(wg_gan_models *m, wg_init_scheme scheme, int n, const char *what,
                                   int penalty) {
  wg_net_init(m->gen, scheme, &rng), wg_net_init(m->critic, scheme, &rng);
  check_direction(m->gen, n, output_sum, what);
  check_direction(m->critic, n, output_sum, what);
  if (penalty) check_direction(m->critic, n, gp, "penalty");
  wg_models_free(m);
}

static void gradients_through_whole_models(void) {
  wg_gan_models m = {0};
  wg_models_mlp(&m, 2, 1, (int[]){2}, 64, 3);
  check_models_gradients(&m, WG_INIT_WGANGP, 8, "first order", 1);
  wg_models_dcgan28(&m, 16, 4, 0);
  check_models_gradients(&m, WG_INIT_WGANGP, 3, "first order", 1);
  wg_models_dcgan28(&m, 16, 4, 1);
  check_models_gradients(&m, WG_INIT_WGANGP, 3, "first order (batchnorm)", 0);
  wg_models_dcgan(&m, 32, 3, 8, 4, 1);
  check_models_gradients(&m, WG_INIT_DCGAN, 3, "first order", 0);
  wg_models_dcgan(&m, 32, 3, 8, 4, 0);
  wg_net_init(m.critic, WG_INIT_WGANGP, &rng); /* N(0, 0.02) weights leave the penalty too flat to measure */
  check_direction(m.critic, 3, gp, "penalty");
  wg_models_free(&m);
}

static void batchnorm_train_and_eval_by_hand(void) {
  wg_net *net = wg_net_new("bn", 1, (int[]){2});
  CHECK(wg_net_batchnorm(net, 1e-5f, 0.1f) == WG_OK && wg_net_finish(net) == WG_OK, "%s", wg_last_error());
  net->params[0] = 2.0f, net->params[1] = 0.5f; /* scales */
  net->params[2] = 1.0f, net->params[3] = -1.0f; /* shifts */
  const float x[8] = {1, 10, 2, 20, 3, 30, 6, 60}; /* 4 samples of 2 features */
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *y = wg_net_forward(ctx, net, wg_from_data(ctx, x, 2, (int[]){4, 2}));
  /* Feature 0: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5; feature 1: mean 30, variance 350. */
  for (int i = 0; i < 4; i++) {
    CHECK_CLOSE(y->data[2 * i], 2.0 * (x[2 * i] - 3.0) / sqrt(3.5 + 1e-5) + 1.0, 1e-5, 1e-5);
    CHECK_CLOSE(y->data[2 * i + 1], 0.5 * (x[2 * i + 1] - 30.0) / sqrt(350 + 1e-5) - 1.0, 1e-5, 1e-5);
  }
  /* Running averages: 0.9 * (0, 1) + 0.1 * (mean, unbiased variance 3.5 * 4/3, 350 * 4/3). */
  const float *run = net->state;
  CHECK_CLOSE(run[0], 0.3, 1e-6, 1e-6);
  CHECK_CLOSE(run[1], 3.0, 1e-6, 1e-6);
  CHECK_CLOSE(run[2], 0.9 + 0.1 * 3.5 * 4 / 3, 1e-6, 1e-6);
  CHECK_CLOSE(run[3], 0.9 + 0.1 * 350.0 * 4 / 3, 1e-4, 1e-6);
  net->training = 0;
  wg_ctx_reset(ctx);
  y = wg_net_forward(ctx, net, wg_from_data(ctx, x, 2, (int[]){4, 2}));
  for (int i = 0; i < 4; i++)
    CHECK_CLOSE(y->data[2 * i], 2.0 * (x[2 * i] - 0.3) / sqrt(0.9 + 0.1 * 3.5 * 4 / 3 + 1e-5) + 1.0, 1e-5, 1e-5);
  CHECK_CLOSE(run[0], 0.3, 1e-7, 0); /* eval mode leaves the averages alone */
  wg_ctx_free(ctx);
  wg_net_free(net);
}

static void layernorm_normalises_each_sample(void) {
  wg_net *net = wg_net_new("ln", 3, (int[]){2, 3, 3});
  CHECK(wg_net_layernorm(net, 1e-5f) == WG_OK && wg_net_finish(net) == WG_OK, "%s", wg_last_error());
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *x = random_batch(ctx, 3, net);
  for (int64_t i = 0; i < 18; i++) x->data[i] = 5 + 3 * x->data[i]; /* sample 0 shifted and scaled */
  wg_tensor *y = wg_net_forward(ctx, net, x);
  for (int s = 0; s < 3; s++) {
    double m = 0, v = 0;
    for (int i = 0; i < 18; i++) m += y->data[s * 18 + i];
    m /= 18;
    for (int i = 0; i < 18; i++) v += (y->data[s * 18 + i] - m) * (y->data[s * 18 + i] - m);
    CHECK_CLOSE(m, 0.0, 1e-5, 0);
    CHECK_CLOSE(v / 18, 1.0, 1e-3, 0);
  }
  wg_ctx_free(ctx);
  wg_net_free(net);
}

/* Expected values computed by hand (python, float64) from the update rules. */
static void optimizers_first_three_steps(void) {
  const float grads[3][2] = {{0.5f, -1.0f}, {0.25f, 2.0f}, {-1.0f, 0.5f}};
  const double rms[3][2] = {{0.90000002, -1.90000001}, {0.855098703, -1.9895323}, {0.942572662, -2.01147965}};
  const double rms_tf[3][2] = {{0.994801248, -1.99}, {0.992071492, -2.00754116}, {1.00288704, -2.01211505}};
  const double adam[3][2] = {{0.900000002, -1.9}, {0.814308726, -1.96226999}, {0.87719243, -2.01674077}};
  wg_optim o;
  float p[2];
  for (int kind = 0; kind < 3; kind++) {
    const double(*want)[2] = kind == 0 ? rms : kind == 1 ? rms_tf : adam;
    if (kind == 0) wg_rmsprop_init(&o, 2, 0.01f, 0.99f, 1e-8f, 0);
    if (kind == 1) wg_rmsprop_init(&o, 2, 0.01f, 0.9f, 1e-10f, 1);
    if (kind == 2) wg_adam_init(&o, 2, 0.1f, 0.5f, 0.9f, 1e-8f);
    p[0] = 1.0f, p[1] = -2.0f;
    for (int t = 0; t < 3; t++) {
      wg_optim_step(&o, p, grads[t]);
      CHECK(fabs(p[0] - want[t][0]) < 2e-6 && fabs(p[1] - want[t][1]) < 2e-6,
            "optimizer %d step %d: (%.9g, %.9g), expected (%.9g, %.9g)", kind, t + 1, p[0], p[1], want[t][0],
            want[t][1]);
    }
    wg_optim_free(&o);
  }
  CHECK(wg_adam_init(&o, 2, -1.0f, 0.5f, 0.9f, 1e-8f) == WG_EINVAL, "adam accepted a negative lr");
  CHECK(wg_rmsprop_init(&o, 2, 0.1f, 1.5f, 1e-8f, 0) == WG_EINVAL, "rmsprop accepted alpha 1.5");
}

static void clipping_bounds_every_parameter(void) {
  wg_gan_models m = {0};
  wg_models_dcgan28(&m, 16, 4, 1);
  wg_net_init(m.critic, WG_INIT_WGANGP, &rng);
  for (int64_t i = 0; i < m.critic->n_params; i++) m.critic->params[i] *= 10; /* BatchNorm scales become 10 */
  wg_clip(m.critic->params, m.critic->n_params, 0.01f);
  int64_t outside = 0, at_bound = 0;
  for (int64_t i = 0; i < m.critic->n_params; i++) {
    float v = m.critic->params[i];
    outside += v < -0.01f || v > 0.01f;
    at_bound += fabsf(v) == 0.01f;
  }
  CHECK(outside == 0, "%lld parameters outside [-0.01, 0.01]", (long long)outside);
  CHECK(at_bound > m.critic->n_params / 2, "only %lld parameters were clipped", (long long)at_bound);
  wg_models_free(&m);
}

static void init_schemes_follow_their_rules(void) {
  wg_gan_models m = {0};
  wg_models_dcgan28(&m, 128, 64, 0);
  wg_net_init(m.critic, WG_INIT_WGANGP, &rng);
  /* Critic conv 2 (64 -> 128, k5, s2): stdev sqrt(4 / (64*25 + 128*25/4)) -> bound stdev * sqrt 3. */
  const wg_layer *l = &m.critic->layers[2];
  double bound = sqrt(4.0 / (64 * 25 + 128 * 25 / 4.0)) * sqrt(3.0), lo = 1, hi = -1, sumsq = 0;
  for (int64_t i = 0; i < l->n_w; i++) {
    double v = m.critic->params[l->w_off + i];
    lo = fmin(lo, v), hi = fmax(hi, v), sumsq += v * v;
  }
  const double slack = 1e-6 * bound; /* float rounding of the bound itself */
  CHECK(lo >= -bound - slack && hi <= bound + slack && hi > 0.99 * bound, "conv 2 weights in [%g, %g], bound %g", lo,
        hi, bound);
  CHECK_CLOSE(sqrt(sumsq / l->n_w), bound / sqrt(3.0), 0, 0.01);
  CHECK(m.critic->params[l->b_off] == 0.0f, "bias not zero");
  wg_models_free(&m);
  wg_models_dcgan(&m, 32, 3, 100, 64, 1);
  wg_net_init(m.gen, WG_INIT_DCGAN, &rng);
  l = &m.gen->layers[1]; /* the first ConvT */
  sumsq = 0;
  for (int64_t i = 0; i < l->n_w; i++) sumsq += (double)m.gen->params[l->w_off + i] * m.gen->params[l->w_off + i];
  CHECK_CLOSE(sqrt(sumsq / l->n_w), 0.02, 0, 0.01);
  l = &m.gen->layers[2]; /* its BatchNorm: scale N(1, 0.02) */
  double mean = 0;
  for (int64_t i = 0; i < l->n_w; i++) mean += m.gen->params[l->w_off + i];
  CHECK_CLOSE(mean / l->n_w, 1.0, 0.01, 0);
  wg_models_free(&m);
  /* PyTorch's Linear on the toy generator (2 -> 512 -> 512 ...): weights and
   * biases U(+-1/sqrt(in)), so the first layer's biases (bound 1/sqrt 2) are
   * not zero and its kinks do not all pass through the origin. */
  wg_models_mlp(&m, 2, 1, (int[]){2}, 512, 3);
  wg_net_init(m.gen, WG_INIT_PYTORCH, &rng);
  for (int k = 0; k < 2; k++) {
    l = &m.gen->layers[2 * k]; /* Linear 2 -> 512, then (after its ReLU) 512 -> 512 */
    CHECK(l->kind == WG_LAYER_LINEAR && l->in_shape[0] == (k ? 512 : 2), "layer %d is not the Linear expected", 2 * k);
    bound = 1.0 / sqrt(l->in_shape[0]);
    for (int part = 0; part < 2; part++) {
      const float *v = m.gen->params + (part ? l->b_off : l->w_off);
      int64_t n = part ? l->n_b : l->n_w;
      lo = 1, hi = -1, sumsq = 0;
      for (int64_t i = 0; i < n; i++) lo = fmin(lo, v[i]), hi = fmax(hi, v[i]), sumsq += (double)v[i] * v[i];
      CHECK(lo >= -bound * (1 + 1e-6) && hi <= bound * (1 + 1e-6) && hi > 0.95 * bound && lo < -0.95 * bound,
            "layer %d %s in [%g, %g], bound %g", 2 * k, part ? "biases" : "weights", lo, hi, bound);
      CHECK_CLOSE(sqrt(sumsq / n), bound / sqrt(3.0), 0, 0.08);
    }
  }
  wg_models_free(&m);
}

/* The WGAN paper's DCGAN 32 with BatchNorm: every named tensor as PyTorch's
 * layers would hold it (written out by hand from the layer sequence), in
 * buffer order, the views tiling params and state without a gap. */
static void named_tensors_as_pytorch(void) {
  wg_gan_models m;
  if (wg_models_dcgan(&m, 32, 3, 10, 4, 1) != WG_OK) {
    CHECK(0, "%s", wg_last_error());
    return;
  }
  /* Reshape(10, 1, 1), ConvT(10 -> 16, 4) BN ReLU, ConvT(16 -> 8) BN ReLU, ConvT(8 -> 4) BN ReLU, ConvT(4 -> 3) Tanh */
  const struct {
    const char *name;
    int ndim;
    int64_t shape[4];
  } want[] = {{"main.1.weight", 4, {10, 16, 4, 4}}, {"main.2.weight", 1, {16}}, {"main.2.bias", 1, {16}},
              {"main.4.weight", 4, {16, 8, 4, 4}},  {"main.5.weight", 1, {8}},  {"main.5.bias", 1, {8}},
              {"main.7.weight", 4, {8, 4, 4, 4}},   {"main.8.weight", 1, {4}},  {"main.8.bias", 1, {4}},
              {"main.10.weight", 4, {4, 3, 4, 4}},  {"main.2.running_mean", 1, {16}}, {"main.2.running_var", 1, {16}},
              {"main.5.running_mean", 1, {8}},      {"main.5.running_var", 1, {8}},   {"main.8.running_mean", 1, {4}},
              {"main.8.running_var", 1, {4}}};
  const int n_want = (int)(sizeof want / sizeof *want);
  wg_net_tensor t[32];
  int n = wg_net_tensors(m.gen, t, 32);
  CHECK(n == n_want, "%d tensors, expected %d", n, n_want);
  CHECK(wg_net_tensors(m.gen, NULL, 0) == n, "the count without room differs");
  int64_t next[2] = {0, 0};
  for (int i = 0; i < n && i < n_want; i++) {
    CHECK(!strcmp(t[i].name, want[i].name), "tensor %d is %s, expected %s", i, t[i].name, want[i].name);
    CHECK(t[i].ndim == want[i].ndim && !memcmp(t[i].shape, want[i].shape, sizeof(int64_t) * (size_t)t[i].ndim),
          "%s: wrong shape", t[i].name);
    CHECK(t[i].in_state == (strstr(want[i].name, "running") != NULL), "%s: wrong buffer", t[i].name);
    CHECK(t[i].offset == next[t[i].in_state], "%s at %lld, expected %lld", t[i].name, (long long)t[i].offset,
          (long long)next[t[i].in_state]);
    next[t[i].in_state] += t[i].numel;
  }
  CHECK(next[0] == m.gen->n_params && next[1] == m.gen->n_state, "the views cover %lld + %lld of %lld + %lld values",
        (long long)next[0], (long long)next[1], (long long)m.gen->n_params, (long long)m.gen->n_state);
  wg_models_free(&m);
}

static void bad_layers_are_refused(void) {
  wg_net *net = wg_net_new("bad", 1, (int[]){10});
  wg_conv_opts o = wg_conv_opts_sym(1, 0);
  CHECK(wg_net_conv(net, 4, 3, &o, 1) == WG_EINVAL && strstr(wg_last_error(), "[C, H, W]"), "%s", wg_last_error());
  CHECK(wg_net_reshape(net, 2, (int[]){3, 3}) == WG_EINVAL, "reshape 10 -> 9 accepted");
  CHECK(wg_net_linear(net, 5, 1, WG_FAN_HE) == WG_OK && wg_net_finish(net) == WG_OK, "%s", wg_last_error());
  wg_ctx *ctx = wg_ctx_new(0);
  CHECK(wg_net_forward(ctx, net, wg_zeros(ctx, 2, (int[]){4, 7})) == NULL && strstr(wg_last_error(), "[4, 7]"),
        "a [4, 7] input was accepted: %s", wg_last_error());
  wg_ctx_free(ctx);
  wg_net_free(net);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(reference_model_shapes_and_counts);
  RUN(gradients_through_whole_models);
  RUN(batchnorm_train_and_eval_by_hand);
  RUN(layernorm_normalises_each_sample);
  RUN(optimizers_first_three_steps);
  RUN(clipping_bounds_every_parameter);
  RUN(init_schemes_follow_their_rules);
  RUN(named_tensors_as_pytorch);
  RUN(bad_layers_are_refused);
  CHECK_EXIT();
}
