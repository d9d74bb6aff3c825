/* Figure "critic-estimate": how well a critic trained with the gradient
 * penalty estimates W1 (mean C(P) - mean C(Q), by Kantorovich-Rubinstein
 * duality) on pairs of distributions whose W1 is known in closed form,
 * against the exact W1 of the solver on samples. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "figures/critic.h"
#include "wgan/figures.h"
#include "wgan/ot.h"
#include "wgan/plot.h"

void wg_fig_critic_estimate_defaults(wg_fig_critic_estimate_opts *o) {
  *o = (wg_fig_critic_estimate_opts){.shift = 1, .scale = 0.5, .hidden = 128, .layers = 3, .steps = 2000,
                                     .batch = 256, .lr = 2e-4f, .lambda = 10, .n_eval = 8192,
                                     .n_exact = 2000, .every = 50, .seed = 1};
}

/* One side of a pair: a standard 2-D normal shifted along x_1, or the
 * 8gaussians set scaled about the origin. */
typedef struct {
  int gaussian;
  double shift, scale;
} side;

static void draw(void *user, wg_rng *rng, float *x, int n) {
  const side *s = user;
  if (s->gaussian) {
    wg_rng_fill_normal(rng, x, 2 * (size_t)n, 0, 1);
    for (int i = 0; i < n; i++) x[2 * i] += (float)s->shift;
  } else {
    wg_toy_sample(WG_TOY_8GAUSSIANS, rng, x, n);
    for (int i = 0; i < 2 * n; i++) x[i] *= (float)s->scale;
  }
}

/* The estimate on the held-out points, recorded during training. */
typedef struct {
  const float *p, *q;
  int n;
  double *steps, *values;
  int count;
  wg_status st;
} tracker;

static void track(void *user, int step, wg_net *net) {
  tracker *t = user;
  double gap = NAN;
  if (t->st == WG_OK) t->st = wg_fig_mean_gap(net, t->p, t->n, t->q, t->n, 2, &gap);
  t->steps[t->count] = step, t->values[t->count] = gap, t->count++;
}

static wg_status render(const wg_fig_critic_estimate_result *r, tracker *tr, int steps, const char *png_path) {
  wg_plot_panel p[WG_FIG_ESTIMATE_PAIRS];
  wg_plot_series s[WG_FIG_ESTIMATE_PAIRS][3];
  double ends[2] = {0, steps}, exact[WG_FIG_ESTIMATE_PAIRS][2], known[WG_FIG_ESTIMATE_PAIRS][2];
  char titles[WG_FIG_ESTIMATE_PAIRS][96];
  for (int k = 0; k < WG_FIG_ESTIMATE_PAIRS; k++) {
    exact[k][0] = exact[k][1] = r->pair[k].exact;
    known[k][0] = known[k][1] = r->pair[k].known;
    s[k][0] = (wg_plot_series){.label = "critic: mean C(P) - mean C(Q)", .x = tr[k].steps, .y = tr[k].values,
                               .n = (size_t)tr[k].count, .color = "#1f77b4", .size = 2};
    s[k][1] = (wg_plot_series){.label = "exact W1 (solver, samples)", .x = ends, .y = exact[k], .n = 2,
                               .color = "#d62728", .size = 2};
    s[k][2] = (wg_plot_series){.label = "closed form W1", .x = ends, .y = known[k], .n = 2, .color = "#555555",
                               .size = 1};
    snprintf(titles[k], sizeof titles[k], "%s: critic %.4g, exact %.4g (ratio %.3f)", r->pair[k].name,
             r->pair[k].critic, r->pair[k].exact, r->pair[k].critic / r->pair[k].exact);
    p[k] = (wg_plot_panel){.title = titles[k], .xlabel = "critic step", .ylabel = "W1 estimate",
                           .key = WG_KEY_BOTTOM_RIGHT, .series = s[k], .nseries = 3};
  }
  wg_plot_figure f = {.title = "The penalised critic's estimate of W1 against the exact value", .panels = p,
                      .npanels = WG_FIG_ESTIMATE_PAIRS, .width = 1300, .height = 560};
  return wg_plot_render(&f, png_path);
}

