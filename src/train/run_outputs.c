/* What a training run writes besides its checkpoint and metrics: sample
 * grids, toy frames, loss.png, report.html. */
#include "train/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "wgan/io.h"
#include "wgan/metrics.h"
#include "wgan/plot.h"
#include "wgan/report.h"

enum { GRID = 64, TOY_POINTS = WG_RUN_FIXED_NOISE_ROWS, HEAT = 81 };

/* The generator's output for fixed noise z[n, nz] into out. */
static int generate(wg_gan_state *s, const float *z, int n, float *out) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_ctx_set_recording(ctx, 0);
  int was = s->models.gen->training;
  s->models.gen->training = 0;
  wg_tensor *x = wg_net_forward(ctx, s->models.gen, wg_from_data(ctx, z, 2, (int[]){n, s->models.nz}));
  if (x) memcpy(out, x->data, sizeof(float) * (size_t)x->numel);
  s->models.gen->training = was;
  wg_ctx_free(ctx);
  return x ? 0 : -1;
}

/* The critic's value over a HEAT x HEAT grid on [-3, 3]^2 (rows: y). */
static int critic_surface(wg_gan_state *s, float *z) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_ctx_set_recording(ctx, 0);
  wg_tensor *pts = wg_empty(ctx, 2, (int[]){HEAT * HEAT, 2});
  for (int r = 0; r < HEAT; r++)
    for (int c = 0; c < HEAT; c++) {
      pts->data[2 * (r * HEAT + c)] = -3.0f + 6.0f * c / (HEAT - 1);
      pts->data[2 * (r * HEAT + c) + 1] = -3.0f + 6.0f * r / (HEAT - 1);
    }
  int was = s->models.critic->training;
  s->models.critic->training = 0;
  wg_tensor *v = wg_net_forward(ctx, s->models.critic, pts);
  s->models.critic->training = was;
  if (v) memcpy(z, v->data, sizeof(float) * HEAT * HEAT);
  wg_ctx_free(ctx);
  return v ? 0 : -1;
}

static void warn_plot(const wg_run *r, const char *what) {
  wg_run_warn(r, "%s not drawn: %s (the CSV files are written)", what, wg_last_error());
}

/* Points as CSV through path.tmp, renamed into place; nothing is left
 * behind on failure. */
