/* wgan figure NAME --out FILE.png [--seed S] [--threads N] [options]:
 * draws one of the article's figures and prints its numbers. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "wgan/figures.h"

static const char *usage_text =
    "usage: wgan figure NAME --out FILE.png [--seed S] [--threads N] [options]\n"
    "  two-gaussians    the optimal GAN discriminator against the WGAN critic (clipping) on two 1-D Gaussians\n"
    "                   --mu-real M (-2) --mu-fake M (2) --sigma S (0.4) --n N (1024) --hidden H (64)\n"
    "                   --disc-steps N (3000) --disc-lr LR (0.02) --critic-steps N (1000) --critic-lr LR (0.001)\n"
    "                   --clip C (0.01)\n"
    "  parallel-lines   W, JS and KL between P0 = (0, Z) and P_theta = (theta, Z)\n"
    "                   --n N (1000) --ntheta K (41, odd) --zbins B (10)\n"
    "  value-surface    the critic's value over [-3, 3]^2 with clipping and with the gradient penalty\n"
    "                   --data 8gaussians|25gaussians|swissroll (8gaussians) --hidden H (256) --layers L (3)\n"
    "                   --steps N (2000) --batch B (256) --clip-lr LR (0.0005) --clip C (0.01) --gp-lr LR (0.0001)\n"
    "                   --lambda L (10) --grid G (121) --points N (512)\n"
    "  critic-estimate  a penalised critic's W1 estimate against the exact W1\n"
    "                   --shift S (1) --scale S (0.5) --hidden H (128) --layers L (3) --steps N (2000)\n"
    "                   --batch B (256) --lr LR (0.0002) --lambda L (10) --n-eval N (8192) --n-exact N (2000)\n"
    "  --seed S (1): the random seed; --threads N: threads (default 1: the networks are tiny,\n"
    "  and more threads only add OpenMP synchronisation; 0 means all cores)\n";

static int fail(const char *fmt, const char *a, const char *b) {
  fputs("wgan: figure: ", stderr);
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
  return 2;
}

/* One option: its name, where its value goes and of which type. */
typedef enum { OPT_INT, OPT_U64, OPT_FLOAT, OPT_DOUBLE, OPT_TOY } opt_type;
typedef struct {
  const char *name;
  opt_type type;
  void *dst;
} option;

static int parse_value(const option *o, const char *s) {
  char *end;
  errno = 0;
  if (o->type == OPT_TOY) return wg_toy_from_name(s, o->dst) == WG_OK;
  if (o->type == OPT_INT || o->type == OPT_U64) {
    if (o->type == OPT_U64 && s[0] == '-') return 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end) return 0;
    if (o->type == OPT_U64) *(uint64_t *)o->dst = (uint64_t)v;
    else if (v < INT_MIN || v > INT_MAX) return 0;
    else *(int *)o->dst = (int)v;
    return 1;
  }
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v)) return 0;
  if (o->type == OPT_FLOAT) *(float *)o->dst = (float)v;
  else *(double *)o->dst = v;
  return 1;
}

/* Refuses an output path whose folder cannot be written, before the work. */
static int check_out(const char *out) {
  char dir[4096];
  const char *slash = strrchr(out, '/');
  if (!*out || (slash && !slash[1])) return 0;
  if (!slash) snprintf(dir, sizeof dir, ".");
  else snprintf(dir, sizeof dir, "%.*s", slash == out ? 1 : (int)(slash - out), out);
  return access(dir, W_OK) == 0;
}

static void print_stats(const char *what, const wg_fig_stats *s) {
  printf("  %-26s mean %.4g  std %.3g  min %.4g  max %.4g  (std/mean %.3f)\n", what, s->mean, s->std, s->min,
         s->max, s->std / s->mean);
}

static wg_status two_gaussians(wg_fig_two_gaussians_opts *o, const char *out) {
  wg_fig_two_gaussians_result r;
  /* Computed first: a bad option leaves nothing on stdout. */
  wg_status st = wg_fig_two_gaussians(o, out, &r);
  if (st != WG_OK) return st;
  printf("two-gaussians: real N(%g, %g^2), fake N(%g, %g^2), %d samples of each, seed %llu\n", o->mu_real,
         o->sigma, o->mu_fake, o->sigma, o->n, (unsigned long long)o->seed);
  printf("  discriminator: MLP 1-%d-%d-1 ReLU, logistic loss, Adam(%g, 0.5, 0.999), %d full-batch steps\n",
         o->hidden, o->hidden, o->disc_lr, o->disc_steps);
  printf("  critic: MLP 1-%d-%d-1 ReLU, RMSprop(%g), clip %g, %d full-batch steps\n", o->hidden, o->hidden,
         o->critic_lr, o->clip, o->critic_steps);
  printf("discriminator final logistic loss         %.4g (log 4 = %.4f is chance)\n", r.disc_loss, log(4.0));
  printf("critic mean C(real) - mean C(fake)         %.4g\n", r.critic_gap);
  printf("critic linearity between the means (R^2)   %.4f\n", r.critic_r2);
  printf("mean |gradient| at the fake samples:  discriminator %.4g  critic %.4g  (critic / discriminator %.4g)\n",
         r.disc_grad_fake, r.critic_grad_fake, r.critic_grad_fake / r.disc_grad_fake);
  printf("mean |gradient| at the real samples:  discriminator %.4g  critic %.4g\n", r.disc_grad_real,
         r.critic_grad_real);
  printf("optimal D* = p_r/(p_r+p_g): mean |gradient| at the fake samples %.4g\n", r.optimal_grad_fake);
  return WG_OK;
}

