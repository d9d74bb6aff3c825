/* The direct loops of the small-K convolutions (K = C*KH*KW <= WG_CONV_SMALL_K:
 * the first layer, C = 1, 5x5, K = 25), where sgemm reaches only half its
 * speed at such a short inner dimension: each sample is unfolded on its own
 * (col[K, P] stays in L1) and register-blocked loops compute y and col
 * straight from/to NCHW, and dw as dot products over P.
 *
 * Written for 16 lanes, so compiled for AVX-512 only (the pragma below) and
 * called only when wg_isa_active() says AVX-512 (conv_kernels.c): split into
 * 256- or 128-bit halves the accumulators no longer fit the registers, and
 * oneDNN is 10-20x faster there (docs/conv.md). */
#include "core/conv_small_k.h"

#include <string.h>

#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")

/* GCC's vector extension (not intrinsics) for the direct loops below. */
typedef float vf16 __attribute__((vector_size(64)));
typedef float vf16u __attribute__((vector_size(64), aligned(4), may_alias));
typedef int vi16 __attribute__((vector_size(64)));

/* The unfolded rows of one sample for the direct loops. With stride sh, taps
 * (c, kh, kw) and (c, kh + sh, kw) read the same gather shifted by one output
 * row, so one block e[OH + (KH-1-a)/sh, OW] per (c, a = kh % sh, kw) serves
 * them all: row k of col(K x P) is at e + coff[k] (2.3x fewer loads than
 * im2col for 5x5 stride 2). e fits in col[K, P]: (KH - a)(OH - 1) >= 0.
 * Without pad, only coff is filled. */
void wg_conv_small_shared_col(const wg_conv_geom *g, const float *pad, float *e, long *coff) {
  const int Wp = wg_conv_pad_w(g), OW = g->OW, A = g->sh < g->KH ? g->sh : g->KH;
  const long plane = (long)wg_conv_pad_h(g) * Wp;
  long off = 0;
  for (int c = 0; c < g->C; c++)
    for (int a = 0; a < A; a++) {
      const int rows = g->OH + (g->KH - 1 - a) / g->sh;
      for (int kw = 0; kw < g->KW; kw++) {
        const float *s = pad ? pad + c * plane + a * Wp + kw : NULL;
        float *d = e + off;
        if (pad && g->sw == 2) {
          /* 16 outputs from 32 loaded floats by one even-lane shuffle; reads up
           * to 32 floats past a row and writes up to 15 past it (the next row,
           * rewritten next, or the slack after col) */
          const vi16 even = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
          for (int r = 0; r < rows; r++, d += OW, s += (long)g->sh * Wp)
            for (int j = 0; j < OW; j += 16)
              *(vf16u *)(d + j) = __builtin_shuffle(*(const vf16u *)(s + 2 * j),
                                                    *(const vf16u *)(s + 2 * j + 16), even);
        } else if (pad) {
          for (int r = 0; r < rows; r++, d += OW, s += (long)g->sh * Wp)
            for (int ow = 0; ow < OW; ow++) d[ow] = s[ow * g->sw];
        }
        for (int kh = a; kh < g->KH; kh += g->sh)
          coff[(c * g->KH + kh) * g->KW + kw] = off + (long)(kh / g->sh) * OW;
        off += (long)rows * OW;
      }
    }
}

/* ---- Direct loops for small K ----
 * The vector types hold the accumulators in registers; plain loops are not
 * register-blocked by -O2, and ISO C mode turns off FMA contraction,
 * which the pragma below turns back on for these loops only. */
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")


/* c[MR, 16*NV] (row stride ldc) = a(MR x ni) b(ni x 16*NV), with a(r, i) =
 * a[r*am + i*ai] and row i of b at b + i*ldb, or at b + boff[i] when TAB.
 * MR <= 8, NV <= 2: up to 16 accumulators. */
static inline __attribute__((always_inline)) void bcast_block(int MR, int NV, int TAB, int ni,
                                                              const float *a, long am, long ai,
                                                              const float *b, long ldb,
                                                              const long *boff, float *c,
                                                              long ldc) {
  vf16 acc[8][2];
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[r][v] = (vf16){0};
  for (int i = 0; i < ni; i++) {
    const float *bi = TAB ? b + boff[i] : b + i * ldb;
    vf16 bv[2];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) bv[v] = *(const vf16u *)(bi + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
      const float ar = a[r * am + i * ai];
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[r][v] += ar * bv[v];
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) *(vf16u *)(c + r * ldc + 16 * v) = acc[r][v];
}

