/* The network simplex for the transportation problem (sources 0..n-1,
 * sinks n..n+m-1, every arc source -> sink, uncapacitated).
 *
 * Basis: a spanning tree on the n + m nodes plus an artificial root R. Every
 * node may hang from R by an artificial arc oriented node -> R; since R has
 * no outgoing arc and balance 0, those arcs carry no flow in any feasible
 * solution, so their cost is free to choose (0, or art[v]) and never biases
 * the optimum (no big-M constant to eat the precision of the potentials). A non-tree arc carries no flow, so
 * only the tree's flows are stored (one per node: the flow on the arc to its
 * parent), O(n + m) memory besides the costs.
 *
 * Start: a greedy feasible solution (each source sends to its cheapest
 * sinks with capacity left), whose positive arcs form a forest; each tree
 * of the forest hangs from R. All zero-flow arcs then point to the root:
 * the tree is strongly feasible, and the leaving-arc rule below keeps it
 * so, which rules out cycling (Cunningham 1976). For an assignment problem
 * (n = m, equal masses) in d >= 2 or from a matrix, an auction's
 * near-optimal assignment and prices instead (auction_start).
 *
 * Pricing: block search over rows of the cost matrix (one row = all arcs of
 * one source, read or computed contiguously and reduced with SIMD); the most
 * negative reduced cost of a block enters. Termination: potentials are
 * recomputed from the tree and a full pass finds no arc below -tol, where
 * tol = 1e-13 * (largest cost): the value is then optimal to that tolerance
 * times the total mass.
 *
 * Candidate mode (pb->n_cand > 0): block search runs over the candidate
 * arcs only, started by an auction or a greedy pass over them; each full
 * pass adds what it finds below -tol, and the same final full pass is the
 * certificate. */
#include "ot/network_simplex.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ot/auction.h"
#include "ot/candidate_arcs.h"
#include "ot/float_rows.h"

typedef struct {
  const wg_ns_problem *pb;
  int64_t n, m;
  int32_t N, R; /* nodes including the root; the root's index */
  int32_t *parent, *first_child, *next_sib, *prev_sib;
  int32_t *size;  /* [N] nodes in the subtree of v, v included */
  int64_t *mark;  /* [N] the last join search that passed v (stamp) */
  int64_t stamp;
  double *pi;   /* [N] potentials: reduced cost of arc u->w is c - pi[u] + pi[w] */
  double *flow; /* [N] flow on the arc between v and parent[v] */
  double *buf;  /* [threads*m] rows of costs when computed on the fly */
  int threads;
  /* art [N]: cost of the artificial arc v -> R (any value is valid, since
   * those arcs never carry flow; the auction start uses it to give the
   * start the auction's potentials) */
  double *art;
  /* Fast pricing in float (a guide only; every pivot is checked in double):
   * fr's float costs cf [n*m] or points xaf [n*d] / xbtf [d*m] (owned
   * here); pif [N] float copy of pi; fbuf [CHUNK]. pif is NULL when fast
   * pricing is off. */
  wg_ot_frows fr;
  float *cf, *xaf, *xbtf, *pif, *fbuf;
  double cost_err; /* bound on |float cost - cost| over all arcs */
  wg_ot_arcs arcs; /* candidate mode: the arcs priced between full passes */
} tree;

/* Costs c(i, j) for j in [j0, j1) of source i, into buf [m] (entries j0..j1-1)
 * when computed; returns the row, valid at those j. */
static const double *row_costs(const wg_ns_problem *pb, int64_t i, int64_t j0, int64_t j1,
                               double *buf) {
  int64_t m = pb->m;
  if (pb->C) return pb->C + i * m;
  const double *x = pb->xa + i * pb->d;
  const double *yt = pb->xbt;
  memset(buf + j0, 0, (size_t)(j1 - j0) * sizeof *buf);
  if (pb->metric == WG_METRIC_CITYBLOCK) {
    for (int k = 0; k < pb->d; k++) {
      const double *y = yt + (int64_t)k * m;
      double xk = x[k];
#pragma omp simd
      for (int64_t j = j0; j < j1; j++) buf[j] += fabs(xk - y[j]);
    }
    return buf;
  }
  for (int k = 0; k < pb->d; k++) {
    const double *y = yt + (int64_t)k * m;
    double xk = x[k];
#pragma omp simd
    for (int64_t j = j0; j < j1; j++) {
      double t = xk - y[j];
      buf[j] += t * t;
    }
  }
  if (pb->metric == WG_METRIC_EUCLIDEAN) wg_ot_sqrt_f64(buf + j0, j1 - j0);
  return buf;
}

static double arc_cost(const wg_ns_problem *pb, int64_t i, int64_t j) {
  if (pb->C) return pb->C[i * pb->m + j];
  const double *x = pb->xa + i * pb->d;
  double s = 0;
  for (int k = 0; k < pb->d; k++) {
    double t = x[k] - pb->xbt[(int64_t)k * pb->m + j];
    s += pb->metric == WG_METRIC_CITYBLOCK ? fabs(t) : t * t;
  }
  return pb->metric == WG_METRIC_EUCLIDEAN ? sqrt(s) : s;
}

/* argmin over j in [j0, j1) of c[j] + g[j]: SIMD minima of chunks, then
 * one scalar pass over the winning chunk only. */
#define CHUNK 256
static int64_t row_argmin(const double *c, const double *g, int64_t j0, int64_t j1, double *min) {
  double best = INFINITY;
  int64_t best_chunk = j0;
  for (int64_t s = j0; s < j1; s += CHUNK) {
    int64_t e = s + CHUNK < j1 ? s + CHUNK : j1;
    double mn = INFINITY;
#pragma omp simd reduction(min : mn)
    for (int64_t j = s; j < e; j++) {
      double v = c[j] + g[j];
      mn = v < mn ? v : mn;
    }
    if (mn < best) best = mn, best_chunk = s;
  }
  int64_t j = best_chunk;
  while (c[j] + g[j] != best) j++;
  *min = best;
  return j;
}

