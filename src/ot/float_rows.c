/* Float rows of costs: read from a float matrix, or computed from float
 * points with SIMD (sixteen costs per instruction, no memory traffic). */
#include "ot/float_rows.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

/* x[k] ~ sqrt(x[k]) to ~1e-7 relative: x * rsqrt(x) with one Newton step,
 * 4x the speed of vsqrtps. */
static void sqrt_approx_f32(float *x, int64_t len) {
  int64_t k = 0;
#if defined(__AVX512F__)
  const __m512 tiny = _mm512_set1_ps(1e-30f), half = _mm512_set1_ps(0.5f),
               three_halves = _mm512_set1_ps(1.5f);
  for (; k + 16 <= len; k += 16) {
    __m512 d = _mm512_add_ps(_mm512_loadu_ps(x + k), tiny);
    __m512 y = _mm512_rsqrt14_ps(d);
    __m512 hd = _mm512_mul_ps(half, d);
    y = _mm512_mul_ps(y, _mm512_fnmadd_ps(_mm512_mul_ps(hd, y), y, three_halves));
    _mm512_storeu_ps(x + k, _mm512_mul_ps(d, y));
  }
#elif defined(__AVX__)
  for (; k + 8 <= len; k += 8) _mm256_storeu_ps(x + k, _mm256_sqrt_ps(_mm256_loadu_ps(x + k)));
#endif
  for (; k < len; k++) x[k] = sqrtf(x[k]);
}

void wg_ot_frow(const wg_ot_frows *fr, int64_t i, int64_t s, int64_t len, float *v) {
  int64_t m = fr->m;
  if (fr->cf) {
    memcpy(v, fr->cf + i * m + s, (size_t)len * sizeof *v);
    return;
  }
  const float *x = fr->xaf + i * fr->d;
  if (fr->d == 2 && fr->metric != WG_METRIC_CITYBLOCK) {
    const float *y0 = fr->xbtf + s, *y1 = fr->xbtf + m + s;
    float x0 = x[0], x1 = x[1];
#pragma omp simd
    for (int64_t k = 0; k < len; k++) v[k] = (x0 - y0[k]) * (x0 - y0[k]) + (x1 - y1[k]) * (x1 - y1[k]);
  } else {
    memset(v, 0, (size_t)len * sizeof *v);
    for (int c = 0; c < fr->d; c++) {
      const float *y = fr->xbtf + (int64_t)c * m + s;
      float xc = x[c];
      if (fr->metric == WG_METRIC_CITYBLOCK) {
#pragma omp simd
        for (int64_t k = 0; k < len; k++) v[k] += fabsf(xc - y[k]);
      } else {
#pragma omp simd
        for (int64_t k = 0; k < len; k++) v[k] += (xc - y[k]) * (xc - y[k]);
      }
    }
  }
  if (fr->metric == WG_METRIC_EUCLIDEAN) sqrt_approx_f32(v, len);
}

/* Four independent accumulators, since one waits on the latency of each
 * min instruction. */
float wg_ot_min_f32(const float *x, int64_t len) {
  int64_t k = 0;
  float mn = INFINITY;
#if defined(__AVX512F__)
  __m512 m0 = _mm512_set1_ps(INFINITY), m1 = m0, m2 = m0, m3 = m0;
  for (; k + 64 <= len; k += 64) {
    m0 = _mm512_min_ps(m0, _mm512_loadu_ps(x + k));
    m1 = _mm512_min_ps(m1, _mm512_loadu_ps(x + k + 16));
    m2 = _mm512_min_ps(m2, _mm512_loadu_ps(x + k + 32));
    m3 = _mm512_min_ps(m3, _mm512_loadu_ps(x + k + 48));
  }
  mn = _mm512_reduce_min_ps(_mm512_min_ps(_mm512_min_ps(m0, m1), _mm512_min_ps(m2, m3)));
#endif
  for (; k < len; k++) mn = x[k] < mn ? x[k] : mn;
  return mn;
}
