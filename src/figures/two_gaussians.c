/* Figure "two-gaussians" (the article's Figure 1): a GAN discriminator and a
 * WGAN critic (weight clipping), each trained to optimality on the same
 * samples of two far-apart 1-D Gaussians. The discriminator saturates: flat,
 * so no gradient, where the fake mass is; the critic stays close to linear. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "figures/critic.h"
#include "wgan/figures.h"
#include "wgan/plot.h"

enum { GRID = 401 };

void wg_fig_two_gaussians_defaults(wg_fig_two_gaussians_opts *o) {
  *o = (wg_fig_two_gaussians_opts){.mu_real = -2, .mu_fake = 2, .sigma = 0.4, .n = 1024, .hidden = 64,
                                   .disc_steps = 3000, .disc_lr = 2e-2f, .critic_steps = 1000,
                                   .critic_lr = 1e-3f, .clip = 0.01f, .seed = 1};
}

/* The whole fixed sample is every batch (full-batch training). */
typedef struct {
  const float *x;
  int n;
} fixed_set;

static void draw_fixed(void *user, wg_rng *rng, float *x, int n) {
  const fixed_set *s = user;
  (void)rng;
  memcpy(x, s->x, sizeof(float) * (size_t)(n < s->n ? n : s->n));
}

static double mean_abs(const float *g, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += fabs(g[i]);
  return s / n;
}

static double normal_pdf(double x, double mu, double sigma) {
  double t = (x - mu) / sigma;
  return exp(-0.5 * t * t) / (sigma * sqrt(2 * M_PI));
}

/* D*(x) = p_r / (p_r + p_g) = sigmoid(l(x)), l = log(p_r / p_g), and its slope. */
static double optimal_logit(const wg_fig_two_gaussians_opts *o, double x) {
  double a = x - o->mu_fake, b = x - o->mu_real;
  return (a * a - b * b) / (2 * o->sigma * o->sigma);
}
static double optimal_slope(const wg_fig_two_gaussians_opts *o, double x) {
  double e = exp(-fabs(optimal_logit(o, x)));  /* sigmoid'(l) = e / (1 + e)^2, stable for any l */
  return e / ((1 + e) * (1 + e)) * (o->mu_real - o->mu_fake) / (o->sigma * o->sigma);
}

/* R^2 of the least-squares line through (x[i], y[i]), i < n. */
static double line_r2(const double *x, const float *y, int n) {
  double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
  for (int i = 0; i < n; i++) mx += x[i], my += y[i];
  mx /= n, my /= n;
  for (int i = 0; i < n; i++) {
    sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my), syy += (y[i] - my) * (y[i] - my);
  }
  return syy > 0 ? sxy * sxy / (sxx * syy) : 1.0;
}

static wg_status render(const wg_fig_two_gaussians_opts *o, const double *xs, const float *dv, const float *cv,
                        const char *png_path) {
  double pr[GRID], pg[GRID], d[GRID], dstar[GRID], c[GRID];
  for (int i = 0; i < GRID; i++) {
    pr[i] = normal_pdf(xs[i], o->mu_real, o->sigma), pg[i] = normal_pdf(xs[i], o->mu_fake, o->sigma);
    d[i] = dv[i], c[i] = cv[i], dstar[i] = 1 / (1 + exp(-optimal_logit(o, xs[i])));
  }
  wg_plot_series s[] = {
      {.label = "real density", .x = xs, .y = pr, .n = GRID, .color = "#1f77b4"},
      {.label = "fake density", .x = xs, .y = pg, .n = GRID, .color = "#2ca02c"},
      {.label = "optimal D* = p_r/(p_r+p_g)", .x = xs, .y = dstar, .n = GRID, .color = "#999999", .size = 4},
      {.label = "GAN discriminator sigmoid(D(x))", .x = xs, .y = d, .n = GRID, .color = "#d62728", .size = 2},
      {.label = "WGAN critic C(x) (right axis)", .x = xs, .y = c, .n = GRID, .color = "#9467bd", .size = 2,
       .y2 = 1},
  };
  wg_plot_panel p = {.xlabel = "x", .ylabel = "density, discriminator", .y2label = "critic value",
                     .ymin = -0.02, .ymax = 1.25, .key = WG_KEY_BELOW, .series = s,
                     .nseries = sizeof s / sizeof s[0]};
  wg_plot_figure f = {.title = "Two Gaussians: the GAN discriminator saturates, the WGAN critic stays linear",
                      .panels = &p, .npanels = 1, .width = 900, .height = 620};
  return wg_plot_render(&f, png_path);
}

