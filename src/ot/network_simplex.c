/* The network simplex for the transportation problem (sources 0..n-1,
 * sinks n..n+m-1, every arc source -> sink, uncapacitated).
 *
 * Basis: a spanning tree on the n + m nodes plus an artificial root R. Every
 * node may hang from R by an artificial arc oriented node -> R; since R has
 * no outgoing arc and balance 0, those arcs carry no flow in any feasible
 * solution, so they cost 0 and never bias the optimum (no big-M constant to
 * eat the precision of the potentials). A non-tree arc carries no flow, so
 * only the tree's flows are stored (one per node: the flow on the arc to its
 * parent), O(n + m) memory besides the costs.
 *
 * Start: a greedy feasible solution (each source sends to its cheapest
 * sinks with capacity left), whose positive arcs form a forest; each tree
 * of the forest hangs from R. All zero-flow arcs then point to the root:
 * the tree is strongly feasible, and the leaving-arc rule below keeps it
 * so, which rules out cycling (Cunningham 1976).
 *
 * Pricing: block search over rows of the cost matrix (one row = all arcs of
 * one source, read or computed contiguously and reduced with SIMD); the most
 * negative reduced cost of a block enters. Termination: potentials are
 * recomputed from the tree and a full pass finds no arc below -tol, where
 * tol = 1e-13 * (largest cost): the value is then optimal to that tolerance
 * times the total mass. */
#include "ot/network_simplex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

typedef struct {
  const wg_ns_problem *pb;
  int64_t n, m;
  int32_t N, R; /* nodes including the root; the root's index */
  int32_t *parent, *first_child, *next_sib, *prev_sib, *depth;
  double *pi;   /* [N] potentials: reduced cost of arc u->w is c - pi[u] + pi[w] */
  double *flow; /* [N] flow on the arc between v and parent[v] */
  double *buf;  /* [m] one row of costs when computed on the fly */
} tree;

