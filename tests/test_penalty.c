/* The WGAN-GP penalty through a small critic (conv -> leaky_relu -> conv ->
 * leaky_relu -> linear): d(penalty)/d(theta) from the double backward pass
 * against central finite differences along random directions in parameter
 * space. Also: errors on wrong shapes are statuses and messages. */
#include <string.h>

#include "check.h"
#include "wgan.h"

enum { N = 6, P_W1 = 4 * 1 * 3 * 3, P_B1 = 4, P_W2 = 8 * 4 * 3 * 3, P_B2 = 8, P_W3 = 32, P_B3 = 1 };
enum { P = P_W1 + P_B1 + P_W2 + P_B2 + P_W3 + P_B3 };

typedef struct {
  float theta[P], dtheta[P]; /* every parameter, and its gradient, in one buffer */
  wg_tensor w1, b1, w2, b2, w3, b3;
  wg_tensor *pre[2]; /* the last forward's inputs to the two leaky_relus */
} critic;

static void critic_bind(critic *c) {
  float *p = c->theta, *g = c->dtheta;
  wg_tensor_leaf(&c->w1, p, g, 4, (int[]){4, 1, 3, 3}, 1), p += P_W1, g += P_W1;
  wg_tensor_leaf(&c->b1, p, g, 4, (int[]){1, 4, 1, 1}, 1), p += P_B1, g += P_B1;
  wg_tensor_leaf(&c->w2, p, g, 4, (int[]){8, 4, 3, 3}, 1), p += P_W2, g += P_W2;
  wg_tensor_leaf(&c->b2, p, g, 4, (int[]){1, 8, 1, 1}, 1), p += P_B2, g += P_B2;
  wg_tensor_leaf(&c->w3, p, g, 2, (int[]){32, 1}, 1), p += P_W3, g += P_W3;
  wg_tensor_leaf(&c->b3, p, g, 1, (int[]){1}, 1);
}

static wg_tensor *critic_forward(wg_ctx *ctx, critic *c, wg_tensor *x) {
  wg_conv_opts o1 = wg_conv_opts_same(8, 3, 2), o2 = wg_conv_opts_same(4, 3, 2);
  c->pre[0] = wg_add(ctx, wg_conv2d(ctx, x, &c->w1, &o1), &c->b1);
  wg_tensor *h = wg_leaky_relu(ctx, c->pre[0], 0.2f);
  c->pre[1] = wg_add(ctx, wg_conv2d(ctx, h, &c->w2, &o2), &c->b2);
  h = wg_leaky_relu(ctx, c->pre[1], 0.2f);
  h = wg_reshape(ctx, h, 2, (int[]){N, 32});
  return wg_add(ctx, wg_matmul(ctx, h, &c->w3, 0, 0), &c->b3);
}

/* lambda * mean((||dC/dx (xhat)||_2 - 1)^2), recorded so it can be differentiated. */
static wg_tensor *penalty(wg_ctx *ctx, critic *c, const float *xhat_data, float lambda) {
  wg_tensor *xhat = wg_from_data(ctx, xhat_data, 4, (int[]){N, 1, 8, 8});
  xhat->requires_grad = 1;
  wg_tensor *out = critic_forward(ctx, c, xhat), *g;
  if (wg_grad(ctx, 1, &out, NULL, 1, &xhat, &g, 1) != WG_OK) return NULL;
  wg_tensor *norm = wg_sqrt(ctx, wg_add_scalar(ctx, wg_sum_axes(ctx, wg_square(ctx, g), 0xE, 0), 1e-12f));
  return wg_mul_scalar(ctx, wg_mean(ctx, wg_square(ctx, wg_add_scalar(ctx, norm, -1.0f))), lambda);
}

static wg_rng rng;

/* Bit i of the pattern: whether leaky_relu input i is positive. The penalty
 * is smooth in theta only while this pattern stays the same. */
static void activation_pattern(const critic *c, unsigned char *pattern) {
  int k = 0;
  for (int l = 0; l < 2; l++)
    for (int64_t i = 0; i < c->pre[l]->numel; i++) pattern[k++] = c->pre[l]->data[i] > 0;
}
enum { N_ACT = N * 4 * 4 * 4 + N * 8 * 2 * 2 };

