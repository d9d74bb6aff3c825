/* The library's own wg_gradient_penalty (src/train/loss.c) on a small conv
 * critic (1x6x6 -> conv 2 channels k3 stride 2 pad 1 -> LeakyReLU 0.2 ->
 * flatten -> linear -> 1): its value against a hand computation in double
 * (lambda mean((||dC/dx (xhat)||_2 - 1)^2), xhat = real + alpha (fake - real),
 * one alpha per sample), and its parameter gradient through wg_backward
 * against central differences of the library's penalty in every parameter,
 * the alphas kept by reseeding the RNG before each evaluation. The
 * trainer's two passes (penalty, then the W term, the context rewound
 * between them) give the one pass's gradient bit for bit, in less memory. */
#include <string.h>

#include "check.h"
#include "train/loss.h"
#include "wgan.h"

enum { N = 3, S = 6, C = 2, K = 3, O = 3, P_W = C * K * K, P_B = C, P_L = C * O * O, P = P_W + P_B + P_L + 1 };
static const float lambda = 10, slope = 0.2f;
static uint64_t seed;

/* The critic in double at parameters th (the buffer's layout: conv w[C, 1,
 * K, K], b[C], linear w[1, C*O*O], b[1]) for one sample x[S][S]: the
 * pre-activations pre[C][O][O] and dC/dx by hand back-propagation. */
static void critic_grad(const double *th, const double *x, double *pre, double *gx) {
  const double *w = th, *b = th + P_W, *wl = th + P_W + P_B;
  memset(gx, 0, sizeof(double) * S * S);
  for (int c = 0; c < C; c++)
    for (int oy = 0; oy < O; oy++)
      for (int ox = 0; ox < O; ox++) {
        double s = b[c];
        for (int ky = 0; ky < K; ky++)
          for (int kx = 0; kx < K; kx++) {
            int iy = 2 * oy - 1 + ky, ix = 2 * ox - 1 + kx;
            if (iy >= 0 && iy < S && ix >= 0 && ix < S) s += w[(c * K + ky) * K + kx] * x[iy * S + ix];
          }
        const int j = (c * O + oy) * O + ox;
        pre[j] = s;
        const double d = wl[j] * (s > 0 ? 1 : slope);
        for (int ky = 0; ky < K; ky++)
          for (int kx = 0; kx < K; kx++) {
            int iy = 2 * oy - 1 + ky, ix = 2 * ox - 1 + kx;
            if (iy >= 0 && iy < S && ix >= 0 && ix < S) gx[iy * S + ix] += d * w[(c * K + ky) * K + kx];
          }
      }
}

/* The penalty in double; the signs of every pre-activation into pattern. */
static double hand_penalty(const double *th, const float *real, const float *fake, const float *alpha,
                           unsigned char *pattern) {
  double sum = 0;
  for (int i = 0; i < N; i++) {
    double x[S * S], pre[C * O * O], g[S * S], n2 = 0;
    for (int k = 0; k < S * S; k++)
      x[k] = real[i * S * S + k] + (double)alpha[i] * (fake[i * S * S + k] - real[i * S * S + k]);
    critic_grad(th, x, pre, g);
    for (int k = 0; k < S * S; k++) n2 += g[k] * g[k];
    for (int j = 0; j < C * O * O; j++) pattern[i * C * O * O + j] = pre[j] > 0;
    sum += (sqrt(n2) - 1) * (sqrt(n2) - 1);
  }
  return lambda * sum / N;
}

static wg_net *conv_critic(void) {
  wg_net *net = wg_net_new("critic", 3, (int[]){1, S, S});
  wg_conv_opts o = wg_conv_opts_sym(2, 1);
  int ok = net && wg_net_conv(net, C, K, &o, 1) == WG_OK;
  ok = ok && wg_net_activation(net, WG_LAYER_LEAKY_RELU, slope) == WG_OK;
  ok = ok && wg_net_reshape(net, 1, (int[]){P_L}) == WG_OK && wg_net_linear(net, 1, 1, WG_FAN_GLOROT) == WG_OK;
  ok = ok && wg_net_finish(net) == WG_OK;
  CHECK(ok, "%s", wg_last_error());
  CHECK(!ok || net->n_params == P, "%lld parameters, expected %d", (long long)net->n_params, P);
  if (ok && net->n_params == P) return net;
  wg_net_free(net);
  return NULL;
}

