/* Minibatches without replacement, one random permutation per epoch, with a
 * state small enough to checkpoint (see wgan/data.h). */
#include "wgan/data.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* Remembers the RNG, then draws the epoch's permutation from the identity,
 * so the permutation is a function of epoch_rng alone. */
static void shuffle(wg_batcher *b) {
  b->epoch_rng = b->rng;
  for (int64_t i = 0; i < b->n; i++) b->order[i] = i;
  for (int64_t i = b->n - 1; i > 0; i--) {
    int64_t j = (int64_t)wg_rng_below(&b->rng, (uint64_t)i + 1);
    int64_t t = b->order[i];
    b->order[i] = b->order[j];
    b->order[j] = t;
  }
  b->pos = 0;
}

wg_status wg_batcher_init(wg_batcher *b, int64_t n, uint64_t seed) {
  memset(b, 0, sizeof *b);
  if (n <= 0) return wg_set_error(WG_EINVAL, "batcher: the dataset is empty");
  b->order = malloc((size_t)n * sizeof *b->order);
  if (!b->order) return wg_set_error(WG_ENOMEM, "batcher: out of memory for %lld samples", (long long)n);
  b->n = n;
  wg_rng_seed(&b->rng, seed);
  shuffle(b);
  return WG_OK;
}

void wg_batcher_free(wg_batcher *b) {
  free(b->order);
  b->order = NULL;
}

/* Reserves the next `batch` positions of the order, starting a new epoch when
 * too few are left; returns the first position, or -1 for a bad batch size. */
static int64_t take(wg_batcher *b, int batch) {
  if (batch <= 0 || batch > b->n) {
    wg_set_error(WG_EINVAL, "batcher: batch size %d does not fit a dataset of %lld samples", batch,
                 (long long)b->n);
    return -1;
  }
  if (b->pos + batch > b->n) {
    b->epoch++;
    shuffle(b);
  }
  int64_t first = b->pos;
  b->pos += batch;
  return first;
}

wg_status wg_batcher_next_indices(wg_batcher *b, int64_t *idx, int batch) {
  int64_t first = take(b, batch);
  if (first < 0) return WG_EINVAL;
  memcpy(idx, b->order + first, (size_t)batch * sizeof *idx);
  return WG_OK;
}

wg_status wg_batcher_next(wg_batcher *b, const wg_dataset *ds, int batch, float *x,
                          uint8_t *labels) {
  if (ds->n != b->n)
    return wg_set_error(WG_EINVAL, "batcher: made for %lld samples, the dataset has %lld",
                        (long long)b->n, (long long)ds->n);
  if (labels && !ds->labels) return wg_set_error(WG_EINVAL, "batcher: the dataset has no labels");
  int64_t first = take(b, batch);
  if (first < 0) return WG_EINVAL;
  for (int i = 0; i < batch; i++) {
    int64_t k = b->order[first + i];
    wg_dataset_get(ds, k, x + (int64_t)i * ds->dim);
    if (labels) labels[i] = ds->labels[k];
  }
  return WG_OK;
}

void wg_batcher_get_state(const wg_batcher *b, int64_t state[WG_BATCHER_STATE_LEN]) {
  state[0] = b->n;
  state[1] = b->epoch;
  state[2] = b->pos;
  memcpy(state + 3, b->epoch_rng.s, sizeof b->epoch_rng.s);
}

wg_status wg_batcher_set_state(wg_batcher *b, const int64_t state[WG_BATCHER_STATE_LEN]) {
  if (state[0] != b->n)
    return wg_set_error(WG_EINVAL, "batcher: the saved state is for %lld samples, the dataset has %lld",
                        (long long)state[0], (long long)b->n);
  if (state[1] < 0 || state[2] < 0 || state[2] > b->n)
    return wg_set_error(WG_EINVAL, "batcher: the saved state (epoch %lld, position %lld) is invalid",
                        (long long)state[1], (long long)state[2]);
  memcpy(b->rng.s, state + 3, sizeof b->rng.s);
  shuffle(b);
  b->epoch = state[1];
  b->pos = state[2];
  return WG_OK;
}
