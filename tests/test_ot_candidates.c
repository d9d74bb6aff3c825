/* The exact solver on candidate arcs (the multiscale path that wg_emd takes
 * for large problems with costs on the fly), forced on small problems:
 * against the solver on every arc, brute force, and its own certificate
 * checked here over every pair; and a candidate set that misses the optimal
 * arcs, so that the full passes must add them. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brute_force.h"
#include "check.h"
#include "ot/multiscale.h"
#include "wgan.h"

static wg_rng rng;

typedef struct {
  int n, m, d;
  double *x, *yt, *a, *b; /* x [n*d], yt [d*m] transposed, masses a [n], b [m] */
} problem;

static double cost(const problem *p, wg_metric metric, int i, int j) {
  double s = 0;
  for (int c = 0; c < p->d; c++) {
    double t = p->x[i * p->d + c] - p->yt[c * p->m + j];
    s += metric == WG_METRIC_CITYBLOCK ? fabs(t) : t * t;
  }
  return metric == WG_METRIC_EUCLIDEAN ? sqrt(s) : s;
}

/* Points N(0, 1) and N(shift, 1) rounded to a grid of step q (q = 0: not
 * rounded; a coarse q gives duplicates and exact ties); uniform masses as
 * the integers m and n, or random ones of equal totals. */
static problem make(int n, int m, int d, double shift, double q, int uniform) {
  problem p = {n, m, d, malloc(sizeof(double) * n * d), malloc(sizeof(double) * m * d),
               malloc(sizeof(double) * n), malloc(sizeof(double) * m)};
  for (int k = 0; k < n * d; k++) p.x[k] = wg_rng_normal(&rng);
  for (int k = 0; k < m * d; k++) p.yt[k] = wg_rng_normal(&rng) + (k < m ? shift : 0);
  for (int k = 0; q > 0 && k < n * d; k++) p.x[k] = q * round(p.x[k] / q);
  for (int k = 0; q > 0 && k < m * d; k++) p.yt[k] = q * round(p.yt[k] / q);
  double ta = 0, tb = 0;
  for (int i = 0; i < n; i++) ta += p.a[i] = uniform ? m : 0.5 + wg_rng_uniform(&rng);
  for (int j = 0; j < m; j++) tb += p.b[j] = uniform ? n : 0.5 + wg_rng_uniform(&rng);
  for (int j = 0; j < m && !uniform; j++) p.b[j] *= ta / tb;
  return p;
}

static void drop(problem *p) { free(p->x), free(p->yt), free(p->a), free(p->b); }

static wg_ns_problem as_ns(const problem *p, wg_metric metric, double dense_arcs) {
  return (wg_ns_problem){.n = p->n, .m = p->m, .a = p->a, .b = p->b, .xa = p->x, .xbt = p->yt,
                         .d = p->d, .metric = metric, .dense_arcs = dense_arcs};
}

/* The optimality certificate over every pair: f_i + g_j <= C_ij, equality
 * on the plan, the plan's marginals, primal = dual. */
static void certify(const problem *p, wg_metric metric, const wg_ns_solution *s) {
  double cmax = 0, total = 0, dual = 0, primal = 0;
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < p->m; j++) cmax = fmax(cmax, cost(p, metric, i, j));
  for (int i = 0; i < p->n; i++) total += p->a[i];
  const double tol = 1e-11 * cmax;
  int bad = 0;
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < p->m; j++) bad += s->f[i] + s->g[j] > cost(p, metric, i, j) + tol;
  CHECK(bad == 0, "%d pairs violate f_i + g_j <= C_ij", bad);
  double *ra = calloc((size_t)p->n, sizeof *ra), *rb = calloc((size_t)p->m, sizeof *rb);
  for (int64_t k = 0; k < s->plan_len; k++) {
    wg_ot_flow e = s->plan[k];
    double c = cost(p, metric, (int)e.i, (int)e.j);
    ra[e.i] += e.mass, rb[e.j] += e.mass, primal += e.mass * c;
    CHECK(fabs(s->f[e.i] + s->g[e.j] - c) <= tol, "plan arc (%lld, %lld) not tight", (long long)e.i,
          (long long)e.j);
  }
  double worst = 0;
  for (int i = 0; i < p->n; i++) worst = fmax(worst, fabs(ra[i] - p->a[i])), dual += p->a[i] * s->f[i];
  for (int j = 0; j < p->m; j++) worst = fmax(worst, fabs(rb[j] - p->b[j])), dual += p->b[j] * s->g[j];
  CHECK(worst <= 1e-12 * total, "marginals off by %g", worst);
  CHECK_CLOSE(primal, s->cost, 0, 1e-12);
  CHECK_CLOSE(dual, s->cost, 1e-11 * cmax * total, 1e-10);
  free(ra), free(rb);
}