/* The float twin of row_costs and row_argmin: argmin over j in [j0, j1)
 * of c(i, j) + pi[n + j], all in float, a chunk at a time through the
 * L1-resident buffer v [CHUNK]; returns the approximate minimum in *min. */
static int64_t row_argmin_f32(const tree *t, int64_t i, int64_t j0, int64_t j1, float *v,
                              float *min) {
  const float *g = t->pif + t->n;
  float best = INFINITY;
  int64_t best_j = j0;
  for (int64_t s = j0; s < j1; s += CHUNK) {
    int64_t len = s + CHUNK < j1 ? CHUNK : j1 - s;
    float mn = wg_ot_frow_plus(&t->fr, i, s, len, g + s, v);
    if (mn < best) {
      int64_t k = 0;
      while (v[k] != mn) k++;
      best = mn, best_j = s + k;
    }
  }
  *min = best;
  return best_j;
}

/* The arc between v and its parent points up (v -> parent) when v is a
 * source or the parent is the root; otherwise it is source parent -> sink v. */
static inline int is_up(const tree *t, int32_t v) { return v < t->n || t->parent[v] == t->R; }

/* Cost of the arc between v and its parent (0 for artificial arcs). */
static double tree_arc_cost(const tree *t, int32_t v) {
  int32_t p = t->parent[v];
  if (p == t->R) return t->art ? t->art[v] : 0;
  return v < t->n ? arc_cost(t->pb, v, p - t->n) : arc_cost(t->pb, p, v - t->n);
}

static void detach(tree *t, int32_t v) {
  int32_t p = t->parent[v];
  if (t->prev_sib[v] >= 0) t->next_sib[t->prev_sib[v]] = t->next_sib[v];
  else t->first_child[p] = t->next_sib[v];
  if (t->next_sib[v] >= 0) t->prev_sib[t->next_sib[v]] = t->prev_sib[v];
}

static void attach(tree *t, int32_t v, int32_t p) {
  t->parent[v] = p;
  t->prev_sib[v] = -1;
  t->next_sib[v] = t->first_child[p];
  if (t->first_child[p] >= 0) t->prev_sib[t->first_child[p]] = v;
  t->first_child[p] = v;
}

/* The next node after v in the preorder of the subtree of top (which v is
 * in), skipping v's own subtree when `skip`; -1 at the end. */
static inline int32_t next_preorder(const tree *t, int32_t v, int32_t top, int skip) {
  if (!skip && t->first_child[v] >= 0) return t->first_child[v];
  while (v != top && t->next_sib[v] < 0) v = t->parent[v];
  return v == top ? -1 : t->next_sib[v];
}

static inline void set_pi(tree *t, int32_t v, double pi) {
  t->pi[v] = pi;
  if (t->pif) t->pif[v] = (float)pi;
}

/* pi += shift over the subtree of top. */
static void shift_subtree(tree *t, int32_t top, double shift) {
  for (int32_t v = top; v >= 0; v = next_preorder(t, v, top, 0)) set_pi(t, v, t->pi[v] + shift);
}

/* pi -= shift over every node outside the subtree of top (the same
 * reduced costs as shift_subtree(top, shift): only differences of
 * potentials count), for when that subtree is the larger part. */
static void shift_rest(tree *t, int32_t top, double shift) {
  for (int32_t v = t->R; v >= 0; v = next_preorder(t, v, t->R, v == top))
    if (v != top) set_pi(t, v, t->pi[v] - shift);
}

/* Potentials of every node from the root (potential 0) and the tree's arc
 * costs, free of the rounding that the shifts of the pivots accumulate. */
static void recompute_potentials(tree *t) {
  set_pi(t, t->R, 0);
  for (int32_t v = t->first_child[t->R]; v >= 0; v = next_preorder(t, v, t->R, 0)) {
    int32_t p = t->parent[v];
    double c = tree_arc_cost(t, v);
    set_pi(t, v, is_up(t, v) ? t->pi[p] + c : t->pi[p] - c);
  }
}

/* Subtree sizes from the tree's structure: preorder into order [N], then
 * each node's size added to its parent's, last first. */
static void compute_sizes(tree *t, int32_t *order) {
  int32_t k = 0;
  for (int32_t v = t->R; v >= 0; v = next_preorder(t, v, t->R, 0)) order[k++] = v, t->size[v] = 1;
  while (--k > 0) t->size[t->parent[order[k]]] += t->size[order[k]];
}

/* Greedy start: the positive arcs (i, j, mass) of a feasible plan where
 * each source in turn fills its cheapest sinks with capacity left. Every
 * step exhausts a source or a sink, so the arcs form a forest. */
static int64_t greedy_start(tree *t, int32_t *ai, int32_t *aj, double *am) {
  const wg_ns_problem *pb = t->pb;
  int64_t n = t->n, m = t->m, k = 0;
  double *rb = malloc((size_t)m * sizeof *rb);
  double *row = malloc((size_t)m * sizeof *row);
  if (!rb || !row) {
    free(rb);
    free(row);
    return -1;
  }
  memcpy(rb, pb->b, (size_t)m * sizeof *rb);
  int64_t sinks_left = m;
  for (int64_t i = 0; i < n && sinks_left > 0; i++) {
    const double *c = row_costs(pb, i, 0, m, t->buf);
    for (int64_t j = 0; j < m; j++) row[j] = rb[j] > 0 ? c[j] : INFINITY;
    double ra = pb->a[i];
    while (ra > 0 && sinks_left > 0) {
      int64_t best = 0;
      for (int64_t j = 1; j < m; j++)
        if (row[j] < row[best]) best = j;
      /* s equals ra or rb[best] exactly, so one of them drops to exactly 0 */
      double s = ra < rb[best] ? ra : rb[best];
      ai[k] = (int32_t)i, aj[k] = (int32_t)best, am[k] = s, k++;
      ra -= s;
      rb[best] -= s;
      if (rb[best] <= 0) {
        row[best] = INFINITY;
        sinks_left--;
      }
    }
  }
  free(rb);
  free(row);
  return k;
}

