/* Convolution as im2col + sgemm on chunks of samples, and its two adjoints.
 *
 * A chunk of nb samples is unfolded into col[K, nb*P] (K = C*KH*KW rows in
 * (c,kh,kw) order, P = OH*OW columns per sample, samples side by side), so one
 * gemm with a wide N dimension serves the chunk: per-sample gemms are too thin
 * for the deep layers (P = 16 at 4x4). The gemm result Y[OC, nb*P] is moved
 * to/from NCHW by contiguous copies of P floats, far cheaper than the gemm.
 *
 * The input is first copied into zero-padded planes, so that each row of col
 * is one branch-free gather through a table of offsets (and each row of the
 * adjoint one conflict-free scatter): short strided rows (OW = 7) made the
 * bounds-checked copy cost a third of the time.
 *
 * Threads: each OpenMP thread takes whole chunks (pad, unfold, gemm, fold)
 * with OpenBLAS held to one thread meanwhile, so that OpenBLAS's pthread pool
 * never runs beside OpenMP's team: each spin-waits on the cores the other
 * needs (measured 2-3x slower on 2 cores; docs/conv.md). Chunks of a few MiB
 * keep the gemm wide enough and col mostly in cache.
 *
 * Small K = C*KH*KW (the first layer: C = 1, 5x5, K = 25) skips sgemm, which
 * reaches only half its speed at such a short inner dimension: each sample is
 * unfolded on its own (col[K, P] stays in L1) and register-blocked loops
 * compute y and col straight from/to NCHW, and dw as dot products over P. */
#include "core/conv_kernels.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

/* Target floats of col + Y per chunk (4 MiB; 1 to 8 MiB measured within 5 %). */
#ifndef WG_CONV_CHUNK_FLOATS
#define WG_CONV_CHUNK_FLOATS ((size_t)1 << 20)
#endif

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* Largest chunk, in samples, that a scratch slot holds. */
static int max_chunk(const wg_conv_geom *g) {
  size_t per = ((size_t)g->C * g->KH * g->KW + g->OC) * g->OH * g->OW;
  size_t nb = per ? WG_CONV_CHUNK_FLOATS / per : (size_t)g->N;
  if (nb < 1) nb = 1;
  if (nb > (size_t)g->N) nb = (size_t)g->N;
  return (int)nb;
}

/* Scratch slots: one per core, so any thread count up to the core count fits. */
static int slots(void) { return omp_get_num_procs(); }

static int team(void) {
  int t = omp_get_max_threads();
  return t < slots() ? t : slots();
}

/* K = C*KH*KW up to which the direct loops replace sgemm (docs/conv.md). */
#ifndef WG_CONV_SMALL_K
#define WG_CONV_SMALL_K 64
#endif

static int small_k(const wg_conv_geom *g) { return g->C * g->KH * g->KW <= WG_CONV_SMALL_K; }

/* Floats past col, pad and eb that the stride-2 vector loops of shared_col
 * and its adjoint may touch (at most 32), for small K. */
static size_t slack(const wg_conv_geom *g) { return small_k(g) ? 32 : 0; }

/* The direct loops' part of a slot: vector partial sums dwv[OC*K, 16],
 * zero-padded copies of ragged column blocks tb[K + OC, 16], and the shared
 * rows eb[K, P] (+ slack) of bwd_data (shared_col). */
static size_t small_floats(const wg_conv_geom *g) {
  size_t K = (size_t)g->C * g->KH * g->KW, P = (size_t)g->OH * g->OW;
  return small_k(g) ? round16((size_t)g->OC * K * 16) + round16((K + g->OC) * 16) +
                          round16(K * P + slack(g))
                    : 0;
}

/* One thread's slot: col[K, nb*P], Y[OC, nb*P], a partial dw[OC, K], padded
 * planes pad[nb*C, Hp, Wp], then the direct loops' part. */
static size_t slot_floats(const wg_conv_geom *g) {
  if (g->OH <= 0 || g->OW <= 0) return 0;
  size_t nb = (size_t)max_chunk(g), P = (size_t)g->OH * g->OW;
  size_t K = (size_t)g->C * g->KH * g->KW;
  size_t pad = nb * g->C * (size_t)((g->OH - 1) * g->sh + g->KH) * ((g->OW - 1) * g->sw + g->KW);
  return round16(K * nb * P + slack(g)) + round16((size_t)g->OC * nb * P) +
         round16((size_t)g->OC * K) + round16(pad + slack(g)) + small_floats(g);
}