/* bcast_block with MR, NV and TAB (boff != NULL) known at compile time. */
static void bcast_rows(int MR, int NV, int ni, const float *a, long am, long ai, const float *b,
                       long ldb, const long *boff, float *c, long ldc) {
#define WG_BC(mr)                                                                   \
  case mr:                                                                          \
    if (boff && NV == 1) bcast_block(mr, 1, 1, ni, a, am, ai, b, ldb, boff, c, ldc);  \
    else if (boff) bcast_block(mr, 2, 1, ni, a, am, ai, b, ldb, boff, c, ldc);        \
    else if (NV == 1) bcast_block(mr, 1, 0, ni, a, am, ai, b, ldb, boff, c, ldc);     \
    else bcast_block(mr, 2, 0, ni, a, am, ai, b, ldb, boff, c, ldc);                  \
    break;
  switch (MR) {
    WG_BC(1) WG_BC(2) WG_BC(3) WG_BC(4) WG_BC(5) WG_BC(6) WG_BC(7) WG_BC(8)
  }
#undef WG_BC
}

/* c[M, width] (row stride ldc) = a(M x ni) b(ni x width), a(r, i) = a[r*am +
 * i*ai], row i of b at b + i*ldb or, given boff, at b + boff[i]. Columns in
 * blocks of 32; a ragged last block is computed as the 16 or 32 columns ending
 * at `width` (the overlap is recomputed by the same operations, so rewritten
 * with the same values; 16 < width < 32 takes two blocks of 16), or, when
 * width < 16, through the zero-padded copy tb[ni, 16] and a local c block.
 * Rows in ceil(M/8) blocks of near-equal height. */
void wg_conv_small_gemm(int M, int ni, int width, const float *a, long am, long ai, const float *b,
                       long ldb, const long *boff, float *c, long ldc, float *tb) {
  const int nrb = (M + 7) / 8;
  if (width < 16) {
    float ct[8 * 16];
    for (int i = 0; i < ni; i++) {
      const float *bi = boff ? b + boff[i] : b + i * ldb;
      for (int j = 0; j < 16; j++) tb[i * 16 + j] = j < width ? bi[j] : 0;
    }
    for (int rb = 0, r0 = 0; rb < nrb; rb++) {
      const int mr = (M - r0 + nrb - rb - 1) / (nrb - rb);
      bcast_rows(mr, 1, ni, a + r0 * am, am, ai, tb, 16, NULL, ct, 16);
      for (int r = 0; r < mr; r++)
        for (int j = 0; j < width; j++) c[(r0 + r) * ldc + j] = ct[r * 16 + j];
      r0 += mr;
    }
    return;
  }
  for (int j0 = 0, js, nv; j0 < width; j0 = js + 16 * nv) {
    const int m = width - j0 < 32 ? width - j0 : 32;
    nv = m > 16 && (m == 32 || width >= 32) ? 2 : 1;
    js = m == 16 * nv || (m > 16 && nv == 1) ? j0 : width - 16 * nv;
    for (int rb = 0, r0 = 0; rb < nrb; rb++) {
      const int mr = (M - r0 + nrb - rb - 1) / (nrb - rb);
      bcast_rows(mr, nv, ni, a + r0 * am, am, ai, b + js, ldb, boff, c + r0 * ldc + js, ldc);
      r0 += mr;
    }
  }
}

/* acc[o][k] += (dy row o & keep) * col row k, one vector each: dy rows at
 * dy + o*ds, col rows at col + coff[k]. */
static inline __attribute__((always_inline)) void dot_step(int OR, int KR, vf16 acc[4][5],
                                                           const float *dy, long ds,
                                                           const float *col, const long *coff,
                                                           const vi16 *keep) {
  vf16 d[4], x[5];
#pragma GCC unroll 4
  for (int o = 0; o < OR; o++) d[o] = (vf16)((vi16) * (const vf16u *)(dy + o * ds) & *keep);
#pragma GCC unroll 5
  for (int k = 0; k < KR; k++) x[k] = *(const vf16u *)(col + coff[k]);
#pragma GCC unroll 4
  for (int o = 0; o < OR; o++)
#pragma GCC unroll 5
    for (int k = 0; k < KR; k++) acc[o][k] += d[o] * x[k];
}

