/* Figures as PNG files, drawn by gnuplot (see docs/plots.md).
 *
 * A figure is plain data: one or more panels side by side, each with an
 * optional heat map underneath and any number of series (lines or points) on
 * top. wg_plot_render() turns it into a gnuplot script with the data inline,
 * feeds it to gnuplot, and renames the finished PNG into place. When gnuplot
 * cannot be started the call fails with a message starting "plotting tool
 * not found" and writes nothing: callers warn and carry on, since a missing
 * plotting tool never fails a run (wg_plot_available() asks beforehand). */
#ifndef WGAN_PLOT_H
#define WGAN_PLOT_H
#include <stddef.h>

#include "wgan/base.h"
#include "wgan/metrics.h"

typedef enum {
  WG_PLOT_LINES = 0,
  WG_PLOT_POINTS,      /* filled dots with a dark outline (readable on a heat map) */
  WG_PLOT_LINESPOINTS
} wg_plot_style;

/* One named series. Give either x and y, or xy (not both).
 * A NaN breaks the line. On a log axis a value <= 0 breaks it too.
 * +inf (-inf) is drawn on the top (bottom) edge of the panel as triangles
 * joined by a dashed line, with its own legend entry "LABEL = +∞ (top edge)";
 * the axis range is then fixed from the finite values. */
typedef struct {
  const char *label;    /* legend entry; NULL: none */
  const double *x;      /* [n] */
  const double *y;      /* [n] */
  const float *xy;      /* [n][2] interleaved points, e.g. a batch of 2-D samples */
  size_t n;
  wg_plot_style style;
  const char *color;    /* "#rrggbb", or "#aarrggbb" (aa = transparency); NULL: automatic */
  double size;          /* line width or point size; 0: default (1.5 and 0.6) */
  int y2;               /* nonzero: against the second (right) y axis */
} wg_plot_series;

/* A scalar field sampled on a regular grid, drawn as a colour map:
 * z[j*nx + i] is the value at (xmin + i*(xmax-xmin)/(nx-1), ymin + j*(ymax-ymin)/(ny-1)).
 * NaN cells are left blank. */
typedef struct {
  const float *z;       /* [ny][nx] */
  size_t nx, ny;        /* each >= 2 */
  double xmin, xmax, ymin, ymax;
  const char *label;    /* colour-bar label; NULL: none */
} wg_plot_heatmap;

typedef enum {
  WG_KEY_TOP_RIGHT = 0,
  WG_KEY_TOP_LEFT,
  WG_KEY_BOTTOM_LEFT,
  WG_KEY_BOTTOM_RIGHT,
  WG_KEY_BELOW,         /* under the graph, outside the axes */
  WG_KEY_NONE
} wg_plot_key;

typedef struct {
  const char *title, *xlabel, *ylabel, *y2label;  /* NULL: none */
  int logx, logy, logy2;                         /* nonzero: log scale */
  /* Axis ranges; min == max means automatic (or the heat map's extent). */
  double xmin, xmax, ymin, ymax, y2min, y2max;
  int square;                                    /* nonzero: equal x and y scales */
  wg_plot_key key;
  const char *note;                              /* small text in the lower left corner; NULL: none */
  const wg_plot_heatmap *heatmap;                /* NULL: none */
  const wg_plot_series *series;                  /* [nseries] */
  size_t nseries;
} wg_plot_panel;

typedef struct {
  const char *title;             /* above all panels; NULL: none */
  const wg_plot_panel *panels;   /* [npanels], laid out left to right */
  size_t npanels;                /* 1..16 */
  int width, height;             /* pixels; 0: 640 per panel by 480 */
} wg_plot_figure;

/* Renders fig into the PNG file png_path (written to a temporary name in the
 * same folder, then renamed). WG_EINVAL for a malformed figure; WG_EIO when
 * gnuplot is missing, fails, or the file cannot be written. */
wg_status wg_plot_render(const wg_plot_figure *fig, const char *png_path);

/* The gnuplot program to run: cmd (a program name looked up in PATH, or a
 * path; no arguments). NULL restores the default: $WGAN_GNUPLOT if set, else
 * "gnuplot". Not thread-safe: set it before plotting starts. */
void wg_plot_set_command(const char *cmd);
/* 1 if the gnuplot program can be started, else 0 with wg_last_error() set. */
int wg_plot_available(void);

/* Running median with a centred window of odd width: out[i] is the median of
 * the finite-or-infinite values of x[max(0, i-h) .. min(n-1, i+h)], h = width/2,
 * so the window shrinks at the ends; NaNs are skipped (all NaN gives NaN); an
 * even count averages the two middle values. out may not alias x. */
wg_status wg_median_filter(const double *x, size_t n, size_t width, double *out); /* x, out: [n] */

/* The loss figure of a training run: the critic's W estimate against the
 * generator iteration, raw (thin, light) and through a median filter of width
 * 101, plus the evaluations when nevals > 0: the exact W1 (points joined by a
 * line) and its floor, and where evals have one the sliced W1 and its floor
 * against a second axis. */
wg_status wg_plot_loss(const wg_metrics_row *rows, size_t n,       /* rows: [n] */
                       const wg_eval_row *evals, size_t nevals,    /* evals: [nevals] */
                       const char *title, const char *png_path);

#endif
