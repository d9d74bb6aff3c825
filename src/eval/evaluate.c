/* The whole evaluation of a generator or of a file of samples against real
 * data: exact W1 and its floor, the Frechet distance in the classifier's
 * features for 28x28 images, mode coverage on the 2-D mixtures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "wgan/eval.h"

wg_eval_opts wg_eval_defaults(void) { return (wg_eval_opts){.g1d_mean = 3.0f, .g1d_std = 1.0f, .seed = 1}; }

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The classifier file o names or the search finds; NULL (the reason in out)
 * when there is none. */
static const char *find_classifier(const wg_eval_opts *o, char *buf, size_t cap, wg_eval_result *out) {
  if (o->classifier) return o->classifier;
  if (o->search_dir) {
    snprintf(buf, cap, "%s/classifier.safetensors", o->search_dir);
    if (file_exists(buf)) return buf;
  }
  if (file_exists("classifier.safetensors")) return "classifier.safetensors";
  snprintf(out->no_frechet_reason, sizeof out->no_frechet_reason,
           "no feature classifier (looked at $WGAN_CLASSIFIER%s%s and ./classifier.safetensors); make one with: "
           "wgan classifier train --out classifier.safetensors",
           o->search_dir ? ", " : "", o->search_dir ? buf : "");
  return NULL;
}

/* The Frechet distances of gen and of real2 to real, all [n, 784]. */
static wg_status frechet(const wg_eval_opts *o, const float *gen, const float *real, const float *real2,
                         wg_eval_result *out) {
  char buf[1100];
  const char *path = find_classifier(o, buf, sizeof buf, out);
  if (!path) return WG_OK;
  if (!file_exists(path)) return wg_set_error(WG_EINVAL, "%s: no such classifier file", path);
  wg_classifier c;
  if (wg_classifier_load(&c, path) != WG_OK) return wg_last_status();
  const int64_t n = out->n, k = WG_CLASSIFIER_FEATURES;
  float *fg = malloc(sizeof(float) * (size_t)(3 * k * n)), *fr = fg + k * n, *fr2 = fr + k * n;
  wg_status st = fg ? WG_OK : wg_set_error(WG_ENOMEM, "out of memory for the features");
  if (st == WG_OK) st = wg_classifier_features(&c, gen, n, fg);
  if (st == WG_OK) st = wg_classifier_features(&c, real, n, fr);
  if (st == WG_OK) st = wg_classifier_features(&c, real2, n, fr2);
  if (st == WG_OK) st = wg_frechet_features(fg, n, fr, n, (int)k, &out->frechet);
  if (st == WG_OK) st = wg_frechet_features(fr2, n, fr, n, (int)k, &out->frechet_floor);
  free(fg);
  wg_classifier_free(&c);
  out->has_frechet = st == WG_OK;
  return st;
}

/* The generated samples gen[n, dim]: the file's first n, or n drawn from
 * the generator and mapped to [0, 1] if they are images. */
static wg_status generated(const wg_eval_opts *o, int is_image, int64_t n, int64_t dim, float *gen) {
  if (o->samples) {
    memcpy(gen, o->samples->x, sizeof(float) * (size_t)(n * dim));
    return WG_OK;
  }
  wg_rng rng;
  wg_rng_seed(&rng, o->seed ^ 0x5eed0003u);
  if (wg_gan_sample(o->gen, &rng, (int)n, gen) != WG_OK) return wg_last_status();
  float lo = o->gen->out_lo, hi = o->gen->out_hi;
  if (is_image && isfinite(lo) && isfinite(hi) && (lo != 0.0f || hi != 1.0f))
    for (int64_t i = 0; i < n * dim; i++) gen[i] = (gen[i] - lo) / (hi - lo);
  return WG_OK;
}

/* Checks the shapes agree (a CSV of 784 columns is taken as flattened 28x28
 * images) and picks n. */
static wg_status sizes(const wg_eval_opts *o, const wg_eval_data *d, wg_eval_result *out) {
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
  out->n = n, out->dim = d->dim, out->heldout = d->what;
  return WG_OK;
}

wg_status wg_evaluate(const wg_eval_opts *o, wg_eval_result *out) {
  memset(out, 0, sizeof *out);
  if (!o->samples == !o->gen) return wg_set_error(WG_EINVAL, "evaluate: give samples or a generator, not both");
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  wg_eval_data d;
  if (wg_eval_data_open(&d, o->data, o->g1d_mean, o->g1d_std, &rng) != WG_OK) return wg_last_status();
  float *buf = NULL;
  wg_status st = sizes(o, &d, out);
  const int64_t n = out->n, dim = out->dim;
  const int is_image = d.ndim == 3;
  if (st == WG_OK && !(buf = malloc(sizeof(float) * 3 * (size_t)n * (size_t)dim)))
    st = wg_set_error(WG_ENOMEM, "out of memory for %lld samples", (long long)n);
  float *gen = buf, *real = buf + n * dim, *real2 = real + n * dim;
  if (st == WG_OK) st = generated(o, is_image, n, dim, gen);
  if (st == WG_OK) st = wg_eval_data_draw(&d, n, o->seed, real, real2);
  if (st == WG_OK) st = wg_eval_w1(gen, real, real2, n, (int)dim, &out->w1, &out->w1_floor);
  if (st == WG_OK && d.is_toy && d.toy != WG_TOY_SWISSROLL)
    out->has_modes = wg_eval_modes(d.toy, gen, n, 0, &out->modes) == WG_OK;
  if (st == WG_OK && is_image && d.shape[0] == 1 && d.shape[1] == 28 && d.shape[2] == 28)
    st = frechet(o, gen, real, real2, out);
  free(buf);
  wg_eval_data_close(&d);
  return st;
}