static wg_status parallel_lines(wg_fig_parallel_lines_opts *o, const char *out) {
  wg_fig_parallel_lines_result r;
  wg_status st = wg_fig_parallel_lines(o, out, &r);
  if (st != WG_OK) return st;
  printf("parallel-lines: P0 = (0, Z), P_theta = (theta, Z), %d samples of Z ~ U[0, 1] (the same for both), "
         "seed %llu\n", o->n, (unsigned long long)o->seed);
  printf("  W: exact solver on the samples; JS, KL(P0 || P_theta): histograms, %d x %d cells in (x, z)\n",
         o->ntheta, o->zbins);
  printf("%8s %22s %22s %10s\n", "theta", "W", "JS", "KL");
  for (int k = 0; k < r.ntheta; k++)
    printf("%8.4f %22.17g %22.17g %10g\n", r.theta[k], r.w[k], r.js[k], r.kl[k]);
  double err = 0;
  for (int k = 0; k < r.ntheta; k++) err = fmax(err, fabs(r.w[k] - fabs(r.theta[k])));
  printf("max |W - |theta|| = %.3g; log 2 = %.17g; simplex pivots %lld\n", err, log(2.0), (long long)r.pivots);
  wg_fig_parallel_lines_free(&r);
  return WG_OK;
}

static wg_status value_surface(wg_fig_value_surface_opts *o, const char *out) {
  wg_fig_value_surface_result r;
  wg_status st = wg_fig_value_surface(o, out, &r);
  if (st != WG_OK) return st;
  printf("value-surface: %s against real + N(0, I), seed %llu\n", wg_toy_name(o->data),
         (unsigned long long)o->seed);
  printf("  critics: MLP 2-%dx%d-1 ReLU, %d steps of batch %d; clipping: RMSprop(%g), clip %g; "
         "penalty: Adam(%g, 0.5, 0.9), lambda %g\n", o->hidden, o->layers, o->steps, o->batch, o->clip_lr,
         o->clip, o->gp_lr, o->lambda);
  printf("||grad_x C|| at %d real and %d fake points:\n", o->npoints, o->npoints);
  print_stats("weight clipping, real", &r.clip_real);
  print_stats("weight clipping, fake", &r.clip_fake);
  print_stats("gradient penalty, real", &r.gp_real);
  print_stats("gradient penalty, fake", &r.gp_fake);
  printf("mean C(real) - mean C(fake): weight clipping %.4g, gradient penalty %.4g\n", r.clip_gap, r.gp_gap);
  return WG_OK;
}

static wg_status critic_estimate(wg_fig_critic_estimate_opts *o, const char *out) {
  wg_fig_critic_estimate_result r;
  wg_status st = wg_fig_critic_estimate(o, out, &r);
  if (st != WG_OK) return st;
  printf("critic-estimate: pairs N(0, I) / N((%g, 0), I) and 8gaussians / %g x 8gaussians, seed %llu\n",
         o->shift, o->scale, (unsigned long long)o->seed);
  printf("  critic: MLP 2-%dx%d-1 ReLU, penalty lambda %g, Adam(%g, 0.5, 0.9), %d steps of batch %d "
         "(fresh samples)\n", o->hidden, o->layers, o->lambda, o->lr, o->steps, o->batch);
  printf("  estimate on %d held-out points of each side; exact W1 by the solver on %d independent points of each\n",
         o->n_eval, o->n_exact);
  printf("%-12s %12s %12s %12s %16s %16s\n", "pair", "closed form", "exact W1", "critic", "critic/exact",
         "critic/closed");
  for (int k = 0; k < WG_FIG_ESTIMATE_PAIRS; k++)
    printf("%-12s %12.5f %12.5f %12.5f %16.4f %16.4f\n", r.pair[k].name, r.pair[k].known, r.pair[k].exact,
           r.pair[k].critic, r.pair[k].critic / r.pair[k].exact, r.pair[k].critic / r.pair[k].known);
  return WG_OK;
}

