/* Which implementation serves each convolution kernel: a fixed rule per
 * vector level and shape, never a timing at run time (results would then
 * depend on the machine's load). The figures behind it are in docs/conv.md
 * (bench/bench_ops, both implementations side by side):
 *   - small K = C*KH*KW (the first layer of the MNIST critic, C = 1, 5x5,
 *     K = 25): our own direct loops (conv_small_k.c), 16 lanes on AVX-512 and
 *     8 on AVX2, 1.6-1.8x faster than oneDNN on AVX-512 and 1.4-1.6x under
 *     the AVX2 cap; below AVX2 (no direct loops) oneDNN, whose forward ran
 *     4x faster than im2col + sgemm (inner dimension too short) in the one,
 *     disturbed, run at that level;
 *   - larger K: im2col + OpenBLAS's sgemm over chunks of samples, ahead of
 *     oneDNN on the tape's plain NCHW layout in 21 of 24 comparisons on both
 *     levels (up to 1.8x; the other three within 5 %). */
#include "core/conv_small_k.h"
#include "wgan/base.h"

wg_conv_path wg_conv_path_for(const wg_conv_geom *g) {
  const int small = g->C * g->KH * g->KW <= WG_CONV_SMALL_K;
  return small && !wg_conv_small_for(wg_isa_active()) && wg_conv2d_dnnl_serves(g) ? WG_CONV_PATH_DNNL
                                                                                  : WG_CONV_PATH_OWN;
}

/* oneDNN where the rule says so and it has an implementation, else our own. */
static void serve(int kind, const wg_conv_geom *g, const float *a, const float *b, float *out, float *scratch) {
  if (wg_conv_path_for(g) == WG_CONV_PATH_DNNL && !wg_conv2d_dnnl(kind, g, 0, a, b, out)) return;
  wg_conv2d_own(kind, g, a, b, out, scratch);
}

void wg_conv2d_fwd_kernel(const wg_conv_geom *g, const float *x, const float *w, float *y, float *scratch) {
  serve(WG_CONV_FWD, g, x, w, y, scratch);
}

void wg_conv2d_bwd_data_kernel(const wg_conv_geom *g, const float *dy, const float *w, float *dx, float *scratch) {
  serve(WG_CONV_BWD_DATA, g, dy, w, dx, scratch);
}

void wg_conv2d_bwd_weight_kernel(const wg_conv_geom *g, const float *x, const float *dy, float *dw, float *scratch) {
  serve(WG_CONV_BWD_WEIGHT, g, x, dy, dw, scratch);
}
