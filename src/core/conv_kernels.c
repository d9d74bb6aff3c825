/* Convolution as im2col + one sgemm per chunk of samples, and its two adjoints.
 *
 * A chunk of nb samples is unfolded into col[K, nb*P] (K = C*KH*KW rows in
 * (c,kh,kw) order, P = OH*OW columns per sample, samples side by side), so one
 * gemm with a wide N dimension serves the whole chunk: per-sample gemms are
 * too thin for the deep layers (P = 16 at 4x4). The gemm result is [OC, nb*P]
 * and is moved to/from NCHW by contiguous copies of P floats, far cheaper than
 * the gemm. The chunk size bounds the scratch memory for large batches. */
#include "core/conv_kernels.h"

#include <cblas.h>
#include <string.h>

/* Target floats of col per chunk: the MNIST layers at batch 50 fit in one. */
#define COL_CHUNK_FLOATS ((size_t)1 << 22)

static size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

static int chunk_samples(const wg_conv_geom *g) {
  size_t per = (size_t)g->C * g->KH * g->KW * g->OH * g->OW;
  size_t nb = per ? COL_CHUNK_FLOATS / per : (size_t)g->N;
  if (nb < 1) nb = 1;
  if (nb > (size_t)g->N) nb = (size_t)g->N;
  return (int)nb;
}

size_t wg_conv2d_scratch_floats(const wg_conv_geom *g) {
  size_t nb = (size_t)chunk_samples(g), P = (size_t)g->OH * g->OW;
  size_t K = (size_t)g->C * g->KH * g->KW;
  return round16(K * nb * P) + round16((size_t)g->OC * nb * P);
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
#pragma omp parallel for collapse(2) schedule(static)
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
 * One (sample, channel) plane per task, so no two threads write the same float. */
static void col2im(const wg_conv_geom *g, int nb, const float *col, float *dx) {
  const int KK = g->KH * g->KW, P = g->OH * g->OW;
  const long ld = (long)nb * P;
#pragma omp parallel for collapse(2) schedule(static)
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
#pragma omp parallel for collapse(2) schedule(static)
  for (int n = 0; n < nb; n++) {
    for (int oc = 0; oc < g->OC; oc++) {
      long a = ((long)n * g->OC + oc) * P, b = ((long)oc * nb + n) * P;
      if (to_nchw) memcpy(dst + a, src + b, sizeof(float) * (size_t)P);
      else memcpy(dst + b, src + a, sizeof(float) * (size_t)P);
    }
  }
}

void wg_conv2d_fwd_kernel(const wg_conv_geom *g, const float *x, const float *w,
                          float *y, float *scratch) {
  const int K = g->C * g->KH * g->KW, P = g->OH * g->OW, nbmax = chunk_samples(g);
  float *col = scratch, *Y = scratch + round16((size_t)K * nbmax * P);
  for (int n0 = 0; n0 < g->N; n0 += nbmax) {
    int nb = g->N - n0 < nbmax ? g->N - n0 : nbmax;
    im2col(g, nb, x + (long)n0 * g->C * g->H * g->W, col);
    /* Y[OC, nb*P] = w[OC, K] col[K, nb*P] */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->OC, nb * P, K, 1.0f, w, K,
                col, nb * P, 0.0f, Y, nb * P);
    move_blocks(g, nb, Y, y + (long)n0 * g->OC * P, 1);
  }
}

void wg_conv2d_bwd_data_kernel(const wg_conv_geom *g, const float *dy, const float *w,
                               float *dx, float *scratch) {
  const int K = g->C * g->KH * g->KW, P = g->OH * g->OW, nbmax = chunk_samples(g);
  float *col = scratch, *Y = scratch + round16((size_t)K * nbmax * P);
  for (int n0 = 0; n0 < g->N; n0 += nbmax) {
    int nb = g->N - n0 < nbmax ? g->N - n0 : nbmax;
    move_blocks(g, nb, dy + (long)n0 * g->OC * P, Y, 0);
    /* col[K, nb*P] = w[OC, K]^T Y[OC, nb*P] */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, nb * P, g->OC, 1.0f, w, K,
                Y, nb * P, 0.0f, col, nb * P);
    col2im(g, nb, col, dx + (long)n0 * g->C * g->H * g->W);
  }
}

void wg_conv2d_bwd_weight_kernel(const wg_conv_geom *g, const float *x, const float *dy,
                                 float *dw, float *scratch) {
  const int K = g->C * g->KH * g->KW, P = g->OH * g->OW, nbmax = chunk_samples(g);
  float *col = scratch, *Y = scratch + round16((size_t)K * nbmax * P);
  if (g->N == 0) memset(dw, 0, sizeof(float) * (size_t)g->OC * K);
  for (int n0 = 0; n0 < g->N; n0 += nbmax) {
    int nb = g->N - n0 < nbmax ? g->N - n0 : nbmax;
    im2col(g, nb, x + (long)n0 * g->C * g->H * g->W, col);
    move_blocks(g, nb, dy + (long)n0 * g->OC * P, Y, 0);
    /* dw[OC, K] (+)= Y[OC, nb*P] col[K, nb*P]^T */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->OC, K, nb * P, 1.0f, Y, nb * P,
                col, nb * P, n0 ? 1.0f : 0.0f, dw, K);
  }
}
