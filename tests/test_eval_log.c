/* The training-time evaluations as logged and shown: evals.csv with the
 * sliced W1 columns, an older 3-column log read (NaN sliced) and upgraded
 * when a run resumes, and report.html's table of the last evaluations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file_bytes.h"
#include "wgan/metrics.h"
#include "wgan/plot.h"
#include "wgan/report.h"

static char dir[] = "/tmp/wg_eval_log_XXXXXX";

static char *text_of(const char *name) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  size_t len = 0;
  unsigned char *b = slurp(p, &len);
  if (b) b[len] = '\0';
  return (char *)b;
}

static void put(const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  spit(p, text, strlen(text));
}

static void case_older_log_read_and_upgraded(void) {
  char p[512];
  snprintf(p, sizeof p, "%s/evals.csv", dir);
  put("evals.csv", "iter,w1,w1_floor\n0,1,2\n10,3,4\n20,5,6\n");
  wg_eval_row *rows = NULL;
  size_t n = 0;
  CHECK(wg_evals_read(p, &rows, &n) == WG_OK, "%s", wg_last_error());
  CHECK(n == 3 && rows[1].iter == 10 && rows[1].w1 == 3 && rows[1].w1_floor == 4 && isnan(rows[1].sliced_w1) &&
            isnan(rows[1].sliced_w1_floor),
        "n = %zu", n);
  free(rows);
  /* Resumed at 15: the rows before it kept, today's header, then appending. */
  wg_evals_log *log = wg_evals_log_open(p, 15);
  CHECK(log != NULL, "%s", wg_last_error());
  if (!log) return;
  CHECK(wg_evals_log_append(log, &(wg_eval_row){15, 0.5, 0.25, 0.125, 0.0625}) == WG_OK, "%s", wg_last_error());
  wg_evals_log_close(log);
  char *t = text_of("evals.csv");
  CHECK(t && !strcmp(t, WG_EVALS_HEADER "\n0,1,2,nan,nan\n10,3,4,nan,nan\n15,0.5,0.25,0.125,0.0625\n"), "'%s'", t);
  free(t);
  snprintf(p, sizeof p, "%s/evals.csv.upgrade", dir);
  CHECK(access(p, F_OK) != 0, "the upgrade's temporary file is left");
  /* A torn last line (a crash mid-write) is dropped, as on any resume. */
  put("evals.csv", "iter,w1,w1_floor\n0,1,2\n10,3,4\n20,5");
  snprintf(p, sizeof p, "%s/evals.csv", dir);
  log = wg_evals_log_open(p, 30);
  CHECK(log != NULL, "%s", wg_last_error());
  if (log) wg_evals_log_close(log);
  t = text_of("evals.csv");
  CHECK(t && !strcmp(t, WG_EVALS_HEADER "\n0,1,2,nan,nan\n10,3,4,nan,nan\n"), "torn: '%s'", t);
  free(t);
  /* A damaged older log is refused with its line, and left as it was. */
  put("bad.csv", "iter,w1,w1_floor\n0,1,2\n5,x,2\n");
  snprintf(p, sizeof p, "%s/bad.csv", dir);
  CHECK(wg_evals_log_open(p, 3) == NULL && strstr(wg_last_error(), "bad.csv:3:3: w1"), "%s", wg_last_error());
  t = text_of("bad.csv");
  CHECK(t && !strcmp(t, "iter,w1,w1_floor\n0,1,2\n5,x,2\n"), "changed: '%s'", t);
  free(t);
  unlink(p);
}

static void case_report_table(void) {
  put("evals.csv", WG_EVALS_HEADER "\n100,0.75,0.125,0.33,nan\n200,0.5,0.0625,0.25,0.03125\n");
  wg_kv res[1] = {{"status", "finished"}};
  wg_report r = {.title = "t", .results = res, .nresults = 1};
  CHECK(wg_report_write(dir, &r) == WG_OK, "%s", wg_last_error());
  char *t = text_of("report.html");
  CHECK(t && strstr(t, "<h2>Evaluations</h2>"), "no Evaluations section");
  CHECK(t && strstr(t, "<tr><td>100</td><td>0.75</td><td>0.125</td><td>0.33</td><td>&ndash;</td></tr>"), "row 100");
  CHECK(t && strstr(t, "<tr><td>200</td><td>0.5</td><td>0.0625</td><td>0.25</td><td>0.03125</td></tr>"), "row 200");
  free(t);
  /* A damaged log: its message instead of the table, and the page still written. */
  put("evals.csv", WG_EVALS_HEADER "\n100,0.75\n");
  CHECK(wg_report_write(dir, &r) == WG_OK, "%s", wg_last_error());
  t = text_of("report.html");
  CHECK(t && strstr(t, "evals.csv:2:") && !strstr(t, "<th>exact W1</th>"), "damaged log shown as a table");
  free(t);
  char p[512];
  snprintf(p, sizeof p, "%s/evals.csv", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/report.html", dir);
  unlink(p);
}

/* loss.png with evaluations that have the sliced W1 (its second axis) and
 * with older ones that have none: both drawn, a PNG each. */
static void case_loss_plot(void) {
  if (!wg_plot_available()) SKIP("gnuplot is not installed");
  wg_metrics_row m[50];
  for (int i = 0; i < 50; i++) m[i] = (wg_metrics_row){.iter = i + 1, .w_estimate = 1.0 / (i + 1)};
  const wg_eval_row with[2] = {{10, 0.5, 0.1, 0.2, 0.05}, {40, 0.3, 0.1, 0.1, 0.05}};
  const wg_eval_row without[2] = {{10, 0.5, 0.1, NAN, NAN}, {40, 0.3, 0.1, NAN, NAN}};
  char p[512];
  snprintf(p, sizeof p, "%s/loss.png", dir);
  for (int k = 0; k < 2; k++) {
    unlink(p);
    CHECK(wg_plot_loss(m, 50, k ? without : with, 2, NULL, p) == WG_OK, "%s", wg_last_error());
    size_t len = 0;
    unsigned char *b = slurp(p, &len);
    CHECK(b && len > 1000 && !memcmp(b, "\x89PNG", 4), "%s: no PNG (%zu bytes)", k ? "without" : "with", len);
    free(b);
  }
  unlink(p);
}

int main(void) {
  check_seed(1);
  if (!mkdtemp(dir)) return 1;
  RUN(case_older_log_read_and_upgraded);
  RUN(case_report_table);
  RUN(case_loss_plot);
  char p[512];
  snprintf(p, sizeof p, "%s/evals.csv", dir);
  unlink(p);
  rmdir(dir);
  CHECK_EXIT();
}
