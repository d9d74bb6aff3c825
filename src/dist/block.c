/* How items are split over the ranks. */
#include "wgan/dist.h"

void wg_dist_block(int64_t total, int rank, int ranks, int64_t *first, int64_t *end) {
  const int64_t base = total / ranks, extra = total % ranks;
  *first = rank * base + (rank < extra ? rank : extra);
  *end = *first + base + (rank < extra);
}