static wg_status write_points_csv(const char *path, const float *x, int n, int d) {
  char tmp[1200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return wg_set_error(WG_EINVAL, "%s: the path is too long", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return wg_set_error(WG_EIO, "%s: cannot create: %s", tmp, strerror(errno));
  for (int i = 0; i < n; i++)
    for (int k = 0; k < d; k++) fprintf(f, "%.9g%c", x[i * d + k], k + 1 < d ? ',' : '\n');
  int bad = fflush(f) != 0 || ferror(f);
  int err = errno;
  if (fclose(f) != 0 && !bad) bad = 1, err = errno;
  if (!bad && rename(tmp, path) == 0) return WG_OK;
  if (!bad) err = errno;
  unlink(tmp);
  return wg_set_error(WG_EIO, "%s: cannot write: %s", path, strerror(err));
}

/* Real points and generated points over the critic's value (the reference's toy frames). */
static void toy_frame(wg_run *r, const char *path, const float *real, const float *fake) {
  wg_gan_state *s = &r->s;
  int64_t iter = s->iter;
  float *z = malloc(sizeof(float) * HEAT * HEAT);
  if (!z || critic_surface(s, z)) {
    free(z);
    return;
  }
  char title[64];
  snprintf(title, sizeof title, "iteration %lld", (long long)iter);
  wg_plot_heatmap heat = {.z = z, .nx = HEAT, .ny = HEAT, .xmin = -3, .xmax = 3, .ymin = -3, .ymax = 3,
                          .label = "critic value"};
  wg_plot_series series[2] = {
      {.label = "real", .xy = real, .n = TOY_POINTS, .style = WG_PLOT_POINTS, .color = "#ff8c00"},
      {.label = "generated", .xy = fake, .n = TOY_POINTS, .style = WG_PLOT_POINTS, .color = "#e040fb"}};
  wg_plot_panel panel = {.title = title, .xmin = -3, .xmax = 3, .ymin = -3, .ymax = 3, .square = 1,
                         .heatmap = &heat, .series = series, .nseries = 2};
  wg_plot_figure fig = {.panels = &panel, .npanels = 1, .width = 640, .height = 560};
  if (wg_plot_render(&fig, path) != WG_OK) warn_plot(r, "the toy frame");
  free(z);
}

static wg_status write_samples(wg_run *r) {
  wg_gan_state *s = &r->s;
  wg_source *src = &r->src;
  const char *dir = r->dir;
  int64_t iter = s->iter;
  char path[1100];
  int64_t dim = 1;
  for (int i = 0; i < s->sample_ndim; i++) dim *= s->sample_shape[i];
  int n = wg_source_is_image(src) ? GRID : TOY_POINTS;
  float *fake = malloc(sizeof(float) * (size_t)(n * dim)), *real = malloc(sizeof(float) * (size_t)(n * dim));
  wg_status st = WG_OK;
  if (!fake || !real) st = wg_set_error(WG_ENOMEM, "out of memory for the samples");
  else if (generate(s, r->fixed_noise, n, fake)) st = wg_failed("the samples");
  if (!st && wg_source_is_image(src)) {
    snprintf(path, sizeof path, "%s/samples_%06lld.png", dir, (long long)iter);
    const int *sh = s->sample_shape;
    st = wg_png_write_grid(path, fake, n, sh[0], sh[1], sh[2], 8, src->lo, src->hi);
  } else if (!st) {
    snprintf(path, sizeof path, "%s/samples_%06lld.csv", dir, (long long)iter);
    st = write_points_csv(path, fake, n, (int)dim);
    if (!st && dim == 2 && src->kind == WG_SOURCE_TOY) {
      /* Real points from their own stream, the same at every frame. */
      wg_rng frame_rng;
      wg_rng_seed(&frame_rng, s->cfg.seed ^ 0x7e41ULL);
      wg_toy_sample(src->toy, &frame_rng, real, n);
      snprintf(path, sizeof path, "%s/frame_%06lld.png", dir, (long long)iter);
      toy_frame(r, path, real, fake);
    }
  }
  free(fake);
  free(real);
  return st;
}

static void plot_loss(wg_run *r) {
  const char *dir = r->dir;
  char path[1100];
  wg_metrics_row *rows = NULL;
  wg_eval_row *evals = NULL;
  size_t n = 0, ne = 0;
  snprintf(path, sizeof path, "%s/metrics.csv", dir);
  if (wg_metrics_read(path, &rows, &n) != WG_OK || n == 0) {
    free(rows);
    return;
  }
  snprintf(path, sizeof path, "%s/evals.csv", dir);
  if (wg_evals_read(path, &evals, &ne) != WG_OK) ne = 0;
  snprintf(path, sizeof path, "%s/loss.png", dir);
  if (wg_plot_loss(rows, n, evals, ne, "critic's estimate of W (-critic loss)", path) != WG_OK) warn_plot(r, "loss.png");
  free(rows);
  free(evals);
}

static void write_report(wg_run *r, const char *status) {
  const wg_gan_state *s = &r->s;
  const wg_iter_stats *last = r->has_last ? &r->last : NULL;
  const wg_train_config *c = &s->cfg;
  char v[24][64];
  int k = 0;
  wg_kv config[16], results[8];
  size_t nc = 0, nr = 0;
#define KV(list, n, key, fmt, ...) \
  (snprintf(v[k], sizeof v[k], fmt, __VA_ARGS__), list[n++] = (wg_kv){key, v[k++]})
  config[nc++] = (wg_kv){"data", c->data};
  config[nc++] = (wg_kv){"model", wg_model_name(c->model)};
  config[nc++] = (wg_kv){"loss", wg_loss_name(c->loss)};
  KV(config, nc, "iterations", "%lld", (long long)c->iters);
  KV(config, nc, "batch", "%d", c->batch);
  KV(config, nc, "critic steps per iteration", "%d", c->n_critic);
  KV(config, nc, "learning rates (generator, critic)", "%g, %g%s", c->lr_gen, c->lr_critic,
     c->lr_decay == WG_LR_LINEAR ? ", falling linearly to 0 over the run" : "");
  if (c->loss == WG_LOSS_CLIP) {
    KV(config, nc, "RMSprop alpha", "%g", c->beta1);
    KV(config, nc, "clip", "%g", c->clip);
  } else {
    KV(config, nc, "Adam betas", "%g, %g", c->beta1, c->beta2);
  }
  if (c->loss == WG_LOSS_GP) KV(config, nc, "lambda", "%g", c->lambda);
  KV(config, nc, "nz, dim", "%d, %d", c->nz, c->dim);
  KV(config, nc, "seed", "%llu", (unsigned long long)c->seed);
  KV(config, nc, "parameters (generator, critic)", "%lld, %lld", (long long)s->models.gen->n_params,
     (long long)s->models.critic->n_params);
  results[nr++] = (wg_kv){"status", status};
  KV(results, nr, "iterations done", "%lld", (long long)s->iter);
  KV(results, nr, "training time", "%.1f s", s->seconds);
  if (last) {
    KV(results, nr, "W estimate (mean C(real) - mean C(fake))", "%.6g", last->w_estimate);
    KV(results, nr, "critic loss", "%.6g", last->critic_loss);
    KV(results, nr, "generator loss", "%.6g", last->gen_loss);
  }
#undef KV
  wg_report report = {.title = "wgan training run", .config = config, .nconfig = nc, .results = results,
                      .nresults = nr};
  if (wg_report_write(r->dir, &report) != WG_OK) wg_run_warn(r, "report.html not written: %s", wg_last_error());
}

wg_status wg_run_write_outputs(wg_run *r, const char *status) {
  if (write_samples(r) != WG_OK) return wg_last_status();
  plot_loss(r);
  write_report(r, status);
  return WG_OK;
}
