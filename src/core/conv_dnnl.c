/* The three convolution kernels through oneDNN (Debian's libdnnl, built with
 * OpenMP threading: the library's thread count, omp_set_num_threads, is
 * oneDNN's too). Tensors stay in the tape's plain layouts (x, y NCHW, w
 * OIHW): oneDNN picks its implementation for those, so nothing is reordered.
 * In bf16 the two inputs are bfloat16 arrays and the output stays float
 * (oneDNN accumulates in float). Primitives are made once per (kind,
 * geometry, precision, thread count) in dnnl_cache.c. */
#include "core/conv_kernels.h"
#include "core/dnnl_cache.h"

#include <omp.h>
#include <string.h>

typedef struct {
  int kind, threads, bf16;
  wg_conv_geom g;
} conv_key;

static void plain_md(dnnl_memory_desc_t *md, int a, int b, int c, int d, dnnl_data_type_t type,
                     dnnl_format_tag_t tag) {
  const dnnl_dims_t dims = {a, b, c, d};
  dnnl_memory_desc_init_by_tag(md, 4, dims, type, tag);
}

static int pad_bottom(const wg_conv_geom *g) { return (g->OH - 1) * g->sh + g->KH - g->H - g->pt; }
static int pad_right(const wg_conv_geom *g) { return (g->OW - 1) * g->sw + g->KW - g->W - g->pl; }

int wg_conv2d_dnnl_serves(const wg_conv_geom *g) {
  return g->N > 0 && g->OH > 0 && g->OW > 0 && pad_bottom(g) >= 0 && pad_right(g) >= 0;
}

/* The arrays x, w, y of kernel kind for key k: bfloat16 in bf16, except
 * the kernel's output, which is float. */
static void arrays(const conv_key *k, int kind, dnnl_memory_desc_t *x, dnnl_memory_desc_t *w,
                   dnnl_memory_desc_t *y) {
  const wg_conv_geom *g = &k->g;
  const dnnl_data_type_t in = k->bf16 ? dnnl_bf16 : dnnl_f32;
  plain_md(x, g->N, g->C, g->H, g->W, kind == WG_CONV_BWD_DATA ? dnnl_f32 : in, dnnl_nchw);
  plain_md(w, g->OC, g->C, g->KH, g->KW, kind == WG_CONV_BWD_WEIGHT ? dnnl_f32 : in, dnnl_oihw);
  plain_md(y, g->N, g->OC, g->OH, g->OW, kind == WG_CONV_FWD ? dnnl_f32 : in, dnnl_nchw);
}

/* The primitive of key (a conv_key) and its argument layout in e; -1 when
 * oneDNN has none for it. Every kind needs the forward primitive descriptor:
 * the backward ones take it as their hint. */
static int make_conv(const void *key, dnnl_engine_t engine, wg_dnnl_prim *e) {
  const conv_key *k = key;
  const wg_conv_geom *g = &k->g;
  const dnnl_dims_t stride = {g->sh, g->sw}, lo = {g->pt, g->pl}, hi = {pad_bottom(g), pad_right(g)};
  dnnl_convolution_desc_t fd, d;
  dnnl_memory_desc_t x, w, y;
  arrays(k, WG_CONV_FWD, &x, &w, &y);
  dnnl_status_t st = dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &x,
                                                        &w, NULL, &y, stride, lo, hi);
  dnnl_primitive_desc_t fwd = NULL, pd = NULL;
  if (st == dnnl_success) st = dnnl_primitive_desc_create(&fwd, &fd, NULL, engine, NULL);
  if (st != dnnl_success) return -1;
  arrays(k, k->kind, &x, &w, &y);
  if (k->kind == WG_CONV_FWD) {
    pd = fwd, fwd = NULL;
    e->md[0] = x, e->md[1] = w, e->md[2] = y;
    e->arg[0] = DNNL_ARG_SRC, e->arg[1] = DNNL_ARG_WEIGHTS, e->arg[2] = DNNL_ARG_DST;
  } else if (k->kind == WG_CONV_BWD_DATA) {
    st = dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &x, &w, &y, stride, lo, hi);
    if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &d, NULL, engine, fwd);
    e->md[0] = y, e->md[1] = w, e->md[2] = x;
    e->arg[0] = DNNL_ARG_DIFF_DST, e->arg[1] = DNNL_ARG_WEIGHTS, e->arg[2] = DNNL_ARG_DIFF_SRC;
  } else {
    st = dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &x, &w, NULL, &y, stride, lo,
                                                     hi);
    if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &d, NULL, engine, fwd);
    e->md[0] = x, e->md[1] = y, e->md[2] = w;
    e->arg[0] = DNNL_ARG_SRC, e->arg[1] = DNNL_ARG_DIFF_DST, e->arg[2] = DNNL_ARG_DIFF_WEIGHTS;
  }
  if (fwd) dnnl_primitive_desc_destroy(fwd);
  if (st == dnnl_success) st = dnnl_primitive_create(&e->prim, pd);
  if (pd) dnnl_primitive_desc_destroy(pd);
  return st == dnnl_success ? 0 : -1;
}

int wg_conv2d_dnnl(int kind, const wg_conv_geom *g, int bf16, const void *a, const void *b, float *out) {
  if (!wg_conv2d_dnnl_serves(g)) return -1;
  conv_key key;
  memset(&key, 0, sizeof key);
  key.kind = kind, key.threads = omp_get_max_threads(), key.bf16 = bf16, key.g = *g;
  const wg_dnnl_prim *p = wg_dnnl_lookup(make_conv, &key, sizeof key);
  return p ? wg_dnnl_run(p, a, b, out) : -1;
}