wg_status wg_fig_critic_estimate(const wg_fig_critic_estimate_opts *o, const char *png_path,
                                 wg_fig_critic_estimate_result *r) {
  memset(r, 0, sizeof *r);
  if (!(o->shift > 0) || !isfinite(o->shift) || !(o->scale >= 0) || o->scale == 1 || !isfinite(o->scale))
    return wg_set_error(WG_EINVAL, "critic-estimate: need shift > 0 and a scale >= 0 other than 1");
  if (o->hidden < 1 || o->layers < 1 || o->steps < 1 || o->batch < 1 || !(o->lr > 0) || !(o->lambda >= 0) ||
      o->n_eval < 1 || o->n_exact < 1 || o->every < 1)
    return wg_set_error(WG_EINVAL, "critic-estimate: sizes, steps and the learning rate must be positive");
  const float *centres;
  float std;
  wg_toy_centres(WG_TOY_8GAUSSIANS, &centres, &std);
  double radius = hypot(centres[0], centres[1]);
  side sides[WG_FIG_ESTIMATE_PAIRS][2] = {{{1, 0, 1}, {1, o->shift, 1}}, {{0, 0, 1}, {0, 0, o->scale}}};
  r->pair[0] = (wg_fig_estimate_pair){.name = "gaussians", .known = o->shift};
  /* Scaling about the origin moves each point radially by |1 - s| ||x||, and
   * f(x) = ||x|| certifies that no plan does better: W1 = |1 - s| E||X||.
   * E||X|| is the Rice mean, r + std^2 / (2r) to within O(std^4 / r^3). */
  r->pair[1] = (wg_fig_estimate_pair){.name = "8gaussians", .known = fabs(1 - o->scale) *
                                                                     (radius + std * std / (2 * radius))};
  int ne = o->n_eval, nx = o->n_exact, nrec = o->steps / o->every + 1;
  size_t nfl = 4 * (size_t)ne + 4 * (size_t)nx;
  float *buf = malloc(sizeof(float) * nfl);
  double *rec = malloc(sizeof(double) * 2 * WG_FIG_ESTIMATE_PAIRS * (size_t)nrec);
  tracker tr[WG_FIG_ESTIMATE_PAIRS];
  if (!buf || !rec) {
    free(buf), free(rec);
    return wg_set_error(WG_ENOMEM, "critic-estimate: out of memory");
  }
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  wg_status st = WG_OK;
  for (int k = 0; k < WG_FIG_ESTIMATE_PAIRS && st == WG_OK; k++) {
    float *p = buf, *q = p + 2 * ne, *xp = q + 2 * ne, *xq = xp + 2 * nx;
    draw(&sides[k][0], &rng, xp, nx);
    draw(&sides[k][1], &rng, xq, nx);
    wg_emd_result res;
    st = wg_emd_f32(xp, nx, xq, nx, 2, NULL, NULL, NULL, &res);
    if (st != WG_OK) break;
    r->pair[k].exact = res.distance;
    wg_emd_result_free(&res);
    draw(&sides[k][0], &rng, p, ne);
    draw(&sides[k][1], &rng, q, ne);
    tr[k] = (tracker){.p = p, .q = q, .n = ne, .steps = rec + 2 * k * (size_t)nrec, .st = WG_OK};
    tr[k].values = tr[k].steps + nrec;
    wg_net *net = wg_fig_mlp(2, o->hidden, o->layers, 0, &rng);
    if (!net) {
      st = wg_failed("the critic");
      break;
    }
    wg_fig_train_opts t = {.kind = WG_LOSS_GP, .steps = o->steps, .batch = o->batch, .opt = WG_OPT_ADAM,
                           .lr = o->lr, .beta1 = 0.5f, .beta2 = 0.9f, .lambda = o->lambda, .real = draw,
                           .fake = draw, .real_user = &sides[k][0], .fake_user = &sides[k][1],
                           .progress = track, .progress_user = &tr[k], .every = o->every};
    st = wg_fig_train(net, 2, &t, &rng);
    if (st == WG_OK) st = tr[k].st;
    if (st == WG_OK) st = wg_fig_mean_gap(net, p, ne, q, ne, 2, &r->pair[k].critic);
    wg_net_free(net);
    /* The plot needs the held-out points no more: the next pair reuses them. */
  }
  if (st == WG_OK && png_path) st = render(r, tr, o->steps, png_path);
  free(buf);
  free(rec);
  return st;
}
