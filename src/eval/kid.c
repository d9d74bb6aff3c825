/* The kernel distance of Binkowski et al. 2018 (KID): the unbiased MMD^2
 * with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, and its
 * spread over random subsets. Unbiased, unlike the Frechet distance: its
 * mean over samples is the population MMD^2, so a small n does not
 * inflate it, and a value below zero is sampling noise around zero. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "eval/stream.h"
#include "wgan/eval.h"

/* KID_BLOCK: rows of a kernel matrix per dgemm, the unit of work of one thread. */
enum { KID_SALT = 0x6b1d, KID_BLOCK = 64 };
/* Up to this size the whole sets' kernel matrices are kept (n = m = 3300). */
#define KID_MATRIX_BYTES (256.0 * 1024 * 1024)

/* Rows i0 .. i0 + rows - 1 of the kernel matrix k(a_i, b_j) into K[rows, nb]. */
static void kernel_rows(const double *a, int64_t i0, int64_t rows, const double *b, int64_t nb, int d, double *K) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nb, d, 1.0 / d, a + i0 * d, d, b, d, 0.0, K,
              (int)nb);
  for (int64_t i = 0; i < rows * nb; i++) K[i] = (K[i] + 1) * (K[i] + 1) * (K[i] + 1);
}

/* Sum over pairs (a_i, b_j) of k(a_i, b_j), i != j when same (a == b), in
 * blocks of KID_BLOCK rows on any thread, each block's dgemm
 * single-threaded (OpenBLAS inside a parallel region), the block sums
 * added in order: the same value for every thread count. NaN when memory
 * runs out. */
static double kernel_sum(const double *a, int64_t na, const double *b, int64_t nb, int d, int same) {
  const int64_t blocks = (na + KID_BLOCK - 1) / KID_BLOCK;
  double *sums = malloc(sizeof(double) * (size_t)blocks);
  if (!sums) return NAN;
#pragma omp parallel
  {
    double *g = malloc(sizeof(double) * KID_BLOCK * (size_t)nb);
#pragma omp for schedule(dynamic, 1)
    for (int64_t k = 0; k < blocks; k++) {
      const int64_t i0 = k * KID_BLOCK, rows = na - i0 < KID_BLOCK ? na - i0 : KID_BLOCK;
      sums[k] = NAN;
      if (!g) continue;
      kernel_rows(a, i0, rows, b, nb, d, g);
      double total = 0;
      for (int64_t i = 0; i < rows; i++) {
        double t = 0;
        for (int64_t j = 0; j < nb; j++) t += same && i0 + i == j ? 0.0 : g[i * nb + j];
        total += t;
      }
      sums[k] = total;
    }
    free(g);
  }
  double total = 0;
  for (int64_t k = 0; k < blocks; k++) total += sums[k];
  free(sums);
  return total;
}

/* The unbiased MMD^2 of a[na, d] and b[nb, d] in double (NaN when memory
 * runs out). */
static double mmd2(const double *a, int64_t na, const double *b, int64_t nb, int d) {
  const double xx = kernel_sum(a, na, a, na, d, 1) / ((double)na * (double)(na - 1));
  const double yy = kernel_sum(b, nb, b, nb, d, 1) / ((double)nb * (double)(nb - 1));
  const double xy = kernel_sum(a, na, b, nb, d, 0) / ((double)na * (double)nb);
  return xx + yy - 2 * xy;
}

static void to_double(const float *x, int64_t n, int d, double *out) {
  for (int64_t i = 0; i < n * d; i++) out[i] = x[i];
}

/* NaN values are either points that are not finite or memory that ran out. */
static wg_status nan_status(const float *a, int64_t n, const float *b, int64_t m, int d, const char *what) {
  for (int64_t i = 0; i < n * d; i++)
    if (!isfinite(a[i])) return wg_set_error(WG_EINVAL, "%s: the points are not all finite", what);
  for (int64_t i = 0; i < m * d; i++)
    if (!isfinite(b[i])) return wg_set_error(WG_EINVAL, "%s: the points are not all finite", what);
  return wg_set_error(WG_ENOMEM, "%s: out of memory", what);
}

