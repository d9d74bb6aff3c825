/* Checkpoints of a run as safetensors: both networks, their BatchNorm
 * statistics, both optimizers' state, the RNG and batcher state as tensors;
 * the configuration (JSON), iteration and sample shape as metadata. Other
 * tools read the weights by name ("gen.params", "critic.params"). */
#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "wgan/train.h"
#include "wgan/io.h"

#define FORMAT "wgan-checkpoint-1"

/* ---- the configuration as JSON, one key per field of the table ---- */

/* Text, choices and 64-bit seeds as JSON strings (JSON numbers lose 64-bit
 * integers), everything else as numbers. */
static int is_string(const wg_field *f) {
  return f->type == WG_FIELD_TEXT || f->type == WG_FIELD_CHOICE || f->type == WG_FIELD_U64;
}

static char *config_json(const wg_train_config *c) {
  cJSON *j = cJSON_CreateObject();
  int n;
  const wg_field *fields = wg_train_fields(&n);
  for (int i = 0; i < n; i++) {
    if (is_string(&fields[i])) {
      char text[sizeof c->data];
      wg_field_format(&fields[i], c, text, sizeof text);
      cJSON_AddStringToObject(j, fields[i].key, text);
    } else {
      cJSON_AddNumberToObject(j, fields[i].key, wg_field_number(&fields[i], c));
    }
  }
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return text;
}

/* A number the table lets f take: in range (a float's bounds rounded as the
 * member is, so that what was saved loads) and whole unless f is real. */
static int number_fits(const wg_field *f, double v) {
  int real = f->type == WG_FIELD_FLOAT || f->type == WG_FIELD_DOUBLE;
  double lo = f->type == WG_FIELD_FLOAT ? (float)f->lo : f->lo, hi = f->type == WG_FIELD_FLOAT ? (float)f->hi : f->hi;
  return (real || v == floor(v)) && v >= lo && v <= hi;
}

static wg_status parse_config(const char *path, const char *text, wg_train_config *c) {
  cJSON *j = cJSON_Parse(text);
  if (!j) return wg_set_error(WG_EFORMAT, "%s: the configuration in the metadata is not valid JSON", path);
  memset(c, 0, sizeof *c);
  int n;
  const wg_field *fields = wg_train_fields(&n);
  wg_status st = WG_OK;
  for (int i = 0; i < n && st == WG_OK; i++) {
    const wg_field *f = &fields[i];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, f->key);
    if (is_string(f) ? !cJSON_IsString(v) : !cJSON_IsNumber(v))
      st = wg_set_error(WG_EFORMAT, "%s: the configuration in the metadata has no valid '%s'", path, f->key);
    else if (is_string(f) && wg_field_parse(f, c, v->valuestring) != WG_OK)
      st = wg_set_error(WG_EFORMAT, "%s: the configuration's '%s' is bad", path, f->key);
    else if (!is_string(f) && !number_fits(f, v->valuedouble))
      st = wg_set_error(WG_EFORMAT, "%s: the configuration's '%s' is %.17g, out of its range [%g, %g]", path, f->key,
                        v->valuedouble, f->lo, f->hi);
    else if (!is_string(f))
      wg_field_set_number(f, c, v->valuedouble);
  }
  cJSON_Delete(j);
  return st;
}

/* ---- the tensors ---- */

enum { MAX_TENSORS = 11 };

typedef struct {
  wg_st_tensor t[MAX_TENSORS];
  int n;
} tensor_list;

static void add(tensor_list *l, const char *name, wg_dtype dtype, int64_t numel, const void *data) {
  l->t[l->n++] = (wg_st_tensor){.name = name, .dtype = dtype, .ndim = 1, .shape = {numel}, .data = data};
}

/* The tensors of s, the same list for saving and loading (data pointers
 * into s, so loading copies straight into place). progress is {iter, gen
 * steps, critic steps}. */
