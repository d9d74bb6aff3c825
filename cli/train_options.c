/* The options of `wgan train`, table-driven: each sets a field of the
 * configuration or of the run's output settings. */
#include "train_options.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

typedef enum { OPT_LONG, OPT_DOUBLE, OPT_U64, OPT_TEXT, OPT_FLAG, OPT_FLAG_OFF } opt_kind;

typedef struct {
  const char *name;
  opt_kind kind;
  size_t offset;    /* into train_options */
  size_t size;      /* of the field (int / int64 / float / text buffer) */
  double lo, hi;
  int is_config;    /* part of the configuration: must agree with the checkpoint on --resume */
  const char *help;
} option;

#define CFG(field) offsetof(train_options, cfg.field), sizeof(((train_options *)0)->cfg.field)
#define RUN(field) offsetof(train_options, field), sizeof(((train_options *)0)->field)

static const option options[] = {
    {"--data", OPT_TEXT, CFG(data), 0, 0, 1, "8gaussians|25gaussians|swissroll|gaussians1d|fashion-mnist|FILE.csv|IDX|PNG-DIR"},
    {"--loss", OPT_TEXT, 0, 0, 0, 0, 1, "clip (WGAN) | gp (WGAN-GP) | gan (standard GAN)"},
    {"--model", OPT_TEXT, CFG(model), 0, 0, 1, "mlp | dcgan28 | dcgan (default: from the data)"},
    {"--iters", OPT_LONG, CFG(iters), 1, 1e9, 0, "generator iterations of the whole run"},
    {"--batch", OPT_LONG, CFG(batch), 1, 1e6, 1, "batch size"},
    {"--n-critic", OPT_LONG, CFG(n_critic), 1, 1e6, 1, "critic steps per generator step"},
    {"--lr", OPT_DOUBLE, CFG(lr_gen), 0, 10, 1, "learning rate (both networks)"},
    {"--lr-critic", OPT_DOUBLE, CFG(lr_critic), 0, 10, 1, "the critic's learning rate"},
    {"--beta1", OPT_DOUBLE, CFG(beta1), 0, 0.999999, 1, "Adam beta1 (RMSprop: alpha)"},
    {"--beta2", OPT_DOUBLE, CFG(beta2), 0, 0.999999, 1, "Adam beta2"},
    {"--clip", OPT_DOUBLE, CFG(clip), 1e-12, 1e6, 1, "weight clipping bound c"},
    {"--lambda", OPT_DOUBLE, CFG(lambda), 0, 1e9, 1, "gradient penalty weight"},
    {"--nz", OPT_LONG, CFG(nz), 1, 65536, 1, "noise dimension"},
    {"--dim", OPT_LONG, CFG(dim), 1, 65536, 1, "model width (DIM; hidden units of mlp)"},
    {"--seed", OPT_U64, CFG(seed), 0, 0, 1, "random seed"},
    {"--threads", OPT_LONG, CFG(threads), 0, 1024, 0, "threads (0: all cores)"},
    {"--batchnorm", OPT_FLAG, CFG(batchnorm), 0, 0, 1, "BatchNorm in both networks (clip, gan)"},
    {"--no-warmup-critic", OPT_FLAG_OFF, CFG(warmup_critic), 0, 0, 1, "clip: no 100-step critic warm-up"},
    {"--g1d-mean", OPT_DOUBLE, CFG(g1d_mean), -1e6, 1e6, 1, "gaussians1d: mean of the real data"},
    {"--g1d-std", OPT_DOUBLE, CFG(g1d_std), 1e-9, 1e6, 1, "gaussians1d: std of the real data"},
    {"--out", OPT_TEXT, RUN(out), 0, 0, 0, "run directory (default runs/DATA-LOSS-TIME)"},
    {"--resume", OPT_TEXT, RUN(resume), 0, 0, 0, "continue the run in DIR"},
    {"--sample-every", OPT_LONG, RUN(sample_every), 0, 1e9, 0, "samples and plots every N iterations (0: end only)"},
    {"--checkpoint-every", OPT_LONG, RUN(checkpoint_every), 0, 1e9, 0, "checkpoint every N iterations (0: end only)"},
    {"--log-every", OPT_LONG, RUN(log_every), 1, 1e9, 0, "plain log line every N iterations (not a terminal)"},
    {"--eval-every", OPT_LONG, RUN(eval_every), 0, 1e9, 0, "exact W1 of samples every N iterations (0: never)"},
};
enum { N_OPTIONS = sizeof options / sizeof options[0] };

void train_options_usage(FILE *f) {
  fprintf(f, "usage: wgan train --data D [options]\n       wgan train --resume DIR [--iters N]\n\n");
  for (int i = 0; i < N_OPTIONS; i++)
    fprintf(f, "  %-20s %s\n", options[i].name, options[i].help);
  fprintf(f, "\nThe logged w_estimate is mean C(real) - mean C(fake), the critic's estimate of W;\n"
             "critic_loss is its negative (plus the penalty for gp).\n");
}

