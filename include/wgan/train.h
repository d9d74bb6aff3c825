/* Training a WGAN (weight clipping), a WGAN-GP or a standard GAN: the
 * configuration and its table, one generator iteration, checkpoints, and
 * the whole run (loop, checkpoints, samples, evaluations, stop on request).
 *
 * Sign convention: the critic C is trained to make mean C(real) large and
 * mean C(fake) small. The logged w_estimate = mean C(real) - mean C(fake) is
 * the critic's estimate of the Wasserstein-1 distance (times the Lipschitz
 * constant its clipping allows); critic_loss = -w_estimate (+ the penalty). */
#ifndef WGAN_TRAIN_H
#define WGAN_TRAIN_H
#include <signal.h>

#include "wgan/data.h"
#include "wgan/field.h"
#include "wgan/nn.h"
#include "wgan/optim.h"
#include "wgan/source.h"

typedef enum { WG_LOSS_CLIP, WG_LOSS_GP, WG_LOSS_GAN } wg_loss_kind;
typedef enum { WG_MODEL_MLP, WG_MODEL_DCGAN28, WG_MODEL_DCGAN } wg_model_kind;
/* Both learning rates over the run: as given, or times 1 - t / iters at
 * generator iteration t (0-based; the critic steps of t alike; 0 for a
 * caller that goes on past iters), as the WGAN-GP code's gan_cifar_resnet.py
 * decays them. */
typedef enum { WG_LR_CONSTANT, WG_LR_LINEAR } wg_lr_decay;

typedef struct {
  char data[1024];       /* 8gaussians, 25gaussians, swissroll, gaussians1d, fashion-mnist, or a path */
  wg_model_kind model;
  wg_loss_kind loss;
  uint64_t seed;
  int64_t iters;         /* generator iterations of the whole run */
  int batch, n_critic;
  int warmup_critic;     /* clip: 100 critic steps while iter < 25 and every 500th iteration */
  float lr_gen, lr_critic, beta1, beta2, clip, lambda;
  wg_lr_decay lr_decay;
  int nz, dim;           /* noise size; model width (DIM of dcgan28/dcgan, hidden units of mlp) */
  int batchnorm;         /* BatchNorm layers in the models (clip and gan only) */
  wg_init_scheme init;   /* how both networks' weights are drawn */
  float g1d_mean, g1d_std; /* gaussians1d: the real data's N(mean, std^2) */
  int threads;           /* 0: all cores */
  wg_precision precision; /* of the matrix products and convolutions (wg_ctx_set_precision) */
} wg_train_config;

/* The table of wg_train_config: one field per member, in this order, with
 * its range, help, default rule and whether a resumed run may change it. */
const wg_field *wg_train_fields(int *n);
const wg_field *wg_train_field(const char *key);

/* Every member at the defaults of loss and model (data empty). */
void wg_train_config_defaults(wg_train_config *cfg, wg_loss_kind loss, wg_model_kind model);
/* Sets the member called key from text. Setting lr_gen sets lr_critic too
 * (one learning rate for both networks), so give lr_critic after it. */
wg_status wg_train_config_set(wg_train_config *cfg, const char *key, const char *text);

/* WG_EINVAL, naming the member, if one is outside the table's range. */
wg_status wg_train_config_check(const wg_train_config *cfg);

/* The model samples of this shape call for: dcgan28 for 1x28x28 images,
 * dcgan for square 32 or 64 px images, mlp otherwise. */
wg_model_kind wg_model_for_shape(int ndim, const int *shape);
const char *wg_loss_name(wg_loss_kind loss);
const char *wg_model_name(wg_model_kind model);

/* Builds the models that cfg names for samples of per-sample shape
 * (ndim, shape), uninitialised. */
wg_status wg_gan_build_models(const wg_train_config *cfg, int ndim, const int *shape, wg_gan_models *m);

/* Everything a run needs to continue, and what sampling and evaluation need. */
typedef struct {
  wg_train_config cfg;
  wg_gan_models models;
  int sample_ndim, sample_shape[3];
  wg_optim opt_gen, opt_critic;
  wg_rng rng;
  int64_t batcher_state[WG_BATCHER_STATE_LEN];
  int64_t iter;          /* generator iterations done */
  double seconds;        /* training time so far */
  /* Data parallelism (wgan/dist.h): this process's rank of ranks, each
   * training on its cfg.batch / ranks samples of every global batch (0, 0
   * or 0, 1: one process). same_draws: every rank draws the whole global
   * batch's noise and toy samples from the one shared stream and keeps its
   * slice, so N ranks draw what one draws (tests compare with serial). */
  int rank, ranks, same_draws;
} wg_gan_state;

/* A fresh run: models built for samples of shape (ndim, shape) and
 * initialised by cfg->init,
 * optimizers, the RNG seeded. */
