/* wgan eval DIR|CHECKPOINT [--data D] [-n N], or wgan eval --samples FILE --data D:
 * the exact W1 between generated and held-out real samples beside the floor
 * that sampling noise sets, the Fréchet distance in the features of our
 * Fashion-MNIST classifier for 28x28 images, and mode coverage for the 2-D
 * mixtures. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "wgan/csv.h"
#include "wgan/eval.h"
#include "wgan/gan.h"

static const char usage_text[] =
    "usage: wgan eval DIR|CHECKPOINT [--data D] [options]\n"
    "       wgan eval --samples FILE --data D [options]\n"
    "  Exact W1 between n generated and n held-out real samples, beside the floor\n"
    "  W1(real, real) of the same n; for 28x28 images a Frechet distance in the\n"
    "  features of this project's Fashion-MNIST classifier (NOT the Inception FID);\n"
    "  for 8gaussians/25gaussians the modes covered.\n"
    "  DIR               a run folder (reads DIR/checkpoint.safetensors)\n"
    "  --samples FILE    samples from any tool: a .csv of points, an IDX file or a PNG folder\n"
    "  --data D          8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, or a\n"
    "                    .csv / IDX / PNG folder (held-out split); default: the run's data\n"
    "  -n N              samples per set (default 2000 for points, 1000 for images)\n"
    "  --classifier F    the feature classifier (default $WGAN_CLASSIFIER, then\n"
    "                    classifier.safetensors next to the run, then in the current folder)\n"
    "  --seed S          the draws of real and generated samples (default 1)\n"
    "  --threads T       threads (default: all cores)\n"
    "  --json            print the figures as one JSON object\n";

typedef struct {
  const char *run, *samples, *data, *classifier;
  long n;
  uint64_t seed;
  int json;
} options;

/* The figures, and where they apply. */
typedef struct {
  int64_t n;
  int64_t dim;
  double w1, w1_floor;
  int has_fd;
  double fd, fd_floor;
  const char *no_fd_reason;
  int has_modes;
  wg_mode_coverage modes;
  const char *heldout;        /* what the real samples are */
} figures;

