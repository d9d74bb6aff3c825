/* Checkpoints of a run as safetensors: both networks' parameters and
 * BatchNorm statistics as named tensors in the layout of a PyTorch
 * state_dict, both optimizers' state, the RNG and batcher state as tensors;
 * the configuration (JSON), iteration and sample shape as metadata. */
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

#define FORMAT_PREFIX "wgan-checkpoint-"

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

/* Keys the first checkpoints did not have take the value the trainer then
 * used: init, the reference code's scheme of the model; precision, fp32;
 * lr_decay, constant. */
static int set_absent_key(const wg_field *f, wg_train_config *c) {
  if (f->offset == offsetof(wg_train_config, precision)) {
    c->precision = WG_PRECISION_FP32;
    return 1;
  }
  if (f->offset == offsetof(wg_train_config, lr_decay)) {
    c->lr_decay = WG_LR_CONSTANT;
    return 1;
  }
  if (f->offset != offsetof(wg_train_config, init)) return 0;
  c->init = c->model == WG_MODEL_DCGAN ? WG_INIT_DCGAN : WG_INIT_WGANGP;
  return 1;
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
    if (!v && set_absent_key(f, c)) continue;
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

/* Each network's parameters and BatchNorm statistics as the named tensors
 * of wg_net_tensors ("gen.main.0.weight" [512, 2], ...: strip "gen." and a
 * PyTorch nn.Sequential of the same layers loads them); the first format
 * held each buffer as one flat tensor ("gen.params", "gen.state"). */
enum { FLAT_FORMAT = 1, NAMED_FORMAT = 2 };

/* The optimizers' moments, the RNG, the batcher and the progress. */
enum { MAX_OTHER = 7 };

typedef struct {
  wg_st_tensor *t;
  char (*names)[64];
  int n, cap;
  wg_net_tensor *views; /* [cap] room for one network's named views */
} tensor_list;

static void list_free(tensor_list *l) {
  free(l->t);
  free(l->names);
  free(l->views);
}

static wg_status list_init(tensor_list *l, const wg_gan_models *m) {
  l->n = 0;
  l->cap = wg_net_tensors(m->gen, NULL, 0) + wg_net_tensors(m->critic, NULL, 0) + 4 + MAX_OTHER;
  l->t = calloc((size_t)l->cap, sizeof *l->t);
  l->names = calloc((size_t)l->cap, sizeof *l->names);
  l->views = calloc((size_t)l->cap, sizeof *l->views);
  if (l->t && l->names && l->views) return WG_OK;
  list_free(l);
  return wg_set_error(WG_ENOMEM, "out of memory for a checkpoint's tensor list");
}

static void add(tensor_list *l, const char *name, wg_dtype dtype, int ndim, const int64_t *shape, const void *data) {
  WG_ASSERT(l->n < l->cap && ndim <= 4);
  wg_st_tensor *t = &l->t[l->n];
  snprintf(l->names[l->n], sizeof l->names[l->n], "%s", name);
  *t = (wg_st_tensor){.name = l->names[l->n], .dtype = dtype, .ndim = ndim, .data = data};
  memcpy(t->shape, shape, sizeof(int64_t) * (size_t)ndim);
  l->n++;
}

static void add_flat(tensor_list *l, const char *name, wg_dtype dtype, int64_t numel, const void *data) {
  add(l, name, dtype, 1, &numel, data);
}

/* A network's tensors (data NULL while it has no buffers). */
static void add_net(tensor_list *l, const char *prefix, const wg_net *net, int format) {
  char name[64];
  if (format == FLAT_FORMAT) {
    snprintf(name, sizeof name, "%s.params", prefix);
    add_flat(l, name, WG_DT_F32, net->n_params, net->params);
    snprintf(name, sizeof name, "%s.state", prefix);
    add_flat(l, name, WG_DT_F32, net->n_state, net->state);
    return;
  }
  int n = wg_net_tensors(net, l->views, l->cap);
  WG_ASSERT(n <= l->cap);
  for (int i = 0; i < n; i++) {
    const wg_net_tensor *v = &l->views[i];
    const float *buffer = v->in_state ? net->state : net->params;
    snprintf(name, sizeof name, "%s.%s", prefix, v->name);
    add(l, name, WG_DT_F32, v->ndim, v->shape, buffer ? buffer + v->offset : NULL);
  }
}

/* The tensors of s, the same list for saving and loading (data pointers
 * into s, so loading copies straight into place). progress is {iter, gen
 * steps, critic steps}. */
static void tensors_of(const wg_gan_state *s, int format, tensor_list *l, int64_t progress[3], uint64_t rng[4]) {
  add_net(l, "gen", s->models.gen, format);
  add_net(l, "critic", s->models.critic, format);
  add_flat(l, "opt_gen.v", WG_DT_F32, s->opt_gen.n, s->opt_gen.v);
  add_flat(l, "opt_critic.v", WG_DT_F32, s->opt_critic.n, s->opt_critic.v);
  if (s->opt_gen.m) add_flat(l, "opt_gen.m", WG_DT_F32, s->opt_gen.n, s->opt_gen.m);
  if (s->opt_critic.m) add_flat(l, "opt_critic.m", WG_DT_F32, s->opt_critic.n, s->opt_critic.m);
  add_flat(l, "rng", WG_DT_U64, 4, rng);
  add_flat(l, "batcher", WG_DT_I64, WG_BATCHER_STATE_LEN, s->batcher_state);
  add_flat(l, "progress", WG_DT_I64, 3, progress);
}

wg_status wg_checkpoint_save(const char *path, const wg_gan_state *s) {
  int64_t progress[3] = {s->iter, s->opt_gen.step, s->opt_critic.step};
  uint64_t rng[4];
  memcpy(rng, s->rng.s, sizeof rng);
  tensor_list l;
  if (list_init(&l, &s->models) != WG_OK) return WG_ENOMEM;
  tensors_of(s, NAMED_FORMAT, &l, progress, rng);
  char *config = config_json(&s->cfg);
  if (!config) {
    list_free(&l);
    return wg_set_error(WG_ENOMEM, "out of memory");
  }
  char format[32], seconds[32], shape[64], ranks[16];
  snprintf(format, sizeof format, FORMAT_PREFIX "%d", NAMED_FORMAT);
  snprintf(seconds, sizeof seconds, "%.17g", s->seconds);
  snprintf(ranks, sizeof ranks, "%d", s->ranks);
  snprintf(shape, sizeof shape, "%d,%d,%d", s->sample_shape[0], s->sample_ndim > 1 ? s->sample_shape[1] : 0,
           s->sample_ndim > 2 ? s->sample_shape[2] : 0);
  const char *meta[] = {"format", format, "config", config, "seconds", seconds, "sample_shape", shape, "ranks", ranks};
  /* One process writes no rank count (read as one when absent). */
  wg_status st = wg_safetensors_write(path, l.t, l.n, meta, s->ranks > 1 ? 5 : 4);
  free(config);
  list_free(&l);
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

static int64_t numel_of(const wg_st_tensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->ndim; i++) n *= t->shape[i];
  return n;
}

static void shape_text(const wg_st_tensor *t, char *out, size_t cap) {
  size_t used = (size_t)snprintf(out, cap, "[");
  for (int i = 0; i < t->ndim && used < cap; i++)
    used += (size_t)snprintf(out + used, cap - used, i ? ", %lld" : "%lld", (long long)t->shape[i]);
  if (used < cap) snprintf(out + used, cap - used, "]");
}

/* The networks' tensors of the models the configuration builds, against
 * what the file holds, before any of them is initialised: a configuration
 * that lies about its width would otherwise have a large network filled
 * with random numbers. */
static wg_status check_sizes(const char *path, const wg_safetensors *st, const wg_train_config *cfg, int ndim,
                             const int *dims, int format) {
  wg_gan_models m;
  tensor_list l = {0};
  wg_status status = wg_gan_build_models(cfg, ndim, dims, &m);
  if (status != WG_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", wg_last_error());
    wg_models_free(&m);
    return wg_set_error(WG_EFORMAT, "%s: its configuration does not build: %s", path, why);
  }
  if (list_init(&l, &m) != WG_OK) status = WG_ENOMEM;
  else {
    add_net(&l, "gen", m.gen, format);
    add_net(&l, "critic", m.critic, format);
  }
  for (int i = 0; status == WG_OK && i < l.n; i++) {
    const wg_st_tensor *t = wg_safetensors_find(st, l.t[i].name);
    char want[128], has[128] = "nothing";
    shape_text(&l.t[i], want, sizeof want);
    if (t) shape_text(t, has, sizeof has);
    if (!t || t->ndim != l.t[i].ndim || memcmp(t->shape, l.t[i].shape, sizeof(int64_t) * (size_t)t->ndim))
      status = wg_set_error(WG_EFORMAT, "%s: its configuration builds '%s' of shape %s, the file holds %s", path,
                            l.t[i].name, want, has);
  }
  list_free(&l);
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
    for (int64_t k = 0; k < numel_of(&l->t[i]); k++)
      if (!isfinite(x[k]))
        return wg_set_error(WG_EFORMAT, "%s: tensor '%s' holds %g at index %lld", path, l->t[i].name, x[k],
                            (long long)k);
  }
  return WG_OK;
}

