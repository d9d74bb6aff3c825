/* Times each figure of wgan eval on Fashion-MNIST test images (n = 1000 per
 * set, d = 784; the feature metrics on the classifier's 128-d features when
 * a classifier file is given, else on random 128-d vectors), and the
 * training-time evaluation (--eval-every: n = 200 images), on 1 and 2
 * threads. Usage: bench_eval [runs [classifier.safetensors]] (medians of
 * `runs` timings after one warm-up, default 5). */
#include <stdio.h>
#include <stdlib.h>

#include "timing.h"
#include "wgan.h"

static int runs = 5;

#define TIME(label, stmt)                                        \
  do {                                                           \
    double t_[64];                                               \
    stmt;                                                        \
    for (int q_ = 0; q_ < runs; q_++) {                          \
      double t0_ = now();                                        \
      stmt;                                                      \
      t_[q_] = now() - t0_;                                      \
    }                                                            \
    printf("  %-52s %8.3f s\n", label, median(t_, runs));        \
  } while (0)

/* The 128-d features of x[2n]: the classifier's, or random ones. */
static float *features(const char *path, const float *x, int n) {
  float *f = malloc(sizeof(float) * 2 * (size_t)n * WG_CLASSIFIER_FEATURES);
  wg_classifier c;
  if (path && wg_classifier_load(&c, path) == WG_OK) {
    wg_classifier_features(&c, x, 2 * n, f);
    wg_classifier_free(&c);
  } else {
    wg_rng r;
    wg_rng_seed(&r, 1);
    wg_rng_fill_uniform(&r, f, 2 * (size_t)n * WG_CLASSIFIER_FEATURES, 0, 1);
  }
  return f;
}

int main(int argc, char **argv) {
  if (argc > 1) runs = atoi(argv[1]);
  if (runs < 1 || runs > 64) runs = 5;
  wg_dataset *te = wg_idx_load_named("fashion-mnist", 0, 3000, 0.0f, 1.0f);
  if (!te) {
    fprintf(stderr, "bench_eval: %s\n", wg_last_error());
    return 1;
  }
  const int n = 1000, d = 784, k = WG_CLASSIFIER_FEATURES;
  float *tx = wg_dataset_floats(te);
  if (!tx) {
    fprintf(stderr, "bench_eval: %s\n", wg_last_error());
    return 1;
  }
  const float *a = tx, *b = tx + (size_t)d * n, *c = tx + 2 * (size_t)d * n;
  float *f = features(argc > 2 ? argv[2] : NULL, tx, n), *fa = f, *fb = f + (size_t)k * n;
  printf("features: %s; medians of %d\n", argc > 2 ? argv[2] : "random", runs);
  double v, w;
  wg_sliced_result s;
  wg_kid_result kid;
  for (int threads = 1; threads <= 2; threads++) {
    wg_set_threads(threads);
    printf("%d thread%s\n", threads, threads > 1 ? "s" : "");
    TIME("exact W1 + floor, n = 1000, d = 784", wg_eval_w1(a, b, c, n, d, &v, &w));
    TIME("sliced W1, 200 projections", wg_sliced_wasserstein(a, n, b, n, d, 1, 200, 1, &s));
    TIME("energy distance", wg_energy_distance(a, n, b, n, d, &v));
    TIME("KID, 100 subsets of 500, d = 128", wg_kid(fa, n, fb, n, k, 100, 500, 1, &kid));
    TIME("precision/recall, k = 3, d = 128", wg_precision_recall(fa, n, fb, n, k, 3, &v, &w));
    TIME("Frechet distance, d = 128", wg_frechet_features(fa, n, fb, n, k, &v));
    TIME("training: exact W1 + floor, n = 200", wg_eval_w1(a, b, c, 200, d, &v, &w));
    TIME("training: both sliced W1, 100 projections, n = 200",
         (wg_sliced_wasserstein(a, 200, b, 200, d, 1, 100, 1, &s), wg_sliced_wasserstein(c, 200, b, 200, d, 1, 100, 1, &s)));
  }
  free(f);
  free(tx);
  wg_dataset_free(te);
  return 0;
}
