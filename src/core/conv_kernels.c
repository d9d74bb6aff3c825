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
 * keep the gemm wide enough and col mostly in cache.
 *
 * Small K = C*KH*KW (the first layer: C = 1, 5x5, K = 25) skips sgemm on
 * AVX-512 and AVX2, for the direct loops of conv_small_k.c; below AVX2
 * conv_path.c sends it to oneDNN, and these kernels serve it through sgemm
 * only where oneDNN cannot. */
#include "core/conv_kernels.h"
#include "core/conv_small_k.h"
#include "core/sgemm.h"
#include "wgan/base.h"

#include <cblas.h> /* openblas_set_num_threads */
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

/* The direct loops (conv_small_k.c) that replace sgemm for g at the vector
 * level in use, or NULL: K too large, or no direct loops at this level. */
static const wg_conv_small_ops *small_ops(const wg_conv_geom *g) {
  return g->C * g->KH * g->KW <= WG_CONV_SMALL_K ? wg_conv_small_for(wg_isa_active()) : NULL;
}

static int small_k(const wg_conv_geom *g) { return small_ops(g) != NULL; }

static size_t slack(const wg_conv_geom *g) { return small_k(g) ? WG_CONV_SMALL_SLACK : 0; }

/* The direct loops' part of a slot, for up to 16 lanes: vector partial sums
 * dwv[OC*K, lanes], zero-padded copies of ragged column blocks tb[K + OC,
 * lanes], and the shared rows eb[K, P] (+ slack) of bwd_data (shared_col). */
static size_t small_floats(const wg_conv_geom *g) {
  size_t K = (size_t)g->C * g->KH * g->KW, P = (size_t)g->OH * g->OW;
  return small_k(g) ? round16((size_t)g->OC * K * 16) + round16((K + g->OC) * 16) +
                          round16(K * P + slack(g))
                    : 0;
}

/* One thread's slot: col[K, nb*P], Y[OC, nb*P], a partial dw[OC, K], padded
 * planes pad[nb*C, Hp, Wp], then the direct loops' part. */
