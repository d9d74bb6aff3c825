/* xoshiro256** (Blackman & Vigna), seeded through splitmix64. */
#include "wgan/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void wg_rng_seed(wg_rng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

uint64_t wg_rng_u64(wg_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double wg_rng_uniform(wg_rng *r) { return (double)(wg_rng_u64(r) >> 11) * 0x1.0p-53; }

uint64_t wg_rng_below(wg_rng *r, uint64_t n) {
  /* Rejection keeps the result exactly uniform. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = wg_rng_u64(r);
  while (x >= limit);
  return x % n;
}

/* One Box–Muller pair; u1 in (0, 1] so the log is finite. */
static void normal_pair(wg_rng *r, double *z0, double *z1) {
  double u1 = 1.0 - wg_rng_uniform(r), u2 = wg_rng_uniform(r);
  double rad = sqrt(-2.0 * log(u1)), th = 2.0 * M_PI * u2;
  *z0 = rad * cos(th);
  *z1 = rad * sin(th);
}

double wg_rng_normal(wg_rng *r) {
  double z0, z1;
  normal_pair(r, &z0, &z1);
  return z0;
}

void wg_rng_fill_uniform(wg_rng *r, float *x, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * wg_rng_uniform(r));
}

void wg_rng_fill_normal(wg_rng *r, float *x, size_t n, float mean, float std) {
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    double z0, z1;
    normal_pair(r, &z0, &z1);
    x[i] = (float)(mean + std * z0);
    x[i + 1] = (float)(mean + std * z1);
  }
  if (i < n) x[i] = (float)(mean + std * wg_rng_normal(r));
}
