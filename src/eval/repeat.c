/* Error bars for the exact W1: repetitions of the evaluation, each on fresh
 * subsamples drawn from the stream of (seed, repetition) alone. The solves
 * are independent, so they run side by side, one per thread. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "eval/eval_inputs.h"
#include "wgan/ot.h"

/* Solve job j of a chunk: W1 of repetition j / 2 (j even: generated vs
 * real; odd: the floor, real2 vs real), on one thread: OpenMP does not
 * nest the solver's regions (its threads are set to 1 for the task), and
 * OpenBLAS runs single-threaded inside a parallel region. */
static wg_status solve(const float *x, int64_t n, int64_t dim, int j, double *value) {
  const float *rep = x + (int64_t)(j / 2) * 3 * n * dim, *gen = rep, *real = rep + n * dim, *real2 = real + n * dim;
  omp_set_num_threads(1);
  wg_emd_result res;
  wg_status st = wg_emd_f32(j % 2 ? real2 : gen, n, real, n, (int)dim, NULL, NULL, NULL, &res);
  if (st == WG_OK) *value = res.distance;
  wg_emd_result_free(&res);
  return st;
}

/* The 2 * count solves of repetitions r .. r + count - 1, drawn in x. The
 * first failure's message is carried from its thread to the caller's. */
static wg_status solve_chunk(const float *x, int64_t n, int64_t dim, int count, int64_t r, int64_t r0, double *w1,
                             double *floor) {
  wg_status first = WG_OK;
  int first_job = 2 * count;
  char msg[512] = "";
#pragma omp parallel for schedule(dynamic, 1)
  for (int j = 0; j < 2 * count; j++) {
    double v = 0;
    wg_status st = solve(x, n, dim, j, &v);
    (j % 2 ? floor : w1)[r - r0 + j / 2] = v;
    if (st != WG_OK) {
#pragma omp critical(wg_eval_repeat_error)
      if (j < first_job) first_job = j, first = st, snprintf(msg, sizeof msg, "%s", wg_last_error());
    }
  }
  return first == WG_OK ? WG_OK : wg_set_error(first, "repetition %lld: %s", (long long)(r + first_job / 2), msg);
}

static wg_status draw(const wg_eval_opts *o, const wg_eval_inputs *in, int64_t rep, float *x) {
  const int64_t nd = in->n * in->dim;
  wg_status st = wg_eval_generated(o, in, rep, x);
  return st == WG_OK ? wg_eval_data_draw(&in->d, in->n, wg_eval_rep_seed(o->seed, rep), x + nd, x + 2 * nd) : st;
}

wg_status wg_eval_repeat(const wg_eval_opts *o, int64_t r0, int64_t r1, double *w1, double *floor) {
  if (!o || !w1 || !floor || r0 < 0 || r1 <= r0) return wg_set_error(WG_EINVAL, "repeat: need 0 <= r0 < r1 and outputs");
  wg_eval_inputs in;
  if (wg_eval_inputs_open(o, &in) != WG_OK) return wg_last_status();
  /* A chunk: as many repetitions as threads, drawn one after the other
   * (the generator has threads of its own), then solved side by side. */
  const int64_t threads = omp_get_max_threads(), nd = in.n * in.dim;
  const int chunk = (int)(r1 - r0 < threads ? r1 - r0 : threads);
  float *x = malloc(sizeof(float) * (size_t)(3 * nd) * (size_t)chunk);
  wg_status st = x ? WG_OK : wg_set_error(WG_ENOMEM, "repeat: out of memory for %d x 3 x %lld samples", chunk, (long long)in.n);
  for (int64_t r = r0; st == WG_OK && r < r1; r += chunk) {
    const int count = (int)(r1 - r < chunk ? r1 - r : chunk);
    for (int c = 0; st == WG_OK && c < count; c++) st = draw(o, &in, r + c, x + c * 3 * nd);
    if (st == WG_OK) st = solve_chunk(x, in.n, in.dim, count, r, r0, w1, floor);
  }
  free(x);
  wg_eval_inputs_close(&in);
  return st;
}
