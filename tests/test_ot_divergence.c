/* JS and KL against values worked by hand; Sinkhorn against the exact solver. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "wgan.h"

static void known_values(void) {
  double p[2] = {1, 0}, q[2] = {0, 1}, r[2] = {3, 1}, s[2] = {1, 1}, v;
  CHECK(wg_js_divergence(p, q, 2, &v) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(v, log(2), 0, 1e-15); /* disjoint supports saturate at log 2 */
  CHECK(wg_js_divergence(p, p, 2, &v) == WG_OK && v == 0, "JS(P, P) = %g", v);
  CHECK(wg_kl_divergence(p, q, 2, &v) == WG_OK && isinf(v) && v > 0, "KL = %g, not +inf", v);
  CHECK(wg_kl_divergence(r, s, 2, &v) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(v, 0.75 * log(1.5) + 0.25 * log(0.5), 0, 1e-15);
  /* unnormalised input is normalised: (6, 2) is (3, 1) */
  double r2[2] = {6, 2};
  CHECK(wg_js_divergence(r, s, 2, &v) == WG_OK, "%s", wg_last_error());
  double v2;
  CHECK(wg_js_divergence(r2, s, 2, &v2) == WG_OK && v == v2, "%g != %g", v, v2);
  double m0 = 0.625, m1 = 0.375;
  CHECK_CLOSE(v, 0.5 * (0.75 * log(0.75 / m0) + 0.25 * log(0.25 / m1)) +
                     0.5 * (0.5 * log(0.5 / m0) + 0.5 * log(0.5 / m1)), 0, 1e-15);
}

static void errors(void) {
  double p[2] = {1, -1}, q[2] = {1, 1}, z[2] = {0, 0}, nan[2] = {NAN, 1}, v;
  CHECK(wg_js_divergence(p, q, 2, &v) == WG_EINVAL, "negative accepted");
  CHECK(wg_js_divergence(z, q, 2, &v) == WG_EINVAL, "all-zero accepted");
  CHECK(wg_kl_divergence(nan, q, 2, &v) == WG_ENUMERIC, "NaN accepted");
}

/* Sinkhorn is above the exact value and approaches it as reg shrinks. */
static void sinkhorn_approaches_exact(void) {
  wg_rng rng;
  wg_rng_seed(&rng, 11);
  int n = 60, m = 45;
  double x[60 * 2], y[45 * 2];
  for (int k = 0; k < n * 2; k++) x[k] = wg_rng_normal(&rng);
  for (int k = 0; k < m * 2; k++) y[k] = wg_rng_normal(&rng) + 1;
  wg_emd_result exact, s1, s2;
  CHECK(wg_emd(x, n, y, m, 2, NULL, NULL, NULL, &exact) == WG_OK, "%s", wg_last_error());
  wg_emd_options o = wg_emd_defaults();
  o.reg = 0.1;
  CHECK(wg_sinkhorn(x, n, y, m, 2, NULL, NULL, &o, &s1) == WG_OK, "%s", wg_last_error());
  o.reg = 0.01;
  CHECK(wg_sinkhorn(x, n, y, m, 2, NULL, NULL, &o, &s2) == WG_OK, "%s", wg_last_error());
  CHECK(s1.distance >= exact.distance - 1e-9 && s2.distance >= exact.distance - 1e-9,
        "below the exact value: %g %g < %g", s1.distance, s2.distance, exact.distance);
  CHECK(s2.distance - exact.distance < s1.distance - exact.distance, "no closer with smaller reg");
  CHECK(s2.distance - exact.distance < 0.02 * exact.distance, "reg 0.01: %g vs %g", s2.distance,
        exact.distance);
  o.max_iter = 2;
  o.reg = 0.001;
  wg_emd_result s3;
  CHECK(wg_sinkhorn(x, n, y, m, 2, NULL, NULL, &o, &s3) == WG_ELIMIT, "limit reached, no error");
}

int main(void) {
  printf("seed 11\n");
  RUN(known_values);
  RUN(errors);
  RUN(sinkhorn_approaches_exact);
  CHECK_EXIT();
}