static const option *find(const char *arg) {
  for (int i = 0; i < N_OPTIONS; i++)
    if (arg_is(arg, options[i].name)) return &options[i];
  return NULL;
}

/* Stores text into the field of opt; -1 after printing why. */
static int store(train_options *o, const option *opt, const char *text) {
  char *field = (char *)o + opt->offset;
  long l;
  double d;
  uint64_t u;
  switch (opt->kind) {
    case OPT_LONG:
      if (arg_long("train", opt->name, text, (long)opt->lo, (long)opt->hi, &l)) return -1;
      if (opt->size == sizeof(int64_t)) *(int64_t *)field = l;
      else *(int *)field = (int)l;
      return 0;
    case OPT_DOUBLE:
      if (arg_double("train", opt->name, text, opt->lo, opt->hi, &d)) return -1;
      *(float *)field = (float)d;
      return 0;
    case OPT_U64:
      if (arg_u64("train", opt->name, text, &u)) return -1;
      *(uint64_t *)field = u;
      return 0;
    case OPT_TEXT:
      if (strlen(text) >= opt->size) {
        fprintf(stderr, "wgan train: %s: value too long\n", opt->name);
        return -1;
      }
      strcpy(field, text);
      return 0;
    case OPT_FLAG:
    case OPT_FLAG_OFF:
      *(int *)field = opt->kind == OPT_FLAG;
      return 0;
  }
  return -1;
}

int train_options_parse(int argc, char **argv, train_options *o) {
  memset(o, 0, sizeof *o);
  /* The loss picks the defaults, so it is read first. */
  wg_loss_kind loss = WG_LOSS_GP;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    if (arg_is(argv[i], "--loss")) {
      const char *v = arg_value("train", argc, argv, &i);
      if (!v) return 2;
      if (wg_loss_from_name(v, &loss) != WG_OK) {
        fprintf(stderr, "wgan train: %s\n", wg_last_error());
        return 2;
      }
      o->given_loss = 1;
    }
  }
  wg_train_config_defaults(&o->cfg, loss);
  o->sample_every = 500;
  o->checkpoint_every = 500;
  o->log_every = 100;
  int lr_critic_given = 0;
  for (int i = 0; i < argc; i++) {
    const option *opt = find(argv[i]);
    if (!opt) {
      fprintf(stderr, "wgan train: unknown option '%s' (wgan train --help lists them)\n", argv[i]);
      return 2;
    }
    if (!strcmp(opt->name, "--loss")) {
      i += strchr(argv[i], '=') ? 0 : 1;
      continue;
    }
    const char *v = opt->kind == OPT_FLAG || opt->kind == OPT_FLAG_OFF ? "" : arg_value("train", argc, argv, &i);
    if (!v || store(o, opt, v)) return 2;
    o->given[opt - options] = 1;
    if (!strcmp(opt->name, "--lr-critic")) lr_critic_given = 1;
  }
  if (o->given[find("--lr") - options] && !lr_critic_given) o->cfg.lr_critic = o->cfg.lr_gen;
  if (!o->resume[0] && !o->cfg.data[0]) {
    fprintf(stderr, "wgan train: --data is required (or --resume DIR)\n");
    return 2;
  }
  return 0;
}

/* Whether the value of opt in a and b is the same. */
static int same(const train_options *a, const train_options *b, const option *opt) {
  return !memcmp((const char *)a + opt->offset, (const char *)b + opt->offset, opt->size) ||
         (opt->kind == OPT_TEXT && !strcmp((const char *)a + opt->offset, (const char *)b + opt->offset));
}

int train_options_resume(train_options *o, const wg_train_config *saved) {
  train_options from_file = *o;
  from_file.cfg = *saved;
  if (o->given_loss && o->cfg.loss != saved->loss) {
    fprintf(stderr, "wgan train: --resume: the run was trained with --loss %s, not %s\n", wg_loss_name(saved->loss),
            wg_loss_name(o->cfg.loss));
    return 2;
  }
  for (int i = 0; i < N_OPTIONS; i++) {
    if (!o->given[i] || !options[i].is_config || same(o, &from_file, &options[i])) continue;
    fprintf(stderr, "wgan train: --resume: %s differs from the run's configuration (only --iters, --threads and "
                    "the output options may change)\n", options[i].name);
    return 2;
  }
  int64_t iters = o->given[find("--iters") - options] ? o->cfg.iters : saved->iters;
  int threads = o->given[find("--threads") - options] ? o->cfg.threads : saved->threads;
  o->cfg = *saved;
  o->cfg.iters = iters;
  o->cfg.threads = threads;
  return 0;
}
