/* Numeric CSV files (placeholder declaration until the OT module's reader lands). */
#ifndef WGAN_CSV_H
#define WGAN_CSV_H
#include "wgan/base.h"
wg_status wg_csv_read(const char *path, double **data, int64_t *rows, int *cols);
#endif
