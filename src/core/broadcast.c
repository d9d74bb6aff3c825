/* Broadcasting rules shared by the binary ops, expand and sum_to. */
#include "core/broadcast.h"

#include "core/error.h"

void wg_shape4(int ndim, const int *shape, int s4[4]) {
  WG_ASSERT(ndim >= 0 && ndim <= 4);
  for (int i = 0; i < 4; i++) s4[i] = 1;
  for (int i = 0; i < ndim; i++) s4[4 - ndim + i] = shape[i];
}

void wg_bcast_strides(const int s4[4], const int out4[4], int64_t st[4]) {
  int64_t stride = 1;
  for (int i = 3; i >= 0; i--) {
    st[i] = (s4[i] == 1 && out4[i] != 1) ? 0 : stride;
    stride *= s4[i];
  }
}

int wg_broadcast_shape(const wg_tensor *a, const wg_tensor *b, int *ndim, int shape[WG_MAX_DIMS]) {
  int n = a->ndim > b->ndim ? a->ndim : b->ndim;
  for (int i = 0; i < n; i++) {
    int ia = i - (n - a->ndim), ib = i - (n - b->ndim);
    int da = ia >= 0 ? a->shape[ia] : 1, db = ib >= 0 ? b->shape[ib] : 1;
    if (da != db && da != 1 && db != 1) {
      char sa[64], sb[64];
      wg_set_error(WG_EINVAL, "shapes %s and %s do not broadcast (dimension %d: %d vs %d)",
                   wg_shape_str(a, sa, sizeof sa), wg_shape_str(b, sb, sizeof sb), i, da, db);
      return -1;
    }
    shape[i] = da == 1 ? db : da;
  }
  *ndim = n;
  return 0;
}

int wg_broadcasts_to(int ndim, const int *shape, int tndim, const int *target) {
  if (ndim > tndim) return 0;
  for (int i = 0; i < ndim; i++) {
    int d = shape[i], t = target[tndim - ndim + i];
    if (d != t && d != 1) return 0;
  }
  return 1;
}
