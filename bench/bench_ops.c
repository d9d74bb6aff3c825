/* Times the conv kernels and matmuls of the WGAN-GP MNIST model (batch 50) next to
 * the sgemm ceiling: a square 1024^3 sgemm, and one sgemm of the conv's shape over
 * the whole batch ([OC, N*OH*OW] = [OC, K] x [K, N*OH*OW] and its two adjoint
 * shapes) with the im2col left out, i.e. what a conv through plain sgemm cannot beat.
 * Each kernel runs through both implementations, side by side: the project's own
 * ('own') and oneDNN's ('dnnl'); 'rule' names the one conv_path.c picks on this
 * CPU's vector level (wg_isa_active, capped by ONEDNN_MAX_CPU_ISA, which oneDNN
 * honours too); '/sgemm' is a kernel's GFLOP/s over the square sgemm's.
 * Where the CPU has native bfloat16, oneDNN's bf16 kernels are timed too
 * (what --precision bf16 runs for the deep layers).
 * Usage: bench_ops [runs] [layer]   (medians of `runs` timings, default 25; 1 and 2 threads;
 *        layer 1-4 times that conv alone) */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bf16.h"
#include "core/conv_kernels.h"
#include "core/sgemm.h"
#include "timing.h"
#include "wgan.h"

static int runs = 25;



/* What one timed call does. */
typedef struct {
  int op;  /* 0 fwd, 1 bwd_data, 2 bwd_weight, 3 the conv's gemm alone, 4 plain m x n x k gemm */
  int dnnl; /* ops 0-2: 1 through oneDNN, 2 through oneDNN in bf16 (x16, w16, y16), else the own kernels */
  /* for op 3: which of the three gemm shapes (fwd, bwd_data, bwd_weight) */
  int shape;
  const wg_conv_geom *g;
  float *x, *w, *y, *s, *col; /* col[K, N*P] for the gemm alone */
  uint16_t *x16, *w16, *y16;  /* x, w, y in bfloat16 */
  int m, n, k; /* plain gemm */
} job;

static void run_job(const job *j) {
  const wg_conv_geom *g = j->g;
  switch (j->op) {
    case 0:
    case 1:
    case 2: {
      static const int kind[3] = {WG_CONV_FWD, WG_CONV_BWD_DATA, WG_CONV_BWD_WEIGHT};
      const float *a = j->op == 1 ? j->y : j->x, *b = j->op == 2 ? j->y : j->w;
      float *out = j->op == 0 ? j->y : j->op == 1 ? j->x : j->w;
      const uint16_t *a16 = j->op == 1 ? j->y16 : j->x16, *b16 = j->op == 2 ? j->y16 : j->w16;
      if (!j->dnnl) wg_conv2d_own(kind[j->op], g, a, b, out, j->s);
      else if (j->dnnl == 2 ? wg_conv2d_dnnl(kind[j->op], g, 1, a16, b16, out)
                            : wg_conv2d_dnnl(kind[j->op], g, 0, a, b, out)) {
        fprintf(stderr, "bench_ops: oneDNN has no implementation for this layer\n");
        exit(1);
      }
      break;
    }
    case 3: {
      int K = g->C * g->KH * g->KW, P = g->N * g->OH * g->OW;
      float *col = j->col, *Y = j->y;
      if (j->shape == 0)
        wg_sgemm(0, 0, g->OC, P, K, 1, j->w, K, col, P, 0, Y, P);
      else if (j->shape == 1)
        wg_sgemm(1, 0, K, P, g->OC, 1, j->w, K, Y, P, 0, col, P);
      else
        wg_sgemm(0, 1, g->OC, K, P, 1, Y, P, col, P, 0, j->w, K);
      break;
    }
    default:
      wg_sgemm(0, 0, j->m, j->n, j->k, 1, j->x, j->k, j->w, j->n, 0, j->y, j->n);
  }
}

/* Median seconds of one call, after warm-up. */
static double time_job(const job *j) {
  double *t = malloc(sizeof(double) * runs);
  for (int i = 0; i < 3; i++) run_job(j);
  for (int i = 0; i < runs; i++) {
    double t0 = now();
    run_job(j);
    t[i] = now() - t0;
  }
  qsort(t, runs, sizeof(double), cmp_double);
  double m = t[runs / 2];
  free(t);
  return m;
}

static float *randf(wg_rng *r, size_t n) {
  float *p = aligned_alloc(64, (sizeof(float) * n + 63) / 64 * 64);
  wg_rng_fill_normal(r, p, n, 0, 1);
  return p;
}

static wg_conv_geom same(int N, int C, int H, int OC, int k, int s) {
  wg_conv_geom g = {.N = N, .C = C, .H = H, .W = H, .OC = OC, .KH = k, .KW = k, .sh = s, .sw = s};
  g.OH = g.OW = (H + s - 1) / s;
  int t = (g.OH - 1) * s + k - H;
  g.pt = g.pl = (t > 0 ? t : 0) / 2;
  return g;
}

static double gemm_gflops(wg_rng *r, int m, int n, int k) {
  job j = {.op = 4, .m = m, .n = n, .k = k};
  j.x = randf(r, (size_t)m * k), j.w = randf(r, (size_t)k * n), j.y = randf(r, (size_t)m * n);
  double t = time_job(&j);
  free(j.x), free(j.w), free(j.y);
  return 2.0 * m * n * k / t * 1e-9;
}