size_t wg_conv2d_scratch_floats(const wg_conv_geom *g) { return (size_t)slots() * slot_floats(g); }

/* Samples per chunk for `threads` threads: at most max_chunk, and as many
 * chunks as a multiple of the thread count when the batch allows. */
static int chunk_for(const wg_conv_geom *g, int threads) {
  int cb = max_chunk(g), n = g->N;
  if (n == 0) return 1;
  int chunks = (n + cb - 1) / cb;
  chunks = (chunks + threads - 1) / threads * threads;
  if (chunks > n) chunks = n;
  return (n + chunks - 1) / chunks;
}

/* The window all taps read, from input row -pt and column -pl: Hp x Wp. */
static int pad_h(const wg_conv_geom *g) { return (g->OH - 1) * g->sh + g->KH; }
static int pad_w(const wg_conv_geom *g) { return (g->OW - 1) * g->sw + g->KW; }

/* Output positions handled per index table (a stack array). */
enum { TILE = 512 };

/* idx[i] = offset in a padded plane of tap (0,0) for output position p0 + i. */
static int fill_index(const wg_conv_geom *g, int p0, int *idx) {
  const int P = g->OH * g->OW, m = P - p0 < TILE ? P - p0 : TILE, Wp = pad_w(g);
  int oh = p0 / g->OW, ow = p0 % g->OW;
  for (int i = 0; i < m; i++) {
    idx[i] = oh * g->sh * Wp + ow * g->sw;
    if (++ow == g->OW) ow = 0, oh++;
  }
  return m;
}

/* pad[nb*C, Hp, Wp] = x[nb*C, H, W] shifted by (pt, pl), zero outside the image. */
static void pad_planes(const wg_conv_geom *g, int nb, const float *x, float *pad) {
  const int Hp = pad_h(g), Wp = pad_w(g);
  for (long q = 0; q < (long)nb * g->C; q++) {
    const float *xp = x + q * g->H * g->W;
    float *d = pad + q * Hp * Wp;
    for (int i = 0; i < Hp; i++, d += Wp) {
      int ih = i - g->pt;
      if (ih < 0 || ih >= g->H) {
        memset(d, 0, sizeof(float) * (size_t)Wp);
        continue;
      }
      /* columns [j0, j1) hold the image row, the others are padding */
      const int j0 = g->pl < Wp ? g->pl : Wp;
      const int j1 = g->pl + g->W < Wp ? g->pl + g->W : Wp > j0 ? Wp : j0;
      memset(d, 0, sizeof(float) * (size_t)j0);
      memcpy(d + j0, xp + (long)ih * g->W, sizeof(float) * (size_t)(j1 - j0));
      memset(d + j1, 0, sizeof(float) * (size_t)(Wp - j1));
    }
  }
}

/* dx[nb*C, H, W] = the image part of pad[nb*C, Hp, Wp]; 0 where no tap reads. */
static void unpad_planes(const wg_conv_geom *g, int nb, const float *pad, float *dx) {
  const int Hp = pad_h(g), Wp = pad_w(g);
  for (long q = 0; q < (long)nb * g->C; q++) {
    const float *s = pad + q * Hp * Wp;
    float *d = dx + q * g->H * g->W;
    /* columns iw < Wp - pl were read; the rest, and rows past Hp, were not */
    const int ncopy = Wp - g->pl < 0 ? 0 : Wp - g->pl < g->W ? Wp - g->pl : g->W;
    for (int ih = 0; ih < g->H; ih++, d += g->W) {
      const int i = ih + g->pt, n = i < Hp ? ncopy : 0;
      if (n) memcpy(d, s + (long)i * Wp + g->pl, sizeof(float) * (size_t)n);
      memset(d + n, 0, sizeof(float) * (size_t)(g->W - n));
    }
  }
}

/* col[K, nb*P] from padded planes pad[nb*C, Hp, Wp]: one gather per row. */
static void im2col(const wg_conv_geom *g, int nb, const float *pad, float *col) {
  const int KK = g->KH * g->KW, P = g->OH * g->OW, rows = g->C * KK;
  const long ld = (long)nb * P, plane = (long)pad_h(g) * pad_w(g);
  int idx[TILE];
  for (int p0 = 0; p0 < P; p0 += TILE) {
    const int m = fill_index(g, p0, idx);
    for (int r = 0; r < rows; r++) {
      const int c = r / KK, kh = r % KK / g->KW, kw = r % g->KW;
      for (int n = 0; n < nb; n++) {
        const float *s = pad + ((long)n * g->C + c) * plane + kh * pad_w(g) + kw;
        float *d = col + r * ld + (long)n * P + p0;
#pragma omp simd
        for (int i = 0; i < m; i++) d[i] = s[idx[i]];
      }
    }
  }
}

