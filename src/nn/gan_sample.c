/* Drawing samples from a generator: from its noise, or from noise given. */
#include <string.h>

#include "core/error.h"
#include "wgan/nn.h"

enum { CHUNK = 256 }; /* samples per forward pass, so a large n needs little memory */

/* out[n, sample...] = G(z[n, nz]) in chunks, BatchNorm in eval mode; with
 * rng set, z is drawn from it chunk by chunk (the noise buffer then needs
 * room for one chunk only). */
static wg_status generate(wg_gan_models *m, wg_rng *rng, const float *z_given, int n, float *out) {
  wg_ctx *ctx = wg_ctx_new(0);
  if (!ctx) return wg_failed("the sampling context");
  wg_ctx_set_recording(ctx, 0);
  int was_training = m->gen->training;
  m->gen->training = 0;
  wg_status st = WG_OK;
  for (int done = 0; done < n && st == WG_OK; done += CHUNK) {
    int k = n - done < CHUNK ? n - done : CHUNK;
    wg_ctx_reset(ctx);
    wg_tensor *z = wg_empty(ctx, 2, (int[]){k, m->nz});
    if (z && rng) wg_rng_fill_normal(rng, z->data, (size_t)z->numel, 0, 1);
    else if (z) memcpy(z->data, z_given + (int64_t)done * m->nz, sizeof(float) * (size_t)z->numel);
    wg_tensor *x = wg_net_forward(ctx, m->gen, z);
    if (!x) st = wg_failed("the generator");
    else memcpy(out + (int64_t)done * (x->numel / k), x->data, sizeof(float) * (size_t)x->numel);
  }
  m->gen->training = was_training;
  wg_ctx_free(ctx);
  return st;
}

wg_status wg_gan_sample(wg_gan_models *m, wg_rng *rng, int n, float *out) {
  if (n < 1) return wg_set_error(WG_EINVAL, "the number of samples must be positive, not %d", n);
  return generate(m, rng, NULL, n, out);
}

wg_status wg_gan_generate(wg_gan_models *m, const float *z, int n, float *out) {
  if (n < 1) return wg_set_error(WG_EINVAL, "the number of samples must be positive, not %d", n);
  return generate(m, NULL, z, n, out);
}
