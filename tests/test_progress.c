/* The CLI's progress display when stderr is not a terminal: plain log lines
 * every log_every iterations, notes on their own lines, the final line once.
 * (The terminal bar is checked by eye: it redraws in place.) */
#include <stdio.h>
#include <string.h>

#include "../cli/progress.c"
#include "check.h"

static char log_text[4096];

/* Runs fn with stderr sent to a temporary file and keeps what it wrote. */
static void capture(void (*fn)(void)) {
  fflush(stderr);
  FILE *tmp = tmpfile();
  int saved = dup(fileno(stderr));
  dup2(fileno(tmp), fileno(stderr));
  fn();
  fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  rewind(tmp);
  size_t n = fread(log_text, 1, sizeof log_text - 1, tmp);
  log_text[n] = '\0';
  fclose(tmp);
}

static int count_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static void run_fresh(void) {
  progress_start(0, 10, 4);
  for (long i = 1; i <= 10; i++) {
    progress_update(i, 0.5);
    if (i == 6) progress_note("checkpoint %d saved", 6);
  }
  progress_end();
}

static void run_resumed(void) {
  progress_start(5, 10, 5);
  for (long i = 6; i <= 10; i++) progress_update(i, -0.25);
  progress_end();
}

static void case_plain_log(void) {
  capture(run_fresh);
  CHECK(strstr(log_text, "\r") == NULL, "a terminal redraw in a log: %s", log_text);
  CHECK(count_lines(log_text) == 4, "%d lines: %s", count_lines(log_text), log_text);
  const char *a = strstr(log_text, "iter 4/10 "), *b = strstr(log_text, "checkpoint 6 saved\n"),
             *c = strstr(log_text, "iter 8/10 "), *d = strstr(log_text, "iter 10/10 ");
  CHECK(a && b && c && d && a < b && b < c && c < d, "lines out of order: %s", log_text);
  CHECK(strstr(log_text, "W 0.5\n") != NULL, "no W estimate: %s", log_text);
}

static void case_resumed(void) {
  capture(run_resumed);
  CHECK(count_lines(log_text) == 1 && strncmp(log_text, "iter 10/10 ", 11) == 0 && strstr(log_text, "W -0.25"),
        "resumed run logged: %s", log_text);
}

int main(void) {
  printf("seed none (no randomness)\n");
  RUN(case_plain_log);
  RUN(case_resumed);
  CHECK_EXIT();
}
