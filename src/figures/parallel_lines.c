/* Figure "parallel-lines" (the WGAN paper's Example 1): P0 = (0, Z) and
 * P_theta = (theta, Z), Z ~ U[0, 1]. W(P0, P_theta) = |theta| is continuous
 * in theta; JS jumps from 0 to log 2 and KL from 0 to +inf as soon as
 * theta != 0, because the supports are disjoint. W is solved exactly on the
 * samples; JS and KL are computed on histograms over cells in (x, z). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/figures.h"
#include "wgan/ot.h"
#include "wgan/plot.h"

void wg_fig_parallel_lines_defaults(wg_fig_parallel_lines_opts *o) {
  *o = (wg_fig_parallel_lines_opts){.n = 1000, .ntheta = 41, .zbins = 10, .seed = 1};
}

void wg_fig_parallel_lines_free(wg_fig_parallel_lines_result *r) {
  free(r->theta);
  memset(r, 0, sizeof *r);
}

/* Counts of the points pts[n, 2] in the cells: x cells of width h centred on
 * the multiples of h (cell `mid` holds x = 0), z cells of width 1/zbins. */
static void histogram(const double *pts, int n, double h, int ncells_x, int zbins, double *hist /* [ncells_x * zbins] */) {
  int mid = ncells_x / 2;
  memset(hist, 0, sizeof(double) * (size_t)ncells_x * (size_t)zbins);
  for (int i = 0; i < n; i++) {
    long ix = lround(pts[2 * i] / h) + mid;
    int iz = (int)(pts[2 * i + 1] * zbins);
    if (iz >= zbins) iz = zbins - 1;
    hist[ix * zbins + iz] += 1;
  }
}

static wg_status render(const wg_fig_parallel_lines_result *r, const char *png_path) {
  wg_plot_series s[] = {
      {.label = "W(P_0, P_θ) (exact, on samples)", .x = r->theta, .y = r->w, .n = (size_t)r->ntheta,
       .style = WG_PLOT_LINESPOINTS, .color = "#1f77b4", .size = 2},
      {.label = "JS(P_0, P_θ) (histograms)", .x = r->theta, .y = r->js, .n = (size_t)r->ntheta,
       .style = WG_PLOT_LINESPOINTS, .color = "#d62728", .size = 2},
      {.label = "KL(P_0 || P_θ) (histograms)", .x = r->theta, .y = r->kl, .n = (size_t)r->ntheta,
       .style = WG_PLOT_POINTS, .color = "#2ca02c", .size = 1},
  };
  wg_plot_panel p = {.xlabel = "θ", .ylabel = "distance / divergence", .key = WG_KEY_BELOW, .series = s,
                     .nseries = sizeof s / sizeof s[0]};
  wg_plot_figure f = {.title = "Parallel lines: P_0 = (0, Z), P_θ = (θ, Z), Z ~ U[0, 1]", .panels = &p,
                      .npanels = 1, .width = 800, .height = 600};
  return wg_plot_render(&f, png_path);
}

wg_status wg_fig_parallel_lines(const wg_fig_parallel_lines_opts *o, const char *png_path,
                                wg_fig_parallel_lines_result *r) {
  memset(r, 0, sizeof *r);
  if (o->n < 1 || o->ntheta < 3 || o->ntheta % 2 == 0 || o->zbins < 1)
    return wg_set_error(WG_EINVAL, "parallel-lines: need n >= 1, an odd ntheta >= 3 and zbins >= 1");
  int n = o->n, K = o->ntheta;
  double h = 2.0 / (K - 1);  /* the theta spacing: each theta on the grid falls in its own x cell */
  size_t cells = (size_t)K * (size_t)o->zbins;
  r->theta = malloc(sizeof(double) * 4 * (size_t)K);
  double *a = malloc(sizeof(double) * 4 * (size_t)n), *hist = malloc(sizeof(double) * 2 * cells);
  if (!r->theta || !a || !hist) {
    free(a), free(hist), wg_fig_parallel_lines_free(r);
    return wg_set_error(WG_ENOMEM, "parallel-lines: out of memory");
  }
  r->ntheta = K, r->w = r->theta + K, r->js = r->w + K, r->kl = r->js + K;
  double *b = a + 2 * n, *hp = hist, *hq = hist + cells;
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  /* The same Z for both sets: the identity matching moves every point by
   * exactly |theta|, and no plan can do better, so the exact W is |theta|. */
  for (int i = 0; i < n; i++) a[2 * i] = 0, a[2 * i + 1] = b[2 * i + 1] = wg_rng_uniform(&rng);
  histogram(a, n, h, K, o->zbins, hp);
  wg_status st = WG_OK;
  for (int k = 0; k < K && st == WG_OK; k++) {
    double theta = -1 + h * k;
    if (2 * k == K - 1) theta = 0;  /* exactly, not -1 + h * (K - 1) / 2 rounded */
    r->theta[k] = theta;
    for (int i = 0; i < n; i++) b[2 * i] = theta;
    wg_emd_result res;
    st = wg_emd(a, n, b, n, 2, NULL, NULL, NULL, &res);
    if (st != WG_OK) break;
    r->w[k] = res.distance;
    r->pivots += res.iterations;
    wg_emd_result_free(&res);
    histogram(b, n, h, K, o->zbins, hq);
    st = wg_js_divergence(hp, hq, (int64_t)cells, &r->js[k]);
    if (st == WG_OK) st = wg_kl_divergence(hp, hq, (int64_t)cells, &r->kl[k]);
  }
  free(a);
  free(hist);
  if (st == WG_OK && png_path) st = render(r, png_path);
  if (st != WG_OK) wg_fig_parallel_lines_free(r);
  return st;
}
