/* The numeric CSV reader: headers, blank lines, and every bad input. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgan.h"

static char dir[] = "/tmp/wgan_test_csv_XXXXXX";

static const char *file_with(const char *name, const char *text) {
  static char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

static void good_files(void) {
  double *d;
  int64_t rows;
  int cols;
  CHECK(wg_csv_read(file_with("a.csv", "x,y\n1,2\n-3.5, 4e2\n\n\n"), &d, &rows, &cols) == WG_OK,
        "%s", wg_last_error());
  CHECK(rows == 2 && cols == 2, "%lld x %d", (long long)rows, cols);
  CHECK(d[0] == 1 && d[1] == 2 && d[2] == -3.5 && d[3] == 400, "values %g %g %g %g", d[0], d[1],
        d[2], d[3]);
  free(d);
  CHECK(wg_csv_read(file_with("b.csv", "0.5\r\n0.25\r\n0.25"), &d, &rows, &cols) == WG_OK, "%s",
        wg_last_error());
  CHECK(rows == 3 && cols == 1 && d[2] == 0.25, "%lld x %d", (long long)rows, cols);
  free(d);
  /* a header with fewer names than columns is still a header */
  CHECK(wg_csv_read(file_with("c.csv", "points\n1,2,3\n"), &d, &rows, &cols) == WG_OK, "%s",
        wg_last_error());
  CHECK(rows == 1 && cols == 3, "%lld x %d", (long long)rows, cols);
  free(d);
}

static void expect_error(const char *name, const char *text, wg_status want, const char *where) {
  double *d = (double *)1;
  int64_t rows = 1;
  int cols = 1;
  const char *path = text ? file_with(name, text) : name;
  wg_status st = wg_csv_read(path, &d, &rows, &cols);
  CHECK(st == want, "%s: status %d, want %d (%s)", name, st, want, wg_last_error());
  CHECK(d == NULL && rows == 0, "%s: output not cleared", name);
  CHECK(strstr(wg_last_error(), where) != NULL, "%s: message '%s' lacks '%s'", name,
        wg_last_error(), where);
}

static void bad_files(void) {
  expect_error("/nonexistent/x.csv", NULL, WG_EIO, "/nonexistent/x.csv: cannot open");
  expect_error("empty.csv", "", WG_EFORMAT, "empty.csv:1:1: no data");
  expect_error("header_only.csv", "x,y\n", WG_EFORMAT, "no data");
  expect_error("ragged.csv", "1,2\n3,4\n5\n", WG_EFORMAT, "ragged.csv:3:1: 1 fields");
  expect_error("text.csv", "1,2\n3,x1\n", WG_EFORMAT, "text.csv:2:2: not a number: 'x1'");
  expect_error("nan.csv", "1,2\nnan,4\n", WG_EFORMAT, "nan.csv:2:1: not a finite number");
  expect_error("inf.csv", "1,-inf\n", WG_EFORMAT, "inf.csv:1:2: not a finite number");
  expect_error("empty_field.csv", "1,,2\n3,4,5\n", WG_EFORMAT, "empty_field.csv:1:2");
  expect_error("gap.csv", "1\n\n2\n", WG_EFORMAT, "gap.csv:2:1: empty line");
}

int main(void) {
  printf("seed 0 (no randomness)\n");
  if (!mkdtemp(dir)) return 1;
  RUN(good_files);
  RUN(bad_files);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
