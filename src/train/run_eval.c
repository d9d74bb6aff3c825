/* The exact W1 of a run's samples during training (--eval-every). */
#include <stdlib.h>

#include "core/error.h"
#include "train/run.h"

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
  wg_rng_seed(&rng, s->cfg.seed ^ (0x3141ULL + (uint64_t)s->iter));
  wg_status st = wg_gan_sample(&s->models, &rng, n, x);
  /* 2n distinct samples of a data set, not the training batcher's. */
  if (st == WG_OK)
    st = src->kind == WG_SOURCE_DATASET ? wg_dataset_draw(src->ds, 2 * n, &rng, x + n * dim)
                                        : wg_source_batch(src, &rng, 2 * n, x + n * dim);
  row->iter = (long)s->iter;
  if (st == WG_OK) st = wg_eval_w1(x, x + n * dim, x + 2 * n * dim, n, (int)dim, &row->w1, &row->w1_floor);
  free(x);
  return st;
}