int cmd_figure(int argc, char **argv) {
  if (argc >= 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (argc < 1 || argv[0][0] == '-')
    return fail("needs a figure name: two-gaussians, parallel-lines, value-surface or critic-estimate%s%s", "",
                "");
  const char *name = argv[0], *out = NULL;
  uint64_t seed = 1;
  int threads = 1;
  wg_fig_two_gaussians_opts tg;
  wg_fig_parallel_lines_opts pl;
  wg_fig_value_surface_opts vs;
  wg_fig_critic_estimate_opts ce;
  wg_fig_two_gaussians_defaults(&tg);
  wg_fig_parallel_lines_defaults(&pl);
  wg_fig_value_surface_defaults(&vs);
  wg_fig_critic_estimate_defaults(&ce);
  option common[] = {{"--seed", OPT_U64, &seed}, {"--threads", OPT_INT, &threads}};
  option o_tg[] = {{"--mu-real", OPT_DOUBLE, &tg.mu_real},      {"--mu-fake", OPT_DOUBLE, &tg.mu_fake},
                   {"--sigma", OPT_DOUBLE, &tg.sigma},          {"--n", OPT_INT, &tg.n},
                   {"--hidden", OPT_INT, &tg.hidden},           {"--disc-steps", OPT_INT, &tg.disc_steps},
                   {"--disc-lr", OPT_FLOAT, &tg.disc_lr},       {"--critic-steps", OPT_INT, &tg.critic_steps},
                   {"--critic-lr", OPT_FLOAT, &tg.critic_lr},   {"--clip", OPT_FLOAT, &tg.clip}};
  option o_pl[] = {{"--n", OPT_INT, &pl.n}, {"--ntheta", OPT_INT, &pl.ntheta}, {"--zbins", OPT_INT, &pl.zbins}};
  option o_vs[] = {{"--data", OPT_TOY, &vs.data},       {"--hidden", OPT_INT, &vs.hidden},
                   {"--layers", OPT_INT, &vs.layers},   {"--steps", OPT_INT, &vs.steps},
                   {"--batch", OPT_INT, &vs.batch},     {"--clip-lr", OPT_FLOAT, &vs.clip_lr},
                   {"--clip", OPT_FLOAT, &vs.clip},     {"--gp-lr", OPT_FLOAT, &vs.gp_lr},
                   {"--lambda", OPT_FLOAT, &vs.lambda}, {"--grid", OPT_INT, &vs.grid},
                   {"--points", OPT_INT, &vs.npoints}};
  option o_ce[] = {{"--shift", OPT_DOUBLE, &ce.shift},  {"--scale", OPT_DOUBLE, &ce.scale},
                   {"--hidden", OPT_INT, &ce.hidden},   {"--layers", OPT_INT, &ce.layers},
                   {"--steps", OPT_INT, &ce.steps},     {"--batch", OPT_INT, &ce.batch},
                   {"--lr", OPT_FLOAT, &ce.lr},         {"--lambda", OPT_FLOAT, &ce.lambda},
                   {"--n-eval", OPT_INT, &ce.n_eval},   {"--n-exact", OPT_INT, &ce.n_exact}};
  option *own;
  size_t nown;
  if (!strcmp(name, "two-gaussians")) own = o_tg, nown = sizeof o_tg / sizeof *o_tg;
  else if (!strcmp(name, "parallel-lines")) own = o_pl, nown = sizeof o_pl / sizeof *o_pl;
  else if (!strcmp(name, "value-surface")) own = o_vs, nown = sizeof o_vs / sizeof *o_vs;
  else if (!strcmp(name, "critic-estimate")) own = o_ce, nown = sizeof o_ce / sizeof *o_ce;
  else
    return fail("unknown figure '%s' (two-gaussians, parallel-lines, value-surface, critic-estimate)%s", name,
                "");
  for (int k = 1; k < argc; k++) {
    const char *a = argv[k];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage_text, stdout);
      return 0;
    }
    if (k + 1 >= argc) return fail("option '%s' needs a value%s", a, "");
    const char *v = argv[++k];
    if (!strcmp(a, "--out")) {
      out = v;
      continue;
    }
    const option *o = NULL;
    for (size_t i = 0; i < 2 && !o; i++)
      if (!strcmp(a, common[i].name)) o = &common[i];
    for (size_t i = 0; i < nown && !o; i++)
      if (!strcmp(a, own[i].name)) o = &own[i];
    if (!o) return fail("unknown option '%s' for %s (wgan figure --help)", a, name);
    if (!parse_value(o, v)) return fail("bad value for %s: '%s'", a, v);
  }
  if (!out) return fail("%s needs --out FILE.png%s", name, "");
  if (!check_out(out)) return fail("cannot write '%s': its folder is missing or not writable%s", out, "");
  if (threads < 0) return fail("bad value for --threads: must be >= 0%s%s", "", "");
  wg_set_threads(threads);
  tg.seed = pl.seed = vs.seed = ce.seed = seed;
  wg_status st;
  if (own == o_tg) st = two_gaussians(&tg, out);
  else if (own == o_pl) st = parallel_lines(&pl, out);
  else if (own == o_vs) st = value_surface(&vs, out);
  else st = critic_estimate(&ce, out);
  if (st != WG_OK) {
    fflush(stdout);
    fprintf(stderr, "wgan: figure: %s\n", wg_last_error());
    return st == WG_EINVAL ? 2 : 1;
  }
  printf("wrote %s\n", out);
  return 0;
}
