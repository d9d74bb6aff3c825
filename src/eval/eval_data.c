/* The real data of an evaluation: two disjoint pools of samples. */
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"

static const char fresh_draws[] = "fresh draws of the distribution (independent seeds)";

static wg_status open_file(wg_eval_data *d, const char *name, wg_rng *rng) {
  wg_dataset *all = wg_dataset_load(name);
  if (!all) return wg_failed(name);
  if (all->n < 4) {
    wg_dataset_free(all);
    return wg_set_error(WG_EINVAL, "%s: fewer than 4 samples: nothing to hold out", name);
  }
  wg_status st = wg_dataset_split(all, all->n / 2, rng, &d->other, &d->heldout);
  wg_dataset_free(all);
  d->what = "a random half of the data set; floor: the other half";
  return st;
}

wg_status wg_eval_data_open(wg_eval_data *d, const char *name, float g1d_mean, float g1d_std, wg_rng *rng) {
  memset(d, 0, sizeof *d);
  if (wg_toy_from_name(name, &d->toy) == WG_OK) {
    d->is_toy = 1, d->ndim = 1, d->shape[0] = 2, d->dim = 2;
    d->what = fresh_draws;
    return WG_OK;
  }
  wg_clear_error();
  if (!strcmp(name, "gaussians1d")) {
    if (!(g1d_std > 0)) return wg_set_error(WG_EINVAL, "gaussians1d: the std must be positive, not %g", g1d_std);
    d->is_g1d = 1, d->ndim = 1, d->shape[0] = 1, d->dim = 1;
    d->g1d = (wg_gauss1d){.mean = {g1d_mean, g1d_mean}, .std = {g1d_std, g1d_std}, .weight0 = 1.0};
    d->what = fresh_draws;
    return WG_OK;
  }
  wg_status st = WG_OK;
  if (!strcmp(name, "fashion-mnist")) {
    d->heldout = wg_idx_load_named(name, 0, 0, 0.0f, 1.0f);
    d->other = d->heldout ? wg_idx_load_named(name, 1, 0, 0.0f, 1.0f) : NULL;
    if (!d->other) st = wg_failed(name);
    d->what = "the t10k test set; floor: the training set";
  } else {
    st = open_file(d, name, rng);
  }
  if (st != WG_OK) {
    wg_eval_data_close(d);
    return st;
  }
  d->ndim = d->heldout->ndim;
  memcpy(d->shape, d->heldout->shape, sizeof d->shape);
  d->dim = d->heldout->dim;
  d->avail = d->heldout->n < d->other->n ? d->heldout->n : d->other->n;
  return WG_OK;
}

wg_status wg_eval_data_draw(const wg_eval_data *d, int64_t n, uint64_t seed, float *real, float *real2) {
  wg_rng ra, rb;
  wg_rng_seed(&ra, seed ^ 0x5eed0001u);
  wg_rng_seed(&rb, seed ^ 0x5eed0002u);
  if (d->is_toy) {
    wg_toy_sample(d->toy, &ra, real, n);
    wg_toy_sample(d->toy, &rb, real2, n);
    return WG_OK;
  }
  if (d->is_g1d) {
    wg_status st = wg_gauss1d_sample(&d->g1d, &ra, real, n);
    return st == WG_OK ? wg_gauss1d_sample(&d->g1d, &rb, real2, n) : st;
  }
  wg_status st = wg_dataset_draw(d->heldout, n, &ra, real);
  return st == WG_OK ? wg_dataset_draw(d->other, n, &rb, real2) : st;
}

void wg_eval_data_close(wg_eval_data *d) {
  wg_dataset_free(d->heldout);
  wg_dataset_free(d->other);
  d->heldout = d->other = NULL;
}
