/* One thread count for OpenMP and OpenBLAS together. */
#include <cblas.h>
#include <omp.h>

#include "wgan/base.h"

void wg_set_threads(int n) {
  if (n <= 0) n = omp_get_num_procs();
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int wg_get_threads(void) { return omp_get_max_threads(); }
