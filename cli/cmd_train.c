/* wgan train: WGAN (clip), WGAN-GP (gp) or the standard GAN (gan), with
 * metrics, sample grids, plots, a report, checkpoints and resume. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "commands.h"
#include "progress.h"
#include "run_outputs.h"
#include "train_options.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }


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

static int file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* The model the data calls for when none is named. */
static const char *default_model(const wg_source *src) {
  if (src->ndim == 3 && src->shape[0] == 1 && src->shape[1] == 28 && src->shape[2] == 28) return "dcgan28";
  if (src->ndim == 3 && src->shape[1] == src->shape[2] && (src->shape[1] == 32 || src->shape[1] == 64)) return "dcgan";
  return "mlp";
}

/* Exact W1 between n generated and n real samples, and between two real
 * samples of n (the floor sampling noise sets). Draws from its own RNG. */
static int eval_w1(wg_gan_state *s, wg_source *src, int64_t iter, wg_eval_row *row) {
  int n = wg_source_is_image(src) ? 200 : 500;
  /* Two disjoint real samples must fit in a data set. */
  if (src->kind == WG_SOURCE_DATASET && 2 * (int64_t)n > src->ds->n) n = (int)(src->ds->n / 2);
  if (n < 1) return -1;
  int64_t dim = 1;
  for (int i = 0; i < s->sample_ndim; i++) dim *= s->sample_shape[i];
  float *x = malloc(sizeof(float) * (size_t)(3 * n * dim));
  if (!x) return -1;
  wg_rng r;
  wg_rng_seed(&r, s->cfg.seed ^ (0x3141ULL + (uint64_t)iter));
  int rc = wg_gan_sample(&s->models, &r, n, x) != WG_OK;
  if (!rc && src->kind == WG_SOURCE_DATASET) {
    /* 2n distinct samples of the data set (a partial shuffle), not the training batcher's. */
    int64_t *idx = malloc(sizeof(int64_t) * (size_t)src->ds->n);
    rc = !idx;
    for (int64_t k = 0; !rc && k < src->ds->n; k++) idx[k] = k;
    for (int k = 0; !rc && k < 2 * n; k++) {
      int64_t j = k + (int64_t)wg_rng_below(&r, (uint64_t)(src->ds->n - k)), t = idx[k];
      idx[k] = idx[j], idx[j] = t;
      memcpy(x + (n + k) * dim, src->ds->x + idx[k] * dim, sizeof(float) * (size_t)dim);
    }
    free(idx);
  } else if (!rc) {
    rc = wg_source_batch(src, &r, 2 * n, x + n * dim) != WG_OK;
  }
  row->iter = (long)iter;
  if (!rc) rc = wg_eval_w1(x, x + n * dim, x + 2 * n * dim, n, (int)dim, &row->w1, &row->w1_floor) != WG_OK;
  free(x);
  return rc ? -1 : 0;
}

/* The reference sizes of each model, where the command line left them:
 * toy MLP 512 wide, noise 2, batch 256 and lambda 0.1 (gan_toy.py: with the
 * paper's 10 the toy critic often settles in a poor optimum); dcgan28 noise
 * 128, batch 50 (gan_mnist.py); dcgan noise 100, batch 64 (the WGAN code). */
static void apply_model_defaults(train_options *o) {
  wg_train_config *c = &o->cfg;
  int mlp = !strcmp(c->model, "mlp"), d28 = !strcmp(c->model, "dcgan28");
  if (!train_options_given(o, "--dim")) c->dim = mlp ? 512 : 64;
  if (!train_options_given(o, "--nz")) c->nz = mlp ? 2 : d28 ? 128 : 100;
  if (!train_options_given(o, "--batch")) c->batch = mlp ? 256 : d28 ? 50 : 64;
  if (!train_options_given(o, "--lambda") && mlp) c->lambda = 0.1f;
}

typedef struct {
  train_options opt;
  wg_gan_state s;
  wg_source src;
  char ckpt[1100];
  float *fixed_noise; /* [RUN_FIXED_NOISE_ROWS, nz] */
} run;

