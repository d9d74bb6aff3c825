/* Renders a wg_plot_figure to PNG with gnuplot.
 *
 * The script (data inline as gnuplot datablocks) goes to gnuplot's stdin from
 * an anonymous memory file, and gnuplot's stdout (where the PNG terminal
 * writes when no output file is set) is a temporary file next to the target,
 * renamed into place once gnuplot succeeded. So the target path never
 * appears in the script (any characters are safe), nothing is left behind on
 * failure, no shell is involved, and a missing program is told apart from a
 * failing one by posix_spawnp's own error. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "wgan/plot.h"

extern char **environ;

static char *plot_command; /* set by wg_plot_set_command(); NULL: default */

void wg_plot_set_command(const char *cmd) {
  free(plot_command);
  plot_command = cmd ? strdup(cmd) : NULL;
}

static const char *command(void) {
  if (plot_command) return plot_command;
  const char *env = getenv("WGAN_GNUPLOT");
  return env && *env ? env : "gnuplot";
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/* ---- validation ---- */

static int valid_color(const char *c) {
  if (!c) return 1;
  size_t n = strlen(c);
  if (c[0] != '#' || (n != 7 && n != 9)) return 0;
  return strspn(c + 1, "0123456789abcdefABCDEF") == n - 1;
}

static wg_status validate(const wg_plot_figure *fig) {
  if (!fig || !fig->panels) return wg_set_error(WG_EINVAL, "plot: NULL figure or panels");
  if (fig->npanels < 1 || fig->npanels > 16)
    return wg_set_error(WG_EINVAL, "plot: %zu panels (1 to 16 allowed)", fig->npanels);
  if (fig->width < 0 || fig->height < 0 || fig->width > 16384 || fig->height > 16384 ||
      (fig->width && fig->width < 64) || (fig->height && fig->height < 64))
    return wg_set_error(WG_EINVAL, "plot: size %dx%d out of range (64 to 16384)", fig->width, fig->height);
  for (size_t p = 0; p < fig->npanels; p++) {
    const wg_plot_panel *pn = &fig->panels[p];
    if (pn->nseries && !pn->series) return wg_set_error(WG_EINVAL, "plot: panel %zu: NULL series", p);
    if (pn->key > WG_KEY_NONE) return wg_set_error(WG_EINVAL, "plot: panel %zu: bad key position", p);
    const wg_plot_heatmap *h = pn->heatmap;
    if (h && (!h->z || h->nx < 2 || h->ny < 2 || !(h->xmax > h->xmin) || !(h->ymax > h->ymin)))
      return wg_set_error(WG_EINVAL, "plot: panel %zu: heat map needs z, nx, ny >= 2 and increasing extents", p);
    for (size_t s = 0; s < pn->nseries; s++) {
      const wg_plot_series *se = &pn->series[s];
      int pair = se->x && se->y, inter = se->xy != NULL;
      if (se->n && pair == inter)
        return wg_set_error(WG_EINVAL, "plot: panel %zu series %zu: give either x and y, or xy", p, s);
      if (!valid_color(se->color))
        return wg_set_error(WG_EINVAL, "plot: panel %zu series %zu: colour '%s' is not #rrggbb or #aarrggbb", p, s,
                            se->color);
      if (se->style > WG_PLOT_LINESPOINTS || !(se->size >= 0) || se->size > 100)
        return wg_set_error(WG_EINVAL, "plot: panel %zu series %zu: bad style or size", p, s);
    }
  }
  return WG_OK;
}

/* ---- the script ---- */

/* A gnuplot string expression that stands for s literally: single-quoted
 * pieces (no escapes, no backquote substitution) joined by "'" where s has a
 * quote, since gnuplot's scanner misreads a doubled quote at a string's
 * start. Control characters (a newline would end the command) become spaces. */
static void put_string(FILE *f, const char *s) {
  fputc('\'', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\'') fputs("'.\"'\".'", f);
    else if (c < 0x20 || c == 0x7f) fputc(' ', f);
    else fputc(c, f);
  }
  fputc('\'', f);
}

