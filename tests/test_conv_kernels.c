/* The conv kernels against a direct loop, and the adjoint identities between them,
 * on random geometries (any stride, asymmetric padding, unread input rows), for
 * both implementations (our own: the direct loops of the vector level in use for
 * small K, else im2col + sgemm; and oneDNN's) whatever the rule of conv_path.c
 * picks, and through that rule. tests/run.sh runs this binary again
 * under each ONEDNN_MAX_CPU_ISA cap the CPU supports, so that every vector level
 * of oneDNN and OpenBLAS is checked on one machine. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conv_naive.h"
#include "core/conv_kernels.h"
#include "wgan.h"

static wg_rng rng;

static int rnd(int lo, int hi) { return lo + (int)wg_rng_below(&rng, (uint64_t)(hi - lo + 1)); }

static float *alloc_floats(size_t n) {
  size_t bytes = (sizeof(float) * (n ? n : 1) + 63) / 64 * 64;
  float *p = aligned_alloc(64, bytes);
  if (!p) abort();
  return p;
}

static double dot(const float *a, const float *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
  return s;
}

enum { VIA_RULE, VIA_OWN, VIA_DNNL };
static const char *via_name[] = {"rule", "own", "dnnl"};

/* Kernel kind of implementation via: out = kernel(a, b); 0, or -1 when oneDNN
 * has no implementation for g. */
static int kernel(int via, int kind, const wg_conv_geom *g, const float *a, const float *b, float *out,
                  float *scratch) {
  if (via == VIA_OWN) wg_conv2d_own(kind, g, a, b, out, scratch);
  else if (via == VIA_DNNL) return wg_conv2d_dnnl(kind, g, 0, a, b, out);
  else if (kind == WG_CONV_FWD) wg_conv2d_fwd_kernel(g, a, b, out, scratch);
  else if (kind == WG_CONV_BWD_DATA) wg_conv2d_bwd_data_kernel(g, a, b, out, scratch);
  else wg_conv2d_bwd_weight_kernel(g, a, b, out, scratch);
  return 0;
}

static void check_geom_via(int via, const wg_conv_geom *g, const char *what);

/* Runs the three kernels on g through each implementation that can serve it
 * (oneDNN refuses unread input rows) and checks them. */
static void check_geom(const wg_conv_geom *g, const char *what) {
  for (int via = VIA_RULE; via <= VIA_DNNL; via++)
    if (via != VIA_DNNL || wg_conv2d_dnnl_serves(g)) check_geom_via(via, g, what);
}

/* The three kernels of one implementation on g; dx is pre-filled with garbage
 * so that unread input positions must be written as 0. */
static void check_geom_via(int via, const wg_conv_geom *g, const char *what) {
  size_t nx = xsize(g), nw = wsize(g), ny = ysize(g), ns = wg_conv2d_scratch_floats(g);
  float *x = alloc_floats(nx), *w = alloc_floats(nw), *dy = alloc_floats(ny);
  float *y = alloc_floats(ny), *dx = alloc_floats(nx), *dw = alloc_floats(nw);
  float *scratch = alloc_floats(ns);
  double *ry = malloc(sizeof(double) * (ny + 1)), *rdx = malloc(sizeof(double) * (nx + 1));
  double *rdw = malloc(sizeof(double) * (nw + 1));
  double *ay = malloc(sizeof(double) * (ny + 1)), *adx = malloc(sizeof(double) * (nx + 1));
  double *adw = malloc(sizeof(double) * (nw + 1));
  wg_rng_fill_normal(&rng, x, nx, 0, 1);
  wg_rng_fill_normal(&rng, w, nw, 0, 1);
  wg_rng_fill_normal(&rng, dy, ny, 0, 1);
  for (size_t i = 0; i < ny; i++) y[i] = 1e30f;
  for (size_t i = 0; i < nx; i++) dx[i] = 1e30f;
  for (size_t i = 0; i < nw; i++) dw[i] = 1e30f;
  naive(g, x, w, dy, ry, rdx, rdw, ay, adx, adw);
  int st = kernel(via, WG_CONV_FWD, g, x, w, y, scratch);
  st |= kernel(via, WG_CONV_BWD_DATA, g, dy, w, dx, scratch);
  st |= kernel(via, WG_CONV_BWD_WEIGHT, g, x, dy, dw, scratch);
  char desc[200];
  snprintf(desc, sizeof desc,
           "%s (%s): N%d C%d %dx%d OC%d k%dx%d -> %dx%d s(%d,%d) p(%d,%d)", what, via_name[via], g->N, g->C,
           g->H, g->W, g->OC, g->KH, g->KW, g->OH, g->OW, g->sh, g->sw, g->pt, g->pl);
  CHECK(st == 0, "%s: oneDNN has no implementation", desc);
  CHECK(rel_err(y, ry, ay, ny) < 1e-5, "%s: forward off by %g", desc, rel_err(y, ry, ay, ny));
  CHECK(rel_err(dx, rdx, adx, nx) < 1e-5, "%s: bwd_data off by %g", desc,
        rel_err(dx, rdx, adx, nx));
  CHECK(rel_err(dw, rdw, adw, nw) < 1e-5, "%s: bwd_weight off by %g", desc,
        rel_err(dw, rdw, adw, nw));
  /* <conv(x,w), dy> = <x, bwd_data(dy,w)> = <w, bwd_weight(x,dy)> */
  double a = dot(y, dy, ny), b = dot(x, dx, nx), c = dot(w, dw, nw);
  double scale = 1e-5 * (sqrt((double)ny * g->C * g->KH * g->KW) + 1);
  CHECK(fabs(a - b) <= scale, "%s: <y,dy> = %.9g but <x,dx> = %.9g", desc, a, b);
  CHECK(fabs(a - c) <= scale, "%s: <y,dy> = %.9g but <w,dw> = %.9g", desc, a, c);
  free(x), free(w), free(dy), free(y), free(dx), free(dw), free(scratch);
  free(ry), free(rdx), free(rdw), free(ay), free(adx), free(adw);
}

