/* Times whole networks through the tape: the MNIST generator and critic of the
 * WGAN-GP reference code (igul222/improved_wgan_training, gan_mnist.py: DIM 64,
 * batch 50, no BatchNorm; here wg_models_dcgan28(&m, 128, 64, 0), WG_INIT_WGANGP),
 * forward and backward, and the critic's gradient penalty
 * (x^ leaf -> critic -> wg_grad(create_graph) -> lambda mean((|g| - 1)^2) ->
 * wg_backward), on 1 and 2 threads, with the achieved GFLOP/s.
 *
 * FLOP count (nominal): 2 x the multiply-adds of every Linear / Conv2d /
 * ConvTranspose2d layer; elementwise ops, bias adds and reductions are not
 * counted (they are the overhead this benchmark exposes).
 *   - forward: F = sum over layers of 2 MACs (from the layer list, below);
 *   - backward: 2F (data and weight gradients, one conv-sized product each). A first
 *     layer whose input is a constant (data, noise) needs no data gradient, so the
 *     real work is 2F less 2 MACs of that layer: 1.3 % of F for the critic's first
 *     conv, 2 % for the generator's Linear;
 *   - the penalty: its forward F; wg_grad with respect to x^ only computes data
 *     gradients (the weights are not targets), one bwd_data per layer: F; the
 *     second backward differentiates each recorded bwd_data(g, w) in both inputs,
 *     d g = conv(G, w) and d w = bwd_weight(G, g): 2F. The forward activations
 *     get no gradient (the LeakyReLU slopes are constants). Total 4F.
 * Usage: bench_models [runs [threads]]   (medians of `runs` timings after 2 warm-ups,
 * default 15; on 1 and 2 threads unless `threads` names one count, e.g. to profile) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "timing.h"
#include "wgan.h"

enum { BATCH = 50, NZ = 128, DIM = 64, MAX_PHASES = 3 };

static int runs = 15;



/* Forward FLOPs of one batch: 2 x multiply-adds of the Linear and conv layers. */
static double forward_flops(const wg_net *net, int n) {
  double macs = 0;
  for (int i = 0; i < net->n_layers; i++) {
    const wg_layer *l = &net->layers[i];
    const int *in = l->in_shape, *out = l->out_shape;
    if (l->kind == WG_LAYER_LINEAR) macs += (double)in[0] * out[0];
    /* conv: every output pixel reads C k^2 inputs per output channel */
    else if (l->kind == WG_LAYER_CONV) macs += (double)out[0] * out[1] * out[2] * in[0] * l->conv.k * l->conv.k;
    /* transposed conv: every input pixel writes OC k^2 outputs */
    else if (l->kind == WG_LAYER_CONVT) macs += (double)in[0] * in[1] * in[2] * out[0] * l->conv.k * l->conv.k;
  }
  return 2.0 * n * macs;
}

/* One timed job: fills t[phase] with the seconds of each phase of one run. */
typedef struct job job;
struct job {
  const char *name;
  int n_phases;
  const char *phase[MAX_PHASES];
  double flops[MAX_PHASES];
  void (*run)(job *j, double *t);
  wg_ctx *ctx;
  wg_net *net;
  float *input;      /* [BATCH, in_shape...] */
  float *direction;  /* [BATCH, out_shape...]: the backward's seed */
  int in_shape[4], in_ndim;
  int out_shape[4], out_ndim;
};

static wg_tensor *input_tensor(job *j) { return wg_from_data(j->ctx, j->input, j->in_ndim, j->in_shape); }

static void fail(const char *what) {
  fprintf(stderr, "bench_models: %s: %s\n", what, wg_last_error());
  exit(1);
}

/* forward; then loss = sum(out * direction) and wg_backward. */
static void run_forward_backward(job *j, double *t) {
  wg_ctx_reset(j->ctx);
  wg_net_zero_grad(j->net);
  double t0 = now();
  wg_tensor *out = wg_net_forward(j->ctx, j->net, input_tensor(j));
  double t1 = now();
  wg_tensor *dir = wg_from_data(j->ctx, j->direction, j->out_ndim, j->out_shape);
  if (!out || wg_backward(j->ctx, wg_sum(j->ctx, wg_mul(j->ctx, out, dir))) != WG_OK) fail(j->name);
  double t2 = now();
  t[0] = t1 - t0;
  t[1] = t2 - t1;
}

/* The WGAN-GP penalty's three phases. */
static void run_penalty(job *j, double *t) {
  wg_ctx_reset(j->ctx);
  wg_net_zero_grad(j->net);
  double t0 = now();
  wg_tensor *xhat = wg_detach_leaf(j->ctx, input_tensor(j));
  wg_tensor *out = wg_net_forward(j->ctx, j->net, xhat), *g;
  double t1 = now();
  if (!out || wg_grad(j->ctx, 1, &out, NULL, 1, &xhat, &g, 1) != WG_OK) fail("penalty grad");
  double t2 = now();
  wg_ctx *c = j->ctx;
  /* per-sample norm over (C, H, W); the epsilon keeps the square root's derivative finite */
  wg_tensor *norm = wg_sqrt(c, wg_add_scalar(c, wg_sum_axes(c, wg_square(c, g), 0xE, 0), 1e-12f));
  wg_tensor *pen = wg_mul_scalar(c, wg_mean(c, wg_square(c, wg_add_scalar(c, norm, -1.0f))), 10.0f);
  if (!pen || wg_backward(c, pen) != WG_OK) fail("penalty backward");
  double t3 = now();
  t[0] = t1 - t0;
  t[1] = t2 - t1;
  t[2] = t3 - t2;
}

