/* wgan classifier train --out FILE.safetensors [--epochs E] [options]:
 * trains the small CNN whose features `wgan eval` uses for its Fréchet
 * distance, on Fashion-MNIST's training set, and reports its test accuracy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "wgan/eval.h"

static const char usage_text[] =
    "usage: wgan classifier train --out FILE.safetensors [options]\n"
    "  Trains the feature classifier of `wgan eval` (a small CNN) on Fashion-MNIST.\n"
    "  --out FILE      where to save the weights (safetensors)\n"
    "  --epochs E      passes over the training set (default 5)\n"
    "  --batch B       minibatch size (default 64)\n"
    "  --lr LR         Adam's learning rate (default 1e-3)\n"
    "  --limit N       train on the first N training images only (default all 60000)\n"
    "  --seed S        initialisation and batch order (default 1)\n"
    "  --threads T     threads (default: all cores)\n";

static int bad(const char *fmt, const char *arg) {
  fprintf(stderr, "wgan: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  return 2;
}

/* A whole-string integer in [lo, hi]. */
static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return 0;
  *out = v;
  return 1;
}


static int on_epoch(int epoch, double loss, void *user) {
  double *t0 = user;
  fprintf(stderr, "epoch %d: loss %.4f (%.0f s)\n", epoch, loss, cli_now() - *t0);
  return 0;
}

int cmd_classifier(int argc, char **argv) {
  if (argc < 1 || strcmp(argv[0], "train") != 0) {
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
      fputs(usage_text, stdout);
      return 0;
    }
    fputs(usage_text, stderr);
    return 2;
  }
  wg_classifier_opts o = wg_classifier_defaults();
  const char *out = NULL;
  long limit = 0, threads = 0, v;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage_text, stdout);
      return 0;
    }
    if (i + 1 >= argc) return bad("%s: missing value", a);
    const char *val = argv[++i];
    if (!strcmp(a, "--out")) out = val;
    else if (!strcmp(a, "--epochs")) {
      if (!parse_long(val, 1, 1000, &v)) return bad("--epochs: not an integer in 1..1000: '%s'", val);
      o.epochs = (int)v;
    } else if (!strcmp(a, "--batch")) {
      if (!parse_long(val, 1, 60000, &v)) return bad("--batch: not an integer in 1..60000: '%s'", val);
      o.batch = (int)v;
    } else if (!strcmp(a, "--lr")) {
      char *end;
      o.lr = strtof(val, &end);
      if (end == val || *end || !(o.lr > 0 && o.lr < 10)) return bad("--lr: not a number in (0, 10): '%s'", val);
    } else if (!strcmp(a, "--limit")) {
      if (!parse_long(val, 1, 60000, &limit)) return bad("--limit: not an integer in 1..60000: '%s'", val);
    } else if (!strcmp(a, "--seed")) {
      if (!parse_long(val, 0, 2147483647L, &v)) return bad("--seed: not a non-negative integer: '%s'", val);
      o.seed = (uint64_t)v;
    } else if (!strcmp(a, "--threads")) {
      if (!parse_long(val, 1, 1024, &threads)) return bad("--threads: not an integer in 1..1024: '%s'", val);
    } else
      return bad("classifier train: unknown option '%s'", a);
  }
  if (!out) return bad("classifier train: --out FILE is required%s", "");
  if (o.batch > (limit ? limit : 60000)) return bad("--batch: larger than the training set%s", "");
  wg_set_threads((int)threads);

  wg_dataset *train = wg_idx_load_named("fashion-mnist", 1, limit, 0.0f, 1.0f);
  wg_dataset *test = train ? wg_idx_load_named("fashion-mnist", 0, 0, 0.0f, 1.0f) : NULL;
  if (!train || !test) {
    fprintf(stderr, "wgan: %s (install the Debian package dataset-fashion-mnist)\n", wg_last_error());
    wg_dataset_free(train);
    return 2;
  }
  wg_rng rng;
  wg_rng_seed(&rng, o.seed);
  wg_classifier c;
  double t0 = cli_now(), acc = 0;
  wg_status st = wg_classifier_init(&c, &rng);
  if (st == WG_OK) st = wg_classifier_train(&c, train, &o, on_epoch, &t0);
  double secs = cli_now() - t0;
  if (st == WG_OK) st = wg_classifier_accuracy(&c, test, &acc);
  if (st == WG_OK) {
    char sacc[32], ssec[32], sep[16], slim[32], sseed[32];
    snprintf(sacc, sizeof sacc, "%.4f", acc);
    snprintf(ssec, sizeof ssec, "%.1f", secs);
    snprintf(sep, sizeof sep, "%d", o.epochs);
    snprintf(slim, sizeof slim, "%lld", (long long)train->n);
    snprintf(sseed, sizeof sseed, "%llu", (unsigned long long)o.seed);
    const char *meta[] = {"wgan.test_accuracy", sacc, "wgan.train_seconds", ssec, "wgan.epochs", sep,
                          "wgan.train_images", slim, "wgan.seed", sseed};
    st = wg_classifier_save(&c, out, meta, 5);
  }
  if (st != WG_OK) fprintf(stderr, "wgan: %s\n", wg_last_error());
  else printf("test accuracy %.2f%% (%lld training images, %d epochs, %.1f s); saved %s\n", 100 * acc,
              (long long)train->n, o.epochs, secs, out);
  if (c.body) wg_classifier_free(&c);
  wg_dataset_free(train);
  wg_dataset_free(test);
  return st == WG_OK ? 0 : (st == WG_EIO ? 2 : 1);
}