/* TensorFlow SAME: OH = ceil(H / s), total padding (OH-1)*s + k - H, smaller half on top. */
static wg_conv_geom same(int N, int C, int H, int W, int OC, int k, int s) {
  wg_conv_geom g = {.N = N, .C = C, .H = H, .W = W, .OC = OC, .KH = k, .KW = k, .sh = s, .sw = s};
  g.OH = (H + s - 1) / s;
  g.OW = (W + s - 1) / s;
  int th = (g.OH - 1) * s + k - H, tw = (g.OW - 1) * s + k - W;
  g.pt = (th > 0 ? th : 0) / 2;
  g.pl = (tw > 0 ? tw : 0) / 2;
  return g;
}

static void tf_same_layers(void) {
  wg_conv_geom gs[] = {
      same(2, 1, 28, 28, 6, 5, 2),  /* pads (1,2) */
      same(3, 5, 14, 14, 7, 5, 2),  /* pads (1,2) */
      same(2, 6, 7, 7, 5, 5, 2),    /* pads (2,2) */
      same(2, 4, 8, 8, 6, 5, 2),    /* the generator's first deconv, pads (1,2) */
      same(1, 3, 10, 7, 4, 3, 3),   /* rectangular, stride 3 */
      same(2, 2, 9, 11, 3, 4, 1),   /* even kernel, stride 1 */
  };
  CHECK(gs[0].pt == 1 && gs[1].pt == 1 && gs[2].pt == 2 && gs[3].pt == 1,
        "SAME paddings: %d %d %d %d", gs[0].pt, gs[1].pt, gs[2].pt, gs[3].pt);
  for (size_t i = 0; i < sizeof gs / sizeof *gs; i++) check_geom(&gs[i], "same");
}

/* Checks count geometries drawn by draw; the first failure stops it, one report
 * being enough to debug from. */
static void check_random_geoms(int count, wg_conv_geom (*draw)(void), const char *what) {
  for (int t = 0; t < count; t++) {
    wg_conv_geom g = draw();
    check_geom(&g, what);
    if (check_case_failed_) break;
  }
}

/* Any kernel, stride and padding, the bottom and right padding apart from the
 * top and left, and sometimes fewer outputs than fit. */
