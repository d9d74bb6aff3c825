/* Real samples for training: toy distributions or a data set in epochs. */
#include "wgan/source.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

wg_status wg_source_open(wg_source *src, const char *name, float g1d_mean, float g1d_std, uint64_t seed) {
  memset(src, 0, sizeof *src);
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
  src->ds = !strcmp(name, "fashion-mnist") ? wg_idx_load_named(name, 1, 0, 0.0f, 1.0f) : wg_dataset_load(name);
  if (!src->ds) return wg_failed(name);
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
  wg_dataset_map(src->ds, src->lo, lo, (hi - lo) / (src->hi - src->lo));
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

wg_status wg_source_batch_slice(wg_source *src, int batch, int first, int count, float *out) {
  if (src->kind != WG_SOURCE_DATASET) return wg_set_error(WG_EINVAL, "batch slice: the source is not a data set");
  if (first < 0 || count < 0 || first + count > batch)
    return wg_set_error(WG_EINVAL, "batch slice: samples [%d, %d) are not in a batch of %d", first, first + count, batch);
  if (batch > src->idx_cap) {
    int64_t *grown = realloc(src->idx, sizeof *grown * (size_t)batch);
    if (!grown) return wg_set_error(WG_ENOMEM, "out of memory for a batch's indices");
    src->idx = grown, src->idx_cap = batch;
  }
  if (wg_batcher_next_indices(&src->batcher, src->idx, batch) != WG_OK) return wg_last_status();
  for (int i = 0; i < count; i++) wg_dataset_get(src->ds, src->idx[first + i], out + i * src->ds->dim);
  return WG_OK;
}

void wg_source_close(wg_source *src) {
  free(src->idx);
  src->idx = NULL, src->idx_cap = 0;
  if (src->kind == WG_SOURCE_DATASET) {
    wg_batcher_free(&src->batcher);
    wg_dataset_free(src->ds);
  }
  src->ds = NULL;
}