/* The format's number from "wgan-checkpoint-N": one this library reads, else 0. */
static int format_number(const char *text) {
  size_t n = strlen(FORMAT_PREFIX);
  if (!text || strncmp(text, FORMAT_PREFIX, n)) return 0;
  if (!strcmp(text + n, "1")) return FLAT_FORMAT;
  if (!strcmp(text + n, "2")) return NAMED_FORMAT;
  return 0;
}

/* The metadata: the configuration, the sample shape, the training time. */
static wg_status read_meta(const char *path, const wg_safetensors *st, int *format, wg_train_config *cfg,
                           int dims[3], int *ndim, double *secs) {
  const char *name = wg_safetensors_meta(st, "format"), *config = wg_safetensors_meta(st, "config");
  const char *seconds = wg_safetensors_meta(st, "seconds"), *shape = wg_safetensors_meta(st, "sample_shape");
  *format = format_number(name);
  if (!*format || !config || !seconds || !shape)
    return wg_set_error(WG_EFORMAT, "%s: not a wgan checkpoint this version reads (format '%s')", path,
                        name ? name : "missing");
  if (parse_config(path, config, cfg) != WG_OK) return wg_last_status();
  if (!parse_shape(shape, dims, ndim)) return wg_set_error(WG_EFORMAT, "%s: bad sample shape '%s'", path, shape);
  if (!parse_seconds(seconds, secs))
    return wg_set_error(WG_EFORMAT, "%s: bad training time '%s' (seconds)", path, seconds);
  return WG_OK;
}

