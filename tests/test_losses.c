/* One generator iteration of each loss (clip, gp, gan) through
 * wg_gan_train_iteration on a tiny MLP pair, against a double-precision
 * re-implementation written here: the critic's loss mean C(fake) - mean C(real)
 * (the WGAN paper's eq. 5, negated) and the generator's -mean C(G(z)) (eq. 6);
 * WGAN-GP's penalty lambda mean((||dC/dx (xhat)||_2 - 1)^2), one alpha per
 * sample; the GAN's -log sigmoid(C(real)) - log(1 - sigmoid(C(fake))) and
 * non-saturating -log sigmoid(C(G(z))). Gradients are central differences of
 * the re-implementation; the update is the first RMSprop / Adam step in
 * closed form. The batches are redrawn from a copy of the state's RNG in the
 * order the iteration draws them (src/train/iteration.c, loss.c). */
#include <string.h>

#include "check.h"
#include "wgan.h"

/* Batch 4 of 2-D points, noise 2, three hidden layers of 3 (wg_gan_build_models' mlp). */
enum { B = 4, NZ = 2, D = 2, H = 3, L = 4, MAXW = 3, MAXP = 64 };
static const int critic_sizes[L + 1] = {D, H, H, H, 1}, gen_sizes[L + 1] = {NZ, H, H, H, D};
static uint64_t seed;

static int mlp_n_params(const int *size) {
  int n = 0;
  for (int l = 0; l < L; l++) n += size[l] * size[l + 1] + size[l + 1];
  return n;
}

/* One sample through the MLP whose parameters th are laid out as the
 * library's buffer (per layer w[out, in] then b[out]), ReLU between layers:
 * y = f(x); with dx also d y[0] / dx by hand back-propagation. */
static void mlp(const double *th, const int *size, const double *x, double *y, double *dx) {
  double h[L + 1][MAXW], pre[L][MAXW];
  const double *w[L];
  memcpy(h[0], x, sizeof(double) * (size_t)size[0]);
  for (int l = 0; l < L; l++) {
    const int in = size[l], out = size[l + 1];
    w[l] = th;
    const double *b = th + in * out;
    th = b + out;
    for (int o = 0; o < out; o++) {
      double s = b[o];
      for (int i = 0; i < in; i++) s += w[l][o * in + i] * h[l][i];
      pre[l][o] = s;
      h[l + 1][o] = l < L - 1 && s < 0 ? 0 : s;
    }
  }
  memcpy(y, h[L], sizeof(double) * (size_t)size[L]);
  if (!dx) return;
  double g[MAXW] = {1}, gin[MAXW];
  for (int l = L - 1; l >= 0; l--) {
    const int in = size[l], out = size[l + 1];
    for (int i = 0; i < in; i++) {
      gin[i] = 0;
      for (int o = 0; o < out; o++) gin[i] += w[l][o * in + i] * (l < L - 1 && pre[l][o] < 0 ? 0 : g[o]);
    }
    memcpy(g, gin, sizeof g);
  }
  memcpy(dx, g, sizeof(double) * (size_t)size[0]);
}

/* Parameters of the test's own, in the buffer's layout: weights U(-1, 1),
 * biases U(0.2, 1). With the init's zero biases most units of this tiny
 * net are dead or exactly at their kink, where differences take half a
 * slope and the update says nothing. */
static void live_params(wg_rng *r, float *p, const int *size) {
  for (int l = 0; l < L; l++) {
    const int nw = size[l] * size[l + 1], nb = size[l + 1];
    wg_rng_fill_uniform(r, p, (size_t)nw, -1, 1);
    wg_rng_fill_uniform(r, p + nw, (size_t)nb, 0.2f, 1);
    p += nw + nb;
  }
}

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

typedef struct {
  wg_loss_kind kind;
  double lambda;
  double real[B][D], fake[B][D], alpha[B];
} critic_batch;

/* The critic's loss at parameters th; the logged means and penalty into
 * mr, mf and pen. */
static double critic_loss(const double *th, const critic_batch *b, double *mr, double *mf, double *pen) {
  double sr = 0, sf = 0, logistic = 0, p = 0;
  for (int i = 0; i < B; i++) {
    double cr, cf, c, xhat[D], g[D], n2 = 0;
    mlp(th, critic_sizes, b->real[i], &cr, NULL);
    mlp(th, critic_sizes, b->fake[i], &cf, NULL);
    sr += cr, sf += cf;
    logistic += -log(sigmoid(cr)) - log(1 - sigmoid(cf));
    for (int d = 0; d < D; d++) xhat[d] = b->real[i][d] + b->alpha[i] * (b->fake[i][d] - b->real[i][d]);
    mlp(th, critic_sizes, xhat, &c, g);
    for (int d = 0; d < D; d++) n2 += g[d] * g[d];
    p += (sqrt(n2) - 1) * (sqrt(n2) - 1);
  }
  *mr = sr / B, *mf = sf / B, *pen = b->kind == WG_LOSS_GP ? b->lambda * p / B : 0;
  return b->kind == WG_LOSS_GAN ? logistic / B : *mf - *mr + *pen;
}

