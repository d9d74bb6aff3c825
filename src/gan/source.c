/* Real samples for training: toy distributions or a data set in epochs. */
#include "wgan/source.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "wgan/csv.h"

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

static wg_status load_csv(wg_source *src, const char *path) {
  double *rows;
  int64_t n;
  int cols;
  wg_status st = wg_csv_read(path, &rows, &n, &cols);
  if (st != WG_OK) return st;
  src->ds = wg_dataset_from_doubles(rows, n, cols);
  free(rows);
  return src->ds ? WG_OK : wg_last_status();
}

wg_status wg_source_open(wg_source *src, const char *name, float g1d_mean, float g1d_std, uint64_t seed) {
  memset(src, 0, sizeof *src);
  struct stat sb;
  if (wg_toy_from_name(name, &src->toy) == WG_OK) {
    src->kind = WG_SOURCE_TOY;
    src->ndim = 1, src->shape[0] = 2;
    return WG_OK;
  }
  wg_clear_error();
  if (!strcmp(name, "gaussians1d")) {
    if (!(g1d_std > 0)) return wg_set_error(WG_EINVAL, "gaussians1d: the std must be positive, not %g", g1d_std);
    src->kind = WG_SOURCE_GAUSS1D;
    src->g1d = (wg_gauss1d){.mean = {g1d_mean, g1d_mean}, .std = {g1d_std, g1d_std}, .weight0 = 1.0};
    src->ndim = 1, src->shape[0] = 1;
    return WG_OK;
  }
  src->kind = WG_SOURCE_DATASET;
  if (!strcmp(name, "fashion-mnist")) src->ds = wg_idx_load_named(name, 1, 0, 0.0f, 1.0f);
  else if (ends_with(name, ".csv")) {
    if (load_csv(src, name) != WG_OK) return wg_last_status();
  } else if (stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) src->ds = wg_png_folder_load(name, 0, 0.0f, 1.0f);
  else if (strstr(name, "idx") || ends_with(name, "ubyte") || ends_with(name, ".gz") || stat(name, &sb) == 0)
    src->ds = wg_idx_load(name, NULL, 0, 0.0f, 1.0f);
  else
    return wg_set_error(WG_EINVAL,
                        "unknown data '%s': not 8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, nor "
                        "an existing .csv file, IDX file or PNG folder",
                        name);
  if (!src->ds) return wg_last_status();
  src->ndim = src->ds->ndim;
  memcpy(src->shape, src->ds->shape, sizeof src->shape);
  if (src->ndim == 3) src->hi = 1.0f;
  if (wg_batcher_init(&src->batcher, src->ds->n, seed) != WG_OK) {
    wg_source_close(src);
    return wg_last_status();
  }
  return WG_OK;
}

int wg_source_is_image(const wg_source *src) { return src->ndim == 3; }

void wg_source_set_range(wg_source *src, float lo, float hi) {
  if (!wg_source_is_image(src) || (lo == src->lo && hi == src->hi)) return;
  const float scale = (hi - lo) / (src->hi - src->lo);
  float *x = src->ds->x;
  for (int64_t i = 0; i < src->ds->n * src->ds->dim; i++) x[i] = lo + (x[i] - src->lo) * scale;
  src->lo = lo;
  src->hi = hi;
}

int64_t wg_source_size(const wg_source *src) { return src->kind == WG_SOURCE_DATASET ? src->ds->n : 0; }

wg_status wg_source_batch(wg_source *src, wg_rng *rng, int batch, float *out) {
  switch (src->kind) {
    case WG_SOURCE_TOY:
      wg_toy_sample(src->toy, rng, out, batch);
      return WG_OK;
    case WG_SOURCE_GAUSS1D:
      return wg_gauss1d_sample(&src->g1d, rng, out, batch);
    case WG_SOURCE_DATASET:
      return wg_batcher_next(&src->batcher, src->ds, batch, out, NULL);
  }
  return wg_set_error(WG_EINVAL, "bad source");
}

void wg_source_close(wg_source *src) {
  if (src->kind == WG_SOURCE_DATASET) {
    wg_batcher_free(&src->batcher);
    wg_dataset_free(src->ds);
  }
  src->ds = NULL;
}
