/* Debian's OpenBLAS picks its kernels by the CPU's model number, and a model
 * it does not know gets its oldest x86-64 kernels: OpenBLAS 0.3.21 runs
 * "Prescott" (SSE3) on an Intel Xeon of family 6 model 207, at a fifth of
 * the sgemm rate of the same library told OPENBLAS_CORETYPE=SkylakeX (31
 * against 150 GFLOP/s on one thread, bench/bench_ops). oneDNN's sgemm picks
 * its code by the CPU's feature bits, so it cannot be misled that way (it
 * ran at 131-161 GFLOP/s there). The rule, fixed at the first call: oneDNN's
 * sgemm when OpenBLAS's kernels lack AVX2 while our vector level (the CPU's,
 * capped by ONEDNN_MAX_CPU_ISA) has it; OpenBLAS's otherwise, as measured on
 * the CPUs it knows (docs/performance.md). WGAN_SGEMM=openblas or onednn
 * overrides the rule: for side-by-side benchmarks, for the tests of the
 * library the rule does not pick on the machine at hand, and for the wgan
 * tool, which runs itself again with OpenBLAS told the right kernels (for
 * its double products, wg_openblas_coretype_wanted) and keeps the float ones
 * on oneDNN's sgemm, still the faster there. */
#include "core/sgemm.h"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>

/* OpenBLAS's x86-64 kernels with AVX2 or AVX-512 (its names for them). */
static int openblas_has_avx2(const char *core) {
  static const char *const wide[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"};
  for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
    if (!strcasecmp(core, wide[i])) return 1;
  return 0;
}

static int use_dnnl;
static pthread_once_t once = PTHREAD_ONCE_INIT;

int wg_sgemm_rule(const char *openblas_core, wg_isa isa) {
  return isa >= WG_ISA_AVX2 && openblas_core && !openblas_has_avx2(openblas_core);
}

static void decide(void) {
  const char *force = getenv("WGAN_SGEMM");
  if (force && !strcasecmp(force, "onednn")) use_dnnl = 1;
  else if (force && !strcasecmp(force, "openblas")) use_dnnl = 0;
  else use_dnnl = wg_sgemm_rule(openblas_get_corename(), wg_isa_active());
}

const char *wg_openblas_coretype_wanted(void) {
  if (getenv("OPENBLAS_CORETYPE")) return NULL;
  const wg_isa isa = wg_isa_active();
  if (!wg_sgemm_rule(openblas_get_corename(), isa)) return NULL;
  return isa == WG_ISA_AVX512 ? "SkylakeX" : "Haswell";
}

int wg_sgemm_is_onednn(void) {
  pthread_once(&once, decide);
  return use_dnnl;
}

const char *wg_sgemm_library(void) { return wg_sgemm_is_onednn() ? "oneDNN" : "OpenBLAS"; }

const char *wg_openblas_kernels(void) { return openblas_get_corename(); }

void wg_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc) {
  if (wg_sgemm_is_onednn())
    dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a,
                lda, b, ldb, beta, c, ldc);
}