/* The library's penalty, alphas drawn from a fresh RNG of the test's seed. */
static wg_tensor *library_penalty(wg_ctx *ctx, wg_net *net, float *real, float *fake) {
  wg_ctx_reset(ctx);
  wg_rng r;
  wg_rng_seed(&r, seed);
  const int shape[4] = {N, 1, S, S};
  wg_tensor *tr = wg_from_data(ctx, real, 4, shape), *tf = wg_from_data(ctx, fake, 4, shape);
  return wg_gradient_penalty(ctx, net, tr, tf, lambda, &r);
}

/* The critic's parameters and a batch of real and fake samples from one stream. */
static void draw_problem(wg_net *net, float *real, float *fake, uint64_t stream) {
  wg_rng r;
  wg_rng_seed(&r, stream);
  wg_rng_fill_uniform(&r, net->params, P, -0.5f, 0.5f);
  wg_rng_fill_uniform(&r, real, N * S * S, 0, 1);
  wg_rng_fill_normal(&r, fake, N * S * S, 0.5f, 0.5f);
}

static void penalty_value_and_parameter_gradient(void) {
  wg_net *net = conv_critic();
  if (!net) return;
  float real[N * S * S], fake[N * S * S], alpha[N];
  draw_problem(net, real, fake, seed + 1);
  /* The penalty's draw: one alpha per sample. */
  wg_rng r;
  wg_rng_seed(&r, seed);
  wg_rng_fill_uniform(&r, alpha, N, 0, 1);

  wg_ctx *ctx = wg_ctx_new(0);
  double th[P];
  for (int i = 0; i < P; i++) th[i] = net->params[i];
  unsigned char pattern[3][N * C * O * O];
  const double want = hand_penalty(th, real, fake, alpha, pattern[0]);
  wg_tensor *pen = library_penalty(ctx, net, real, fake);
  CHECK(pen != NULL, "%s", wg_last_error());
  if (!pen) {
    wg_ctx_free(ctx);
    wg_net_free(net);
    return;
  }
  CHECK_CLOSE(pen->data[0], want, 1e-5, 1e-5);
  wg_net_zero_grad(net);
  CHECK(wg_backward(ctx, pen) == WG_OK, "%s", wg_last_error());
  float grad[P];
  memcpy(grad, net->grads, sizeof grad);

  /* The penalty is smooth in theta while no pre-activation changes sign. */
  const float h = 1e-2f;
  double scale = 0;
  for (int i = 0; i < P; i++) scale = fmax(scale, fabs(grad[i]));
  for (int i = 0; i < P; i++) {
    const float saved = net->params[i];
    double value[2];
    for (int side = 0; side < 2; side++) {
      net->params[i] = saved + (side ? -h : h);
      th[i] = net->params[i];
      hand_penalty(th, real, fake, alpha, pattern[1 + side]);
      wg_tensor *p = library_penalty(ctx, net, real, fake);
      value[side] = p ? p->data[0] : NAN;
    }
    net->params[i] = saved;
    th[i] = saved;
    CHECK(!memcmp(pattern[0], pattern[1], sizeof pattern[0]) && !memcmp(pattern[0], pattern[2], sizeof pattern[0]),
          "parameter %d: a step of %g crosses a LeakyReLU kink; pick other data", i, h);
    const double fd = (value[0] - value[1]) / (2 * h);
    CHECK(fabs(grad[i] - fd) <= 2e-4 * scale + 1e-3 * fabs(fd), "parameter %d: backward %.7g, finite difference %.7g",
          i, grad[i], fd);
  }
  CHECK(scale > 0.1, "the penalty's gradient is too small to test (%g)", scale);
  wg_ctx_free(ctx);
  wg_net_free(net);
}

