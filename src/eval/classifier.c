/* The feature classifier of the Fréchet distance: a small CNN for 28x28 gray
 * images, split in two networks so that its penultimate activations (the
 * features) are one forward pass of the body. Building, inference and the
 * weights file; training is in classifier_train.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"
#include "wgan/io.h"

#define TRY(call)                          \
  do {                                     \
    wg_status st_ = (call);                \
    if (st_ != WG_OK) return st_;          \
  } while (0)

/* Images per forward pass at inference: bounds the arena. */
#define CHUNK 500

static wg_status build(wg_classifier *c) {
  c->body = wg_net_new("classifier.body", 3, (int[]){1, 28, 28});
  c->head = wg_net_new("classifier.head", 1, (int[]){WG_CLASSIFIER_FEATURES});
  if (!c->body || !c->head) return wg_last_status();
  wg_conv_opts down = wg_conv_opts_sym(2, 2);
  TRY(wg_net_conv(c->body, 32, 5, &down, 1));
  TRY(wg_net_activation(c->body, WG_LAYER_RELU, 0));
  TRY(wg_net_conv(c->body, 64, 5, &down, 1));
  TRY(wg_net_activation(c->body, WG_LAYER_RELU, 0));
  TRY(wg_net_reshape(c->body, 1, (int[]){64 * 7 * 7}));
  TRY(wg_net_linear(c->body, WG_CLASSIFIER_FEATURES, 1, WG_FAN_HE));
  TRY(wg_net_activation(c->body, WG_LAYER_RELU, 0));
  TRY(wg_net_linear(c->head, WG_CLASSIFIER_CLASSES, 1, WG_FAN_GLOROT));
  TRY(wg_net_finish(c->body));
  return wg_net_finish(c->head);
}

wg_status wg_classifier_init(wg_classifier *c, wg_rng *rng) {
  memset(c, 0, sizeof *c);
  wg_status st = build(c);
  if (st != WG_OK) {
    wg_classifier_free(c);
    return st;
  }
  wg_net_init(c->body, WG_INIT_PYTORCH, rng);
  wg_net_init(c->head, WG_INIT_PYTORCH, rng);
  return WG_OK;
}

void wg_classifier_free(wg_classifier *c) {
  wg_net_free(c->body);
  wg_net_free(c->head);
  c->body = c->head = NULL;
}

/* Runs x[n, 1, 28, 28] through the body (and the head when logits is set)
 * in chunks: feat[n, 128] and/or logits[n, 10], either may be NULL. */
static wg_status infer(wg_classifier *c, const float *x, int64_t n, float *feat, float *logits) {
  wg_ctx *ctx = wg_ctx_new((size_t)64 << 20);
  if (!ctx) return wg_set_error(WG_ENOMEM, "classifier: out of memory");
  wg_ctx_set_recording(ctx, 0);
  wg_status st = WG_OK;
  for (int64_t i = 0; i < n && st == WG_OK; i += CHUNK) {
    int b = (int)(n - i < CHUNK ? n - i : CHUNK);
    wg_ctx_reset(ctx);
    wg_tensor *xt = wg_from_data(ctx, x + i * 784, 4, (int[]){b, 1, 28, 28});
    wg_tensor *f = wg_net_forward(ctx, c->body, xt);
    wg_tensor *y = logits ? wg_net_forward(ctx, c->head, f) : f;
    if (!y) {
      st = wg_failed("classifier");
      break;
    }
    if (feat) memcpy(feat + i * WG_CLASSIFIER_FEATURES, f->data, sizeof(float) * (size_t)f->numel);
    if (logits) memcpy(logits + i * WG_CLASSIFIER_CLASSES, y->data, sizeof(float) * (size_t)y->numel);
  }
  wg_ctx_free(ctx);
  return st;
}

static wg_status check_images(const float *x, int64_t n) {
  if (!x || n < 1) return wg_set_error(WG_EINVAL, "classifier: need n >= 1 images");
  return WG_OK;
}

wg_status wg_classifier_features(wg_classifier *c, const float *x, int64_t n, float *feat) {
  TRY(check_images(x, n));
  return infer(c, x, n, feat, NULL);
}

wg_status wg_classifier_accuracy(wg_classifier *c, const wg_dataset *ds, double *accuracy) {
  if (ds->ndim != 3 || ds->shape[0] != 1 || ds->shape[1] != 28 || ds->shape[2] != 28 || !ds->labels)
    return wg_set_error(WG_EINVAL, "classifier: needs labelled 1x28x28 images");
  float *logits = malloc(sizeof(float) * WG_CLASSIFIER_CLASSES * (size_t)ds->n), *x = wg_dataset_floats(ds);
  if (!logits || !x) {
    free(logits), free(x);
    return wg_set_error(WG_ENOMEM, "classifier: out of memory");
  }
  wg_status st = infer(c, x, ds->n, NULL, logits);
  free(x);
  int64_t right = 0;
  for (int64_t i = 0; st == WG_OK && i < ds->n; i++) {
    const float *l = logits + i * WG_CLASSIFIER_CLASSES;
    int best = 0;
    for (int k = 1; k < WG_CLASSIFIER_CLASSES; k++)
      if (l[k] > l[best]) best = k;
    right += best == ds->labels[i];
  }
  free(logits);
  if (st == WG_OK) *accuracy = (double)right / (double)ds->n;
  return st;
}

