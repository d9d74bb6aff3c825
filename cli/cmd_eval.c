/* wgan eval DIR|CHECKPOINT [--data D] [-n N], or wgan eval --samples FILE --data D:
 * prints what wg_evaluate measures. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"

typedef struct {
  const char *samples, *data, *classifier;
  int64_t n;
  uint64_t seed;
  int threads, json;
  int bootstrap, projections, kid_subsets, pr_k;
  double sliced_p;
  int64_t kid_subset_size;
} eval_cli;

#define AT(member) WG_FIELD_AT(eval_cli, member)
static const wg_field fields[] = {
    CLI_OPTION("samples", "--samples", WG_FIELD_STRING, AT(samples), 0, 0, NULL,
     "samples from any tool: a .csv of points, an IDX file or a PNG folder"),
    CLI_OPTION("data", "--data", WG_FIELD_STRING, AT(data), 0, 0, NULL,
     "8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, or a .csv / IDX / PNG folder "
     "(held-out split; default: the run's data)"),
    CLI_OPTION("n", "-n", WG_FIELD_INT64, AT(n), 2, 100000, NULL, "samples per set (default 2000 for points, 1000 for images)"),
    CLI_OPTION("classifier", "--classifier", WG_FIELD_STRING, AT(classifier), 0, 0, NULL,
     "the feature classifier (default $WGAN_CLASSIFIER, then classifier.safetensors next to the run, then here)"),
    CLI_OPTION("seed", "--seed", WG_FIELD_U64, AT(seed), 0, 0, NULL, "the draws of real and generated samples"),
    CLI_OPTION("threads", "--threads", WG_FIELD_INT, AT(threads), 0, 1024, NULL, "threads (0: all cores)"),
    CLI_OPTION("bootstrap", "--bootstrap", WG_FIELD_INT, AT(bootstrap), 0, 100000, NULL,
     "repeat W1 and its floor on R fresh subsamples: mean, std, 95% percentile interval (0: off)"),
    CLI_OPTION("projections", "--projections", WG_FIELD_INT, AT(projections), 0, 1000000, NULL,
     "random directions of the sliced W (0: off)"),
    CLI_OPTION("sliced_p", "--sliced-p", WG_FIELD_DOUBLE, AT(sliced_p), 1, 100, NULL, "the sliced W's exponent p"),
    CLI_OPTION("kid_subsets", "--kid-subsets", WG_FIELD_INT, AT(kid_subsets), 1, 100000, NULL, "KID's subsets"),
    CLI_OPTION("kid_subset_size", "--kid-subset-size", WG_FIELD_INT64, AT(kid_subset_size), 0, 100000, NULL,
     "samples per KID subset (0: min(1000, n/2))"),
    CLI_OPTION("pr_k", "--pr-k", WG_FIELD_INT, AT(pr_k), 1, 1000, NULL, "the k of precision/recall's nearest neighbours"),
    CLI_OPTION("json", "--json", WG_FIELD_FLAG, AT(json), 0, 1, NULL, "print the figures as one JSON object"),
};

static const char usage_text[] =
    "usage: wgan eval DIR|CHECKPOINT [--data D] [options]\n"
    "       wgan eval --samples FILE --data D [options]\n"
    "  Exact W1 between n generated and n held-out real samples, beside the floor\n"
    "  W1(real, real) of the same n; for 28x28 images a Frechet distance in the\n"
    "  features of this project's Fashion-MNIST classifier (NOT the Inception FID);\n"
    "  for 8gaussians/25gaussians the modes covered. Beside them, each with its\n"
    "  real-vs-real floor: the sliced W, the energy distance, KID and precision/\n"
    "  recall (classifier features for images, the points' space for points).\n"
    "  DIR: a run folder. docs/eval.md says what each figure measures.\n";

static void print_summary(const char *label, const wg_eval_summary *b) {
  printf("%-12s %.6g mean, std %.3g, 95%% percentile interval [%.6g, %.6g] over %lld subsamples (se of the mean %.2g)\n",
         label, b->mean, b->std, b->lo, b->hi, (long long)b->count, b->se);
}

/* The lines beyond W1 and its floor. */
static void print_text_more(const wg_eval_result *f) {
  if (f->has_bootstrap) {
    print_summary("W1 bootstrap", &f->w1_boot);
    print_summary("floor boot", &f->floor_boot);
  }
  if (f->has_sliced)
    printf("sliced W%g    %.6g +- %.2g (Monte-Carlo se, %d projections); floor %.6g +- %.2g\n", f->sliced.p, f->sliced.value,
           f->sliced.se, f->sliced.projections, f->sliced_floor.value, f->sliced_floor.se);
  printf("energy       %.6g   energy distance (unbiased) in %s space; floor %.6g\n", f->energy,
         f->is_image ? "pixel" : "the points'", f->energy_floor);
  if (f->has_kid)
    printf("KID          %.6g +- %.2g (std over %d subsets of %lld); floor %.6g +- %.2g\n", f->kid.mean, f->kid.std,
           f->kid.subsets, (long long)f->kid.subset_size, f->kid_floor.mean, f->kid_floor.std);
  if (f->has_pr)
    printf("precision    %.4f  recall %.4f (k = %d nearest neighbours, %s); floor %.4f / %.4f\n", f->precision, f->recall,
           f->pr_k, f->has_kid ? "classifier features" : "the points' space", f->precision_floor, f->recall_floor);
}