/* n = m and every mass the same: an assignment problem. */
static int is_assignment(const wg_ns_problem *pb) {
  if (pb->n != pb->m || pb->n < 2) return 0;
  for (int64_t k = 0; k < pb->n; k++)
    if (pb->a[k] != pb->a[0] || pb->b[k] != pb->a[0]) return 0;
  return 1;
}

/* Auction start for an assignment problem: the arcs (i, sink(i)) of a
 * near-optimal assignment, each pair hanging from the root with the
 * artificial cost that gives sink j the potential price[j]. Every reduced
 * cost is then above about -1e-4 cmax: the simplex starts next to the
 * optimum instead of far from it (d = 784, n = 8000: 7,800 pivots instead
 * of 1,057,000; on the fly, n = 4,000, d = 4: 6,063 instead of 185,050,
 * half the time). Over the candidate arcs it goes down to 1e-6 cmax (each
 * bid reads one candidate row, not m costs). -1 when the auction gave up. */
static int64_t auction_start(tree *t, double cmax, int32_t *ai, int32_t *aj, double *am) {
  int64_t n = t->n;
  int32_t *sink = malloc((size_t)n * sizeof *sink);
  double *price = malloc((size_t)n * sizeof *price);
  t->art = calloc((size_t)t->N, sizeof *t->art);
  int64_t bids = !sink || !price || !t->art ? -1
                 : t->arcs.nnz ? wg_ot_auction_arcs(&t->arcs, n, cmax / 16, 1e-6 * cmax, cmax, 1000 * n, sink, price)
                               : wg_ot_auction(&t->fr, n, cmax / 16, 1e-4 * cmax, 100 * n, sink, price);
  if (bids >= 0) {
    for (int64_t i = 0; i < n; i++) {
      ai[i] = (int32_t)i, aj[i] = sink[i], am[i] = t->pb->a[i];
      t->art[i] = arc_cost(t->pb, i, sink[i]) + price[sink[i]];
    }
  } else {
    free(t->art);
    t->art = NULL;
  }
  free(sink), free(price);
  return bids >= 0 ? n : -1;
}

/* Hangs the forest (arcs ai, aj, am [k]) from the root: BFS over each tree. */
static int build_tree(tree *t, const int32_t *ai, const int32_t *aj, const double *am, int64_t k) {
  int32_t N = t->N, R = t->R;
  int32_t *start = calloc((size_t)N + 1, sizeof *start);
  int32_t *adj = malloc((size_t)(2 * k + 1) * sizeof *adj);
  int32_t *queue = malloc((size_t)N * sizeof *queue);
  if (!start || !adj || !queue) {
    free(start), free(adj), free(queue);
    return -1;
  }
  for (int64_t e = 0; e < k; e++) start[ai[e] + 1]++, start[t->n + aj[e] + 1]++;
  for (int32_t v = 0; v < N; v++) start[v + 1] += start[v];
  int32_t *fill = t->size; /* scratch, set below */
  for (int32_t v = 0; v < N; v++) fill[v] = start[v];
  /* adjacency stores the arc index; the other end is derived from it */
  for (int64_t e = 0; e < k; e++) {
    adj[fill[ai[e]]++] = (int32_t)e;
    adj[fill[t->n + aj[e]]++] = (int32_t)e;
  }
  for (int32_t v = 0; v < N; v++) {
    t->parent[v] = -1;
    t->first_child[v] = t->next_sib[v] = t->prev_sib[v] = -1;
  }
  t->flow[R] = 0;
  for (int32_t s = 0; s < R; s++) {
    if (t->parent[s] >= 0) continue;
    attach(t, s, R);
    t->flow[s] = 0;
    int32_t head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      int32_t v = queue[head++];
      for (int32_t q = start[v]; q < start[v + 1]; q++) {
        int32_t e = adj[q];
        int32_t w = v < t->n ? (int32_t)t->n + aj[e] : ai[e];
        if (t->parent[w] >= 0) continue; /* v's parent */
        attach(t, w, v);
        t->flow[w] = am[e];
        queue[tail++] = w;
      }
    }
  }
  compute_sizes(t, queue);
  free(start), free(adj), free(queue);
  recompute_potentials(t);
  return 0;
}

/* The nearest common ancestor of u and w: both walk up in turn, marking
 * what they pass, until one meets the other's mark. */
static int32_t join_of(tree *t, int32_t u, int32_t w) {
  const int64_t su = t->stamp += 2, sw = su + 1;
  int32_t x = u, y = w;
  t->mark[x] = su, t->mark[y] = sw;
  for (;;) {
    if (x != t->R) {
      x = t->parent[x];
      if (t->mark[x] == sw) return x;
      t->mark[x] = su;
    }
    if (y != t->R) {
      y = t->parent[y];
      if (t->mark[y] == su) return y;
      t->mark[y] = sw;
    }
  }
}

