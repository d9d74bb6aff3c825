/* The training progress display: a live bar on a terminal, log lines elsewhere. */
#include "progress.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "wgan/base.h"

enum { BAR_WIDTH = 24 };
static const double REDRAW_SECONDS = 0.1;

static struct {
  int active, tty;
  long first, total, log_every, iter, logged;
  double w;
  double t0, last_draw;
} pg;

static void format_duration(char *out, size_t cap, double s) {
  if (!isfinite(s) || s < 0) {
    snprintf(out, cap, "--:--");
    return;
  }
  long t = (long)(s + 0.5);
  if (t >= 3600) snprintf(out, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else snprintf(out, cap, "%ld:%02ld", t / 60, t % 60);
}

/* Iterations per second since the start and the time left at that rate. */
static void rate_and_eta(double t, double *rate, double *eta) {
  double dt = t - pg.t0;
  long done = pg.iter - pg.first;
  *rate = dt > 0 && done > 0 ? (double)done / dt : NAN;
  *eta = *rate > 0 ? (double)(pg.total - pg.iter) / *rate : NAN;
}

static void draw_bar(double t) {
  double rate, eta;
  rate_and_eta(t, &rate, &eta);
  char bar[BAR_WIDTH + 1], left[32];
  double frac = pg.total > 0 ? (double)pg.iter / (double)pg.total : 0;
  if (frac > 1) frac = 1;
  int full = (int)(frac * BAR_WIDTH);
  for (int i = 0; i < BAR_WIDTH; i++) bar[i] = i < full ? '#' : '.';
  bar[BAR_WIDTH] = '\0';
  format_duration(left, sizeof left, eta);
  fprintf(stderr, "\r%ld/%ld [%s] %.1f it/s  ETA %s  W %.4g\033[K", pg.iter, pg.total, bar, rate, left, pg.w);
  fflush(stderr);
  pg.last_draw = t;
}

static void log_line(double t) {
  double rate, eta;
  rate_and_eta(t, &rate, &eta);
  char left[32];
  format_duration(left, sizeof left, eta);
  fprintf(stderr, "iter %ld/%ld  %.1f it/s  ETA %s  W %.4g\n", pg.iter, pg.total, rate, left, pg.w);
  fflush(stderr);
  pg.logged = pg.iter;
}

void progress_start(long done, long total, long log_every) {
  pg.active = 1;
  pg.tty = isatty(fileno(stderr));
  pg.first = pg.iter = pg.logged = done;
  pg.total = total;
  pg.log_every = log_every;
  pg.w = NAN;
  pg.t0 = wg_seconds();
  pg.last_draw = -1e300;
}

void progress_update(long iter, double w_estimate) {
  if (!pg.active) return;
  pg.iter = iter;
  pg.w = w_estimate;
  if (pg.tty) {
    double t = wg_seconds();
    if (t - pg.last_draw >= REDRAW_SECONDS || iter >= pg.total) draw_bar(t);
  } else if (pg.log_every > 0 && iter % pg.log_every == 0) {
    log_line(wg_seconds());
  }
}

void progress_note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (pg.active && pg.tty) fputs("\r\033[K", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (pg.active && pg.tty) draw_bar(wg_seconds());
  fflush(stderr);
}

void progress_end(void) {
  if (!pg.active) return;
  if (pg.tty) {
    draw_bar(wg_seconds());
    fputc('\n', stderr);
  } else if (pg.logged != pg.iter) {
    log_line(wg_seconds());
  }
  fflush(stderr);
  pg.active = 0;
}
