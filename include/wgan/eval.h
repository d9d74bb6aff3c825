/* Evaluating generators: the exact W1 between generated and held-out real
 * samples beside the floor that sampling noise sets (W1 between two real
 * samples of the same size), with error bars from repetitions on fresh
 * subsamples; the sliced W and the energy distance; mode coverage on the
 * 2-D mixtures; and a Fréchet distance, KID and k-NN precision / recall in
 * the feature space of a small CNN classifier trained on Fashion-MNIST with
 * this library.
 *
 * That Fréchet distance is NOT the Inception FID of the literature: the
 * features are the 128-d penultimate layer of our own 28x28 classifier, so
 * its values are comparable only with each other (same classifier file,
 * same n). */
#ifndef WGAN_EVAL_H
#define WGAN_EVAL_H
#include "wgan/data.h"
#include "wgan/nn.h"
#include "wgan/rng.h"

/* ---- exact W1 and its floor ---- */

/* w1 = W1(gen, real) and floor = W1(real2, real): exact, Euclidean, uniform
 * weights, all three sets x[n, d] (e.g. images flattened to d = 784). real2
 * is a second real sample disjoint from real. */
wg_status wg_eval_w1(const float *gen, const float *real, const float *real2, int64_t n, int d,
                     double *w1, double *floor);

/* ---- mode coverage on the 2-D mixtures ---- */

#define WG_MAX_MODES 25

typedef struct {
  int n_modes;                    /* centres of the mixture (8 or 25) */
  int covered;                    /* modes that got at least min_count samples in their cell */
  int64_t min_count;              /* the count a mode needed to be covered */
  double share_near;              /* share of the samples within 3 sigma of their nearest centre */
  int64_t counts[WG_MAX_MODES];   /* samples in each centre's cell */
} wg_mode_coverage;

/* Assigns each point x[n, 2] to its nearest centre of the mixture `kind`
 * (wg_toy_centres). It counts for that mode if it lies in the mode's cell
 * (within half the smallest spacing of the centres), and as sharp if within
 * 3 sigma (sigma the per-coordinate std after scaling). A mode is covered
 * when it gets at least min_count samples; min_count <= 0 means a fifth of
 * its fair share, max(1, round(0.2 n / modes)). WG_EINVAL for the swiss roll. */
wg_status wg_eval_modes(wg_toy_kind kind, const float *x, int64_t n, int64_t min_count,
                        wg_mode_coverage *out);

/* ---- the Fréchet distance between Gaussian fits ---- */

/* The mean mu[d] and covariance cov[d, d] (divided by n - 1) of x[n, d]
 * (n >= 2). */
wg_status wg_gaussian_fit(const float *x, int64_t n, int d, double *mu, double *cov);
/* |mu1 - mu2|^2 + tr(c1 + c2 - 2 (c1 c2)^(1/2)) for symmetric positive
 * semi-definite c1, c2 [d, d], with tr((c1 c2)^(1/2)) computed as
 * tr((c1^(1/2) c2 c1^(1/2))^(1/2)) from two symmetric eigendecompositions
 * (LAPACK dsyevd), negative rounding-noise eigenvalues taken as zero. */
wg_status wg_frechet_distance(const double *mu1, const double *c1, const double *mu2,
                              const double *c2, int d, double *fd);
/* Both steps on two sets of features a[na, d], b[nb, d]. */
wg_status wg_frechet_features(const float *a, int64_t na, const float *b, int64_t nb, int d,
                              double *fd);

/* ---- the feature classifier (28x28 gray images, values in [0, 1]) ---- */

/* conv 1->32 k5 s2 (14x14) ReLU, conv 32->64 k5 s2 (7x7) ReLU, linear
 * 3136->128 ReLU: the features; then linear 128->10: the logits. */
#define WG_CLASSIFIER_FEATURES 128
#define WG_CLASSIFIER_CLASSES 10
/* The safetensors metadata key naming the architecture, and its value. */
#define WG_CLASSIFIER_ARCH_KEY "wgan.classifier"
#define WG_CLASSIFIER_ARCH "fmnist-cnn-v1"

typedef struct {
  wg_net *body;   /* image [1, 28, 28] -> features [128] */
  wg_net *head;   /* features [128] -> logits [10] */
} wg_classifier;

/* Builds the two networks with PyTorch's default initialisation from rng. */
wg_status wg_classifier_init(wg_classifier *c, wg_rng *rng);
void wg_classifier_free(wg_classifier *c);

typedef struct {
  int epochs;
  int batch;
  float lr;           /* Adam, betas (0.9, 0.999) */
  uint64_t seed;      /* the batch order */
} wg_classifier_opts;

/* 5 epochs, batch 64, lr 1e-3, seed 1. */
wg_classifier_opts wg_classifier_defaults(void);
/* Called after each epoch with its number (from 1) and mean training loss;
 * a nonzero return stops training. */
typedef int (*wg_classifier_progress)(int epoch, double mean_loss, void *user);
/* Trains with Adam on softmax cross-entropy over train (images {1, 28, 28}
 * with labels 0..9). progress may be NULL. */
