/* The toy distributions of the WGAN-GP reference (gan_toy.py) and the two
 * 1-D Gaussians of the article's Figure 1. */
#include "wgan/data.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

/* The reference divides the points by these after adding the noise. */
#define SCALE_8 1.414
#define SCALE_25 2.828
#define SCALE_ROLL 7.5
#define STD_8 0.02
#define STD_25 0.05
#define STD_ROLL 0.25

/* Centres before the final scaling. */
static const double centres8_raw[8][2] = {
    {2, 0}, {-2, 0}, {0, 2}, {0, -2},
    {M_SQRT2, M_SQRT2}, {M_SQRT2, -M_SQRT2}, {-M_SQRT2, M_SQRT2}, {-M_SQRT2, -M_SQRT2}};

/* The centres after the scaling, for wg_toy_centres. */
#define S8(a, b) {(float)((a) / SCALE_8), (float)((b) / SCALE_8)}
static const float centres8[8][2] = {
    S8(2, 0), S8(-2, 0), S8(0, 2), S8(0, -2),
    S8(M_SQRT2, M_SQRT2), S8(M_SQRT2, -M_SQRT2), S8(-M_SQRT2, M_SQRT2), S8(-M_SQRT2, -M_SQRT2)};
#define S25(i, j) {(float)(2 * (i) / SCALE_25), (float)(2 * (j) / SCALE_25)}
#define ROW25(i) S25(i, -2), S25(i, -1), S25(i, 0), S25(i, 1), S25(i, 2)
static const float centres25[25][2] = {ROW25(-2), ROW25(-1), ROW25(0), ROW25(1), ROW25(2)};

static const char *const names[] = {"8gaussians", "25gaussians", "swissroll"};

wg_status wg_toy_from_name(const char *name, wg_toy_kind *kind) {
  for (int i = 0; i < 3; i++)
    if (strcmp(name, names[i]) == 0) {
      *kind = (wg_toy_kind)i;
      return WG_OK;
    }
  return wg_set_error(WG_EINVAL, "unknown toy data set '%s' (8gaussians, 25gaussians, swissroll)",
                      name);
}

const char *wg_toy_name(wg_toy_kind kind) { return names[kind]; }

void wg_toy_sample(wg_toy_kind kind, wg_rng *rng, float *x, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double px, py;
    if (kind == WG_TOY_SWISSROLL) {
      double t = 1.5 * M_PI * (1 + 2 * wg_rng_uniform(rng));
      px = (t * cos(t) + STD_ROLL * wg_rng_normal(rng)) / SCALE_ROLL;
      py = (t * sin(t) + STD_ROLL * wg_rng_normal(rng)) / SCALE_ROLL;
    } else if (kind == WG_TOY_8GAUSSIANS) {
      int k = (int)wg_rng_below(rng, 8);
      px = (centres8_raw[k][0] + STD_8 * wg_rng_normal(rng)) / SCALE_8;
      py = (centres8_raw[k][1] + STD_8 * wg_rng_normal(rng)) / SCALE_8;
    } else {
      int k = (int)wg_rng_below(rng, 25);
      px = (2 * (k / 5 - 2) + STD_25 * wg_rng_normal(rng)) / SCALE_25;
      py = (2 * (k % 5 - 2) + STD_25 * wg_rng_normal(rng)) / SCALE_25;
    }
    x[2 * i] = (float)px;
    x[2 * i + 1] = (float)py;
  }
}

int wg_toy_centres(wg_toy_kind kind, const float **centres, float *std) {
  switch (kind) {
    case WG_TOY_8GAUSSIANS:
      *centres = &centres8[0][0];
      *std = (float)(STD_8 / SCALE_8);
      return 8;
    case WG_TOY_25GAUSSIANS:
      *centres = &centres25[0][0];
      *std = (float)(STD_25 / SCALE_25);
      return 25;
    default:
      *centres = NULL;
      *std = 0;
      return 0;
  }
}

wg_status wg_gauss1d_sample(const wg_gauss1d *g, wg_rng *rng, float *x, int64_t n) {
  if (!(g->std[0] >= 0 && g->std[1] >= 0 && g->weight0 >= 0 && g->weight0 <= 1))
    return wg_set_error(WG_EINVAL, "gaussians1d: need std >= 0 and 0 <= weight <= 1 (got %g, %g, %g)",
                        g->std[0], g->std[1], g->weight0);
  for (int64_t i = 0; i < n; i++) {
    int k = wg_rng_uniform(rng) < g->weight0 ? 0 : 1;
    x[i] = (float)(g->mean[k] + g->std[k] * wg_rng_normal(rng));
  }
  return WG_OK;
}
