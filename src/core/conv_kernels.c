/* Direct-loop convolution kernels (reference version). */
#include "core/conv_kernels.h"

#include <string.h>

size_t wg_conv2d_scratch_floats(const wg_conv_geom *g) {
  (void)g;
  return 0;
}

#define XI(n, c, h, w) ((((size_t)(n) * g->C + (c)) * g->H + (h)) * g->W + (w))
#define YI(n, o, h, w) ((((size_t)(n) * g->OC + (o)) * g->OH + (h)) * g->OW + (w))
#define WI(o, c, h, w) ((((size_t)(o) * g->C + (c)) * g->KH + (h)) * g->KW + (w))

#define FOR_ALL                                                           \
  for (int n = 0; n < g->N; n++)                                          \
    for (int o = 0; o < g->OC; o++)                                       \
      for (int oh = 0; oh < g->OH; oh++)                                  \
        for (int ow = 0; ow < g->OW; ow++)                                \
          for (int c = 0; c < g->C; c++)                                  \
            for (int kh = 0; kh < g->KH; kh++)                            \
              for (int kw = 0; kw < g->KW; kw++) {                        \
                int h = oh * g->sh - g->pt + kh, w = ow * g->sw - g->pl + kw; \
                if (h < 0 || h >= g->H || w < 0 || w >= g->W) continue;

void wg_conv2d_fwd_kernel(const wg_conv_geom *g, const float *x, const float *wt, float *y, float *scratch) {
  (void)scratch;
  memset(y, 0, sizeof(float) * (size_t)g->N * g->OC * g->OH * g->OW);
  FOR_ALL y[YI(n, o, oh, ow)] += x[XI(n, c, h, w)] * wt[WI(o, c, kh, kw)];
}
}

void wg_conv2d_bwd_data_kernel(const wg_conv_geom *g, const float *dy, const float *wt, float *dx, float *scratch) {
  (void)scratch;
  memset(dx, 0, sizeof(float) * (size_t)g->N * g->C * g->H * g->W);
  FOR_ALL dx[XI(n, c, h, w)] += dy[YI(n, o, oh, ow)] * wt[WI(o, c, kh, kw)];
}
}

void wg_conv2d_bwd_weight_kernel(const wg_conv_geom *g, const float *x, const float *dy, float *dw, float *scratch) {
  (void)scratch;
  memset(dw, 0, sizeof(float) * (size_t)g->OC * g->C * g->KH * g->KW);
  FOR_ALL dw[WI(o, c, kh, kw)] += x[XI(n, c, h, w)] * dy[YI(n, o, oh, ow)];
}
}
