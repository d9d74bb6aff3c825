/* Internal: the random stream of item `index` (a projection, a subset, a
 * repetition) of an evaluation seeded by seed, for the use named by salt:
 * a function of those alone, so items can be computed in any order, on any
 * thread or process. */
#ifndef WGAN_EVAL_STREAM_H
#define WGAN_EVAL_STREAM_H
#include "wgan/rng.h"

static inline void wg_eval_stream(wg_rng *r, uint64_t seed, uint64_t index, uint64_t salt) {
  wg_rng_seed(r, seed);
  uint64_t a = wg_rng_u64(r) ^ salt;
  /* A second seeding through splitmix64 decorrelates neighbouring indices. */
  wg_rng_seed(r, a + 0x9E3779B97F4A7C15ULL * (index + 1));
}

#endif