/* pad[nb*C, Hp, Wp] = col[K, nb*P] folded back (adjoint of im2col). Within one
 * row the taps of distinct outputs hit distinct positions, so the scatter is
 * free of conflicts and vectorises. */
static void col2im(const wg_conv_geom *g, int nb, const float *col, float *pad) {
  const int KK = g->KH * g->KW, P = g->OH * g->OW, rows = g->C * KK;
  const long ld = (long)nb * P, plane = (long)pad_h(g) * pad_w(g);
  int idx[TILE];
  memset(pad, 0, sizeof(float) * (size_t)(nb * g->C * plane));
  for (int p0 = 0; p0 < P; p0 += TILE) {
    const int m = fill_index(g, p0, idx);
    for (int r = 0; r < rows; r++) {
      const int c = r / KK, kh = r % KK / g->KW, kw = r % g->KW;
      for (int n = 0; n < nb; n++) {
        float *d = pad + ((long)n * g->C + c) * plane + kh * pad_w(g) + kw;
        const float *s = col + r * ld + (long)n * P + p0;
#pragma omp simd
        for (int i = 0; i < m; i++) d[idx[i]] += s[i];
      }
    }
  }
}

/* y[nb,OC,P] <- Y[OC, nb*P] (to_nchw), or Y <- y. */
static void move_blocks(const wg_conv_geom *g, int nb, const float *src, float *dst, int to_nchw) {
  const int P = g->OH * g->OW;
  for (int n = 0; n < nb; n++) {
    for (int oc = 0; oc < g->OC; oc++) {
      long a = ((long)n * g->OC + oc) * P, b = ((long)oc * nb + n) * P;
      if (to_nchw) memcpy(dst + a, src + b, sizeof(float) * (size_t)P);
      else memcpy(dst + b, src + a, sizeof(float) * (size_t)P);
    }
  }
}

/* GCC's vector extension (not intrinsics: any target, split where 512-bit
 * registers are missing) for the direct loops below. */
typedef float vf16 __attribute__((vector_size(64)));
typedef float vf16u __attribute__((vector_size(64), aligned(4), may_alias));
typedef int vi16 __attribute__((vector_size(64)));

/* The unfolded rows of one sample for the direct loops. With stride sh, taps
 * (c, kh, kw) and (c, kh + sh, kw) read the same gather shifted by one output
 * row, so one block e[OH + (KH-1-a)/sh, OW] per (c, a = kh % sh, kw) serves
 * them all: row k of col(K x P) is at e + coff[k] (2.3x fewer loads than
 * im2col for 5x5 stride 2). e fits in col[K, P]: (KH - a)(OH - 1) >= 0.
 * Without pad, only coff is filled. */
