/* Benchmark of the exact solver (not a test): Gaussian clouds with uniform
 * weights, N(0, I) against N(0, I) shifted by 1 in the first coordinate;
 * d = 2 and d = 784, n = m = 1000..8000; the 1-D closed form at 1e6 and
 * 1e7 points. Prints the median of REPS runs (default 3) of the cost-matrix
 * build alone and of the whole wg_emd call (which builds its own matrix
 * when it needs one, d = 784; at d = 2 it computes costs on the fly), and
 * the peak RSS of the process so far.
 * Usage: bench_emd [REPS [MAX_N]] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "timing.h"
#include "wgan.h"




static double peak_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;
}

static void clouds(wg_rng *r, double *a, double *b, int64_t n, int d) {
  for (int64_t k = 0; k < n * d; k++) a[k] = wg_rng_normal(r);
  for (int64_t k = 0; k < n * d; k++) b[k] = wg_rng_normal(r) + (k % d == 0 ? 1.0 : 0.0);
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 3;
  int64_t max_n = argc > 2 ? atoll(argv[2]) : 8000;
  if (reps < 1) reps = 1;
  printf("threads %d, median of %d runs\n", wg_get_threads(), reps);
  printf("%5s %6s %12s %12s %10s %20s %10s\n", "d", "n", "matrix_s", "emd_s", "pivots", "W1",
         "peak_MB");
  wg_rng r;
  wg_rng_seed(&r, 1);
  const int dims[2] = {2, 784};
  for (int di = 0; di < 2; di++) {
    for (int64_t n = 1000; n <= max_n; n *= 2) {
      int d = dims[di];
      double *a = malloc(sizeof(double) * (size_t)(n * d));
      double *b = malloc(sizeof(double) * (size_t)(n * d));
      double *C = malloc(sizeof(double) * (size_t)(n * n));
      double tm[16], te[16], w = 0;
      int64_t pivots = 0;
      clouds(&r, a, b, n, d);
      for (int k = 0; k < reps && k < 16; k++) {
        double t0 = now();
        if (wg_cost_matrix(a, n, b, n, d, WG_METRIC_EUCLIDEAN, 1, C)) return 1;
        tm[k] = now() - t0;
        wg_emd_result res;
        t0 = now();
        if (wg_emd(a, n, b, n, d, NULL, NULL, NULL, &res)) {
          fprintf(stderr, "bench_emd: %s\n", wg_last_error());
          return 1;
        }
        te[k] = now() - t0;
        w = res.distance;
        pivots = res.iterations;
        wg_emd_result_free(&res);
      }
      free(C);
      printf("%5d %6lld %12.3f %12.3f %10lld %20.15f %10.0f\n", d, (long long)n,
             median(tm, reps < 16 ? reps : 16), median(te, reps < 16 ? reps : 16),
             (long long)pivots, w, peak_mb());
      fflush(stdout);
      free(a), free(b);
    }
  }
  for (int64_t n = 1000000; n <= 10000000; n *= 10) {
    double *x = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n);
    for (int64_t k = 0; k < n; k++) x[k] = wg_rng_normal(&r), y[k] = wg_rng_normal(&r) + 3;
    double t[16], w = 0;
    for (int k = 0; k < reps && k < 16; k++) {
      double t0 = now();
      if (wg_wasserstein_1d(x, n, NULL, y, n, NULL, NULL, &w)) return 1;
      t[k] = now() - t0;
    }
    printf("%5d %6.0e %12s %12.3f %10s %20.15f %10.0f\n", 1, (double)n, "-",
           median(t, reps < 16 ? reps : 16), "-", w, peak_mb());
    fflush(stdout);
    free(x), free(y);
  }
  return 0;
}
