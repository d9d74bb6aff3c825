/* Each rank's random stream, derived from the state the ranks share. */
#include "wgan/dist.h"

/* splitmix64's finaliser: neighbouring inputs give unrelated outputs. */
static uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void wg_dist_rank_stream(wg_rng *rng, int rank) {
  if (rank == 0) return;
  /* Every word depends on the whole state and the rank; a state of all
   * zeros (xoshiro's fixed point) has probability 2^-256. */
  uint64_t h = mix(rng->s[0] ^ mix(rng->s[1] ^ mix(rng->s[2] ^ mix(rng->s[3]))));
  for (int i = 0; i < 4; i++) rng->s[i] = mix(h + 0x9e3779b97f4a7c15ULL * (uint64_t)(4 * rank + i + 1));
}
