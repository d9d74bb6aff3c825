/* The evaluation's bootstrap split over the ranks of a job. */
#include <stdlib.h>

#include "core/error.h"
#include "wgan/dist.h"

/* This rank's repetitions into w1 and floor (of R each, at their indices),
 * then every rank's into every rank's arrays. */
static wg_status repetitions(const wg_eval_opts *o, double *w1, double *floor) {
  int64_t first, end;
  wg_dist_block(o->bootstrap, wg_dist_rank(), wg_dist_size(), &first, &end);
  wg_status st = end > first ? wg_eval_repeat(o, first, end, w1 + first, floor + first) : WG_OK;
  if ((st = wg_dist_agree(st, NULL)) != WG_OK) return st;
  wg_dist_share_blocks(w1, o->bootstrap);
  wg_dist_share_blocks(floor, o->bootstrap);
  return WG_OK;
}

/* Rank 0's part: the evaluation without the repetitions, and their summaries. */
static wg_status rest(const wg_eval_opts *o, const double *w1, const double *floor, wg_eval_result *out) {
  wg_eval_opts without = *o;
  without.bootstrap = 0;
  wg_status st = wg_evaluate(&without, out);
  if (st == WG_OK) st = wg_eval_summarize(w1, o->bootstrap, &out->w1_boot);
  if (st == WG_OK) st = wg_eval_summarize(floor, o->bootstrap, &out->floor_boot);
  out->has_bootstrap = st == WG_OK;
  return st;
}

wg_status wg_dist_evaluate(const wg_eval_opts *o, wg_eval_result *out) {
  if (wg_dist_size() == 1 || !o || o->bootstrap <= 0)
    return wg_dist_agree(wg_dist_rank() == 0 ? wg_evaluate(o, out) : WG_OK, NULL);
  double *v = calloc(2 * (size_t)o->bootstrap, sizeof *v);
  wg_status st = wg_dist_agree(v ? WG_OK : wg_set_error(WG_ENOMEM, "bootstrap: out of memory for %d repetitions",
                                                         o->bootstrap), NULL);
  if (st == WG_OK) st = repetitions(o, v, v + o->bootstrap);
  if (st == WG_OK) st = wg_dist_agree(wg_dist_rank() == 0 ? rest(o, v, v + o->bootstrap, out) : WG_OK, NULL);
  free(v);
  return st;
}
