/* wgan train: parses the options, runs wg_run_train, shows the progress. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "commands.h"
#include "options.h"
#include "progress.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void on_iteration(void *user, const wg_gan_state *s, const wg_iter_stats *st) {
  (void)user;
  progress_update((long)s->iter, st->w_estimate);
}

static void on_warning(void *user, const char *message) {
  (void)user;
  progress_note("wgan train: warning: %s", message);
}

typedef struct {
  wg_run_opts run;
  long log_every;
} train_cli;

#define RUN(member) WG_FIELD_AT(train_cli, member)
static const wg_field run_fields[] = {
    CLI_OPTION("out", "--out", WG_FIELD_STRING, RUN(run.out), 0, 0, NULL, "run directory (default runs/DATA-LOSS-TIME)"),
    CLI_OPTION("resume", "--resume", WG_FIELD_STRING, RUN(run.resume), 0, 0, NULL, "continue the run in DIR"),
    CLI_OPTION("sample_every", "--sample-every", WG_FIELD_INT64, RUN(run.sample_every), 0, 1e9, NULL,
     "samples and plots every N iterations (0: end only)"),
    CLI_OPTION("checkpoint_every", "--checkpoint-every", WG_FIELD_INT64, RUN(run.checkpoint_every), 0, 1e9, NULL,
     "checkpoint every N iterations (0: end only)"),
    CLI_OPTION("log_every", "--log-every", WG_FIELD_INT, RUN(log_every), 1, 1e9, NULL,
     "plain log line every N iterations (not a terminal)"),
    CLI_OPTION("eval_every", "--eval-every", WG_FIELD_INT64, RUN(run.eval_every), 0, 1e9, NULL,
     "exact W1 of samples every N iterations (0: never)"),
    CLI_OPTION("same_draws", "--same-draws", WG_FIELD_FLAG, RUN(run.same_draws), 0, 1, NULL,
     "MPI: every rank draws the whole batch's noise and keeps its slice (as one process draws)"),
    CLI_OPTION("rank_states", "--rank-states", WG_FIELD_STRING, RUN(run.rank_states), 0, 0, NULL,
     "MPI: every rank also writes its final state to DIR/rank-R.safetensors"),
};
enum { N_RUN = sizeof run_fields / sizeof run_fields[0], MAX_FIELDS = 32 };

/* The configuration options given, as settings for the library. */
static int settings_of(const wg_field *fields, int n, const char **given, wg_setting *out) {
  int k = 0;
  for (int i = 0; i < n; i++)
    if (given[i]) out[k++] = (wg_setting){fields[i].key, given[i]};
  return k;
}

static int report(wg_run *run, wg_status st) {
  const wg_gan_state *s = wg_run_state(run);
  /* The input was checked when the run opened: whatever stops it now (a
   * full disk, a diverged loss, memory) is a failure while running. */
  if (st != WG_OK) return cli_fail(1, "%s", wg_last_error());
  if (wg_run_stopped(run)) {
    fprintf(stderr, "wgan train: interrupted at iteration %lld; checkpoint written. Resume with:\n  wgan train --resume %s\n",
            (long long)s->iter, wg_run_dir(run));
    return 128 + wg_run_stopped(run); /* the signal, this rank's or another's */
  }
  fprintf(stderr, "wgan train: done, %lld iterations in %.1f s. Samples, metrics.csv, loss.png and report.html are in %s\n",
          (long long)s->iter, s->seconds, wg_run_dir(run));
  if (wg_dist_size() > 1)
    fprintf(stderr, "wgan train: rank 0 spent %.2f s in the ranks' collective operations (allreduces, agreement)\n",
            wg_dist_seconds());
  return 0;
}

/* --help: the options, and when a new run's options were given too, what
 * that run would train with (the defaults of its data, model and loss). */
static int help(const cli_command *c, const wg_field *fields, int nf, const wg_setting *settings, int n, int resume) {
  cli_usage(stdout, c);
  if (!n || resume) return 0;
  wg_train_config cfg;
  if (wg_train_config_resolve(&cfg, settings, n) != WG_OK) return cli_fail_lib();
  printf("\nA new run with these options trains %s on %s with model %s and:\n", wg_loss_name(cfg.loss), cfg.data,
         wg_model_name(cfg.model));
  for (int i = 0; i < nf; i++) {
    const wg_field *f = &fields[i];
    char v[64];
    if (f->type == WG_FIELD_TEXT || f->offset == offsetof(wg_train_config, loss) ||
        f->offset == offsetof(wg_train_config, model))
      continue;
    if (f->type == WG_FIELD_FLAG || f->type == WG_FIELD_FLAG_OFF) {
      if (wg_field_number(f, &cfg) == (f->type == WG_FIELD_FLAG)) printf("  %s\n", f->option);
      continue;
    }
    cli_value_text(f, &cfg, v, sizeof v);
    printf("  %-20s %s\n", f->option, v);
  }
  return 0;
}

int cmd_train(int argc, char **argv) {
  int nf;
  const wg_field *fields = wg_train_fields(&nf);
  wg_train_config scratch;
  wg_train_config_defaults(&scratch, WG_LOSS_GP, WG_MODEL_MLP);
  train_cli o = {.run = wg_run_defaults(), .log_every = 100};
  const char *given[MAX_FIELDS] = {0};
  cli_group groups[] = {{fields, nf, &scratch, given}, {run_fields, N_RUN, &o, NULL}};
  cli_command c = {.usage = "usage: wgan train --data D [options]\n       wgan train --resume DIR [--iters N]\n\n",
                   .epilog = "\nThe logged w_estimate is mean C(real) - mean C(fake), the critic's estimate of W;\n"
                             "critic_loss is its negative (plus the penalty for gp).\n"
                             "The defaults are the reference codes' settings but for one: the toy MLP starts at\n"
                             "PyTorch's initialisation, not gan_toy.py's (--init wgangp), whose wider weights leave\n"
                             "8gaussians at W1 0.23 after 3,000 iterations where PyTorch's reach 0.10 (docs/quality.md,\n"
                             "installed in PREFIX/share/doc/wgan).\n",
                   .groups = groups, .ngroups = 2, .help_after_parse = 1};
  int rc = cli_parse(&c, argc, argv);
  if (rc == 2) return rc;
  wg_setting settings[MAX_FIELDS];
  int n = settings_of(fields, nf, given, settings);
  if (rc == 1) return help(&c, fields, nf, settings, n, o.run.resume != NULL);
  o.run.stop = &stop_signal;
  o.run.on_iteration = on_iteration;
  o.run.on_warning = on_warning;
  wg_run *run;
  if (wg_run_open(&run, settings, n, &o.run) != WG_OK) return cli_fail_lib();
  const wg_gan_state *s = wg_run_state(run);
  fprintf(stderr, "wgan train: %s on %s, model %s (%lld + %lld parameters), into %s\n", wg_loss_name(s->cfg.loss),
          s->cfg.data, wg_model_name(s->cfg.model), (long long)s->models.gen->n_params,
          (long long)s->models.critic->n_params, wg_run_dir(run));
  if (wg_dist_size() > 1)
    fprintf(stderr, "wgan train: %d ranks of %d samples (--batch %d), %d thread%s each\n", wg_dist_size(),
            s->cfg.batch / wg_dist_size(), s->cfg.batch, wg_get_threads(), wg_get_threads() == 1 ? "" : "s");
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  progress_start((long)s->iter, (long)s->cfg.iters, o.log_every);
  wg_status st = wg_run_train(run);
  progress_end();
  rc = report(run, st);
  wg_run_close(run);
  return rc;
}