/* One pivot: arc u -> w (source u, sink w) with reduced cost rc < 0 enters. */
static void pivot(tree *t, int32_t u, int32_t w, double rc) {
  int32_t *parent = t->parent;
  const int32_t join = join_of(t, u, w);
  /* Leaving arc: the last blocking arc met when walking the cycle from the
   * join in the direction of the flow (join -> u, u -> w, w -> join), which
   * keeps the tree strongly feasible. */
  double delta = INFINITY;
  int32_t out = -1;
  int out_on_u_side = 0;
  for (int32_t v = u; v != join; v = parent[v])
    if (is_up(t, v) && t->flow[v] < delta) delta = t->flow[v], out = v, out_on_u_side = 1;
  for (int32_t v = w; v != join; v = parent[v])
    if (!is_up(t, v) && t->flow[v] <= delta) delta = t->flow[v], out = v, out_on_u_side = 0;
  /* there is one: u's arc up to its parent, or (u the join) u's arc down to w's side */
  WG_ASSERT(out >= 0);
  if (delta > 0) {
    for (int32_t v = u; v != join; v = parent[v]) t->flow[v] += is_up(t, v) ? -delta : delta;
    for (int32_t v = w; v != join; v = parent[v]) t->flow[v] += is_up(t, v) ? delta : -delta;
  }
  /* Re-hang the subtree below the leaving arc (S nodes) from the other end
   * of the entering arc, reversing the stem from that endpoint up to `out`;
   * the stem's i-th node then holds S minus what the (i-1)-th held. */
  int32_t a = out_on_u_side ? u : w, b = out_on_u_side ? w : u;
  const double shift = out_on_u_side ? rc : -rc;
  const int32_t S = t->size[out];
  for (int32_t v = parent[out]; v != join; v = parent[v]) t->size[v] -= S;
  for (int32_t v = b; v != join; v = parent[v]) t->size[v] += S;
  int32_t new_parent = b, cur = a, held_before = 0;
  double new_flow = delta;
  for (;;) {
    int32_t old_parent = parent[cur], held = t->size[cur];
    double old_flow = t->flow[cur];
    detach(t, cur);
    attach(t, cur, new_parent);
    t->flow[cur] = new_flow;
    t->size[cur] = S - held_before;
    if (cur == out) break;
    held_before = held;
    new_parent = cur;
    new_flow = old_flow;
    cur = old_parent;
  }
  if (2 * (int64_t)S <= t->N) shift_subtree(t, a, shift);
  else shift_rest(t, a, shift);
}

/* Counts one more pivot; WG_ELIMIT when that passes the caller's limit. */
static wg_status count_pivot(const wg_ns_problem *pb, int64_t *iters) {
  if (pb->max_iter > 0 && *iters >= pb->max_iter)
    return wg_set_error(WG_ELIMIT,
                        "emd: the iteration limit (%lld pivots) was reached before the optimum",
                        (long long)pb->max_iter);
  ++*iters;
  return WG_OK;
}

/* Most negative reduced cost in row i, columns [j0, j1); sets *j_best. */
static double price_seg(tree *t, int64_t i, int64_t j0, int64_t j1, int32_t *j_best) {
  const double *c = row_costs(t->pb, i, j0, j1, t->buf);
  double mn;
  *j_best = (int32_t)row_argmin(c, t->pi + t->n, j0, j1, &mn);
  return mn - t->pi[i];
}

/* price_seg in float (a guide: the value is approximate). */
static double price_seg_f32(tree *t, int64_t i, int64_t j0, int64_t j1, int32_t *j_best) {
  float mn;
  *j_best = (int32_t)row_argmin_f32(t, i, j0, j1, t->fbuf, &mn);
  return (double)mn - t->pi[i];
}

/* The reduced cost of arc (i, *j) in double. When that is not below -tol
 * (the float pricing misled, or an earlier pivot changed the potentials),
 * row i's best arc instead, in *j. */
static double confirm(tree *t, int32_t i, int32_t *j, double tol) {
  double rc = arc_cost(t->pb, i, *j) - t->pi[i] + t->pi[t->n + *j];
  if (!(rc < -tol)) rc = price_seg(t, i, 0, t->m, j);
  return rc;
}

static void fast_free(tree *t) {
  free(t->cf), free(t->xaf), free(t->xbtf), free(t->pif), free(t->fbuf);
  t->cf = t->xaf = t->xbtf = t->pif = t->fbuf = NULL;
}

/* Float copies of the costs or points for the fast pricing; off (pif NULL)
 * when the memory is not there. The matrix copy is planned against what
 * the machine has: malloc would grant it, and the kernel kill the process
 * while it is filled. */
static void fast_init(tree *t, double cmax) {
  const wg_ns_problem *pb = t->pb;
  int64_t n = t->n, m = t->m;
  if (pb->C && 4.0 * (double)n * (double)m > wg_memory_available()) return;
  t->pif = malloc((size_t)t->N * sizeof *t->pif);
  if (pb->C) {
    t->cf = malloc((size_t)n * (size_t)m * sizeof *t->cf);
  } else {
    t->xaf = malloc((size_t)(n * pb->d) * sizeof *t->xaf);
    t->xbtf = malloc((size_t)(m * pb->d) * sizeof *t->xbtf);
  }
  t->fbuf = malloc((size_t)CHUNK * (size_t)t->threads * sizeof *t->fbuf);
  if (!t->pif || !t->fbuf || (pb->C ? !t->cf : !t->xaf || !t->xbtf)) {
    fast_free(t);
    return;
  }
  if (pb->C) {
#pragma omp parallel for schedule(static)
    for (int64_t e = 0; e < n * m; e++) t->cf[e] = (float)pb->C[e];
    /* rounding a cost to float: 2^-24 relative; twice that for slack */
    t->cost_err = 0x1p-23 * cmax;
  } else {
    double X = 0; /* largest coordinate */
    for (int64_t k = 0; k < n * pb->d; k++) t->xaf[k] = (float)pb->xa[k], X = fmax(X, fabs(pb->xa[k]));
    for (int64_t k = 0; k < m * pb->d; k++) t->xbtf[k] = (float)pb->xbt[k], X = fmax(X, fabs(pb->xbt[k]));
    /* d <= 4. Rounding the coordinates moves x - y by at most 2 X 2^-24 per
     * coordinate: a cost by 2 sqrt(d) X 2^-24 (Euclidean), that times
     * 2 sqrt(cmax) (squared), 2 d X 2^-24 (cityblock). The float sum of d
     * terms adds (d + 1) 2^-24 relative, the square root approximation
     * (rsqrt14 + one Newton step) under 2^-21. Each bound below is 4x the
     * sum of those. */
    double sd = sqrt((double)pb->d), d1 = pb->d + 1;
    if (pb->metric == WG_METRIC_EUCLIDEAN)
      t->cost_err = 0x1p-22 * (2 * sd * X + (d1 + 8) * cmax);
    else if (pb->metric == WG_METRIC_SQEUCLIDEAN)
      t->cost_err = 0x1p-22 * (d1 * cmax + 4 * sd * X * sqrt(cmax));
    else
      t->cost_err = 0x1p-22 * (d1 * cmax + 2 * pb->d * X);
  }
  t->fr = (wg_ot_frows){t->cf, t->xaf, t->xbtf, m, pb->d, pb->metric};
  t->pif[t->R] = 0;
}

