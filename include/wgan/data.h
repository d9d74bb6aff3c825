/* Data sets: an in-memory dataset, a reproducible minibatch sampler, the toy
 * distributions of the WGAN-GP reference (gan_toy.py) and of the article's
 * Figure 1, and loaders for IDX files (MNIST, Fashion-MNIST) and folders of
 * PNG images. */
#ifndef WGAN_DATA_H
#define WGAN_DATA_H
#include "wgan/base.h"
#include "wgan/rng.h"

/* ---- the in-memory dataset ---- */

/* n samples of one shape: points {d} (ndim 1) or images {C, H, W} (ndim 3,
 * NCHW), dim values each, held either as floats (sample i is x[i * dim ..
 * (i + 1) * dim)) or, for 8-bit images (IDX files, PNG folders: a quarter of
 * the memory), as bytes whose values are levels[byte]. wg_dataset_get reads
 * a sample from either. */
typedef struct {
  int64_t n;
  int ndim;
  int shape[3];
  int64_t dim;        /* product of shape[0..ndim) */
  float *x;           /* [n, dim], or NULL when the samples are bytes */
  uint8_t *bytes;     /* [n, dim], or NULL when the samples are floats */
  float levels[256];  /* the value of each byte */
  uint8_t *labels;    /* [n], or NULL when there are none */
} wg_dataset;

/* A zero-filled dataset of floats; with_labels allocates zeroed labels.
 * NULL (and a message) on a bad shape or when memory runs out. */
wg_dataset *wg_dataset_new(int64_t n, int ndim, const int *shape, int with_labels);
/* The same held as bytes, levels[k] = k. */
wg_dataset *wg_dataset_new_bytes(int64_t n, int ndim, const int *shape, int with_labels);
/* Sample i as floats: out[dim]. */
void wg_dataset_get(const wg_dataset *ds, int64_t i, float *out);
/* Every sample as floats, [n, dim], in a new array the caller frees; NULL
 * (and a message) when memory runs out. */
float *wg_dataset_floats(const wg_dataset *ds);
/* Every value v becomes lo + (v - from) * scale (on bytes: their levels). */
void wg_dataset_map(wg_dataset *ds, float from, float lo, float scale);
/* Points from a row-major double table data[rows, cols] (e.g. the CSV
 * reader's output). NULL if a value does not fit a float. */
wg_dataset *wg_dataset_from_doubles(const double *data, int64_t rows, int cols);
void wg_dataset_free(wg_dataset *ds);
/* A new dataset holding the samples idx[0..n) of ds, in that order. */
wg_dataset *wg_dataset_subset(const wg_dataset *ds, const int64_t *idx, int64_t n);
/* Splits ds into *train and *heldout (n_heldout samples, for evaluation).
 * rng NULL: the last n_heldout samples are held out; otherwise a uniformly
 * random subset drawn from rng. Both parts keep the original order. ds is
 * unchanged. WG_EINVAL unless 0 < n_heldout < ds->n. */
wg_status wg_dataset_split(const wg_dataset *ds, int64_t n_heldout, wg_rng *rng,
                           wg_dataset **train, wg_dataset **heldout);

/* ---- minibatches ---- */

/* Draws minibatches without replacement: each epoch is a fresh random
 * permutation of 0..n-1; an epoch ends when fewer than `batch` samples are
 * left (the remainder is skipped, as the references do).
 *
 * Checkpointing: the whole state is WG_BATCHER_STATE_LEN plain integers,
 * {n, epoch, pos, s0, s1, s2, s3}, where s is the RNG state from just before
 * this epoch's shuffle (stored bit for bit as int64). Restoring replays that
 * one shuffle, so the permutation itself is never saved and a resumed run
 * draws exactly the batches the uninterrupted run would have. */
#define WG_BATCHER_STATE_LEN 7

typedef struct {
  int64_t n;          /* samples in the dataset it draws from */
  int64_t epoch;      /* epochs started before the current one */
  int64_t pos;        /* next position in order */
  wg_rng rng;         /* the stream the shuffles draw from */
  wg_rng epoch_rng;   /* rng as it was before the current epoch's shuffle */
  int64_t *order;     /* [n], the current epoch's permutation */
} wg_batcher;

wg_status wg_batcher_init(wg_batcher *b, int64_t n, uint64_t seed);
void wg_batcher_free(wg_batcher *b);
/* The next batch's sample indices idx[batch]. WG_EINVAL if batch > n. */
wg_status wg_batcher_next_indices(wg_batcher *b, int64_t *idx, int batch);
/* The next batch copied from ds: x[batch, ds->dim], labels[batch] (labels may
 * be NULL; it must be NULL when ds has none). */
