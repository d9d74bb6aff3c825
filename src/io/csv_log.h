/* Internal: an append-only CSV file of numeric rows whose first column is an
 * increasing iteration number; the engine behind metrics.csv and evals.csv. */
#ifndef WGAN_IO_CSV_LOG_H
#define WGAN_IO_CSV_LOG_H
#include <stddef.h>

#include "wgan/base.h"

/* The shape of one kind of log: header is the first line, exactly; kinds has
 * one letter per column, 'i' for an integer column, 'f' for a real one
 * (column 0 is the iteration and must be 'i'). */
typedef struct {
  const char *header;
  const char *kinds;
} wg_csv_schema;

typedef struct wg_csv_log wg_csv_log;

/* See wg_metrics_log_open() for first_iter. NULL on failure. */
wg_csv_log *wg_csv_log_open(const char *path, const wg_csv_schema *schema, long first_iter);
wg_status wg_csv_log_append(wg_csv_log *log, const double *row); /* row: [ncols] */
wg_status wg_csv_log_close(wg_csv_log *log);
/* *rows (free() it) gets *n rows of ncols values each: [n][ncols]. */
wg_status wg_csv_log_read(const char *path, const wg_csv_schema *schema, double **rows, size_t *n);

#endif