/* Keeps the K most negative (rc, j) in rk, jk [K], ascending (rk starts all
 * at the bound below which an arc counts). */
static void keep_best(double rc, int32_t j, int K, double *rk, int32_t *jk) {
  if (!(rc < rk[K - 1])) return;
  int q = K - 1;
  for (; q > 0 && rc < rk[q - 1]; q--) rk[q] = rk[q - 1], jk[q] = jk[q - 1];
  rk[q] = rc, jk[q] = j;
}

/* Row i's K most negative reduced costs below -tol, into rk, jk, over the
 * arcs whose float value c_f(i, j) + pif[n + j] is below th (all others are
 * known to be above -tol, see full_pass), those priced in double. */
static void screen_row(tree *t, int64_t i, float th, float *v, int32_t *flagged, int K, double *rk,
                       int32_t *jk) {
  const float *g = t->pif + t->n;
  for (int64_t s = 0; s < t->m; s += CHUNK) {
    int64_t len = s + CHUNK < t->m ? CHUNK : t->m - s;
    if (!(wg_ot_frow_plus(&t->fr, i, s, len, g + s, v) < th)) continue;
    for (int64_t q = 0, nf = wg_ot_below(v, len, th, flagged); q < nf; q++) {
      int64_t j = s + flagged[q];
      keep_best(arc_cost(t->pb, i, j) - t->pi[i] + t->pi[t->n + j], (int32_t)j, K, rk, jk);
    }
  }
}

/* Every row's K most negative reduced costs below -tol, rows split over the
 * threads; those arcs become the candidates (ci, cj [n*K]), in row order,
 * so the result does not depend on the thread count. Returns their number.
 * rowj [n*K], rowrc [n*K] are scratch.
 *
 * With the float copies at hand a row is screened in float first: the
 * float value of c(i, j) - pi[i] + pi[n + j] is within E of the exact one
 * (t->cost_err for the cost, 2^-24 relative for pif and for the float sum,
 * over |pi| <= P; E is twice their sum), so an arc whose float value is not
 * below pi[i] - tol + E has a reduced cost >= -tol for certain, and only the
 * others (the tree arcs and the nearly tight ones) are priced in double.
 * Without them, each row's best arc in double (K = 1). */
static int64_t full_pass(tree *t, double cmax, double tol, int K, int32_t *rowj, double *rowrc,
                         int32_t *ci, int32_t *cj) {
  int64_t n = t->n, m = t->m, k = 0;
  if (!t->pif) K = 1;
  double P = 0;
  for (int32_t v = 0; v < t->N; v++) P = fmax(P, fabs(t->pi[v]));
  const double E = 2 * (t->cost_err + 0x1p-22 * (cmax + 3 * P + tol));
#pragma omp parallel num_threads(t->threads)
  {
    int th = omp_get_thread_num();
    double *buf = t->buf + (int64_t)th * m;
    int32_t flagged[CHUNK];
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      double *rk = rowrc + i * K;
      for (int q = 0; q < K; q++) rk[q] = -tol;
      if (t->pif) {
        screen_row(t, i, (float)(t->pi[i] - tol + E), t->fbuf + (int64_t)th * CHUNK, flagged, K, rk,
                   rowj + i * K);
      } else {
        double mn;
        rowj[i] = (int32_t)row_argmin(row_costs(t->pb, i, 0, m, buf), t->pi + n, 0, m, &mn);
        rowrc[i] = mn - t->pi[i];
      }
    }
  }
  for (int64_t i = 0; i < n; i++)
    for (int q = 0; q < K; q++)
      if (rowrc[i * K + q] < -tol) ci[k] = (int32_t)i, cj[k] = rowj[i * K + q], k++;
  return k;
}

static void tree_free(tree *t) {
  free(t->parent), free(t->first_child), free(t->next_sib), free(t->prev_sib);
  free(t->size), free(t->mark), free(t->pi), free(t->flow), free(t->buf), free(t->art);
  fast_free(t);
  wg_ot_arcs_free(&t->arcs);
}

/* The tree's arrays for pb, with a row buffer per thread; -1 when out of
 * memory (tree_free frees what there is). */
static int tree_alloc(tree *t, const wg_ns_problem *pb) {
  *t = (tree){.pb = pb, .n = pb->n, .m = pb->m, .N = (int32_t)(pb->n + pb->m + 1),
              .R = (int32_t)(pb->n + pb->m)};
  size_t N = (size_t)t->N;
  t->parent = malloc(N * sizeof(int32_t));
  t->first_child = malloc(N * sizeof(int32_t));
  t->next_sib = malloc(N * sizeof(int32_t));
  t->prev_sib = malloc(N * sizeof(int32_t));
  t->size = malloc(N * sizeof(int32_t));
  t->mark = calloc(N, sizeof(int64_t));
  t->pi = malloc(N * sizeof(double));
  t->flow = malloc(N * sizeof(double));
  t->threads = omp_get_max_threads();
  t->buf = malloc((size_t)t->m * (size_t)t->threads * sizeof(double));
  int ok = t->parent && t->first_child && t->next_sib && t->prev_sib && t->size && t->mark;
  return ok && t->pi && t->flow && t->buf ? 0 : -1;
}

