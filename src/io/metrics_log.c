/* metrics.csv and evals.csv: typed rows over the numeric CSV log. */
#include <stdlib.h>

#include "core/error.h"
#include "io/csv_log.h"
#include "wgan/metrics.h"

static const wg_csv_schema metrics_schema = {WG_METRICS_HEADER, "iffffiff"};
static const wg_csv_schema evals_schema = {WG_EVALS_HEADER, "iff"};

/* The public handles are the CSV log itself under two distinct types. */
wg_metrics_log *wg_metrics_log_open(const char *path, long first_iter) {
  return (wg_metrics_log *)wg_csv_log_open(path, &metrics_schema, first_iter);
}

wg_status wg_metrics_log_append(wg_metrics_log *log, const wg_metrics_row *r) {
  if (!r) return wg_set_error(WG_EINVAL, "metrics log: NULL row");
  double v[8] = {(double)r->iter, r->critic_loss, r->w_estimate, r->gp,
                 r->gen_loss, (double)r->critic_iters, r->seconds, r->samples_per_s};
  return wg_csv_log_append((wg_csv_log *)log, v);
}

wg_status wg_metrics_log_close(wg_metrics_log *log) { return wg_csv_log_close((wg_csv_log *)log); }

wg_status wg_metrics_read(const char *path, wg_metrics_row **rows, size_t *n) {
  if (!rows || !n) return wg_set_error(WG_EINVAL, "metrics log: NULL argument");
  double *v;
  size_t count;
  wg_status st = wg_csv_log_read(path, &metrics_schema, &v, &count);
  if (st) return st;
  wg_metrics_row *out = count ? malloc(count * sizeof *out) : NULL;
  if (count && !out) {
    free(v);
    return wg_set_error(WG_ENOMEM, "%s: out of memory for %zu rows", path, count);
  }
  for (size_t i = 0; i < count; i++) {
    const double *r = v + 8 * i;
    out[i] = (wg_metrics_row){(long)r[0], r[1], r[2], r[3], r[4], (int)r[5], r[6], r[7]};
  }
  free(v);
  *rows = out;
  *n = count;
  return WG_OK;
}

wg_evals_log *wg_evals_log_open(const char *path, long first_iter) {
  return (wg_evals_log *)wg_csv_log_open(path, &evals_schema, first_iter);
}

wg_status wg_evals_log_append(wg_evals_log *log, const wg_eval_row *r) {
  if (!r) return wg_set_error(WG_EINVAL, "evals log: NULL row");
  double v[3] = {(double)r->iter, r->w1, r->w1_floor};
  return wg_csv_log_append((wg_csv_log *)log, v);
}

wg_status wg_evals_log_close(wg_evals_log *log) { return wg_csv_log_close((wg_csv_log *)log); }

wg_status wg_evals_read(const char *path, wg_eval_row **rows, size_t *n) {
  if (!rows || !n) return wg_set_error(WG_EINVAL, "evals log: NULL argument");
  double *v;
  size_t count;
  wg_status st = wg_csv_log_read(path, &evals_schema, &v, &count);
  if (st) return st;
  wg_eval_row *out = count ? malloc(count * sizeof *out) : NULL;
  if (count && !out) {
    free(v);
    return wg_set_error(WG_ENOMEM, "%s: out of memory for %zu rows", path, count);
  }
  for (size_t i = 0; i < count; i++) out[i] = (wg_eval_row){(long)v[3 * i], v[3 * i + 1], v[3 * i + 2]};
  free(v);
  *rows = out;
  *n = count;
  return WG_OK;
}
