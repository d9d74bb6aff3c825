/* oneDNN primitives made once and kept for the life of the process, shared
 * by the convolutions (conv_dnnl.c) and the bf16 matrix products
 * (matmul_dnnl.c). A primitive is looked up by its maker and a key (a plain
 * struct, zeroed before it is filled, so its padding compares equal). */
#ifndef WGAN_CORE_DNNL_CACHE_H
#define WGAN_CORE_DNNL_CACHE_H
#include <oneapi/dnnl/dnnl.h>
#include <stddef.h>

/* A primitive over three arrays: two inputs and the output. */
typedef struct {
  dnnl_primitive_t prim;
  dnnl_memory_desc_t md[3];
  int arg[3]; /* oneDNN argument names */
} wg_dnnl_prim;

/* Makes the primitive of key on engine into p; 0, or -1 when oneDNN has none. */
typedef int wg_dnnl_maker(const void *key, dnnl_engine_t engine, wg_dnnl_prim *p);

/* The primitive of (make, key), made on first use; NULL when oneDNN cannot
 * make it or memory ran out. The pointer stays valid until exit. */
const wg_dnnl_prim *wg_dnnl_lookup(wg_dnnl_maker *make, const void *key, size_t key_bytes);
/* Runs p over a, b -> out and waits; 0, or -1 on failure. */
int wg_dnnl_run(const wg_dnnl_prim *p, const void *a, const void *b, void *out);

#endif