static double critic_loss_at(const double *th, const void *arg) {
  double mr, mf, pen;
  return critic_loss(th, arg, &mr, &mf, &pen);
}

typedef struct {
  wg_loss_kind kind;
  double critic[MAXP];
  double z[B][NZ];
} gen_batch;

static double gen_loss_at(const double *th, const void *arg) {
  const gen_batch *b = arg;
  double s = 0;
  for (int i = 0; i < B; i++) {
    double x[D], c;
    mlp(th, gen_sizes, b->z[i], x, NULL);
    mlp(b->critic, critic_sizes, x, &c, NULL);
    s += b->kind == WG_LOSS_GAN ? -log(sigmoid(c)) : -c;
  }
  return s / B;
}

/* Central differences of f at th, every coordinate. */
static void central_grad(double (*f)(const double *, const void *), const double *th, int n, const void *arg,
                         double *g) {
  const double h = 1e-6;
  double t[MAXP];
  memcpy(t, th, sizeof(double) * (size_t)n);
  for (int i = 0; i < n; i++) {
    t[i] = th[i] + h;
    double up = f(t, arg);
    t[i] = th[i] - h;
    double down = f(t, arg);
    t[i] = th[i];
    g[i] = (up - down) / (2 * h);
  }
}

/* The run's optimizer (RMSprop for clip, the WGAN paper's; Adam otherwise)
 * at its first step, PyTorch's eps 1e-8. */
typedef struct {
  int rmsprop;
  double lr, alpha;
} first_step;

/* RMSprop's first step is lr g / (sqrt((1 - alpha) g^2) + eps); Adam's is
 * lr g / (|g| + eps), its bias-corrected moments being g and g^2. */
static double step_of(const first_step *o, double g) {
  const double eps = 1e-8;
  return o->rmsprop ? o->lr * g / (sqrt((1 - o->alpha) * g * g) + eps) : o->lr * g / (fabs(g) + eps);
}

static double clamp(double v, double c) { return v > c ? c : v < -c ? -c : v; }

/* The library's gradient against g, and its update against
 * clamp(before - step(g), clip) (clip 0: none). The step of a gradient
 * within rounding of zero has no defined sign: there only the bound
 * |change| <= the step's size is checked. Returns how many were clamped. */
static int check_update(const char *what, const wg_net *net, const double *before, const double *g,
                        const first_step *o, double clip) {
  const double tiny = 1e-5, bound = fabs(step_of(o, 1.0)), c = clip > 0 ? clip : INFINITY;
  int n_tiny = 0, n_clamped = 0;
  for (int i = 0; i < net->n_params; i++) {
    CHECK(fabs(net->grads[i] - g[i]) <= 1e-5 + 1e-3 * fabs(g[i]), "%s gradient %d: %.8g, expected %.8g", what, i,
          net->grads[i], g[i]);
    const double after = net->params[i], tol = 2e-7 + 1e-4 * bound;
    if (fabs(g[i]) < tiny) {
      n_tiny++;
      CHECK(after >= clamp(before[i] - bound, c) - tol && after <= clamp(before[i] + bound, c) + tol,
            "%s parameter %d (gradient %g): %.8g moved more than a step from %.8g", what, i, g[i], after,
            before[i]);
    } else {
      const double want = clamp(before[i] - step_of(o, g[i]), c);
      n_clamped += want != before[i] - step_of(o, g[i]);
      CHECK(fabs(after - want) <= tol, "%s parameter %d (gradient %g): %.8g, expected %.8g (from %.8g)", what, i,
            g[i], after, want, before[i]);
    }
  }
  CHECK(n_tiny <= net->n_params / 4, "%s: %d of %d gradients are ~0: the update says little", what, n_tiny,
        (int)net->n_params);
  return n_clamped;
}

