/* Figure "value-surface" (the WGAN-GP paper's Figure 1a): two critics
 * trained to optimality on a toy data set against a fixed "generator",
 * real + N(0, I), one with weight clipping and one with the gradient
 * penalty. Their values over [-3, 3]^2 side by side, and the statistics of
 * ||grad_x C|| at real and fake points. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "figures/critic.h"
#include "wgan/figures.h"
#include "wgan/plot.h"

void wg_fig_value_surface_defaults(wg_fig_value_surface_opts *o) {
  *o = (wg_fig_value_surface_opts){.data = WG_TOY_8GAUSSIANS, .hidden = 256, .layers = 3, .steps = 2000,
                                   .batch = 256, .clip_lr = 5e-4f, .clip = 0.01f, .gp_lr = 1e-4f,
                                   .lambda = 10, .grid = 121, .npoints = 512, .seed = 1};
}

static void draw_real(void *user, wg_rng *rng, float *x, int n) {
  wg_toy_sample(*(const wg_toy_kind *)user, rng, x, n);
}

/* The fixed generator: a real point plus N(0, I) noise. */
static void draw_fake(void *user, wg_rng *rng, float *x, int n) {
  wg_toy_sample(*(const wg_toy_kind *)user, rng, x, n);
  for (int i = 0; i < 2 * n; i++) x[i] += (float)wg_rng_normal(rng);
}

static wg_fig_stats norm_stats(const float *g, int n) {
  wg_fig_stats s = {0, 0, INFINITY, -INFINITY};
  for (int i = 0; i < n; i++) {
    double v = hypot(g[2 * i], g[2 * i + 1]);
    s.mean += v / n, s.min = fmin(s.min, v), s.max = fmax(s.max, v);
  }
  for (int i = 0; i < n; i++) {
    double v = hypot(g[2 * i], g[2 * i + 1]) - s.mean;
    s.std += v * v / n;
  }
  s.std = sqrt(s.std);
  return s;
}

/* Gradient statistics at the real and fake points, and the mean gap. */
static wg_status measure(wg_net *net, const float *real, const float *fake, int n, float *g, wg_fig_stats *sr,
                         wg_fig_stats *sf, double *gap) {
  wg_status st = wg_fig_input_grads(net, real, n, 2, 0, g);
  if (st == WG_OK) *sr = norm_stats(g, n), st = wg_fig_input_grads(net, fake, n, 2, 0, g);
  if (st == WG_OK) *sf = norm_stats(g, n), st = wg_fig_mean_gap(net, real, n, fake, n, 2, gap);
  return st;
}

static wg_status render(const wg_fig_value_surface_opts *o, const float *zc, const float *zg, const float *real,
                        const float *fake, const wg_fig_value_surface_result *r, const char *png_path) {
  int shown = o->npoints < 256 ? o->npoints : 256;  /* enough to see the data without hiding the surface */
  wg_plot_series s[] = {
      {.label = "real", .xy = real, .n = (size_t)shown, .style = WG_PLOT_POINTS, .color = "#ff9800", .size = 0.5},
      {.label = "fake = real + N(0, I)", .xy = fake, .n = (size_t)shown, .style = WG_PLOT_POINTS,
       .color = "#e040fb", .size = 0.5},
  };
  wg_plot_heatmap hc = {.z = zc, .nx = (size_t)o->grid, .ny = (size_t)o->grid, .xmin = -3, .xmax = 3,
                        .ymin = -3, .ymax = 3, .label = "critic value"};
  wg_plot_heatmap hg = hc;
  hg.z = zg;
  char nc[160], ng[160], title[160];
  snprintf(nc, sizeof nc, "||∇C|| real %.3g ± %.2g, fake %.3g ± %.2g", r->clip_real.mean, r->clip_real.std,
           r->clip_fake.mean, r->clip_fake.std);
  snprintf(ng, sizeof ng, "||∇C|| real %.3g ± %.2g, fake %.3g ± %.2g", r->gp_real.mean, r->gp_real.std,
           r->gp_fake.mean, r->gp_fake.std);
  snprintf(title, sizeof title, "Critic value surfaces on %s (generator fixed at real + N(0, I))",
           wg_toy_name(o->data));
  wg_plot_panel p[2] = {
      {.title = "weight clipping", .xlabel = "x_1", .ylabel = "x_2", .square = 1, .key = WG_KEY_BELOW,
       .note = nc, .heatmap = &hc, .series = s, .nseries = 2},
      {.title = "gradient penalty", .xlabel = "x_1", .ylabel = "x_2", .square = 1, .key = WG_KEY_BELOW,
       .note = ng, .heatmap = &hg, .series = s, .nseries = 2},
  };
  wg_plot_figure f = {.title = title, .panels = p, .npanels = 2, .width = 1300, .height = 650};
  return wg_plot_render(&f, png_path);
}