/* Sets up a new run or loads the one to resume; 0, or the exit code. */
static int prepare(run *r, int argc, char **argv) {
  train_options *o = &r->opt;
  int rc = train_options_parse(argc, argv, o);
  if (rc == 1) {
    train_options_usage(stdout);
    return -1;
  }
  if (rc) return rc;
  if (o->resume[0]) {
    snprintf(r->ckpt, sizeof r->ckpt, "%s/checkpoint.safetensors", o->resume);
    if (wg_checkpoint_load(r->ckpt, &r->s) != WG_OK) {
      fprintf(stderr, "wgan train: --resume: %s\n", wg_last_error());
      return 2;
    }
    if (train_options_resume(o, &r->s.cfg)) return 2;
    r->s.cfg = o->cfg;
    snprintf(o->out, sizeof o->out, "%s", o->resume);
    if (r->s.iter >= o->cfg.iters) {
      fprintf(stderr, "wgan train: the run in %s is at iteration %lld already; raise --iters to continue\n", o->out,
              (long long)r->s.iter);
      return 2;
    }
  }
  wg_train_config *cfg = &o->cfg;
  if (wg_source_open(&r->src, cfg->data, cfg->g1d_mean, cfg->g1d_std, cfg->seed) != WG_OK) {
    fprintf(stderr, "wgan train: %s\n", wg_last_error());
    return 2;
  }
  if (!cfg->model[0]) snprintf(cfg->model, sizeof cfg->model, "%s", default_model(&r->src));
  if (!o->resume[0]) apply_model_defaults(o);
  if (wg_source_size(&r->src) && cfg->batch > wg_source_size(&r->src)) {
    fprintf(stderr, "wgan train: --batch %d is larger than the data set (%lld samples)\n", cfg->batch,
            (long long)wg_source_size(&r->src));
    return 2;
  }
  if (o->resume[0]) {
    if (r->src.ndim != r->s.sample_ndim || memcmp(r->src.shape, r->s.sample_shape, sizeof(int) * (size_t)r->src.ndim)) {
      fprintf(stderr, "wgan train: --resume: the data %s no longer has the run's sample shape\n", cfg->data);
      return 2;
    }
    if (wg_source_size(&r->src) && wg_batcher_set_state(&r->src.batcher, r->s.batcher_state) != WG_OK) {
      fprintf(stderr, "wgan train: --resume: %s\n", wg_last_error());
      return 2;
    }
  } else if (wg_gan_state_init(&r->s, cfg, r->src.ndim, r->src.shape) != WG_OK) {
    fprintf(stderr, "wgan train: %s\n", wg_last_error());
    return 2;
  }
  if (isfinite(r->s.models.out_lo)) wg_source_set_range(&r->src, r->s.models.out_lo, r->s.models.out_hi);
  if (!o->out[0]) {
    char stamp[32];
    time_t t = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&t));
    const char *base = strrchr(cfg->data, '/') ? strrchr(cfg->data, '/') + 1 : cfg->data;
    if (snprintf(o->out, sizeof o->out, "runs/%s-%s-%s", base, wg_loss_name(cfg->loss), stamp) >= (int)sizeof o->out) {
      fprintf(stderr, "wgan train: the data name is too long for a run directory; give --out\n");
      return 2;
    }
  }
  snprintf(r->ckpt, sizeof r->ckpt, "%s/checkpoint.safetensors", o->out);
  if (!o->resume[0] && file_exists(r->ckpt)) {
    fprintf(stderr, "wgan train: %s already holds a run; continue it with --resume %s or pick another --out\n",
            o->out, o->out);
    return 2;
  }
  if (make_dirs(o->out) || access(o->out, W_OK)) {
    fprintf(stderr, "wgan train: cannot write the run directory %s: %s\n", o->out, strerror(errno));
    return 2;
  }
  wg_set_threads(cfg->threads);
  const size_t noise_len = (size_t)RUN_FIXED_NOISE_ROWS * (size_t)r->s.models.nz;
  r->fixed_noise = malloc(sizeof(float) * noise_len);
  if (!r->fixed_noise) return 1;
  wg_rng fixed;
  wg_rng_seed(&fixed, cfg->seed ^ 0xf1edULL);
  wg_rng_fill_normal(&fixed, r->fixed_noise, noise_len, 0, 1);
  return 0;
}

static int save_checkpoint(run *r) {
  if (wg_source_size(&r->src)) wg_batcher_get_state(&r->src.batcher, r->s.batcher_state);
  if (wg_checkpoint_save(r->ckpt, &r->s) == WG_OK) return 0;
  progress_note("wgan train: cannot write the checkpoint: %s", wg_last_error());
  return -1;
}