wg_status wg_mmd2_poly(const float *a, int64_t n, const float *b, int64_t m, int d, double *out) {
  if (!a || !b || !out || n < 2 || m < 2 || d < 1) return wg_set_error(WG_EINVAL, "mmd: need n, m >= 2 points of dimension >= 1");
  double *x = malloc(sizeof(double) * (size_t)((n + m) * d));
  if (!x) return wg_set_error(WG_ENOMEM, "mmd: out of memory for %lld + %lld points", (long long)n, (long long)m);
  double *y = x + n * d;
  to_double(a, n, d, x);
  to_double(b, m, d, y);
  *out = mmd2(x, n, y, m, d);
  free(x);
  return isfinite(*out) ? WG_OK : nan_status(a, n, b, m, d, "mmd");
}

/* Rows idx[s] of x, in double. */
static void gather(const float *x, int d, const int64_t *idx, int64_t s, double *out) {
  for (int64_t i = 0; i < s; i++) to_double(x + idx[i] * d, 1, d, out + i * d);
}

/* The first s of a partial shuffle of 0..n-1 into perm[n]. */
static void draw_subset(wg_rng *r, int64_t n, int64_t s, int64_t *perm) {
  for (int64_t i = 0; i < n; i++) perm[i] = i;
  for (int64_t i = 0; i < s; i++) {
    int64_t j = i + (int64_t)wg_rng_below(r, (uint64_t)(n - i)), t = perm[i];
    perm[i] = perm[j], perm[j] = t;
  }
}

/* Sum over the pairs of rows ia[s] and columns jb[s] of K[., ld] (i != j
 * when same: ia == jb of one set). */
static double subset_sum(const double *K, int64_t ld, const int64_t *ia, const int64_t *jb, int64_t s, int same) {
  double total = 0;
  for (int64_t i = 0; i < s; i++) {
    const double *row = K + ia[i] * ld;
    double t = 0;
    for (int64_t j = 0; j < s; j++) t += same && i == j ? 0.0 : row[jb[j]];
    total += t;
  }
  return total;
}

/* The kernel matrix K[i * nb + j] = k(a_i, b_j), blocks of rows on any
 * thread (each dgemm single-threaded): the same for every thread count. */
static void kernel_matrix(const double *a, int64_t na, const double *b, int64_t nb, int d, double *K) {
  const int64_t blocks = (na + KID_BLOCK - 1) / KID_BLOCK;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t k = 0; k < blocks; k++) {
    const int64_t i0 = k * KID_BLOCK, rows = na - i0 < KID_BLOCK ? na - i0 : KID_BLOCK;
    kernel_rows(a, i0, rows, b, nb, d, K + i0 * nb);
  }
}

/* The subsets' MMD^2 from the three kernel matrices of the whole sets,
 * computed once: each subset is then s^2 look-ups, not three products. */
typedef struct {
  const double *kaa, *kbb, *kab;
} kernels;

static int by_index(const void *p, const void *q) {
  int64_t x = *(const int64_t *)p, y = *(const int64_t *)q;
  return (x > y) - (x < y);
}

/* Subset k's index sets ia (of a) and jb (of b), from stream (seed, k),
 * each sorted so that the look-ups walk the matrices forward; perm
 * [max(n, m)]. */
static void subset_indices(uint64_t seed, int k, int64_t n, int64_t m, int64_t s, int64_t *perm, int64_t *ia, int64_t *jb) {
  wg_rng r;
  wg_eval_stream(&r, seed, (uint64_t)k, KID_SALT);
  draw_subset(&r, n, s, perm);
  memcpy(ia, perm, sizeof(int64_t) * (size_t)s);
  draw_subset(&r, m, s, perm);
  memcpy(jb, perm, sizeof(int64_t) * (size_t)s);
  qsort(ia, (size_t)s, sizeof *ia, by_index);
  qsort(jb, (size_t)s, sizeof *jb, by_index);
}

/* values[subsets], one subset per iteration on any thread: each value is
 * computed alone, so every thread count gives the same values. With
 * kernels k (NULL when the whole sets' matrices would not fit), look-ups;
 * otherwise the subset's own products (OpenBLAS is single-threaded inside
 * a parallel region). */