static wg_conv_geom any_geom(void) {
  wg_conv_geom g;
  g.N = rnd(1, 3), g.C = rnd(1, 4), g.OC = rnd(1, 5);
  g.H = rnd(1, 12), g.W = rnd(1, 12);
  g.KH = rnd(1, 6), g.KW = rnd(1, 6);
  g.sh = rnd(1, 3), g.sw = rnd(1, 3);
  g.pt = rnd(0, g.KH - 1), g.pl = rnd(0, g.KW - 1);
  int pb = rnd(0, g.KH - 1), pr = rnd(0, g.KW - 1);
  g.OH = (g.H + g.pt + pb - g.KH) / g.sh + 1;
  g.OW = (g.W + g.pl + pr - g.KW) / g.sw + 1;
  if (g.H + g.pt + pb < g.KH) g.OH = 1;
  if (g.W + g.pl + pr < g.KW) g.OW = 1;
  if (rnd(0, 3) == 0) g.OH = rnd(1, g.OH);  /* leaves bottom rows unread */
  if (rnd(0, 3) == 0) g.OW = rnd(1, g.OW);
  return g;
}

static void random_geometries(void) { check_random_geoms(300, any_geom, "random"); }

/* The direct loops for K = C*KH*KW <= 64: the first layer itself (OC = 64 in
 * 8-row blocks, K = 25 in 5-wide dot blocks, P = 196 ragged), K at and just
 * above the threshold, widths around the 16/32-column blocks, and stride-2 rows
 * of 16 and 21 outputs. */
static void small_k_layers(void) {
  wg_conv_geom gs[] = {
      same(3, 1, 28, 28, 64, 5, 2),  /* the critic's first conv; bwd_data = gen's last deconv */
      same(2, 4, 9, 9, 13, 4, 1),    /* K = 64, the largest direct one */
      same(2, 5, 9, 9, 11, 4, 1),    /* K = 80: sgemm */
      same(2, 1, 8, 8, 17, 3, 2),    /* P = 16 */
      same(2, 2, 10, 10, 9, 3, 2),   /* P = 25: two blocks of 16 */
      same(1, 1, 8, 8, 7, 3, 1),     /* P = 64 */
      same(2, 3, 6, 11, 21, 3, 1),   /* P = 66: 32 + 32 + a ragged 16 */
      same(1, 1, 10, 32, 5, 5, 2),   /* stride-2 shuffle: OW = 16 */
      same(2, 2, 6, 41, 3, 4, 2),    /* stride-2 shuffle: OW = 21, two vectors a row */
      /* the same edges for the 8-lane (AVX2) loops, rows in blocks of 6 and dw
       * in blocks of 3 x 3 */
      same(2, 1, 5, 5, 13, 3, 2),    /* P = 9: one block of 8 and a ragged 8 */
      same(2, 1, 4, 4, 7, 2, 2),     /* P = 4 < 8: the zero-padded copy */
      same(2, 1, 6, 6, 19, 3, 1),    /* P = 36: 16 + 16 + a ragged 8; OC = 19: rows 5 + 5 + 5 + 4 */
      same(1, 1, 8, 16, 5, 5, 2),    /* stride-2 shuffle: OW = 8 */
      same(2, 1, 6, 26, 4, 4, 2),    /* stride-2 shuffle: OW = 13 */
  };
  for (size_t i = 0; i < sizeof gs / sizeof *gs; i++) check_geom(&gs[i], "small K");
}

/* K <= 64 and up to 70 output channels. */
static wg_conv_geom small_k_geom(void) {
  wg_conv_geom g;
  g.N = rnd(1, 3), g.C = rnd(1, 2), g.OC = rnd(1, 70);
  g.KH = rnd(1, 5), g.KW = rnd(1, 5);
  g.sh = rnd(1, 3), g.sw = rnd(1, 3);
  g.H = rnd(g.KH, 24), g.W = rnd(g.KW, 24);
  g.pt = rnd(0, g.KH - 1), g.pl = rnd(0, g.KW - 1);
  g.OH = (g.H + g.pt - g.KH) / g.sh + 1;
  g.OW = (g.W + g.pl - g.KW) / g.sw + 1;
  return g;
}

static void small_k_random(void) {
  check_random_geoms(60, small_k_geom, "small K random");
}

