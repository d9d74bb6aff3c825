/* The metric logs of a training run, as CSV files:
 *   metrics.csv  iter,critic_loss,w_estimate,gp,gen_loss,critic_iters,seconds,samples_per_s
 *                (one row per generator iteration)
 *   evals.csv    iter,w1,w1_floor,sliced_w1,sliced_w1_floor
 *                (one row per evaluation; a log of the older iter,w1,w1_floor
 *                is read with NaN sliced columns, and upgraded when resumed)
 * Each row goes to the file with one write() as soon as it is appended, so a
 * crash loses at most the row being written. Iterations must increase.
 * Numbers are written with 9 significant digits; NaN and infinities as
 * "nan", "inf", "-inf" (a diverged run is logged as it happened). */
#ifndef WGAN_METRICS_H
#define WGAN_METRICS_H
#include <stddef.h>

#include "wgan/base.h"

#define WG_METRICS_HEADER "iter,critic_loss,w_estimate,gp,gen_loss,critic_iters,seconds,samples_per_s"
#define WG_EVALS_HEADER "iter,w1,w1_floor,sliced_w1,sliced_w1_floor"

typedef struct {
  long iter;            /* generator iteration */
  double critic_loss;   /* the critic's last loss; w_estimate = -critic_loss without the penalty */
  double w_estimate;    /* mean D(real) - mean D(fake): the critic's estimate of W */
  double gp;            /* the gradient penalty term (0 without one) */
  double gen_loss;
  int critic_iters;     /* critic steps in this generator iteration */
  double seconds;       /* wall time since the run started */
  double samples_per_s;
} wg_metrics_row;

typedef struct {
  long iter;
  double w1;            /* exact W1(generated, real) */
  double w1_floor;      /* exact W1(real, real held out) on the same n: the sampling-noise floor */
  double sliced_w1;     /* sliced W1(generated, real) over random projections; NaN if not measured */
  double sliced_w1_floor;
} wg_eval_row;

typedef struct wg_metrics_log wg_metrics_log;
typedef struct wg_evals_log wg_evals_log;

/* Opens path for appending rows. first_iter < 0: a new log (an existing file
 * is replaced). first_iter >= 0: resume an existing log, keeping its rows with
 * iter < first_iter and dropping the rest (and a torn last line), so the
 * resumed run's first row is first_iter; a missing file starts a new log.
 * NULL on failure (WG_EIO, or WG_EFORMAT for a file that is not such a log). */
wg_metrics_log *wg_metrics_log_open(const char *path, long first_iter);
wg_status wg_metrics_log_append(wg_metrics_log *log, const wg_metrics_row *row);
/* Closes and frees; NULL is accepted. */
wg_status wg_metrics_log_close(wg_metrics_log *log);
/* Loads every row: *rows (free() it) gets *n rows. WG_EIO, WG_EFORMAT
 * ("FILE:LINE:COL: what"), WG_ENOMEM. */
wg_status wg_metrics_read(const char *path, wg_metrics_row **rows, size_t *n);

wg_evals_log *wg_evals_log_open(const char *path, long first_iter);
wg_status wg_evals_log_append(wg_evals_log *log, const wg_eval_row *row);
wg_status wg_evals_log_close(wg_evals_log *log);
wg_status wg_evals_read(const char *path, wg_eval_row **rows, size_t *n);

#endif
