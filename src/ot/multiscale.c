/* Multiscale candidates (in the spirit of Schmitzer's and Mérigot's
 * multiscale transport: a coarse plan tells which fine arcs matter; here
 * only as a guess, since the full passes certify the result). */
#include "ot/multiscale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define PER_CELL 2
/* pairs of a joined cell pair up to this many times its points: all of them;
 * beyond (heavy duplicates), a band of each source's share of the sinks */
#define ALL_PAIRS 32
#define BAND 4

int wg_ot_use_candidates(const wg_ns_problem *pb) {
  const double most = pb->dense_arcs > 0 ? pb->dense_arcs : WG_OT_DENSE_ARCS;
  return !pb->C && pb->n_cand == 0 && (double)pb->n * (double)pb->m > most;
}

/* Points binned: cell k holds the points idx[first[k] .. first[k + 1] - 1]. */
typedef struct {
  int64_t cells;
  int64_t *first; /* [cells + 1] */
  int32_t *idx;   /* [points] */
  int64_t *key;   /* [cells] the grid cell of each, ascending */
} bins;

static void bins_free(bins *b) { free(b->first), free(b->idx), free(b->key); }

static int by_key(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

/* The grid cell of each of np points (coordinate c of point p at
 * x[p * ps + c * cs]) on the box lo, hi with G cells per side, grouped. */
static int bin_points(bins *b, const double *x, int64_t np, int64_t ps, int64_t cs, int d,
                      const double *lo, const double *hi, int64_t G) {
  int64_t *key = malloc((size_t)np * sizeof *key);
  b->first = malloc((size_t)(np + 1) * sizeof *b->first);
  b->idx = malloc((size_t)np * sizeof *b->idx);
  b->key = malloc((size_t)np * sizeof *b->key);
  if (!key || !b->first || !b->idx || !b->key) {
    free(key);
    return -1;
  }
  for (int64_t p = 0; p < np; p++) {
    int64_t cell = 0;
    for (int c = d - 1; c >= 0; c--) {
      double w = hi[c] - lo[c], u = w > 0 ? (x[p * ps + c * cs] - lo[c]) / w : 0;
      int64_t q = (int64_t)(u * (double)G);
      cell = cell * G + (q < 0 ? 0 : q >= G ? G - 1 : q);
    }
    key[p] = cell << 31 | p;
  }
  qsort(key, (size_t)np, sizeof *key, by_key);
  b->cells = 0;
  for (int64_t p = 0; p < np; p++) {
    if (p == 0 || key[p] >> 31 != key[p - 1] >> 31) b->key[b->cells] = key[p] >> 31, b->first[b->cells++] = p;
    b->idx[p] = (int32_t)(key[p] & 0x7fffffff);
  }
  b->first[b->cells] = np;
  free(key);
  return 0;
}

/* Cell masses w [cells] and mass-weighted centroids, coordinate c of cell k
 * at out[k * ps + c * cs]. */
static void centroids(const bins *b, const double *x, const double *mass, int64_t xps, int64_t xcs,
                      int d, double *w, double *out, int64_t ps, int64_t cs) {
  for (int64_t k = 0; k < b->cells; k++) {
    double s = 0;
    for (int c = 0; c < d; c++) out[k * ps + c * cs] = 0;
    for (int64_t q = b->first[k]; q < b->first[k + 1]; q++) {
      int64_t p = b->idx[q];
      s += mass[p];
      for (int c = 0; c < d; c++) out[k * ps + c * cs] += mass[p] * x[p * xps + c * xcs];
    }
    w[k] = s;
    for (int c = 0; c < d; c++) out[k * ps + c * cs] /= s;
  }
}

/* The pairs between cells I (na points) and J (nb): all, or for heavy
 * cells each source's share of J widened by BAND. Appends to ci, cj at
 * *len (NULL: counts only). */
static void cell_pairs(const int32_t *ia, int64_t na, const int32_t *jb, int64_t nb, int32_t *ci,
                       int32_t *cj, int64_t *len) {
  const int all = (double)na * (double)nb <= ALL_PAIRS * (double)(na + nb);
  for (int64_t p = 0; p < na; p++) {
    int64_t q0 = all ? 0 : p * nb / na - BAND, q1 = all ? nb : (p + 1) * nb / na + BAND + 1;
    if (q0 < 0) q0 = 0;
    if (q1 > nb) q1 = nb;
    for (int64_t q = q0; q < q1; q++, ++*len)
      if (ci) ci[*len] = ia[p], cj[*len] = jb[q];
  }
}

typedef struct {
  bins a, b;
  int64_t G;                  /* grid cells per side */
  double *xa, *xbt, *wa, *wb; /* the coarse problem's points and masses */
} coarse;

static void coarse_free(coarse *c) {
  bins_free(&c->a), bins_free(&c->b);
  free(c->xa), free(c->xbt), free(c->wa), free(c->wb);
}

/* The coarse problem of pb: its points binned on one grid over both sets. */
static int coarsen(const wg_ns_problem *pb, coarse *c, wg_ns_problem *cp) {
  const int d = pb->d;
  double lo[4], hi[4];
  for (int k = 0; k < d; k++) {
    lo[k] = INFINITY, hi[k] = -INFINITY;
    for (int64_t i = 0; i < pb->n; i++) lo[k] = fmin(lo[k], pb->xa[i * d + k]), hi[k] = fmax(hi[k], pb->xa[i * d + k]);
    for (int64_t j = 0; j < pb->m; j++)
      lo[k] = fmin(lo[k], pb->xbt[k * pb->m + j]), hi[k] = fmax(hi[k], pb->xbt[k * pb->m + j]);
  }
  const double most = (double)(pb->n > pb->m ? pb->n : pb->m);
  const int64_t G = c->G = (int64_t)ceil(pow(most / PER_CELL, 1.0 / d));
  if (bin_points(&c->a, pb->xa, pb->n, d, 1, d, lo, hi, G) < 0 ||
      bin_points(&c->b, pb->xbt, pb->m, 1, pb->m, d, lo, hi, G) < 0)
    return -1;
  const int64_t na = c->a.cells, nb = c->b.cells;
  c->xa = malloc((size_t)(na * d) * sizeof *c->xa), c->xbt = malloc((size_t)(nb * d) * sizeof *c->xbt);
  c->wa = malloc((size_t)na * sizeof *c->wa), c->wb = malloc((size_t)nb * sizeof *c->wb);
  if (!c->xa || !c->xbt || !c->wa || !c->wb) return -1;
  centroids(&c->a, pb->xa, pb->a, d, 1, d, c->wa, c->xa, d, 1);
  centroids(&c->b, pb->xbt, pb->b, 1, pb->m, d, c->wb, c->xbt, 1, nb);
  *cp = (wg_ns_problem){.n = na, .m = nb, .a = c->wa, .b = c->wb, .xa = c->xa, .xbt = c->xbt,
                        .d = d, .metric = pb->metric, .dense_arcs = pb->dense_arcs};
  return 0;
}

static int by_pair(const void *x, const void *y) {
  const int64_t *a = x, *b = y;
  return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0]) : (a[1] > b[1]) - (a[1] < b[1]);
}