/* The rank count of the run that wrote it (wgan/dist.h), the whole text;
 * a checkpoint without one is from a run of one process. */
static int parse_ranks(const char *text, int *ranks) {
  char *end;
  errno = 0;
  long v = text ? strtol(text, &end, 10) : 1;
  if (text && (end == text || *end || errno || v < 1 || v > INT_MAX)) return 0;
  *ranks = (int)v;
  return 1;
}

/* Copies every tensor into the state s built from the metadata. */
static wg_status read_tensors(const char *path, const wg_safetensors *st, int format, wg_gan_state *s) {
  int64_t progress[3];
  uint64_t rng[4];
  tensor_list l;
  if (list_init(&l, &s->models) != WG_OK) return WG_ENOMEM;
  tensors_of(s, format, &l, progress, rng);
  wg_status status = WG_OK;
  for (int i = 0; i < l.n && status == WG_OK; i++)
    status = wg_safetensors_copy(st, l.t[i].name, l.t[i].dtype, l.t[i].ndim, l.t[i].shape, (void *)l.t[i].data);
  if (status == WG_OK) status = check_values(path, &l, progress, rng);
  if (status == WG_OK) {
    s->iter = progress[0];
    s->opt_gen.step = progress[1];
    s->opt_critic.step = progress[2];
    memcpy(s->rng.s, rng, sizeof rng);
  }
  list_free(&l);
  return status;
}

wg_status wg_checkpoint_load(const char *path, wg_gan_state *s) {
  memset(s, 0, sizeof *s);
  wg_safetensors *st = wg_safetensors_open(path, 1);
  if (!st) return wg_failed(path);
  wg_train_config cfg;
  int format, dims[3], ndim = 0, ranks = 1;
  double secs = 0;
  const char *ranks_text = wg_safetensors_meta(st, "ranks");
  wg_status status = read_meta(path, st, &format, &cfg, dims, &ndim, &secs);
  if (status == WG_OK && !parse_ranks(ranks_text, &ranks))
    status = wg_set_error(WG_EFORMAT, "%s: bad rank count '%s'", path, ranks_text);
  if (status == WG_OK) status = check_sizes(path, st, &cfg, ndim, dims, format);
  if (status == WG_OK && wg_gan_state_init(s, &cfg, ndim, dims) != WG_OK) {
    char why[512];
    snprintf(why, sizeof why, "%s", wg_last_error());
    status = wg_set_error(WG_EFORMAT, "%s: its configuration does not build: %s", path, why);
  }
  if (status == WG_OK) status = read_tensors(path, st, format, s);
  if (status == WG_OK) s->seconds = secs, s->ranks = ranks;
  wg_safetensors_close(st);
  if (status != WG_OK) wg_gan_state_free(s);
  return status;
}

void wg_checkpoint_path(const char *dir_or_file, char *out, size_t cap) {
  struct stat sb;
  if (stat(dir_or_file, &sb) == 0 && S_ISDIR(sb.st_mode)) snprintf(out, cap, "%s/checkpoint.safetensors", dir_or_file);
  else snprintf(out, cap, "%s", dir_or_file);
}