/* Visits every weight and bias of both networks: name, layer, is_bias. */
typedef wg_status (*param_fn)(const char *name, const wg_layer *l, int is_bias, void *user);

static wg_status each_param(const wg_classifier *c, param_fn fn, void *user) {
  const wg_net *nets[2] = {c->body, c->head};
  const char *tags[2] = {"body", "head"};
  char name[64];
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < nets[k]->n_layers; i++) {
      const wg_layer *l = &nets[k]->layers[i];
      if (l->w_off < 0) continue;
      snprintf(name, sizeof name, "%s.%d.weight", tags[k], i);
      TRY(fn(name, l, 0, user));
      if (l->n_b) {
        snprintf(name, sizeof name, "%s.%d.bias", tags[k], i);
        TRY(fn(name, l, 1, user));
      }
    }
  return WG_OK;
}

/* A bias is stored as a vector [out] whatever its broadcast shape in the net. */
static void st_shape(const wg_layer *l, int is_bias, int *ndim, int64_t *shape) {
  if (is_bias) {
    *ndim = 1;
    shape[0] = l->n_b;
    return;
  }
  *ndim = l->w.ndim;
  for (int j = 0; j < l->w.ndim; j++) shape[j] = l->w.shape[j];
}

typedef struct {
  wg_st_tensor t[16];
  int n;
  char names[16][64];
} save_list;

static wg_status add_tensor(const char *name, const wg_layer *l, int is_bias, void *user) {
  save_list *s = user;
  if (s->n >= 16) return wg_set_error(WG_EINVAL, "classifier: too many tensors");
  wg_st_tensor *t = &s->t[s->n];
  snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
  t->name = s->names[s->n];
  t->dtype = WG_DT_F32;
  st_shape(l, is_bias, &t->ndim, t->shape);
  t->data = is_bias ? l->b.data : l->w.data;
  s->n++;
  return WG_OK;
}

wg_status wg_classifier_save(const wg_classifier *c, const char *path, const char *const *meta,
                             int n_meta) {
  save_list s = {.n = 0};
  TRY(each_param(c, add_tensor, &s));
  const char **m = malloc(sizeof(char *) * 2 * (size_t)(n_meta + 1));
  if (!m) return wg_set_error(WG_ENOMEM, "classifier: out of memory");
  m[0] = WG_CLASSIFIER_ARCH_KEY;
  m[1] = WG_CLASSIFIER_ARCH;
  for (int i = 0; i < 2 * n_meta; i++) m[2 + i] = meta[i];
  wg_status st = wg_safetensors_write(path, s.t, s.n, m, n_meta + 1);
  free(m);
  return st;
}

typedef struct {
  const wg_safetensors *st;
  const char *path;
  int n;
} load_state;

static wg_status copy_tensor(const char *name, const wg_layer *l, int is_bias, void *user) {
  load_state *s = user;
  int ndim;
  int64_t shape[4];
  st_shape(l, is_bias, &ndim, shape);
  if (!wg_safetensors_find(s->st, name))
    return wg_set_error(WG_EFORMAT, "%s: no tensor '%s'", s->path, name);
  s->n++;
  return wg_safetensors_copy(s->st, name, WG_DT_F32, ndim, shape, is_bias ? l->b.data : l->w.data);
}

wg_status wg_classifier_load(wg_classifier *c, const char *path) {
  wg_safetensors *st = wg_safetensors_open(path, 1);
  if (!st) return wg_last_status();
  wg_status res = WG_OK;
  const char *arch = wg_safetensors_meta(st, WG_CLASSIFIER_ARCH_KEY);
  if (!arch || strcmp(arch, WG_CLASSIFIER_ARCH) != 0) {
    res = wg_set_error(WG_EFORMAT, "%s: not a classifier of this version (metadata %s is %s%s%s)", path,
                       WG_CLASSIFIER_ARCH_KEY, arch ? "'" : "", arch ? arch : "missing", arch ? "'" : "");
    goto done;
  }
  wg_rng rng;
  wg_rng_seed(&rng, 0);
  if ((res = wg_classifier_init(c, &rng)) != WG_OK) goto done;
  load_state ls = {st, path, 0};
  res = each_param(c, copy_tensor, &ls);
  if (res == WG_OK && ls.n != wg_safetensors_count(st))
    res = wg_set_error(WG_EFORMAT, "%s: %d tensors, expected %d", path, wg_safetensors_count(st), ls.n);
  if (res != WG_OK) wg_classifier_free(c);
done:
  wg_safetensors_close(st);
  return res;
}