static void free_solution(wg_ns_solution *s) { free(s->plan), free(s->f), free(s->g); }

/* Candidates (dense_arcs low: several levels) against every arc. */
static void against_dense(problem *p, wg_metric metric, double dense_arcs) {
  wg_ns_problem all = as_ns(p, metric, 1e18), cand = as_ns(p, metric, dense_arcs);
  wg_ns_solution s1, s2;
  CHECK(wg_ot_solve_multiscale(&all, &s1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_ot_solve_multiscale(&cand, &s2) == WG_OK, "%s", wg_last_error());
  CHECK(s1.arcs == 0 && s2.arcs > 0, "arc sets: %lld and %lld", (long long)s1.arcs, (long long)s2.arcs);
  CHECK_CLOSE(s2.cost, s1.cost, 0, 1e-9);
  certify(p, metric, &s2);
  free_solution(&s1), free_solution(&s2);
}

static void uniform_clouds(void) {
  for (int d = 1; d <= 4; d++)
    for (int metric = 0; metric < 3; metric++) {
      problem p = make(300, 300, d, 1.0, 0, 1);
      against_dense(&p, (wg_metric)metric, 2000);
      wg_ns_problem pb = as_ns(&p, (wg_metric)metric, 2000);
      wg_ns_solution s;
      CHECK(wg_ot_solve_multiscale(&pb, &s) == WG_OK, "%s", wg_last_error());
      CHECK(s.arcs < (d <= 2 ? 90000 / 3 : 90000), "d = %d: %lld candidates of 90000 arcs", d,
            (long long)s.arcs);
      free_solution(&s);
      drop(&p);
    }
}

static void weighted_unequal_sizes(void) {
  for (int d = 1; d <= 3; d++)
    for (int metric = 0; metric < 3; metric++) {
      problem p = make(250, 170, d, 0.7, 0, 0);
      against_dense(&p, (wg_metric)metric, 2000);
      drop(&p);
    }
}

/* Heavy duplicates and exact ties (points on a coarse grid), uniform and
 * weighted: the cell pairs are banded, the candidates must still hold a
 * feasible plan. */
static void duplicates_and_ties(void) {
  for (int uniform = 0; uniform < 2; uniform++) {
    problem p = make(240, 240, 2, 0.5, 1.0, uniform);
    against_dense(&p, WG_METRIC_EUCLIDEAN, 1000);
    drop(&p);
    problem one = make(200, 150, 2, 0, 0, uniform);
    for (int k = 0; k < 200 * 2; k++) one.x[k] = 0.25;
    against_dense(&one, WG_METRIC_SQEUCLIDEAN, 1000);
    drop(&one);
  }
}

/* min over permutations of sum C(i, perm(i)). */
static double brute_force(const problem *p, wg_metric metric) {
  double c[64];
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < p->n; j++) c[i * p->n + j] = cost(p, metric, i, j);
  return brute_force_assignment(c, p->n);
}

/* n <= 7 against brute force: through the multiscale path (several
 * levels down to a 1 x 1 problem at n = 7), and with a random third of
 * the arcs as the candidates (a start that the candidates cannot carry,
 * full passes that must add the rest). */
