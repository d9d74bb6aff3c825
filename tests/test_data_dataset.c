/* The dataset, its split and the minibatch sampler: every sample once per
 * epoch, a resumed sampler draws exactly the batches of an uninterrupted one. */
#include <string.h>

#include "check.h"
#include "wgan.h"

/* n points of dimension 2 whose values encode their index: (i, -i). */
static wg_dataset *indexed(int64_t n, int labels) {
  int d = 2;
  wg_dataset *ds = wg_dataset_new(n, 1, &d, labels);
  for (int64_t i = 0; ds && i < n; i++) {
    ds->x[2 * i] = (float)i;
    ds->x[2 * i + 1] = (float)-i;
    if (labels) ds->labels[i] = (uint8_t)(i % 7);
  }
  return ds;
}

static void new_and_bad_shapes(void) {
  int shape[3] = {1, 28, 28};
  wg_dataset *ds = wg_dataset_new(3, 3, shape, 1);
  CHECK(ds && ds->dim == 784 && ds->labels && ds->x[3 * 784 - 1] == 0 && ds->labels[2] == 0, "image set");
  wg_dataset_free(ds);
  CHECK(wg_dataset_new(0, 1, shape, 0) == NULL && wg_last_status() == WG_EINVAL, "n = 0");
  CHECK(wg_dataset_new(3, 2, shape, 0) == NULL, "2 dims");
  shape[1] = 0;
  CHECK(wg_dataset_new(3, 3, shape, 0) == NULL, "zero size");
  double t[6] = {1, 2, 3, 4, 5, 6};
  ds = wg_dataset_from_doubles(t, 3, 2);
  CHECK(ds && ds->n == 3 && ds->dim == 2 && ds->x[3] == 4.0f, "from doubles");
  wg_dataset_free(ds);
  t[3] = 1e300;
  CHECK(wg_dataset_from_doubles(t, 3, 2) == NULL && strstr(wg_last_error(), "row 2 column 2"), "%s",
        wg_last_error());
}

static void split(void) {
  wg_dataset *ds = indexed(100, 1), *tr, *ho;
  CHECK(wg_dataset_split(ds, 10, NULL, &tr, &ho) == WG_OK, "%s", wg_last_error());
  CHECK(tr->n == 90 && ho->n == 10 && ho->x[0] == 90.0f && ho->labels[0] == 90 % 7 && tr->x[2 * 89] == 89.0f,
        "tail split");
  wg_dataset_free(tr);
  wg_dataset_free(ho);
  wg_rng r;
  wg_rng_seed(&r, 21);
  printf("seed 21\n");
  CHECK(wg_dataset_split(ds, 30, &r, &tr, &ho) == WG_OK, "%s", wg_last_error());
  int seen[100] = {0}, tail = 1;
  for (int64_t i = 0; i < tr->n; i++) seen[(int)tr->x[2 * i]]++;
  for (int64_t i = 0; i < ho->n; i++) seen[(int)ho->x[2 * i]]++;
  for (int i = 0; i < 100; i++) CHECK(seen[i] == 1, "sample %d appears %d times", i, seen[i]);
  for (int64_t i = 1; i < ho->n; i++) CHECK(ho->x[2 * i] > ho->x[2 * i - 2], "held-out part out of order");
  for (int64_t i = 0; i < ho->n; i++) tail &= ho->x[2 * i] >= 70;
  CHECK(!tail, "the random split held out exactly the tail");
  for (int64_t i = 0; i < ho->n; i++) CHECK(ho->labels[i] == (int)ho->x[2 * i] % 7, "label follows");
  wg_dataset_free(tr);
  wg_dataset_free(ho);
  CHECK(wg_dataset_split(ds, 100, &r, &tr, &ho) == WG_EINVAL && !tr && !ho, "hold out everything");
  CHECK(wg_dataset_split(ds, 0, &r, &tr, &ho) == WG_EINVAL, "hold out nothing");
  wg_dataset_free(ds);
}

static void epochs_cover_every_sample(void) {
  enum { N = 103, B = 10 };
  wg_dataset *ds = indexed(N, 1);
  wg_batcher b;
  CHECK(wg_batcher_init(&b, N, 77) == WG_OK, "%s", wg_last_error());
  printf("seed 77\n");
  float x[2 * B];
  uint8_t lab[B];
  int first_epoch[N], same_order = 1;
  for (int e = 0; e < 3; e++) {
    int seen[N] = {0};
    for (int k = 0; k < N / B; k++) {
      CHECK(wg_batcher_next(&b, ds, B, x, lab) == WG_OK, "%s", wg_last_error());
      CHECK(b.epoch == e, "epoch %lld during epoch %d", (long long)b.epoch, e);
      for (int i = 0; i < B; i++) {
        int idx = (int)x[2 * i];
        CHECK(x[2 * i + 1] == -x[2 * i] && lab[i] == idx % 7, "row copied whole");
        seen[idx]++;
        if (e == 0) first_epoch[k * B + i] = idx;
        if (e == 1) same_order &= first_epoch[k * B + i] == idx;
      }
    }
    int twice = 0, missing = 0;
    for (int i = 0; i < N; i++) twice += seen[i] > 1, missing += seen[i] == 0;
    CHECK(twice == 0 && missing == N % B, "epoch %d: %d repeated, %d missing", e, twice, missing);
  }
  int sorted = 1;
  for (int i = 1; i < N / B * B; i++) sorted &= first_epoch[i] == first_epoch[i - 1] + 1;
  CHECK(!sorted, "the first epoch is not shuffled");
  CHECK(!same_order, "the second epoch repeats the first one's order");
  CHECK(wg_batcher_next(&b, ds, N + 1, x, lab) == WG_EINVAL, "batch larger than the set");
  wg_batcher_free(&b);
  wg_dataset_free(ds);
}

