/* Plots: the median filter, real PNGs from gnuplot (skipped when it is not
 * installed), odd paths, and a missing or failing plotting tool leaving
 * nothing behind.
 * Set WGAN_TEST_PLOT_DIR to a folder to keep the images for a look. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "wgan/plot.h"
#include "wgan/rng.h"

static char dir[] = "/tmp/wg_plot_XXXXXX";
static const char *keep_dir;
static int have_gnuplot;
static char no_gnuplot_why[256];
static const uint64_t seed = 20240611;

static void out_path(char *p, size_t cap, const char *name) {
  snprintf(p, cap, "%s/%s", keep_dir ? keep_dir : dir, name);
}

/* Width and height from the IHDR chunk, or 0 when the file is not a PNG. */
static int png_size(const char *path, uint32_t *w, uint32_t *h) {
  unsigned char b[24];
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(b, 1, 24, f) : 0;
  if (f) fclose(f);
  if (n != 24 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0) return 0;
  *w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
  *h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
  return 1;
}

static size_t entries(const char *d) {
  DIR *dp = opendir(d);
  size_t n = 0;
  for (struct dirent *e; dp && (e = readdir(dp));) n += e->d_name[0] != '.' || strlen(e->d_name) > 2;
  if (dp) closedir(dp);
  return n;
}

static void check_png(const char *path, uint32_t w, uint32_t h) {
  uint32_t pw = 0, ph = 0;
  CHECK(png_size(path, &pw, &ph), "%s is not a PNG", path);
  CHECK(pw == w && ph == h, "%s is %ux%u, expected %ux%u", path, pw, ph, w, h);
}

static void case_median_hand(void) {
  const double x[7] = {5, 1, 4, 2, 3, 9, 0};
  double out[7];
  const double w3[7] = {3, 4, 2, 3, 3, 3, 4.5}; /* windows {5,1} {5,1,4} {1,4,2} ... {9,0} */
  CHECK(wg_median_filter(x, 7, 3, out) == WG_OK, "%s", wg_last_error());
  for (int i = 0; i < 7; i++) CHECK(out[i] == w3[i], "width 3: out[%d] = %g, expected %g", i, out[i], w3[i]);
  const double w5[7] = {4, 3, 3, 3, 3, 2.5, 3}; /* {5,1,4} {5,1,4,2} {5,1,4,2,3} ... {3,9,0} */
  wg_median_filter(x, 7, 5, out);
  for (int i = 0; i < 7; i++) CHECK(out[i] == w5[i], "width 5: out[%d] = %g, expected %g", i, out[i], w5[i]);
  wg_median_filter(x, 7, 1, out);
  for (int i = 0; i < 7; i++) CHECK(out[i] == x[i], "width 1: out[%d] = %g", i, out[i]);
  const double y[3] = {3, 1, 2};
  wg_median_filter(y, 3, 101, out);
  CHECK(out[0] == 2 && out[1] == 2 && out[2] == 2, "width > n: %g %g %g", out[0], out[1], out[2]);
  const double z[6] = {1, NAN, 3, NAN, NAN, NAN};
  wg_median_filter(z, 6, 3, out);
  CHECK(out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 3 && isnan(out[4]) && isnan(out[5]),
        "NaN skipping: %g %g %g %g %g %g", out[0], out[1], out[2], out[3], out[4], out[5]);
  CHECK(wg_median_filter(x, 7, 4, out) == WG_EINVAL, "even width accepted");
  CHECK(wg_median_filter(x, 7, 0, out) == WG_EINVAL, "width 0 accepted");
  CHECK(wg_median_filter(NULL, 0, 3, NULL) == WG_OK, "empty input refused");
}

static int cmp_double(const void *a, const void *b) {
  double u = *(const double *)a, v = *(const double *)b;
  return (u > v) - (u < v);
}

/* Against sorting every window, with many repeated values. */
static void case_median_random(void) {
  wg_rng r;
  wg_rng_seed(&r, seed);
  enum { N = 700, W = 101 };
  static double x[N], out[N], win[W];
  for (int i = 0; i < N; i++) x[i] = (double)wg_rng_below(&r, 20) - 10;
  CHECK(wg_median_filter(x, N, W, out) == WG_OK, "%s", wg_last_error());
  for (int i = 0; i < N; i++) {
    int lo = i - W / 2 < 0 ? 0 : i - W / 2, hi = i + W / 2 >= N ? N - 1 : i + W / 2, m = hi - lo + 1;
    memcpy(win, x + lo, (size_t)m * sizeof *win);
    qsort(win, (size_t)m, sizeof *win, cmp_double);
    double e = m % 2 ? win[m / 2] : 0.5 * (win[m / 2 - 1] + win[m / 2]);
    CHECK(out[i] == e, "out[%d] = %g, expected %g", i, out[i], e);
    if (out[i] != e) break;
  }
}