wg_status wg_fig_value_surface(const wg_fig_value_surface_opts *o, const char *png_path,
                               wg_fig_value_surface_result *r) {
  memset(r, 0, sizeof *r);
  if (o->hidden < 1 || o->layers < 1 || o->steps < 1 || o->batch < 1 || o->grid < 2 || o->npoints < 1 ||
      !(o->clip_lr > 0) || !(o->clip > 0) || !(o->gp_lr > 0) || !(o->lambda >= 0))
    return wg_set_error(WG_EINVAL, "value-surface: sizes, steps, learning rates and clip must be positive");
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  int n = o->npoints, G = o->grid;
  size_t nf = 6 * (size_t)n + 4 * (size_t)G * G;  /* real, fake, g [n, 2]; grid [G*G, 2]; zc, zg [G*G] */
  float *real = malloc(sizeof(float) * nf);
  if (!real) return wg_set_error(WG_ENOMEM, "value-surface: out of memory");
  float *fake = real + 2 * n, *g = fake + 2 * n, *grid = g + 2 * n, *zc = grid + 2 * (size_t)G * G,
        *zg = zc + (size_t)G * G;
  wg_toy_kind kind = o->data;
  draw_real(&kind, &rng, real, n);
  draw_fake(&kind, &rng, fake, n);
  for (int j = 0; j < G; j++)
    for (int i = 0; i < G; i++) {
      grid[2 * ((size_t)j * G + i)] = (float)(-3 + 6.0 * i / (G - 1));
      grid[2 * ((size_t)j * G + i) + 1] = (float)(-3 + 6.0 * j / (G - 1));
    }
  wg_net *clip = wg_fig_mlp(2, o->hidden, o->layers, o->clip, &rng);
  wg_net *gp = wg_fig_mlp(2, o->hidden, o->layers, 0, &rng);
  wg_status st = clip && gp ? WG_OK : wg_failed("the critics");
  wg_fig_train_opts t = {.kind = WG_LOSS_CLIP, .steps = o->steps, .batch = o->batch, .opt = WG_OPT_RMSPROP,
                         .lr = o->clip_lr, .beta1 = 0.99f, .clip = o->clip, .real = draw_real,
                         .fake = draw_fake, .real_user = &kind, .fake_user = &kind};
  if (st == WG_OK) st = wg_fig_train(clip, 2, &t, &rng);
  t.kind = WG_LOSS_GP, t.opt = WG_OPT_ADAM, t.lr = o->gp_lr, t.beta1 = 0.5f, t.beta2 = 0.9f, t.lambda = o->lambda;
  if (st == WG_OK) st = wg_fig_train(gp, 2, &t, &rng);
  if (st == WG_OK) st = measure(clip, real, fake, n, g, &r->clip_real, &r->clip_fake, &r->clip_gap);
  if (st == WG_OK) st = measure(gp, real, fake, n, g, &r->gp_real, &r->gp_fake, &r->gp_gap);
  if (st == WG_OK) st = wg_fig_values(clip, grid, (int64_t)G * G, 2, 0, zc);
  if (st == WG_OK) st = wg_fig_values(gp, grid, (int64_t)G * G, 2, 0, zg);
  if (st == WG_OK && png_path) st = render(o, zc, zg, real, fake, r, png_path);
  wg_net_free(clip);
  wg_net_free(gp);
  free(real);
  return st;
}
