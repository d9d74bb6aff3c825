/* The Fréchet distance between two Gaussian fits of feature sets:
 * FD = |mu1 - mu2|^2 + tr(c1 + c2 - 2 (c1 c2)^(1/2)).
 * c1 c2 is not symmetric, but it is similar to c1^(1/2) c2 c1^(1/2), which
 * is symmetric positive semi-definite, so the trace of its square root needs
 * only two symmetric eigendecompositions (LAPACK, from OpenBLAS). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/eval.h"

/* LAPACK's divide-and-conquer symmetric eigensolver (bundled in OpenBLAS;
 * no LAPACKE header needed for one routine). */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);

/* Eigenvalues w[d] and (want_vectors) eigenvectors in the columns of the
 * column-major a[d, d], overwritten. */
static wg_status sym_eig(double *a, int d, double *w, int want_vectors) {
  const char jobz = want_vectors ? 'V' : 'N', uplo = 'L';
  int lwork = -1, liwork = -1, info = 0, iw;
  double wq;
  dsyevd_(&jobz, &uplo, &d, a, &d, w, &wq, &lwork, &iw, &liwork, &info);
  if (info != 0) return wg_set_error(WG_ENUMERIC, "frechet: eigensolver workspace query failed");
  lwork = (int)wq;
  liwork = iw;
  double *work = malloc(sizeof(double) * (size_t)lwork);
  int *iwork = malloc(sizeof(int) * (size_t)liwork);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return wg_set_error(WG_ENOMEM, "frechet: out of memory");
  }
  dsyevd_(&jobz, &uplo, &d, a, &d, w, work, &lwork, iwork, &liwork, &info);
  free(work);
  free(iwork);
  if (info != 0) return wg_set_error(WG_ENUMERIC, "frechet: the eigensolver did not converge (info %d)", info);
  return WG_OK;
}

wg_status wg_gaussian_fit(const float *x, int64_t n, int d, double *mu, double *cov) {
  if (!x || n < 2 || d < 1) return wg_set_error(WG_EINVAL, "frechet: need n >= 2 samples of dimension >= 1");
  double *xc = malloc(sizeof(double) * (size_t)n * (size_t)d);  /* [n, d] centred */
  if (!xc) return wg_set_error(WG_ENOMEM, "frechet: out of memory");
  for (int j = 0; j < d; j++) mu[j] = 0;
  for (int64_t i = 0; i < n; i++)
    for (int j = 0; j < d; j++) mu[j] += x[i * d + j];
  for (int j = 0; j < d; j++) mu[j] /= (double)n;
  for (int64_t i = 0; i < n; i++)
    for (int j = 0; j < d; j++) xc[i * d + j] = x[i * d + j] - mu[j];
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, d, (int)n, 1.0 / (double)(n - 1), xc, d,
              xc, d, 0.0, cov, d);
  free(xc);
  for (int j = 0; j < d; j++)
    if (!isfinite(mu[j])) return wg_set_error(WG_ENUMERIC, "frechet: a feature is not finite");
  return WG_OK;
}

wg_status wg_frechet_distance(const double *mu1, const double *c1, const double *mu2,
                              const double *c2, int d, double *fd) {
  if (d < 1) return wg_set_error(WG_EINVAL, "frechet: dimension must be >= 1");
  size_t dd = (size_t)d * (size_t)d;
  double *v = malloc(sizeof(double) * dd), *s = malloc(sizeof(double) * dd),
         *t = malloc(sizeof(double) * dd), *w = malloc(sizeof(double) * (size_t)d);
  wg_status st = WG_OK;
  if (!v || !s || !t || !w) {
    st = wg_set_error(WG_ENOMEM, "frechet: out of memory");
    goto done;
  }
  /* s = c1^(1/2) = V diag(sqrt w) V^T (symmetric, so row/column order does not matter). */
  memcpy(v, c1, sizeof(double) * dd);
  if ((st = sym_eig(v, d, w, 1)) != WG_OK) goto done;
  for (int k = 0; k < d; k++) {
    double r = sqrt(fmax(w[k], 0.0));
    for (int i = 0; i < d; i++) t[(size_t)k * d + i] = v[(size_t)k * d + i] * r;  /* columns scaled */
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, d, d, d, 1.0, t, d, v, d, 0.0, s, d);
  /* t = s c2 s, then its eigenvalues. */
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, s, d, c2, d, 0.0, v, d);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, v, d, s, d, 0.0, t, d);
  if ((st = sym_eig(t, d, w, 0)) != WG_OK) goto done;
  double tr_sqrt = 0, tr1 = 0, tr2 = 0, dm = 0;
  for (int k = 0; k < d; k++) tr_sqrt += sqrt(fmax(w[k], 0.0));
  for (int k = 0; k < d; k++) {
    tr1 += c1[(size_t)k * d + k];
    tr2 += c2[(size_t)k * d + k];
    dm += (mu1[k] - mu2[k]) * (mu1[k] - mu2[k]);
  }
  *fd = fmax(dm + tr1 + tr2 - 2.0 * tr_sqrt, 0.0);
  if (!isfinite(*fd)) st = wg_set_error(WG_ENUMERIC, "frechet: the distance is not finite");
done:
  free(v);
  free(s);
  free(t);
  free(w);
  return st;
}

wg_status wg_frechet_features(const float *a, int64_t na, const float *b, int64_t nb, int d,
                              double *fd) {
  size_t dd = (size_t)d * (size_t)d;
  double *mu = malloc(sizeof(double) * 2 * (size_t)d), *cov = malloc(sizeof(double) * 2 * dd);
  wg_status st = mu && cov ? WG_OK : wg_set_error(WG_ENOMEM, "frechet: out of memory");
  if (st == WG_OK) st = wg_gaussian_fit(a, na, d, mu, cov);
  if (st == WG_OK) st = wg_gaussian_fit(b, nb, d, mu + d, cov + dd);
  if (st == WG_OK) st = wg_frechet_distance(mu, cov, mu + d, cov + dd, d, fd);
  free(mu);
  free(cov);
  return st;
}