/* Save the state mid-epoch, go on, restore into a fresh batcher: the same
 * indices follow, across the next epoch boundary too. */
static void resume_is_exact(void) {
  enum { N = 50, B = 8, AHEAD = 20 };
  wg_batcher a, c;
  wg_batcher_init(&a, N, 5);
  int64_t idx[B], want[AHEAD][B], state[WG_BATCHER_STATE_LEN];
  for (int k = 0; k < 9; k++) wg_batcher_next_indices(&a, idx, B); /* into the second epoch */
  wg_batcher_get_state(&a, state);
  CHECK(state[0] == N && state[1] == 1 && state[2] == 3 * B, "state n %lld epoch %lld pos %lld",
        (long long)state[0], (long long)state[1], (long long)state[2]);
  for (int k = 0; k < AHEAD; k++) wg_batcher_next_indices(&a, want[k], B);
  wg_batcher_init(&c, N, 999); /* another seed: the state must override it */
  CHECK(wg_batcher_set_state(&c, state) == WG_OK, "%s", wg_last_error());
  for (int k = 0; k < AHEAD; k++) {
    wg_batcher_next_indices(&c, idx, B);
    CHECK(memcmp(idx, want[k], sizeof idx) == 0, "batch %d after resume differs", k);
  }
  CHECK(c.epoch == a.epoch && c.pos == a.pos, "epoch/pos after resume");
  state[0] = N + 1;
  CHECK(wg_batcher_set_state(&c, state) == WG_EINVAL, "state for another size accepted");
  state[0] = N;
  state[2] = N + 1;
  CHECK(wg_batcher_set_state(&c, state) == WG_EINVAL, "position past the end accepted");
  wg_batcher_free(&a);
  wg_batcher_free(&c);
}

/* Bytes are read as their levels, by sample, whole and after a map; a
 * subset keeps them bytes; a batch from bytes equals one from the same
 * values held as floats. */
static void byte_samples_read_as_their_levels(void) {
  int shape[3] = {1, 2, 3};
  wg_dataset *b = wg_dataset_new_bytes(4, 3, shape, 0), *f = wg_dataset_new(4, 3, shape, 0);
  CHECK(b && f && b->bytes && !b->x && b->levels[7] == 7.0f, "a byte dataset");
  if (!b || !f) return;
  for (int k = 0; k < 24; k++) b->bytes[k] = (uint8_t)(10 * k), f->x[k] = (float)(10 * k);
  float v[6];
  wg_dataset_get(b, 2, v);
  CHECK(v[0] == 120.0f && v[5] == 170.0f, "sample 2: %g .. %g", v[0], v[5]);
  /* [0, 255] -> [-1, 1]: v -> -1 + (v - 0) * 2/255 */
  wg_dataset_map(b, 0, -1, 2.0f / 255);
  wg_dataset_map(f, 0, -1, 2.0f / 255);
  float *all = wg_dataset_floats(b);
  for (int k = 0; all && k < 24; k++) CHECK(all[k] == f->x[k], "value %d: %g, as floats %g", k, all[k], f->x[k]);
  free(all);
  wg_dataset *sub = wg_dataset_subset(b, (int64_t[]){3, 0}, 2);
  CHECK(sub && sub->bytes && sub->bytes[0] == 180 && sub->bytes[6] == 0, "subset of bytes");
  if (sub) wg_dataset_get(sub, 0, v);
  CHECK_CLOSE(v[0], -1 + 180 * 2.0 / 255, 1e-6, 0);
  wg_batcher bb, bf;
  float xb[12], xf[12];
  wg_batcher_init(&bb, 4, 9);
  wg_batcher_init(&bf, 4, 9);
  CHECK(wg_batcher_next(&bb, b, 2, xb, NULL) == WG_OK && wg_batcher_next(&bf, f, 2, xf, NULL) == WG_OK, "%s",
        wg_last_error());
  CHECK(!memcmp(xb, xf, sizeof xb), "a batch from bytes differs from the same batch from floats");
  wg_batcher_free(&bb), wg_batcher_free(&bf);
  wg_dataset_free(sub), wg_dataset_free(b), wg_dataset_free(f);
}

int main(void) {
  RUN(new_and_bad_shapes);
  RUN(byte_samples_read_as_their_levels);
  RUN(split);
  RUN(epochs_cover_every_sample);
  RUN(resume_is_exact);
  CHECK_EXIT();
}
