/* loss.png: the critic's W estimate over training, raw and median-filtered,
 * with the exact W1 evaluations beside it. */
#include <stdlib.h>

#include "core/error.h"
#include "wgan/plot.h"

/* The width the WGAN authors' README smooths -Loss_D with. */
enum { LOSS_MEDIAN_WIDTH = 101 };

wg_status wg_plot_loss(const wg_metrics_row *rows, size_t n, const wg_eval_row *evals, size_t nevals,
                       const char *title, const char *png_path) {
  if ((n && !rows) || (nevals && !evals)) return wg_set_error(WG_EINVAL, "loss plot: NULL rows");
  size_t m = n > nevals ? n : nevals;
  double *buf = malloc((4 * m + 1) * sizeof *buf);
  if (!buf) return wg_set_error(WG_ENOMEM, "loss plot: out of memory for %zu rows", n);
  double *it = buf, *w = buf + m, *smooth = buf + 2 * m, *eval_w1 = buf + 3 * m; /* each [m] */
  for (size_t i = 0; i < n; i++) {
    it[i] = (double)rows[i].iter;
    w[i] = rows[i].w_estimate;
  }
  wg_status st = wg_median_filter(w, n, LOSS_MEDIAN_WIDTH, smooth);
  if (st) {
    free(buf);
    return st;
  }
  double *eval_it = malloc((nevals ? nevals : 1) * sizeof *eval_it);
  if (!eval_it) {
    free(buf);
    return wg_set_error(WG_ENOMEM, "loss plot: out of memory");
  }
  for (size_t i = 0; i < nevals; i++) {
    eval_it[i] = (double)evals[i].iter;
    eval_w1[i] = evals[i].w1;
  }
  wg_plot_series series[3] = {
      {.label = "W estimate (-critic loss)", .x = it, .y = w, .n = n, .color = "#a0b4d8", .size = 0.8},
      {.label = "median of 101", .x = it, .y = smooth, .n = n, .color = "#1f4e9c", .size = 2},
      {.label = "exact W1(generated, real)", .x = eval_it, .y = eval_w1, .n = nevals,
       .style = WG_PLOT_LINESPOINTS, .color = "#d62728", .size = 1.5},
  };
  wg_plot_panel panel = {.title = title ? title : "critic's estimate of W",
                         .xlabel = "generator iteration",
                         .ylabel = "W",
                         .series = series,
                         .nseries = nevals ? 3 : 2};
  wg_plot_figure fig = {.panels = &panel, .npanels = 1, .width = 800, .height = 500};
  st = wg_plot_render(&fig, png_path);
  free(eval_it);
  free(buf);
  return st;
}
