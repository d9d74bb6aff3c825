/* C[m,n] = op(A) op(B) with bfloat16 A and B through oneDNN's matmul, C in
 * float (accumulated in float). The transposes are strides of the plain
 * row-major arrays, as for cblas_sgemm, so nothing is copied. */
#include "core/matmul_dnnl.h"

#include <omp.h>
#include <string.h>

#include "core/dnnl_cache.h"

typedef struct {
  int m, n, k, ta, tb, threads;
} matmul_key;

static int make_matmul(const void *key, dnnl_engine_t engine, wg_dnnl_prim *e) {
  const matmul_key *q = key;
  const dnnl_dims_t da = {q->m, q->k}, db = {q->k, q->n}, dc = {q->m, q->n};
  /* A stored [m,k] (or [k,m] when transposed), B [k,n] (or [n,k]), C [m,n]. */
  const dnnl_dims_t sa = {q->ta ? 1 : q->k, q->ta ? q->m : 1};
  const dnnl_dims_t sb = {q->tb ? 1 : q->n, q->tb ? q->k : 1};
  const dnnl_dims_t sc = {q->n, 1};
  dnnl_status_t st = dnnl_memory_desc_init_by_strides(&e->md[0], 2, da, dnnl_bf16, sa);
  if (st == dnnl_success) st = dnnl_memory_desc_init_by_strides(&e->md[1], 2, db, dnnl_bf16, sb);
  if (st == dnnl_success) st = dnnl_memory_desc_init_by_strides(&e->md[2], 2, dc, dnnl_f32, sc);
  dnnl_matmul_desc_t d;
  if (st == dnnl_success) st = dnnl_matmul_desc_init(&d, &e->md[0], &e->md[1], NULL, &e->md[2]);
  dnnl_primitive_desc_t pd = NULL;
  if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &d, NULL, engine, NULL);
  if (st == dnnl_success) st = dnnl_primitive_create(&e->prim, pd);
  if (pd) dnnl_primitive_desc_destroy(pd);
  e->arg[0] = DNNL_ARG_SRC, e->arg[1] = DNNL_ARG_WEIGHTS, e->arg[2] = DNNL_ARG_DST;
  return st == dnnl_success ? 0 : -1;
}

int wg_matmul_dnnl_bf16(int m, int n, int k, int ta, int tb, const uint16_t *a, const uint16_t *b, float *c) {
  matmul_key key;
  memset(&key, 0, sizeof key);
  key.m = m, key.n = n, key.k = k, key.ta = ta, key.tb = tb, key.threads = omp_get_max_threads();
  const wg_dnnl_prim *p = wg_dnnl_lookup(make_matmul, &key, sizeof key);
  return p ? wg_dnnl_run(p, a, b, c) : -1;
}
