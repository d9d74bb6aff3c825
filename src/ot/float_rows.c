/* The float-row kernels at each vector level, and the choice among them
 * (once, by wg_isa_active). The body is float_rows_simd.h, compiled here
 * for AVX-512, AVX2 + FMA and the baseline; every function of a level is
 * compiled for its target only, so the file builds with a baseline -O2 and
 * a level is only ever called where the CPU has it. */
#include "ot/float_rows.h"

#include <math.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>

/* AVX-512 F/DQ/BW/VL: sixteen costs per instruction; the square root as
 * rsqrt14 with one Newton step (4x the speed of vsqrtps). */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
#define SUFFIX(name) name##_avx512
#define L 16
#define LD 8
#define VF __m512
#define LOAD _mm512_loadu_ps
#define STORE _mm512_storeu_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define SUB _mm512_sub_ps
#define MUL _mm512_mul_ps
#define MIN _mm512_min_ps
#define ABS _mm512_abs_ps
#define BELOW_MASK(a, t) ((unsigned)_mm512_cmp_ps_mask(a, t, _CMP_LT_OQ))
#define LOADD _mm512_loadu_pd
#define STORED _mm512_storeu_pd
#define SQRTD _mm512_sqrt_pd
static inline __m512 sqrt_approx_avx512(__m512 x) {
  const __m512 d = _mm512_add_ps(x, _mm512_set1_ps(1e-30f));
  const __m512 y = _mm512_rsqrt14_ps(d), hd = _mm512_mul_ps(_mm512_set1_ps(0.5f), d);
  const __m512 r = _mm512_fnmadd_ps(_mm512_mul_ps(hd, y), y, _mm512_set1_ps(1.5f));
  return _mm512_mul_ps(d, _mm512_mul_ps(y, r));
}
#define SQRT_APPROX sqrt_approx_avx512
#include "ot/float_rows_simd.h"
#pragma GCC pop_options

/* AVX2 + FMA: eight costs per instruction; rsqrtps (12 bits) with one
 * Newton step is within 2^-22 too. */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define SUFFIX(name) name##_avx2
#define L 8
#define LD 4
#define VF __m256
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define MIN _mm256_min_ps
#define ABS(a) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a)
#define BELOW_MASK(a, t) ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a, t, _CMP_LT_OQ)))
#define LOADD _mm256_loadu_pd
#define STORED _mm256_storeu_pd
#define SQRTD _mm256_sqrt_pd
static inline __m256 sqrt_approx_avx2(__m256 x) {
  const __m256 d = _mm256_add_ps(x, _mm256_set1_ps(1e-30f));
  const __m256 y = _mm256_rsqrt_ps(d), hd = _mm256_mul_ps(_mm256_set1_ps(0.5f), d);
  const __m256 r = _mm256_fnmadd_ps(_mm256_mul_ps(hd, y), y, _mm256_set1_ps(1.5f));
  return _mm256_mul_ps(d, _mm256_mul_ps(y, r));
}
#define SQRT_APPROX sqrt_approx_avx2
#include "ot/float_rows_simd.h"
#pragma GCC pop_options

/* Baseline x86-64 (SSE2): four lanes, the exact vsqrtps. */
#define SUFFIX(name) name##_baseline
#define L 4
#define LD 2
#define VF __m128
#define LOAD _mm_loadu_ps
#define STORE _mm_storeu_ps
#define SET1 _mm_set1_ps
#define ADD _mm_add_ps
#define SUB _mm_sub_ps
#define MUL _mm_mul_ps
#define MIN _mm_min_ps
#define ABS(a) _mm_andnot_ps(_mm_set1_ps(-0.0f), a)
#define BELOW_MASK(a, t) ((unsigned)_mm_movemask_ps(_mm_cmplt_ps(a, t)))
#define LOADD _mm_loadu_pd
#define STORED _mm_storeu_pd
#define SQRTD _mm_sqrt_pd
#define SQRT_APPROX _mm_sqrt_ps
#include "ot/float_rows_simd.h"
#define HAVE_WIDE_LEVELS 1

#else
/* Elsewhere: one lane, plain C, for every level. */
static inline float load1(const float *p) { return *p; }
static inline void store1(float *p, float a) { *p = a; }
static inline double load1d(const double *p) { return *p; }
static inline void store1d(double *p, double a) { *p = a; }
#define SUFFIX(name) name##_baseline
#define L 1
#define LD 1
#define VF float
#define LOAD load1
#define STORE store1
#define SET1(a) (a)
#define ADD(a, b) ((a) + (b))
#define SUB(a, b) ((a) - (b))
#define MUL(a, b) ((a) * (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define ABS fabsf
#define BELOW_MASK(a, t) ((unsigned)((a) < (t)))
#define LOADD load1d
#define STORED store1d
#define SQRTD sqrt
#define SQRT_APPROX sqrtf
#include "ot/float_rows_simd.h"
#define HAVE_WIDE_LEVELS 0
#endif

typedef struct {
  float (*frow_plus)(const wg_ot_frows *, int64_t, int64_t, int64_t, const float *, float *);
  int64_t (*below)(const float *, int64_t, float, int32_t *);
  void (*sqrt_f64)(double *, int64_t);
} kernels;

#define BASELINE {frow_plus_baseline, below_baseline, sqrt_f64_baseline}
#if HAVE_WIDE_LEVELS
static const kernels levels[] = {
    [WG_ISA_BASELINE] = BASELINE,
    [WG_ISA_AVX2] = {frow_plus_avx2, below_avx2, sqrt_f64_avx2},
    [WG_ISA_AVX512] = {frow_plus_avx512, below_avx512, sqrt_f64_avx512},
};
#else
static const kernels levels[] = {[WG_ISA_BASELINE] = BASELINE, [WG_ISA_AVX2] = BASELINE,
                                 [WG_ISA_AVX512] = BASELINE};
#endif

static const kernels *active(void) { return &levels[wg_isa_active()]; }

float wg_ot_frow_plus(const wg_ot_frows *fr, int64_t i, int64_t s, int64_t len, const float *g,
                      float *v) {
  return active()->frow_plus(fr, i, s, len, g, v);
}

int64_t wg_ot_below(const float *v, int64_t len, float th, int32_t *idx) {
  return active()->below(v, len, th, idx);
}

void wg_ot_sqrt_f64(double *x, int64_t len) { active()->sqrt_f64(x, len); }
