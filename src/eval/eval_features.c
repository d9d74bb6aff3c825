/* The metrics of an evaluation that need the feature classifier: the
 * Frechet distance, KID and precision / recall of 28x28 images, each in
 * the classifier's 128-d features and beside its real-vs-real floor. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/error.h"
#include "eval/eval_features.h"

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

int64_t wg_eval_kid_subset_size(const wg_eval_opts *o, int64_t n) {
  int64_t s = o->kid_subset_size ? o->kid_subset_size : n / 2 < 1000 ? n / 2 : 1000;
  return s < 2 ? 2 : s;
}

int wg_eval_kid_subsets(const wg_eval_opts *o) { return o->kid_subsets ? o->kid_subsets : 100; }

/* Every figure of fg (generated) and fr2 (the floor's real) against fr. */
static wg_status feature_figures(const wg_eval_opts *o, const float *fg, const float *fr, const float *fr2, int64_t n,
                                 wg_eval_result *out) {
  const int k = WG_CLASSIFIER_FEATURES;
  const int64_t s = wg_eval_kid_subset_size(o, n);
  const int subsets = wg_eval_kid_subsets(o);
  wg_status st = wg_frechet_features(fg, n, fr, n, k, &out->frechet);
  if (st == WG_OK) st = wg_frechet_features(fr2, n, fr, n, k, &out->frechet_floor);
  if (st == WG_OK) st = wg_kid(fg, n, fr, n, k, subsets, s, o->seed, &out->kid);
  if (st == WG_OK) st = wg_kid(fr2, n, fr, n, k, subsets, s, o->seed, &out->kid_floor);
  out->has_frechet = out->has_kid = st == WG_OK;
  if (st != WG_OK || (!o->pr_k && out->pr_k >= n)) return st; /* the default k needs more than k samples */
  st = wg_precision_recall(fr, n, fg, n, k, out->pr_k, &out->precision, &out->recall);
  if (st == WG_OK) st = wg_precision_recall(fr, n, fr2, n, k, out->pr_k, &out->precision_floor, &out->recall_floor);
  out->has_pr = st == WG_OK;
  return st;
}

wg_status wg_eval_features(const wg_eval_opts *o, const float *gen, const float *real, const float *real2, int64_t n,
                           wg_eval_result *out) {
  char buf[1100];
  const char *path = find_classifier(o, buf, sizeof buf, out);
  if (!path) return WG_OK;
  if (!file_exists(path)) return wg_set_error(WG_EINVAL, "%s: no such classifier file", path);
  wg_classifier c;
  if (wg_classifier_load(&c, path) != WG_OK) return wg_last_status();
  const int64_t k = WG_CLASSIFIER_FEATURES;
  float *fg = malloc(sizeof(float) * (size_t)(3 * k * n)), *fr = fg + k * n, *fr2 = fr + k * n;
  wg_status st = fg ? WG_OK : wg_set_error(WG_ENOMEM, "out of memory for the features");
  if (st == WG_OK) st = wg_classifier_features(&c, gen, n, fg);
  if (st == WG_OK) st = wg_classifier_features(&c, real, n, fr);
  if (st == WG_OK) st = wg_classifier_features(&c, real2, n, fr2);
  if (st == WG_OK) st = feature_figures(o, fg, fr, fr2, n, out);
  free(fg);
  wg_classifier_free(&c);
  return st;
}