static void point_at(const wg_plot_series *s, size_t i, double *x, double *y) {
  if (s->xy) {
    *x = s->xy[2 * i];
    *y = s->xy[2 * i + 1];
  } else {
    *x = s->x[i];
    *y = s->y[i];
  }
}

static int drawable(double v, int logscale) { return isfinite(v) && (!logscale || v > 0); }

typedef struct {
  int fixed;          /* the range is set in the script */
  double lo, hi;
} axis_range;

/* The y range of axis `which` (0: y, 1: y2): the user's, or, when some value
 * on it is infinite, one computed from the finite values so that infinities
 * can sit on its edges. */
static axis_range y_range(const wg_plot_panel *pn, int which) {
  double umin = which ? pn->y2min : pn->ymin, umax = which ? pn->y2max : pn->ymax;
  int logs = which ? pn->logy2 : pn->logy;
  axis_range r = {0, umin, umax};
  if (umin != umax) {
    r.fixed = 1;
    return r;
  }
  int has_inf = 0;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t s = 0; s < pn->nseries; s++) {
    const wg_plot_series *se = &pn->series[s];
    if (!!se->y2 != which) continue;
    for (size_t i = 0; i < se->n; i++) {
      double x, y;
      point_at(se, i, &x, &y);
      if (isinf(y)) has_inf = 1;
      else if (drawable(y, logs) && drawable(x, pn->logx)) {
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
    }
  }
  if (!has_inf) return r;
  if (!(lo <= hi)) {
    lo = logs ? 1 : 0;
    hi = logs ? 10 : 1;
  }
  if (logs) {
    if (lo == hi) lo /= 2, hi *= 2;
    double pad = pow(hi / lo, 0.05);
    lo /= pad, hi *= pad;
  } else {
    if (lo == hi) lo -= 0.5, hi += 0.5;
    double pad = 0.05 * (hi - lo);
    lo -= pad, hi += pad;
  }
  r.fixed = 1;
  r.lo = lo;
  r.hi = hi;
  return r;
}

/* Writes points of a series as a datablock (a blank line where the line must
 * break) and returns how many there were: with inf_sign 0 its finite points,
 * otherwise its points equal to inf_sign * inf, placed at height edge. */
static size_t put_points(FILE *f, const char *name, const wg_plot_series *s, int logx, int logy, double inf_sign,
                         double edge) {
  size_t count = 0;
  int broken = 1;
  fprintf(f, "%s << EOD\n", name);
  for (size_t i = 0; i < s->n; i++) {
    double x, y;
    point_at(s, i, &x, &y);
    int keep = drawable(x, logx) && (inf_sign == 0 ? drawable(y, logy) : y == inf_sign * INFINITY);
    if (keep) {
      fprintf(f, "%.9g %.9g\n", x, inf_sign == 0 ? y : edge);
      count++;
      broken = 0;
    } else if (!broken) {
      fputc('\n', f);
      broken = 1;
    }
  }
  fputs("EOD\n", f);
  return count;
}

static void put_heatmap_data(FILE *f, size_t p, const wg_plot_heatmap *h) {
  fprintf(f, "$h%zu << EOD\n", p);
  for (size_t j = 0; j < h->ny; j++) {
    double y = h->ymin + (double)j * (h->ymax - h->ymin) / (double)(h->ny - 1);
    for (size_t i = 0; i < h->nx; i++) {
      double x = h->xmin + (double)i * (h->xmax - h->xmin) / (double)(h->nx - 1);
      float z = h->z[j * h->nx + i];
      if (isfinite(z)) fprintf(f, "%.9g %.9g %.9g\n", x, y, (double)z);
      else fprintf(f, "%.9g %.9g NaN\n", x, y);
    }
    fputc('\n', f);
  }
  fputs("EOD\n", f);
}