static double max_cost(const wg_ns_problem *pb) {
  double mx = 0;
  if (pb->C) {
    int64_t nm = pb->n * pb->m;
    for (int64_t e = 0; e < nm; e++) mx = pb->C[e] > mx ? pb->C[e] : mx;
    return mx;
  }
  /* bounding box of all points: an upper bound of every cost */
  double span = 0, span1 = 0;
  for (int k = 0; k < pb->d; k++) {
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < pb->n; i++) {
      double v = pb->xa[i * pb->d + k];
      lo = v < lo ? v : lo, hi = v > hi ? v : hi;
    }
    for (int64_t j = 0; j < pb->m; j++) {
      double v = pb->xbt[(int64_t)k * pb->m + j];
      lo = v < lo ? v : lo, hi = v > hi ? v : hi;
    }
    span += (hi - lo) * (hi - lo);
    span1 += hi - lo;
  }
  if (pb->metric == WG_METRIC_CITYBLOCK) return span1;
  return pb->metric == WG_METRIC_EUCLIDEAN ? sqrt(span) : span;
}

/* The starting tree: for an assignment problem with the float costs at
 * hand, the auction's assignment; otherwise (or when the auction gave up)
 * the greedy plan. On a line (d = 1) the greedy plan is nearly optimal
 * already: the auction measured 1.5-2x slower there. ai, aj, am [n + m] hold
 * its arcs meanwhile. */
static wg_status start_tree(tree *t, double cmax, int32_t *ai, int32_t *aj, double *am) {
  const int auction = t->pif && is_assignment(t->pb) && (t->cf || t->pb->d >= 2);
  int64_t k = auction ? auction_start(t, cmax, ai, aj, am) : -1;
  if (k < 0) k = greedy_start(t, ai, aj, am);
  if (k < 0 || build_tree(t, ai, aj, am, k) < 0)
    return wg_set_error(WG_ENOMEM, "emd: out of memory");
  return WG_OK;
}

/* An arc (i, j) of source i and sink j, and its reduced cost rc; i < 0: none. */
typedef struct {
  int32_t i, j;
  double rc;
} arc;

/* Where block search goes on (row ci, column cj) and its block size: about
 * one row, sqrt(n*m) arcs, measured best among 1/8..8 of that. */
typedef struct {
  int64_t ci, cj, block;
} cursor;

/* One block search for the entering arc: scans the arcs from the cursor on,
 * a block at a time, and stops at the end of the first block that holds an
 * arc below `below`, or when all arcs are scanned. Returns the most negative
 * arc seen (i < 0 if none below `below`) and, in *scanned, how many arcs were
 * read. fast: priced in float. */
static arc entering_arc(tree *t, cursor *c, int fast, double below, int64_t *scanned) {
  const int64_t n = t->n, m = t->m, total = n * m, block = c->block;
  int64_t ci = c->ci, cj = c->cj, in_block = 0, seen = 0;
  arc best = {-1, -1, below};
  while (seen < total) {
    int64_t j1 = cj + (block - in_block) < m ? cj + (block - in_block) : m;
    int32_t j;
    double rc = fast ? price_seg_f32(t, ci, cj, j1, &j) : price_seg(t, ci, cj, j1, &j);
    if (rc < best.rc) best = (arc){(int32_t)ci, j, rc};
    seen += j1 - cj;
    in_block += j1 - cj;
    cj = j1;
    if (cj == m) cj = 0, ci = ci + 1 == n ? 0 : ci + 1;
    if (in_block >= block) {
      if (best.i >= 0) break;
      in_block = 0;
    }
  }
  c->ci = ci, c->cj = cj;
  *scanned = seen;
  return best;
}

/* Phase 1: pivots on block search's entering arcs until a whole cycle over
 * the arcs finds none. With the float copies it prices in float, which
 * reads half the bytes (or computes sixteen costs per instruction), and
 * takes arcs below -margin, above the float costs' rounding; each one is confirmed
 * in double, and only a full cycle of misses ends the phase. Without them
 * it prices in double down to -tol. */
static wg_status block_search(tree *t, double margin, double tol, int64_t *iters) {
  const int fast = t->pif != NULL;
  const int64_t total = t->n * t->m;
  cursor c = {0, 0, (int64_t)sqrt((double)t->n * (double)t->m)};
  if (c.block < CHUNK) c.block = CHUNK;
  int64_t fast_misses = 0; /* arcs scanned in float since the last pivot */
  for (;;) {
    int64_t scanned;
    arc e = entering_arc(t, &c, fast, fast ? -margin : -tol, &scanned);
    if (fast && e.i >= 0) {
      e.rc = confirm(t, e.i, &e.j, tol);
      fast_misses += scanned;
      if (!(e.rc < -tol)) {
        if (fast_misses < total) continue;
        e.i = -1;
      }
    }
    if (e.i < 0) return WG_OK;
    wg_status st = count_pivot(t->pb, iters);
    if (st) return st;
    pivot(t, e.i, (int32_t)t->n + e.j, e.rc);
    fast_misses = 0;
  }
}

/* Phase 2, near the optimum, in double: potentials recomputed from the
 * tree, one parallel pass over all arcs, then a pivot on each row's best
 * arc that is still below -tol. It ends when a pass finds no arc below
 * -tol: that pass is the certificate of optimality. ci, cj [n] take the
 * candidates; rowj, rowrc [n] are scratch. */
