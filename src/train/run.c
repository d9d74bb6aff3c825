/* A whole training run: the configuration resolved (defaults, or the saved
 * one on resume), the data opened, the run directory made, then the loop
 * with its logs, checkpoints, samples and evaluations. */
#include "train/run.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "wgan/dist.h"
#include "wgan/metrics.h"

wg_run_opts wg_run_defaults(void) { return (wg_run_opts){.sample_every = 500, .checkpoint_every = 500}; }

void wg_run_warn(const wg_run *r, const char *fmt, ...) {
  if (!r->opts.on_warning) return;
  char msg[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->opts.on_warning(r->opts.user, msg);
}

/* Applies the settings in the table's order (so lr_critic, given, wins over
 * the lr_gen that sets both), each key's last value last. */
static wg_status apply(wg_train_config *cfg, const wg_setting *settings, int n) {
  int nf;
  const wg_field *fields = wg_train_fields(&nf);
  for (int k = 0; k < n; k++)
    if (!wg_train_field(settings[k].key)) return wg_set_error(WG_EINVAL, "unknown setting '%s'", settings[k].key);
  for (int i = 0; i < nf; i++)
    for (int k = 0; k < n; k++)
      if (!strcmp(settings[k].key, fields[i].key) && wg_train_config_set(cfg, settings[k].key, settings[k].value))
        return wg_last_status();
  return WG_OK;
}

static const char *find(const wg_setting *settings, int n, const char *key) {
  const char *v = NULL;
  for (int k = 0; k < n; k++)
    if (!strcmp(settings[k].key, key)) v = settings[k].value;
  return v;
}

/* A new run's configuration: the defaults of its loss and of the model its
 * data calls for (unless one is named), then the settings. Opens the data
 * into src. */
static wg_status new_config(wg_source *src, wg_train_config *cfg, const wg_setting *settings, int n) {
  wg_train_config_defaults(cfg, WG_LOSS_GP, WG_MODEL_MLP);
  if (apply(cfg, settings, n) != WG_OK) return wg_last_status();
  if (!cfg->data[0]) return wg_set_error(WG_EINVAL, "a new run needs data (--data D), or resume one (--resume DIR)");
  if (wg_source_open(src, cfg->data, cfg->g1d_mean, cfg->g1d_std, cfg->seed) != WG_OK) return wg_last_status();
  wg_model_kind model = find(settings, n, "model") ? cfg->model : wg_model_for_shape(src->ndim, src->shape);
  wg_train_config_defaults(cfg, cfg->loss, model);
  return apply(cfg, settings, n);
}

wg_status wg_train_config_resolve(wg_train_config *cfg, const wg_setting *settings, int n) {
  wg_source src;
  memset(&src, 0, sizeof src);
  wg_status st = new_config(&src, cfg, settings, n);
  wg_source_close(&src);
  return st;
}

/* A resumed run's configuration: the saved one, where the settings given
 * must agree with it except in what the table lets change. */
static wg_status resume_config(wg_run *r, wg_train_config *cfg, const wg_setting *settings, int n) {
  wg_checkpoint_path(r->opts.resume, r->ckpt, sizeof r->ckpt);
  if (wg_checkpoint_load(r->ckpt, &r->s) != WG_OK) return wg_error_prefix("resume");
  *cfg = r->s.cfg;
  wg_train_config given = *cfg;
  if (apply(&given, settings, n) != WG_OK) return wg_last_status();
  for (int k = 0; k < n; k++) {
    const wg_field *f = wg_train_field(settings[k].key);
    if (f->may_change_on_resume) wg_field_parse(f, cfg, settings[k].value);
    else if (!wg_field_equal(f, cfg, &given))
      return wg_set_error(WG_EINVAL, "resume: %s differs from the run's configuration (only iters, threads and "
                                     "precision may change)", f->option);
  }
  if (r->s.ranks != wg_dist_size())
    return wg_set_error(WG_EINVAL, "resume: the run in %s was trained on %d rank%s; resume it on as many (mpirun -np %d)",
                        r->opts.resume, r->s.ranks, r->s.ranks == 1 ? "" : "s", r->s.ranks);
  r->s.cfg = *cfg;
  r->resumed = 1;
  r->ckpt_iter = r->s.iter;
  snprintf(r->dir, sizeof r->dir, "%s", r->opts.resume);
  if (r->s.iter >= cfg->iters)
    return wg_set_error(WG_EINVAL, "the run in %s is at iteration %lld already; raise --iters to continue", r->dir,
                        (long long)r->s.iter);
  if (wg_source_open(&r->src, cfg->data, cfg->g1d_mean, cfg->g1d_std, cfg->seed) != WG_OK) return wg_last_status();
  if (r->src.ndim != r->s.sample_ndim || memcmp(r->src.shape, r->s.sample_shape, sizeof(int) * (size_t)r->src.ndim))
    return wg_set_error(WG_EINVAL, "resume: the data %s no longer has the run's sample shape", cfg->data);
  if (wg_source_size(&r->src) && wg_batcher_set_state(&r->src.batcher, r->s.batcher_state) != WG_OK)
    return wg_error_prefix("resume");
  return WG_OK;
}

/* mkdir -p; -1 (errno set) on failure. */
static int make_dirs(const char *path) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0755) && errno != EEXIST) return -1;
      *p = '/';
    }
  return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

