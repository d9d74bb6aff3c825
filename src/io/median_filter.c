/* Running median with a centred window that shrinks at the ends, as used to
 * smooth the critic's noisy W estimate. The window is kept sorted and slid by
 * one removal and one insertion per step: O(n * width), no allocation per step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/plot.h"

/* First index in sorted w[0..n) whose value is >= v. */
static size_t lower_bound(const double *w, size_t n, double v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static void insert(double *w, size_t *n, double v) {
  if (isnan(v)) return;
  size_t at = lower_bound(w, *n, v);
  memmove(w + at + 1, w + at, (*n - at) * sizeof *w);
  w[at] = v;
  (*n)++;
}

static void remove_value(double *w, size_t *n, double v) {
  if (isnan(v)) return;
  size_t at = lower_bound(w, *n, v);
  WG_ASSERT(at < *n && w[at] == v); /* it entered the window earlier */
  memmove(w + at, w + at + 1, (*n - at - 1) * sizeof *w);
  (*n)--;
}

wg_status wg_median_filter(const double *x, size_t n, size_t width, double *out) {
  if (n > 0 && (!x || !out)) return wg_set_error(WG_EINVAL, "median filter: NULL array");
  if (width == 0 || width % 2 == 0) return wg_set_error(WG_EINVAL, "median filter: width %zu is not odd", width);
  if (n == 0) return WG_OK;
  size_t h = width / 2, cap = width < n ? width : n;
  double *w = malloc(cap * sizeof *w); /* [cap] the sorted non-NaN values of the window */
  if (!w) return wg_set_error(WG_ENOMEM, "median filter: out of memory for width %zu", width);
  size_t count = 0;
  for (size_t j = 0; j <= h && j < n; j++) insert(w, &count, x[j]);
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      if (i > h) remove_value(w, &count, x[i - h - 1]);
      if (i + h < n) insert(w, &count, x[i + h]);
    }
    if (count == 0) out[i] = NAN;
    else if (count % 2) out[i] = w[count / 2];
    else out[i] = 0.5 * (w[count / 2 - 1] + w[count / 2]);
  }
  free(w);
  return WG_OK;
}