static void tensors_of(const wg_gan_state *s, tensor_list *l, int64_t progress[3], uint64_t rng[4]) {
  const wg_net *g = s->models.gen, *c = s->models.critic;
  l->n = 0;
  add(l, "gen.params", WG_DT_F32, g->n_params, g->params);
  add(l, "gen.state", WG_DT_F32, g->n_state, g->state);
  add(l, "critic.params", WG_DT_F32, c->n_params, c->params);
  add(l, "critic.state", WG_DT_F32, c->n_state, c->state);
  add(l, "opt_gen.v", WG_DT_F32, s->opt_gen.n, s->opt_gen.v);
  add(l, "opt_critic.v", WG_DT_F32, s->opt_critic.n, s->opt_critic.v);
  if (s->opt_gen.m) add(l, "opt_gen.m", WG_DT_F32, s->opt_gen.n, s->opt_gen.m);
  if (s->opt_critic.m) add(l, "opt_critic.m", WG_DT_F32, s->opt_critic.n, s->opt_critic.m);
  add(l, "rng", WG_DT_U64, 4, rng);
  add(l, "batcher", WG_DT_I64, WG_BATCHER_STATE_LEN, s->batcher_state);
  add(l, "progress", WG_DT_I64, 3, progress);
}

wg_status wg_checkpoint_save(const char *path, const wg_gan_state *s) {
  int64_t progress[3] = {s->iter, s->opt_gen.step, s->opt_critic.step};
  uint64_t rng[4];
  memcpy(rng, s->rng.s, sizeof rng);
  tensor_list l;
  tensors_of(s, &l, progress, rng);
  char *config = config_json(&s->cfg);
  if (!config) return wg_set_error(WG_ENOMEM, "out of memory");
  char seconds[32], shape[64];
  snprintf(seconds, sizeof seconds, "%.17g", s->seconds);
  snprintf(shape, sizeof shape, "%d,%d,%d", s->sample_shape[0], s->sample_ndim > 1 ? s->sample_shape[1] : 0,
           s->sample_ndim > 2 ? s->sample_shape[2] : 0);
  const char *meta[] = {"format", FORMAT, "config", config, "seconds", seconds, "sample_shape", shape};
  wg_status st = wg_safetensors_write(path, l.t, l.n, meta, 4);
  free(config);
  return st;
}

/* The sample shape as save writes it, "C,H,W" with 0 for the dimensions a
 * sample lacks: sizes of at least 1 whose product is an int. */
static int parse_shape(const char *text, int dims[3], int *ndim) {
  const char *p = text;
  for (int i = 0; i < 3; i++, p++) {
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (end == p || errno || v < 0 || v > INT_MAX || *end != (i < 2 ? ',' : '\0')) return 0;
    dims[i] = (int)v;
    p = end;
  }
  *ndim = dims[2] ? 3 : dims[1] ? 2 : 1;
  long long numel = 1;
  for (int i = 0; i < *ndim; i++)
    if (dims[i] < 1 || (numel *= dims[i]) > INT_MAX) return 0;
  return 1;
}

/* A finite, non-negative number of seconds, the whole text. */
static int parse_seconds(const char *text, double *v) {
  char *end;
  *v = strtod(text, &end);
  return end != text && !*end && isfinite(*v) && *v >= 0;
}

/* The models the configuration builds, against the sizes the file holds,
 * before any of them is initialised: a configuration that lies about its
 * width would otherwise have a large network filled with random numbers. */
static wg_status check_sizes(const char *path, const wg_safetensors *st, const wg_train_config *cfg, int ndim,
                             const int *dims) {
  wg_gan_models m;
  wg_status status = wg_gan_build_models(cfg, ndim, dims, &m);
  if (status != WG_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", wg_last_error());
    status = wg_set_error(WG_EFORMAT, "%s: its configuration does not build: %s", path, why);
  }
  const struct {
    const char *name;
    int64_t n;
  } want[] = {{"gen.params", m.gen ? m.gen->n_params : 0}, {"gen.state", m.gen ? m.gen->n_state : 0},
              {"critic.params", m.critic ? m.critic->n_params : 0}, {"critic.state", m.critic ? m.critic->n_state : 0}};
  for (size_t i = 0; status == WG_OK && i < sizeof want / sizeof want[0]; i++) {
    const wg_st_tensor *t = wg_safetensors_find(st, want[i].name);
    if (!t || t->ndim != 1 || t->shape[0] != want[i].n)
      status = wg_set_error(WG_EFORMAT, "%s: its configuration builds %lld values of '%s', the file holds %lld", path,
                            (long long)want[i].n, want[i].name, t && t->ndim == 1 ? (long long)t->shape[0] : -1LL);
  }
  wg_models_free(&m);
  return status;
}