static int bad(const char *fmt, const char *arg) {
  fprintf(stderr, "wgan: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  return 2;
}

/* The library's message for a failure; 2 for bad input, 1 otherwise. */
static int lib_fail(void) {
  wg_status st = wg_last_status();
  fprintf(stderr, "wgan: %s\n", wg_last_error());
  return st == WG_EIO || st == WG_EFORMAT || st == WG_EINVAL ? 2 : 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcmp(s + n - k, suffix);
}

static int is_dir(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A file of samples or a data set: .csv points, a PNG folder, else IDX
 * images; images in [0, 1]. NULL with the library's message. */
static wg_dataset *load_file(const char *path) {
  if (ends_with(path, ".csv")) {
    double *rows;
    int64_t n;
    int cols;
    if (wg_csv_read(path, &rows, &n, &cols) != WG_OK) return NULL;
    wg_dataset *ds = wg_dataset_from_doubles(rows, n, cols);
    free(rows);
    return ds;
  }
  if (is_dir(path)) return wg_png_folder_load(path, 0, 0.0f, 1.0f);
  return wg_idx_load(path, NULL, 0, 0.0f, 1.0f);
}

/* n distinct samples of ds drawn from rng into out[n, dim]. */
static wg_status draw(const wg_dataset *ds, int64_t n, wg_rng *rng, float *out) {
  int64_t *idx = malloc(sizeof(int64_t) * (size_t)ds->n);
  if (!idx) return WG_ENOMEM;
  for (int64_t i = 0; i < ds->n; i++) idx[i] = i;
  for (int64_t i = 0; i < n; i++) { /* partial Fisher-Yates */
    int64_t j = i + (int64_t)wg_rng_below(rng, (uint64_t)(ds->n - i)), t = idx[i];
    idx[i] = idx[j], idx[j] = t;
    memcpy(out + i * ds->dim, ds->x + idx[i] * ds->dim, sizeof(float) * (size_t)ds->dim);
  }
  free(idx);
  return WG_OK;
}

/* The real data: two disjoint samples real[n, dim] (held out) and
 * real2[n, dim] (the floor's), of a per-sample shape (ndim, shape). */
typedef struct {
  int is_toy, is_g1d;
  wg_toy_kind toy;
  wg_gauss1d g1d;
  wg_dataset *a, *b;    /* data sets: the held-out pool and the other pool */
  int ndim, shape[3];
  int64_t dim, avail;   /* samples each pool can give (0: unlimited) */
  const char *heldout;
} real_data;

static void real_close(real_data *r) {
  wg_dataset_free(r->a);
  wg_dataset_free(r->b);
}

/* Opens D; g1d gives the gaussians1d parameters (from the run, or the
 * defaults). Returns 0 or an exit code (the message printed). */
static int real_open(real_data *r, const char *d, const wg_train_config *g1d, wg_rng *rng) {
  memset(r, 0, sizeof *r);
  if (wg_toy_from_name(d, &r->toy) == WG_OK) {
    r->is_toy = 1, r->ndim = 1, r->shape[0] = 2, r->dim = 2;
    r->heldout = "fresh draws of the distribution (independent seeds)";
    return 0;
  }
  wg_clear_error();
  if (!strcmp(d, "gaussians1d")) {
    r->is_g1d = 1, r->ndim = 1, r->shape[0] = 1, r->dim = 1;
    r->g1d = (wg_gauss1d){.mean = {g1d->g1d_mean, g1d->g1d_mean}, .std = {g1d->g1d_std, g1d->g1d_std},
                          .weight0 = 1.0};
    r->heldout = "fresh draws of the distribution (independent seeds)";
    return 0;
  }
  if (!strcmp(d, "fashion-mnist")) {
    r->a = wg_idx_load_named(d, 0, 0, 0.0f, 1.0f);
    r->b = r->a ? wg_idx_load_named(d, 1, 0, 0.0f, 1.0f) : NULL;
    if (!r->a || !r->b) return lib_fail();
    r->heldout = "the t10k test set; floor: the training set";
  } else {
    struct stat sb;
    if (stat(d, &sb) != 0)
      return bad("%s: no such data: not 8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, "
                 "nor an existing .csv file, IDX file or PNG folder", d);
    wg_dataset *all = load_file(d);
    if (!all) return lib_fail();
    if (all->n < 4) {
      wg_dataset_free(all);
      return bad("%s: fewer than 4 samples: nothing to hold out", d);
    }
    wg_status st = wg_dataset_split(all, all->n / 2, rng, &r->b, &r->a);
    wg_dataset_free(all);
    if (st != WG_OK) return lib_fail();
    r->heldout = "a random half of the data set; floor: the other half";
  }
  r->ndim = r->a->ndim;
  memcpy(r->shape, r->a->shape, sizeof r->shape);
  r->dim = r->a->dim;
  r->avail = r->a->n < r->b->n ? r->a->n : r->b->n;
  return 0;
}

/* real[n, dim] and real2[n, dim] from independent streams. */
static wg_status real_draw(real_data *r, int64_t n, uint64_t seed, float *real, float *real2) {
  wg_rng ra, rb;
  wg_rng_seed(&ra, seed ^ 0x5eed0001u);
  wg_rng_seed(&rb, seed ^ 0x5eed0002u);
  if (r->is_toy) {
    wg_toy_sample(r->toy, &ra, real, n);
    wg_toy_sample(r->toy, &rb, real2, n);
    return WG_OK;
  }
  if (r->is_g1d) {
    wg_status st = wg_gauss1d_sample(&r->g1d, &ra, real, n);
    return st == WG_OK ? wg_gauss1d_sample(&r->g1d, &rb, real2, n) : st;
  }
  if (draw(r->a, n, &ra, real) != WG_OK || draw(r->b, n, &rb, real2) != WG_OK) return WG_ENOMEM;
  return WG_OK;
}

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Features of three image sets [n, 784] and the two Fréchet distances.
 * Returns 0, or an exit code (message printed). */
static int frechet(figures *f, const options *o, const char *run_dir, const float *gen,
                   const float *real, const float *real2) {
  static char tried[4400], reason[4700];
  const char *path = o->classifier, *env = getenv("WGAN_CLASSIFIER");
  int explicit = path != NULL;
  if (!path && env && *env) path = env, explicit = 1;
  if (!path && run_dir) {
    snprintf(tried, sizeof tried, "%s/classifier.safetensors", run_dir);
    if (file_exists(tried)) path = tried;
  }
  if (!path && file_exists("classifier.safetensors")) path = "classifier.safetensors";
  if (!path) {
    snprintf(reason, sizeof reason,
             "no feature classifier (looked at $WGAN_CLASSIFIER%s%s and ./classifier.safetensors); make one "
             "with: wgan classifier train --out classifier.safetensors",
             run_dir ? ", " : "", run_dir ? tried : "");
    f->no_fd_reason = reason;
    return 0;
  }
  if (explicit && !file_exists(path)) return bad("%s: no such classifier file", path);
  wg_classifier c;
  if (wg_classifier_load(&c, path) != WG_OK) return lib_fail();
  int64_t n = f->n;
  float *fa = malloc(sizeof(float) * WG_CLASSIFIER_FEATURES * 3 * (size_t)n);
  float *fb = fa + WG_CLASSIFIER_FEATURES * n, *fc = fb + WG_CLASSIFIER_FEATURES * n;
  wg_status st = fa ? WG_OK : WG_ENOMEM;
  const char *msg = fa ? NULL : "out of memory for the features";
  if (st == WG_OK) st = wg_classifier_features(&c, gen, n, fa);
  if (st == WG_OK) st = wg_classifier_features(&c, real, n, fb);
  if (st == WG_OK) st = wg_classifier_features(&c, real2, n, fc);
  if (st == WG_OK) st = wg_frechet_features(fa, n, fb, n, WG_CLASSIFIER_FEATURES, &f->fd);
  if (st == WG_OK) st = wg_frechet_features(fc, n, fb, n, WG_CLASSIFIER_FEATURES, &f->fd_floor);
  free(fa);
  wg_classifier_free(&c);
  if (st != WG_OK) {
    fprintf(stderr, "wgan: %s\n", msg ? msg : wg_last_error());
    return 1;
  }
  f->has_fd = 1;
  return 0;
}

static void print_text(const figures *f, const char *what, const char *data) {
  printf("samples      %s (n = %lld, dimension %lld)\n", what, (long long)f->n, (long long)f->dim);
  printf("real         %s: %s\n", data, f->heldout);
  printf("W1           %.6g   exact, generated vs held-out real\n", f->w1);
  printf("W1 floor     %.6g   exact, real vs real of the same n (sampling noise)\n", f->w1_floor);
  if (f->has_fd) {
    printf("Frechet      %.6g   features of this project's Fashion-MNIST CNN, not Inception FID\n", f->fd);
    printf("Frechet floor %.6g  real vs real of the same n\n", f->fd_floor);
  }
  if (f->has_modes)
    printf("modes        %d of %d covered (>= %lld samples in its cell); %.1f%% of samples within 3 sigma of a centre\n",
           f->modes.covered, f->modes.n_modes, (long long)f->modes.min_count, 100 * f->modes.share_near);
}

static void print_json(const figures *f, const char *what, const char *data) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "samples", what);
  cJSON_AddStringToObject(j, "data", data);
  cJSON_AddNumberToObject(j, "n", (double)f->n);
  cJSON_AddNumberToObject(j, "dim", (double)f->dim);
  cJSON_AddNumberToObject(j, "w1", f->w1);
  cJSON_AddNumberToObject(j, "w1_floor", f->w1_floor);
  if (f->has_fd) {
    cJSON_AddNumberToObject(j, "frechet", f->fd);
    cJSON_AddNumberToObject(j, "frechet_floor", f->fd_floor);
    cJSON_AddStringToObject(j, "frechet_features", "wgan Fashion-MNIST CNN (not Inception)");
  }
  if (f->has_modes) {
    cJSON_AddNumberToObject(j, "modes", f->modes.n_modes);
    cJSON_AddNumberToObject(j, "modes_covered", f->modes.covered);
    cJSON_AddNumberToObject(j, "mode_min_count", (double)f->modes.min_count);
    cJSON_AddNumberToObject(j, "within_3sigma", f->modes.share_near);
    cJSON *c = cJSON_AddArrayToObject(j, "mode_counts");
    for (int k = 0; k < f->modes.n_modes; k++) cJSON_AddItemToArray(c, cJSON_CreateNumber((double)f->modes.counts[k]));
  }
  char *s = cJSON_PrintUnformatted(j);
  puts(s);
  cJSON_free(s);
  cJSON_Delete(j);
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  long threads = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--json")) {
      o->json = 1;
      continue;
    }
    if (a[0] != '-') {
      if (o->run) return bad("eval: more than one run given ('%s')", a);
      o->run = a;
      continue;
    }
    if (i + 1 >= argc) return bad("%s: missing value", a);
    const char *v = argv[++i];
    char *end;
    errno = 0;
    if (!strcmp(a, "--samples")) o->samples = v;
    else if (!strcmp(a, "--data")) o->data = v;
    else if (!strcmp(a, "--classifier")) o->classifier = v;
    else if (!strcmp(a, "-n")) {
      o->n = strtol(v, &end, 10);
      if (errno || end == v || *end || o->n < 2 || o->n > 100000) return bad("-n: not an integer in 2..100000: '%s'", v);
    } else if (!strcmp(a, "--seed")) {
      long long s = strtoll(v, &end, 10);
      if (errno || end == v || *end || s < 0) return bad("--seed: not a non-negative integer: '%s'", v);
      o->seed = (uint64_t)s;
    } else if (!strcmp(a, "--threads")) {
      threads = strtol(v, &end, 10);
      if (errno || end == v || *end || threads < 1 || threads > 1024) return bad("--threads: not an integer in 1..1024: '%s'", v);
    } else
      return bad("eval: unknown option '%s'", a);
  }
  if (!o->run == !o->samples) return bad("eval: give a run (DIR or CHECKPOINT) or --samples FILE, not both%s", "");
  if (o->samples && !o->data) return bad("eval: --samples needs --data D%s", "");
  wg_set_threads((int)threads);
  return 0;
}