static size_t slot_floats(const wg_conv_geom *g) {
  if (g->OH <= 0 || g->OW <= 0) return 0;
  size_t nb = (size_t)max_chunk(g), P = (size_t)g->OH * g->OW;
  size_t K = (size_t)g->C * g->KH * g->KW;
  size_t pad = nb * g->C * (size_t)((g->OH - 1) * g->sh + g->KH) * ((g->OW - 1) * g->sw + g->KW);
  return round16(K * nb * P + slack(g)) + round16((size_t)g->OC * nb * P) +
         round16((size_t)g->OC * K) + round16(pad + slack(g)) + small_floats(g);
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

/* Output positions handled per index table (a stack array). */
enum { TILE = 512 };

/* idx[i] = offset in a padded plane of tap (0,0) for output position p0 + i. */
static int fill_index(const wg_conv_geom *g, int p0, int *idx) {
  const int P = g->OH * g->OW, m = P - p0 < TILE ? P - p0 : TILE, Wp = wg_conv_pad_w(g);
  int oh = p0 / g->OW, ow = p0 % g->OW;
  for (int i = 0; i < m; i++) {
    idx[i] = oh * g->sh * Wp + ow * g->sw;
    if (++ow == g->OW) ow = 0, oh++;
  }
  return m;
}

/* pad[nb*C, Hp, Wp] = x[nb*C, H, W] shifted by (pt, pl), zero outside the image. */
static void pad_planes(const wg_conv_geom *g, int nb, const float *x, float *pad) {
  const int Hp = wg_conv_pad_h(g), Wp = wg_conv_pad_w(g);
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
  const int Hp = wg_conv_pad_h(g), Wp = wg_conv_pad_w(g);
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
  const long ld = (long)nb * P, plane = (long)wg_conv_pad_h(g) * wg_conv_pad_w(g);
  int idx[TILE];
  for (int p0 = 0; p0 < P; p0 += TILE) {
    const int m = fill_index(g, p0, idx);
    for (int r = 0; r < rows; r++) {
      const int c = r / KK, kh = r % KK / g->KW, kw = r % g->KW;
      for (int n = 0; n < nb; n++) {
        const float *s = pad + ((long)n * g->C + c) * plane + kh * wg_conv_pad_w(g) + kw;
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
  const long ld = (long)nb * P, plane = (long)wg_conv_pad_h(g) * wg_conv_pad_w(g);
  int idx[TILE];
  memset(pad, 0, sizeof(float) * (size_t)(nb * g->C * plane));
  for (int p0 = 0; p0 < P; p0 += TILE) {
    const int m = fill_index(g, p0, idx);
    for (int r = 0; r < rows; r++) {
      const int c = r / KK, kh = r % KK / g->KW, kw = r % g->KW;
      for (int n = 0; n < nb; n++) {
        float *d = pad + ((long)n * g->C + c) * plane + kh * wg_conv_pad_w(g) + kw;
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


/* How one call spreads the batch: chunks of cb samples (the last may be
 * shorter) over a team of T threads, each with its own slot of scratch. */
typedef struct {
  const wg_conv_geom *g;
  int K, P, T, cb, chunks, small;
  const wg_conv_small_ops *ops;     /* small K: the direct loops of this vector level */
  long xs, ys;                      /* floats of one sample of x, of y */
  size_t slot, ycol, dwoff, padoff; /* floats of a slot; where its Y, dwp, pad start */
} conv_run;

/* The chunking of a call on g, and the layout of a slot (slot_floats). */
static conv_run plan_run(const wg_conv_geom *g) {
  conv_run r = {.g = g, .K = g->C * g->KH * g->KW, .P = g->OH * g->OW, .T = team()};
  r.cb = chunk_for(g, r.T);
  r.chunks = g->N ? (g->N + r.cb - 1) / r.cb : 0;
  r.ops = small_ops(g), r.small = r.ops != NULL;
  r.xs = (long)g->C * g->H * g->W, r.ys = (long)g->OC * r.P;
  r.slot = slot_floats(g);
  r.ycol = round16((size_t)r.K * max_chunk(g) * r.P + slack(g));
  r.dwoff = r.ycol + round16((size_t)g->OC * max_chunk(g) * r.P);
  r.padoff = r.dwoff + round16((size_t)g->OC * r.K);
  return r;
}

/* One thread's slot of the scratch (slot_floats), in its parts. */
typedef struct {
  float *col, *Y, *dwp, *pad; /* col[K, nb*P], Y[OC, nb*P], dwp[OC, K], pad[nb*C, Hp, Wp] */
  float *dwv, *tb, *eb;       /* small K only: dwv[OC*K, L], tb[K + OC, L], eb[K, P] */
  long coff[WG_CONV_SMALL_K]; /* small K only: row k of col(K x P) is at col + coff[k] */
} slot_parts;

/* The parts of the slot of the given thread. */
static void slot_at(const conv_run *r, float *scratch, int thread, slot_parts *s) {
  s->col = scratch + r->slot * (size_t)thread, s->Y = s->col + r->ycol;
  s->dwp = s->col + r->dwoff, s->pad = s->col + r->padoff;
  s->dwv = s->tb = s->eb = NULL;
  if (r->small) {
    s->dwv = s->col + r->slot - small_floats(r->g);
    s->tb = s->dwv + round16((size_t)r->g->OC * r->K * 16);
    s->eb = s->tb + round16(((size_t)r->K + r->g->OC) * 16);
    r->ops->shared_col(r->g, NULL, NULL, s->coff);
  }
}

/* The first sample of chunk ch; *nb gets its number of samples. */
static int chunk_start(const conv_run *r, int ch, int *nb) {
  const int n0 = ch * r->cb;
  *nb = r->g->N - n0 < r->cb ? r->g->N - n0 : r->cb;
  return n0;
}

/* col(K x P) of sample n of x, for the direct loops (shared_col). */
static void unfold_sample(const conv_run *r, slot_parts *s, const float *x, int n) {
  pad_planes(r->g, 1, x + n * r->xs, s->pad);
  r->ops->shared_col(r->g, s->pad, s->col, s->coff);
}

/* col[K, nb*P] of the nb samples of x from n0 on, for sgemm. */
static void unfold_chunk(const conv_run *r, slot_parts *s, const float *x, int n0, int nb) {
  pad_planes(r->g, nb, x + n0 * r->xs, s->pad);
  im2col(r->g, nb, s->pad, s->col);
}

/* y = conv(x, w) for the samples of chunk ch. Small K goes one sample at a
 * time, so that its col and the ragged blocks stay in L1. */
static void fwd_chunk(const conv_run *r, slot_parts *s, int ch, const float *x, const float *w,
                      float *y) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      unfold_sample(r, s, x, n);
      /* y[n][OC, P] = w[OC, K] col(K x P) */
      r->ops->gemm(g->OC, K, P, w, K, 1, s->col, 0, s->coff, y + n * r->ys, P, s->tb);
    }
    return;
  }
  unfold_chunk(r, s, x, n0, nb);
  /* Y[OC, nb*P] = w[OC, K] col[K, nb*P] */
  wg_sgemm(0, 0, g->OC, nb * P, K, 1.0f, w, K, s->col, nb * P, 0.0f, s->Y, nb * P);
  move_blocks(g, nb, s->Y, y + n0 * r->ys, 1);
}

/* dx = the adjoint in x, from dy and w, for the samples of chunk ch. */
static void bwd_data_chunk(const conv_run *r, slot_parts *s, int ch, const float *dy,
                           const float *w, float *dx) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      /* col[K, P] = w[OC, K]^T dy[n][OC, P] */
      r->ops->gemm(K, g->OC, P, w, 1, K, dy + n * r->ys, P, NULL, s->col, P, s->tb);
      r->ops->col_adjoint(g, s->col, s->eb, s->coff, s->pad);
      unpad_planes(g, 1, s->pad, dx + n * r->xs);
    }
    return;
  }
  move_blocks(g, nb, dy + n0 * r->ys, s->Y, 0);
  /* col[K, nb*P] = w[OC, K]^T Y[OC, nb*P] */
  wg_sgemm(1, 0, K, nb * P, g->OC, 1.0f, w, K, s->Y, nb * P, 0.0f, s->col, nb * P);
  col2im(g, nb, s->col, s->pad);
  unpad_planes(g, nb, s->pad, dx + n0 * r->xs);
}

/* Adds chunk ch's part of the adjoint in w, from x and dy, to this
 * thread's partial sums: dwp, or for small K the lanes dwv. */
static void bwd_weight_chunk(const conv_run *r, slot_parts *s, int ch, const float *x,
                             const float *dy) {
  const wg_conv_geom *g = r->g;
  const int K = r->K, P = r->P;
  int nb, n0 = chunk_start(r, ch, &nb);
  if (r->small) {
    for (int n = n0; n < n0 + nb; n++) {
      unfold_sample(r, s, x, n);
      r->ops->dw(g->OC, K, P, dy + n * r->ys, s->col, s->coff, s->dwv, s->tb);
    }
    return;
  }
  unfold_chunk(r, s, x, n0, nb);
  move_blocks(g, nb, dy + n0 * r->ys, s->Y, 0);
  /* dwp[OC, K] += Y[OC, nb*P] col[K, nb*P]^T */
  wg_sgemm(0, 1, g->OC, K, nb * P, 1.0f, s->Y, nb * P, s->col, nb * P, 1.0f, s->dwp, K);
}

/* dw[OC, K] by the team, inside its parallel region: each thread sums its
 * own chunks into its partial dw, then the partials are added in thread
 * order. The chunks are assigned statically (the same ones to the same
 * thread at every call), which keeps the partials, so dw and training,
 * bit-reproducible for a given thread count. */
static void bwd_weight_team(const conv_run *r, slot_parts *s, const float *x, const float *dy,
                            float *dw, const float *scratch) {
  const long n = (long)r->g->OC * r->K;
  memset(s->dwp, 0, sizeof(float) * (size_t)n);
  if (r->small) memset(s->dwv, 0, sizeof(float) * (size_t)n * r->ops->lanes);
#pragma omp for schedule(static) nowait
  for (int ch = 0; ch < r->chunks; ch++) bwd_weight_chunk(r, s, ch, x, dy);
  if (r->small) {
    /* this thread's partial dw: the sums over the lanes */
    for (long i = 0; i < n; i++) {
      float sum = 0;
      for (int l = 0; l < r->ops->lanes; l++) sum += s->dwv[i * r->ops->lanes + l];
      s->dwp[i] = sum;
    }
  }
#pragma omp barrier
  /* dw = sum of the partials, final after the barrier */
  const int nt = omp_get_num_threads();
#pragma omp for schedule(static)
  for (long i = 0; i < n; i++) {
    float sum = 0;
    for (int t = 0; t < nt; t++) sum += scratch[r->slot * (size_t)t + r->dwoff + i];
    dw[i] = sum;
  }
}

/* The three kernels share one driver: chunks of samples spread over the
 * team, each thread choosing its kernel's chunk function once. fwd and
 * bwd_data write disjoint samples, so their chunks go to whichever thread
 * is free (dynamic); bwd_weight's are fixed (bwd_weight_team). */
static void run(int kind, const wg_conv_geom *g, const float *x, const float *w, const float *dy,
                float *out, float *scratch) {
  const conv_run r = plan_run(g);
  if (r.P <= 0 || g->N <= 0) { /* an empty output: nothing reads x */
    if (kind == WG_CONV_BWD_DATA) memset(out, 0, sizeof(float) * (size_t)g->N * r.xs);
    if (kind == WG_CONV_BWD_WEIGHT) memset(out, 0, sizeof(float) * (size_t)g->OC * r.K);
    return;
  }
  const int blas_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
#pragma omp parallel num_threads(r.T)
  {
    slot_parts s;
    slot_at(&r, scratch, omp_get_thread_num(), &s);
    if (kind == WG_CONV_FWD) {
#pragma omp for schedule(dynamic, 1) nowait
      for (int ch = 0; ch < r.chunks; ch++) fwd_chunk(&r, &s, ch, x, w, out);
    } else if (kind == WG_CONV_BWD_DATA) {
#pragma omp for schedule(dynamic, 1) nowait
      for (int ch = 0; ch < r.chunks; ch++) bwd_data_chunk(&r, &s, ch, dy, w, out);
    } else {
      bwd_weight_team(&r, &s, x, dy, out, scratch);
    }
  }
  openblas_set_num_threads(blas_threads);
}

void wg_conv2d_own(int kind, const wg_conv_geom *g, const float *a, const float *b, float *out,
                   float *scratch) {
  if (kind == WG_CONV_FWD) run(kind, g, a, b, NULL, out, scratch);
  else if (kind == WG_CONV_BWD_DATA) run(kind, g, NULL, b, a, out, scratch);
  else run(kind, g, a, NULL, b, out, scratch);
}
