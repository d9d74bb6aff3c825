/* wgan figure NAME --out FILE.png [--seed S] [--threads N] [options]:
 * draws one of the article's figures and prints its numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"

static const char *usage_text =
    "usage: wgan figure NAME --out FILE.png [options]   (wgan figure NAME --help: its options)\n"
    "  two-gaussians    the optimal GAN discriminator against the WGAN critic (clipping) on two 1-D Gaussians\n"
    "  parallel-lines   W, JS and KL between P0 = (0, Z) and P_theta = (theta, Z)\n"
    "  value-surface    the critic's value over [-3, 3]^2 with clipping and with the gradient penalty\n"
    "  critic-estimate  a penalised critic's W1 estimate against the exact W1\n";

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

typedef struct {
  wg_fig_two_gaussians_opts tg;
  wg_fig_parallel_lines_opts pl;
  wg_fig_value_surface_opts vs;
  wg_fig_critic_estimate_opts ce;
  const char *out;
  uint64_t seed;
  int threads;
} figure_cli;

static const char *const toys[] = {"8gaussians", "25gaussians", "swissroll", NULL};

#define AT(member) WG_FIELD_AT(figure_cli, member)
/* The key is the option without its leading "--". */
#define INT(name, member, help) CLI_OPTION(name + 2, name, WG_FIELD_INT, AT(member), 1, 1e9, NULL, help)
#define REAL(name, member, type, help) CLI_OPTION(name + 2, name, type, AT(member), -1e30, 1e30, NULL, help)
static const wg_field common[] = {
    CLI_OPTION("out", "--out", WG_FIELD_STRING, AT(out), 0, 0, NULL, "the PNG to write"),
    CLI_OPTION("seed", "--seed", WG_FIELD_U64, AT(seed), 0, 0, NULL, "the random seed"),
    CLI_OPTION("threads", "--threads", WG_FIELD_INT, AT(threads), 0, 1024, NULL,
               "threads (0: all cores; the networks are tiny, more threads only add synchronisation)"),
};
static const wg_field two_gaussians_fields[] = {
    REAL("--mu-real", tg.mu_real, WG_FIELD_DOUBLE, "mean of the real N(mu, sigma^2)"),
    REAL("--mu-fake", tg.mu_fake, WG_FIELD_DOUBLE, "mean of the fake one"),
    REAL("--sigma", tg.sigma, WG_FIELD_DOUBLE, "their standard deviation"),
    INT("--n", tg.n, "samples of each (full-batch training)"),
    INT("--hidden", tg.hidden, "width of both MLPs 1 -> H -> H -> 1"),
    INT("--disc-steps", tg.disc_steps, "discriminator steps (logistic loss, Adam)"),
    REAL("--disc-lr", tg.disc_lr, WG_FIELD_FLOAT, "its learning rate"),
    INT("--critic-steps", tg.critic_steps, "critic steps (RMSprop, clipping)"),
    REAL("--critic-lr", tg.critic_lr, WG_FIELD_FLOAT, "its learning rate"),
    REAL("--clip", tg.clip, WG_FIELD_FLOAT, "the clipping bound c"),
};
static const wg_field parallel_lines_fields[] = {
    INT("--n", pl.n, "samples of Z ~ U[0, 1], the same for both sets"),
    INT("--ntheta", pl.ntheta, "theta values over [-1, 1] (odd, so 0 is one)"),
    INT("--zbins", pl.zbins, "histogram cells along z for JS and KL"),
};
static const wg_field value_surface_fields[] = {
    CLI_OPTION("data", "--data", WG_FIELD_CHOICE, AT(vs.data), 0, 0, toys, "8gaussians | 25gaussians | swissroll"),
    INT("--hidden", vs.hidden, "critic width"),
    INT("--layers", vs.layers, "critic hidden layers"),
    INT("--steps", vs.steps, "training steps of each critic"),
    INT("--batch", vs.batch, "batch size"),
    REAL("--clip-lr", vs.clip_lr, WG_FIELD_FLOAT, "the clipped critic's RMSprop learning rate"),
    REAL("--clip", vs.clip, WG_FIELD_FLOAT, "the clipping bound c"),
    REAL("--gp-lr", vs.gp_lr, WG_FIELD_FLOAT, "the penalised critic's Adam learning rate"),
    REAL("--lambda", vs.lambda, WG_FIELD_FLOAT, "the penalty weight"),
    INT("--grid", vs.grid, "heat map cells per side"),
    INT("--points", vs.npoints, "real and fake points drawn and measured"),
};
static const wg_field critic_estimate_fields[] = {
    REAL("--shift", ce.shift, WG_FIELD_DOUBLE, "the Gaussian pair: N(0, I) against N((shift, 0), I)"),
    REAL("--scale", ce.scale, WG_FIELD_DOUBLE, "the 8gaussians pair: against scale x 8gaussians"),
    INT("--hidden", ce.hidden, "critic width"),
    INT("--layers", ce.layers, "critic hidden layers"),
    INT("--steps", ce.steps, "training steps"),
    INT("--batch", ce.batch, "batch size (fresh samples each step)"),
    REAL("--lr", ce.lr, WG_FIELD_FLOAT, "Adam's learning rate"),
    REAL("--lambda", ce.lambda, WG_FIELD_FLOAT, "the penalty weight"),
    INT("--n-eval", ce.n_eval, "held-out points of each side for the estimate"),
    INT("--n-exact", ce.n_exact, "points of each side for the exact W1"),
};
#define TABLE(t) t, (int)(sizeof t / sizeof t[0])

