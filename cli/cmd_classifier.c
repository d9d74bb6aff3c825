/* wgan classifier train --out FILE.safetensors [options]: trains the small
 * CNN whose features `wgan eval` uses for its Frechet distance, on
 * Fashion-MNIST's training set, and reports its test accuracy. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"

typedef struct {
  wg_classifier_opts train;
  const char *out;
  int limit, threads;
} classifier_cli;

#define AT(member) WG_FIELD_AT(classifier_cli, member)
static const wg_field fields[] = {
    CLI_OPTION("out", "--out", WG_FIELD_STRING, AT(out), 0, 0, NULL, "where to save the weights (safetensors)"),
    CLI_OPTION("epochs", "--epochs", WG_FIELD_INT, AT(train.epochs), 1, 1000, NULL, "passes over the training set"),
    CLI_OPTION("batch", "--batch", WG_FIELD_INT, AT(train.batch), 1, 60000, NULL, "minibatch size"),
    CLI_OPTION("lr", "--lr", WG_FIELD_FLOAT, AT(train.lr), 1e-30, 10, NULL, "Adam's learning rate"),
    CLI_OPTION("limit", "--limit", WG_FIELD_INT, AT(limit), 0, 60000, NULL, "train on the first N training images (0: all)"),
    CLI_OPTION("seed", "--seed", WG_FIELD_U64, AT(train.seed), 0, 0, NULL, "initialisation and batch order"),
    CLI_OPTION("threads", "--threads", WG_FIELD_INT, AT(threads), 0, 1024, NULL, "threads (0: all cores)"),
};

static int on_epoch(int epoch, double loss, void *user) {
  fprintf(stderr, "epoch %d: loss %.4f (%.0f s)\n", epoch, loss, wg_seconds() - *(double *)user);
  return 0;
}

int cmd_classifier(int argc, char **argv) {
  classifier_cli o = {.train = wg_classifier_defaults()};
  cli_group g = {fields, sizeof fields / sizeof fields[0], &o, NULL};
  cli_command c = {.usage = "usage: wgan classifier train --out FILE.safetensors [options]\n"
                            "  Trains the feature classifier of `wgan eval` (a small CNN) on Fashion-MNIST.\n",
                   .groups = &g, .ngroups = 1};
  int rc = argc >= 1 && !strcmp(argv[0], "train") ? cli_parse(&c, argc - 1, argv + 1) : cli_parse(&c, argc, argv);
  if (rc) return rc == 1 ? 0 : rc;
  if (argc < 1 || strcmp(argv[0], "train")) return cli_fail(2, "the one action is train (wgan classifier --help)");
  if (!o.out) return cli_fail(2, "--out FILE is required");
  if (o.train.batch > (o.limit ? o.limit : 60000)) return cli_fail(2, "--batch: larger than the training set");
  wg_set_threads(o.threads);
  double t0 = wg_seconds(), accuracy;
  wg_classifier_report r;
  if (wg_classifier_make(o.out, &o.train, o.limit, on_epoch, &t0, &r) != WG_OK) return cli_fail_lib();
  accuracy = r.test_accuracy;
  printf("test accuracy %.2f%% (%lld training images, %d epochs, %.1f s); saved %s\n", 100 * accuracy,
         (long long)r.train_images, o.train.epochs, r.seconds, o.out);
  return 0;
}