/* What no run writes: a negative count, a zero RNG state (a fixed point of
 * the generator), a non-finite number. */
static wg_status check_values(const char *path, const tensor_list *l, const int64_t progress[3], const uint64_t rng[4]) {
  if (progress[0] < 0 || progress[1] < 0 || progress[2] < 0)
    return wg_set_error(WG_EFORMAT, "%s: negative progress (iteration %lld, steps %lld, %lld)", path,
                        (long long)progress[0], (long long)progress[1], (long long)progress[2]);
  if (!(rng[0] | rng[1] | rng[2] | rng[3])) return wg_set_error(WG_EFORMAT, "%s: the RNG state is all zero", path);
  for (int i = 0; i < l->n; i++) {
    if (l->t[i].dtype != WG_DT_F32) continue;
    const float *x = l->t[i].data;
    for (int64_t k = 0; k < l->t[i].shape[0]; k++)
      if (!isfinite(x[k]))
        return wg_set_error(WG_EFORMAT, "%s: tensor '%s' holds %g at index %lld", path, l->t[i].name, x[k],
                            (long long)k);
  }
  return WG_OK;
}

wg_status wg_checkpoint_load(const char *path, wg_gan_state *s) {
  memset(s, 0, sizeof *s);
  wg_safetensors *st = wg_safetensors_open(path, 1);
  if (!st) return wg_failed(path);
  wg_status status = WG_OK;
  const char *format = wg_safetensors_meta(st, "format"), *config = wg_safetensors_meta(st, "config");
  const char *seconds = wg_safetensors_meta(st, "seconds"), *shape = wg_safetensors_meta(st, "sample_shape");
  wg_train_config cfg;
  int dims[3], ndim = 0;
  double secs = 0;
  if (!format || strcmp(format, FORMAT) || !config || !seconds || !shape)
    status = wg_set_error(WG_EFORMAT, "%s: not a wgan checkpoint (format '%s')", path, format ? format : "missing");
  else if (parse_config(path, config, &cfg) != WG_OK)
    status = wg_last_status();
  else if (!parse_shape(shape, dims, &ndim))
    status = wg_set_error(WG_EFORMAT, "%s: bad sample shape '%s'", path, shape);
  else if (!parse_seconds(seconds, &secs))
    status = wg_set_error(WG_EFORMAT, "%s: bad training time '%s' (seconds)", path, seconds);
  else if (check_sizes(path, st, &cfg, ndim, dims) != WG_OK)
    status = wg_last_status();
  else if (wg_gan_state_init(s, &cfg, ndim, dims) != WG_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", wg_last_error());
    status = wg_set_error(WG_EFORMAT, "%s: its configuration does not build: %s", path, why);
  }
  if (status == WG_OK) {
    int64_t progress[3];
    uint64_t rng[4];
    tensor_list l;
    tensors_of(s, &l, progress, rng);
    for (int i = 0; i < l.n && status == WG_OK; i++)
      status = wg_safetensors_copy(st, l.t[i].name, l.t[i].dtype, 1, l.t[i].shape, (void *)l.t[i].data);
    if (status == WG_OK) status = check_values(path, &l, progress, rng);
    if (status == WG_OK) {
      s->iter = progress[0];
      s->opt_gen.step = progress[1];
      s->opt_critic.step = progress[2];
      memcpy(s->rng.s, rng, sizeof rng);
      s->seconds = secs;
    }
  }
  wg_safetensors_close(st);
  if (status != WG_OK) wg_gan_state_free(s);
  return status;
}

void wg_checkpoint_path(const char *dir_or_file, char *out, size_t cap) {
  struct stat sb;
  if (stat(dir_or_file, &sb) == 0 && S_ISDIR(sb.st_mode)) snprintf(out, cap, "%s/checkpoint.safetensors", dir_or_file);
  else snprintf(out, cap, "%s", dir_or_file);
}