/* wg_critic_backward against wg_critic_loss_of + one wg_backward: the same
 * figures and gradient (bits), the same draws, a smaller arena peak. */
static void two_passes_equal_one(void) {
  wg_net *net = conv_critic();
  if (!net) return;
  float real[N * S * S], fake[N * S * S], grad_one[P];
  draw_problem(net, real, fake, seed + 2);
  const int shape[4] = {N, 1, S, S};
  wg_ctx *one = wg_ctx_new(0), *two = wg_ctx_new(0);
  wg_rng r_one, r_two;
  wg_rng_seed(&r_one, seed), wg_rng_seed(&r_two, seed);
  wg_critic_loss l;
  wg_net_zero_grad(net);
  wg_status st = wg_critic_loss_of(one, net, WG_LOSS_GP, lambda, wg_from_data(one, real, 4, shape),
                                   wg_from_data(one, fake, 4, shape), &r_one, &l);
  CHECK(st == WG_OK && wg_backward(one, l.loss) == WG_OK, "%s", wg_last_error());
  memcpy(grad_one, net->grads, sizeof grad_one);
  wg_critic_figures f;
  wg_net_zero_grad(net);
  st = wg_critic_backward(two, net, WG_LOSS_GP, lambda, wg_from_data(two, real, 4, shape),
                          wg_from_data(two, fake, 4, shape), &r_two, &f);
  CHECK(st == WG_OK, "%s", wg_last_error());
  CHECK(!memcmp(grad_one, net->grads, sizeof grad_one), "the two passes' gradient differs from the one pass's");
  CHECK(f.loss == l.loss->data[0] && f.penalty == l.penalty->data[0] && f.mean_real == l.mean_real->data[0] &&
            f.mean_fake == l.mean_fake->data[0],
        "figures: loss %g / %g, penalty %g / %g", f.loss, l.loss->data[0], f.penalty, l.penalty->data[0]);
  CHECK(!memcmp(&r_one, &r_two, sizeof r_one), "the passes drew differently");
  CHECK(wg_ctx_peak_bytes(two) < wg_ctx_peak_bytes(one), "arena peak %zu bytes in two passes, %zu in one",
        wg_ctx_peak_bytes(two), wg_ctx_peak_bytes(one));
  wg_ctx_free(one);
  wg_ctx_free(two);
  wg_net_free(net);
}

/* Tensors made before a mark keep their values; what came after is freed
 * (its memory handed out again, the tape back to its length), also when the
 * arena had to grow past its first chunk. */
static void rewind_frees_what_came_after(void) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *w = wg_full(ctx, 1, (int[]){4}, 2.0f);
  w->requires_grad = 1;
  wg_tensor *kept = wg_mul_scalar(ctx, w, 3.0f);
  wg_ctx_mark m = wg_ctx_mark_now(ctx);
  wg_tensor *first = wg_mul_scalar(ctx, kept, 5.0f);
  wg_tensor *big = wg_zeros(ctx, 1, (int[]){1 << 20}); /* past the first 64 KB chunk */
  CHECK(first && big, "%s", wg_last_error());
  wg_ctx_rewind(ctx, m);
  wg_tensor *again = wg_mul_scalar(ctx, kept, 7.0f);
  CHECK(again && again->data == first->data, "the memory after the mark was not handed out again");
  CHECK(kept->data[3] == 6.0f && again->data[0] == 42.0f, "values %g, %g", kept->data[3], again->data[0]);
  wg_tensor *g;
  CHECK(wg_grad(ctx, 1, &again, NULL, 1, &w, &g, 0) == WG_OK && g->data[0] == 21.0f,
        "the gradient through the rewound tape: %g", g ? g->data[0] : NAN);
  wg_ctx_free(ctx);
}

int main(void) {
  seed = check_seed(17);
  wg_set_threads(1);
  RUN(penalty_value_and_parameter_gradient);
  RUN(two_passes_equal_one);
  RUN(rewind_frees_what_came_after);
  CHECK_EXIT();
}
