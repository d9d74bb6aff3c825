/* The optimal assignment by brute force, the reference the exact solver's
 * tests hold it to. */
#ifndef WGAN_TESTS_BRUTE_FORCE_H
#define WGAN_TESTS_BRUTE_FORCE_H
#include <math.h>

/* min over permutations perm of sum_i c[i * n + perm(i)], n <= 8, by Heap's
 * algorithm. */
static inline double brute_force_assignment(const double *c, int n) {
  int perm[8], count[8] = {0};
  for (int i = 0; i < n; i++) perm[i] = i;
  double best = INFINITY;
  for (int k = 0;;) {
    double s = 0;
    for (int i = 0; i < n; i++) s += c[i * n + perm[i]];
    best = fmin(best, s);
    while (k < n && count[k] >= k) count[k++] = 0;
    if (k >= n) break;
    int j = k % 2 ? count[k] : 0, t = perm[j];
    perm[j] = perm[k], perm[k] = t;
    count[k]++;
    k = 0;
  }
  return best;
}

#endif
