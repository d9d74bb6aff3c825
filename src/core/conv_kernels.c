/* Convolution as im2col + sgemm on chunks of samples, and its two adjoints.
 *
 * A chunk of nb samples is unfolded into col[K, nb*P] (K = C*KH*KW rows in
 * (c,kh,kw) order, P = OH*OW columns per sample, samples side by side), so one
 * gemm with a wide N dimension serves the chunk: per-sample gemms are too thin
 * for the deep layers (P = 16 at 4x4). The gemm result Y[OC, nb*P] is moved
 * to/from NCHW by contiguous copies of P floats, far cheaper than the gemm.
 *
 * Threads: each OpenMP thread takes whole chunks (unfold, gemm, fold) with a
 * single-threaded sgemm. A chunk is sized to stay in the core's L2 cache, so
 * col never goes through main memory, and OpenBLAS's pthread pool never runs
 * beside OpenMP's team: the two spin-wait for each other's cores otherwise
 * (measured 2-3x slower on 2 cores; docs/conv.md). */
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

/* One thread's slot: col[K, nb*P], Y[OC, nb*P], a partial dw[OC, K]. */
static size_t slot_floats(const wg_conv_geom *g) {
  size_t nb = (size_t)max_chunk(g), P = (size_t)g->OH * g->OW;
  size_t K = (size_t)g->C * g->KH * g->KW;
  return round16(K * nb * P) + round16((size_t)g->OC * nb * P) + round16((size_t)g->OC * K);
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

/* First and one-past-last output index o with 0 <= o*s - p + k < n. */
static void valid_range(int len, int s, int p, int k, int n, int *lo, int *hi) {
  int a = p - k;  /* o*s >= a */
  int l = a <= 0 ? 0 : (a + s - 1) / s;
  int b = n - 1 + p - k;  /* o*s <= b */
  int h = b < 0 ? 0 : b / s + 1;
  if (h > len) h = len;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

/* col[K, nb*P] from samples x[nb,C,H,W]; zero where the patch leaves the image. */
static void im2col(const wg_conv_geom *g, int nb, const float *x, float *col) {
  const int KK = g->KH * g->KW, P = g->OH * g->OW, rows = g->C * KK;
  const long ld = (long)nb * P;
  for (int r = 0; r < rows; r++) {
    for (int n = 0; n < nb; n++) {
      const int c = r / KK, kh = r % KK / g->KW, kw = r % g->KW;
      const float *xp = x + ((long)n * g->C + c) * g->H * g->W;
      float *dst = col + r * ld + (long)n * P;
      int oh0, oh1, ow0, ow1;
      valid_range(g->OH, g->sh, g->pt, kh, g->H, &oh0, &oh1);
      valid_range(g->OW, g->sw, g->pl, kw, g->W, &ow0, &ow1);
      memset(dst, 0, sizeof(float) * (size_t)oh0 * g->OW);
      for (int oh = oh0; oh < oh1; oh++) {
        float *d = dst + oh * g->OW;
        const float *s = xp + (long)(oh * g->sh - g->pt + kh) * g->W + ow0 * g->sw - g->pl + kw;
        for (int ow = 0; ow < ow0; ow++) d[ow] = 0;
        if (g->sw == 1) {
          memcpy(d + ow0, s, sizeof(float) * (size_t)(ow1 - ow0));
        } else {
          for (int ow = ow0; ow < ow1; ow++) d[ow] = s[(ow - ow0) * g->sw];
        }
        for (int ow = ow1; ow < g->OW; ow++) d[ow] = 0;
      }
      memset(dst + oh1 * g->OW, 0, sizeof(float) * (size_t)(g->OH - oh1) * g->OW);
    }
  }
}

/* dx[nb,C,H,W] = sum of col[K, nb*P] folded back onto the image (adjoint of im2col).
 */
static void col2im(const wg_conv_geom *g, int nb, const float *col, float *dx) {
  const int KK = g->KH * g->KW, P = g->OH * g->OW;
  const long ld = (long)nb * P;
  for (int n = 0; n < nb; n++) {
    for (int c = 0; c < g->C; c++) {
      float *xp = dx + ((long)n * g->C + c) * g->H * g->W;
      memset(xp, 0, sizeof(float) * (size_t)g->H * g->W);
      for (int kh = 0; kh < g->KH; kh++) {
        int oh0, oh1;
        valid_range(g->OH, g->sh, g->pt, kh, g->H, &oh0, &oh1);
        for (int kw = 0; kw < g->KW; kw++) {
          int ow0, ow1;
          valid_range(g->OW, g->sw, g->pl, kw, g->W, &ow0, &ow1);
          const float *src = col + (long)(c * KK + kh * g->KW + kw) * ld + (long)n * P;
          for (int oh = oh0; oh < oh1; oh++) {
            const float *s = src + oh * g->OW + ow0;
            float *d = xp + (long)(oh * g->sh - g->pt + kh) * g->W + ow0 * g->sw - g->pl + kw;
            const int len = ow1 - ow0;
            if (g->sw == 1) {
              for (int i = 0; i < len; i++) d[i] += s[i];
            } else {
              for (int i = 0; i < len; i++) d[i * g->sw] += s[i];
            }
          }
        }
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
  const long xs = (long)g->C * g->H * g->W, ys = (long)g->OC * P;
  const int blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
#pragma omp parallel num_threads(T)
  {
    float *col = scratch + slot * (size_t)omp_get_thread_num(), *Y = col + ycol;
    float *dwp = col + dwoff;
    if (kind == BWD_WEIGHT) memset(dwp, 0, sizeof(float) * (size_t)g->OC * K);
#pragma omp for schedule(dynamic, 1)
    for (int ch = 0; ch < chunks; ch++) {
      int n0 = ch * cb, nb = g->N - n0 < cb ? g->N - n0 : cb;
      if (kind == FWD) {
        im2col(g, nb, x + n0 * xs, col);
        /* Y[OC, nb*P] = w[OC, K] col[K, nb*P] */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->OC, nb * P, K, 1.0f, w, K,
                    col, nb * P, 0.0f, Y, nb * P);
        move_blocks(g, nb, Y, out + n0 * ys, 1);
      } else if (kind == BWD_DATA) {
        move_blocks(g, nb, dy + n0 * ys, Y, 0);
        /* col[K, nb*P] = w[OC, K]^T Y[OC, nb*P] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, nb * P, g->OC, 1.0f, w, K,
                    Y, nb * P, 0.0f, col, nb * P);
        col2im(g, nb, col, out + n0 * xs);
      } else {
        im2col(g, nb, x + n0 * xs, col);
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
