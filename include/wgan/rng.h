/* An explicit-state random generator (xoshiro256**): the same seed gives the
 * same stream on every machine; the state is plain data, so it checkpoints. */
#ifndef WGAN_RNG_H
#define WGAN_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint64_t s[4];
} wg_rng;

void wg_rng_seed(wg_rng *r, uint64_t seed);
uint64_t wg_rng_u64(wg_rng *r);
/* Uniform in [0, 1), 53 bits. */
double wg_rng_uniform(wg_rng *r);
/* Standard normal (Box–Muller, both values used in pairs by the fills). */
double wg_rng_normal(wg_rng *r);
/* Uniform integer in [0, n). */
uint64_t wg_rng_below(wg_rng *r, uint64_t n);
void wg_rng_fill_uniform(wg_rng *r, float *x, size_t n, float lo, float hi);
void wg_rng_fill_normal(wg_rng *r, float *x, size_t n, float mean, float std);

#endif
