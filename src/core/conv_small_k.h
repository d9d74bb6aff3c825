/* The direct loops of small-K convolutions (conv_small_k.c), compiled for
 * AVX-512: call them only when wg_isa_active() is WG_ISA_AVX512. */
#ifndef WGAN_CORE_CONV_SMALL_K_H
#define WGAN_CORE_CONV_SMALL_K_H
#include "core/conv_kernels.h"

/* K = C*KH*KW up to which the direct loops replace sgemm (docs/conv.md). */
#ifndef WG_CONV_SMALL_K
#define WG_CONV_SMALL_K 64
#endif

/* The unfolded rows of one sample from its padded planes into e, row k of
 * col(K x P) at e + coff[k]; with pad NULL only coff is filled. */
void wg_conv_small_shared_col(const wg_conv_geom *g, const float *pad, float *e, long *coff);
/* c[M, width] = a(M x ni) b(ni x width), a(r, i) = a[r*am + i*ai], row i of b at
 * b + i*ldb or, given boff, at b + boff[i]; tb: scratch of ni x 16 floats. */
void wg_conv_small_gemm(int M, int ni, int width, const float *a, long am, long ai, const float *b,
                        long ldb, const long *boff, float *c, long ldc, float *tb);
/* dwv[OC*K, 16] += lane-wise partial sums of dy[OC, P] col(K x P)^T. */
void wg_conv_small_dw(int OC, int K, int P, const float *dy, const float *col, const long *coff,
                      float *dwv, float *tb);
/* Adjoint of wg_conv_small_shared_col: pad[C, Hp, Wp] = col[K, P] folded back. */
void wg_conv_small_col_adjoint(const wg_conv_geom *g, const float *col, float *e, const long *coff,
                               float *pad);

#endif
