/* The table behind wg_dnnl_lookup: guarded by a mutex, entries never moved
 * (a caller keeps its pointer), freed at exit with the engine. oneDNN's
 * implementation may depend on the thread count a primitive was made for, so
 * callers put it in their keys. Each run makes its own stream and memory
 * objects around the caller's arrays, so calls on different threads share
 * nothing mutable (a primitive may be executed concurrently). */
#include "core/dnnl_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  wg_dnnl_maker *make;
  size_t key_bytes;
  wg_dnnl_prim p;
  unsigned char key[]; /* key_bytes */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry **table;
static int n_table, cap_table;
static dnnl_engine_t engine;

static void release_all(void) {
  for (int i = 0; i < n_table; i++) dnnl_primitive_destroy(table[i]->p.prim), free(table[i]);
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
  entry **t = realloc(table, sizeof *t * (size_t)cap);
  if (!t) return -1;
  table = t, cap_table = cap;
  return 0;
}

static int matches(const entry *e, wg_dnnl_maker *make, const void *key, size_t key_bytes) {
  return e->make == make && e->key_bytes == key_bytes && !memcmp(e->key, key, key_bytes);
}

const wg_dnnl_prim *wg_dnnl_lookup(wg_dnnl_maker *make, const void *key, size_t key_bytes) {
  entry *found = NULL;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < n_table && !found; i++)
    if (matches(table[i], make, key, key_bytes)) found = table[i];
  if (!found && !start_engine() && !grow() && (found = calloc(1, sizeof *found + key_bytes))) {
    found->make = make, found->key_bytes = key_bytes;
    memcpy(found->key, key, key_bytes);
    if (make(key, engine, &found->p)) free(found), found = NULL;
    else table[n_table++] = found;
  }
  pthread_mutex_unlock(&lock);
  return found ? &found->p : NULL;
}

int wg_dnnl_run(const wg_dnnl_prim *p, const void *a, const void *b, void *out) {
  const void *ptr[3] = {a, b, out};
  dnnl_memory_t mem[3] = {NULL, NULL, NULL};
  dnnl_exec_arg_t args[3];
  dnnl_stream_t stream = NULL;
  dnnl_status_t st = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
  for (int i = 0; i < 3 && st == dnnl_success; i++) {
    st = dnnl_memory_create(&mem[i], &p->md[i], engine, (void *)ptr[i]);
    args[i].arg = p->arg[i], args[i].memory = mem[i];
  }
  if (st == dnnl_success) st = dnnl_primitive_execute(p->prim, stream, 3, args);
  if (st == dnnl_success) st = dnnl_stream_wait(stream);
  for (int i = 0; i < 3; i++)
    if (mem[i]) dnnl_memory_destroy(mem[i]);
  if (stream) dnnl_stream_destroy(stream);
  return st == dnnl_success ? 0 : -1;
}