/* dwv[OR rows of stride K, KR, 16] += lane-wise sums over p of dy[o][p] col[k][p]:
 * nvec full vectors (dy rows at dy + o*ldd, col rows at col + coff[k]), then,
 * if tail, one more from dyt (row stride ts) and colt + tcoff[k] whose dy lanes
 * are masked by keep (the ragged row ends, or their zero-padded copies).
 * OR <= 4, KR <= 5: 20 accumulators. */
static inline __attribute__((always_inline)) void dot_block(int OR, int KR, int nvec, int tail,
                                                            const float *dy, long ldd,
                                                            const float *col, const long *coff,
                                                            const float *dyt, long ts,
                                                            const float *colt, const long *tcoff,
                                                            const vi16 *keep, float *dwv, int K) {
  vf16 acc[4][5];
#pragma GCC unroll 4
  for (int o = 0; o < OR; o++)
#pragma GCC unroll 5
    for (int k = 0; k < KR; k++) acc[o][k] = *(const vf16u *)(dwv + ((long)o * K + k) * 16);
  const vi16 all = (vi16){0} - 1;
  for (int v = 0; v < nvec; v++) dot_step(OR, KR, acc, dy + 16 * v, ldd, col + 16 * v, coff, &all);
  if (tail) dot_step(OR, KR, acc, dyt, ts, colt, tcoff, keep);
#pragma GCC unroll 4
  for (int o = 0; o < OR; o++)
#pragma GCC unroll 5
    for (int k = 0; k < KR; k++) *(vf16u *)(dwv + ((long)o * K + k) * 16) = acc[o][k];
}

/* dot_block with OR and KR known at compile time. */
static void dot_rows(int OR, int KR, int nvec, int tail, const float *dy, long ldd,
                     const float *col, const long *coff, const float *dyt, long ts,
                     const float *colt, const long *tcoff, const vi16 *keep, float *dwv, int K) {
#define WG_DB(kr)                                                                        \
  case kr:                                                                               \
    switch (OR) {                                                                        \
      case 1:                                                                            \
        dot_block(1, kr, nvec, tail, dy, ldd, col, coff, dyt, ts, colt, tcoff, keep, dwv, K); \
        break;                                                                           \
      case 2:                                                                            \
        dot_block(2, kr, nvec, tail, dy, ldd, col, coff, dyt, ts, colt, tcoff, keep, dwv, K); \
        break;                                                                           \
      case 3:                                                                            \
        dot_block(3, kr, nvec, tail, dy, ldd, col, coff, dyt, ts, colt, tcoff, keep, dwv, K); \
        break;                                                                           \
      default:                                                                           \
        dot_block(4, kr, nvec, tail, dy, ldd, col, coff, dyt, ts, colt, tcoff, keep, dwv, K); \
    }                                                                                    \
    break;
  switch (KR) {
    WG_DB(1) WG_DB(2) WG_DB(3) WG_DB(4) WG_DB(5)
  }
#undef WG_DB
}

/* dwv[OC*K, 16] += lane-wise partial sums of dy[OC, P] col(K x P)^T (one
 * sample; col row k at col + coff[k]). The ragged last r = P % 16 columns: the
 * 16 ending at P with the first 16 - r dy lanes masked off, or, when P < 16,
 * zero-padded copies dy[OC, 16] and col[K, 16] in tb. */