static void print_text(const wg_eval_result *f, const char *what, const char *data) {
  printf("samples      %s (n = %lld, dimension %lld)\n", what, (long long)f->n, (long long)f->dim);
  printf("real         %s: %s\n", data, f->heldout);
  printf("W1           %.6g   exact, generated vs held-out real\n", f->w1);
  printf("W1 floor     %.6g   exact, real vs real of the same n (sampling noise)\n", f->w1_floor);
  if (f->has_frechet) {
    printf("Frechet      %.6g   features of this project's Fashion-MNIST CNN, not Inception FID\n", f->frechet);
    printf("Frechet floor %.6g  real vs real of the same n\n", f->frechet_floor);
  }
  print_text_more(f);
  if (f->has_modes)
    printf("modes        %d of %d covered (>= %lld samples in its cell); %.1f%% of samples within 3 sigma of a centre\n",
           f->modes.covered, f->modes.n_modes, (long long)f->modes.min_count, 100 * f->modes.share_near);
}

static void json_summary(cJSON *j, const char *key, const wg_eval_summary *b) {
  char k[64];
  const char *names[] = {"mean", "std", "se", "lo", "hi"};
  const double v[] = {b->mean, b->std, b->se, b->lo, b->hi};
  for (int i = 0; i < 5; i++) {
    snprintf(k, sizeof k, "%s_%s", key, names[i]);
    cJSON_AddNumberToObject(j, k, v[i]);
  }
}

/* The keys beyond W1 and its floor, flat (one number per key). */
static void json_more(cJSON *j, const wg_eval_result *f) {
  if (f->has_bootstrap) {
    cJSON_AddNumberToObject(j, "bootstrap", (double)f->w1_boot.count);
    cJSON_AddStringToObject(j, "bootstrap_interval", "percentile 2.5-97.5");
    json_summary(j, "w1", &f->w1_boot);
    json_summary(j, "w1_floor", &f->floor_boot);
  }
  if (f->has_sliced) {
    cJSON_AddNumberToObject(j, "sliced_w", f->sliced.value);
    cJSON_AddNumberToObject(j, "sliced_w_se", f->sliced.se);
    cJSON_AddNumberToObject(j, "sliced_w_floor", f->sliced_floor.value);
    cJSON_AddNumberToObject(j, "sliced_w_floor_se", f->sliced_floor.se);
    cJSON_AddNumberToObject(j, "sliced_p", f->sliced.p);
    cJSON_AddNumberToObject(j, "sliced_projections", f->sliced.projections);
  }
  cJSON_AddNumberToObject(j, "energy", f->energy);
  cJSON_AddNumberToObject(j, "energy_floor", f->energy_floor);
  if (f->has_kid) {
    cJSON_AddNumberToObject(j, "kid", f->kid.mean);
    cJSON_AddNumberToObject(j, "kid_std", f->kid.std);
    cJSON_AddNumberToObject(j, "kid_floor", f->kid_floor.mean);
    cJSON_AddNumberToObject(j, "kid_floor_std", f->kid_floor.std);
    cJSON_AddNumberToObject(j, "kid_subsets", f->kid.subsets);
    cJSON_AddNumberToObject(j, "kid_subset_size", (double)f->kid.subset_size);
  }
  if (f->has_pr) {
    cJSON_AddNumberToObject(j, "precision", f->precision);
    cJSON_AddNumberToObject(j, "recall", f->recall);
    cJSON_AddNumberToObject(j, "precision_floor", f->precision_floor);
    cJSON_AddNumberToObject(j, "recall_floor", f->recall_floor);
    cJSON_AddNumberToObject(j, "pr_k", f->pr_k);
    cJSON_AddStringToObject(j, "pr_space", f->has_kid ? "classifier features" : "points");
  }
}

