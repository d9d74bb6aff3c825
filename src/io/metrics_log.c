/* metrics.csv and evals.csv: typed rows over the numeric CSV log. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "io/csv_log.h"
#include "wgan/metrics.h"

static const wg_csv_schema metrics_schema = {WG_METRICS_HEADER, "iffffiff"};
static const wg_csv_schema evals_schema = {WG_EVALS_HEADER, "iffff"};
/* The evals.csv of runs made before the sliced W was logged. */
static const wg_csv_schema evals_v1_schema = {"iter,w1,w1_floor", "iff"};

/* Reads the log at path as rows of `size` bytes, each made by `from` out of
 * its values (one per column of schema). *rows (free() it) and *n are set
 * only on success. */
static wg_status read_rows(const char *path, const wg_csv_schema *schema, size_t size,
                           void (*from)(const double *values, void *row), void **rows, size_t *n) {
  double *v;
  size_t count;
  wg_status st = wg_csv_log_read(path, schema, &v, &count);
  if (st) return st;
  char *out = count ? malloc(count * size) : NULL;
  if (count && !out) {
    free(v);
    return wg_set_error(WG_ENOMEM, "%s: out of memory for %zu rows", path, count);
  }
  const size_t ncols = strlen(schema->kinds);
  for (size_t i = 0; i < count; i++) from(v + ncols * i, out + size * i);
  free(v);
  *rows = out;
  *n = count;
  return WG_OK;
}

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

static void metrics_row(const double *v, void *row) {
  *(wg_metrics_row *)row = (wg_metrics_row){(long)v[0], v[1], v[2], v[3], v[4], (int)v[5], v[6], v[7]};
}

wg_status wg_metrics_read(const char *path, wg_metrics_row **rows, size_t *n) {
  if (!rows || !n) return wg_set_error(WG_EINVAL, "metrics log: NULL argument");
  void *out;
  wg_status st = read_rows(path, &metrics_schema, sizeof **rows, metrics_row, &out, n);
  if (!st) *rows = out;
  return st;
}

static void eval_row(const double *v, void *row) {
  *(wg_eval_row *)row = (wg_eval_row){(long)v[0], v[1], v[2], v[3], v[4]};
}

static void eval_v1_row(const double *v, void *row) {
  *(wg_eval_row *)row = (wg_eval_row){(long)v[0], v[1], v[2], NAN, NAN};
}

/* The schema of the evals.csv at path: the older one when its first line
 * is that schema's header, else today's (which then checks the file). */
static const wg_csv_schema *evals_schema_of(const char *path) {
  char line[64] = "";
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(line, 1, sizeof line - 1, f) : 0;
  if (f) fclose(f);
  line[got] = '\0';
  const size_t len = strlen(evals_v1_schema.header);
  return !strncmp(line, evals_v1_schema.header, len) && (line[len] == '\n' || line[len] == '\r') ? &evals_v1_schema
                                                                                                 : &evals_schema;
}

/* Rewrites an older evals.csv at path with today's header, its rows before
 * first_iter kept (NaN sliced columns): first resumed as what it is (which
 * drops the later rows and a torn last line), then copied beside it and
 * renamed. */
static wg_status upgrade(const char *path, long first_iter) {
  wg_csv_log *v1 = wg_csv_log_open(path, &evals_v1_schema, first_iter);
  if (!v1 || wg_csv_log_close(v1) != WG_OK) return wg_last_status();
  void *old;
  size_t n;
  if (read_rows(path, &evals_v1_schema, sizeof(wg_eval_row), eval_v1_row, &old, &n) != WG_OK) return wg_last_status();
  const wg_eval_row *rows = old;
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.upgrade", path);
  wg_csv_log *log = wg_csv_log_open(tmp, &evals_schema, -1);
  wg_status st = log ? WG_OK : wg_last_status();
  for (size_t i = 0; st == WG_OK && i < n; i++)
    st = wg_evals_log_append((wg_evals_log *)log, &rows[i]);
  wg_status closed = log ? wg_csv_log_close(log) : WG_OK;
  if (st == WG_OK) st = closed;
  if (st == WG_OK && rename(tmp, path) != 0) st = wg_set_error(WG_EIO, "%s: cannot rename %s into place", path, tmp);
  if (st != WG_OK && log) unlink(tmp);
  free(old);
  return st;
}

wg_evals_log *wg_evals_log_open(const char *path, long first_iter) {
  if (first_iter >= 0 && evals_schema_of(path) == &evals_v1_schema && upgrade(path, first_iter) != WG_OK) return NULL;
  return (wg_evals_log *)wg_csv_log_open(path, &evals_schema, first_iter);
}

wg_status wg_evals_log_append(wg_evals_log *log, const wg_eval_row *r) {
  if (!r) return wg_set_error(WG_EINVAL, "evals log: NULL row");
  double v[5] = {(double)r->iter, r->w1, r->w1_floor, r->sliced_w1, r->sliced_w1_floor};
  return wg_csv_log_append((wg_csv_log *)log, v);
}

wg_status wg_evals_log_close(wg_evals_log *log) { return wg_csv_log_close((wg_csv_log *)log); }

wg_status wg_evals_read(const char *path, wg_eval_row **rows, size_t *n) {
  if (!rows || !n) return wg_set_error(WG_EINVAL, "evals log: NULL argument");
  const wg_csv_schema *schema = evals_schema_of(path);
  void *out;
  wg_status st = read_rows(path, schema, sizeof **rows, schema == &evals_schema ? eval_row : eval_v1_row, &out, n);
  if (!st) *rows = out;
  return st;
}