static void case_loss_png(void) {
  if (!have_gnuplot) SKIP("%s", no_gnuplot_why);
  wg_rng r;
  wg_rng_seed(&r, seed);
  enum { N = 3000, E = 7 };
  static wg_metrics_row rows[N];
  wg_eval_row ev[E];
  for (int i = 0; i < N; i++) {
    double w = 1.6 * exp(-i / 900.0) + 0.1;
    rows[i] = (wg_metrics_row){.iter = i, .w_estimate = w + 0.25 * wg_rng_normal(&r), .critic_iters = 5};
    rows[i].critic_loss = -rows[i].w_estimate;
  }
  for (int k = 0; k < E; k++) ev[k] = (wg_eval_row){k * 500, 1.4 * exp(-k * 500 / 900.0) + 0.15, 0.08, NAN, NAN};
  char p[512];
  out_path(p, sizeof p, "loss.png");
  CHECK(wg_plot_loss(rows, N, ev, E, "8gaussians, WGAN-GP", p) == WG_OK, "%s", wg_last_error());
  check_png(p, 800, 500);
  /* A long run (thinned for drawing), with a diverged stretch, and no evaluations. */
  enum { L = 20000 };
  static wg_metrics_row long_rows[L];
  for (int i = 0; i < L; i++)
    long_rows[i] = (wg_metrics_row){.iter = i, .w_estimate = i > 15000 && i < 15500 ? NAN : sin(i / 1000.0)};
  out_path(p, sizeof p, "loss_long.png");
  CHECK(wg_plot_loss(long_rows, L, NULL, 0, NULL, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 800, 500);
}

/* A critic-like field on [-3,3]^2 with real and generated points: two panels. */
static void case_toy_panels(void) {
  if (!have_gnuplot) SKIP("%s", no_gnuplot_why);
  wg_rng r;
  wg_rng_seed(&r, seed);
  enum { G = 61, N = 400 };
  static float z[2][G * G], real[N * 2], fake[N * 2];
  for (int j = 0; j < G; j++)
    for (int i = 0; i < G; i++) {
      double x = -3 + 6.0 * i / (G - 1), y = -3 + 6.0 * j / (G - 1);
      z[0][j * G + i] = (float)(0.01 * tanh(x + 0.5 * y));        /* clipping: nearly linear, tiny */
      z[1][j * G + i] = (float)(-sqrt(x * x + y * y) + 1.2);     /* penalty: a cone around the data */
    }
  z[1][0] = NAN; /* a blank cell must not break the map */
  for (int k = 0; k < N; k++) {
    double a = 2 * M_PI * (double)wg_rng_below(&r, 8) / 8;
    real[2 * k] = (float)(1.414 * cos(a) + 0.02 * wg_rng_normal(&r));
    real[2 * k + 1] = (float)(1.414 * sin(a) + 0.02 * wg_rng_normal(&r));
    fake[2 * k] = (float)(0.6 * wg_rng_normal(&r));
    fake[2 * k + 1] = (float)(0.6 * wg_rng_normal(&r));
  }
  wg_plot_heatmap hm[2] = {{z[0], G, G, -3, 3, -3, 3, "critic value"}, {z[1], G, G, -3, 3, -3, 3, "critic value"}};
  wg_plot_series pts[2] = {
      {.label = "real", .xy = real, .n = N, .style = WG_PLOT_POINTS, .color = "#ff7f0e"},
      {.label = "generated", .xy = fake, .n = N, .style = WG_PLOT_POINTS, .color = "#e040fb"},
  };
  wg_plot_panel panels[2] = {
      {.title = "weight clipping", .xlabel = "x1", .ylabel = "x2", .square = 1, .heatmap = &hm[0], .series = pts,
       .nseries = 2},
      {.title = "gradient penalty", .xlabel = "x1", .ylabel = "x2", .square = 1, .heatmap = &hm[1], .series = pts,
       .nseries = 2, .key = WG_KEY_BOTTOM_LEFT},
  };
  wg_plot_figure fig = {.title = "critic value surface, 8gaussians", .panels = panels, .npanels = 2,
                        .width = 1200, .height = 560};
  char p[512];
  out_path(p, sizeof p, "value_surface.png");
  CHECK(wg_plot_render(&fig, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 1200, 560);
  fig = (wg_plot_figure){.panels = panels + 1, .npanels = 1};
  out_path(p, sizeof p, "toy_000100.png");
  CHECK(wg_plot_render(&fig, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 640, 480);
}

/* Two densities, the optimal discriminator in [0,1] on a second axis, and a
 * divergence that is +inf except at one point; then a log-scale panel. */
static void case_line_figure(void) {
  if (!have_gnuplot) SKIP("%s", no_gnuplot_why);
  enum { N = 201 };
  static double x[N], p0[N], p1[N], dstar[N], theta[21], kl[21], w1[21];
  for (int i = 0; i < N; i++) {
    x[i] = -4 + 10.0 * i / (N - 1);
    p0[i] = exp(-0.5 * x[i] * x[i]) / sqrt(2 * M_PI);
    p1[i] = exp(-0.5 * (x[i] - 2) * (x[i] - 2)) / sqrt(2 * M_PI);
    dstar[i] = p0[i] / (p0[i] + p1[i]);
  }
  for (int k = 0; k < 21; k++) {
    theta[k] = -1 + 0.1 * k;
    kl[k] = k == 10 ? 0 : INFINITY;
    w1[k] = fabs(theta[k]);
  }
  wg_plot_series s1[3] = {
      {.label = "P_r", .x = x, .y = p0, .n = N},
      {.label = "P_g", .x = x, .y = p1, .n = N},
      {.label = "D*(x)", .x = x, .y = dstar, .n = N, .y2 = 1, .color = "#555555"},
  };
  wg_plot_series s2[2] = {
      {.label = "KL(P_0 || P_theta)", .x = theta, .y = kl, .n = 21, .style = WG_PLOT_LINESPOINTS},
      {.label = "W1", .x = theta, .y = w1, .n = 21},
  };
  wg_plot_series s3[1] = {{.label = "W1", .x = theta + 11, .y = w1 + 11, .n = 10}};
  wg_plot_panel panels[3] = {
      {.title = "densities and the optimal discriminator", .xlabel = "x", .ylabel = "density",
       .y2label = "D*(x)", .y2min = 0, .y2max = 1, .series = s1, .nseries = 3},
      {.title = "parallel lines", .xlabel = "theta", .ylabel = "divergence", .series = s2, .nseries = 2,
       .key = WG_KEY_BELOW, .note = "KL is +inf except at theta = 0"},
      {.title = "log scale", .xlabel = "theta", .ylabel = "W1", .logx = 1, .logy = 1, .series = s3, .nseries = 1},
  };
  wg_plot_figure fig = {.panels = panels, .npanels = 3, .width = 1500, .height = 450};
  char p[512];
  out_path(p, sizeof p, "lines.png");
  CHECK(wg_plot_render(&fig, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 1500, 450);
  /* A panel with nothing finite still renders (an empty frame). */
  double nan1[1] = {NAN};
  wg_plot_series s4 = {.label = "diverged", .x = nan1, .y = nan1, .n = 1};
  wg_plot_panel empty = {.title = "nothing", .series = &s4, .nseries = 1};
  fig = (wg_plot_figure){.panels = &empty, .npanels = 1, .width = 320, .height = 240};
  out_path(p, sizeof p, "empty.png");
  CHECK(wg_plot_render(&fig, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 320, 240);
}

/* Quotes, a newline, $ and ; in the file name and in the labels. */
static void case_odd_path(void) {
  if (!have_gnuplot) SKIP("%s", no_gnuplot_why);
  char sub[600], p[700];
  snprintf(sub, sizeof sub, "%s/odd", dir);
  mkdir(sub, 0755);
  snprintf(p, sizeof p, "%s/it's a \"plot\" $(touch x); `y`\nz\\.png", sub);
  double xs[2] = {0, 1}, ys[2] = {1, 2};
  wg_plot_series s = {.label = "it's \"quoted\"\n$(x) `y` \\", .x = xs, .y = ys, .n = 2};
  wg_plot_panel pn = {.title = "'; system 'touch x'", .series = &s, .nseries = 1};
  wg_plot_figure fig = {.panels = &pn, .npanels = 1, .width = 200, .height = 150};
  CHECK(wg_plot_render(&fig, p) == WG_OK, "%s", wg_last_error());
  check_png(p, 200, 150);
  CHECK(entries(sub) == 1, "%zu files in %s, expected only the PNG", entries(sub), sub);
}

static void case_missing_tool(void) {
  char p[512];
  snprintf(p, sizeof p, "%s/missing.png", dir);
  double xs[2] = {0, 1};
  wg_plot_series s = {.x = xs, .y = xs, .n = 2};
  wg_plot_panel pn = {.series = &s, .nseries = 1};
  wg_plot_figure fig = {.panels = &pn, .npanels = 1};
  size_t before = entries(dir);

  wg_plot_set_command("/nonexistent/gnuplot-wgan-test");
  CHECK(wg_plot_render(&fig, p) == WG_EIO, "missing tool: status %d", wg_last_status());
  CHECK(strncmp(wg_last_error(), "plotting tool not found", 23) == 0, "message: %s", wg_last_error());
  CHECK(!wg_plot_available(), "a missing tool reported available");
  CHECK(entries(dir) == before, "a missing tool left a file behind");

  /* The environment variable selects the program when no command is set. */
  wg_plot_set_command(NULL);
  setenv("WGAN_GNUPLOT", "gnuplot-wgan-test-not-in-path", 1);
  CHECK(wg_plot_render(&fig, p) == WG_EIO && strstr(wg_last_error(), "gnuplot-wgan-test-not-in-path") != NULL,
        "WGAN_GNUPLOT ignored: %s", wg_last_error());
  unsetenv("WGAN_GNUPLOT");

  /* A tool that runs and fails: a different message, the old file kept. */
  FILE *f = fopen(p, "w");
  fputs("old", f);
  fclose(f);
  wg_plot_set_command("false");
  CHECK(wg_plot_render(&fig, p) == WG_EIO && strstr(wg_last_error(), "failed with status 1") != NULL, "%s",
        wg_last_error());
  wg_plot_set_command("true"); /* succeeds but writes no image */
  CHECK(wg_plot_render(&fig, p) == WG_EIO && strstr(wg_last_error(), "no PNG") != NULL, "%s", wg_last_error());
  wg_plot_set_command(NULL);
  char buf[8] = {0};
  f = fopen(p, "r");
  CHECK(f && fread(buf, 1, 7, f) == 3 && strcmp(buf, "old") == 0, "old file replaced: '%s'", buf);
  if (f) fclose(f);
  CHECK(entries(dir) == before + 1, "a failing tool left a temporary file");
  remove(p);
}

static void case_bad_figures(void) {
  double xs[2] = {0, 1};
  float xy[4] = {0, 0, 1, 1};
  wg_plot_series s = {.x = xs, .y = xs, .n = 2, .color = "red"};
  wg_plot_panel pn = {.series = &s, .nseries = 1};
  wg_plot_figure fig = {.panels = &pn, .npanels = 1};
  CHECK(wg_plot_render(&fig, "/tmp/never.png") == WG_EINVAL && strstr(wg_last_error(), "'red'"), "%s",
        wg_last_error());
  s = (wg_plot_series){.x = xs, .y = xs, .xy = xy, .n = 2};
  CHECK(wg_plot_render(&fig, "/tmp/never.png") == WG_EINVAL, "x, y and xy all accepted");
  s = (wg_plot_series){.x = xs, .y = xs, .n = 2};
  float z[4] = {0};
  wg_plot_heatmap h = {z, 2, 2, 1, -1, 0, 1, NULL};
  pn.heatmap = &h;
  CHECK(wg_plot_render(&fig, "/tmp/never.png") == WG_EINVAL, "reversed heat map extent accepted");
  pn.heatmap = NULL;
  fig.npanels = 0;
  CHECK(wg_plot_render(&fig, "/tmp/never.png") == WG_EINVAL, "no panels accepted");
}

/* gnuplot runs, but the PNG cannot be written: the error names the path. */
static void case_unwritable_target(void) {
  if (!have_gnuplot) SKIP("%s", no_gnuplot_why);
  double xs[2] = {0, 1};
  wg_plot_series s = {.x = xs, .y = xs, .n = 2};
  wg_plot_panel pn = {.series = &s, .nseries = 1};
  wg_plot_figure fig = {.panels = &pn, .npanels = 1};
  CHECK(wg_plot_render(&fig, "/nonexistent-dir/x.png") == WG_EIO && strstr(wg_last_error(), "/nonexistent-dir/x.png"),
        "%s", wg_last_error());
}

int main(void) {
  printf("seed %llu\n", (unsigned long long)seed);
  if (!mkdtemp(dir)) return 1;
  keep_dir = getenv("WGAN_TEST_PLOT_DIR");
  have_gnuplot = wg_plot_available();
  if (!have_gnuplot) snprintf(no_gnuplot_why, sizeof no_gnuplot_why, "%s", wg_last_error());
  RUN(case_median_hand);
  RUN(case_median_random);
  RUN(case_loss_png);
  RUN(case_toy_panels);
  RUN(case_line_figure);
  RUN(case_odd_path);
  RUN(case_missing_tool);
  RUN(case_bad_figures);
  RUN(case_unwritable_target);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