/* Whether name is one of the temporary files the run's writers make beside
 * a target: "T.tmp" (checkpoint, samples), "T.tmpXXXXXX" (gnuplot's
 * images), ".report.html.XXXXXX" (the report). */
static int is_temporary(const char *name) {
  size_t len = strlen(name);
  const char *tmp = strstr(name, ".tmp");
  if (tmp && (tmp[4] == '\0' || (strlen(tmp) == 10 && tmp > name))) return 1;
  return strncmp(name, ".report.html.", 13) == 0 && len == 19;
}

/* What a killed process left half-written in the run directory: each
 * write goes through a temporary file, and one killed mid-write would
 * otherwise stay there for good (gnuplot's and the report's have unique
 * names, so they would pile up kill after kill). */
static void remove_temporaries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  char path[2048];
  for (struct dirent *e; (e = readdir(d));)
    if (is_temporary(e->d_name) && snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
      unlink(path);
  closedir(d);
}

/* The run directory (runs/DATA-LOSS-TIME unless named), made and writable,
 * without what a killed run left half-written; a new run never goes into
 * another run's directory. */
static wg_status make_run_dir(wg_run *r) {
  const wg_train_config *cfg = &r->s.cfg;
  if (!r->resumed && r->opts.out) {
    if (snprintf(r->dir, sizeof r->dir, "%s", r->opts.out) >= (int)sizeof r->dir)
      return wg_set_error(WG_EINVAL, "the run directory name is too long");
  } else if (!r->resumed) {
    char stamp[32];
    time_t t = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&t));
    const char *base = strrchr(cfg->data, '/') ? strrchr(cfg->data, '/') + 1 : cfg->data;
    if (snprintf(r->dir, sizeof r->dir, "runs/%s-%s-%s", base, wg_loss_name(cfg->loss), stamp) >= (int)sizeof r->dir)
      return wg_set_error(WG_EINVAL, "the data name is too long for a run directory; give --out");
  }
  snprintf(r->ckpt, sizeof r->ckpt, "%s/checkpoint.safetensors", r->dir);
  if (!r->resumed && access(r->ckpt, F_OK) == 0)
    return wg_set_error(WG_EINVAL, "%s already holds a run; continue it with --resume %s or pick another --out", r->dir,
                        r->dir);
  if (make_dirs(r->dir) || access(r->dir, W_OK))
    return wg_set_error(WG_EIO, "cannot write the run directory %s: %s", r->dir, strerror(errno));
  remove_temporaries(r->dir);
  return WG_OK;
}

