/* Where a training run's real samples come from: a toy distribution drawn
 * fresh each batch, or a data set (CSV points, IDX images, a PNG folder)
 * drawn in shuffled epochs. */
#ifndef WGAN_SOURCE_H
#define WGAN_SOURCE_H
#include "wgan/data.h"

typedef enum { WG_SOURCE_TOY, WG_SOURCE_GAUSS1D, WG_SOURCE_DATASET } wg_source_kind;

typedef struct wg_source {
  wg_source_kind kind;
  wg_toy_kind toy;
  wg_gauss1d g1d;
  wg_dataset *ds;        /* the samples (images scaled to [lo, hi]) */
  wg_batcher batcher;
  int ndim, shape[3];    /* per-sample shape */
  float lo, hi;          /* the images' value range; unbounded points: 0, 0 */
  int64_t *idx;          /* wg_source_batch_slice's indices of a whole batch */
  int idx_cap;
} wg_source;

/* Opens name: 8gaussians, 25gaussians, swissroll, gaussians1d (N(mean, std^2)),
 * fashion-mnist (the training set), a .csv file of points, an IDX image
 * file (plain or .gz), or a folder of PNG files. Images are loaded in [0, 1].
 * seed starts the batcher. */
wg_status wg_source_open(wg_source *src, const char *name, float g1d_mean, float g1d_std, uint64_t seed);
/* Whether the samples are images (3-D). */
int wg_source_is_image(const wg_source *src);
/* Rescales the images to [lo, hi] (a generator's output range). */
void wg_source_set_range(wg_source *src, float lo, float hi);
/* Samples in the data set; 0 for the toy distributions (unlimited). */
int64_t wg_source_size(const wg_source *src);
/* A batch of real samples out[batch, shape...]: toy draws come from rng,
 * data set batches from the source's own batcher. */
wg_status wg_source_batch(wg_source *src, wg_rng *rng, int batch, float *out);
/* A data set's samples first .. first + count - 1 of its next batch of
 * batch, into out[count, shape...]. The batcher moves on by the whole
 * batch, so ranks that each take their own slice draw, in disjoint shards,
 * the batch one process draws, and their batchers stay alike. */
wg_status wg_source_batch_slice(wg_source *src, int batch, int first, int count, float *out);
void wg_source_close(wg_source *src);

#endif