/* The generated samples: from --samples FILE, or from the run's generator.
 * *gen_ds or *state is filled; *cfg gets the run's configuration (or the
 * defaults). Returns 0 or an exit code. */
static int open_generated(const options *o, wg_dataset **gen_ds, wg_gan_state *state, int *have_state,
                          char *ckpt, size_t ckpt_size, char *run_dir, size_t dir_size) {
  if (o->samples) {
    if (!is_dir(o->samples) && !file_exists(o->samples)) return bad("%s: no such file or folder", o->samples);
    *gen_ds = load_file(o->samples);
    return *gen_ds ? 0 : lib_fail();
  }
  if (is_dir(o->run)) {
    snprintf(ckpt, ckpt_size, "%s/checkpoint.safetensors", o->run);
    snprintf(run_dir, dir_size, "%s", o->run);
  } else {
    snprintf(ckpt, ckpt_size, "%s", o->run);
    const char *slash = strrchr(o->run, '/');
    if (slash) snprintf(run_dir, dir_size, "%.*s", (int)(slash - o->run), o->run);
    else snprintf(run_dir, dir_size, ".");
  }
  if (!file_exists(ckpt)) return bad("%s: no such checkpoint", ckpt);
  if (wg_checkpoint_load(ckpt, state) != WG_OK) return lib_fail();
  *have_state = 1;
  return 0;
}