/* Floats one sample takes through a network: its input and each layer's output. */
static double activations(const wg_net *net) {
  double sum = 1;
  for (int i = 0; i < net->in_ndim; i++) sum *= net->in_shape[i];
  for (int l = 0; l < net->n_layers; l++) {
    double out = 1;
    for (int i = 0; i < net->layers[l].out_ndim; i++) out *= net->layers[l].out_shape[i];
    sum += out;
  }
  return sum;
}

/* The memory of a run with models m, planned before the models are
 * initialised or a step touches its arena: parameters, gradients and
 * optimizer moments, then one step's arena. The arena's growth per sample,
 * in copies of both networks' activations, measured with wg_ctx_peak_bytes
 * between two batch sizes (MLP, dcgan28, dcgan 32 and 64 px): 2.8 to 3.7
 * for clip and gan, 4.6 to 5.8 for gp (the gradient's own graph and its
 * backward), 6 with BatchNorm; the plan takes the middle of each. The
 * --batch it suggests fills 80 % of what is available, for that spread.
 * held: bytes the process already has of it (a resumed run's loaded state). */
static wg_status check_memory(const wg_train_config *cfg, const wg_gan_models *m, double held) {
  const int batch = cfg->batch / wg_dist_size(); /* this rank's share */
  const double params = (double)(m->gen->n_params + m->critic->n_params);
  const double copies = cfg->batchnorm ? 6 : cfg->loss == WG_LOSS_GP ? 5.25 : 3.25;
  const double per_sample = 4 * copies * (activations(m->gen) + activations(m->critic));
  /* params, grads and the moments (RMSprop one, Adam two), plus the step's weight gradients */
  const double fixed = 4 * params * (cfg->loss == WG_LOSS_CLIP ? 4 : 5);
  const double step = per_sample * batch, have = wg_memory_available() + held;
  if (fixed + step <= have) return WG_OK;
  char advice[96], at[64];
  if (wg_dist_size() > 1) snprintf(at, sizeof at, "this rank's %d samples of --batch %d", batch, cfg->batch);
  else snprintf(at, sizeof at, "--batch %d", batch);
  if (fixed + per_sample < 0.8 * have)
    snprintf(advice, sizeof advice, "--batch %.0f or less, or a smaller --dim",
             wg_dist_size() * floor((0.8 * have - fixed) / per_sample));
  else
    snprintf(advice, sizeof advice, "a smaller --dim");
  return wg_set_error(WG_ENOMEM,
                      "this run needs about %.3g GB: %.3g GB for one step's activations at %s and %.3g GB "
                      "for the %.0f parameters with their gradients and optimizer state; this machine has %.3g GB "
                      "available; use %s",
                      (fixed + step) / 1e9, step / 1e9, at, fixed / 1e9, params, have / 1e9, advice);
}

/* A new run's plan, on models built but not initialised (their buffers
 * allocated, not yet touched). A configuration that does not build is
 * left to wg_gan_state_init, which says why. */
static wg_status check_new_run_memory(const wg_run *r, const wg_train_config *cfg) {
  wg_gan_models m;
  wg_status st = wg_gan_build_models(cfg, r->src.ndim, r->src.shape, &m);
  if (st == WG_OK) st = check_memory(cfg, &m, 0);
  else wg_clear_error(), st = WG_OK;
  wg_models_free(&m);
  return st;
}

/* Bytes of a loaded state's parameters, statistics and optimizer moments. */
static double state_bytes(const wg_gan_state *s) {
  const wg_optim *o[2] = {&s->opt_gen, &s->opt_critic};
  double floats = (double)(s->models.gen->n_params + s->models.critic->n_params + s->models.gen->n_state +
                           s->models.critic->n_state);
  for (int k = 0; k < 2; k++) floats += (double)o[k]->n * (o[k]->m ? 2 : 1);
  return 4 * floats;
}

/* Rank 0 alone writes the run's files. */
static int writes(const wg_run *r) { return r->s.rank == 0; }