static void put_range(FILE *f, const char *axis, double lo, double hi) {
  if (lo != hi) fprintf(f, "set %srange [%.9g:%.9g]\n", axis, lo, hi);
  else fprintf(f, "set autoscale %sfix\n", axis);
}

static void put_label(FILE *f, const char *what, const char *text) {
  if (text) {
    fprintf(f, "set %s ", what);
    put_string(f, text);
    fputc('\n', f);
  } else {
    fprintf(f, "unset %s\n", what);
  }
}

/* Sample left of a left-aligned text; inside keys get a background box. */
static const char *const key_settings[] = {
    "inside top right", "inside top left", "inside bottom left", "inside bottom right", "below center horizontal height 1.5"};

static void put_key(FILE *f, wg_plot_key key, int on_heatmap) {
  fputs("set key default\n", f);
  if (key == WG_KEY_NONE) {
    fputs("unset key\n", f);
    return;
  }
  fprintf(f, "set key %s reverse Left samplen 2.5 width 1", key_settings[key]);
  /* On a heat map a grey box keeps light and dark point colours visible. */
  if (key != WG_KEY_BELOW) fprintf(f, " box opaque fc rgb '%s'", on_heatmap ? "#c8c8c8" : "#ffffff");
  fputc('\n', f);
}

/* The series' datablocks: $d (the drawable points), $u and $l (the points
 * at +inf and -inf, drawn on the top and bottom edges of the y range yr).
 * count [nseries][3] gets how many points each has. */
static void put_series_data(FILE *f, size_t p, const wg_plot_panel *pn, const axis_range yr[2],
                            size_t *count) {
  const int logs[2] = {pn->logy, pn->logy2};
  for (size_t s = 0; s < pn->nseries; s++) {
    const wg_plot_series *se = &pn->series[s];
    int a = !!se->y2;
    char name[64];
    snprintf(name, sizeof name, "$d%zu_%zu", p, s);
    count[3 * s] = put_points(f, name, se, pn->logx, logs[a], 0, 0);
    snprintf(name, sizeof name, "$u%zu_%zu", p, s);
    count[3 * s + 1] = put_points(f, name, se, pn->logx, 0, 1, yr[a].hi);
    snprintf(name, sizeof name, "$l%zu_%zu", p, s);
    count[3 * s + 2] = put_points(f, name, se, pn->logx, 0, -1, yr[a].lo);
  }
}

/* The panel's settings for the ranges xr and yr [2] (y, y2): labels, log
 * scales, ranges, the second y axis, aspect, grid, key, note, colour box. */
static void put_settings(FILE *f, const wg_plot_panel *pn, axis_range xr, const axis_range yr[2]) {
  const wg_plot_heatmap *h = pn->heatmap;
  put_label(f, "title", pn->title);
  put_label(f, "xlabel", pn->xlabel);
  put_label(f, "ylabel", pn->ylabel);
  put_label(f, "y2label", pn->y2label);
  fputs("unset logscale\n", f);
  if (pn->logx) fputs("set logscale x\n", f);
  if (pn->logy) fputs("set logscale y\n", f);
  if (pn->logy2) fputs("set logscale y2\n", f);
  put_range(f, "x", xr.lo, xr.hi);
  if (yr[0].fixed) put_range(f, "y", yr[0].lo, yr[0].hi);
  else fputs("set autoscale y\n", f);
  int any_y2 = 0;
  for (size_t s = 0; s < pn->nseries; s++) any_y2 |= !!pn->series[s].y2;
  if (any_y2) {
    fputs("set y2tics\nset ytics nomirror\n", f);
    if (yr[1].fixed) put_range(f, "y2", yr[1].lo, yr[1].hi);
    else fputs("set autoscale y2\n", f);
  } else {
    fputs("unset y2tics\nset ytics mirror\n", f);
  }
  fputs(pn->square ? "set size ratio -1\n" : "set size noratio\n", f);
  fputs(h ? "unset grid\n" : "set grid lc rgb '#cccccc' dt 3\n", f);
  put_key(f, pn->key, h != NULL);
  fputs("unset label\n", f);
  if (pn->note) {
    fputs("set label 1 ", f);
    put_string(f, pn->note);
    fputs(" at graph 0.01, graph 0.03 left front\n", f);
  }
  if (h) {
    fputs("set colorbox\n", f);
    put_label(f, "cblabel", h->label);
  } else {
    fputs("unset colorbox\n", f);
  }
}