/* Unread input (OH too small for H) must come back as dx = 0. */
static void unread_rows_zero(void) {
  wg_conv_geom g = {.N = 2, .C = 2, .H = 9, .W = 6, .OC = 3, .KH = 3, .KW = 2,
                    .OH = 2, .OW = 5, .sh = 2, .sw = 1, .pt = 0, .pl = 0};
  size_t nx = xsize(&g);
  float *dy = alloc_floats(ysize(&g)), *w = alloc_floats(wsize(&g)), *dx = alloc_floats(nx);
  float *scratch = alloc_floats(wg_conv2d_scratch_floats(&g));
  wg_rng_fill_normal(&rng, dy, ysize(&g), 0, 1);
  wg_rng_fill_normal(&rng, w, wsize(&g), 0, 1);
  for (size_t i = 0; i < nx; i++) dx[i] = 7;
  wg_conv2d_bwd_data_kernel(&g, dy, w, dx, scratch);
  /* rows read: (OH-1)*sh + KH = 5, so rows 5..8 are never read */
  for (int n = 0; n < g.N; n++)
    for (int c = 0; c < g.C; c++)
      for (int h = 5; h < g.H; h++)
        for (int x = 0; x < g.W; x++) {
          float v = dx[((n * g.C + c) * g.H + h) * g.W + x];
          CHECK(v == 0, "dx[%d,%d,%d,%d] = %g", n, c, h, x, v);
        }
  free(dy), free(w), free(dx), free(scratch);
}

/* A sample whose col (400 x 4096 floats) exceeds a chunk: one sample per chunk,
 * more chunks than threads. */
static void chunked_batch(void) {
  wg_conv_geom g = same(5, 16, 64, 64, 3, 5, 1);
  check_geom(&g, "chunked");
}

/* No output positions: dx and dw are all zero. */
static void empty_output(void) {
  wg_conv_geom g = {.N = 2, .C = 2, .H = 3, .W = 3, .OC = 2, .KH = 2, .KW = 2,
                    .OH = 0, .OW = 2, .sh = 1, .sw = 1, .pt = 0, .pl = 0};
  float x[36], w[16], dx[36], dw[16];
  float *scratch = alloc_floats(wg_conv2d_scratch_floats(&g) + 1);
  wg_rng_fill_normal(&rng, x, 36, 0, 1);
  wg_rng_fill_normal(&rng, w, 16, 0, 1);
  for (int i = 0; i < 36; i++) dx[i] = 5;
  for (int i = 0; i < 16; i++) dw[i] = 5;
  wg_conv2d_bwd_data_kernel(&g, NULL, w, dx, scratch);
  wg_conv2d_bwd_weight_kernel(&g, x, NULL, dw, scratch);
  for (int i = 0; i < 36; i++) CHECK(dx[i] == 0, "dx[%d] = %g", i, dx[i]);
  for (int i = 0; i < 16; i++) CHECK(dw[i] == 0, "dw[%d] = %g", i, dw[i]);
  free(scratch);
}

/* dw sums chunks of samples thread by thread: each call must give each thread
 * the same chunks, or training is not bit-reproducible for a thread count; and
 * oneDNN's backward-weights must reduce in a fixed order too. Both
 * implementations, a small-K and a deep layer, repeated calls, 2 threads. */
static void bwd_weight_reproducible(void) {
  wg_conv_geom gs[] = {same(50, 1, 28, 28, 8, 5, 2), same(50, 8, 14, 14, 16, 5, 2)};
  wg_set_threads(2);
  for (int k = 0; k < 4; k++) {
    const wg_conv_geom *g = &gs[k % 2];
    const int via = k < 2 ? VIA_OWN : VIA_DNNL;
    size_t nx = xsize(g), nw = wsize(g), ny = ysize(g);
    float *x = alloc_floats(nx), *dy = alloc_floats(ny), *first = alloc_floats(nw);
    float *dw = alloc_floats(nw), *scratch = alloc_floats(wg_conv2d_scratch_floats(g));
    wg_rng_fill_normal(&rng, x, nx, 0, 1);
    wg_rng_fill_normal(&rng, dy, ny, 0, 1);
    int differing = kernel(via, WG_CONV_BWD_WEIGHT, g, x, dy, first, scratch) ? 200 : 0;
    for (int r = 0; r < 200; r++) {
      kernel(via, WG_CONV_BWD_WEIGHT, g, x, dy, dw, scratch);
      differing += memcmp(dw, first, sizeof(float) * nw) != 0;
    }
    CHECK(differing == 0, "C%d (%s): %d of 200 repeated calls gave another dw", g->C, via_name[via], differing);
    free(x), free(dy), free(first), free(dw), free(scratch);
  }
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(tf_same_layers);
  RUN(random_geometries);
  RUN(small_k_layers);
  RUN(small_k_random);
  RUN(unread_rows_zero);
  RUN(chunked_batch);
  RUN(empty_output);
  RUN(bwd_weight_reproducible);
  CHECK_EXIT();
}