wg_status wg_gan_state_init(wg_gan_state *s, const wg_train_config *cfg, int ndim, const int *shape);
void wg_gan_state_free(wg_gan_state *s);

/* What one generator iteration did (the critic's figures are its last step's). */
typedef struct {
  double critic_loss, w_estimate, gp, gen_loss;
  int critic_iters;
} wg_iter_stats;

/* One generator iteration: the critic's steps (n_critic, or 100 in the
 * warm-up of the clip loss), each on a fresh real batch and fresh noise,
 * then one generator step; s->iter advances. WG_ENUMERIC if a loss is not
 * finite (nothing is updated by that step). With s->ranks > 1 every rank
 * calls it: each step's gradient is the mean of the ranks' (one allreduce),
 * so every rank takes the same step, and the figures in out are the means
 * over the ranks; a failure on one rank is every rank's. */
wg_status wg_gan_train_iteration(wg_gan_state *s, wg_source *src, wg_ctx *ctx, wg_iter_stats *out);

/* Writes a checkpoint (safetensors; temp file + rename). */
wg_status wg_checkpoint_save(const char *path, const wg_gan_state *s);
/* Reads one back: the configuration from its metadata, then every tensor,
 * checked against the models that configuration builds. */
wg_status wg_checkpoint_load(const char *path, wg_gan_state *s);
/* The checkpoint of a run directory (DIR/checkpoint.safetensors), or path
 * itself when it is not a directory. */
void wg_checkpoint_path(const char *dir_or_file, char *out, size_t cap);

/* ---- the whole run ---- */

/* A setting by name, as the command line and bindings give them. */
typedef struct {
  const char *key, *value;
} wg_setting;

typedef struct {
  const char *out;           /* the run directory; NULL: runs/DATA-LOSS-TIME */
  const char *resume;        /* continue the run in this directory (out is then ignored) */
  int64_t sample_every;      /* samples, loss.png and report.html every N iterations (0: at the end only) */
  int64_t checkpoint_every;  /* 0: at the end only */
  int64_t eval_every;        /* exact W1 of samples and its floor into evals.csv every N (0: never) */
  /* Once *stop is nonzero (a signal handler sets it) the run ends after the
   * current iteration, with its checkpoint and outputs written. May be NULL. */
  const volatile sig_atomic_t *stop;
  /* Called after every iteration; may be NULL. */
  void (*on_iteration)(void *user, const wg_gan_state *s, const wg_iter_stats *st);
  /* A problem that does not stop the run (a figure not drawn, an evaluation
   * that failed); may be NULL. */
  void (*on_warning)(void *user, const char *message);
  void *user;
  /* Over MPI (wgan/dist.h): see wg_gan_state.same_draws. */
  int same_draws;
  /* Over MPI: every rank also writes its final state to
   * DIR/rank-R.safetensors (a checkpoint), to check that the ranks agree. */
  const char *rank_states;
} wg_run_opts;

/* Samples and checkpoints every 500 iterations, no evaluations, no callbacks. */
wg_run_opts wg_run_defaults(void);

typedef struct wg_run wg_run;

/* Sets up a run from settings by name (wg_train_fields' keys). A new run:
 * data is required; loss defaults to gp and model to what the data calls
 * for; every other member takes that loss's and model's default. With
 * o->resume: the saved configuration, and the settings given must agree
 * with it except those the table lets change. Opens the data and creates
 * the run directory; nothing is written into it yet. */
wg_status wg_run_open(wg_run **run, const wg_setting *settings, int n, const wg_run_opts *o);
/* The same for a configuration a program filled in (o->resume unused). */
wg_status wg_run_open_config(wg_run **run, const wg_train_config *cfg, const wg_run_opts *o);
/* The configuration a new run with these settings would train with (the
 * data opened to learn its sample shape, then closed). */
wg_status wg_train_config_resolve(wg_train_config *cfg, const wg_setting *settings, int n);
/* Trains to cfg.iters or until *o->stop, logging metrics.csv (and evals.csv),
 * writing samples, checkpoints, loss.png and report.html. The run stops,
 * keeping the last checkpoint written, with WG_ENUMERIC at the first loss,
 * parameter or optimizer moment that is not finite, and with WG_EIO when a
 * checkpoint, a log row or the samples cannot be written (a full disk);
 * the message names the iteration or the file. */
wg_status wg_run_train(wg_run *run);
const wg_gan_state *wg_run_state(const wg_run *run);
const char *wg_run_dir(const wg_run *run);
/* Whether the run ended on *o->stop before its last iteration: 0, or the
 * value *o->stop held (over MPI, the largest any rank's held). */
int wg_run_stopped(const wg_run *run);
void wg_run_close(wg_run *run);

#endif
