/* The body of the float-row kernels for one vector level, included once per
 * level by float_rows.c with these macros set:
 *   SUFFIX(name)  the level's name for a kernel
 *   L             float lanes; LD the double lanes
 *   VF, VD        the float and double vector types
 *   LOAD, STORE, SET1, ADD, SUB, MUL, MIN  float ops; ABS(a) |a|
 *   SQRT_APPROX(a) ~sqrt(a) to 2^-22 relative (a >= 0)
 *   BELOW_MASK(a, t) the lanes a < t as bits
 *   LOADD, STORED, SQRTD  double load, store, correctly rounded sqrt
 * No include guard: it is meant to be included several times; it undefines
 * those macros at its end. */

/* v[k] = squared (or cityblock) distance of x to sink s + k, k < len. */
static void SUFFIX(distances)(const wg_ot_frows *fr, const float *x, int64_t s, int64_t len,
                              float *v) {
  const int64_t m = fr->m;
  const int city = fr->metric == WG_METRIC_CITYBLOCK;
  for (int c = 0; c < fr->d; c++) {
    const float *y = fr->xbtf + (int64_t)c * m + s;
    const VF xc = SET1(x[c]);
    int64_t k = 0;
    for (; k + L <= len; k += L) {
      VF t = SUB(xc, LOAD(y + k));
      VF e = city ? ABS(t) : MUL(t, t);
      STORE(v + k, c ? ADD(LOAD(v + k), e) : e);
    }
    for (; k < len; k++) {
      float t = x[c] - y[k];
      float e = city ? fabsf(t) : t * t;
      v[k] = c ? v[k] + e : e;
    }
  }
}

static float SUFFIX(frow_plus)(const wg_ot_frows *fr, int64_t i, int64_t s, int64_t len,
                               const float *g, float *v) {
  const int euclid = !fr->cf && fr->metric == WG_METRIC_EUCLIDEAN;
  if (!fr->cf) SUFFIX(distances)(fr, fr->xaf + i * fr->d, s, len, v);
  const float *c = fr->cf ? fr->cf + i * fr->m + s : v;
  VF mn = SET1(INFINITY);
  int64_t k = 0;
  for (; k + L <= len; k += L) {
    VF e = LOAD(c + k);
    if (euclid) e = SQRT_APPROX(e);
    e = ADD(e, LOAD(g + k));
    STORE(v + k, e);
    mn = MIN(mn, e);
  }
  float lanes[L], best = INFINITY;
  STORE(lanes, mn);
  for (int q = 0; q < L; q++) best = lanes[q] < best ? lanes[q] : best;
  for (; k < len; k++) {
    v[k] = (euclid ? sqrtf(c[k]) : c[k]) + g[k];
    best = v[k] < best ? v[k] : best;
  }
  return best;
}

static int64_t SUFFIX(below)(const float *v, int64_t len, float th, int32_t *idx) {
  const VF t = SET1(th);
  int64_t k = 0, n = 0;
  for (; k + L <= len; k += L)
    for (unsigned mask = BELOW_MASK(LOAD(v + k), t); mask; mask &= mask - 1)
      idx[n++] = (int32_t)(k + __builtin_ctz(mask));
  for (; k < len; k++)
    if (v[k] < th) idx[n++] = (int32_t)k;
  return n;
}

static void SUFFIX(sqrt_f64)(double *x, int64_t len) {
  int64_t k = 0;
  for (; k + LD <= len; k += LD) STORED(x + k, SQRTD(LOADD(x + k)));
  for (; k < len; k++) x[k] = sqrt(x[k]);
}

/* The level's macros go, so that the next level can set its own. */
#undef SUFFIX
#undef L
#undef LD
#undef VF
#undef LOAD
#undef STORE
#undef SET1
#undef ADD
#undef SUB
#undef MUL
#undef MIN
#undef ABS
#undef BELOW_MASK
#undef LOADD
#undef STORED
#undef SQRTD
#undef SQRT_APPROX
