/* The feature classifier trained, measured and saved in one call. */
#include <stdio.h>

#include "core/error.h"
#include "wgan/eval.h"

static wg_status save(const char *path, const wg_classifier *c, const wg_classifier_opts *o,
                      const wg_classifier_report *r) {
  char acc[32], secs[32], epochs[16], images[32], seed[32];
  snprintf(acc, sizeof acc, "%.4f", r->test_accuracy);
  snprintf(secs, sizeof secs, "%.1f", r->seconds);
  snprintf(epochs, sizeof epochs, "%d", o->epochs);
  snprintf(images, sizeof images, "%lld", (long long)r->train_images);
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
  const char *meta[] = {"wgan.test_accuracy", acc,    "wgan.train_seconds", secs, "wgan.epochs", epochs,
                        "wgan.train_images",  images, "wgan.seed",          seed};
  return wg_classifier_save(c, path, meta, 5);
}

wg_status wg_classifier_make(const char *path, const wg_classifier_opts *o, int64_t limit,
                             wg_classifier_progress progress, void *user, wg_classifier_report *out) {
  wg_dataset *train = wg_idx_load_named("fashion-mnist", 1, limit, 0.0f, 1.0f);
  wg_dataset *test = train ? wg_idx_load_named("fashion-mnist", 0, 0, 0.0f, 1.0f) : NULL;
  if (!test) {
    wg_dataset_free(train);
    return wg_error_prefix("the classifier's data (the Debian package dataset-fashion-mnist)");
  }
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  wg_classifier c = {0};
  double t0 = wg_seconds();
  wg_status st = wg_classifier_init(&c, &rng);
  if (st == WG_OK) st = wg_classifier_train(&c, train, o, progress, user);
  out->seconds = wg_seconds() - t0;
  out->train_images = train->n;
  if (st == WG_OK) st = wg_classifier_accuracy(&c, test, &out->test_accuracy);
  if (st == WG_OK) st = save(path, &c, o, out);
  if (c.body) wg_classifier_free(&c);
  wg_dataset_free(train);
  wg_dataset_free(test);
  return st;
}