static void shared_col(const wg_conv_geom *g, const float *pad, float *e, long *coff) {
  const int Wp = pad_w(g), OW = g->OW, A = g->sh < g->KH ? g->sh : g->KH;
  const long plane = (long)pad_h(g) * Wp;
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
static void small_gemm(int M, int ni, int width, const float *a, long am, long ai, const float *b,
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
static void small_dw(int OC, int K, int P, const float *dy, const float *col, const long *coff,
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
static void shared_col_adjoint(const wg_conv_geom *g, const float *col, float *e,
                               const long *coff, float *pad) {
  const int Wp = pad_w(g), OW = g->OW, P = g->OH * OW, A = g->sh < g->KH ? g->sh : g->KH;
  const int K = g->C * g->KH * g->KW;
  const long plane = (long)pad_h(g) * Wp;
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

/* How one call spreads the batch: chunks of cb samples (the last may be
 * shorter) over a team of T threads, each with its own slot of scratch. */
typedef struct {
  const wg_conv_geom *g;
  int K, P, T, cb, chunks, small;
  long xs, ys;                      /* floats of one sample of x, of y */
  size_t slot, ycol, dwoff, padoff; /* floats of a slot; where its Y, dwp, pad start */
} conv_run;

/* The chunking of a call on g, and the layout of a slot (slot_floats). */
static conv_run plan_run(const wg_conv_geom *g) {
  conv_run r = {.g = g, .K = g->C * g->KH * g->KW, .P = g->OH * g->OW, .T = team()};
  r.cb = chunk_for(g, r.T);
  r.chunks = g->N ? (g->N + r.cb - 1) / r.cb : 0;
  r.small = small_k(g);
  r.xs = (long)g->C * g->H * g->W, r.ys = (long)g->OC * r.P;
  r.slot = slot_floats(g);
  r.ycol = round16((size_t)r.K * max_chunk(g) * r.P + slack(g));
  r.dwoff = r.ycol + round16((size_t)g->OC * max_chunk(g) * r.P);
  r.padoff = r.dwoff + round16((size_t)g->OC * r.K);
  return r;
}

/* One thread's slot of the scratch (slot_floats), in its parts. */
typedef struct {
  float *col, *Y, *dwp, *pad; /* col[K, nb*P], Y[OC, nb*P], dwp[OC, K], pad[nb*C, Hp, Wp] */
  float *dwv, *tb, *eb;       /* small K only: dwv[OC*K, 16], tb[K + OC, 16], eb[K, P] */
  long coff[WG_CONV_SMALL_K]; /* small K only: row k of col(K x P) is at col + coff[k] */
} slot_parts;

/* The parts of the slot of the given thread. */
static void slot_at(const conv_run *r, float *scratch, int thread, slot_parts *s) {
  s->col = scratch + r->slot * (size_t)thread, s->Y = s->col + r->ycol;
  s->dwp = s->col + r->dwoff, s->pad = s->col + r->padoff;
  s->dwv = s->tb = s->eb = NULL;
  if (r->small) {
    s->dwv = s->col + r->slot - small_floats(r->g);
    s->tb = s->dwv + round16((size_t)r->g->OC * r->K * 16);
    s->eb = s->tb + round16(((size_t)r->K + r->g->OC) * 16);
    shared_col(r->g, NULL, NULL, s->coff);
  }
}

/* The first sample of chunk ch; *nb gets its number of samples. */
static int chunk_start(const conv_run *r, int ch, int *nb) {
  const int n0 = ch * r->cb;
  *nb = r->g->N - n0 < r->cb ? r->g->N - n0 : r->cb;
  return n0;
}

/* col(K x P) of sample n of x, for the direct loops (shared_col). */
static void unfold_sample(const conv_run *r, slot_parts *s, const float *x, int n) {
  pad_planes(r->g, 1, x + n * r->xs, s->pad);
  shared_col(r->g, s->pad, s->col, s->coff);
}

/* col[K, nb*P] of the nb samples of x from n0 on, for sgemm. */
static void unfold_chunk(const conv_run *r, slot_parts *s, const float *x, int n0, int nb) {
  pad_planes(r->g, nb, x + n0 * r->xs, s->pad);
  im2col(r->g, nb, s->pad, s->col);
}

/* y = conv(x, w) for the samples of chunk ch. Small K goes one sample at a
 * time, so that its col and the ragged blocks stay in L1. */
static void fwd_chunk(const conv_run *r, slot_parts *s, int ch, const float *x, const float *w,
                      float *y) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      unfold_sample(r, s, x, n);
      /* y[n][OC, P] = w[OC, K] col(K x P) */
      small_gemm(g->OC, K, P, w, K, 1, s->col, 0, s->coff, y + n * r->ys, P, s->tb);
    }
    return;
  }
  unfold_chunk(r, s, x, n0, nb);
  /* Y[OC, nb*P] = w[OC, K] col[K, nb*P] */
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->OC, nb * P, K, 1.0f, w, K, s->col,
              nb * P, 0.0f, s->Y, nb * P);
  move_blocks(g, nb, s->Y, y + n0 * r->ys, 1);
}

/* dx = the adjoint in x, from dy and w, for the samples of chunk ch. */
static void bwd_data_chunk(const conv_run *r, slot_parts *s, int ch, const float *dy,
                           const float *w, float *dx) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      /* col[K, P] = w[OC, K]^T dy[n][OC, P] */
      small_gemm(K, g->OC, P, w, 1, K, dy + n * r->ys, P, NULL, s->col, P, s->tb);
      shared_col_adjoint(g, s->col, s->eb, s->coff, s->pad);
      unpad_planes(g, 1, s->pad, dx + n * r->xs);
    }
    return;
  }
  move_blocks(g, nb, dy + n0 * r->ys, s->Y, 0);
  /* col[K, nb*P] = w[OC, K]^T Y[OC, nb*P] */
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, nb * P, g->OC, 1.0f, w, K, s->Y, nb * P,
              0.0f, s->col, nb * P);
  col2im(g, nb, s->col, s->pad);
  unpad_planes(g, nb, s->pad, dx + n0 * r->xs);
}

