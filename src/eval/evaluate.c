/* The whole evaluation of a generator or of a file of samples against real
 * data: exact W1 and its floor (with error bars from repetitions where
 * asked), the sliced W, the energy distance, the feature metrics for 28x28
 * images, precision / recall in the points' space for point data, mode
 * coverage on the 2-D mixtures. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "eval/eval_features.h"
#include "eval/eval_inputs.h"

wg_eval_opts wg_eval_defaults(void) {
  return (wg_eval_opts){.g1d_mean = 3.0f, .g1d_std = 1.0f, .seed = 1, .projections = 200, .sliced_p = 1.0};
}

/* The W1 repetitions and their summaries. */
static wg_status bootstrap(const wg_eval_opts *o, wg_eval_result *out) {
  double *v = malloc(sizeof(double) * 2 * (size_t)o->bootstrap);
  if (!v) return wg_set_error(WG_ENOMEM, "bootstrap: out of memory for %d repetitions", o->bootstrap);
  wg_status st = wg_eval_repeat(o, 0, o->bootstrap, v, v + o->bootstrap);
  if (st == WG_OK) st = wg_eval_summarize(v, o->bootstrap, &out->w1_boot);
  if (st == WG_OK) st = wg_eval_summarize(v + o->bootstrap, o->bootstrap, &out->floor_boot);
  free(v);
  out->has_bootstrap = st == WG_OK;
  return st;
}

/* The figures that take any samples: sliced W and the energy distance, each
 * beside its floor (real2 against real), and for points precision/recall in
 * their own space. */
static wg_status space_figures(const wg_eval_opts *o, const wg_eval_inputs *in, const float *gen, const float *real,
                               const float *real2, wg_eval_result *out) {
  const int64_t n = in->n;
  const int d = (int)in->dim;
  wg_status st = WG_OK;
  if (o->projections > 0) {
    st = wg_sliced_wasserstein(gen, n, real, n, d, o->sliced_p, o->projections, o->seed, &out->sliced);
    if (st == WG_OK) st = wg_sliced_wasserstein(real2, n, real, n, d, o->sliced_p, o->projections, o->seed, &out->sliced_floor);
    out->has_sliced = st == WG_OK;
  }
  if (st == WG_OK) st = wg_energy_distance(gen, n, real, n, d, &out->energy);
  if (st == WG_OK) st = wg_energy_distance(real2, n, real, n, d, &out->energy_floor);
  if (st == WG_OK && !in->is_image && (o->pr_k || out->pr_k < n)) {
    st = wg_precision_recall(real, n, gen, n, d, out->pr_k, &out->precision, &out->recall);
    if (st == WG_OK) st = wg_precision_recall(real, n, real2, n, d, out->pr_k, &out->precision_floor, &out->recall_floor);
    out->has_pr = st == WG_OK;
  }
  return st;
}

static wg_status check_opts(const wg_eval_opts *o) {
  if (o->bootstrap < 0 || o->projections < 0 || o->kid_subsets < 0 || o->kid_subset_size < 0 || o->pr_k < 0)
    return wg_set_error(WG_EINVAL, "evaluate: negative counts");
  if (o->projections > 0 && !(o->sliced_p >= 1)) return wg_set_error(WG_EINVAL, "evaluate: sliced p must be >= 1");
  return WG_OK;
}

wg_status wg_evaluate(const wg_eval_opts *o, wg_eval_result *out) {
  memset(out, 0, sizeof *out);
  if (check_opts(o) != WG_OK) return wg_last_status();
  wg_eval_inputs in;
  if (wg_eval_inputs_open(o, &in) != WG_OK) return wg_last_status();
  const int64_t n = in.n, dim = in.dim;
  const wg_eval_data *d = &in.d;
  out->n = n, out->dim = dim, out->is_image = in.is_image, out->heldout = d->what, out->pr_k = o->pr_k ? o->pr_k : 3;
  float *buf = malloc(sizeof(float) * 3 * (size_t)n * (size_t)dim);
  wg_status st = buf ? WG_OK : wg_set_error(WG_ENOMEM, "out of memory for %lld samples", (long long)n);
  float *gen = buf, *real = buf + n * dim, *real2 = real + n * dim;
  if (st == WG_OK) st = wg_eval_generated(o, &in, -1, gen);
  if (st == WG_OK) st = wg_eval_data_draw(d, n, o->seed, real, real2);
  if (st == WG_OK) st = wg_eval_w1(gen, real, real2, n, (int)dim, &out->w1, &out->w1_floor);
  if (st == WG_OK && o->bootstrap > 0) st = bootstrap(o, out);
  if (st == WG_OK) st = space_figures(o, &in, gen, real, real2, out);
  if (st == WG_OK && d->is_toy && d->toy != WG_TOY_SWISSROLL)
    out->has_modes = wg_eval_modes(d->toy, gen, n, 0, &out->modes) == WG_OK;
  if (st == WG_OK && in.is_image && d->shape[0] == 1 && d->shape[1] == 28 && d->shape[2] == 28)
    st = wg_eval_features(o, gen, real, real2, n, out);
  free(buf);
  wg_eval_inputs_close(&in);
  return st;
}