/* Series s's entries in the plot command, each only if its datablock has
 * points (count [3], put_series_data's): the drawable points, then those at
 * +inf and -inf on the range's edges. *sep goes before the next entry. */
static void put_series_plot(FILE *f, size_t p, size_t s, const wg_plot_series *se,
                            const size_t *count, const char **sep) {
  const char *color = se->color ? se->color : palette[s % (sizeof palette / sizeof *palette)];
  const char *axes = se->y2 ? " axes x1y2" : "";
  double lw = se->size > 0 ? se->size : 1.5, ps = se->size > 0 ? se->size : 0.6;
  if (count[0]) {
    /* Dots get a dark halo drawn first, so they stay visible on any background. */
    if (se->style == WG_PLOT_POINTS) {
      fprintf(f, "%s$d%zu_%zu%s with points pt 7 ps %g lc rgb '#202020' notitle", *sep, p, s, axes, 1.5 * ps);
      *sep = ", \\\n  ";
    }
    fprintf(f, "%s$d%zu_%zu%s", *sep, p, s, axes);
    if (se->style == WG_PLOT_LINES) fprintf(f, " with lines lw %g", lw);
    else if (se->style == WG_PLOT_POINTS) fprintf(f, " with points pt 7 ps %g", ps);
    else fprintf(f, " with linespoints pt 7 ps %g lw %g", se->size > 0 ? 0.6 * se->size + 0.3 : 0.9, lw);
    fprintf(f, " lc rgb '%s' ", color);
    if (se->label) {
      fputs("title ", f);
      put_string(f, se->label);
    } else {
      fputs("notitle", f);
    }
    *sep = ", \\\n  ";
  }
  for (int k = 1; k <= 2; k++) {
    if (!count[k]) continue;
    fprintf(f, "%s$%c%zu_%zu%s with linespoints dt 2 pt %d ps 1.2 lw %g lc rgb '%s' ", *sep, k == 1 ? 'u' : 'l', p, s,
            axes, k == 1 ? 9 : 11, se->style == WG_PLOT_POINTS ? 1.0 : lw, color);
    *sep = ", \\\n  ";
    if (se->label) {
      char text[512];
      snprintf(text, sizeof text, "%s = %s∞ (%s edge)", se->label, k == 1 ? "+" : "−",
               k == 1 ? "top" : "bottom");
      fputs("title ", f);
      put_string(f, text);
    } else {
      fputs("notitle", f);
    }
  }
}

