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
 * keep the gemm wide enough and col mostly in cache. */
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

/* One thread's slot: col[K, nb*P], Y[OC, nb*P], a partial dw[OC, K], padded
 * planes pad[nb*C, Hp, Wp]. */
static size_t slot_floats(const wg_conv_geom *g) {
  if (g->OH <= 0 || g->OW <= 0) return 0;
  size_t nb = (size_t)max_chunk(g), P = (size_t)g->OH * g->OW;
  size_t K = (size_t)g->C * g->KH * g->KW;
  size_t pad = nb * g->C * (size_t)((g->OH - 1) * g->sh + g->KH) * ((g->OW - 1) * g->sw + g->KW);
  return round16(K * nb * P) + round16((size_t)g->OC * nb * P) + round16((size_t)g->OC * K) +
         round16(pad);
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
  for (int i = 0; i < m; i++) {
    int oh = (p0 + i) / g->OW, ow = (p0 + i) % g->OW;
    idx[i] = oh * g->sh * Wp + ow * g->sw;
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

enum { FWD, BWD_DATA, BWD_WEIGHT };

/* The three kernels share one driver: chunks of samples spread over the team. */
static void run(int kind, const wg_conv_geom *g, const float *x, const float *w, const float *dy,
                float *out, float *scratch) {
  const int K = g->C * g->KH * g->KW, P = g->OH * g->OW, T = team();
  const int cb = chunk_for(g, T), chunks = g->N ? (g->N + cb - 1) / cb : 0;
  const size_t slot = slot_floats(g), ycol = round16((size_t)K * max_chunk(g) * P);
  const size_t dwoff = ycol + round16((size_t)g->OC * max_chunk(g) * P);
  const size_t padoff = dwoff + round16((size_t)g->OC * K);
  const long xs = (long)g->C * g->H * g->W, ys = (long)g->OC * P;
  if (P <= 0 || g->N <= 0) {  /* an empty output: nothing reads x */
    if (kind == BWD_DATA) memset(out, 0, sizeof(float) * (size_t)g->N * xs);
    if (kind == BWD_WEIGHT) memset(out, 0, sizeof(float) * (size_t)g->OC * K);
    return;
  }
  const int blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
#pragma omp parallel num_threads(T)
  {
    float *col = scratch + slot * (size_t)omp_get_thread_num(), *Y = col + ycol;
    float *dwp = col + dwoff, *pad = col + padoff;
    if (kind == BWD_WEIGHT) memset(dwp, 0, sizeof(float) * (size_t)g->OC * K);
#pragma omp for schedule(dynamic, 1)
    for (int ch = 0; ch < chunks; ch++) {
      int n0 = ch * cb, nb = g->N - n0 < cb ? g->N - n0 : cb;
      if (kind == FWD) {
        pad_planes(g, nb, x + n0 * xs, pad);
        im2col(g, nb, pad, col);
        /* Y[OC, nb*P] = w[OC, K] col[K, nb*P] */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->OC, nb * P, K, 1.0f, w, K,
                    col, nb * P, 0.0f, Y, nb * P);
        move_blocks(g, nb, Y, out + n0 * ys, 1);
      } else if (kind == BWD_DATA) {
        move_blocks(g, nb, dy + n0 * ys, Y, 0);
        /* col[K, nb*P] = w[OC, K]^T Y[OC, nb*P] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, nb * P, g->OC, 1.0f, w, K,
                    Y, nb * P, 0.0f, col, nb * P);
        col2im(g, nb, col, pad);
        unpad_planes(g, nb, pad, out + n0 * xs);
      } else {
        pad_planes(g, nb, x + n0 * xs, pad);
        im2col(g, nb, pad, col);
        move_blocks(g, nb, dy + n0 * ys, Y, 0);
        /* dwp[OC, K] += Y[OC, nb*P] col[K, nb*P]^T */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->OC, K, nb * P, 1.0f, Y, nb * P,
                    col, nb * P, 1.0f, dwp, K);
      }
    }
    if (kind == BWD_WEIGHT) {
      /* dw = sum of the partials; the implicit barrier above made them final */
      const int nt = omp_get_num_threads();
      const long n = (long)g->OC * K;
#pragma omp for schedule(static)
      for (long i = 0; i < n; i++) {
        float s = 0;
        for (int t = 0; t < nt; t++) s += scratch[slot * (size_t)t + dwoff + i];
        out[i] = s;
      }
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
