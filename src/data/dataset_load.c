/* A data set from a file or folder, whatever its format, and draws of
 * distinct samples from one. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "wgan/csv.h"
#include "wgan/data.h"

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

static wg_dataset *load_csv(const char *path) {
  double *rows;
  int64_t n;
  int cols;
  if (wg_csv_read(path, &rows, &n, &cols) != WG_OK) return NULL;
  wg_dataset *ds = wg_dataset_from_doubles(rows, n, cols);
  free(rows);
  return ds;
}

wg_dataset *wg_dataset_load(const char *path) {
  struct stat sb;
  int exists = stat(path, &sb) == 0;
  if (ends_with(path, ".csv")) return load_csv(path);
  if (exists && S_ISDIR(sb.st_mode)) return wg_png_folder_load(path, 0, 0.0f, 1.0f);
  if (exists || strstr(path, "idx") || ends_with(path, "ubyte") || ends_with(path, ".gz"))
    return wg_idx_load(path, NULL, 0, 0.0f, 1.0f);
  wg_set_error(WG_EINVAL,
               "unknown data '%s': not 8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, nor an "
               "existing .csv file, IDX file or PNG folder",
               path);
  return NULL;
}

wg_status wg_dataset_draw(const wg_dataset *ds, int64_t n, wg_rng *rng, float *out) {
  if (n > ds->n) return wg_set_error(WG_EINVAL, "%lld distinct samples asked of a data set of %lld", (long long)n,
                                     (long long)ds->n);
  int64_t *idx = malloc(sizeof(int64_t) * (size_t)ds->n);
  if (!idx) return wg_set_error(WG_ENOMEM, "out of memory for %lld indices", (long long)ds->n);
  for (int64_t i = 0; i < ds->n; i++) idx[i] = i;
  for (int64_t i = 0; i < n; i++) { /* a partial Fisher-Yates shuffle */
    int64_t j = i + (int64_t)wg_rng_below(rng, (uint64_t)(ds->n - i)), t = idx[i];
    idx[i] = idx[j], idx[j] = t;
    wg_dataset_get(ds, idx[i], out + i * ds->dim);
  }
  free(idx);
  return WG_OK;
}
