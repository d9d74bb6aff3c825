/* TensorFlow's SAME padding: wg_conv_opts_same against the rule
 * out = ceil(in / s), total = max((out - 1) s + k - in, 0), the smaller half
 * top/left, the rest bottom/right, over a grid of (in, k, s) with odd and
 * even totals; then the dcgan28 critic (three SAME convs of stride 2) against
 * a direct convolution in double written here. */
#include <string.h>

#include "check.h"
#include "wgan.h"

static wg_rng rng;

static void same_padding_matches_tensorflow(void) {
  wg_ctx *ctx = wg_ctx_new(0);
  int odd = 0, even = 0;
  for (int in = 1; in <= 16; in++)
    for (int k = 1; k <= 7; k++)
      for (int s = 1; s <= 4; s++) {
        const int out = (in + s - 1) / s;
        int total = (out - 1) * s + k - in;
        if (total < 0) total = 0;
        const int top = total / 2, bottom = total - top;
        odd += total % 2, even += total > 0 && total % 2 == 0;
        wg_conv_opts o = wg_conv_opts_same(in, k, s);
        CHECK(o.pad[0] == top && o.pad[1] == bottom && o.pad[2] == top && o.pad[3] == bottom,
              "in %d, k %d, s %d: pads %d/%d/%d/%d, expected %d/%d/%d/%d", in, k, s, o.pad[0], o.pad[1], o.pad[2],
              o.pad[3], top, bottom, top, bottom);
        CHECK(o.stride[0] == s && o.stride[1] == s && o.out_pad[0] == 0 && o.out_pad[1] == 0,
              "in %d, k %d, s %d: stride %dx%d, out_pad %d/%d", in, k, s, o.stride[0], o.stride[1], o.out_pad[0],
              o.out_pad[1]);
        /* The padded conv gives SAME's ceil(in / s) outputs a side. */
        wg_ctx_reset(ctx);
        wg_tensor *x = wg_zeros(ctx, 4, (int[]){1, 1, in, in}), *w = wg_zeros(ctx, 4, (int[]){1, 1, k, k});
        wg_tensor *y = wg_conv2d(ctx, x, w, &o);
        CHECK(y && y->shape[2] == out && y->shape[3] == out, "in %d, k %d, s %d: output side %d, expected %d", in, k,
              s, y ? y->shape[2] : -1, out);
      }
  CHECK(odd > 0 && even > 0, "the grid has %d odd and %d even totals", odd, even);
  wg_ctx_free(ctx);
}

/* y[OC][out][out] = b + conv(x[C][in][in], w[OC][C][k][k]) with TensorFlow's
 * SAME padding at stride 2, then LeakyReLU 0.2. */
static void same_conv_leaky(const double *x, int C, int in, const float *w, const float *b, int OC, int k,
                            double *y) {
  const int s = 2, out = (in + s - 1) / s;
  int total = (out - 1) * s + k - in;
  if (total < 0) total = 0;
  const int top = total / 2;
  for (int oc = 0; oc < OC; oc++)
    for (int oy = 0; oy < out; oy++)
      for (int ox = 0; ox < out; ox++) {
        double acc = b[oc];
        for (int c = 0; c < C; c++)
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
              const int iy = oy * s - top + ky, ix = ox * s - top + kx;
              if (iy >= 0 && iy < in && ix >= 0 && ix < in)
                acc += w[((oc * C + c) * k + ky) * k + kx] * x[(c * in + iy) * in + ix];
            }
        y[(oc * out + oy) * out + ox] = acc > 0 ? acc : 0.2 * acc;
      }
}

static void dcgan28_critic_matches_direct_convolution(void) {
  enum { DIM = 2, NB = 2, K = 5 };
  wg_gan_models m;
  if (wg_models_dcgan28(&m, 4, DIM, 0) != WG_OK) {
    CHECK(0, "%s", wg_last_error());
    return;
  }
  wg_net *c = m.critic;
  /* The buffer: conv 1 -> DIM, DIM -> 2 DIM, 2 DIM -> 4 DIM (each w then b),
   * then the linear layer on the flattened 4 DIM x 4 x 4. */
  const int ch[4] = {1, DIM, 2 * DIM, 4 * DIM}, side[4] = {28, 14, 7, 4};
  int64_t off[3][2], at = 0;
  for (int l = 0; l < 3; l++) {
    off[l][0] = at, at += (int64_t)ch[l + 1] * ch[l] * K * K;
    off[l][1] = at, at += ch[l + 1];
  }
  const int flat = ch[3] * side[3] * side[3];
  CHECK(c->n_params == at + flat + 1, "%lld parameters, expected %lld", (long long)c->n_params,
        (long long)(at + flat + 1));
  if (c->n_params != at + flat + 1) {
    wg_models_free(&m);
    return;
  }
  wg_rng_fill_uniform(&rng, c->params, (size_t)c->n_params, -0.3f, 0.3f);
  static float x[NB * 28 * 28];
  wg_rng_fill_uniform(&rng, x, NB * 28 * 28, 0, 1);
  wg_ctx *ctx = wg_ctx_new(0);
  wg_tensor *out = wg_net_forward(ctx, c, wg_from_data(ctx, x, 4, (int[]){NB, 1, 28, 28}));
  CHECK(out && out->numel == NB, "%s", wg_last_error());
  for (int n = 0; out && n < NB; n++) {
    static double h[4][8 * 28 * 28];
    for (int i = 0; i < 28 * 28; i++) h[0][i] = x[n * 28 * 28 + i];
    for (int l = 0; l < 3; l++)
      same_conv_leaky(h[l], ch[l], side[l], c->params + off[l][0], c->params + off[l][1], ch[l + 1], K, h[l + 1]);
    double want = c->params[at + flat];
    for (int i = 0; i < flat; i++) want += c->params[at + i] * h[3][i];
    CHECK_CLOSE(out->data[n], want, 1e-5, 1e-4);
  }
  wg_ctx_free(ctx);
  wg_models_free(&m);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(29));
  wg_set_threads(1);
  RUN(same_padding_matches_tensorflow);
  RUN(dcgan28_critic_matches_direct_convolution);
  CHECK_EXIT();
}
