/* The direct loops of small-K convolutions (conv_small_k.c), one set per
 * vector level that has them. */
#ifndef WGAN_CORE_CONV_SMALL_K_H
#define WGAN_CORE_CONV_SMALL_K_H
#include "core/conv_kernels.h"
#include "wgan/base.h"

/* K = C*KH*KW up to which the direct loops replace sgemm (docs/conv.md). */
#ifndef WG_CONV_SMALL_K
#define WG_CONV_SMALL_K 64
#endif

/* Floats past col, pad and eb that the stride-2 vector loops may touch. */
enum { WG_CONV_SMALL_SLACK = 32 };

typedef struct {
  int lanes; /* L: the width of dw's lane-wise partial sums and of tb's rows */
  /* The unfolded rows of one sample from its padded planes into e, row k of
   * col(K x P) at e + coff[k]; with pad NULL only coff is filled. */
  void (*shared_col)(const wg_conv_geom *g, const float *pad, float *e, long *coff);
  /* c[M, width] = a(M x ni) b(ni x width), a(r, i) = a[r*am + i*ai], row i of b
   * at b + i*ldb or, given boff, at b + boff[i]; tb: scratch of ni x L floats. */
  void (*gemm)(int M, int ni, int width, const float *a, long am, long ai, const float *b, long ldb,
               const long *boff, float *c, long ldc, float *tb);
  /* dwv[OC*K, L] += lane-wise partial sums of dy[OC, P] col(K x P)^T. */
  void (*dw)(int OC, int K, int P, const float *dy, const float *col, const long *coff, float *dwv, float *tb);
  /* The adjoint of shared_col: pad[C, Hp, Wp] = col[K, P] folded back. */
  void (*col_adjoint)(const wg_conv_geom *g, const float *col, float *e, const long *coff, float *pad);
} wg_conv_small_ops;

/* The direct loops compiled for isa (call them only where wg_isa_active()
 * allows it), or NULL below AVX2. */
const wg_conv_small_ops *wg_conv_small_for(wg_isa isa);

#endif
