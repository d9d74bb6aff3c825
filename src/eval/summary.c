/* The summary of repeated evaluations: mean, standard deviation, the
 * standard error of the mean and the 95 % percentile interval. The
 * percentile interval because the values (W1 on finite samples) are skewed
 * and bounded below by 0: it assumes no normality, and it says where one
 * evaluation at this n lands, which is what two runs' values are compared
 * against. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The q-quantile of sorted[n]: linear interpolation at h = (n - 1) q
 * (Hyndman and Fan's type 7, numpy's and R's default). */
static double quantile(const double *sorted, int64_t n, double q) {
  double h = (double)(n - 1) * q;
  int64_t i = (int64_t)floor(h);
  if (i >= n - 1) return sorted[n - 1];
  return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

wg_status wg_eval_summarize(const double *values, int64_t count, wg_eval_summary *out) {
  if (!values || !out || count < 1) return wg_set_error(WG_EINVAL, "summary: need at least one value");
  for (int64_t i = 0; i < count; i++)
    if (!isfinite(values[i])) return wg_set_error(WG_EINVAL, "summary: value %lld is not finite", (long long)i);
  double *s = malloc(sizeof *s * (size_t)count);
  if (!s) return wg_set_error(WG_ENOMEM, "summary: out of memory for %lld values", (long long)count);
  memcpy(s, values, sizeof *s * (size_t)count);
  qsort(s, (size_t)count, sizeof *s, by_value);
  double sum = 0, ss = 0;
  for (int64_t i = 0; i < count; i++) sum += values[i];
  const double mean = sum / (double)count;
  for (int64_t i = 0; i < count; i++) ss += (values[i] - mean) * (values[i] - mean);
  out->count = count;
  out->mean = mean;
  out->std = count > 1 ? sqrt(ss / (double)(count - 1)) : 0.0;
  out->se = out->std / sqrt((double)count);
  out->lo = quantile(s, count, 0.025);
  out->hi = quantile(s, count, 0.975);
  free(s);
  return WG_OK;
}