/* What both kinds of run need once the configuration is known. */
static wg_status prepare(wg_run *r, const wg_train_config *cfg) {
  const int ranks = wg_dist_size();
  if (wg_precision_check(cfg->precision) != WG_OK) return wg_error_prefix("--precision");
  if (cfg->batch % ranks)
    return wg_set_error(WG_EINVAL, "--batch %d does not split evenly over %d ranks: give a multiple of %d", cfg->batch,
                        ranks, ranks);
  if (wg_source_size(&r->src) && cfg->batch > wg_source_size(&r->src))
    return wg_set_error(WG_EINVAL, "--batch %d is larger than the data set (%lld samples)", cfg->batch,
                        (long long)wg_source_size(&r->src));
  wg_status planned = r->resumed ? check_memory(cfg, &r->s.models, state_bytes(&r->s)) : check_new_run_memory(r, cfg);
  if (planned != WG_OK) return planned;
  if (!r->resumed && wg_gan_state_init(&r->s, cfg, r->src.ndim, r->src.shape) != WG_OK) return wg_last_status();
  r->s.rank = wg_dist_rank(), r->s.ranks = ranks, r->s.same_draws = r->opts.same_draws;
  if (isfinite(r->s.models.out_lo)) wg_source_set_range(&r->src, r->s.models.out_lo, r->s.models.out_hi);
  if (writes(r) && make_run_dir(r) != WG_OK) return wg_last_status();
  wg_set_threads(cfg->threads);
  const size_t noise_len = (size_t)WG_RUN_FIXED_NOISE_ROWS * (size_t)r->s.models.nz;
  r->fixed_noise = malloc(sizeof(float) * noise_len);
  if (!r->fixed_noise) return wg_set_error(WG_ENOMEM, "out of memory for the fixed noise");
  wg_rng fixed;
  wg_rng_seed(&fixed, cfg->seed ^ 0xf1edULL);
  wg_rng_fill_normal(&fixed, r->fixed_noise, noise_len, 0, 1);
  return WG_OK;
}

static wg_status open_with(wg_run **out, const wg_run_opts *o, const wg_train_config *given, const wg_setting *settings,
                           int n) {
  *out = NULL;
  wg_run *r = calloc(1, sizeof *r);
  if (!r) return wg_set_error(WG_ENOMEM, "out of memory");
  r->opts = *o;
  r->ckpt_iter = -1;
  wg_train_config cfg;
  wg_status st;
  if (given) {
    cfg = *given;
    st = wg_train_config_check(&cfg);
    if (st == WG_OK) st = wg_source_open(&r->src, cfg.data, cfg.g1d_mean, cfg.g1d_std, cfg.seed);
  } else {
    st = o->resume ? resume_config(r, &cfg, settings, n) : new_config(&r->src, &cfg, settings, n);
  }
  if (st == WG_OK) st = prepare(r, &cfg);
  /* Every rank opened the data and the state; rank 0 alone made the directory. */
  st = wg_dist_agree(st, NULL);
  if (st != WG_OK) {
    wg_run_close(r);
    return st;
  }
  *out = r;
  return WG_OK;
}

wg_status wg_run_open(wg_run **run, const wg_setting *settings, int n, const wg_run_opts *o) {
  return open_with(run, o, NULL, settings, n);
}

wg_status wg_run_open_config(wg_run **run, const wg_train_config *cfg, const wg_run_opts *o) {
  wg_run_opts fresh = *o;
  fresh.resume = NULL;
  return open_with(run, &fresh, cfg, NULL, 0);
}

/* A checkpoint that cannot be written stops the run: going on would train
 * past what could be saved. The previous one stays (written beside and
 * renamed). Every rank calls it; rank 0 writes. */
static wg_status save_checkpoint(wg_run *r) {
  if (!writes(r)) {
    r->ckpt_iter = r->s.iter;
    return WG_OK;
  }
  if (wg_source_size(&r->src)) wg_batcher_get_state(&r->src.batcher, r->s.batcher_state);
  if (wg_checkpoint_save(r->ckpt, &r->s) != WG_OK) {
    char why[1024];
    snprintf(why, sizeof why, "%s", wg_last_error());
    return wg_set_error(wg_last_status(), "cannot write the checkpoint %s: %s", r->ckpt, why);
  }
  r->ckpt_iter = r->s.iter;
  return WG_OK;
}

