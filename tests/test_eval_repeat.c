/* The repetitions behind wgan eval --bootstrap: repetition r depends on
 * (seed, r) alone, so ranges split anywhere and any thread count give the
 * same values, and wg_evaluate's summary is the summary of those values. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgan/eval.h"

enum { R = 5, N = 120 };

static void case_ranges_and_threads(void) {
  const int shape[1] = {2};
  wg_dataset *ds = wg_dataset_new(300, 1, shape, 0);
  wg_rng r;
  wg_rng_seed(&r, 9);
  wg_toy_sample(WG_TOY_8GAUSSIANS, &r, ds->x, ds->n);
  wg_eval_opts o = wg_eval_defaults();
  o.samples = ds, o.data = "8gaussians", o.n = N, o.seed = 3;
  double w_all[R], f_all[R], w_split[R], f_split[R];
  omp_set_num_threads(2);
  CHECK(wg_eval_repeat(&o, 0, R, w_all, f_all) == WG_OK, "%s", wg_last_error());
  omp_set_num_threads(1);
  CHECK(wg_eval_repeat(&o, 0, 2, w_split, f_split) == WG_OK, "%s", wg_last_error());
  CHECK(wg_eval_repeat(&o, 2, R, w_split + 2, f_split + 2) == WG_OK, "%s", wg_last_error());
  omp_set_num_threads(2);
  CHECK(wg_eval_repeat(&o, 0, 1, w_split, f_split) == WG_OK && omp_get_max_threads() == 2,
        "the caller's thread count changed to %d", omp_get_max_threads());
  CHECK(!memcmp(w_all, w_split, sizeof w_all) && !memcmp(f_all, f_split, sizeof f_all),
        "[0, 5) on 2 threads differs from [0, 2) + [2, 5) on 1: %.17g %.17g", w_all[2], w_split[2]);
  /* Fresh subsamples: the repetitions differ, and each is a W1 of real data. */
  int distinct = 0;
  for (int i = 1; i < R; i++) distinct += w_all[i] != w_all[0] && f_all[i] != f_all[0];
  CHECK(distinct == R - 1, "repetitions repeat a value: %g %g", w_all[0], w_all[1]);
  for (int i = 0; i < R; i++) CHECK(w_all[i] > 0 && w_all[i] < 1 && f_all[i] > 0 && f_all[i] < 1, "rep %d: %g %g", i, w_all[i], f_all[i]);
  /* wg_evaluate's error bars are the summary of exactly these values. */
  o.bootstrap = R;
  wg_eval_result res;
  wg_eval_summary s;
  CHECK(wg_evaluate(&o, &res) == WG_OK, "%s", wg_last_error());
  CHECK(wg_eval_summarize(w_all, R, &s) == WG_OK, "%s", wg_last_error());
  CHECK(res.has_bootstrap && res.w1_boot.mean == s.mean && res.w1_boot.lo == s.lo && res.w1_boot.hi == s.hi,
        "evaluate's summary %g, the values' %g", res.w1_boot.mean, s.mean);
  CHECK(wg_eval_summarize(f_all, R, &s) == WG_OK && res.floor_boot.std == s.std, "floor std %g %g", res.floor_boot.std, s.std);
  CHECK(wg_eval_repeat(&o, 3, 3, w_all, f_all) == WG_EINVAL, "an empty range refused");
  o.data = "nope";
  CHECK(wg_eval_repeat(&o, 0, 1, w_all, f_all) != WG_OK, "unknown data refused");
  wg_dataset_free(ds);
}

int main(void) {
  check_seed(3);
  RUN(case_ranges_and_threads);
  CHECK_EXIT();
}
