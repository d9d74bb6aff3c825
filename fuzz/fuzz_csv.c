/* The numeric CSV reader, as points (wg_dataset_load of a .csv) and as a
 * weights column (checked by the 1-D transport, which takes weights). */
#include <math.h>
#include <stdlib.h>

#include "fuzz.h"

static void as_weights(const double *w, int64_t n) {
  double *x = malloc(sizeof(double) * (size_t)n);
  FUZZ_ASSERT(x != NULL);
  for (int64_t i = 0; i < n; i++) x[i] = (double)i;
  wg_emd_options o = wg_emd_defaults();
  o.normalize = 1;
  double d;
  wg_status st = wg_wasserstein_1d(x, n, w, x, n, NULL, &o, &d);
  /* Parsed weights are finite; only their signs and total can be refused. */
  FUZZ_ASSERT(st == WG_OK || st == WG_EINVAL);
  FUZZ_ASSERT(st != WG_OK || (isfinite(d) && d >= 0));
  free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_file("points.csv", data, size);
  double *v;
  int64_t rows;
  int cols;
  wg_status st = wg_csv_read(path, &v, &rows, &cols);
  if (st != WG_OK) {
    fuzz_refused(st, path);
    FUZZ_ASSERT(v == NULL && rows == 0 && cols == 0);
    return 0;
  }
  FUZZ_ASSERT(rows >= 1 && cols >= 1);
  for (int64_t i = 0; i < rows * cols; i++) FUZZ_ASSERT(isfinite(v[i]));
  if (cols == 1) as_weights(v, rows);
  free(v);
  wg_dataset *ds = wg_dataset_load(path);
  if (ds) {
    FUZZ_ASSERT(ds->n == rows && ds->dim == cols);
    wg_dataset_free(ds);
  } else {
    /* A double that is finite but too large for a float. */
    FUZZ_ASSERT(wg_last_status() == WG_ENUMERIC);
  }
  return 0;
}
