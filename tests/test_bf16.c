/* A context in bf16: the rounding to bfloat16 against hand-worked cases and a
 * nearest-of-two search, and the matrix products and the three convolution
 * kernels against direct loops in double on the inputs rounded by the test
 * (so a product that skipped the rounding, or rounded the output, fails),
 * through each path (oneDNN's bf16 kernels, and the float kernels on rounded
 * inputs for the first layer's short K). Cases that need native bfloat16 are
 * skips on a CPU without it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conv_naive.h"
#include "core/bf16.h"
#include "wgan.h"

static wg_rng rng;

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* The nearest bfloat16 to a finite f found by search: the two bfloat16
 * neighbours (f with its low 16 bits cut, and the next one away from 0),
 * the nearer in double, the one with an even last bit on a tie. */
static float nearest_bf16(float f) {
  const float lo = from_bits(bits(f) & 0xffff0000u), hi = from_bits((bits(f) & 0xffff0000u) + 0x10000u);
  const double dlo = fabs((double)f - lo), dhi = fabs((double)hi - f);
  if (dlo != dhi) return dlo < dhi ? lo : hi;
  return (bits(lo) >> 16) & 1 ? hi : lo;
}

static float round_bf16(float f) { return wg_float_of_bf16(wg_bf16_of(f)); }

static void rounding_by_hand(void) {
  CHECK(wg_bf16_of(1.0f) == 0x3f80, "1 -> %#x", wg_bf16_of(1.0f));
  CHECK(wg_bf16_of(-2.0f) == 0xc000, "-2 -> %#x", wg_bf16_of(-2.0f));
  /* 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even 1. */
  CHECK(wg_bf16_of(from_bits(0x3f808000u)) == 0x3f80, "1 + 2^-8 -> %#x", wg_bf16_of(from_bits(0x3f808000u)));
  /* 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6: up. */
  CHECK(wg_bf16_of(from_bits(0x3f818000u)) == 0x3f82, "1 + 3*2^-8 -> %#x", wg_bf16_of(from_bits(0x3f818000u)));
  /* Just above the halfway point: up. */
  CHECK(wg_bf16_of(from_bits(0x3f808001u)) == 0x3f81, "-> %#x", wg_bf16_of(from_bits(0x3f808001u)));
  CHECK(wg_bf16_of(from_bits(0x3f807fffu)) == 0x3f80, "-> %#x", wg_bf16_of(from_bits(0x3f807fffu)));
  /* The largest float rounds past bfloat16's largest finite number: infinity. */
  CHECK(wg_bf16_of(from_bits(0x7f7fffffu)) == 0x7f80, "FLT_MAX -> %#x", wg_bf16_of(from_bits(0x7f7fffffu)));
  CHECK(wg_bf16_of(INFINITY) == 0x7f80 && wg_bf16_of(-INFINITY) == 0xff80, "infinities");
  CHECK(isnan(round_bf16(NAN)), "NaN -> %g", round_bf16(NAN));
  /* A NaN whose payload sits in the low bits alone must not become infinity. */
  CHECK(isnan(round_bf16(from_bits(0x7f800001u))), "NaN with a low payload -> %g",
        round_bf16(from_bits(0x7f800001u)));
  CHECK(wg_bf16_of(-0.0f) == 0x8000, "-0 -> %#x", wg_bf16_of(-0.0f));
}

static void rounding_is_nearest(void) {
  int bad = 0;
  for (int i = 0; i < 200000 && bad < 5; i++) {
    /* Finite floats of every exponent but the top one. */
    uint32_t u = (uint32_t)wg_rng_u64(&rng);
    if (((u >> 23) & 0xff) >= 0xfe) continue;
    const float f = from_bits(u), want = nearest_bf16(f), got = round_bf16(f);
    if (bits(got) != bits(want)) {
      CHECK(0, "%a -> %a, the nearest is %a", f, got, want);
      bad++;
    }
  }
  float x[37], y[37];
  uint16_t h[37];
  wg_rng_fill_normal(&rng, x, 37, 0, 100);
  wg_to_bf16(x, h, 37);
  wg_round_to_bf16(x, y, 37);
  for (int i = 0; i < 37; i++)
    CHECK(bits(y[i]) == bits(nearest_bf16(x[i])) && h[i] == bits(y[i]) >> 16, "array element %d", i);
}