static const struct {
  const char *name;
  const wg_field *fields;
  int n;
} figures[] = {{"two-gaussians", TABLE(two_gaussians_fields)},
               {"parallel-lines", TABLE(parallel_lines_fields)},
               {"value-surface", TABLE(value_surface_fields)},
               {"critic-estimate", TABLE(critic_estimate_fields)}};

static wg_status draw(int k, figure_cli *o) {
  o->tg.seed = o->pl.seed = o->vs.seed = o->ce.seed = o->seed;
  switch (k) {
    case 0: return two_gaussians(&o->tg, o->out);
    case 1: return parallel_lines(&o->pl, o->out);
    case 2: return value_surface(&o->vs, o->out);
    default: return critic_estimate(&o->ce, o->out);
  }
}

int cmd_figure(int argc, char **argv) {
  figure_cli o = {.seed = 1, .threads = 1};
  wg_fig_two_gaussians_defaults(&o.tg);
  wg_fig_parallel_lines_defaults(&o.pl);
  wg_fig_value_surface_defaults(&o.vs);
  wg_fig_critic_estimate_defaults(&o.ce);
  int k = 0;
  while (k < 4 && (argc < 1 || strcmp(argv[0], figures[k].name))) k++;
  cli_group groups[] = {{TABLE(common), &o, NULL}, {k < 4 ? figures[k].fields : NULL, k < 4 ? figures[k].n : 0, &o, NULL}};
  cli_command c = {.usage = usage_text, .groups = groups, .ngroups = 2};
  int rc = cli_parse(&c, argc - (k < 4), argv + (k < 4));
  if (rc) return rc == 1 ? 0 : rc;
  if (k == 4)
    return cli_fail(2, "needs a figure name: two-gaussians, parallel-lines, value-surface or critic-estimate");
  if (!o.out) return cli_fail(2, "%s needs --out FILE.png", figures[k].name);
  if (!check_out(o.out)) return cli_fail(2, "cannot write '%s': its folder is missing or not writable", o.out);
  wg_set_threads(o.threads);
  if (draw(k, &o) != WG_OK) {
    fflush(stdout);
    return cli_fail_lib();
  }
  printf("wrote %s\n", o.out);
  return 0;
}