/* One panel: its datablocks, its settings, its plot command. */
static void put_panel(FILE *f, size_t p, const wg_plot_panel *pn) {
  const wg_plot_heatmap *h = pn->heatmap;
  axis_range yr[2] = {y_range(pn, 0), y_range(pn, 1)};
  size_t *count = calloc(pn->nseries ? pn->nseries : 1, 3 * sizeof *count); /* [nseries][3] */
  if (count) put_series_data(f, p, pn, yr, count);
  if (h) put_heatmap_data(f, p, h);
  /* a heat map sets the x and y ranges the user left open */
  axis_range xr = {0, pn->xmin, pn->xmax};
  if (xr.lo == xr.hi && h) xr.lo = h->xmin, xr.hi = h->xmax;
  if (!yr[0].fixed && h) yr[0] = (axis_range){1, h->ymin, h->ymax};
  put_settings(f, pn, xr, yr);
  const char *sep = "plot ";
  if (h) {
    fprintf(f, "%s$h%zu using 1:2:3 with image notitle", sep, p);
    sep = ", \\\n  ";
  }
  for (size_t s = 0; s < pn->nseries && count; s++)
    put_series_plot(f, p, s, &pn->series[s], count + 3 * s, &sep);
  /* Nothing drawable at all: an empty frame rather than a gnuplot error. */
  if (sep[0] == 'p') {
    if (xr.lo == xr.hi) fputs("set xrange [0:1]\n", f);
    if (!yr[0].fixed) fputs("set yrange [0:1]\n", f);
    fputs("plot NaN notitle", f);
  }
  fputc('\n', f);
  free(count);
}

static void put_script(FILE *f, const wg_plot_figure *fig) {
  int w = fig->width ? fig->width : 640 * (int)fig->npanels, hgt = fig->height ? fig->height : 480;
  fputs("set encoding utf8\n", f);
  /* pngcairo draws anti-aliased lines and transparent colours; png (libgd) is the fallback. */
  fprintf(f,
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "  set terminal pngcairo size %d,%d noenhanced font 'Sans,10'\n"
          "} else {\n"
          "  set terminal png size %d,%d noenhanced\n"
          "}\n",
          w, hgt, w, hgt);
  /* A perceptually ordered colour map (dark blue to yellow) for heat maps. */
  fputs("set palette defined (0 '#30123b', 0.2 '#3e68d1', 0.4 '#2ab7c9', 0.6 '#7ee07a', 0.8 '#f5c23a', 1 '#f9f0a8')\n",
        f);
  fputs("set tics front\nset border front\n", f);
  int multi = fig->npanels > 1 || fig->title;
  if (multi) {
    fprintf(f, "set multiplot layout 1,%zu", fig->npanels);
    if (fig->title) {
      fputs(" title ", f);
      put_string(f, fig->title);
      fputs(" font ',13'", f);
    }
    fputc('\n', f);
  }
  for (size_t p = 0; p < fig->npanels; p++) put_panel(f, p, &fig->panels[p]);
  if (multi) fputs("unset multiplot\n", f);
}

/* ---- running gnuplot ---- */

/* Spawns the plotting program with the given fds as its stdin/stdout/stderr.
 * Returns 0 or the errno of the failed start. */
static int spawn(char *const argv[], int in, int out, int err, pid_t *pid) {
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa)) return ENOMEM;
  posix_spawn_file_actions_adddup2(&fa, in, 0);
  posix_spawn_file_actions_adddup2(&fa, out, 1);
  posix_spawn_file_actions_adddup2(&fa, err, 2);
  int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc;
}

static int wait_for(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static wg_status not_found(const char *cmd, int err) {
  return wg_set_error(WG_EIO, "plotting tool not found: cannot start '%s' (%s); install gnuplot-nox or set WGAN_GNUPLOT",
                      cmd, strerror(err));
}

int wg_plot_available(void) {
  const char *cmd = command();
  char *argv[] = {(char *)cmd, "--version", NULL};
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) {
    wg_set_error(WG_EIO, "plot: cannot open /dev/null: %s", strerror(errno));
    return 0;
  }
  pid_t pid;
  int rc = spawn(argv, null, null, null, &pid);
  close(null);
  if (rc) {
    not_found(cmd, rc);
    return 0;
  }
  int code = wait_for(pid);
  if (code != 0) {
    wg_set_error(WG_EIO, "plotting tool '%s' does not work: '%s --version' exited with status %d", cmd, cmd, code);
    return 0;
  }
  return 1;
}

