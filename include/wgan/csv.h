/* Reading numeric CSV files (point sets, weights, cost matrices, data). */
#ifndef WGAN_CSV_H
#define WGAN_CSV_H
#include "wgan/base.h"

/* Reads a numeric CSV: one row per line, comma-separated, optional header line (a first line whose fields are
 * not all numbers), blank trailing lines ignored. Fails (WG_EIO / WG_EFORMAT, message "FILE:LINE:COL: what")
 * on a missing file, an empty file, ragged rows, a non-numeric field, NaN or +-inf. *data is malloc'ed [rows*cols]. */
wg_status wg_csv_read(const char *path, double **data, int64_t *rows, int *cols);

#endif