/* The sink cell of key `key` moved by off[c] in {-1, 0, 1} per coordinate,
 * or -1 when outside the grid or empty (binary search over the keys). */
static int64_t neighbour(const bins *b, int64_t key, const int *off, int d, int64_t G) {
  int64_t k = 0, rest = key, scale = 1;
  for (int c = 0; c < d; c++, rest /= G, scale *= G) {
    int64_t q = rest % G + off[c];
    if (q < 0 || q >= G) return -1;
    k += q * scale;
  }
  int64_t lo = 0, hi = b->cells - 1;
  while (lo <= hi) {
    int64_t mid = (lo + hi) / 2;
    if (b->key[mid] == k) return mid;
    if (b->key[mid] < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* The cell pairs (I, J') [*len][2] for every (I, J) of the coarse plan and
 * J' in the 3^d neighbourhood of J, sorted and without duplicates. */
static int64_t *joined_cells(const coarse *c, const wg_ns_solution *cs, int d, int64_t *len) {
  int64_t per = 1;
  for (int k = 0; k < d; k++) per *= 3;
  int64_t *pairs = malloc((size_t)(cs->plan_len * per) * 2 * sizeof *pairs), n = 0;
  if (!pairs) return NULL;
  for (int64_t q = 0; q < cs->plan_len; q++)
    for (int64_t o = 0; o < per; o++) {
      int off[4];
      for (int k = 0, r = (int)o; k < d; k++, r /= 3) off[k] = r % 3 - 1;
      int64_t J = neighbour(&c->b, c->b.key[cs->plan[q].j], off, d, c->G);
      if (J >= 0) pairs[2 * n] = cs->plan[q].i, pairs[2 * n + 1] = J, n++;
    }
  qsort(pairs, (size_t)n, 2 * sizeof *pairs, by_pair);
  int64_t u = 0;
  for (int64_t q = 0; q < n; q++)
    if (!u || pairs[2 * q] != pairs[2 * u - 2] || pairs[2 * q + 1] != pairs[2 * u - 1])
      pairs[2 * u] = pairs[2 * q], pairs[2 * u + 1] = pairs[2 * q + 1], u++;
  *len = u;
  return pairs;
}

/* The candidate pairs of pb from the coarse plan: every pair of points in
 * cells it joins, or whose sink cell neighbours one it joins. */
static wg_status candidates_from(const coarse *c, const wg_ns_solution *cs, int d, int32_t **ci,
                                 int32_t **cj, int64_t *len) {
  int64_t np;
  int64_t *cells = joined_cells(c, cs, d, &np);
  if (!cells) return wg_set_error(WG_ENOMEM, "emd: out of memory");
  *len = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass) {
      *ci = malloc((size_t)*len * sizeof **ci), *cj = malloc((size_t)*len * sizeof **cj);
      if (!*ci || !*cj) {
        free(cells);
        return wg_set_error(WG_ENOMEM, "emd: out of memory for %lld candidate arcs", (long long)*len);
      }
      *len = 0;
    }
    for (int64_t q = 0; q < np; q++) {
      int64_t I = cells[2 * q], J = cells[2 * q + 1];
      const int64_t fa = c->a.first[I], fb = c->b.first[J];
      cell_pairs(c->a.idx + fa, c->a.first[I + 1] - fa, c->b.idx + fb, c->b.first[J + 1] - fb,
                 pass ? *ci : NULL, pass ? *cj : NULL, len);
    }
  }
  free(cells);
  return WG_OK;
}

wg_status wg_ot_solve_multiscale(const wg_ns_problem *pb, wg_ns_solution *out) {
  memset(out, 0, sizeof *out);
  if (!wg_ot_use_candidates(pb)) return wg_ns_solve(pb, out);
  coarse c = {0};
  wg_ns_problem cp;
  wg_ns_solution cs = {0};
  int32_t *ci = NULL, *cj = NULL;
  int64_t len = 0;
  wg_status st = coarsen(pb, &c, &cp) < 0 ? wg_set_error(WG_ENOMEM, "emd: out of memory") : WG_OK;
  /* a grid that barely merges points (tiny or scattered sets) helps nothing */
  if (!st && 2 * (double)cp.n * (double)cp.m > (double)pb->n * (double)pb->m) {
    coarse_free(&c);
    return wg_ns_solve(pb, out);
  }
  if (!st) st = wg_ot_solve_multiscale(&cp, &cs);
  if (!st) st = candidates_from(&c, &cs, pb->d, &ci, &cj, &len);
  free(cs.plan), free(cs.f), free(cs.g);
  coarse_free(&c);
  if (!st) {
    wg_ns_problem fine = *pb;
    fine.cand_i = ci, fine.cand_j = cj, fine.n_cand = len;
    st = wg_ns_solve(&fine, out);
  }
  free(ci), free(cj);
  return st;
}
