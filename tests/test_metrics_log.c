/* metrics.csv / evals.csv: round trip, resume truncation, torn lines, bad files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgan/metrics.h"

static char dir[] = "/tmp/wg_metrics_XXXXXX";

static void path_in(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  fputs(text, f);
  fclose(f);
}

static char *read_text(const char *path) {
  static char buf[1 << 16];
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = '\0';
  return buf;
}

static wg_metrics_row row_for(long it) {
  return (wg_metrics_row){it, -0.5 - it * 0.01, 0.5 + it * 0.01, 0.125, -0.25 * it, it < 25 ? 100 : 5,
                          1.5 * it, 1234.5};
}

static void case_round_trip(void) {
  char p[256];
  path_in(p, sizeof p, "m1.csv");
  wg_metrics_log *log = wg_metrics_log_open(p, -1);
  CHECK(log != NULL, "%s", wg_last_error());
  if (!log) return;
  for (long it = 0; it < 60; it++) wg_metrics_log_append(log, &(wg_metrics_row){.iter = it});
  wg_metrics_log_close(log);
  /* A fresh open replaces the file. */
  log = wg_metrics_log_open(p, -1);
  wg_metrics_row diverged = {40, NAN, INFINITY, 0, -INFINITY, 5, 60, 1};
  for (long it = 0; it < 40; it++) {
    wg_metrics_row r = row_for(it);
    CHECK(wg_metrics_log_append(log, &r) == WG_OK, "%s", wg_last_error());
  }
  CHECK(wg_metrics_log_append(log, &diverged) == WG_OK, "%s", wg_last_error());
  /* Rows written before close are already on disk (one write per row). */
  const char *text = read_text(p);
  const char *start = "iter,critic_loss,w_estimate,gp,gen_loss,critic_iters,seconds,samples_per_s\n0,-0.5,0.5,0.125,";
  CHECK(strncmp(text, start, strlen(start)) == 0,
        "file starts: %.120s", text);
  CHECK(strstr(text, "\n40,nan,inf,0,-inf,5,60,1\n") != NULL, "diverged row missing: %s", text + strlen(text) - 80);
  CHECK(wg_metrics_log_append(log, &(wg_metrics_row){.iter = 40}) == WG_EINVAL, "repeated iter accepted");
  CHECK(wg_metrics_log_close(log) == WG_OK, "%s", wg_last_error());

  wg_metrics_row *rows = NULL;
  size_t n = 0;
  CHECK(wg_metrics_read(p, &rows, &n) == WG_OK, "%s", wg_last_error());
  CHECK(n == 41, "n = %zu", n);
  for (size_t i = 0; i < 40 && i < n; i++) {
    wg_metrics_row e = row_for((long)i);
    CHECK(rows[i].iter == e.iter && rows[i].critic_iters == e.critic_iters, "row %zu", i);
    CHECK_CLOSE(rows[i].critic_loss, e.critic_loss, 0, 1e-8);
    CHECK_CLOSE(rows[i].w_estimate, e.w_estimate, 0, 1e-8);
    CHECK_CLOSE(rows[i].gen_loss, e.gen_loss, 1e-12, 1e-8);
    CHECK_CLOSE(rows[i].seconds, e.seconds, 0, 1e-8);
  }
  if (n == 41) {
    CHECK(isnan(rows[40].critic_loss) && rows[40].w_estimate == INFINITY && rows[40].gen_loss == -INFINITY,
          "non-finite values not read back");
  }
  free(rows);
}

static void case_resume_truncates(void) {
  char p[256];
  path_in(p, sizeof p, "m2.csv");
  wg_metrics_log *log = wg_metrics_log_open(p, -1);
  for (long it = 0; it < 30; it++) wg_metrics_log_append(log, &(wg_metrics_row){row_for(it).iter, 1, 2, 3, 4, 5, 6, 7});
  wg_metrics_log_close(log);
  /* A crash mid-write leaves a torn last line. */
  FILE *f = fopen(p, "ab");
  fputs("30,0.25,0.2", f);
  fclose(f);

  log = wg_metrics_log_open(p, 20);  /* resume from iteration 20: keep 0..19 */
  CHECK(log != NULL, "%s", wg_last_error());
  if (!log) return;
  CHECK(wg_metrics_log_append(log, &(wg_metrics_row){.iter = 19}) == WG_EINVAL, "iter 19 accepted after resume at 20");
  for (long it = 20; it < 25; it++) {
    wg_metrics_row r = row_for(it);
    CHECK(wg_metrics_log_append(log, &r) == WG_OK, "%s", wg_last_error());
  }
  wg_metrics_log_close(log);
  wg_metrics_row *rows = NULL;
  size_t n = 0;
  CHECK(wg_metrics_read(p, &rows, &n) == WG_OK, "%s", wg_last_error());
  CHECK(n == 25, "n = %zu", n);
  for (size_t i = 0; i < n; i++) CHECK(rows[i].iter == (long)i, "row %zu has iter %ld", i, rows[i].iter);
  if (n == 25) {
    CHECK(rows[19].critic_loss == 1 && rows[19].samples_per_s == 7, "kept row changed");
    CHECK_CLOSE(rows[20].w_estimate, row_for(20).w_estimate, 0, 1e-8);
  }
  free(rows);

  /* Resuming a log that does not exist starts one. */
  path_in(p, sizeof p, "m3.csv");
  log = wg_metrics_log_open(p, 100);
  CHECK(log != NULL, "%s", wg_last_error());
  wg_metrics_log_close(log);
  CHECK(strcmp(read_text(p), WG_METRICS_HEADER "\n") == 0, "new log: '%s'", read_text(p));
}