static void rounded_copy(const float *x, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = nearest_bf16(x[i]);
}

/* A context in bf16, or NULL with the case skipped by the caller. */
static wg_ctx *bf16_ctx(void) {
  if (wg_precision_check(WG_PRECISION_BF16) != WG_OK) return NULL;
  wg_ctx *ctx = wg_ctx_new(1 << 20);
  if (wg_ctx_set_precision(ctx, WG_PRECISION_BF16) != WG_OK) {
    CHECK(0, "bf16 refused on a CPU that has it: %s", wg_last_error());
    wg_ctx_free(ctx);
    return NULL;
  }
  wg_ctx_set_recording(ctx, 0);
  return ctx;
}

/* op(a) op(b) for the four transposes, against double loops on the rounded
 * inputs: float accumulation's error (1e-6 of the terms' magnitudes) is far
 * below what skipping the inputs' rounding costs (about 2^-9 of them). */
static void matmul_rounds_its_inputs(void) {
  wg_ctx *ctx = bf16_ctx();
  if (!ctx) SKIP("this CPU has no native bfloat16 (AVX-512-BF16 or AMX)");
  const int m = 37, k = 70, n = 29;
  float a[37 * 70], b[70 * 29], ar[37 * 70], br[70 * 29];
  wg_rng_fill_normal(&rng, a, sizeof a / sizeof *a, 0, 1);
  wg_rng_fill_normal(&rng, b, sizeof b / sizeof *b, 0, 1);
  rounded_copy(a, ar, sizeof a / sizeof *a);
  rounded_copy(b, br, sizeof b / sizeof *b);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) {
      const int sa[2] = {ta ? k : m, ta ? m : k}, sb[2] = {tb ? n : k, tb ? k : n};
      wg_tensor A, B;
      wg_tensor_leaf(&A, a, NULL, 2, sa, 0);
      wg_tensor_leaf(&B, b, NULL, 2, sb, 0);
      wg_tensor *c = wg_matmul(ctx, &A, &B, ta, tb);
      CHECK(c && c->shape[0] == m && c->shape[1] == n, "ta %d tb %d: %s", ta, tb, c ? "shape" : wg_last_error());
      if (!c) continue;
      double worst = 0, worst_unrounded = 0;
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          double want = 0, plain = 0, mag = 0;
          for (int p = 0; p < k; p++) {
            const int ia = ta ? p * m + i : i * k + p, ib = tb ? j * k + p : p * n + j;
            want += (double)ar[ia] * br[ib];
            plain += (double)a[ia] * b[ib];
            mag += fabs((double)ar[ia] * br[ib]);
          }
          worst = fmax(worst, fabs(c->data[i * n + j] - want) / mag);
          worst_unrounded = fmax(worst_unrounded, fabs(c->data[i * n + j] - plain) / mag);
        }
      CHECK(worst < 1e-6, "ta %d tb %d: off the rounded inputs' product by %g", ta, tb, worst);
      CHECK(worst_unrounded > 1e-4, "ta %d tb %d: within %g of the float product: the inputs were not rounded",
            ta, tb, worst_unrounded);
    }
  wg_ctx_free(ctx);
}

/* The three kernels on geometry g in bf16 against the direct loops on the
 * rounded arrays. */