wg_status wg_classifier_train(wg_classifier *c, const wg_dataset *train,
                              const wg_classifier_opts *o, wg_classifier_progress progress,
                              void *user);
/* The share of ds's samples whose largest logit is their label. */
wg_status wg_classifier_accuracy(wg_classifier *c, const wg_dataset *ds, double *accuracy);
/* The features feat[n, 128] of images x[n, 1, 28, 28]. */
wg_status wg_classifier_features(wg_classifier *c, const float *x, int64_t n, float *feat);
/* Saves every weight and bias ("body.L.weight", "head.L.bias", ...) with the
 * metadata key WG_CLASSIFIER_ARCH_KEY and the extra pairs meta[2 n_meta]. */
wg_status wg_classifier_save(const wg_classifier *c, const char *path, const char *const *meta,
                             int n_meta);
/* Loads a file wg_classifier_save wrote (checksum required). */
wg_status wg_classifier_load(wg_classifier *c, const char *path);

typedef struct {
  double test_accuracy;   /* on Fashion-MNIST's t10k set */
  double seconds;         /* of training */
  int64_t train_images;
} wg_classifier_report;
/* The whole job of `wgan classifier train`: trains a classifier initialised
 * from o->seed on Fashion-MNIST's training set (its first limit images; 0:
 * all), measures it on the test set and saves it to path with those figures
 * in its metadata. */
wg_status wg_classifier_make(const char *path, const wg_classifier_opts *o, int64_t limit,
                             wg_classifier_progress progress, void *user, wg_classifier_report *out);

/* ---- sliced Wasserstein ---- */

typedef struct {
  double value;       /* SW_p = (mean over the projections of W_p^p)^(1/p) */
  double se;          /* its Monte-Carlo standard error (delta method for the 1/p power) */
  int projections;
  double p;
} wg_sliced_result;

/* The directions theta[projections, d]: direction l is a standard normal
 * vector (in float) of stream (seed, l) scaled to unit length in double,
 * so uniform on the sphere and independent of the thread count. */
wg_status wg_sliced_directions(uint64_t seed, int projections, int d, double *theta);
/* SW_p between a[n, d] and b[m, d] (uniform weights) over the projections
 * wg_sliced_directions(seed, ...) draws: each projection's W_p is the 1-D
 * closed form (wg_wasserstein_1d). p >= 1. Cost O(L (n + m) (d + log(n + m)))
 * (the projections by dgemm, 32 directions at a time); memory: the points in
 * double and 32 (n + m) projected values per thread. The same values for
 * every thread count. */
wg_status wg_sliced_wasserstein(const float *a, int64_t n, const float *b, int64_t m, int d, double p,
                                int projections, uint64_t seed, wg_sliced_result *out);

/* ---- kernel metrics ---- */

/* The energy distance 2 E|X - Y| - E|X - X'| - E|Y - Y'| (Euclidean), by
 * its unbiased U-statistic (pairs i != j within a set), between a[n, d]
 * and b[m, d], n, m >= 2. O((n + m)^2 d). The same value for every thread
 * count. */
wg_status wg_energy_distance(const float *a, int64_t n, const float *b, int64_t m, int d, double *out);

/* The unbiased MMD^2 with the polynomial kernel k(x, y) = (x.y / d + 1)^3
 * between a[n, d] and b[m, d] (n, m >= 2), over the whole sets. The same
 * value for every thread count. */
wg_status wg_mmd2_poly(const float *a, int64_t n, const float *b, int64_t m, int d, double *out);

typedef struct {
  double mean, std;   /* over the subsets of the unbiased MMD^2 */
  int subsets;
  int64_t subset_size;
} wg_kid_result;

/* KID (Binkowski et al. 2018): the unbiased polynomial MMD^2 on `subsets`
 * pairs of random subsets of subset_size samples of a and of b (each drawn
 * without replacement from stream (seed, subset)); mean and std over them
 * (divided by subsets, as the reference code and torch-fidelity report it).
 * 2 <= subset_size <= min(n, m). The same values for every thread count. */
wg_status wg_kid(const float *a, int64_t n, const float *b, int64_t m, int d, int subsets,
                 int64_t subset_size, uint64_t seed, wg_kid_result *out);

/* ---- precision and recall by k-nearest-neighbour manifolds ---- */

/* Kynkaanniemi et al. 2019: a set's manifold is the union of the balls
 * around its points with the radius of each point's distance to its k-th
 * nearest neighbour in the set (itself excluded). precision = share of
 * gen[n_gen, d] inside real's manifold; recall = share of real[n_real, d]
 * inside gen's. 1 <= k < both sizes. O(n^2 d). */
wg_status wg_precision_recall(const float *real, int64_t n_real, const float *gen, int64_t n_gen, int d,
                              int k, double *precision, double *recall);

/* ---- error bars: repetitions on independent subsamples ---- */

typedef struct {
  int64_t count;
  double mean;
  double std;         /* sample std (divided by count - 1; 0 for one value) */
  double se;          /* std / sqrt(count): the standard error of the mean */
  double lo, hi;      /* the 95 % percentile interval: the 2.5 % and 97.5 % quantiles of the values
                         (linear interpolation between order statistics, numpy's default) */
} wg_eval_summary;