int main(int argc, char **argv) {
  if (argc > 1) runs = atoi(argv[1]) > 0 ? atoi(argv[1]) : runs;
  const int only = argc > 2 ? atoi(argv[2]) : 0;
  wg_rng r;
  wg_rng_seed(&r, 1);
  struct {
    const char *name, *use;
    wg_conv_geom g;
  } layers[] = {
      {"conv 1->64 28->14", "critic 1; bwd_data = gen deconv 64->1 14->28", same(50, 1, 28, 64, 5, 2)},
      {"conv 64->128 14->7", "critic 2; bwd_data = gen deconv 128->64 7->14", same(50, 64, 14, 128, 5, 2)},
      {"conv 128->256 7->4", "critic 3", same(50, 128, 7, 256, 5, 2)},
      {"conv 128->256 8->4", "bwd_data = gen deconv 256->128 4->8", same(50, 128, 8, 256, 5, 2)},
  };
  const char *opname[3] = {"fwd", "bwd_data", "bwd_weight"};
  printf("median of %d runs; GFLOP/s = 2*N*OC*OH*OW*C*KH*KW / time; 'gemm' = one whole-batch sgemm of the conv's shape, no im2col\n",
         runs);
  printf("vector level of the own loops: %s; sgemm: %s (OpenBLAS's kernels: %s)\n", wg_isa_name(wg_isa_active()),
         wg_sgemm_library(), wg_openblas_kernels());
  const int bf16 = wg_precision_check(WG_PRECISION_BF16) == WG_OK;
  printf("'bf16 ms': oneDNN's bf16 kernel on inputs converted beforehand (%s)\n",
         bf16 ? "this CPU has native bfloat16" : "-: this CPU has no native bfloat16");
  for (int threads = 1; threads <= 2; threads++) {
    wg_set_threads(threads);
    printf("\n== %d thread%s ==\n", threads, threads > 1 ? "s" : "");
    const double ceiling = gemm_gflops(&r, 1024, 1024, 1024);
    printf("sgemm 1024^3: %.1f GFLOP/s\n", ceiling);
    printf("%-20s %-10s %8s %8s %8s %8s %9s %7s %7s %5s %8s\n", "layer", "kernel", "own ms", "own GF/s", "dnnl ms",
           "dnnl GF", "gemm GF/s", "own/sg", "dnnl/sg", "rule", "bf16 ms");
    for (size_t l = 0; l < sizeof layers / sizeof *layers; l++) {
      if (only > 0 && (size_t)only != l + 1) continue;
      const wg_conv_geom *g = &layers[l].g;
      size_t nx = (size_t)g->N * g->C * g->H * g->W, nw = (size_t)g->OC * g->C * g->KH * g->KW;
      size_t ny = (size_t)g->N * g->OC * g->OH * g->OW;
      job j = {.g = g};
      j.x = randf(&r, nx), j.w = randf(&r, nw), j.y = randf(&r, ny);
      j.s = randf(&r, wg_conv2d_scratch_floats(g));
      j.col = randf(&r, (size_t)g->C * g->KH * g->KW * g->N * g->OH * g->OW);
      j.x16 = malloc(sizeof(uint16_t) * nx), j.w16 = malloc(sizeof(uint16_t) * nw), j.y16 = malloc(sizeof(uint16_t) * ny);
      wg_to_bf16(j.x, j.x16, (int64_t)nx), wg_to_bf16(j.w, j.w16, (int64_t)nw), wg_to_bf16(j.y, j.y16, (int64_t)ny);
      double flop = 2.0 * ny * g->C * g->KH * g->KW;
      double total[2] = {0, 0};
      for (int op = 0; op < 3; op++) {
        double t[3];
        j.op = op;
        for (int d = 0; d < 2; d++) j.dnnl = d, t[d] = time_job(&j), total[d] += op ? t[d] : 0;
        j.dnnl = 2, t[2] = bf16 ? time_job(&j) : NAN;
        j.op = 3, j.shape = op;
        double tg = time_job(&j);
        printf("%-20s %-10s %8.3f %8.1f %8.3f %8.1f %9.1f %6.0f%% %6.0f%% %5s %8.3f\n", op ? "" : layers[l].name,
               opname[op], t[0] * 1e3, flop / t[0] * 1e-9, t[1] * 1e3, flop / t[1] * 1e-9, flop / tg * 1e-9,
               100 * flop / t[0] * 1e-9 / ceiling, 100 * flop / t[1] * 1e-9 / ceiling,
               wg_conv_path_for(g) == WG_CONV_PATH_DNNL ? "dnnl" : "own", t[2] * 1e3);
      }
      printf("%-20s %-10s %8.3f %8.1f %8.3f %8.1f   (%s)\n", "", "backward", total[0] * 1e3,
             2 * flop / total[0] * 1e-9, total[1] * 1e3, 2 * flop / total[1] * 1e-9, layers[l].use);
      free(j.x), free(j.w), free(j.y), free(j.s), free(j.col), free(j.x16), free(j.w16), free(j.y16);
    }
    printf("linear [50,4096]x[4096,1]: %.2f GFLOP/s; [50,128]x[128,4096]: %.1f GFLOP/s\n",
           gemm_gflops(&r, 50, 1, 4096), gemm_gflops(&r, 50, 4096, 128));
  }
  return 0;
}
