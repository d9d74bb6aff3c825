/* The bf16 matrix product of a context set to WG_PRECISION_BF16. */
#ifndef WGAN_CORE_MATMUL_DNNL_H
#define WGAN_CORE_MATMUL_DNNL_H
#include <stdint.h>

/* c[m,n] = op(a) op(b), a and b bfloat16 row-major ([m,k] / [k,n], or
 * [k,m] / [n,k] when ta / tb), c float; -1 when oneDNN cannot serve it. */
int wg_matmul_dnnl_bf16(int m, int n, int k, int ta, int tb, const uint16_t *a, const uint16_t *b, float *c);

#endif
