/* Mode coverage on the 2-D mixtures: which centres get samples (those in
 * their cell), and how many samples are sharp ones (within 3 sigma of a centre). */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"

wg_status wg_eval_modes(wg_toy_kind kind, const float *x, int64_t n, int64_t min_count,
                        wg_mode_coverage *out) {
  const float *c;
  float std;
  int k = wg_toy_centres(kind, &c, &std);
  if (k == 0) return wg_set_error(WG_EINVAL, "eval: %s has no modes", wg_toy_name(kind));
  if (!x || n < 1) return wg_set_error(WG_EINVAL, "eval: need n >= 1 points");
  memset(out, 0, sizeof *out);
  out->n_modes = k;
  out->min_count = min_count > 0 ? min_count : (int64_t)fmax(1.0, round(0.2 * (double)n / k));
  double r2 = 9.0 * (double)std * std;
  /* A centre's cell: the points closer to it than half the smallest spacing of the centres. */
  double spacing2 = INFINITY;
  for (int a = 0; a < k; a++)
    for (int b = a + 1; b < k; b++) {
      double dx = (double)c[2 * a] - c[2 * b], dy = (double)c[2 * a + 1] - c[2 * b + 1];
      spacing2 = fmin(spacing2, dx * dx + dy * dy);
    }
  const double cell2 = spacing2 / 4;
  int64_t near = 0;
  for (int64_t i = 0; i < n; i++) {
    int best = 0;
    double bd = INFINITY;
    for (int j = 0; j < k; j++) {
      double dx = (double)x[2 * i] - c[2 * j], dy = (double)x[2 * i + 1] - c[2 * j + 1];
      double d2 = dx * dx + dy * dy;
      if (d2 < bd) bd = d2, best = j;
    }
    if (bd <= cell2) out->counts[best]++; /* NaN points never count */
    if (bd <= r2) near++;
  }
  for (int j = 0; j < k; j++) out->covered += out->counts[j] >= out->min_count;
  out->share_near = (double)near / (double)n;
  return WG_OK;
}