/* Costs c(i, j) for all j of source i, into buf [m]; returns the row. */
#pragma GCC push_options
#pragma GCC optimize("no-math-errno")
static const double *row_costs(const wg_ns_problem *pb, int64_t i, double *buf) {
  int64_t m = pb->m;
  if (pb->C) return pb->C + i * m;
  const double *x = pb->xa + i * pb->d;
  const double *yt = pb->xbt;
  memset(buf, 0, (size_t)m * sizeof *buf);
  if (pb->metric == WG_METRIC_CITYBLOCK) {
    for (int k = 0; k < pb->d; k++) {
      const double *y = yt + (int64_t)k * m;
      double xk = x[k];
#pragma omp simd
      for (int64_t j = 0; j < m; j++) buf[j] += fabs(xk - y[j]);
    }
    return buf;
  }
  for (int k = 0; k < pb->d; k++) {
    const double *y = yt + (int64_t)k * m;
    double xk = x[k];
#pragma omp simd
    for (int64_t j = 0; j < m; j++) {
      double t = xk - y[j];
      buf[j] += t * t;
    }
  }
  if (pb->metric == WG_METRIC_EUCLIDEAN) {
#pragma omp simd
    for (int64_t j = 0; j < m; j++) buf[j] = sqrt(buf[j]);
  }
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

/* argmin over j of c[j] + g[j], c and g [m]: SIMD minima of chunks, then
 * one scalar pass over the winning chunk only. */
#define CHUNK 128
static int64_t row_argmin(const double *c, const double *g, int64_t m, double *min) {
  double best = INFINITY;
  int64_t best_chunk = 0;
  for (int64_t s = 0; s < m; s += CHUNK) {
    int64_t e = s + CHUNK < m ? s + CHUNK : m;
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
#pragma GCC pop_options

/* The arc between v and its parent points up (v -> parent) when v is a
 * source or the parent is the root; otherwise it is source parent -> sink v. */
static inline int is_up(const tree *t, int32_t v) { return v < t->n || t->parent[v] == t->R; }

/* Cost of the arc between v and its parent (0 for artificial arcs). */
static double tree_arc_cost(const tree *t, int32_t v) {
  int32_t p = t->parent[v];
  if (p == t->R) return 0;
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

/* Preorder walk of the subtree of top: depth from the parent, pi += shift
 * (recompute: pi from the parent and the arc cost). */
static void walk_subtree(tree *t, int32_t top, double shift, int recompute) {
  int32_t v = top;
  for (;;) {
    int32_t p = t->parent[v];
    t->depth[v] = t->depth[p] + 1;
    if (recompute) {
      double c = tree_arc_cost(t, v);
      t->pi[v] = is_up(t, v) ? t->pi[p] + c : t->pi[p] - c;
    } else {
      t->pi[v] += shift;
    }
    if (t->first_child[v] >= 0) {
      v = t->first_child[v];
      continue;
    }
    while (v != top && t->next_sib[v] < 0) v = t->parent[v];
    if (v == top) break;
    v = t->next_sib[v];
  }
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
    const double *c = row_costs(pb, i, t->buf);
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
  int32_t *fill = t->depth; /* scratch, reset below */
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
  t->depth[R] = 0;
  t->pi[R] = 0;
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
  free(start), free(adj), free(queue);
  /* depth and potentials from the root */
  for (int32_t c = t->first_child[R]; c >= 0; c = t->next_sib[c]) walk_subtree(t, c, 0, 1);
  return 0;
}

/* One pivot: arc u -> w (source u, sink w) with reduced cost rc < 0 enters. */
static void pivot(tree *t, int32_t u, int32_t w, double rc) {
  int32_t *parent = t->parent, *depth = t->depth;
  int32_t x = u, y = w;
  while (x != y) {
    if (depth[x] > depth[y]) x = parent[x];
    else if (depth[y] > depth[x]) y = parent[y];
    else x = parent[x], y = parent[y];
  }
  int32_t join = x;
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
  if (delta > 0) {
    for (int32_t v = u; v != join; v = parent[v]) t->flow[v] += is_up(t, v) ? -delta : delta;
    for (int32_t v = w; v != join; v = parent[v]) t->flow[v] += is_up(t, v) ? delta : -delta;
  }
  /* Re-hang the subtree below the leaving arc from the other end of the
   * entering arc, reversing the stem from that endpoint up to `out`. */
  int32_t a = out_on_u_side ? u : w, b = out_on_u_side ? w : u;
  double shift = out_on_u_side ? rc : -rc;
  int32_t new_parent = b, cur = a;
  double new_flow = delta;
  for (;;) {
    int32_t old_parent = parent[cur];
    double old_flow = t->flow[cur];
    detach(t, cur);
    attach(t, cur, new_parent);
    t->flow[cur] = new_flow;
    if (cur == out) break;
    new_parent = cur;
    new_flow = old_flow;
    cur = old_parent;
  }
  walk_subtree(t, a, shift, 0);
}

/* Most negative reduced cost in row i; sets *j_best. */
static double price_row(tree *t, int64_t i, int32_t *j_best) {
  const double *c = row_costs(t->pb, i, t->buf);
  double mn;
  *j_best = (int32_t)row_argmin(c, t->pi + t->n, t->m, &mn);
  return mn - t->pi[i];
}

static void tree_free(tree *t) {
  free(t->parent), free(t->first_child), free(t->next_sib), free(t->prev_sib);
  free(t->depth), free(t->pi), free(t->flow), free(t->buf);
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

wg_status wg_ns_solve(const wg_ns_problem *pb, wg_ns_solution *out) {
  memset(out, 0, sizeof *out);
  int64_t n = pb->n, m = pb->m;
  if (n + m + 1 > INT32_MAX / 2)
    return wg_set_error(WG_EINVAL, "emd: %lld + %lld points is too many for the exact solver",
                        (long long)n, (long long)m);
  tree t = {.pb = pb, .n = n, .m = m, .N = (int32_t)(n + m + 1), .R = (int32_t)(n + m)};
  size_t N = (size_t)t.N;
  t.parent = malloc(N * sizeof(int32_t));
  t.first_child = malloc(N * sizeof(int32_t));
  t.next_sib = malloc(N * sizeof(int32_t));
  t.prev_sib = malloc(N * sizeof(int32_t));
  t.depth = malloc(N * sizeof(int32_t));
  t.pi = malloc(N * sizeof(double));
  t.flow = malloc(N * sizeof(double));
  t.buf = malloc((size_t)m * sizeof(double));
  int32_t *ai = malloc((size_t)(n + m) * sizeof *ai), *aj = malloc((size_t)(n + m) * sizeof *aj);
  double *am = malloc((size_t)(n + m) * sizeof *am);
  wg_status st = WG_OK;
  if (!t.parent || !t.first_child || !t.next_sib || !t.prev_sib || !t.depth || !t.pi || !t.flow ||
      !t.buf || !ai || !aj || !am) {
    st = wg_set_error(WG_ENOMEM, "emd: out of memory for %lld x %lld points", (long long)n,
                      (long long)m);
    goto done;
  }
  int64_t k = greedy_start(&t, ai, aj, am);
  if (k < 0 || build_tree(&t, ai, aj, am, k) < 0) {
    st = wg_set_error(WG_ENOMEM, "emd: out of memory");
    goto done;
  }
  const double tol = 1e-13 * max_cost(pb);
  int64_t rows_per_block = (int64_t)ceil(sqrt((double)n * (double)m) / (double)m);
  if (getenv("WG_RPB")) rows_per_block = (int64_t)(atof(getenv("WG_RPB")) * rows_per_block);
  if (rows_per_block < 1) rows_per_block = 1;
  int64_t iters = 0, next_row = 0;
  for (;;) {
    /* Block search: scan rows from where the last search stopped. */
    double best = -tol;
    int32_t bi = -1, bj = -1;
    int64_t scanned = 0;
    while (scanned < n) {
      int32_t j;
      double rc = price_row(&t, next_row, &j);
      if (rc < best) best = rc, bi = (int32_t)next_row, bj = j;
      next_row = next_row + 1 == n ? 0 : next_row + 1;
      scanned++;
      if (bi >= 0 && scanned % rows_per_block == 0) break;
    }
    if (bi < 0) {
      /* Optimal for the running potentials; confirm with fresh ones, free
       * of the rounding that the incremental shifts accumulate. */
      for (int32_t c = t.first_child[t.R]; c >= 0; c = t.next_sib[c]) walk_subtree(&t, c, 0, 1);
      int again = 0;
      for (int64_t i = 0; i < n && !again; i++) {
        int32_t j;
        again = price_row(&t, i, &j) < -tol;
      }
      if (!again) break;
      continue;
    }
    if (pb->max_iter > 0 && iters >= pb->max_iter) {
      st = wg_set_error(WG_ELIMIT,
                        "emd: the iteration limit (%lld pivots) was reached before the optimum",
                        (long long)pb->max_iter);
      goto done;
    }
    pivot(&t, bi, (int32_t)n + bj, best);
    iters++;
  }
  /* The plan: tree arcs with positive flow; the potentials in f/g form. */
  int64_t len = 0;
  for (int32_t v = 0; v < t.R; v++)
    if (t.parent[v] != t.R && t.flow[v] > 0) len++;
  out->plan = malloc((size_t)(len ? len : 1) * sizeof *out->plan);
  out->f = malloc((size_t)n * sizeof *out->f);
  out->g = malloc((size_t)m * sizeof *out->g);
  if (!out->plan || !out->f || !out->g) {
    free(out->plan), free(out->f), free(out->g);
    memset(out, 0, sizeof *out);
    st = wg_set_error(WG_ENOMEM, "emd: out of memory");
    goto done;
  }
  double cost = 0;
  for (int32_t v = 0; v < t.R; v++) {
    if (t.parent[v] == t.R || !(t.flow[v] > 0)) continue;
    int64_t i = v < n ? v : t.parent[v], j = (v < n ? t.parent[v] : v) - n;
    out->plan[out->plan_len++] = (wg_ot_flow){i, j, t.flow[v]};
    cost += t.flow[v] * arc_cost(pb, i, j);
  }
  for (int64_t i = 0; i < n; i++) out->f[i] = t.pi[i];
  for (int64_t j = 0; j < m; j++) out->g[j] = -t.pi[n + j];
  out->cost = cost;
  out->iterations = iters;
done:
  tree_free(&t);
  free(ai), free(aj), free(am);
  return st;
}
