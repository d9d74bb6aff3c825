/* How the exact solver grows with n (not a test): N(0, I) against N(0, I)
 * shifted by 1 in the first coordinate, n = m, uniform weights, W1, each
 * size solved once in its own child process so that its peak memory is its
 * own. Prints per size the wall and CPU seconds of the wg_emd call, the
 * pivots, W1 and the child's peak RSS (the figure plots the CPU seconds,
 * which a machine shared with other jobs inflates less than the wall time); with PNG, also a log-log figure of
 * time and memory against n, redrawn after each size.
 * Usage: bench_emd_scale D N1,N2,... [PNG] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timing.h"
#include "wgan.h"

typedef struct {
  double wall, cpu, w1;
  long long pivots;
  int ok;
} outcome;

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* In the child: the clouds, the solve, the outcome written to fd. */
static void solve_one(int64_t n, int d, int fd) {
  wg_rng r;
  wg_rng_seed(&r, 1);
  double *a = malloc(sizeof(double) * (size_t)(n * d)), *b = malloc(sizeof(double) * (size_t)(n * d));
  outcome o = {0};
  if (a && b) {
    for (int64_t k = 0; k < n * d; k++) a[k] = wg_rng_normal(&r);
    for (int64_t k = 0; k < n * d; k++) b[k] = wg_rng_normal(&r) + (k % d == 0 ? 1.0 : 0.0);
    wg_emd_result res;
    double t0 = now(), c0 = cpu_seconds();
    o.ok = wg_emd(a, n, b, n, d, NULL, NULL, NULL, &res) == WG_OK;
    o.wall = now() - t0, o.cpu = cpu_seconds() - c0;
    if (o.ok) o.w1 = res.distance, o.pivots = res.iterations;
    else fprintf(stderr, "bench_emd_scale: n = %lld: %s\n", (long long)n, wg_last_error());
    wg_emd_result_free(&res);
  }
  if (write(fd, &o, sizeof o) != (ssize_t)sizeof o) _exit(1);
  _exit(0);
}

/* log-log: seconds and peak MB against n. */
static void plot(const double *n, const double *sec, const double *mb, size_t k, int d, const char *png) {
  wg_plot_series s1 = {.label = "CPU seconds (2 threads)", .x = n, .y = sec, .n = k, .style = WG_PLOT_LINESPOINTS};
  wg_plot_series s2 = {.label = "peak MB", .x = n, .y = mb, .n = k, .style = WG_PLOT_LINESPOINTS};
  char title[96];
  snprintf(title, sizeof title, "exact W1, d = %d, n = m (wg_emd)", d);
  wg_plot_panel p[2] = {
      {.title = "time", .xlabel = "n", .ylabel = "s", .logx = 1, .logy = 1, .series = &s1, .nseries = 1},
      {.title = "peak memory", .xlabel = "n", .ylabel = "MB", .logx = 1, .logy = 1, .series = &s2, .nseries = 1}};
  wg_plot_figure fig = {.title = title, .panels = p, .npanels = 2};
  if (wg_plot_render(&fig, png)) fprintf(stderr, "bench_emd_scale: %s\n", wg_last_error());
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_emd_scale D N1,N2,... [PNG]\n");
    return 2;
  }
  int d = atoi(argv[1]);
  double ns[64], sec[64], mb[64];
  size_t k = 0;
  printf("d %d, threads %d, isa %s\n", d, wg_get_threads(), wg_isa_name(wg_isa_active()));
  printf("%8s %10s %10s %10s %20s %10s\n", "n", "wall_s", "cpu_s", "pivots", "W1", "peak_MB");
  for (char *tok = strtok(argv[2], ","); tok && k < 64; tok = strtok(NULL, ",")) {
    int64_t n = atoll(tok);
    int fd[2];
    if (pipe(fd)) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) solve_one(n, d, fd[1]);
    close(fd[1]);
    outcome o = {0};
    ssize_t got = read(fd[0], &o, sizeof o);
    close(fd[0]);
    struct rusage ru;
    int status;
    wait4(pid, &status, 0, &ru);
    if (got != (ssize_t)sizeof o || !o.ok) continue;
    ns[k] = (double)n, sec[k] = o.cpu, mb[k] = ru.ru_maxrss / 1024.0;
    printf("%8lld %10.3f %10.3f %10lld %20.15f %10.0f\n", (long long)n, o.wall, o.cpu, o.pivots, o.w1, mb[k]);
    k++;
    if (argc > 3) plot(ns, sec, mb, k, d, argv[3]); /* after each size: a long run can be cut short */
  }
  return 0;
}