static void check_conv(wg_ctx *ctx, wg_conv_geom g, const char *what) {
  const size_t nx = xsize(&g), nw = wsize(&g), ny = ysize(&g);
  float *x = malloc(sizeof(float) * nx), *w = malloc(sizeof(float) * nw), *dy = malloc(sizeof(float) * ny);
  float *xr = malloc(sizeof(float) * nx), *wr = malloc(sizeof(float) * nw), *dyr = malloc(sizeof(float) * ny);
  double *r[3] = {malloc(sizeof(double) * ny), malloc(sizeof(double) * nx), malloc(sizeof(double) * nw)};
  double *mag[3] = {malloc(sizeof(double) * ny), malloc(sizeof(double) * nx), malloc(sizeof(double) * nw)};
  wg_rng_fill_normal(&rng, x, nx, 0, 1);
  wg_rng_fill_normal(&rng, w, nw, 0, 1);
  wg_rng_fill_normal(&rng, dy, ny, 0, 1);
  rounded_copy(x, xr, nx);
  rounded_copy(w, wr, nw);
  rounded_copy(dy, dyr, ny);
  naive(&g, xr, wr, dyr, r[0], r[1], r[2], mag[0], mag[1], mag[2]);
  const int xs[4] = {g.N, g.C, g.H, g.W}, ws[4] = {g.OC, g.C, g.KH, g.KW}, ys[4] = {g.N, g.OC, g.OH, g.OW};
  wg_tensor X, W, DY;
  wg_tensor_leaf(&X, x, NULL, 4, xs, 0);
  wg_tensor_leaf(&W, w, NULL, 4, ws, 0);
  wg_tensor_leaf(&DY, dy, NULL, 4, ys, 0);
  /* A negative bottom or right pad is input the taps never read: pad 0. */
  const int pb = (g.OH - 1) * g.sh + g.KH - g.H - g.pt, pr = (g.OW - 1) * g.sw + g.KW - g.W - g.pl;
  const wg_conv_opts o = {{g.sh, g.sw}, {g.pt, pb > 0 ? pb : 0, g.pl, pr > 0 ? pr : 0}, {0, 0}};
  wg_tensor *got[3] = {wg_conv2d(ctx, &X, &W, &o), wg_conv2d_bwd_data(ctx, &DY, &W, &o, g.H, g.W),
                       wg_conv2d_bwd_weight(ctx, &X, &DY, &o, g.KH, g.KW)};
  static const char *const kind[3] = {"forward", "bwd_data", "bwd_weight"};
  const size_t len[3] = {ny, nx, nw};
  for (int q = 0; q < 3; q++) {
    CHECK(got[q] != NULL, "%s %s: %s", what, kind[q], wg_last_error());
    if (got[q])
      CHECK(rel_err(got[q]->data, r[q], mag[q], len[q]) < 1e-5, "%s %s: off by %g", what, kind[q],
            rel_err(got[q]->data, r[q], mag[q], len[q]));
  }
  free(x), free(w), free(dy), free(xr), free(wr), free(dyr);
  for (int q = 0; q < 3; q++) free(r[q]), free(mag[q]);
}

static void convolutions_round_their_inputs(void) {
  wg_ctx *ctx = bf16_ctx();
  if (!ctx) SKIP("this CPU has no native bfloat16 (AVX-512-BF16 or AMX)");
  /* The MNIST critic's first layer (K = 25: float kernels on rounded inputs),
   * a deeper one (K = 200: oneDNN's bf16 kernels) with TF-SAME's asymmetric
   * pads, and input rows no tap reads (K = 72: oneDNN has no kernel for
   * them, the float kernels on rounded inputs serve). */
  const wg_conv_geom first = {3, 1, 28, 28, 8, 5, 5, 14, 14, 2, 2, 1, 1};
  const wg_conv_geom deep = {2, 8, 14, 14, 16, 5, 5, 7, 7, 2, 2, 1, 1};
  const wg_conv_geom odd = {2, 5, 9, 11, 6, 3, 4, 9, 11, 1, 1, 1, 1};
  const wg_conv_geom unread = {2, 8, 10, 10, 4, 3, 3, 4, 4, 2, 2, 0, 0};
  check_conv(ctx, first, "first layer");
  check_conv(ctx, deep, "deep layer");
  check_conv(ctx, odd, "stride 1, 3x4");
  check_conv(ctx, unread, "unread rows");
  wg_ctx_free(ctx);
}

static void fp32_is_every_cpus(void) {
  wg_ctx *ctx = wg_ctx_new(0);
  CHECK(wg_ctx_set_precision(ctx, WG_PRECISION_FP32) == WG_OK, "%s", wg_last_error());
  CHECK(wg_ctx_set_precision(ctx, (wg_precision)7) == WG_EINVAL, "an unknown precision was accepted");
  wg_ctx_free(ctx);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(rounding_by_hand);
  RUN(rounding_is_nearest);
  RUN(matmul_rounds_its_inputs);
  RUN(convolutions_round_their_inputs);
  RUN(fp32_is_every_cpus);
  CHECK_EXIT();
}
