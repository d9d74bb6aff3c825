/* The float matrix product every op and kernel uses: OpenBLAS's sgemm, or
 * oneDNN's where OpenBLAS fell back to kernels below the CPU's vector level
 * (sgemm.c says when). */
#ifndef WGAN_CORE_SGEMM_H
#define WGAN_CORE_SGEMM_H
#include "wgan/base.h"

/* c[m,n] = alpha op(a) op(b) + beta c, row-major; op transposes when ta / tb. */
void wg_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc);
/* 1 when wg_sgemm runs oneDNN's, 0 when OpenBLAS's (WGAN_SGEMM, or the rule). */
int wg_sgemm_is_onednn(void);
/* The rule: 1 (oneDNN's) when OpenBLAS's kernels, by the name
 * openblas_get_corename gives, lack AVX2 while the vector level isa has it. */
int wg_sgemm_rule(const char *openblas_core, wg_isa isa);

#endif