void wg_conv_small_dw(int OC, int K, int P, const float *dy, const float *col, const long *coff,
                     float *dwv, float *tb) {
  const int nvec = P / 16, r = P % 16, tail = r > 0;
  const float *dyt = dy + P - 16, *colt = col + P - 16;
  const long *tcoff = coff;
  long ts = P, ccoff[WG_CONV_SMALL_K];
  vi16 keep;
  for (int j = 0; j < 16; j++) keep[j] = j >= 16 - r ? -1 : 0;
  if (tail && nvec == 0) {
    float *dc = tb, *cc = tb + (long)OC * 16;
    for (int o = 0; o < OC; o++)
      for (int j = 0; j < 16; j++) dc[o * 16 + j] = j < r ? dy[(long)o * P + j] : 0;
    for (int k = 0; k < K; k++) {
      for (int j = 0; j < 16; j++) cc[k * 16 + j] = j < r ? col[coff[k] + j] : 0;
      ccoff[k] = k * 16;
    }
    dyt = dc, colt = cc, tcoff = ccoff, ts = 16;
    keep = (vi16){0} - 1;
  }
  const int nob = (OC + 3) / 4, nkb = (K + 4) / 5;
  for (int ob = 0, o0 = 0; ob < nob; ob++) {
    const int orr = (OC - o0 + nob - ob - 1) / (nob - ob);
    for (int kb = 0, k0 = 0; kb < nkb; kb++) {
      const int kr = (K - k0 + nkb - kb - 1) / (nkb - kb);
      dot_rows(orr, kr, nvec, tail, dy + (long)o0 * P, P, col, coff + k0, dyt + o0 * ts, ts,
               colt, tcoff + k0, &keep, dwv + ((long)o0 * K + k0) * 16, K);
      k0 += kr;
    }
    o0 += orr;
  }
}

/* Adjoint of shared_col: pad[C, Hp, Wp] = col[K, P] folded back. Rows sharing
 * a block are summed into e first (vectors of 16), so that only the blocks,
 * 2.3x fewer values than col for 5x5 stride 2, are scattered into the planes. */
void wg_conv_small_col_adjoint(const wg_conv_geom *g, const float *col, float *e,
                               const long *coff, float *pad) {
  const int Wp = wg_conv_pad_w(g), OW = g->OW, P = g->OH * OW, A = g->sh < g->KH ? g->sh : g->KH;
  const int K = g->C * g->KH * g->KW;
  const long plane = (long)wg_conv_pad_h(g) * Wp;
  long size = 0;
  for (int a = 0; a < A; a++) size += (long)(g->OH + (g->KH - 1 - a) / g->sh) * OW;
  memset(e, 0, sizeof(float) * (size_t)(size * g->C * g->KW));
  for (int k = 0; k < K; k++) {
    const float *s = col + (long)k * P;
    float *d = e + coff[k];
    int p = 0;
    for (; p + 16 <= P; p += 16) *(vf16u *)(d + p) += *(const vf16u *)(s + p);
    for (; p < P; p++) d[p] += s[p];
  }
  memset(pad, 0, sizeof(float) * (size_t)(g->C * plane));
  long off = 0;
  for (int c = 0; c < g->C; c++)
    for (int a = 0; a < A; a++) {
      const int rows = g->OH + (g->KH - 1 - a) / g->sh;
      for (int kw = 0; kw < g->KW; kw++) {
        float *d = pad + c * plane + a * Wp + kw;
        const float *s = e + off;
        if (g->sw == 2) {
          /* 16 inputs, those past the row masked to 0, spread over the even
           * lanes of 32 floats: writes up to 32 floats past a row, adding 0
           * (the next row, or the slack after pad) */
          const vi16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
          const vi16 lo = {0, 16, 1, 16, 2, 16, 3, 16, 4, 16, 5, 16, 6, 16, 7, 16};
          const vi16 hi = lo + 8 - (lane & 1) * 8;
          for (int r = 0; r < rows; r++, s += OW, d += (long)g->sh * Wp)
            for (int j = 0; j < OW; j += 16) {
              const vf16 v = (vf16)((vi16) * (const vf16u *)(s + j) & (lane < OW - j));
              *(vf16u *)(d + 2 * j) += __builtin_shuffle(v, (vf16){0}, lo);
              *(vf16u *)(d + 2 * j + 16) += __builtin_shuffle(v, (vf16){0}, hi);
            }
        } else {
          for (int r = 0; r < rows; r++, s += OW, d += (long)g->sh * Wp)
            for (int ow = 0; ow < OW; ow++) d[ow * g->sw] += s[ow];
        }
        off += (long)rows * OW;
      }
    }
}

#pragma GCC pop_options
