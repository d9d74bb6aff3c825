/* wg_sgemm, whichever library the rule (or WGAN_SGEMM) picks, against a
 * direct loop in double: every transpose, alpha and beta (accumulation into
 * C), leading dimensions wider than the rows. tests/run.sh runs it again
 * with WGAN_SGEMM=onednn and openblas, so that the library the rule does not
 * pick here is checked too. And the rule itself on OpenBLAS's core names. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/sgemm.h"
#include "wgan.h"

static wg_rng rng;

static void every_transpose(void) {
  printf("# sgemm: %s\n", wg_sgemm_library());
  const int m = 23, n = 41, k = 67, pad = 5;
  float a[(67 + 5) * (67 + 5)], b[(67 + 5) * (67 + 5)], c[23 * (41 + 5)], c0[23 * (41 + 5)];
  wg_rng_fill_normal(&rng, a, sizeof a / sizeof *a, 0, 1);
  wg_rng_fill_normal(&rng, b, sizeof b / sizeof *b, 0, 1);
  wg_rng_fill_normal(&rng, c0, sizeof c0 / sizeof *c0, 0, 1);
  const float alpha = 0.75f, beta[2] = {0.0f, -1.5f};
  const int ldc = n + pad;
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      for (int q = 0; q < 2; q++) {
        const int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad;
        memcpy(c, c0, sizeof c);
        wg_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta[q], c, ldc);
        double worst = 0;
        for (int i = 0; i < m; i++)
          for (int j = 0; j < n; j++) {
            double s = 0, mag = fabs(beta[q] * c0[i * ldc + j]);
            for (int p = 0; p < k; p++) {
              const double t = (double)a[ta ? p * lda + i : i * lda + p] * b[tb ? j * ldb + p : p * ldb + j];
              s += t, mag += fabs(alpha * t);
            }
            const double want = alpha * s + beta[q] * c0[i * ldc + j];
            worst = fmax(worst, fabs(c[i * ldc + j] - want) / mag);
          }
        CHECK(worst < 1e-5, "ta %d tb %d beta %g: off by %g of the terms' magnitude", ta, tb, beta[q], worst);
        /* The padding past each row of C is left alone. */
        for (int i = 0; i < m; i++)
          for (int j = n; j < ldc; j++) CHECK(c[i * ldc + j] == c0[i * ldc + j], "C[%d][%d] written", i, j);
      }
}

static void rule_on_core_names(void) {
  CHECK(wg_sgemm_rule("Prescott", WG_ISA_AVX512), "OpenBLAS's SSE3 kernels on an AVX-512 CPU kept");
  CHECK(wg_sgemm_rule("Sandybridge", WG_ISA_AVX2), "OpenBLAS's AVX kernels on an AVX2 CPU kept");
  CHECK(!wg_sgemm_rule("SkylakeX", WG_ISA_AVX512), "OpenBLAS's AVX-512 kernels replaced");
  CHECK(!wg_sgemm_rule("Haswell", WG_ISA_AVX2), "OpenBLAS's AVX2 kernels replaced");
  CHECK(!wg_sgemm_rule("Zen", WG_ISA_AVX512), "OpenBLAS's Zen kernels replaced");
  CHECK(!wg_sgemm_rule("Nehalem", WG_ISA_BASELINE), "replaced below AVX2, where oneDNN is no faster");
  CHECK(!wg_sgemm_rule(NULL, WG_ISA_AVX512), "replaced without a core name");
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(every_transpose);
  RUN(rule_on_core_names);
  CHECK_EXIT();
}
