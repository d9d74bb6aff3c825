/* The one rank of a job of one: the library as built without MPI. */
#include "wgan/dist.h"

wg_status wg_dist_init(int *argc, char ***argv) {
  (void)argc, (void)argv;
  return WG_OK;
}

void wg_dist_finalize(void) {}
int wg_dist_built_with_mpi(void) { return 0; }
int wg_dist_rank(void) { return 0; }
int wg_dist_size(void) { return 1; }

/* The mean over one rank is the value itself. */
void wg_dist_mean_floats(float *x, int64_t n) { (void)x, (void)n; }
void wg_dist_mean_doubles(double *x, int n) { (void)x, (void)n; }
void wg_dist_broadcast(void *buf, size_t bytes, int root) { (void)buf, (void)bytes, (void)root; }
void wg_dist_share_blocks(double *x, int64_t total) { (void)x, (void)total; }

wg_status wg_dist_agree(wg_status st, int *stop) {
  (void)stop;
  return st;
}

double wg_dist_seconds(void) { return 0; }