static void print_json(const wg_eval_result *f, const char *what, const char *data) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "samples", what);
  cJSON_AddStringToObject(j, "data", data);
  cJSON_AddNumberToObject(j, "n", (double)f->n);
  cJSON_AddNumberToObject(j, "dim", (double)f->dim);
  cJSON_AddNumberToObject(j, "w1", f->w1);
  cJSON_AddNumberToObject(j, "w1_floor", f->w1_floor);
  if (f->has_frechet) {
    cJSON_AddNumberToObject(j, "frechet", f->frechet);
    cJSON_AddNumberToObject(j, "frechet_floor", f->frechet_floor);
    cJSON_AddStringToObject(j, "frechet_features", "wgan Fashion-MNIST CNN (not Inception)");
  }
  json_more(j, f);
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

/* The generator of a run (its directory, where the classifier is also
 * looked for, or its checkpoint file). */
static int open_run(const char *run, wg_gan_state *s, wg_eval_opts *e, char *ckpt, size_t cap, char *dir) {
  wg_checkpoint_path(run, ckpt, cap);
  snprintf(dir, cap, "%s", ckpt);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, cap, ".");
  if (wg_checkpoint_load(ckpt, s) != WG_OK) return cli_fail_lib();
  e->gen = &s->models;
  e->gen_ndim = s->sample_ndim;
  memcpy(e->gen_shape, s->sample_shape, sizeof e->gen_shape);
  e->g1d_mean = s->cfg.g1d_mean, e->g1d_std = s->cfg.g1d_std;
  e->search_dir = dir;
  if (!e->data) e->data = s->cfg.data;
  return 0;
}

int cmd_eval(int argc, char **argv) {
  eval_cli o = {.seed = 1, .projections = 200, .sliced_p = 1, .kid_subsets = 100, .pr_k = 3};
  const char *run = NULL;
  int npos;
  cli_group g = {fields, sizeof fields / sizeof fields[0], &o, NULL};
  cli_command c = {.usage = usage_text, .groups = &g, .ngroups = 1, .pos = &run, .max_pos = 1, .npos = &npos};
  int rc = cli_parse(&c, argc, argv);
  if (rc) return rc == 1 ? 0 : rc;
  if (!run == !o.samples) return cli_fail(2, "give a run (DIR or CHECKPOINT) or --samples FILE, not both");
  if (o.samples && !o.data) return cli_fail(2, "--samples needs --data D");
  wg_set_threads(o.threads);
  wg_eval_opts e = wg_eval_defaults();
  e.data = o.data, e.n = o.n, e.seed = o.seed;
  e.bootstrap = o.bootstrap, e.projections = o.projections, e.sliced_p = o.sliced_p;
  e.kid_subsets = o.kid_subsets, e.kid_subset_size = o.kid_subset_size, e.pr_k = o.pr_k;
  const char *env = getenv("WGAN_CLASSIFIER");
  e.classifier = o.classifier ? o.classifier : env && *env ? env : NULL;
  static char ckpt[4200], dir[4200];
  wg_gan_state s;
  wg_dataset *samples = NULL;
  if (o.samples && !(samples = wg_dataset_load(o.samples))) return cli_fail_lib();
  e.samples = samples;
  if (run && (rc = open_run(run, &s, &e, ckpt, sizeof ckpt, dir))) return rc;
  wg_eval_result r;
  const char *what = o.samples ? o.samples : ckpt;
  if (!e.data[0]) rc = cli_fail(2, "%s: the run names no data; give --data D", what);
  else if (wg_dist_evaluate(&e, &r) != WG_OK) rc = cli_fail_lib();
  else if (wg_dist_rank() == 0) {
    if (r.no_frechet_reason[0]) fprintf(stderr, "wgan eval: note: %s\n", r.no_frechet_reason);
    (o.json ? print_json : print_text)(&r, what, e.data);
  }
  wg_dataset_free(samples);
  if (run) wg_gan_state_free(&s);
  return rc;
}