static wg_status certify(tree *t, double cmax, double tol, int32_t *rowj, double *rowrc,
                         int32_t *ci, int32_t *cj, int64_t *iters) {
  for (;;) {
    recompute_potentials(t);
    int64_t cands = full_pass(t, cmax, tol, 1, rowj, rowrc, ci, cj);
    if (cands == 0) return WG_OK;
    for (int64_t q = 0; q < cands; q++) {
      int32_t i = ci[q], j = cj[q];
      double rc = confirm(t, i, &j, tol);
      if (!(rc < -tol)) continue;
      wg_status st = count_pivot(t->pb, iters);
      if (st) return st;
      pivot(t, i, (int32_t)t->n + j, rc);
    }
  }
}

/* ---- candidate mode: block search over the candidate arcs, every arc in
 * the full passes ---- */

static double arc_cost_of(const void *pb, int64_t i, int64_t j) { return arc_cost(pb, i, j); }

typedef struct {
  double c;
  int32_t j;
} priced_sink;

static int by_cost(const void *x, const void *y) {
  double a = ((const priced_sink *)x)->c, b = ((const priced_sink *)y)->c;
  return (a > b) - (a < b);
}

/* The greedy start over the candidate arcs: each source fills its cheapest
 * candidate sinks with capacity left; what is left then goes by the
 * north-west corner rule over the sources and sinks with mass left, in
 * index order. Each step exhausts a source or a sink, so the arcs form a
 * forest (as in greedy_start), and the plan is feasible whatever arcs the
 * candidates lack. */
static int64_t candidate_start(tree *t, int32_t *ai, int32_t *aj, double *am) {
  const wg_ot_arcs *A = &t->arcs;
  int64_t n = t->n, m = t->m, k = 0, longest = 1;
  for (int64_t i = 0; i < n; i++)
    if (A->start[i + 1] - A->start[i] > longest) longest = A->start[i + 1] - A->start[i];
  double *ra = malloc((size_t)n * sizeof *ra), *rb = malloc((size_t)m * sizeof *rb);
  priced_sink *row = malloc((size_t)longest * sizeof *row);
  if (!ra || !rb || !row) {
    free(ra), free(rb), free(row);
    return -1;
  }
  memcpy(ra, t->pb->a, (size_t)n * sizeof *ra);
  memcpy(rb, t->pb->b, (size_t)m * sizeof *rb);
  for (int64_t i = 0; i < n; i++) {
    int64_t len = 0;
    for (int64_t e = A->start[i]; e < A->start[i + 1]; e++)
      row[len++] = (priced_sink){A->cost[e], A->col[e]};
    qsort(row, (size_t)len, sizeof *row, by_cost);
    for (int64_t q = 0; q < len && ra[i] > 0; q++) {
      int32_t j = row[q].j;
      if (!(rb[j] > 0)) continue;
      double s = ra[i] < rb[j] ? ra[i] : rb[j];
      ai[k] = (int32_t)i, aj[k] = j, am[k] = s, k++;
      ra[i] -= s, rb[j] -= s;
    }
  }
  for (int64_t i = 0, j = 0; i < n && j < m;) {
    if (!(ra[i] > 0)) {
      i++;
    } else if (!(rb[j] > 0)) {
      j++;
    } else {
      double s = ra[i] < rb[j] ? ra[i] : rb[j];
      ai[k] = (int32_t)i, aj[k] = (int32_t)j, am[k] = s, k++;
      ra[i] -= s, rb[j] -= s;
    }
  }
  free(ra), free(rb), free(row);
  return k;
}

/* entering_arc over the candidate arcs (the cursor's ci is a row, cj an
 * arc), priced in double from their stored costs. */
static arc entering_candidate(tree *t, cursor *c, double below) {
  const wg_ot_arcs *A = &t->arcs;
  const double *pin = t->pi + t->n;
  int64_t i = c->ci, e = c->cj, seen = 0, in_block = 0;
  arc best = {-1, -1, below};
  while (seen < A->nnz) {
    if (e == A->nnz) e = 0, i = 0;
    while (e >= A->start[i + 1]) i++;
    int64_t end = e + (c->block - in_block);
    if (end > A->start[i + 1]) end = A->start[i + 1];
    const double pi_i = t->pi[i];
    seen += end - e, in_block += end - e;
    for (; e < end; e++) {
      double rc = A->cost[e] - pi_i + pin[A->col[e]];
      if (rc < best.rc) best = (arc){(int32_t)i, A->col[e], rc};
    }
    if (in_block >= c->block) {
      if (best.i >= 0) break;
      in_block = 0;
    }
  }
  c->ci = i, c->cj = e;
  return best;
}

/* Phase 1 on the candidate arcs: pivots until a whole cycle over them
 * finds none below -tol. */
static wg_status candidate_search(tree *t, double tol, int64_t *iters) {
  cursor c = {0, 0, (int64_t)sqrt((double)t->arcs.nnz)};
  if (c.block < CHUNK) c.block = CHUNK;
  for (;;) {
    arc e = entering_candidate(t, &c, -tol);
    if (e.i < 0) return WG_OK;
    wg_status st = count_pivot(t->pb, iters);
    if (st) return st;
    pivot(t, e.i, (int32_t)t->n + e.j, e.rc);
  }
}

/* Candidate mode to the certificate: optimal on the candidates, then a full
 * pass over every arc (potentials recomputed from the tree); each row's
 * ADDED most negative arcs it finds join the candidates, and again, until a
 * full pass finds none: the same certificate as certify's. */
