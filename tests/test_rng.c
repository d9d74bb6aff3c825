/* The RNG: reproducible streams and the moments of its distributions. */
#include "check.h"
#include "wgan.h"

static void same_seed_same_stream(void) {
  wg_rng a, b, c;
  wg_rng_seed(&a, 42);
  wg_rng_seed(&b, 42);
  wg_rng_seed(&c, 43);
  int differs = 0;
  for (int i = 0; i < 100; i++) {
    uint64_t x = wg_rng_u64(&a), y = wg_rng_u64(&b), z = wg_rng_u64(&c);
    CHECK(x == y, "draw %d differs for the same seed", i);
    differs |= x != z;
  }
  CHECK(differs, "seeds 42 and 43 gave the same stream");
}

static void moments(void) {
  wg_rng r;
  wg_rng_seed(&r, 7);
  enum { n = 200000 };
  static float x[n];
  wg_rng_fill_normal(&r, x, n, 1.0f, 2.0f);
  double m = 0, v = 0;
  for (int i = 0; i < n; i++) m += x[i];
  m /= n;
  for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  v /= n - 1;
  CHECK_CLOSE(m, 1.0, 0.03, 0);
  CHECK_CLOSE(v, 4.0, 0.08, 0);
  wg_rng_fill_uniform(&r, x, n, -1.0f, 3.0f);
  m = 0;
  float lo = 10, hi = -10;
  for (int i = 0; i < n; i++) {
    m += x[i];
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  CHECK_CLOSE(m / n, 1.0, 0.02, 0);
  CHECK(lo >= -1.0f && hi < 3.0f, "uniform out of range: [%g, %g]", lo, hi);
  int counts[5] = {0};
  for (int i = 0; i < 50000; i++) counts[wg_rng_below(&r, 5)]++;
  for (int k = 0; k < 5; k++) CHECK(abs(counts[k] - 10000) < 500, "below(5) bucket %d: %d", k, counts[k]);
}

int main(void) {
  RUN(same_seed_same_stream);
  RUN(moments);
  CHECK_EXIT();
}
