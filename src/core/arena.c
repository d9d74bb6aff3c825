/* The bump allocator behind every tensor and tape node of a context. */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"

struct wg_arena_chunk {
  wg_arena_chunk *next;
  size_t size, used;
  unsigned char *data;
};

enum { ALIGN = 64 };

static wg_arena_chunk *chunk_new(size_t size) {
  wg_arena_chunk *c = malloc(sizeof *c);
  if (!c) return NULL;
  c->data = aligned_alloc(ALIGN, (size + ALIGN - 1) / ALIGN * ALIGN);
  if (!c->data) {
    free(c);
    return NULL;
  }
  c->size = size;
  c->used = 0;
  c->next = NULL;
  return c;
}

void wg_arena_init(wg_arena *a, size_t first_size) {
  a->head = NULL;
  a->first_size = first_size < (1u << 16) ? (1u << 16) : first_size;
  a->used = a->peak = 0;
}

/* Every block a multiple of ALIGN, at least one. */
static size_t rounded(size_t bytes) {
  bytes = (bytes + ALIGN - 1) / ALIGN * ALIGN;
  return bytes ? bytes : ALIGN;
}

void *wg_arena_alloc(wg_arena *a, size_t bytes) {
  bytes = rounded(bytes);
  wg_arena_chunk *c = a->head;
  if (!c || c->size - c->used < bytes) {
    size_t size = a->head ? a->head->size * 2 : a->first_size;
    if (size < bytes) size = bytes;
    wg_arena_chunk *n = chunk_new(size);
    if (!n) return NULL;
    n->next = a->head;
    a->head = c = n;
  }
  void *p = c->data + c->used;
  WG_ASSERT(bytes <= c->size - c->used && (uintptr_t)p % ALIGN == 0);
  c->used += bytes;
  a->used += bytes;
  if (a->used > a->peak) a->peak = a->used;
  return p;
}

void wg_arena_reset(wg_arena *a) {
  wg_arena_chunk *c = a->head;
  if (c && c->next) {
    /* Several chunks: replace them with one that holds the peak. */
    size_t peak = a->peak;
    wg_arena_free(a);
    a->head = chunk_new(peak);
    a->peak = peak;
  } else if (c) {
    c->used = 0;
  }
  a->used = 0;
}

wg_arena_mark wg_arena_mark_now(const wg_arena *a) {
  return (wg_arena_mark){a->head, a->head ? a->head->used : 0, a->used};
}

void wg_arena_rewind(wg_arena *a, wg_arena_mark m) {
  while (a->head != m.chunk) {
    wg_arena_chunk *c = a->head;
    WG_ASSERT(c); /* the mark's chunk is still in the list */
    a->head = c->next;
    free(c->data);
    free(c);
  }
  if (a->head) a->head->used = m.chunk_used;
  a->used = m.used;
}

int wg_arena_pop_since(wg_arena *a, wg_arena_mark m, void *p, size_t bytes) {
  bytes = rounded(bytes);
  wg_arena_chunk *c = a->head;
  if (!c || c != m.chunk || c->used < m.chunk_used + bytes) return 0;
  if ((unsigned char *)p != c->data + c->used - bytes) return 0;
  c->used -= bytes;
  a->used -= bytes;
  return 1;
}

void wg_arena_free(wg_arena *a) {
  for (wg_arena_chunk *c = a->head, *n; c; c = n) {
    n = c->next;
    free(c->data);
    free(c);
  }
  a->head = NULL;
  a->used = 0;
}
