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
/* Where the arena stands; rewinding to it frees what was handed out since
 * (chunks added since are freed: after a reset has merged them, none are). */
typedef struct {
  wg_arena_chunk *chunk;
  size_t chunk_used, used;
} wg_arena_mark;
wg_arena_mark wg_arena_mark_now(const wg_arena *a);
/* Hands p (bytes long) back when it is the last block handed out and came
 * after the mark (in the mark's chunk); returns whether it did. */
int wg_arena_pop_since(wg_arena *a, wg_arena_mark m, void *p, size_t bytes);
void wg_arena_rewind(wg_arena *a, wg_arena_mark m);
void wg_arena_free(wg_arena *a);

#endif