#define ADDED 8
static wg_status certify_candidates(tree *t, double cmax, double tol, int64_t *iters,
                                    int64_t *rounds) {
  const size_t nk = (size_t)t->n * ADDED;
  int32_t *rowj = malloc(nk * sizeof *rowj), *ci = malloc(nk * sizeof *ci), *cj = malloc(nk * sizeof *cj);
  double *rowrc = malloc(nk * sizeof *rowrc);
  wg_status st = rowj && ci && cj && rowrc ? WG_OK : wg_set_error(WG_ENOMEM, "emd: out of memory");
  while (!st && !(st = candidate_search(t, tol, iters))) {
    recompute_potentials(t);
    int64_t cands = full_pass(t, cmax, tol, ADDED, rowj, rowrc, ci, cj);
    if (cands == 0) break;
    ++*rounds;
    if (wg_ot_arcs_merge(&t->arcs, t->n, ci, cj, cands, arc_cost_of, t->pb) < 0)
      st = wg_set_error(WG_ENOMEM, "emd: out of memory for %lld candidate arcs",
                        (long long)(t->arcs.nnz + cands));
  }
  free(rowj), free(ci), free(cj), free(rowrc);
  return st;
}

/* Whether the arc from v to its parent is in the plan: a real arc with flow. */
static int in_plan(const tree *t, int32_t v) { return t->parent[v] != t->R && t->flow[v] > 0; }

/* The optimal tree's plan (its arcs with positive flow) and cost into out,
 * with the potentials in f/g form; out stays zeroed when out of memory. */
static wg_status extract_plan(const tree *t, wg_ns_solution *out) {
  const int64_t n = t->n, m = t->m;
  int64_t len = 0;
  for (int32_t v = 0; v < t->R; v++) len += in_plan(t, v);
  out->plan = malloc((size_t)(len ? len : 1) * sizeof *out->plan);
  out->f = malloc((size_t)n * sizeof *out->f);
  out->g = malloc((size_t)m * sizeof *out->g);
  if (!out->plan || !out->f || !out->g) {
    free(out->plan), free(out->f), free(out->g);
    memset(out, 0, sizeof *out);
    return wg_set_error(WG_ENOMEM, "emd: out of memory");
  }
  double cost = 0;
  for (int32_t v = 0; v < t->R; v++) {
    if (!in_plan(t, v)) continue;
    int64_t i = v < n ? v : t->parent[v], j = (v < n ? t->parent[v] : v) - n;
    out->plan[out->plan_len++] = (wg_ot_flow){i, j, t->flow[v]};
    cost += t->flow[v] * arc_cost(t->pb, i, j);
  }
  for (int64_t i = 0; i < n; i++) out->f[i] = t->pi[i];
  for (int64_t j = 0; j < m; j++) out->g[j] = -t->pi[n + j];
  out->cost = cost;
  return WG_OK;
}

/* The start and the phases: with candidate arcs, those; otherwise the
 * start_tree, block search over every arc and the certificate. */
static wg_status solve_tree(tree *t, double cmax, int32_t *ai, int32_t *aj, double *am,
                            int32_t *rowj, double *rowrc, wg_ns_solution *out) {
  const wg_ns_problem *pb = t->pb;
  /* The float pricing's own error reaches cost_err on the fly (the square
   * root approximation), so an arc counts there only below half that: below
   * 1e-7 cmax the double check refused one pick in six (n = m = 4,000, d = 2)
   * and each refusal re-priced a row in double. */
  const double tol = 1e-13 * cmax, margin = fmax(1e-7 * cmax, t->cost_err / 2);
  int64_t iters = 0;
  wg_status st;
  if (pb->n_cand > 0) {
    if (wg_ot_arcs_merge(&t->arcs, t->n, pb->cand_i, pb->cand_j, pb->n_cand, arc_cost_of, pb) < 0)
      return wg_set_error(WG_ENOMEM, "emd: out of memory for %lld candidate arcs", (long long)pb->n_cand);
    int64_t k = is_assignment(pb) ? auction_start(t, cmax, ai, aj, am) : -1;
    if (k < 0) k = candidate_start(t, ai, aj, am);
    if (k < 0 || build_tree(t, ai, aj, am, k) < 0) return wg_set_error(WG_ENOMEM, "emd: out of memory");
    st = certify_candidates(t, cmax, tol, &iters, &out->rounds);
  } else {
    if ((st = start_tree(t, cmax, ai, aj, am)) || (st = block_search(t, margin, tol, &iters)))
      return st;
    st = certify(t, cmax, tol, rowj, rowrc, ai, aj, &iters);
  }
  if (st || (st = extract_plan(t, out))) return st;
  out->iterations = iters;
  out->arcs = t->arcs.nnz;
  return WG_OK;
}

wg_status wg_ns_solve(const wg_ns_problem *pb, wg_ns_solution *out) {
  memset(out, 0, sizeof *out);
  int64_t n = pb->n, m = pb->m;
  if (n + m + 1 > INT32_MAX / 2)
    return wg_set_error(WG_EINVAL, "emd: %lld + %lld points is too many for the exact solver",
                        (long long)n, (long long)m);
  WG_ASSERT(pb->n_cand == 0 || !pb->C);
  tree t;
  /* ai, aj, am [n + m]: the start's arcs, then phase 2's candidates (n) */
  int32_t *ai = malloc((size_t)(n + m) * sizeof *ai), *aj = malloc((size_t)(n + m) * sizeof *aj);
  double *am = malloc((size_t)(n + m) * sizeof *am);
  int32_t *rowj = malloc((size_t)n * sizeof *rowj);
  double *rowrc = malloc((size_t)n * sizeof *rowrc);
  wg_status st;
  if (tree_alloc(&t, pb) < 0 || !ai || !aj || !am || !rowj || !rowrc) {
    st = wg_set_error(WG_ENOMEM, "emd: out of memory for %lld x %lld points", (long long)n,
                      (long long)m);
  } else {
    const double cmax = max_cost(pb);
    fast_init(&t, cmax);
    st = solve_tree(&t, cmax, ai, aj, am, rowj, rowrc, out);
  }
  if (st) {
    free(out->plan), free(out->f), free(out->g);
    memset(out, 0, sizeof *out);
  }
  tree_free(&t);
  free(ai), free(aj), free(am), free(rowj), free(rowrc);
  return st;
}
