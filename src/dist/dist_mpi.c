/* The job over MPI (make MPI=1): one process per rank of MPI_COMM_WORLD. */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "wgan/dist.h"

static int joined, rank, size = 1;
static double collective_seconds;

double wg_dist_seconds(void) { return collective_seconds; }

/* The variables Open MPI's mpirun, PMIx and Slurm's PMI set in a process
 * they launch: without one the process was started alone. */
static int launched(void) {
  static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

wg_status wg_dist_init(int *argc, char ***argv) {
  if (joined || !launched()) return WG_OK;
  /* Only the main thread calls MPI, outside OpenMP's parallel regions. */
  int provided;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    return wg_set_error(WG_EINVAL, "MPI_Init_thread failed");
  joined = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return WG_OK;
}

void wg_dist_finalize(void) {
  if (joined) MPI_Finalize();
  joined = 0, rank = 0, size = 1;
}

int wg_dist_built_with_mpi(void) { return 1; }
int wg_dist_rank(void) { return rank; }
int wg_dist_size(void) { return size; }

/* MPI counts are ints: a buffer of more than INT_MAX goes in pieces. */
void wg_dist_mean_floats(float *x, int64_t n) {
  if (size < 2) return;
  const double t0 = wg_seconds();
  for (int64_t done = 0; done < n; done += INT_MAX) {
    int count = n - done < INT_MAX ? (int)(n - done) : INT_MAX;
    MPI_Allreduce(MPI_IN_PLACE, x + done, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  }
  const float scale = 1.0f / (float)size;
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; i++) x[i] *= scale;
  collective_seconds += wg_seconds() - t0;
}

void wg_dist_mean_doubles(double *x, int n) {
  if (size < 2) return;
  const double t0 = wg_seconds();
  MPI_Allreduce(MPI_IN_PLACE, x, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  for (int i = 0; i < n; i++) x[i] /= size;
  collective_seconds += wg_seconds() - t0;
}

void wg_dist_broadcast(void *buf, size_t bytes, int root) {
  if (size < 2) return;
  const double t0 = wg_seconds();
  for (size_t done = 0; done < bytes; done += INT_MAX) {
    size_t count = bytes - done < INT_MAX ? bytes - done : INT_MAX;
    MPI_Bcast((char *)buf + done, (int)count, MPI_BYTE, root, MPI_COMM_WORLD);
  }
  collective_seconds += wg_seconds() - t0;
}

void wg_dist_share_blocks(double *x, int64_t total) {
  if (size < 2) return;
  const double t0 = wg_seconds();
  int64_t first, end;
  wg_dist_block(total, rank, size, &first, &end);
  for (int64_t i = 0; i < total; i++)
    if (i < first || i >= end) x[i] = 0;
  for (int64_t done = 0; done < total; done += INT_MAX) {
    int count = total - done < INT_MAX ? (int)(total - done) : INT_MAX;
    MPI_Allreduce(MPI_IN_PLACE, x + done, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }
  collective_seconds += wg_seconds() - t0;
}

wg_status wg_dist_agree(wg_status st, int *stop) {
  if (size < 2) return st;
  /* One MIN over {the first failing rank, minus the stop value}. */
  int mine[2] = {st != WG_OK ? rank : INT_MAX, stop ? -*stop : 0}, all[2];
  const double t0 = wg_seconds();
  MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  collective_seconds += wg_seconds() - t0;
  if (stop) *stop = -all[1];
  if (all[0] == INT_MAX) return WG_OK;
  struct {
    int status;
    char message[1024];
  } verdict = {(int)st, ""};
  if (rank == all[0]) snprintf(verdict.message, sizeof verdict.message, "%s", wg_last_error());
  MPI_Bcast(&verdict, (int)sizeof verdict, MPI_BYTE, all[0], MPI_COMM_WORLD);
  if (rank == all[0]) return st;
  return wg_set_error((wg_status)verdict.status, "rank %d: %s", all[0], verdict.message);
}
