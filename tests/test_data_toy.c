/* Toy distributions: every point near its centre with the reference's std,
 * centres used evenly, the swiss roll's radius range; the 1-D mixture. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "wgan.h"

enum { N = 40000 };
static float x[2 * N];

/* Assigns each point to the nearest centre and checks the per-component
 * counts and the std of the offsets against the expected values (written
 * here from gan_toy.py of the WGAN-GP reference code, igul222/improved_wgan_training,
 * not taken from the library). */
static void check_mixture(wg_toy_kind kind, int k_expect, double scale, double raw_std,
                          const double (*raw)[2]) {
  const float *c;
  float std;
  int k = wg_toy_centres(kind, &c, &std);
  CHECK(k == k_expect, "%d centres", k);
  CHECK_CLOSE(std, raw_std / scale, 1e-6, 0);
  for (int j = 0; j < k; j++) {
    CHECK_CLOSE(c[2 * j], raw[j][0] / scale, 1e-6, 0);
    CHECK_CLOSE(c[2 * j + 1], raw[j][1] / scale, 1e-6, 0);
  }
  wg_rng r;
  wg_rng_seed(&r, 1234);
  printf("seed 1234\n");
  wg_toy_sample(kind, &r, x, N);
  int count[25] = {0};
  double ss = 0, far = 0;
  for (int i = 0; i < N; i++) {
    int best = 0;
    double bd = 1e30;
    for (int j = 0; j < k; j++) {
      double dx = x[2 * i] - raw[j][0] / scale, dy = x[2 * i + 1] - raw[j][1] / scale;
      if (dx * dx + dy * dy < bd) bd = dx * dx + dy * dy, best = j;
    }
    count[best]++;
    ss += bd;
    if (sqrt(bd) > 6 * raw_std / scale) far++;
  }
  double sd = sqrt(ss / (2.0 * N));
  CHECK_CLOSE(sd, raw_std / scale, 0, 0.03);
  CHECK(far == 0, "%g points beyond 6 std of every centre", far);
  for (int j = 0; j < k; j++)
    CHECK(fabs(count[j] - (double)N / k) < 5 * sqrt((double)N / k), "centre %d got %d points", j, count[j]);
}

static void gaussians8(void) {
  double s = sqrt(2.0);
  const double raw[8][2] = {{2, 0}, {-2, 0}, {0, 2}, {0, -2}, {s, s}, {s, -s}, {-s, s}, {-s, -s}};
  check_mixture(WG_TOY_8GAUSSIANS, 8, 1.414, 0.02, raw);
}

static void gaussians25(void) {
  double raw[25][2];
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 5; j++) raw[5 * i + j][0] = 2 * (i - 2), raw[5 * i + j][1] = 2 * (j - 2);
  check_mixture(WG_TOY_25GAUSSIANS, 25, 2.828, 0.05, (const double(*)[2])raw);
}

/* Radius of (t cos t, t sin t) is t in [1.5 pi, 4.5 pi], noise 0.25, / 7.5. */
static void swissroll(void) {
  const float *c;
  float std;
  CHECK(wg_toy_centres(WG_TOY_SWISSROLL, &c, &std) == 0 && c == NULL, "swiss roll has centres");
  wg_rng r;
  wg_rng_seed(&r, 99);
  printf("seed 99\n");
  wg_toy_sample(WG_TOY_SWISSROLL, &r, x, N);
  double lo = 1e9, hi = 0, mean_r = 0;
  for (int i = 0; i < N; i++) {
    double rad = hypot(x[2 * i], x[2 * i + 1]) * 7.5;
    lo = fmin(lo, rad);
    hi = fmax(hi, rad);
    mean_r += rad / N;
  }
  CHECK(lo > 1.5 * M_PI - 1.5 && lo < 1.5 * M_PI + 0.1, "min radius %g", lo);
  CHECK(hi < 4.5 * M_PI + 1.5 && hi > 4.5 * M_PI - 0.1, "max radius %g", hi);
  CHECK_CLOSE(mean_r, 3 * M_PI, 0.1, 0); /* t is uniform on [1.5 pi, 4.5 pi] */
}

static void names(void) {
  wg_toy_kind k;
  CHECK(wg_toy_from_name("25gaussians", &k) == WG_OK && k == WG_TOY_25GAUSSIANS, "25gaussians");
  CHECK(strcmp(wg_toy_name(WG_TOY_SWISSROLL), "swissroll") == 0, "name");
  CHECK(wg_toy_from_name("9gaussians", &k) == WG_EINVAL && strstr(wg_last_error(), "9gaussians"), "bad name");
}

static void same_seed_same_points(void) {
  static float a[200], b[200];
  wg_rng r1, r2;
  wg_rng_seed(&r1, 3);
  wg_rng_seed(&r2, 3);
  wg_toy_sample(WG_TOY_8GAUSSIANS, &r1, a, 100);
  wg_toy_sample(WG_TOY_8GAUSSIANS, &r2, b, 100);
  CHECK(memcmp(a, b, sizeof a) == 0, "same seed, different points");
}

static void gauss1d(void) {
  wg_gauss1d g = {.mean = {-1.0, 3.0}, .std = {0.5, 2.0}, .weight0 = 0.25};
  wg_rng r;
  wg_rng_seed(&r, 8);
  printf("seed 8\n");
  CHECK(wg_gauss1d_sample(&g, &r, x, N) == WG_OK, "%s", wg_last_error());
  /* mixture mean 0.25(-1) + 0.75(3) = 2; variance E[x^2] - 4 with
   * E[x^2] = 0.25(1 + 0.25) + 0.75(9 + 4) = 10.0625, so var = 6.0625. */
  double m = 0, v = 0;
  for (int i = 0; i < N; i++) m += x[i] / N;
  for (int i = 0; i < N; i++) v += (x[i] - m) * (x[i] - m) / (N - 1);
  CHECK_CLOSE(m, 2.0, 0.05, 0);
  CHECK_CLOSE(v, 6.0625, 0, 0.04);
  g.weight0 = 1.0;
  CHECK(wg_gauss1d_sample(&g, &r, x, N) == WG_OK, "single Gaussian");
  m = 0;
  for (int i = 0; i < N; i++) m += x[i] / N;
  CHECK_CLOSE(m, -1.0, 0.02, 0);
  g.std[1] = -1;
  CHECK(wg_gauss1d_sample(&g, &r, x, 10) == WG_EINVAL, "negative std accepted");
}

int main(void) {
  RUN(gaussians8);
  RUN(gaussians25);
  RUN(swissroll);
  RUN(names);
  RUN(same_seed_same_points);
  RUN(gauss1d);
  CHECK_EXIT();
}
