/* Precision and recall keep their orientation on real images: a
 * mode-collapsed generator (every image one class of Fashion-MNIST) has
 * high precision and low recall; a blurred one (each image the average of
 * two random real images, as a generator regressing to the mean draws them)
 * the opposite. In the features of a tiny classifier (one epoch on 5000
 * images: seconds), as wgan eval computes them. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgan/eval.h"
#include "wgan/io.h"

enum { N = 500, TRAIN = 5000, SNEAKER = 7, FIRST_UNSEEN = 6000 };

static void case_collapsed_vs_blurred(void) {
  wg_dataset *train = wg_idx_load_named("fashion-mnist", 1, 12000, 0.0f, 1.0f);
  wg_dataset *test = wg_idx_load_named("fashion-mnist", 0, N, 0.0f, 1.0f);
  if (!train || !test) {
    wg_dataset_free(train);
    SKIP("fashion-mnist is not installed: %s", wg_last_error());
  }
  wg_dataset head = *train; /* the first TRAIN images train the classifier */
  head.n = TRAIN;
  wg_rng r;
  wg_rng_seed(&r, 5);
  wg_classifier c;
  CHECK(wg_classifier_init(&c, &r) == WG_OK, "%s", wg_last_error());
  wg_classifier_opts o = wg_classifier_defaults();
  o.epochs = 1;
  CHECK(wg_classifier_train(&c, &head, &o, NULL, NULL) == WG_OK, "%s", wg_last_error());
  /* Both generators draw from training images the classifier never saw. */
  float *collapsed = malloc(sizeof(float) * 784 * N), *blurred = malloc(sizeof(float) * 784 * N);
  float *tx = wg_dataset_floats(train), *sx = wg_dataset_floats(test);
  int k = 0;
  for (int64_t i = FIRST_UNSEEN; i < train->n && k < N; i++)
    if (train->labels[i] == SNEAKER) memcpy(collapsed + 784 * k++, tx + 784 * i, sizeof(float) * 784);
  CHECK(k == N, "only %d sneakers", k);
  for (int i = 0; i < N; i++) {
    const float *a = tx + 784 * (FIRST_UNSEEN + i), *b = tx + 784 * (FIRST_UNSEEN + N + (i * 7919) % N);
    for (int q = 0; q < 784; q++) blurred[784 * i + q] = 0.5f * (a[q] + b[q]);
  }
  float *f = malloc(sizeof(float) * 3 * N * WG_CLASSIFIER_FEATURES), *fr = f, *fc = f + N * WG_CLASSIFIER_FEATURES,
        *fb = fc + N * WG_CLASSIFIER_FEATURES;
  CHECK(wg_classifier_features(&c, sx, N, fr) == WG_OK, "%s", wg_last_error());
  CHECK(wg_classifier_features(&c, collapsed, N, fc) == WG_OK, "%s", wg_last_error());
  CHECK(wg_classifier_features(&c, blurred, N, fb) == WG_OK, "%s", wg_last_error());
  double pc, rc, pb, rb;
  CHECK(wg_precision_recall(fr, N, fc, N, WG_CLASSIFIER_FEATURES, 3, &pc, &rc) == WG_OK, "%s", wg_last_error());
  CHECK(wg_precision_recall(fr, N, fb, N, WG_CLASSIFIER_FEATURES, 3, &pb, &rb) == WG_OK, "%s", wg_last_error());
  printf("collapsed: precision %.3f recall %.3f; blurred: precision %.3f recall %.3f\n", pc, rc, pb, rb);
  CHECK(pc > 0.8 && rc < 0.35, "collapsed: precision %g, recall %g", pc, rc);
  CHECK(rb > 0.6 && rb > rc + 0.3, "blurred recall %g against collapsed %g", rb, rc);
  CHECK(pb < pc - 0.1, "blurred precision %g against collapsed %g", pb, pc);
  free(collapsed), free(blurred), free(f), free(tx), free(sx);
  wg_classifier_free(&c);
  wg_dataset_free(train), wg_dataset_free(test);
}

int main(void) {
  check_seed(5);
  RUN(case_collapsed_vs_blurred);
  CHECK_EXIT();
}