/* After iteration it: the evaluation, samples and checkpoint that are due. */
static wg_status periodic_outputs(wg_run *r, wg_evals_log *evals) {
  const wg_run_opts *o = &r->opts;
  int64_t it = r->s.iter;
  if (o->eval_every && it % o->eval_every == 0 && writes(r)) {
    wg_eval_row e;
    if (wg_run_eval_w1(r, &e) != WG_OK)
      wg_run_warn(r, "the evaluation of iteration %lld failed: %s", (long long)it, wg_last_error());
    else if (wg_evals_log_append(evals, &e) != WG_OK)
      return wg_last_status();
  }
  if (o->sample_every && it % o->sample_every == 0 && it < r->s.cfg.iters && writes(r) &&
      wg_run_write_outputs(r, "running") != WG_OK)
    return wg_last_status();
  if (o->checkpoint_every && it % o->checkpoint_every == 0 && it < r->s.cfg.iters) return save_checkpoint(r);
  return WG_OK;
}

/* The first non-finite number among what a checkpoint would keep: a loss
 * can still be finite when its gradient overflowed into the moments. */
static wg_status check_finite(const wg_gan_state *s) {
  const struct {
    const char *what;
    const float *x;
    int64_t n;
  } parts[] = {
      {"generator's parameters", s->models.gen->params, s->models.gen->n_params},
      {"critic's parameters", s->models.critic->params, s->models.critic->n_params},
      {"generator's BatchNorm statistics", s->models.gen->state, s->models.gen->n_state},
      {"critic's BatchNorm statistics", s->models.critic->state, s->models.critic->n_state},
      {"generator's optimizer state", s->opt_gen.v, s->opt_gen.n},
      {"critic's optimizer state", s->opt_critic.v, s->opt_critic.n},
      {"generator's optimizer state", s->opt_gen.m, s->opt_gen.m ? s->opt_gen.n : 0},
      {"critic's optimizer state", s->opt_critic.m, s->opt_critic.m ? s->opt_critic.n : 0},
  };
  for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
    int64_t bad = 0;
#pragma omp simd reduction(+ : bad)
    for (int64_t i = 0; i < parts[k].n; i++) bad += !isfinite(parts[k].x[i]);
    if (bad)
      return wg_set_error(WG_ENUMERIC, "iteration %lld: the %s holds %lld non-finite values; stopping (lower the "
                                       "learning rate?)",
                          (long long)s->iter, parts[k].what, (long long)bad);
  }
  return WG_OK;
}

/* One generator iteration, its metrics row (rank 0), what is due. */
static wg_status iterate(wg_run *r, wg_ctx *ctx, wg_metrics_log *log, wg_evals_log *evals) {
  double t0 = wg_seconds();
  wg_status st = wg_gan_train_iteration(&r->s, &r->src, ctx, &r->last);
  if (st != WG_OK || (st = check_finite(&r->s)) != WG_OK) return st;
  double dt = wg_seconds() - t0;
  r->has_last = 1;
  r->s.seconds += dt;
  wg_metrics_row row = {(long)r->s.iter, r->last.critic_loss, r->last.w_estimate, r->last.gp, r->last.gen_loss,
                        r->last.critic_iters, r->s.seconds, (double)r->s.cfg.batch * r->last.critic_iters / dt};
  if (writes(r) && (st = wg_metrics_log_append(log, &row)) != WG_OK) return st;
  if (r->opts.on_iteration) r->opts.on_iteration(r->opts.user, &r->s, &r->last);
  return periodic_outputs(r, evals);
}

/* *o->stop's value now (0: go on). */
static int stop_value(const wg_run *r) { return r->opts.stop && *r->opts.stop > 0 ? (int)*r->opts.stop : 0; }

/* The loop, until the last iteration or a stop; the ranks agree after each
 * iteration on whether to go on (a failure or a stop on any rank ends every
 * rank's loop at the same iteration). *stop: the stop value that ended it. */
