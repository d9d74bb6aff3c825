/* Requests larger than the machine's memory are refused before anything is
 * allocated or read: the exact EMD of 200,000 x 200,000 points in d = 784
 * (given a pointer to one point: a solver that read the points or built
 * the 320 GB matrix would crash or be killed), and a training run whose
 * batch does not fit. The message says how much it would need. */
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "wgan.h"

enum { N = 200000, D = 784 };
static double one_point[D];
static float one_point_f[D];

/* "needs X GB for the ... cost matrix", with X = 8 n m / 1e9 as printed. */
static void says_matrix_size(const char *msg) {
  CHECK(strstr(msg, "needs 320 GB for the 200000 x 200000 cost matrix") != NULL, "message: %s", msg);
  CHECK(strstr(msg, "GB available") && strstr(msg, "sinkhorn"), "no memory figure or alternative: %s", msg);
}

static void exact_emd_of_200k_points_in_784d(void) {
  if (wg_memory_available() >= 330e9) SKIP("this machine has %.0f GB available: the matrix would fit", wg_memory_available() / 1e9);
  wg_emd_result r;
  CHECK(wg_emd(one_point, N, one_point, N, D, NULL, NULL, NULL, &r) == WG_ENOMEM, "wg_emd: %s", wg_last_error());
  says_matrix_size(wg_last_error());
  CHECK(r.plan == NULL && r.distance == 0, "the result is not zeroed");
  CHECK(wg_emd_f32(one_point_f, N, one_point_f, N, D, NULL, NULL, NULL, &r) == WG_ENOMEM, "wg_emd_f32: %s",
        wg_last_error());
  says_matrix_size(wg_last_error());
  wg_emd_options o = wg_emd_defaults();
  const char *how = NULL;
  CHECK(wg_transport(one_point, N, one_point, N, D, NULL, NULL, &o, WG_OT_EXACT, &r, &how) == WG_ENOMEM,
        "wg_transport: %s", wg_last_error());
  says_matrix_size(wg_last_error());
  /* a cost matrix given, but p = 2 needs a matrix of c^p: the same plan */
  o.cost = one_point;
  o.p = 2;
  CHECK(wg_emd(NULL, N, NULL, N, 0, NULL, NULL, &o, &r) == WG_ENOMEM, "wg_emd with a cost matrix: %s",
        wg_last_error());
  says_matrix_size(wg_last_error());
}

/* No matrix (d = 2, costs on the fly), but 2 x 10^9 points. */
static void exact_emd_of_two_billion_points(void) {
  if (wg_memory_available() >= 1e12) SKIP("this machine has %.0f GB available", wg_memory_available() / 1e9);
  wg_emd_result r;
  CHECK(wg_emd(one_point, 1000000000, one_point, 1000000000, 2, NULL, NULL, NULL, &r) == WG_ENOMEM, "%s",
        wg_last_error());
  CHECK(strstr(wg_last_error(), "for 1000000000 + 1000000000 points") && !strstr(wg_last_error(), "matrix"),
        "message: %s", wg_last_error());
}

/* What fits still runs: 3 points against 2 in d = 784. */
static void small_problem_runs(void) {
  static double a[3 * D], b[2 * D];
  for (int k = 0; k < D; k++) a[k] = 1, a[D + k] = 2, a[2 * D + k] = 3, b[k] = 1, b[D + k] = 3;
  wg_emd_result r;
  CHECK(wg_emd(a, 3, b, 2, D, NULL, NULL, NULL, &r) == WG_OK, "%s", wg_last_error());
  /* a's middle point moves half-way to each of b's: 1/3 of the mass over 28 */
  CHECK_CLOSE(r.distance, 28.0 / 3, 1e-9, 1e-9);
  wg_emd_result_free(&r);
}

static void training_batch_beyond_memory(void) {
  char dir[] = "/tmp/wgan-test-membatch-XXXXXX", out[300];
  if (!mkdtemp(dir)) SKIP("mkdtemp failed");
  snprintf(out, sizeof out, "%s/run", dir);
  wg_setting s[] = {{"data", "8gaussians"}, {"batch", "1000000"}, {"iters", "1"}};
  wg_run_opts o = wg_run_defaults();
  o.out = out;
  wg_run *run = NULL;
  wg_status st = wg_run_open(&run, s, 3, &o);
  if (st == WG_OK) {
    wg_run_close(run);
    rmdir(out);
    rmdir(dir);
    SKIP("this machine has %.0f GB available: the batch fits", wg_memory_available() / 1e9);
  }
  CHECK(st == WG_ENOMEM && run == NULL, "status %d: %s", (int)st, wg_last_error());
  const char *msg = wg_last_error();
  CHECK(strstr(msg, "at --batch 1000000") && strstr(msg, "GB available") && strstr(msg, "or less"), "message: %s", msg);
  CHECK(access(out, F_OK) != 0, "the refused run made its directory");
  rmdir(dir);
}

int main(void) {
  printf("seed none (fixed sizes; this machine: %.1f GB available)\n", wg_memory_available() / 1e9);
#ifndef __SANITIZE_ADDRESS__
  /* A refusal that regressed then fails to allocate instead of waking the
   * kernel's OOM killer (ASan reserves its shadow in the address space). */
  setrlimit(RLIMIT_AS, &(struct rlimit){8ull << 30, 8ull << 30});
#endif
  RUN(exact_emd_of_200k_points_in_784d);
  RUN(exact_emd_of_two_billion_points);
  RUN(small_problem_runs);
  RUN(training_batch_beyond_memory);
  CHECK_EXIT();
}