static void penalty_gradient_matches_finite_differences(void) {
  critic c;
  critic_bind(&c);
  float xhat[N * 64], u[P];
  wg_ctx *ctx = wg_ctx_new(1 << 20);
  int redraws = 0;
  for (int trial = 0; trial < 4; trial++) {
    /* Fresh parameters and points for each trial (a redraw when some
     * leaky_relu input sits so close to its kink that no step avoids it). */
    wg_rng_fill_uniform(&rng, c.theta, P, -0.5f, 0.5f);
    wg_rng_fill_normal(&rng, xhat, N * 64, 0, 1);
    memset(c.dtheta, 0, sizeof c.dtheta);
    wg_ctx_reset(ctx);
    wg_tensor *pen = penalty(ctx, &c, xhat, 10.0f);
    CHECK(pen && wg_backward(ctx, pen) == WG_OK, "penalty backward failed: %s", wg_last_error());
    /* A unit direction along which no leaky_relu input changes sign. */
    const float eps = 1e-2f;
    float saved[P];
    memcpy(saved, c.theta, sizeof saved);
    unsigned char pattern[3][N_ACT];
    activation_pattern(&c, pattern[2]);
    double value[2];
    int tries = 0, crosses;
    do {
      /* Half random, half along the gradient: a derivative large enough to measure. */
      wg_rng_fill_normal(&rng, u, P, 0, 1);
      double norm = 0, gnorm = 1e-30;
      for (int i = 0; i < P; i++) norm += (double)u[i] * u[i], gnorm += (double)c.dtheta[i] * c.dtheta[i];
      for (int i = 0; i < P; i++) u[i] = (float)(u[i] / sqrt(norm) + c.dtheta[i] / sqrt(gnorm));
      norm = 0;
      for (int i = 0; i < P; i++) norm += (double)u[i] * u[i];
      for (int i = 0; i < P; i++) u[i] = (float)(u[i] / sqrt(norm));
      for (int side = 0; side < 2; side++) {
        for (int i = 0; i < P; i++) c.theta[i] = saved[i] + (side ? -eps : eps) * u[i];
        wg_ctx_reset(ctx);
        value[side] = penalty(ctx, &c, xhat, 10.0f)->data[0];
        activation_pattern(&c, pattern[side]);
      }
      crosses = memcmp(pattern[0], pattern[2], N_ACT) || memcmp(pattern[1], pattern[2], N_ACT);
    } while (crosses && ++tries < 50);
    memcpy(c.theta, saved, sizeof saved);
    if (crosses && redraws++ < 20) {
      trial--;
      continue;
    }
    CHECK(!crosses, "trial %d: no direction kept the activation pattern", trial);
    double analytic = 0;
    for (int i = 0; i < P; i++) analytic += (double)c.dtheta[i] * u[i];
    double fd = (value[0] - value[1]) / (2 * eps);
    CHECK(fabs(fd - analytic) <= 2e-2 * fabs(analytic) + 1e-3, "trial %d: analytic %.6g, finite difference %.6g",
          trial, analytic, fd);
    CHECK(fabs(analytic) > 1e-3, "trial %d: the directional derivative is too small to test (%g)", trial, analytic);
  }
  wg_ctx_free(ctx);
}

/* The second-order part matters: the gradient without it differs. */
static void penalty_gradient_has_second_order_part(void) {
  critic c;
  critic_bind(&c);
  wg_rng_fill_uniform(&rng, c.theta, P, -0.5f, 0.5f);
  float xhat[N * 64];
  wg_rng_fill_normal(&rng, xhat, N * 64, 0, 1);
  wg_ctx *ctx = wg_ctx_new(1 << 20);
  memset(c.dtheta, 0, sizeof c.dtheta);
  wg_tensor *pen = penalty(ctx, &c, xhat, 10.0f);
  CHECK(wg_backward(ctx, pen) == WG_OK, "%s", wg_last_error());
  double norm = 0;
  for (int i = 0; i < P; i++) norm += (double)c.dtheta[i] * c.dtheta[i];
  CHECK(norm > 1e-6, "the penalty's parameter gradient is zero (%g): the backward pass was not recorded", norm);
  wg_ctx_free(ctx);
}

static void wrong_shapes_give_errors(void) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *a = wg_zeros(ctx, 2, (int[]){3, 4}), *b = wg_zeros(ctx, 2, (int[]){5, 6});
  wg_clear_error();
  CHECK(wg_matmul(ctx, a, b, 0, 0) == NULL, "matmul of [3,4] and [5,6] succeeded");
  CHECK(strstr(wg_last_error(), "[3, 4]") && strstr(wg_last_error(), "[5, 6]"), "message: '%s'", wg_last_error());
  CHECK(wg_last_status() == WG_EINVAL, "status %d", wg_last_status());
  CHECK(wg_add(ctx, a, b) == NULL && strstr(wg_last_error(), "broadcast"), "add: '%s'", wg_last_error());
  CHECK(wg_reshape(ctx, a, 2, (int[]){5, 5}) == NULL, "reshape of 12 elements to 25 succeeded");
  wg_tensor *x = wg_zeros(ctx, 4, (int[]){2, 3, 8, 8}), *w = wg_zeros(ctx, 4, (int[]){4, 2, 3, 3});
  wg_conv_opts o = wg_conv_opts_sym(1, 1);
  CHECK(wg_conv2d(ctx, x, w, &o) == NULL && strstr(wg_last_error(), "channels"), "conv: '%s'", wg_last_error());
  CHECK(wg_slice(ctx, a, 1, 3, 2) == NULL, "slice past the end succeeded");
  /* A failed op poisons the chain without crashing; wg_grad reports it. */
  wg_tensor *bad = wg_tanh(ctx, wg_matmul(ctx, a, b, 0, 0)), *g;
  CHECK(bad == NULL, "an op on a failed result returned a tensor");
  CHECK(wg_grad(ctx, 1, &bad, NULL, 1, &a, &g, 0) == WG_EINVAL, "wg_grad of a failed result did not fail");
  CHECK(wg_backward(ctx, a) == WG_EINVAL, "wg_backward of a non-scalar did not fail");
  wg_ctx_free(ctx);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(penalty_gradient_matches_finite_differences);
  RUN(penalty_gradient_has_second_order_part);
  RUN(wrong_shapes_give_errors);
  CHECK_EXIT();
}