/* The most telling line of gnuplot's stderr: its "line N: ..." error, else the last line. */
static void error_line(int fd, char *out, size_t cap) {
  char buf[4096];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  out[0] = '\0';
  if (n <= 0) return;
  buf[n] = '\0';
  char *best = NULL, *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    while (*line == ' ') line++;
    if (!*line) continue;
    if (!best || strncmp(best, "line ", 5) != 0) best = line;
  }
  if (best) snprintf(out, cap, "%s", best);
}

static int png_signature_ok(int fd) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  unsigned char head[8];
  return pread(fd, head, 8, 0) == 8 && memcmp(head, sig, 8) == 0;
}

wg_status wg_plot_render(const wg_plot_figure *fig, const char *png_path) {
  wg_status st = validate(fig);
  if (st) return st;
  if (!png_path || !*png_path) return wg_set_error(WG_EINVAL, "plot: empty output path");

  int script_fd = memfd_create("wgan-plot-script", MFD_CLOEXEC);
  int err_fd = memfd_create("wgan-plot-stderr", MFD_CLOEXEC);
  FILE *script = script_fd >= 0 ? fdopen(script_fd, "w+") : NULL;
  if (!script) {
    st = wg_set_error(WG_EIO, "plot: cannot create the script buffer: %s", strerror(errno));
    if (script_fd >= 0) close(script_fd);
    if (err_fd >= 0) close(err_fd);
    return st;
  }
  if (err_fd < 0) {
    st = wg_set_error(WG_EIO, "plot: cannot create the error buffer: %s", strerror(errno));
    fclose(script);
    return st;
  }
  put_script(script, fig);
  if (fflush(script) != 0 || ferror(script) || lseek(script_fd, 0, SEEK_SET) != 0) {
    st = wg_set_error(WG_EIO, "plot: cannot write the script: %s", strerror(errno));
    fclose(script);
    close(err_fd);
    return st;
  }

  size_t plen = strlen(png_path);
  char *tmp = malloc(plen + 16);
  int out_fd = -1;
  if (tmp) {
    memcpy(tmp, png_path, plen);
    memcpy(tmp + plen, ".tmpXXXXXX", 11);
    out_fd = mkostemp(tmp, O_CLOEXEC);
  }
  if (out_fd < 0) {
    st = tmp ? wg_set_error(WG_EIO, "%s: cannot create a temporary file beside it: %s", png_path, strerror(errno))
             : wg_set_error(WG_ENOMEM, "plot: out of memory");
    free(tmp);
    fclose(script);
    close(err_fd);
    return st;
  }

  const char *cmd = command();
  char *argv[] = {(char *)cmd, "-d", NULL}; /* -d: ignore the user's gnuplot init files */
  pid_t pid;
  int rc = spawn(argv, script_fd, out_fd, err_fd, &pid);
  if (rc) {
    st = not_found(cmd, rc);
  } else {
    int code = wait_for(pid);
    if (code != 0) {
      char why[512];
      error_line(err_fd, why, sizeof why);
      st = wg_set_error(WG_EIO, "%s: gnuplot ('%s') failed with status %d: %s", png_path, cmd, code,
                        why[0] ? why : "no message");
    } else if (!png_signature_ok(out_fd)) {
      st = wg_set_error(WG_EIO, "%s: gnuplot ('%s') wrote no PNG image", png_path, cmd);
    } else if (fchmod(out_fd, 0644) != 0 || fsync(out_fd) != 0) {
      st = wg_set_error(WG_EIO, "%s: cannot finish the file: %s", png_path, strerror(errno));
    }
  }
  if (close(out_fd) != 0 && !st) st = wg_set_error(WG_EIO, "%s: close failed: %s", png_path, strerror(errno));
  if (!st && rename(tmp, png_path) != 0)
    st = wg_set_error(WG_EIO, "%s: cannot rename the finished image into place: %s", png_path, strerror(errno));
  if (st) unlink(tmp);
  free(tmp);
  fclose(script);
  close(err_fd);
  return st;
}
