/* loss.png: the critic's W estimate over training, raw and median-filtered,
 * with the evaluations beside it: the exact W1 and its floor on the W axis,
 * the sliced W1 and its floor on a second axis (its scale is its own: in 784
 * dimensions it is about 250 times smaller than W1). */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/plot.h"

/* The width the WGAN authors' README smooths -Loss_D with. */
enum { LOSS_MEDIAN_WIDTH = 101 };
/* Above this many rows the curves are thinned for drawing: gnuplot takes
 * seconds on 10^5 segments, and the figure is only ~700 pixels wide. */
enum { LOSS_MAX_POINTS = 4000 };

/* Thins (x, y)[n] in place to about LOSS_MAX_POINTS points: per bucket of
 * consecutive rows its lowest and highest y (and a NaN if it has one, which
 * breaks the line), in their original order, so the raw curve keeps its
 * whole envelope. Returns the new length. */
static size_t thin_envelope(double *x, double *y, size_t n) {
  if (n <= LOSS_MAX_POINTS) return n;
  size_t bucket = (n + LOSS_MAX_POINTS / 2 - 1) / (LOSS_MAX_POINTS / 2), m = 0;
  for (size_t b = 0; b < n; b += bucket) {
    size_t e = b + bucket < n ? b + bucket : n, lo = n, hi = n, nan_at = n;
    for (size_t i = b; i < e; i++) {
      if (isnan(y[i])) nan_at = i;
      else {
        if (lo == n || y[i] < y[lo]) lo = i;
        if (hi == n || y[i] > y[hi]) hi = i;
      }
    }
    size_t keep[3] = {lo, hi, nan_at};
    for (int a = 0; a < 3; a++) /* three indices in increasing order */
      for (int c = a + 1; c < 3; c++)
        if (keep[c] < keep[a]) {
          size_t t = keep[a];
          keep[a] = keep[c];
          keep[c] = t;
        }
    for (int j = 0; j < 3; j++) {
      if (keep[j] == n || (j > 0 && keep[j] == keep[j - 1])) continue;
      x[m] = x[keep[j]];
      y[m] = y[keep[j]];
      m++;
    }
  }
  return m;
}

wg_status wg_plot_loss(const wg_metrics_row *rows, size_t n, const wg_eval_row *evals, size_t nevals,
                       const char *title, const char *png_path) {
  if ((n && !rows) || (nevals && !evals)) return wg_set_error(WG_EINVAL, "loss plot: NULL rows");
  double *buf = malloc((4 * n + 5 * nevals + 1) * sizeof *buf);
  if (!buf) return wg_set_error(WG_ENOMEM, "loss plot: out of memory for %zu rows", n);
  double *it = buf, *w = it + n, *sx = w + n, *sy = sx + n; /* each [n] */
  double *eval_it = sy + n, *eval_w1 = eval_it + nevals, *eval_floor = eval_w1 + nevals; /* each [nevals] */
  double *eval_sw = eval_floor + nevals, *eval_sw_floor = eval_sw + nevals;
  for (size_t i = 0; i < n; i++) {
    it[i] = (double)rows[i].iter;
    w[i] = rows[i].w_estimate;
  }
  int has_sliced = 0;
  for (size_t i = 0; i < nevals; i++) {
    eval_it[i] = (double)evals[i].iter;
    eval_w1[i] = evals[i].w1;
    eval_floor[i] = evals[i].w1_floor;
    eval_sw[i] = evals[i].sliced_w1;
    eval_sw_floor[i] = evals[i].sliced_w1_floor;
    has_sliced |= isfinite(evals[i].sliced_w1);
  }
  wg_status st = wg_median_filter(w, n, LOSS_MEDIAN_WIDTH, sy);
  if (st) {
    free(buf);
    return st;
  }
  /* The smooth curve is thinned by plain subsampling (it has no spikes to keep). */
  size_t step = n > LOSS_MAX_POINTS ? (n + LOSS_MAX_POINTS - 1) / LOSS_MAX_POINTS : 1, ns = 0;
  for (size_t i = 0; i < n; i += step, ns++) {
    sx[ns] = it[i];
    sy[ns] = sy[i];
  }
  if (n && (n - 1) % step) {
    sx[ns] = it[n - 1];
    sy[ns] = sy[n - 1];
    ns++;
  }
  size_t nraw = thin_envelope(it, w, n);
  wg_plot_series series[6] = {
      {.label = "W estimate (-critic loss)", .x = it, .y = w, .n = nraw, .color = "#a0b4d8", .size = 0.8},
      {.label = "median of 101", .x = sx, .y = sy, .n = ns, .color = "#1f4e9c", .size = 2},
      {.label = "exact W1(generated, real)", .x = eval_it, .y = eval_w1, .n = nevals,
       .style = WG_PLOT_LINESPOINTS, .color = "#d62728", .size = 1.5},
      {.label = "its floor W1(real, real)", .x = eval_it, .y = eval_floor, .n = nevals, .color = "#e8a0a0", .size = 1.5},
      {.label = "sliced W1 (right axis)", .x = eval_it, .y = eval_sw, .n = nevals, .style = WG_PLOT_LINESPOINTS,
       .color = "#2ca02c", .size = 1.2, .y2 = 1},
      {.label = "its floor (right axis)", .x = eval_it, .y = eval_sw_floor, .n = nevals, .color = "#9fd89f",
       .size = 1.2, .y2 = 1},
  };
  wg_plot_panel panel = {.title = title ? title : "critic's estimate of W",
                         .xlabel = "generator iteration",
                         .ylabel = "W",
                         .y2label = has_sliced ? "sliced W1" : NULL,
                         .series = series,
                         .nseries = !nevals ? 2 : has_sliced ? 6 : 4};
  wg_plot_figure fig = {.panels = &panel, .npanels = 1, .width = 800, .height = 500};
  st = wg_plot_render(&fig, png_path);
  free(buf);
  return st;
}