static void case_evals(void) {
  char p[256];
  path_in(p, sizeof p, "evals.csv");
  wg_evals_log *log = wg_evals_log_open(p, -1);
  CHECK(log != NULL, "%s", wg_last_error());
  if (!log) return;
  for (long it = 0; it <= 1000; it += 250) wg_evals_log_append(log, &(wg_eval_row){it, 1.0 / (it + 1), 0.03125, 0, 0});
  wg_evals_log_close(log);
  CHECK(strcmp(read_text(p), WG_EVALS_HEADER "\n0,1,0.03125,0,0\n250,0.00398406375,0.03125,0,0\n500,0.00199600798,0.03125,0,0\n"
                             "750,0.00133155792,0.03125,0,0\n1000,0.000999000999,0.03125,0,0\n") == 0,
        "'%s'", read_text(p));
  log = wg_evals_log_open(p, 600);
  wg_evals_log_append(log, &(wg_eval_row){600, 2, 3, 0, 0});
  wg_evals_log_close(log);
  wg_eval_row *rows = NULL;
  size_t n = 0;
  CHECK(wg_evals_read(p, &rows, &n) == WG_OK, "%s", wg_last_error());
  CHECK(n == 4 && rows[2].iter == 500 && rows[3].iter == 600 && rows[3].w1 == 2 && rows[3].w1_floor == 3,
        "n = %zu", n);
  free(rows);
}

static void case_bad_files(void) {
  char p[256];
  wg_metrics_row *rows = NULL;
  size_t n = 0;
  path_in(p, sizeof p, "bad1.csv");
  write_text(p, "iter,w1,w1_floor\n0,1,2\n");
  CHECK(wg_metrics_read(p, &rows, &n) == WG_EFORMAT, "wrong header accepted");
  CHECK(strstr(wg_last_error(), "bad1.csv:1:") != NULL, "%s", wg_last_error());
  CHECK(wg_metrics_log_open(p, 5) == NULL && wg_last_status() == WG_EFORMAT, "resume of a foreign file");
  CHECK(strcmp(read_text(p), "iter,w1,w1_floor\n0,1,2\n") == 0, "foreign file changed");

  path_in(p, sizeof p, "bad2.csv");
  write_text(p, "iter,w1,w1_floor\n0,1,2\n1,x1,2\n");
  wg_eval_row *e = NULL;
  CHECK(wg_evals_read(p, &e, &n) == WG_EFORMAT, "bad number accepted");
  CHECK(strstr(wg_last_error(), "bad2.csv:3:3: w1: not a number: 'x1'") != NULL, "%s", wg_last_error());
  write_text(p, "iter,w1,w1_floor\n0,1,2\n1,1\n");
  CHECK(wg_evals_read(p, &e, &n) == WG_EFORMAT && strstr(wg_last_error(), "bad2.csv:3:") != NULL, "%s",
        wg_last_error());
  write_text(p, "iter,w1,w1_floor\n0,1,2\n0,1,2\n");
  CHECK(wg_evals_read(p, &e, &n) == WG_EFORMAT && strstr(wg_last_error(), "bad2.csv:3:1: iter 0") != NULL, "%s",
        wg_last_error());
  write_text(p, "iter,w1,w1_floor\n0.5,1,2\n");
  CHECK(wg_evals_read(p, &e, &n) == WG_EFORMAT && strstr(wg_last_error(), "not an integer") != NULL, "%s",
        wg_last_error());
  path_in(p, sizeof p, "missing.csv");
  CHECK(wg_evals_read(p, &e, &n) == WG_EIO && strstr(wg_last_error(), "missing.csv") != NULL, "%s",
        wg_last_error());
}

int main(void) {
  printf("seed none (no randomness)\n");
  if (!mkdtemp(dir)) return 1;
  RUN(case_round_trip);
  RUN(case_resume_truncates);
  RUN(case_evals);
  RUN(case_bad_files);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
