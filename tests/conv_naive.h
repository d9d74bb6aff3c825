/* The convolution's three maps as direct loops in double: the reference the
 * kernels' tests hold them to. */
#ifndef WGAN_TESTS_CONV_NAIVE_H
#define WGAN_TESTS_CONV_NAIVE_H
#include <math.h>
#include <string.h>

#include "core/conv_kernels.h"

static inline size_t xsize(const wg_conv_geom *g) { return (size_t)g->N * g->C * g->H * g->W; }
static inline size_t wsize(const wg_conv_geom *g) { return (size_t)g->OC * g->C * g->KH * g->KW; }
static inline size_t ysize(const wg_conv_geom *g) { return (size_t)g->N * g->OC * g->OH * g->OW; }

/* The input index an output/kernel position reads, or -1 outside the image. */
static inline long tap(const wg_conv_geom *g, int n, int c, int oh, int ow, int kh, int kw) {
  int ih = oh * g->sh - g->pt + kh, iw = ow * g->sw - g->pl + kw;
  if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W) return -1;
  return (((long)n * g->C + c) * g->H + ih) * g->W + iw;
}

/* The three maps written as direct loops over every (output, kernel) pair, in double;
 * a* get the sums of the terms' magnitudes, the scale of float rounding in each sum. */
static inline void naive(const wg_conv_geom *g, const float *x, const float *w, const float *dy,
                         double *y, double *dx, double *dw, double *ay, double *adx, double *adw) {
  memset(y, 0, sizeof(double) * ysize(g));
  memset(dx, 0, sizeof(double) * xsize(g));
  memset(dw, 0, sizeof(double) * wsize(g));
  memset(ay, 0, sizeof(double) * ysize(g));
  memset(adx, 0, sizeof(double) * xsize(g));
  memset(adw, 0, sizeof(double) * wsize(g));
  for (int n = 0; n < g->N; n++)
    for (int oc = 0; oc < g->OC; oc++)
      for (int oh = 0; oh < g->OH; oh++)
        for (int ow = 0; ow < g->OW; ow++) {
          long yi = (((long)n * g->OC + oc) * g->OH + oh) * g->OW + ow;
          for (int c = 0; c < g->C; c++)
            for (int kh = 0; kh < g->KH; kh++)
              for (int kw = 0; kw < g->KW; kw++) {
                long xi = tap(g, n, c, oh, ow, kh, kw);
                if (xi < 0) continue;
                long wi = (((long)oc * g->C + c) * g->KH + kh) * g->KW + kw;
                y[yi] += (double)x[xi] * w[wi];
                dx[xi] += (double)dy[yi] * w[wi];
                dw[wi] += (double)dy[yi] * x[xi];
                ay[yi] += fabs((double)x[xi] * w[wi]);
                adx[xi] += fabs((double)dy[yi] * w[wi]);
                adw[wi] += fabs((double)dy[yi] * x[xi]);
              }
        }
}

/* Largest |got - want| over an array, relative to the largest sum of term magnitudes:
 * float accumulation errs in proportion to that, not to |want|, which cancellation
 * can make arbitrarily small. */
static inline double rel_err(const float *got, const double *want, const double *mag, size_t n) {
  double e = 0, m = 1e-30;
  for (size_t i = 0; i < n; i++) {
    double d = fabs(got[i] - want[i]);
    e = d > e ? d : e;
    m = mag[i] > m ? mag[i] : m;
  }
  return e / m;
}

#endif
