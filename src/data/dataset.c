/* The in-memory dataset: allocation, subsets and the held-out split. */
#include "wgan/data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static wg_dataset *new_dataset(int64_t n, int ndim, const int *shape, int with_labels, size_t value_size) {
  if (n <= 0 || (ndim != 1 && ndim != 3)) {
    wg_set_error(WG_EINVAL, "dataset: need n > 0 and a shape of 1 or 3 dims (got n %lld, %d dims)",
                 (long long)n, ndim);
    return NULL;
  }
  int64_t dim = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] <= 0) {
      wg_set_error(WG_EINVAL, "dataset: dimension %d of the sample shape is %d", i, shape[i]);
      return NULL;
    }
    dim *= shape[i];
  }
  if (dim > INT64_MAX / (int64_t)value_size / n) {
    wg_set_error(WG_ENOMEM, "dataset: %lld samples of %lld values do not fit in memory",
                 (long long)n, (long long)dim);
    return NULL;
  }
  wg_dataset *ds = calloc(1, sizeof *ds);
  if (!ds) goto oom;
  ds->n = n;
  ds->ndim = ndim;
  memcpy(ds->shape, shape, (size_t)ndim * sizeof *shape);
  ds->dim = dim;
  if (value_size == 1) {
    if (!(ds->bytes = calloc((size_t)(n * dim), 1))) goto oom;
    for (int k = 0; k < 256; k++) ds->levels[k] = (float)k;
  } else if (!(ds->x = calloc((size_t)(n * dim), sizeof(float)))) {
    goto oom;
  }
  if (with_labels && !(ds->labels = calloc((size_t)n, 1))) goto oom;
  return ds;
oom:
  wg_dataset_free(ds);
  wg_set_error(WG_ENOMEM, "dataset: out of memory for %lld samples", (long long)n);
  return NULL;
}

wg_dataset *wg_dataset_new(int64_t n, int ndim, const int *shape, int with_labels) {
  return new_dataset(n, ndim, shape, with_labels, sizeof(float));
}

wg_dataset *wg_dataset_new_bytes(int64_t n, int ndim, const int *shape, int with_labels) {
  return new_dataset(n, ndim, shape, with_labels, 1);
}

void wg_dataset_get(const wg_dataset *ds, int64_t i, float *out) {
  if (ds->x) {
    memcpy(out, ds->x + i * ds->dim, sizeof(float) * (size_t)ds->dim);
    return;
  }
  const uint8_t *b = ds->bytes + i * ds->dim;
  for (int64_t k = 0; k < ds->dim; k++) out[k] = ds->levels[b[k]];
}

float *wg_dataset_floats(const wg_dataset *ds) {
  float *x = malloc(sizeof(float) * (size_t)(ds->n * ds->dim));
  if (!x) {
    wg_set_error(WG_ENOMEM, "dataset: out of memory for %lld samples as floats", (long long)ds->n);
    return NULL;
  }
  for (int64_t i = 0; i < ds->n; i++) wg_dataset_get(ds, i, x + i * ds->dim);
  return x;
}

void wg_dataset_map(wg_dataset *ds, float from, float lo, float scale) {
  if (ds->bytes) {
    for (int k = 0; k < 256; k++) ds->levels[k] = lo + (ds->levels[k] - from) * scale;
    return;
  }
  for (int64_t i = 0; i < ds->n * ds->dim; i++) ds->x[i] = lo + (ds->x[i] - from) * scale;
}

wg_dataset *wg_dataset_from_doubles(const double *data, int64_t rows, int cols) {
  wg_dataset *ds = wg_dataset_new(rows, 1, &cols, 0);
  if (!ds) return NULL;
  for (int64_t i = 0; i < rows * cols; i++) {
    float v = (float)data[i];
    if (!isfinite(v)) {
      wg_set_error(WG_ENUMERIC, "dataset: row %lld column %d: %g is not a finite float",
                   (long long)(i / cols + 1), (int)(i % cols + 1), data[i]);
      wg_dataset_free(ds);
      return NULL;
    }
    ds->x[i] = v;
  }
  return ds;
}

void wg_dataset_free(wg_dataset *ds) {
  if (!ds) return;
  free(ds->x);
  free(ds->bytes);
  free(ds->labels);
  free(ds);
}

wg_dataset *wg_dataset_subset(const wg_dataset *ds, const int64_t *idx, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= ds->n) {
      wg_set_error(WG_EINVAL, "dataset: index %lld outside 0..%lld", (long long)idx[i],
                   (long long)ds->n - 1);
      return NULL;
    }
  wg_dataset *out = new_dataset(n, ds->ndim, ds->shape, ds->labels != NULL, ds->bytes ? 1 : sizeof(float));
  if (!out) return NULL;
  memcpy(out->levels, ds->levels, sizeof out->levels);
  for (int64_t i = 0; i < n; i++) {
    if (ds->bytes) memcpy(out->bytes + i * ds->dim, ds->bytes + idx[i] * ds->dim, (size_t)ds->dim);
    else memcpy(out->x + i * ds->dim, ds->x + idx[i] * ds->dim, (size_t)ds->dim * sizeof(float));
    if (ds->labels) out->labels[i] = ds->labels[idx[i]];
  }
  return out;
}

wg_status wg_dataset_split(const wg_dataset *ds, int64_t n_heldout, wg_rng *rng,
                           wg_dataset **train, wg_dataset **heldout) {
  *train = *heldout = NULL;
  if (n_heldout <= 0 || n_heldout >= ds->n)
    return wg_set_error(WG_EINVAL, "dataset: cannot hold out %lld of %lld samples",
                        (long long)n_heldout, (long long)ds->n);
  int64_t n = ds->n;
  int64_t *perm = malloc((size_t)n * sizeof *perm);
  char *held = calloc((size_t)n, 1);
  if (!perm || !held) {
    free(perm);
    free(held);
    return wg_set_error(WG_ENOMEM, "dataset: out of memory splitting %lld samples", (long long)n);
  }
  if (rng) {
    /* A partial Fisher-Yates shuffle picks a uniform subset. */
    for (int64_t i = 0; i < n; i++) perm[i] = i;
    for (int64_t i = 0; i < n_heldout; i++) {
      int64_t j = i + (int64_t)wg_rng_below(rng, (uint64_t)(n - i));
      int64_t t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      held[perm[i]] = 1;
    }
  } else {
    memset(held + (n - n_heldout), 1, (size_t)n_heldout);
  }
  /* Both parts in the original order: held-out indices first, then the rest. */
  int64_t a = 0, b = n_heldout;
  for (int64_t i = 0; i < n; i++) perm[held[i] ? a++ : b++] = i;
  WG_ASSERT(a == n_heldout && b == n);
  *heldout = wg_dataset_subset(ds, perm, n_heldout);
  *train = *heldout ? wg_dataset_subset(ds, perm + n_heldout, n - n_heldout) : NULL;
  free(perm);
  free(held);
  if (!*train) {
    wg_dataset_free(*heldout);
    *heldout = NULL;
    return wg_last_status();
  }
  return WG_OK;
}