static void one_iteration(wg_loss_kind kind) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, kind, WG_MODEL_MLP);
  cfg.nz = NZ, cfg.dim = H, cfg.batch = B, cfg.n_critic = 1, cfg.warmup_critic = 0, cfg.seed = seed;
  /* A bound some parameters exceed after the step and others do not; the
   * paper's lambda, so the penalty's share of the gradient is large. */
  cfg.clip = 0.3f, cfg.lambda = 10;
  /* The parameters are overwritten below; the scheme only fixes how much of
   * the stream the initialisation takes before the iteration's draws. */
  cfg.init = WG_INIT_WGANGP;
  wg_source src;
  wg_gan_state s;
  if (wg_source_open(&src, "8gaussians", 0, 1, 1) != WG_OK || wg_gan_state_init(&s, &cfg, 1, (int[]){D}) != WG_OK) {
    CHECK(0, "%s", wg_last_error());
    return;
  }
  wg_net *critic = s.models.critic, *gen = s.models.gen;
  const int nc = mlp_n_params(critic_sizes), ng = mlp_n_params(gen_sizes);
  CHECK(critic->n_params == nc && gen->n_params == ng, "parameters %lld and %lld, expected %d and %d",
        (long long)critic->n_params, (long long)gen->n_params, nc, ng);
  if (critic->n_params != nc || gen->n_params != ng) {
    wg_gan_state_free(&s);
    wg_source_close(&src);
    return;
  }
  wg_rng pr;
  wg_rng_seed(&pr, seed + 1);
  live_params(&pr, critic->params, critic_sizes);
  live_params(&pr, gen->params, gen_sizes);

  /* The iteration draws: the real batch, the critic step's noise, the
   * penalty's alphas (gp), the generator step's noise. */
  wg_rng r = s.rng;
  float real[B * D], z1[B * NZ], alpha[B] = {0}, z2[B * NZ];
  CHECK(wg_source_batch(&src, &r, B, real) == WG_OK, "%s", wg_last_error());
  wg_rng_fill_normal(&r, z1, B * NZ, 0, 1);
  if (kind == WG_LOSS_GP) wg_rng_fill_uniform(&r, alpha, B, 0, 1);
  wg_rng_fill_normal(&r, z2, B * NZ, 0, 1);
  double c0[MAXP], g0[MAXP];
  for (int i = 0; i < nc; i++) c0[i] = critic->params[i];
  for (int i = 0; i < ng; i++) g0[i] = gen->params[i];

  wg_ctx *ctx = wg_ctx_new(0);
  wg_iter_stats st;
  CHECK(wg_gan_train_iteration(&s, &src, ctx, &st) == WG_OK, "%s", wg_last_error());
  CHECK(st.critic_iters == 1, "critic steps %d", st.critic_iters);
  CHECK(!memcmp(r.s, s.rng.s, sizeof r.s), "the iteration drew other random numbers than redrawn here");

  critic_batch cb = {.kind = kind, .lambda = cfg.lambda};
  for (int i = 0; i < B; i++) {
    double z[NZ] = {z1[i * NZ], z1[i * NZ + 1]};
    mlp(g0, gen_sizes, z, cb.fake[i], NULL);
    for (int d = 0; d < D; d++) cb.real[i][d] = real[i * D + d];
    cb.alpha[i] = alpha[i];
  }
  double mr, mf, pen, gc[MAXP];
  const double loss = critic_loss(c0, &cb, &mr, &mf, &pen);
  CHECK_CLOSE(st.critic_loss, loss, 1e-6, 1e-5);
  CHECK_CLOSE(st.w_estimate, mr - mf, 1e-6, 1e-5);
  CHECK_CLOSE(st.gp, pen, 1e-6, 1e-5);
  CHECK(kind != WG_LOSS_GP || pen > 1e-3, "the penalty is too small to test (%g)", pen);
  central_grad(critic_loss_at, c0, nc, &cb, gc);
  const int clip = kind == WG_LOSS_CLIP;
  first_step oc = {clip, cfg.lr_critic, cfg.beta1}, og = {clip, cfg.lr_gen, cfg.beta1};
  int clamped = check_update("critic", critic, c0, gc, &oc, clip ? cfg.clip : 0);
  CHECK(!clip || (clamped > 0 && clamped < nc), "%d of %d critic parameters clamped: clipping not exercised",
        clamped, nc);

  /* The generator step sees the critic as the critic step left it. */
  gen_batch gb = {.kind = kind};
  for (int i = 0; i < nc; i++) gb.critic[i] = critic->params[i];
  for (int i = 0; i < B * NZ; i++) gb.z[i / NZ][i % NZ] = z2[i];
  double gg[MAXP];
  CHECK_CLOSE(st.gen_loss, gen_loss_at(g0, &gb), 1e-6, 1e-5);
  central_grad(gen_loss_at, g0, ng, &gb, gg);
  check_update("generator", gen, g0, gg, &og, 0);

  wg_ctx_free(ctx);
  wg_gan_state_free(&s);
  wg_source_close(&src);
}

static void clip_iteration_matches_hand_computation(void) { one_iteration(WG_LOSS_CLIP); }
static void gp_iteration_matches_hand_computation(void) { one_iteration(WG_LOSS_GP); }
static void gan_iteration_matches_hand_computation(void) { one_iteration(WG_LOSS_GAN); }

int main(void) {
  seed = check_seed(3);
  wg_set_threads(1);
  RUN(clip_iteration_matches_hand_computation);
  RUN(gp_iteration_matches_hand_computation);
  RUN(gan_iteration_matches_hand_computation);
  CHECK_EXIT();
}