/* Adds chunk ch's part of the adjoint in w, from x and dy, to this
 * thread's partial sums: dwp, or for small K the lanes dwv. */
static void bwd_weight_chunk(const conv_run *r, slot_parts *s, int ch, const float *x,
                             const float *dy) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      unfold_sample(r, s, x, n);
      small_dw(g->OC, K, P, dy + n * r->ys, s->col, s->coff, s->dwv, s->tb);
    }
    return;
  }
  unfold_chunk(r, s, x, n0, nb);
  move_blocks(g, nb, dy + n0 * r->ys, s->Y, 0);
  /* dwp[OC, K] += Y[OC, nb*P] col[K, nb*P]^T */
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->OC, K, nb * P, 1.0f, s->Y, nb * P, s->col,
              nb * P, 1.0f, s->dwp, K);
}

/* dw[OC, K] by the team, inside its parallel region: each thread sums its
 * own chunks into its partial dw, then the partials are added in thread
 * order. The chunks are assigned statically (the same ones to the same
 * thread at every call), which keeps the partials, so dw and training,
 * bit-reproducible for a given thread count. */
static void bwd_weight_team(const conv_run *r, slot_parts *s, const float *x, const float *dy,
                            float *dw, const float *scratch) {
  const long n = (long)r->g->OC * r->K;
  memset(s->dwp, 0, sizeof(float) * (size_t)n);
  if (r->small) memset(s->dwv, 0, sizeof(float) * (size_t)n * 16);
#pragma omp for schedule(static) nowait
  for (int ch = 0; ch < r->chunks; ch++) bwd_weight_chunk(r, s, ch, x, dy);
  if (r->small) {
    /* this thread's partial dw: the sums over the 16 lanes */
    for (long i = 0; i < n; i++) {
      float sum = 0;
      for (int l = 0; l < 16; l++) sum += s->dwv[i * 16 + l];
      s->dwp[i] = sum;
    }
  }
#pragma omp barrier
  /* dw = sum of the partials, final after the barrier */
  const int nt = omp_get_num_threads();
#pragma omp for schedule(static)
  for (long i = 0; i < n; i++) {
    float sum = 0;
    for (int t = 0; t < nt; t++) sum += scratch[r->slot * (size_t)t + r->dwoff + i];
    dw[i] = sum;
  }
}

enum { FWD, BWD_DATA, BWD_WEIGHT };

/* The three kernels share one driver: chunks of samples spread over the
 * team, each thread choosing its kernel's chunk function once. fwd and
 * bwd_data write disjoint samples, so their chunks go to whichever thread
 * is free (dynamic); bwd_weight's are fixed (bwd_weight_team). */
static void run(int kind, const wg_conv_geom *g, const float *x, const float *w, const float *dy,
                float *out, float *scratch) {
  const conv_run r = plan_run(g);
  if (r.P <= 0 || g->N <= 0) { /* an empty output: nothing reads x */
    if (kind == BWD_DATA) memset(out, 0, sizeof(float) * (size_t)g->N * r.xs);
    if (kind == BWD_WEIGHT) memset(out, 0, sizeof(float) * (size_t)g->OC * r.K);
    return;
  }
  const int blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
#pragma omp parallel num_threads(r.T)
  {
    slot_parts s;
    slot_at(&r, scratch, omp_get_thread_num(), &s);
    if (kind == FWD) {
#pragma omp for schedule(dynamic, 1) nowait
      for (int ch = 0; ch < r.chunks; ch++) fwd_chunk(&r, &s, ch, x, w, out);
    } else if (kind == BWD_DATA) {
#pragma omp for schedule(dynamic, 1) nowait
      for (int ch = 0; ch < r.chunks; ch++) bwd_data_chunk(&r, &s, ch, dy, w, out);
    } else {
      bwd_weight_team(&r, &s, x, dy, out, scratch);
    }
  }
  openblas_set_num_threads(blas_threads);
}

void wg_conv2d_fwd_kernel(const wg_conv_geom *g, const float *x, const float *w,
                          float *y, float *scratch) {
  run(FWD, g, x, w, NULL, y, scratch);
}

void wg_conv2d_bwd_data_kernel(const wg_conv_geom *g, const float *dy, const float *w,
                               float *dx, float *scratch) {
  run(BWD_DATA, g, NULL, w, dy, dx, scratch);
}

void wg_conv2d_bwd_weight_kernel(const wg_conv_geom *g, const float *x, const float *dy,
                                 float *dw, float *scratch) {
  run(BWD_WEIGHT, g, x, NULL, dy, dw, scratch);
}
