/* Internal: a bump allocator in chunks. Reset keeps one chunk as large as the
 * peak use, so a loop that allocates the same amount each step stops calling
 * malloc after its first step. */
#ifndef WGAN_CORE_ARENA_H
#define WGAN_CORE_ARENA_H
#include <stddef.h>

typedef struct wg_arena_chunk wg_arena_chunk;

typedef struct {
  wg_arena_chunk *head;  /* the chunk being filled; older ones follow */
  size_t first_size;
  size_t used;           /* bytes handed out since the last reset */
  size_t peak;
} wg_arena;

void wg_arena_init(wg_arena *a, size_t first_size);
/* 64-byte aligned, NULL if malloc fails. */
void *wg_arena_alloc(wg_arena *a, size_t bytes);
void wg_arena_reset(wg_arena *a);
void wg_arena_free(wg_arena *a);

#endif
