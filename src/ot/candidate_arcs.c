/* Merging pairs into a by-source arc set: the new pairs sorted by (source,
 * sink), then each row merged with the row already there, duplicates
 * dropped; the existing arcs keep their costs. */
#include "ot/candidate_arcs.h"

#include <stdlib.h>
#include <string.h>

static int by_key(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return (a > b) - (a < b);
}

void wg_ot_arcs_free(wg_ot_arcs *arcs) {
  free(arcs->start), free(arcs->col), free(arcs->cost);
  memset(arcs, 0, sizeof *arcs);
}

/* Row i of the merge: the old row's arcs and the new sinks key[*q..] of
 * row i, ascending and unique, from *nnz on. */
static void merge_row(const wg_ot_arcs *old, int64_t i, const uint64_t *key, int64_t len, int64_t *q,
                      int32_t *col, double *cost, int64_t *nnz, wg_ot_arc_cost_fn fn, const void *ctx) {
  int64_t e = old->start ? old->start[i] : 0, e1 = old->start ? old->start[i + 1] : 0, k = *nnz;
  for (;;) {
    int has_new = *q < len && (int64_t)(key[*q] >> 32) == i;
    int32_t jn = has_new ? (int32_t)(key[*q] & 0xffffffffu) : 0;
    if (e < e1 && (!has_new || old->col[e] <= jn)) {
      if (has_new && old->col[e] == jn) ++*q;
      col[k] = old->col[e], cost[k++] = old->cost[e++];
    } else if (has_new) {
      if (k == *nnz || col[k - 1] != jn) col[k] = jn, cost[k++] = fn(ctx, i, jn);
      ++*q;
    } else {
      break;
    }
  }
  *nnz = k;
}

int wg_ot_arcs_merge(wg_ot_arcs *arcs, int64_t n, const int32_t *pi, const int32_t *pj, int64_t len,
                     wg_ot_arc_cost_fn cost, const void *ctx) {
  const int64_t total = (arcs->start ? arcs->nnz : 0) + len;
  uint64_t *key = malloc((size_t)(len ? len : 1) * sizeof *key);
  int64_t *start = malloc((size_t)(n + 1) * sizeof *start);
  int32_t *col = malloc((size_t)(total ? total : 1) * sizeof *col);
  double *c = malloc((size_t)(total ? total : 1) * sizeof *c);
  if (!key || !start || !col || !c) {
    free(key), free(start), free(col), free(c);
    return -1;
  }
  for (int64_t k = 0; k < len; k++) key[k] = (uint64_t)pi[k] << 32 | (uint32_t)pj[k];
  qsort(key, (size_t)len, sizeof *key, by_key);
  int64_t nnz = 0, q = 0;
  for (int64_t i = 0; i < n; i++) {
    start[i] = nnz;
    merge_row(arcs, i, key, len, &q, col, c, &nnz, cost, ctx);
  }
  start[n] = nnz;
  free(key);
  wg_ot_arcs_free(arcs);
  *arcs = (wg_ot_arcs){n, nnz, start, col, c};
  return 0;
}
