/* The three convolution kernels through oneDNN (Debian's libdnnl, built with
 * OpenMP threading: the library's thread count, omp_set_num_threads, is
 * oneDNN's too). Tensors stay in the tape's plain layouts (x, y NCHW, w
 * OIHW): oneDNN picks its implementation for those, so nothing is reordered.
 *
 * A primitive is made once per (kind, geometry, thread count) and kept in a
 * small table for the life of the process (oneDNN's implementation may
 * depend on the thread count it was created for); the table is guarded by a
 * mutex and freed at exit. Each call makes its own stream and memory objects
 * around the caller's arrays, so calls on different threads share nothing
 * mutable (a primitive may be executed concurrently). */
#include "core/conv_kernels.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int kind, threads;
  wg_conv_geom g;
  dnnl_primitive_t prim;
  dnnl_memory_desc_t md[3]; /* the two inputs' and the output's */
  int arg[3];               /* their oneDNN argument names */
} dnnl_entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_entry **table; /* entries are never moved: a caller keeps its pointer */
static int n_table, cap_table;
static dnnl_engine_t engine;

static void release_all(void) {
  for (int i = 0; i < n_table; i++) dnnl_primitive_destroy(table[i]->prim), free(table[i]);
  free(table);
  table = NULL, n_table = cap_table = 0;
  if (engine) dnnl_engine_destroy(engine);
  engine = NULL;
}

static int start_engine(void) {
  if (engine) return 0;
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return -1;
  atexit(release_all);
  return 0;
}

/* Room for one more entry in the table. */
static int grow(void) {
  if (n_table < cap_table) return 0;
  int cap = cap_table ? 2 * cap_table : 16;
  dnnl_entry **t = realloc(table, sizeof *t * (size_t)cap);
  if (!t) return -1;
  table = t, cap_table = cap;
  return 0;
}

static void plain_md(dnnl_memory_desc_t *md, int a, int b, int c, int d, dnnl_format_tag_t tag) {
  const dnnl_dims_t dims = {a, b, c, d};
  dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

static int pad_bottom(const wg_conv_geom *g) { return (g->OH - 1) * g->sh + g->KH - g->H - g->pt; }
static int pad_right(const wg_conv_geom *g) { return (g->OW - 1) * g->sw + g->KW - g->W - g->pl; }

int wg_conv2d_dnnl_serves(const wg_conv_geom *g) {
  return g->N > 0 && g->OH > 0 && g->OW > 0 && pad_bottom(g) >= 0 && pad_right(g) >= 0;
}

/* The forward descriptor of g (every kind needs it: the others take it as
 * their hint). */
static dnnl_status_t forward_desc(const wg_conv_geom *g, dnnl_convolution_desc_t *d, dnnl_memory_desc_t *x,
                                  dnnl_memory_desc_t *w, dnnl_memory_desc_t *y) {
  plain_md(x, g->N, g->C, g->H, g->W, dnnl_nchw);
  plain_md(w, g->OC, g->C, g->KH, g->KW, dnnl_oihw);
  plain_md(y, g->N, g->OC, g->OH, g->OW, dnnl_nchw);
  const dnnl_dims_t stride = {g->sh, g->sw}, lo = {g->pt, g->pl}, hi = {pad_bottom(g), pad_right(g)};
  return dnnl_convolution_forward_desc_init(d, dnnl_forward_training, dnnl_convolution_direct, x, w, NULL, y,
                                            stride, lo, hi);
}

/* The primitive of kind for g and its argument layout in e; -1 when oneDNN
 * has none for it. */
static int make_entry(int kind, const wg_conv_geom *g, dnnl_entry *e) {
  dnnl_convolution_desc_t fd, d;
  dnnl_memory_desc_t x, w, y;
  if (forward_desc(g, &fd, &x, &w, &y) != dnnl_success) return -1;
  dnnl_primitive_desc_t fwd = NULL, pd = NULL;
  if (dnnl_primitive_desc_create(&fwd, &fd, NULL, engine, NULL) != dnnl_success) return -1;
  const dnnl_dims_t stride = {g->sh, g->sw}, lo = {g->pt, g->pl};
  const dnnl_dims_t hi = {fd.padding[1][0], fd.padding[1][1]};
  dnnl_status_t st = dnnl_success;
  if (kind == WG_CONV_FWD) {
    pd = fwd, fwd = NULL;
    e->md[0] = x, e->md[1] = w, e->md[2] = y;
    e->arg[0] = DNNL_ARG_SRC, e->arg[1] = DNNL_ARG_WEIGHTS, e->arg[2] = DNNL_ARG_DST;
  } else if (kind == WG_CONV_BWD_DATA) {
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

static int same_geom(const wg_conv_geom *a, const wg_conv_geom *b) { return !memcmp(a, b, sizeof *a); }

/* The cached entry for (kind, g, threads), made on first use; NULL when
 * oneDNN cannot serve it or memory ran out. Entries live until exit, so the
 * pointer stays valid after the lock is released. */
static const dnnl_entry *lookup(int kind, const wg_conv_geom *g, int threads) {
  dnnl_entry *found = NULL;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < n_table && !found; i++)
    if (table[i]->kind == kind && table[i]->threads == threads && same_geom(&table[i]->g, g)) found = table[i];
  if (!found && !start_engine() && !grow() && (found = calloc(1, sizeof *found))) {
    found->kind = kind, found->threads = threads, found->g = *g;
    if (make_entry(kind, g, found)) free(found), found = NULL;
    else table[n_table++] = found;
  }
  pthread_mutex_unlock(&lock);
  return found;
}

int wg_conv2d_dnnl(int kind, const wg_conv_geom *g, const float *a, const float *b, float *out) {
  if (!wg_conv2d_dnnl_serves(g)) return -1;
  const dnnl_entry *e = lookup(kind, g, omp_get_max_threads());
  if (!e) return -1;
  const void *ptr[3] = {a, b, out};
  dnnl_memory_t mem[3] = {NULL, NULL, NULL};
  dnnl_exec_arg_t args[3];
  dnnl_stream_t stream = NULL;
  dnnl_status_t st = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
  for (int i = 0; i < 3 && st == dnnl_success; i++) {
    st = dnnl_memory_create(&mem[i], &e->md[i], engine, (void *)ptr[i]);
    args[i].arg = e->arg[i], args[i].memory = mem[i];
  }
  if (st == dnnl_success) st = dnnl_primitive_execute(e->prim, stream, 3, args);
  if (st == dnnl_success) st = dnnl_stream_wait(stream);
  for (int i = 0; i < 3; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  if (stream) dnnl_stream_destroy(stream);
  return st == dnnl_success ? 0 : -1;
}