static void time_job(job *j, int threads) {
  double *t = malloc(sizeof(double) * runs * MAX_PHASES), one[MAX_PHASES], med[MAX_PHASES];
  for (int i = 0; i < 2; i++) j->run(j, one);
  for (int i = 0; i < runs; i++) {
    j->run(j, one);
    for (int p = 0; p < j->n_phases; p++) t[p * runs + i] = one[p];
  }
  double total_t = 0, total_f = 0;
  for (int p = 0; p < j->n_phases; p++) {
    qsort(t + p * runs, runs, sizeof(double), cmp_double);
    med[p] = t[p * runs + runs / 2];
    total_t += med[p];
    total_f += j->flops[p];
  }
  for (int p = 0; p < j->n_phases; p++)
    printf("%d  %-9s %-22s %9.2f %8.2f %9.1f\n", threads, p ? "" : j->name, j->phase[p], med[p] * 1e3,
           j->flops[p] * 1e-9, j->flops[p] / med[p] * 1e-9);
  if (j->n_phases > 1)
    printf("%d  %-9s %-22s %9.2f %8.2f %9.1f   arena peak %.1f MiB\n", threads, "", "total", total_t * 1e3,
           total_f * 1e-9, total_f / total_t * 1e-9, wg_ctx_peak_bytes(j->ctx) / 1048576.0);
  free(t);
}

static float *random_floats(wg_rng *r, int64_t n, float lo, float hi) {
  float *p = malloc(sizeof(float) * (size_t)n);
  if (!p) fail("malloc");
  wg_rng_fill_uniform(r, p, (size_t)n, lo, hi);
  return p;
}

/* A job over net whose inputs are uniform in [lo, hi]. */
static job make_job(const char *name, wg_net *net, wg_rng *r, float lo, float hi) {
  job j = {.name = name, .net = net, .ctx = wg_ctx_new(64 << 20)};
  if (!j.ctx) fail("context");
  j.in_shape[0] = j.out_shape[0] = BATCH;
  int64_t n_in = BATCH, n_out = BATCH;
  for (int i = 0; i < net->in_ndim; i++) j.in_shape[i + 1] = net->in_shape[i], n_in *= net->in_shape[i];
  j.in_ndim = net->in_ndim + 1;
  j.out_ndim = wg_net_out_shape(net, j.out_shape + 1) + 1;
  for (int i = 1; i < j.out_ndim; i++) n_out *= j.out_shape[i];
  j.input = random_floats(r, n_in, lo, hi);
  j.direction = random_floats(r, n_out, -1, 1);
  return j;
}

int main(int argc, char **argv) {
  if (argc > 1) runs = atoi(argv[1]) >= 10 ? atoi(argv[1]) : 10;
  int th_lo = 1, th_hi = 2;
  if (argc > 2 && atoi(argv[2]) > 0) th_lo = th_hi = atoi(argv[2]);
  wg_rng r;
  wg_rng_seed(&r, 1);
  wg_gan_models m = {0};
  if (wg_models_dcgan28(&m, NZ, DIM, 0) != WG_OK) fail("dcgan28");
  wg_net_init(m.gen, WG_INIT_WGANGP, &r);
  wg_net_init(m.critic, WG_INIT_WGANGP, &r);
  const double fg = forward_flops(m.gen, BATCH), fc = forward_flops(m.critic, BATCH);

  job gen = make_job("generator", m.gen, &r, -1, 1);
  gen.n_phases = 2, gen.run = run_forward_backward;
  gen.phase[0] = "forward", gen.phase[1] = "backward";
  gen.flops[0] = fg, gen.flops[1] = 2 * fg;
  /* images in [0, 1] like the data; the backward as in a critic step (input constant) */
  job critic = make_job("critic", m.critic, &r, 0, 1);
  critic.n_phases = 2, critic.run = run_forward_backward;
  critic.phase[0] = "forward", critic.phase[1] = "backward";
  critic.flops[0] = fc, critic.flops[1] = 2 * fc;
  job pen = make_job("penalty", m.critic, &r, 0, 1);
  pen.n_phases = 3, pen.run = run_penalty;
  pen.phase[0] = "forward on x^", pen.phase[1] = "grad x^ (create_graph)", pen.phase[2] = "penalty + backward";
  pen.flops[0] = fc, pen.flops[1] = fc, pen.flops[2] = 2 * fc;

  printf("dcgan28 DIM %d, batch %d; generator %lld parameters, critic %lld; median of %d runs\n", DIM, BATCH,
         (long long)m.gen->n_params, (long long)m.critic->n_params, runs);
  printf("nominal forward GFLOP per batch: generator %.3f, critic %.3f (2 x MACs of Linear/conv layers)\n",
         fg * 1e-9, fc * 1e-9);
  printf("%-2s %-9s %-22s %9s %8s %9s\n", "th", "net", "phase", "ms", "GFLOP", "GFLOP/s");
  for (int threads = th_lo; threads <= th_hi; threads++) {
    wg_set_threads(threads);
    time_job(&gen, threads);
    time_job(&critic, threads);
    time_job(&pen, threads);
  }
  printf("arena peak: generator %.1f MiB, critic %.1f MiB, penalty %.1f MiB\n",
         wg_ctx_peak_bytes(gen.ctx) / 1048576.0, wg_ctx_peak_bytes(critic.ctx) / 1048576.0,
         wg_ctx_peak_bytes(pen.ctx) / 1048576.0);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("process peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  job *jobs[3] = {&gen, &critic, &pen};
  for (int i = 0; i < 3; i++) {
    wg_ctx_free(jobs[i]->ctx);
    free(jobs[i]->input);
    free(jobs[i]->direction);
  }
  wg_models_free(&m);
  return 0;
}