int cmd_eval(int argc, char **argv) {
  if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
    fputs(usage_text, stdout);
    return 0;
  }
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc) return rc;
  static char ckpt[4200], run_dir[4200];
  wg_dataset *gen_ds = NULL;
  wg_gan_state state;
  int have_state = 0;
  real_data r = {0};
  float *buf = NULL;
  figures f = {0};
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP);
  if ((rc = open_generated(&o, &gen_ds, &state, &have_state, ckpt, sizeof ckpt, run_dir, sizeof run_dir))) goto done;
  if (have_state) cfg = state.cfg;
  const char *data = o.data ? o.data : cfg.data;
  const char *what = o.samples ? o.samples : ckpt;
  if (!*data) {
    rc = bad("%s: the run names no data; give --data D", what);
    goto done;
  }
  wg_rng rng;
  wg_rng_seed(&rng, o.seed);
  if ((rc = real_open(&r, data, &cfg, &rng))) goto done;
  /* The shapes must agree: same per-sample size (a CSV of 784 columns is
   * taken as flattened 28x28 images). */
  int64_t gdim = gen_ds ? gen_ds->dim : 1;
  if (have_state)
    for (int k = 0; k < state.sample_ndim; k++) gdim *= state.sample_shape[k];
  if (gdim != r.dim) {
    fprintf(stderr, "wgan: %s: samples of dimension %lld, but %s has dimension %lld\n", what, (long long)gdim,
            data, (long long)r.dim);
    rc = 2;
    goto done;
  }
  int is_image = r.ndim == 3;
  int64_t n = o.n ? o.n : (is_image ? 1000 : 2000);
  if (gen_ds && gen_ds->n < n) n = gen_ds->n;
  if (r.avail && r.avail < n) n = r.avail;
  if (n < 2) {
    rc = bad("%s: fewer than 2 samples", gen_ds && gen_ds->n < 2 ? what : data);
    goto done;
  }
  f.n = n, f.dim = r.dim, f.heldout = r.heldout;
  buf = malloc(sizeof(float) * 3 * (size_t)n * (size_t)r.dim);
  if (!buf) {
    fprintf(stderr, "wgan: out of memory for %lld samples\n", (long long)n);
    rc = 1;
    goto done;
  }
  float *gen = buf, *real = buf + n * r.dim, *real2 = real + n * r.dim;
  if (gen_ds) memcpy(gen, gen_ds->x, sizeof(float) * (size_t)(n * r.dim));
  else {
    wg_rng grng;
    wg_rng_seed(&grng, o.seed ^ 0x5eed0003u);
    if (wg_gan_sample(&state.models, &grng, (int)n, gen) != WG_OK) {
      lib_fail();
      rc = 1;
      goto done;
    }
    /* Images are compared in [0, 1], whatever the generator's output range. */
    float lo = state.models.out_lo, hi = state.models.out_hi;
    if (is_image && isfinite(lo) && isfinite(hi) && (lo != 0.0f || hi != 1.0f))
      for (int64_t i = 0; i < n * r.dim; i++) gen[i] = (gen[i] - lo) / (hi - lo);
  }
  if (real_draw(&r, n, o.seed, real, real2) != WG_OK) {
    fprintf(stderr, "wgan: %s\n", wg_last_status() != WG_OK ? wg_last_error() : "out of memory");
    rc = 1;
    goto done;
  }
  if (wg_eval_w1(gen, real, real2, n, (int)r.dim, &f.w1, &f.w1_floor) != WG_OK) {
    fprintf(stderr, "wgan: %s\n", wg_last_error());
    rc = 1;
    goto done;
  }
  if (r.is_toy && r.toy != WG_TOY_SWISSROLL) {
    if (wg_eval_modes(r.toy, gen, n, 0, &f.modes) == WG_OK) f.has_modes = 1;
  }
  if (is_image && r.shape[0] == 1 && r.shape[1] == 28 && r.shape[2] == 28)
    if ((rc = frechet(&f, &o, have_state ? run_dir : NULL, gen, real, real2))) goto done;
  if (f.no_fd_reason) fprintf(stderr, "wgan: note: %s\n", f.no_fd_reason);
  if (o.json) print_json(&f, what, data);
  else print_text(&f, what, data);
done:
  free(buf);
  real_close(&r);
  wg_dataset_free(gen_ds);
  if (have_state) wg_gan_state_free(&state);
  return rc;
}
