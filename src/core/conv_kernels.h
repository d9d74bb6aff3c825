/* Convolution kernels on raw arrays (no tape): forward, and its two adjoints.
 * Cross-correlation as in PyTorch/TensorFlow:
 *   y[n,oc,oh,ow] = sum_{c,kh,kw} x[n,c,oh*sh-pt+kh, ow*sw-pl+kw] * w[oc,c,kh,kw]
 * with x read as 0 outside [0,H)x[0,W). Padding at the bottom/right is
 * implied by OH/OW, which the caller computes. */
#ifndef WGAN_CORE_CONV_KERNELS_H
#define WGAN_CORE_CONV_KERNELS_H
#include <stddef.h>

typedef struct {
  int N, C, H, W;  /* forward input x[N,C,H,W] */
  int OC, KH, KW;  /* weights w[OC,C,KH,KW] */
  int OH, OW;      /* forward output y[N,OC,OH,OW] */
  int sh, sw;      /* strides */
  int pt, pl;      /* top and left padding */
} wg_conv_geom;

/* The window all taps read, from input row -pt and column -pl: Hp x Wp. */
static inline int wg_conv_pad_h(const wg_conv_geom *g) { return (g->OH - 1) * g->sh + g->KH; }
static inline int wg_conv_pad_w(const wg_conv_geom *g) { return (g->OW - 1) * g->sw + g->KW; }

enum { WG_CONV_FWD, WG_CONV_BWD_DATA, WG_CONV_BWD_WEIGHT };

/* Which implementation serves a kernel (conv_path.c holds the rule). */
typedef enum { WG_CONV_PATH_OWN, WG_CONV_PATH_DNNL } wg_conv_path;
wg_conv_path wg_conv_path_for(const wg_conv_geom *g);

/* Floats of scratch memory any of the three kernels needs for g. */
size_t wg_conv2d_scratch_floats(const wg_conv_geom *g);
/* y[N,OC,OH,OW] = conv(x[N,C,H,W], w[OC,C,KH,KW]); y is overwritten. */
void wg_conv2d_fwd_kernel(const wg_conv_geom *g, const float *x, const float *w,
                          float *y, float *scratch);
/* dx[N,C,H,W] = adjoint in x, from dy[N,OC,OH,OW] and w; dx is overwritten. */
void wg_conv2d_bwd_data_kernel(const wg_conv_geom *g, const float *dy, const float *w,
                               float *dx, float *scratch);
/* dw[OC,C,KH,KW] = adjoint in w, from x and dy; dw is overwritten. */
void wg_conv2d_bwd_weight_kernel(const wg_conv_geom *g, const float *x, const float *dy,
                                 float *dw, float *scratch);

/* The project's own kernels (conv_kernels.c): im2col + sgemm, direct loops for small K. */
void wg_conv2d_own(int kind, const wg_conv_geom *g, const float *a, const float *b, float *out,
                   float *scratch);
/* Whether oneDNN can serve g: its bottom/right padding, (OH-1)*sh + KH - H - pt
 * and the same across, must not be negative (input rows no tap reads). */
int wg_conv2d_dnnl_serves(const wg_conv_geom *g);
/* out = kernel kind (a, b) through oneDNN (conv_dnnl.c): a and b float, or
 * bfloat16 (uint16_t) when bf16; out float. -1 when oneDNN cannot serve g. */
int wg_conv2d_dnnl(int kind, const wg_conv_geom *g, int bf16, const void *a, const void *b, float *out);

#endif