static wg_status loop(wg_run *r, wg_metrics_log *log, wg_evals_log *evals, int *stop) {
  wg_ctx *ctx = wg_ctx_new(64 << 20);
  *stop = stop_value(r);
  wg_status st = ctx ? wg_ctx_set_precision(ctx, r->s.cfg.precision) : wg_failed("the training context");
  st = wg_dist_agree(st, stop);
  while (st == WG_OK && r->s.iter < r->s.cfg.iters && !*stop) {
    st = iterate(r, ctx, log, evals);
    *stop = stop_value(r);
    st = wg_dist_agree(st, stop);
  }
  wg_ctx_free(ctx);
  return st;
}

/* The metric logs (rank 0's alone; the others' stay NULL). */
static wg_status open_logs(const wg_run *r, wg_metrics_log **log, wg_evals_log **evals) {
  *log = NULL, *evals = NULL;
  if (!writes(r)) return WG_OK;
  char path[1100];
  /* Rows are numbered by the iteration they complete: a resumed run writes from iter + 1. */
  long first = r->resumed ? (long)r->s.iter + 1 : -1;
  snprintf(path, sizeof path, "%s/metrics.csv", r->dir);
  *log = wg_metrics_log_open(path, first);
  if (*log && r->opts.eval_every) {
    snprintf(path, sizeof path, "%s/evals.csv", r->dir);
    *evals = wg_evals_log_open(path, first);
  }
  if (*log && (!r->opts.eval_every || *evals)) return WG_OK;
  if (*log) wg_metrics_log_close(*log);
  *log = NULL;
  return wg_failed("the metric logs");
}

/* Every rank's final state in DIR/rank-R.safetensors (wg_run_opts.rank_states). */
static wg_status write_rank_state(wg_run *r) {
  char path[1100];
  if (!r->opts.rank_states) return WG_OK;
  if (snprintf(path, sizeof path, "%s/rank-%d.safetensors", r->opts.rank_states, r->s.rank) >= (int)sizeof path)
    return wg_set_error(WG_EINVAL, "the rank states' directory name is too long");
  if (make_dirs(r->opts.rank_states))
    return wg_set_error(WG_EIO, "cannot make %s: %s", r->opts.rank_states, strerror(errno));
  if (wg_source_size(&r->src)) wg_batcher_get_state(&r->src.batcher, r->s.batcher_state);
  return wg_checkpoint_save(path, &r->s);
}

wg_status wg_run_train(wg_run *r) {
  wg_metrics_log *log;
  wg_evals_log *evals;
  wg_status st = wg_dist_agree(open_logs(r, &log, &evals), NULL);
  if (st != WG_OK) return st;
  int stop;
  st = loop(r, log, evals, &stop);
  if (st == WG_OK) {
    r->stopped = r->s.iter < r->s.cfg.iters ? (stop ? stop : 1) : 0;
    st = save_checkpoint(r);
    if (st == WG_OK && writes(r)) st = wg_run_write_outputs(r, r->stopped ? "interrupted" : "finished");
    if (st == WG_OK) st = write_rank_state(r);
    st = wg_dist_agree(st, NULL);
  }
  if (st != WG_OK) {
    char why[1024];
    snprintf(why, sizeof why, "%s", wg_last_error());
    if (r->ckpt_iter >= 0)
      wg_set_error(st, "%s; the checkpoint of iteration %lld in %s is kept", why, (long long)r->ckpt_iter, r->dir);
    else
      wg_set_error(st, "%s; no checkpoint was written yet", why);
  }
  if (log) wg_metrics_log_close(log);
  if (evals) wg_evals_log_close(evals);
  return st;
}

const wg_gan_state *wg_run_state(const wg_run *r) { return &r->s; }
const char *wg_run_dir(const wg_run *r) { return r->dir; }
int wg_run_stopped(const wg_run *r) { return r->stopped; }

void wg_run_close(wg_run *r) {
  if (!r) return;
  wg_gan_state_free(&r->s);
  wg_source_close(&r->src);
  free(r->fixed_noise);
  free(r);
}