wg_status wg_fig_two_gaussians(const wg_fig_two_gaussians_opts *o, const char *png_path,
                               wg_fig_two_gaussians_result *r) {
  memset(r, 0, sizeof *r);
  if (!(o->sigma > 0) || !isfinite(o->mu_real) || !isfinite(o->mu_fake) || o->mu_real == o->mu_fake)
    return wg_set_error(WG_EINVAL, "two-gaussians: need sigma > 0 and two different finite means");
  if (o->n < 2 || o->hidden < 1 || o->disc_steps < 1 || o->critic_steps < 1 || !(o->disc_lr > 0) ||
      !(o->critic_lr > 0) || !(o->clip > 0))
    return wg_set_error(WG_EINVAL, "two-gaussians: n, hidden, steps, learning rates and clip must be positive");
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  int n = o->n;
  float *real = malloc(sizeof(float) * 4 * (size_t)n + sizeof(float) * 4 * GRID);
  double xs[GRID];
  if (!real) return wg_set_error(WG_ENOMEM, "two-gaussians: out of memory");
  float *fake = real + n, *g = fake + n, *g2 = g + n, *xg = g2 + n, *dv = xg + GRID, *cv = dv + GRID;
  wg_rng_fill_normal(&rng, real, (size_t)n, (float)o->mu_real, (float)o->sigma);
  wg_rng_fill_normal(&rng, fake, (size_t)n, (float)o->mu_fake, (float)o->sigma);
  double lo = fmin(o->mu_real, o->mu_fake) - 5 * o->sigma - 1, hi = fmax(o->mu_real, o->mu_fake) + 5 * o->sigma + 1;
  for (int i = 0; i < GRID; i++) xs[i] = lo + (hi - lo) * i / (GRID - 1), xg[i] = (float)xs[i];

  fixed_set sr = {real, n}, sf = {fake, n};
  wg_net *disc = wg_fig_mlp(1, o->hidden, 2, 0, &rng), *critic = wg_fig_mlp(1, o->hidden, 2, o->clip, &rng);
  wg_status st = disc && critic ? WG_OK : wg_failed("the networks");
  wg_fig_train_opts t = {.kind = WG_LOSS_GAN, .steps = o->disc_steps, .batch = n, .opt = WG_OPT_ADAM,
                         .lr = o->disc_lr, .beta1 = 0.5f, .beta2 = 0.999f, .real = draw_fixed,
                         .fake = draw_fixed, .real_user = &sr, .fake_user = &sf};
  if (st == WG_OK) st = wg_fig_train(disc, 1, &t, &rng);
  t = (wg_fig_train_opts){.kind = WG_LOSS_CLIP, .steps = o->critic_steps, .batch = n, .opt = WG_OPT_RMSPROP,
                          .lr = o->critic_lr, .beta1 = 0.99f, .clip = o->clip, .real = draw_fixed,
                          .fake = draw_fixed, .real_user = &sr, .fake_user = &sf};
  if (st == WG_OK) st = wg_fig_train(critic, 1, &t, &rng);

  if (st == WG_OK) st = wg_fig_input_grads(disc, fake, n, 1, 1, g);
  if (st == WG_OK) st = wg_fig_input_grads(disc, real, n, 1, 1, g2);
  if (st == WG_OK) r->disc_grad_fake = mean_abs(g, n), r->disc_grad_real = mean_abs(g2, n);
  if (st == WG_OK) st = wg_fig_input_grads(critic, fake, n, 1, 0, g);
  if (st == WG_OK) st = wg_fig_input_grads(critic, real, n, 1, 0, g2);
  if (st == WG_OK) r->critic_grad_fake = mean_abs(g, n), r->critic_grad_real = mean_abs(g2, n);
  if (st == WG_OK) st = wg_fig_mean_gap(critic, real, n, fake, n, 1, &r->critic_gap);
  if (st == WG_OK) {  /* the logistic loss on the training samples, from the logits */
    st = wg_fig_values(disc, real, n, 1, 0, g);
    if (st == WG_OK) st = wg_fig_values(disc, fake, n, 1, 0, g2);
    for (int i = 0; st == WG_OK && i < n; i++)
      r->disc_loss += (log1p(exp(-fabs(g[i]))) + fmax(-g[i], 0) + log1p(exp(-fabs(g2[i]))) + fmax(g2[i], 0)) / n;
  }
  for (int i = 0; i < n; i++) r->optimal_grad_fake += fabs(optimal_slope(o, fake[i])) / n;
  if (st == WG_OK) st = wg_fig_values(disc, xg, GRID, 1, 1, dv);
  if (st == WG_OK) st = wg_fig_values(critic, xg, GRID, 1, 0, cv);
  if (st == WG_OK) {  /* the grid points between the two means */
    int i0 = 0, i1 = GRID - 1;
    while (xs[i0] < fmin(o->mu_real, o->mu_fake)) i0++;
    while (xs[i1] > fmax(o->mu_real, o->mu_fake)) i1--;
    r->critic_r2 = line_r2(xs + i0, cv + i0, i1 - i0 + 1);
  }
  if (st == WG_OK && png_path) st = render(o, xs, dv, cv, png_path);
  wg_net_free(disc);
  wg_net_free(critic);
  free(real);
  return st;
}