static wg_status subset_values(const float *a, int64_t n, const float *b, int64_t m, int d, const kernels *k,
                               int subsets, int64_t s, uint64_t seed, double *values) {
  int failed = 0;
  const double ss = (double)s * (double)(s - 1);
#pragma omp parallel
  {
    /* Without the kernel matrices: the subsets' points x, y. */
    double *x = k ? NULL : malloc(sizeof(double) * (size_t)(2 * s * d)), *y = x ? x + s * d : NULL;
    const int64_t big = n > m ? n : m;
    int64_t *perm = malloc(sizeof(int64_t) * (size_t)(big + 2 * s)), *ia = perm ? perm + big : NULL, *jb = ia ? ia + s : NULL;
    const int short_of_memory = !perm || (!k && !x);
#pragma omp for schedule(dynamic, 1)
    for (int q = 0; q < subsets; q++) {
      if (short_of_memory) continue;
      subset_indices(seed, q, n, m, s, perm, ia, jb);
      if (k) {
        values[q] = subset_sum(k->kaa, n, ia, ia, s, 1) / ss + subset_sum(k->kbb, m, jb, jb, s, 1) / ss -
                    2 * subset_sum(k->kab, m, ia, jb, s, 0) / ((double)s * (double)s);
      } else {
        gather(a, d, ia, s, x);
        gather(b, d, jb, s, y);
        values[q] = mmd2(x, s, y, s, d);
      }
    }
    if (short_of_memory) {
#pragma omp atomic write
      failed = 1;
    }
    free(x), free(perm);
  }
  return failed ? wg_set_error(WG_ENOMEM, "kid: out of memory for subsets of %lld", (long long)s) : WG_OK;
}

/* The three kernel matrices of a and b in buf (NULL when they would take
 * more than KID_MATRIX_BYTES: the subsets then compute their own). */
static double *whole_kernels(const float *a, int64_t n, const float *b, int64_t m, int d, kernels *k) {
  const double entries = (double)n * n + (double)m * m + (double)n * m;
  if (entries * sizeof(double) > KID_MATRIX_BYTES) return NULL;
  double *buf = malloc(sizeof(double) * ((size_t)entries + (size_t)((n + m) * d)));
  if (!buf) return NULL;
  double *kaa = buf, *kbb = kaa + n * n, *kab = kbb + m * m, *x = kab + n * m, *y = x + n * d;
  to_double(a, n, d, x);
  to_double(b, m, d, y);
  kernel_matrix(x, n, x, n, d, kaa);
  kernel_matrix(y, m, y, m, d, kbb);
  kernel_matrix(x, n, y, m, d, kab);
  *k = (kernels){kaa, kbb, kab};
  return buf;
}

wg_status wg_kid(const float *a, int64_t n, const float *b, int64_t m, int d, int subsets, int64_t subset_size,
                 uint64_t seed, wg_kid_result *out) {
  if (!a || !b || !out || d < 1 || subsets < 1) return wg_set_error(WG_EINVAL, "kid: need points and subsets >= 1");
  if (subset_size < 2 || subset_size > n || subset_size > m)
    return wg_set_error(WG_EINVAL, "kid: subset size %lld must be in [2, min(%lld, %lld)]", (long long)subset_size,
                        (long long)n, (long long)m);
  double *v = malloc(sizeof(double) * (size_t)subsets);
  if (!v) return wg_set_error(WG_ENOMEM, "kid: out of memory");
  kernels kern;
  double *whole = whole_kernels(a, n, b, m, d, &kern);
  wg_status st = subset_values(a, n, b, m, d, whole ? &kern : NULL, subsets, subset_size, seed, v);
  free(whole);
  if (st == WG_OK) {
    double sum = 0, ss = 0;
    for (int k = 0; k < subsets; k++) sum += v[k];
    const double mean = sum / subsets;
    for (int k = 0; k < subsets; k++) ss += (v[k] - mean) * (v[k] - mean);
    *out = (wg_kid_result){.mean = mean, .std = sqrt(ss / subsets), .subsets = subsets,
                           .subset_size = subset_size};
    if (!isfinite(mean)) st = nan_status(a, n, b, m, d, "kid");
  }
  free(v);
  return st;
}
