/* The library's clock: training time and throughput. */
#include <time.h>

#include "wgan/base.h"

double wg_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