static void write_outputs(run *r, const wg_iter_stats *last, const char *status) {
  if (run_write_samples(r->opt.out, &r->s, &r->src, r->fixed_noise, r->s.iter))
    progress_note("wgan train: warning: the samples of iteration %lld were not written", (long long)r->s.iter);
  run_plot_loss(r->opt.out);
  run_write_report(r->opt.out, &r->s, last, status);
}

/* The training loop; returns the exit code. */
static int train(run *r) {
  train_options *o = &r->opt;
  const wg_train_config *cfg = &o->cfg;
  char path[1100];
  snprintf(path, sizeof path, "%s/metrics.csv", o->out);
  /* Rows are numbered by the iteration they complete: a resumed run writes from iter + 1. */
  wg_metrics_log *log = wg_metrics_log_open(path, o->resume[0] ? (long)r->s.iter + 1 : -1);
  wg_evals_log *evals = NULL;
  if (log && o->eval_every) {
    snprintf(path, sizeof path, "%s/evals.csv", o->out);
    evals = wg_evals_log_open(path, o->resume[0] ? (long)r->s.iter + 1 : -1);
  }
  if (!log || (o->eval_every && !evals)) {
    fprintf(stderr, "wgan train: %s\n", wg_last_error());
    return 2;
  }
  fprintf(stderr, "wgan train: %s on %s, model %s (%lld + %lld parameters), into %s\n", wg_loss_name(cfg->loss),
          cfg->data, cfg->model, (long long)r->s.models.gen->n_params, (long long)r->s.models.critic->n_params, o->out);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  wg_ctx *ctx = wg_ctx_new(64 << 20);
  wg_iter_stats st = {0};
  int code = 0;
  progress_start((long)r->s.iter, (long)cfg->iters, (long)o->log_every);
  while (r->s.iter < cfg->iters && !stop_signal) {
    double t0 = cli_now();
    if (wg_gan_train_iteration(&r->s, &r->src, ctx, &st) != WG_OK) {
      progress_end();
      if (file_exists(r->ckpt))
        fprintf(stderr, "wgan train: %s; the last checkpoint in %s is kept\n", wg_last_error(), o->out);
      else
        fprintf(stderr, "wgan train: %s; no checkpoint was written yet\n", wg_last_error());
      code = 1;
      break;
    }
    double dt = cli_now() - t0;
    r->s.seconds += dt;
    wg_metrics_row row = {(long)r->s.iter, st.critic_loss, st.w_estimate, st.gp, st.gen_loss, st.critic_iters,
                          r->s.seconds, (double)cfg->batch * st.critic_iters / dt};
    if (wg_metrics_log_append(log, &row) != WG_OK) progress_note("wgan train: warning: %s", wg_last_error());
    progress_update((long)r->s.iter, st.w_estimate);
    int64_t it = r->s.iter;
    if (o->eval_every && it % o->eval_every == 0) {
      wg_eval_row e;
      if (eval_w1(&r->s, &r->src, it, &e) == 0) wg_evals_log_append(evals, &e);
    }
    if (o->sample_every && it % o->sample_every == 0 && it < cfg->iters) write_outputs(r, &st, "running");
    if (o->checkpoint_every && it % o->checkpoint_every == 0 && it < cfg->iters) save_checkpoint(r);
  }
  if (code == 0) {
    progress_end();
    save_checkpoint(r);
    write_outputs(r, r->s.iter ? &st : NULL, stop_signal ? "interrupted" : "finished");
  }
  wg_metrics_log_close(log);
  if (evals) wg_evals_log_close(evals);
  wg_ctx_free(ctx);
  if (code) return code;
  if (stop_signal) {
    fprintf(stderr, "wgan train: interrupted at iteration %lld; checkpoint written. Resume with:\n  wgan train --resume %s\n",
            (long long)r->s.iter, o->out);
    return 128 + stop_signal;
  }
  fprintf(stderr, "wgan train: done, %lld iterations in %.1f s. Samples, metrics.csv, loss.png and report.html are in %s\n",
          (long long)r->s.iter, r->s.seconds, o->out);
  return 0;
}

int cmd_train(int argc, char **argv) {
  run r;
  memset(&r, 0, sizeof r);
  int code = prepare(&r, argc, argv);
  if (code == 0) code = train(&r);
  else if (code < 0) code = 0;
  wg_gan_state_free(&r.s);
  wg_source_close(&r.src);
  free(r.fixed_noise);
  return code;
}
