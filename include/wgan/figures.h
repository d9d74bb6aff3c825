/* The article's figures (the `wgan figure` command): each computes its
 * numbers into a struct and, when png_path is not NULL, draws its PNG with
 * wg_plot_render. Every figure is deterministic for a given seed and
 * thread count. docs/figures.md shows them with the numbers they print.
 *
 * Sign convention: a critic C is trained to make mean C(real) large, so
 * mean C(real) - mean C(fake) is its estimate of W1 (times its Lipschitz
 * constant). */
#ifndef WGAN_FIGURES_H
#define WGAN_FIGURES_H
#include "wgan/base.h"
#include "wgan/data.h"

/* Mean, standard deviation, minimum and maximum of a set of numbers. */
typedef struct {
  double mean, std, min, max;
} wg_fig_stats;

/* ---- two-gaussians: the optimal discriminator against the critic (Figure 1) ---- */

typedef struct {
  double mu_real, mu_fake, sigma;  /* real N(mu_real, sigma^2), fake N(mu_fake, sigma^2) */
  int n;                           /* samples of each, drawn once; full-batch training */
  int hidden;                      /* both nets: 1 -> hidden -> hidden -> 1, ReLU */
  int disc_steps;                  /* discriminator: logistic loss, Adam(disc_lr, 0.5, 0.999) */
  float disc_lr;
  int critic_steps;                /* critic: RMSprop(critic_lr), weights clamped to [-clip, clip] */
  float critic_lr, clip;
  uint64_t seed;
} wg_fig_two_gaussians_opts;

typedef struct {
  /* mean |d/dx| at the fake and at the real samples: of the discriminator's
   * output sigmoid(D(x)) and of the critic's output C(x) */
  double disc_grad_fake, disc_grad_real, critic_grad_fake, critic_grad_real;
  /* the same for the true optimum D*(x) = p_r / (p_r + p_g) */
  double optimal_grad_fake;
  double disc_loss;   /* the discriminator's final logistic loss (log 4 = chance, 0 = perfect) */
  double critic_gap;  /* mean C(real) - mean C(fake) */
  double critic_r2;   /* R^2 of a straight line fitted to C over [mu_real, mu_fake] */
} wg_fig_two_gaussians_result;

void wg_fig_two_gaussians_defaults(wg_fig_two_gaussians_opts *o);
wg_status wg_fig_two_gaussians(const wg_fig_two_gaussians_opts *o, const char *png_path,
                               wg_fig_two_gaussians_result *r);

/* ---- parallel-lines: W, JS and KL between P0 = (0, Z) and P_theta = (theta, Z) ---- */

typedef struct {
  int n;        /* Z samples, U[0, 1], the same for both sets */
  int ntheta;   /* theta on an even grid over [-1, 1]; odd so that 0 is on it */
  int zbins;    /* histogram cells along z (the x cells are the theta spacing wide) */
  uint64_t seed;
} wg_fig_parallel_lines_opts;

typedef struct {
  int ntheta;
  double *theta, *w, *js, *kl;  /* [ntheta] each; kl is +inf where the supports differ */
  int64_t pivots;               /* simplex pivots over all the exact solves */
} wg_fig_parallel_lines_result;

void wg_fig_parallel_lines_defaults(wg_fig_parallel_lines_opts *o);
wg_status wg_fig_parallel_lines(const wg_fig_parallel_lines_opts *o, const char *png_path,
                                wg_fig_parallel_lines_result *r);
void wg_fig_parallel_lines_free(wg_fig_parallel_lines_result *r);

/* ---- value-surface: the critic's value with clipping and with the penalty ---- */

typedef struct {
  wg_toy_kind data;         /* real points; the fixed "generator" is real + N(0, I) */
  int hidden, layers;       /* both critics: 2 -> hidden x layers (ReLU) -> 1 */
  int steps, batch;         /* critic steps of each, fresh batches */
  float clip_lr, clip;      /* clipping: RMSprop(clip_lr), weights in [-clip, clip] */
  float gp_lr, lambda;      /* penalty: Adam(gp_lr, 0.5, 0.9), lambda */
  int grid;                 /* values on grid x grid points over [-3, 3]^2 */
  int npoints;              /* real and fake points for the statistics (and the plot) */
  uint64_t seed;
} wg_fig_value_surface_opts;

typedef struct {
  /* ||grad_x C|| at npoints real and npoints fake points */
  wg_fig_stats clip_real, clip_fake, gp_real, gp_fake;
  double clip_gap, gp_gap;  /* mean C(real) - mean C(fake) on those points */
} wg_fig_value_surface_result;

void wg_fig_value_surface_defaults(wg_fig_value_surface_opts *o);
wg_status wg_fig_value_surface(const wg_fig_value_surface_opts *o, const char *png_path,
                               wg_fig_value_surface_result *r);

/* ---- critic-estimate: a penalised critic's W estimate against the exact W1 ---- */

enum { WG_FIG_ESTIMATE_PAIRS = 2 };

typedef struct {
  double shift;       /* pair 0: N(0, I) and N((shift, 0), I) in 2-D: W1 = shift */
  double scale;       /* pair 1: 8gaussians X and scale * X: W1 = |1 - scale| E||X|| */
  int hidden, layers; /* the critic: 2 -> hidden x layers (ReLU) -> 1 */
  int steps, batch;   /* critic steps, fresh batches; Adam(lr, 0.5, 0.9), penalty lambda */
  float lr, lambda;
  int n_eval;         /* fresh points of each side for the critic's final estimate */
  int n_exact;        /* points of each side for the exact W1 (wg_emd) */
  int every;          /* the estimate is recorded every `every` steps for the plot */
  uint64_t seed;
} wg_fig_critic_estimate_opts;

typedef struct {
  const char *name;   /* "gaussians", "8gaussians" */
  double known;       /* the closed form */
  double exact;       /* wg_emd on n_exact independent samples of each side */
  double critic;      /* mean C(P) - mean C(Q) on n_eval fresh samples */
} wg_fig_estimate_pair;

typedef struct {
  wg_fig_estimate_pair pair[WG_FIG_ESTIMATE_PAIRS];
} wg_fig_critic_estimate_result;

void wg_fig_critic_estimate_defaults(wg_fig_critic_estimate_opts *o);
wg_status wg_fig_critic_estimate(const wg_fig_critic_estimate_opts *o, const char *png_path,
                                 wg_fig_critic_estimate_result *r);

#endif