wg_status wg_batcher_next(wg_batcher *b, const wg_dataset *ds, int batch, float *x,
                          uint8_t *labels);
void wg_batcher_get_state(const wg_batcher *b, int64_t state[WG_BATCHER_STATE_LEN]);
/* WG_EINVAL (and no change) if the state is not one of a batcher over b->n. */
wg_status wg_batcher_set_state(wg_batcher *b, const int64_t state[WG_BATCHER_STATE_LEN]);

/* ---- toy distributions (gan_toy.py of the WGAN-GP code) ---- */

typedef enum {
  WG_TOY_8GAUSSIANS,   /* 8 centres on the circle of radius 2, std 0.02, all / 1.414 */
  WG_TOY_25GAUSSIANS,  /* centres (2i, 2j), i, j in -2..2, std 0.05, all / 2.828 */
  WG_TOY_SWISSROLL     /* t ~ 1.5 pi (1 + 2U), (t cos t, t sin t) + N(0, 0.25^2), / 7.5 */
} wg_toy_kind;

/* "8gaussians", "25gaussians", "swissroll"; WG_EINVAL for another name. */
wg_status wg_toy_from_name(const char *name, wg_toy_kind *kind);
const char *wg_toy_name(wg_toy_kind kind);
/* n points x[n, 2]; the mixtures pick a centre uniformly per point. */
void wg_toy_sample(wg_toy_kind kind, wg_rng *rng, float *x, int64_t n);
/* The mixture's centres and per-coordinate std, after the final scaling:
 * returns the number of centres k and points *centres at a static table
 * [k, 2]; 0 (and NULL) for the swiss roll, which has none. */
int wg_toy_centres(wg_toy_kind kind, const float **centres, float *std);

/* Two 1-D Gaussians, as in the article's Figure 1: component 0 is
 * N(mean[0], std[0]^2), drawn with probability weight0, else component 1.
 * weight0 = 1 gives the single Gaussian N(mean[0], std[0]^2). */
typedef struct {
  double mean[2];
  double std[2];
  double weight0;
} wg_gauss1d;

/* x[n]. WG_EINVAL for a negative std or a weight outside [0, 1]. */
wg_status wg_gauss1d_sample(const wg_gauss1d *g, wg_rng *rng, float *x, int64_t n);

/* ---- IDX files (MNIST, Fashion-MNIST) ---- */

/* Images from an idx3-ubyte file (magic 0x00000803, big-endian n, rows,
 * cols), plain or gzip, scaled from [0, 255] to [lo, hi], shape {1, rows,
 * cols}; labels (magic 0x00000801) from labels_path unless it is NULL.
 * limit > 0 loads only the first `limit` samples. NULL on error with a
 * message naming the file, the byte offset (in the uncompressed data) and
 * what is wrong. */
wg_dataset *wg_idx_load(const char *images_path, const char *labels_path, int64_t limit,
                        float lo, float hi);
/* Paths of a known IDX data set: name "fashion-mnist" (the Debian package
 * dataset-fashion-mnist), train = 1 for the 60,000 training images, 0 for
 * the 10,000 test images. WG_EINVAL for an unknown name. */
wg_status wg_idx_known_paths(const char *name, int train, const char **images_path,
                             const char **labels_path);
/* wg_idx_load on wg_idx_known_paths. */
wg_dataset *wg_idx_load_named(const char *name, int train, int64_t limit, float lo, float hi);

/* ---- folders of PNG images ---- */

/* Every *.png in dir, sorted by name, all of one size. Gray images give
 * C = 1; if any is in colour all give C = 3 (gray replicated). Alpha is
 * dropped, palettes expanded, 16-bit reduced to 8. Scaled from [0, 255] to
 * [lo, hi]. limit > 0 loads only the first `limit` files. No labels. */
wg_dataset *wg_png_folder_load(const char *dir, int64_t limit, float lo, float hi);

/* ---- any file or folder ---- */

/* A .csv file of points, a folder of PNG files, or an IDX image file (plain
 * or .gz), told apart by name; images in [0, 1]. NULL with a message that
 * names the path, or says the name is no known data. */
wg_dataset *wg_dataset_load(const char *path);
/* n distinct samples of ds (a partial shuffle drawn from rng) into
 * out[n, dim]; WG_EINVAL if ds has fewer than n. */
wg_status wg_dataset_draw(const wg_dataset *ds, int64_t n, wg_rng *rng, float *out);

#endif
