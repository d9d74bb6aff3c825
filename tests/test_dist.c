/* The data-parallel pieces that do not need MPI (wgan/dist.h): the job of
 * one rank the serial build is; each rank's derived stream; the claim the
 * trainer rests on, that the mean of the ranks' critic gradients (WGAN-GP,
 * each rank its slice of the batch and of the mixing weights) is the
 * gradient of the whole batch; and the ranks' slices of a data set's batch,
 * which together are the batch one process draws. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/error.h"
#include "train/loss.h"
#include "wgan.h"

static void serial_job_is_one_rank(void) {
  if (wg_dist_built_with_mpi()) SKIP("the library was built with MPI (tests/cli_mpi.sh runs it)");
  CHECK(wg_dist_init(NULL, NULL) == WG_OK, "init");
  CHECK(wg_dist_rank() == 0 && wg_dist_size() == 1, "rank %d of %d", wg_dist_rank(), wg_dist_size());
  float x[3] = {1.5f, -2, 3};
  double d[2] = {0.25, 7};
  wg_dist_mean_floats(x, 3);
  wg_dist_mean_doubles(d, 2);
  CHECK(x[0] == 1.5f && x[1] == -2 && x[2] == 3 && d[0] == 0.25 && d[1] == 7, "the mean over one rank changed a value");
  int stop = 1;
  wg_set_error(WG_EIO, "disk full");
  CHECK(wg_dist_agree(WG_EIO, &stop) == WG_EIO && stop == 1 && !strcmp(wg_last_error(), "disk full"), "agree");
  stop = 0;
  CHECK(wg_dist_agree(WG_OK, &stop) == WG_OK && stop == 0, "agree on going on");
  wg_dist_finalize();
}

static void rank_streams(void) {
  wg_rng base, r[3];
  wg_rng_seed(&base, 42);
  for (int k = 0; k < 3; k++) r[k] = base, wg_dist_rank_stream(&r[k], k);
  CHECK(!memcmp(&r[0], &base, sizeof base), "rank 0 must keep the shared state (the serial stream)");
  CHECK(memcmp(&r[1], &base, sizeof base) && memcmp(&r[2], &base, sizeof base) && memcmp(&r[1], &r[2], sizeof base),
        "ranks 1 and 2 must have streams of their own");
  wg_rng again = base;
  wg_dist_rank_stream(&again, 2);
  CHECK(!memcmp(&again, &r[2], sizeof again), "a rank's stream must follow from the state and the rank alone");
  /* Not a shifted copy of another's: no value of rank 1's first 1000 draws among rank 2's or rank 0's. */
  uint64_t a[1000], b[1000], c[1000];
  for (int i = 0; i < 1000; i++) a[i] = wg_rng_u64(&r[1]), b[i] = wg_rng_u64(&r[2]), c[i] = wg_rng_u64(&r[0]);
  int shared = 0;
  for (int i = 0; i < 1000; i++)
    for (int j = 0; j < 1000; j++) shared += a[i] == b[j] || a[i] == c[j];
  CHECK(shared == 0, "%d values shared", shared);
}

enum { B = 8, D = 2, HALF = B / 2 };

/* The critic's WGAN-GP loss on rows [first, first + n) of real and fake,
 * the mixing weights drawn from rng as the slice of one batch's draws, and
 * its gradient into grad. */
static float slice_gradient(wg_net *critic, const float *real, const float *fake, int first, int n, uint64_t seed,
                            double *grad) {
  wg_ctx *ctx = wg_ctx_new(0);
  wg_rng rng;
  wg_rng_seed(&rng, seed);
  float skipped[B];
  wg_rng_fill_uniform(&rng, skipped, (size_t)first, 0, 1);
  wg_tensor *r = wg_from_data(ctx, real + first * D, 2, (int[]){n, D});
  wg_tensor *f = wg_from_data(ctx, fake + first * D, 2, (int[]){n, D});
  wg_net_zero_grad(critic);
  wg_critic_loss l;
  float loss = NAN;
  if (wg_critic_loss_of(ctx, critic, WG_LOSS_GP, 10, r, f, &rng, &l) == WG_OK && wg_backward(ctx, l.loss) == WG_OK)
    loss = l.loss->data[0];
  for (int64_t i = 0; i < critic->n_params; i++) grad[i] = critic->grads[i];
  wg_ctx_free(ctx);
  return loss;
}