static void tiny_brute_force(void) {
  for (int n = 2; n <= 7; n++)
    for (int metric = 0; metric < 3; metric++) {
      problem p = make(n, n, 2, 0.5, 0, 1);
      for (int i = 0; i < n; i++) p.a[i] = p.b[i] = 1;
      const double exact = brute_force(&p, (wg_metric)metric);
      wg_ns_problem pb = as_ns(&p, (wg_metric)metric, 2);
      wg_ns_solution s;
      CHECK(wg_ot_solve_multiscale(&pb, &s) == WG_OK, "%s", wg_last_error());
      CHECK(n < 7 || s.arcs > 0, "n = %d: no candidates used", n);
      CHECK_CLOSE(s.cost, exact, 1e-12, 1e-12);
      free_solution(&s);
      int32_t ci[49], cj[49], k = 0;
      for (int e = 0; e < n * n; e++)
        if (wg_rng_uniform(&rng) < 1.0 / 3 || (e == 0 && k == 0)) ci[k] = e / n, cj[k] = e % n, k++;
      pb.cand_i = ci, pb.cand_j = cj, pb.n_cand = k;
      CHECK(wg_ns_solve(&pb, &s) == WG_OK, "%s", wg_last_error());
      CHECK_CLOSE(s.cost, exact, 1e-12, 1e-12);
      certify(&p, (wg_metric)metric, &s);
      free_solution(&s);
      drop(&p);
    }
}

/* Sorted points on a line, each source i given the sink n - 1 - i only
 * (the worst matching): every optimal arc is missing, so only the full
 * passes can find them; the result must equal the sorted matching's. */
static void candidates_miss_the_optimum(void) {
  enum { n = 60 };
  problem p = make(n, n, 1, 0, 0, 1);
  for (int i = 0; i < n; i++) p.x[i] = i, p.yt[i] = i + 0.5, p.a[i] = p.b[i] = 1;
  int32_t ci[n], cj[n];
  for (int i = 0; i < n; i++) ci[i] = i, cj[i] = n - 1 - i;
  wg_ns_problem pb = as_ns(&p, WG_METRIC_SQEUCLIDEAN, 0);
  pb.cand_i = ci, pb.cand_j = cj, pb.n_cand = n;
  wg_ns_solution s;
  CHECK(wg_ns_solve(&pb, &s) == WG_OK, "%s", wg_last_error());
  CHECK(s.rounds >= 1, "no full pass added an arc (%lld rounds)", (long long)s.rounds);
  CHECK(s.arcs > n, "%lld arcs: none added", (long long)s.arcs);
  CHECK_CLOSE(s.cost, n * 0.25, 1e-12, 1e-12);
  certify(&p, WG_METRIC_SQEUCLIDEAN, &s);
  free_solution(&s);
  drop(&p);
}

/* The same through wg_emd, large enough to take the candidate path by
 * itself, against the 1-D closed form (d = 1, so the simplex is asked by
 * wanting the plan). */
static void public_entry_takes_it(void) {
  const int64_t n = 4200, m = 4100;
  double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * m);
  for (int64_t k = 0; k < n; k++) x[k] = wg_rng_normal(&rng);
  for (int64_t k = 0; k < m; k++) y[k] = 2 * wg_rng_normal(&rng) + 1;
  CHECK((double)n * m > WG_OT_DENSE_ARCS, "too small for the candidate path");
  wg_emd_options o = wg_emd_defaults();
  o.want_plan = 1;
  wg_emd_result r;
  double w1d = 0;
  CHECK(wg_emd(x, n, y, m, 1, NULL, NULL, &o, &r) == WG_OK, "%s", wg_last_error());
  CHECK(wg_wasserstein_1d(x, n, NULL, y, m, NULL, NULL, &w1d) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(r.distance, w1d, 0, 1e-9);
  wg_emd_result_free(&r);
  free(x), free(y);
}

int main(void) {
  wg_rng_seed(&rng, check_seed(0));
  RUN(uniform_clouds);
  RUN(weighted_unequal_sizes);
  RUN(duplicates_and_ties);
  RUN(tiny_brute_force);
  RUN(candidates_miss_the_optimum);
  RUN(public_entry_takes_it);
  CHECK_EXIT();
}
