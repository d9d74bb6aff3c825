/* The inputs of an evaluation: the real data, n, and the generated samples. */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "eval/eval_inputs.h"
#include "eval/stream.h"

enum { SALT_REAL = 0x4ea1, SALT_GEN = 0x9e4 };

uint64_t wg_eval_rep_seed(uint64_t seed, int64_t rep) {
  wg_rng r;
  wg_eval_stream(&r, seed, (uint64_t)rep, SALT_REAL);
  return wg_rng_u64(&r);
}

/* Checks the shapes agree (a CSV of 784 columns is taken as flattened 28x28
 * images) and picks n. */
static wg_status sizes(const wg_eval_opts *o, wg_eval_inputs *in) {
  const wg_eval_data *d = &in->d;
  int64_t gdim = o->samples ? o->samples->dim : 1;
  for (int k = 0; !o->samples && k < o->gen_ndim; k++) gdim *= o->gen_shape[k];
  if (gdim != d->dim)
    return wg_set_error(WG_EINVAL, "samples of dimension %lld, but %s has dimension %lld", (long long)gdim, o->data,
                        (long long)d->dim);
  int64_t n = o->n ? o->n : (d->ndim == 3 ? 1000 : 2000);
  if (o->samples && o->samples->n < n) n = o->samples->n;
  if (d->avail && d->avail < n) n = d->avail;
  if (n < 2)
    return wg_set_error(WG_EINVAL, "%s: fewer than 2 samples", o->samples && o->samples->n < 2 ? "the samples" : o->data);
  in->n = n, in->dim = d->dim, in->is_image = d->ndim == 3;
  return WG_OK;
}

wg_status wg_eval_inputs_open(const wg_eval_opts *o, wg_eval_inputs *in) {
  memset(in, 0, sizeof *in);
  if (!o->samples == !o->gen) return wg_set_error(WG_EINVAL, "evaluate: give samples or a generator, not both");
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  if (wg_eval_data_open(&in->d, o->data, o->g1d_mean, o->g1d_std, &rng) != WG_OK) return wg_last_status();
  wg_status st = sizes(o, in);
  if (st != WG_OK) wg_eval_data_close(&in->d);
  return st;
}

void wg_eval_inputs_close(wg_eval_inputs *in) { wg_eval_data_close(&in->d); }

wg_status wg_eval_generated(const wg_eval_opts *o, const wg_eval_inputs *in, int64_t rep, float *gen) {
  const int64_t n = in->n, dim = in->dim;
  wg_rng rng;
  if (rep >= 0) wg_eval_stream(&rng, o->seed, (uint64_t)rep, SALT_GEN);
  else wg_rng_seed(&rng, o->seed ^ 0x5eed0003u);
  if (o->samples) {
    if (rep >= 0) return wg_dataset_draw(o->samples, n, &rng, gen);
    for (int64_t i = 0; i < n; i++) wg_dataset_get(o->samples, i, gen + i * dim);
    return WG_OK;
  }
  if (wg_gan_sample(o->gen, &rng, (int)n, gen) != WG_OK) return wg_last_status();
  float lo = o->gen->out_lo, hi = o->gen->out_hi;
  if (in->is_image && isfinite(lo) && isfinite(hi) && (lo != 0.0f || hi != 1.0f))
    for (int64_t i = 0; i < n * dim; i++) gen[i] = (gen[i] - lo) / (hi - lo);
  return WG_OK;
}
