/* The evaluation of a run's samples during training (--eval-every): the
 * exact W1 and the sliced W1, each beside its real-vs-real floor. Only
 * these two: they need no classifier, and at n = 200 images they take
 * 14 ms and 25 ms (bench_eval, docs/eval.md), a small part of one training
 * iteration;
 * KID, precision/recall and the energy distance are left to wgan eval. */
#include <stdlib.h>

#include "core/error.h"
#include "train/run.h"

/* Directions of the sliced W1: its Monte-Carlo error at 100 is a few
 * percent of the value, below the sampling noise of n = 200 images. */
enum { RUN_EVAL_PROJECTIONS = 100 };

wg_status wg_run_eval_w1(wg_run *r, wg_eval_row *row) {
  wg_gan_state *s = &r->s;
  wg_source *src = &r->src;
  int n = wg_source_is_image(src) ? 200 : 500;
  /* Two disjoint real samples must fit in a data set. */
  if (src->kind == WG_SOURCE_DATASET && 2 * (int64_t)n > src->ds->n) n = (int)(src->ds->n / 2);
  if (n < 1) return wg_set_error(WG_EINVAL, "the data set is too small to evaluate");
  int64_t dim = 1;
  for (int i = 0; i < s->sample_ndim; i++) dim *= s->sample_shape[i];
  float *x = malloc(sizeof(float) * (size_t)(3 * n * dim));
  if (!x) return wg_set_error(WG_ENOMEM, "out of memory for the evaluation");
  wg_rng rng;
  const uint64_t seed = s->cfg.seed ^ (0x3141ULL + (uint64_t)s->iter);
  wg_rng_seed(&rng, seed);
  wg_status st = wg_gan_sample(&s->models, &rng, n, x);
  /* 2n distinct samples of a data set, not the training batcher's. */
  if (st == WG_OK)
    st = src->kind == WG_SOURCE_DATASET ? wg_dataset_draw(src->ds, 2 * n, &rng, x + n * dim)
                                        : wg_source_batch(src, &rng, 2 * n, x + n * dim);
  const float *gen = x, *real = x + n * dim, *real2 = x + 2 * n * dim;
  row->iter = (long)s->iter;
  if (st == WG_OK) st = wg_eval_w1(gen, real, real2, n, (int)dim, &row->w1, &row->w1_floor);
  wg_sliced_result sw = {0}, swf = {0};
  if (st == WG_OK) st = wg_sliced_wasserstein(gen, n, real, n, (int)dim, 1, RUN_EVAL_PROJECTIONS, seed, &sw);
  if (st == WG_OK) st = wg_sliced_wasserstein(real2, n, real, n, (int)dim, 1, RUN_EVAL_PROJECTIONS, seed, &swf);
  row->sliced_w1 = sw.value, row->sliced_w1_floor = swf.value;
  free(x);
  return st;
}