static void split_gradient_is_the_batch_gradient(void) {
  wg_gan_models m;
  CHECK(wg_models_mlp(&m, 2, 1, (int[]){D}, 16, 3) == WG_OK, "%s", wg_last_error());
  if (!m.critic) return;
  wg_rng rng;
  wg_rng_seed(&rng, check_seed(0));
  wg_net_init(m.critic, WG_INIT_WGANGP, &rng);
  float real[B * D], fake[B * D];
  wg_rng_fill_normal(&rng, real, B * D, 0, 1);
  wg_rng_fill_normal(&rng, fake, B * D, 1, 2);
  const int64_t n = m.critic->n_params;
  double *whole = calloc((size_t)n, sizeof *whole), *g0 = calloc((size_t)n, sizeof *g0);
  double *g1 = calloc((size_t)n, sizeof *g1);
  float l = slice_gradient(m.critic, real, fake, 0, B, 7, whole);
  float l0 = slice_gradient(m.critic, real, fake, 0, HALF, 7, g0);
  float l1 = slice_gradient(m.critic, real, fake, HALF, HALF, 7, g1);
  CHECK_CLOSE((l0 + l1) / 2.0, l, 1e-6, 1e-5);
  double worst = 0, scale = 0;
  for (int64_t i = 0; i < n; i++) {
    worst = fmax(worst, fabs((g0[i] + g1[i]) / 2 - whole[i]));
    scale = fmax(scale, fabs(whole[i]));
  }
  /* Float sums of 4 and of 8 terms: a few units of the last place. */
  CHECK(scale > 0 && worst <= 1e-5 * scale, "the ranks' mean gradient is %g off the batch's (largest %g)", worst, scale);
  free(whole), free(g0), free(g1);
  wg_models_free(&m);
}

static void slices_are_the_batch(void) {
  char path[] = "/tmp/wgan-test-dist-XXXXXX.csv";
  int fd = mkstemps(path, 4);
  CHECK(fd >= 0, "mkstemps");
  if (fd < 0) return;
  FILE *f = fdopen(fd, "w");
  for (int i = 0; i < 10; i++) fprintf(f, "%d,%d\n", i, 100 + i);
  fclose(f);
  wg_source one, rank[2];
  CHECK(wg_source_open(&one, path, 0, 1, 9) == WG_OK, "%s", wg_last_error());
  for (int k = 0; k < 2; k++) CHECK(wg_source_open(&rank[k], path, 0, 1, 9) == WG_OK, "%s", wg_last_error());
  /* Three batches of 6 over 10 samples: the second and third cross an epoch. */
  for (int batch = 0; batch < 3; batch++) {
    float want[6 * 2], got[6 * 2];
    CHECK(wg_source_batch(&one, NULL, 6, want) == WG_OK, "%s", wg_last_error());
    for (int k = 0; k < 2; k++)
      CHECK(wg_source_batch_slice(&rank[k], 6, 3 * k, 3, got + 3 * k * 2) == WG_OK, "%s", wg_last_error());
    CHECK(!memcmp(want, got, sizeof want), "batch %d: the ranks' slices are not the batch", batch);
  }
  int64_t s1[WG_BATCHER_STATE_LEN], s2[WG_BATCHER_STATE_LEN];
  wg_batcher_get_state(&rank[0].batcher, s1);
  wg_batcher_get_state(&rank[1].batcher, s2);
  CHECK(!memcmp(s1, s2, sizeof s1), "the ranks' batchers must stay alike");
  float x[2];
  CHECK(wg_source_batch_slice(&rank[0], 6, 5, 2, x) == WG_EINVAL, "a slice past the batch must be refused");
  wg_source_close(&one), wg_source_close(&rank[0]), wg_source_close(&rank[1]);
  unlink(path);
}

/* The blocks of every total up to 40 over 1 to 9 ranks: in rank order, each
 * starting where the one before ended, covering [0, total), sizes within one. */
static void blocks_cover_evenly(void) {
  for (int ranks = 1; ranks <= 9; ranks++)
    for (int64_t total = 0; total <= 40; total++) {
      int64_t at = 0, lo = total, hi = 0;
      for (int r = 0; r < ranks; r++) {
        int64_t first, end;
        wg_dist_block(total, r, ranks, &first, &end);
        CHECK(first == at && end >= first, "%lld over %d: rank %d has [%lld, %lld)", (long long)total, ranks, r,
              (long long)first, (long long)end);
        at = end;
        lo = end - first < lo ? end - first : lo, hi = end - first > hi ? end - first : hi;
      }
      CHECK(at == total && hi - lo <= 1, "%lld over %d: ends at %lld, sizes %lld..%lld", (long long)total, ranks,
            (long long)at, (long long)lo, (long long)hi);
    }
}

int main(void) {
  RUN(serial_job_is_one_rank);
  RUN(rank_streams);
  RUN(split_gradient_is_the_batch_gradient);
  RUN(slices_are_the_batch);
  RUN(blocks_cover_evenly);
  CHECK_EXIT();
}
