/* Drawing samples from a generator. */
#include <string.h>

#include "core/error.h"
#include "wgan/nn.h"

wg_status wg_gan_sample(wg_gan_models *m, wg_rng *rng, int n, float *out) {
  if (n < 1) return wg_set_error(WG_EINVAL, "the number of samples must be positive, not %d", n);
  wg_ctx *ctx = wg_ctx_new(0);
  if (!ctx) return wg_failed("the sampling context");
  wg_ctx_set_recording(ctx, 0);
  int was_training = m->gen->training;
  m->gen->training = 0;
  wg_status st = WG_OK;
  /* In chunks, so a large n needs little memory. */
  for (int done = 0; done < n && st == WG_OK; done += 256) {
    int k = n - done < 256 ? n - done : 256;
    wg_ctx_reset(ctx);
    wg_tensor *z = wg_empty(ctx, 2, (int[]){k, m->nz});
    if (z) wg_rng_fill_normal(rng, z->data, (size_t)z->numel, 0, 1);
    wg_tensor *x = wg_net_forward(ctx, m->gen, z);
    if (!x) st = wg_failed("the generator");
    else memcpy(out + (int64_t)done * (x->numel / k), x->data, sizeof(float) * (size_t)x->numel);
  }
  m->gen->training = was_training;
  wg_ctx_free(ctx);
  return st;
}