/* Summarises values[count] (count >= 1, all finite). */
wg_status wg_eval_summarize(const double *values, int64_t count, wg_eval_summary *out);

/* ---- the whole evaluation of `wgan eval` ---- */

/* The real data an evaluation compares with: two disjoint pools, the
 * held-out one and the floor's. */
typedef struct {
  int is_toy, is_g1d;
  wg_toy_kind toy;
  wg_gauss1d g1d;
  wg_dataset *heldout, *other;  /* data sets */
  int ndim, shape[3];           /* per-sample shape */
  int64_t dim, avail;           /* samples each pool can give (0: unlimited) */
  const char *what;             /* what the held-out samples are, in words */
} wg_eval_data;

/* Opens name: a toy distribution or gaussians1d N(g1d_mean, g1d_std^2)
 * (fresh draws for both pools), fashion-mnist (the t10k test set; the
 * floor's pool the training set), or a file (wg_dataset_load) split at
 * random into halves by rng. */
wg_status wg_eval_data_open(wg_eval_data *d, const char *name, float g1d_mean, float g1d_std, wg_rng *rng);
/* real[n, dim] from the held-out pool and real2[n, dim] from the other,
 * from independent streams of seed. */
wg_status wg_eval_data_draw(const wg_eval_data *d, int64_t n, uint64_t seed, float *real, float *real2);
void wg_eval_data_close(wg_eval_data *d);

typedef struct {
  /* The generated samples: a data set of them, or a generator drawing
   * samples of per-sample shape (gen_ndim, gen_shape). */
  const wg_dataset *samples;
  wg_gan_models *gen;
  int gen_ndim, gen_shape[3];
  const char *data;             /* the real data (wg_eval_data_open) */
  float g1d_mean, g1d_std;
  int64_t n;                    /* samples per set; 0: 2000 points or 1000 images */
  uint64_t seed;                /* the draws of real and generated samples */
  /* The feature classifier for 28x28 images: this file (it must exist), or
   * NULL: classifier.safetensors in search_dir (if not NULL), then in the
   * current folder; none found leaves the Frechet distance out. */
  const char *classifier, *search_dir;
  int bootstrap;                /* repetitions of W1 and its floor on fresh subsamples; 0: none */
  int projections;              /* of the sliced W; 0: none */
  double sliced_p;              /* its exponent (>= 1) */
  int kid_subsets;              /* KID's subsets (0: 100) */
  int64_t kid_subset_size;      /* 0: min(1000, n / 2) */
  int pr_k;                     /* precision/recall's k (0: 3) */
} wg_eval_opts;

typedef struct {
  int64_t n, dim;
  int is_image;                 /* the samples are images (the energy distance is in pixel space) */
  double w1, w1_floor;
  int has_frechet;
  double frechet, frechet_floor;
  char no_frechet_reason[1536];  /* why there is none, where one was wanted */
  int has_modes;
  wg_mode_coverage modes;
  const char *heldout;          /* what the real samples are */
  int has_bootstrap;
  wg_eval_summary w1_boot, floor_boot;
  int has_sliced;
  wg_sliced_result sliced, sliced_floor;
  double energy, energy_floor;  /* in pixel space for images, the points' space otherwise */
  int has_kid;                  /* in the classifier's features, with the Frechet distance */
  wg_kid_result kid, kid_floor;
  int has_pr;                   /* in the classifier's features for 28x28 images, raw space for points;
                                   none for other images */
  double precision, recall, precision_floor, recall_floor;
  int pr_k;
} wg_eval_result;

/* The default options: seed 1, n chosen by the data, 200 projections of
 * the sliced W1, no bootstrap. */
wg_eval_opts wg_eval_defaults(void);
/* The exact W1 of n generated against n held-out real samples beside the
 * floor W1(real, real) of the same n (and with o->bootstrap, wg_eval_repeat
 * over [0, bootstrap) summarised); the sliced W and the energy distance,
 * each with its floor; for 28x28 images the Frechet distance, KID and
 * precision / recall in the classifier's features, for points precision /
 * recall in their own space; for the 2-D mixtures the modes covered.
 * Images are compared in [0, 1], whatever the generator's output range. */
wg_status wg_evaluate(const wg_eval_opts *o, wg_eval_result *out);

/* Repetitions r0 <= r < r1 of the exact W1 and its floor, each on fresh
 * subsamples of the n wg_evaluate would use: real and the floor's real from
 * their pools, generated samples n of the file's (without replacement) or n
 * new draws of the generator, all from stream (o->seed, r) alone. So any
 * split of [0, R) over processes gives the same values; combine them with
 * wg_eval_summarize. w1[r - r0], floor[r - r0]. The solves run on
 * omp_get_max_threads() threads, one single-threaded solve each: the values
 * are the same for every thread count. */
wg_status wg_eval_repeat(const wg_eval_opts *o, int64_t r0, int64_t r1, double *w1, double *floor);

#endif
