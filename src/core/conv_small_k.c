/* The direct loops of the small-K convolutions (K = C*KH*KW <= WG_CONV_SMALL_K:
 * the first layer, C = 1, 5x5, K = 25), where sgemm reaches only half its
 * speed at such a short inner dimension: each sample is unfolded on its own
 * (col[K, P] stays in L1) and register-blocked loops compute y and col
 * straight from/to NCHW, and dw as dot products over P.
 *
 * One body (conv_small_k.inc) compiled twice: 16 lanes for AVX-512 (32
 * registers of 512 bits) and 8 lanes for AVX2 + FMA (16 of 256 bits), each
 * with blocks that fit its registers; the caller picks one by wg_isa_active()
 * (conv_kernels.c). Below AVX2 there is none: conv_path.c sends small K to
 * oneDNN. GCC's vector extension (no intrinsics); ISO C mode turns off FMA
 * contraction, which the optimize pragma turns back on for these loops. */
#include "core/conv_small_k.h"

#include <string.h>

#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#define L 16
typedef float vf16 __attribute__((vector_size(64)));
typedef float vf16u __attribute__((vector_size(64), aligned(4), may_alias));
typedef int vi16 __attribute__((vector_size(64)));
#define VF vf16
#define VFU vf16u
#define VI vi16
#define MR_MAX 8
#define OR_MAX 4
#define KR_MAX 5
#define EVEN_LANES {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}
#define LANE_INDEX {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
#define SPREAD_LOW {0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16}
#define NAME(x) x##_avx512
#include "core/conv_small_k.inc"
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#pragma GCC target("avx2,fma")
#define L 8
typedef float vf8 __attribute__((vector_size(32)));
typedef float vf8u __attribute__((vector_size(32), aligned(4), may_alias));
typedef int vi8 __attribute__((vector_size(32)));
#define VF vf8
#define VFU vf8u
#define VI vi8
#define MR_MAX 6
#define OR_MAX 3
#define KR_MAX 3
#define EVEN_LANES {0, 2, 4, 6, 8, 10, 12, 14}
#define LANE_INDEX {0, 1, 2, 3, 4, 5, 6, 7}
#define SPREAD_LOW {0, 8, 1, 8, 2, 8, 3, 8}
#define NAME(x) x##_avx2
#include "core/conv_small_k.inc"
#pragma GCC pop_options

static const wg_conv_small_ops avx512 = {16, shared_col_avx512, gemm_avx512, dw_avx512, col_adjoint_avx512};
static const wg_conv_small_ops avx2 = {8, shared_col_avx2, gemm_avx2, dw_avx2, col_adjoint_avx2};

const wg_conv_small_ops *wg_conv_small_for(wg_isa isa) {
  return isa == WG_ISA_AVX512 ? &avx512 : isa == WG_ISA_AVX2 ? &avx2 : NULL;
}
