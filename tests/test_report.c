/* report.html: escaping, the files found, their order, atomic writing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgan/report.h"

static char dir[] = "/tmp/wg_report_XXXXXX";

static void touch(const char *name, const char *content) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  fputs(content, f);
  fclose(f);
}

static char *read_report(void) {
  static char buf[1 << 16];
  char p[512];
  snprintf(p, sizeof p, "%s/report.html", dir);
  FILE *f = fopen(p, "rb");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = '\0';
  return buf;
}

static size_t entries(void) {
  DIR *dp = opendir(dir);
  size_t n = 0;
  for (struct dirent *e; dp && (e = readdir(dp));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (dp) closedir(dp);
  return n;
}

static void case_page(void) {
  touch("loss.png", "x");
  touch("samples_010000.png", "x");
  touch("samples_000500.png", "x");
  touch("samples_001000.png", "x");
  touch("toy_000100.png", "x");
  touch("a<b>&\"c\" d.png", "x");
  touch(".hidden.png", "x");
  touch("metrics.csv", "iter\n");
  wg_kv config[2] = {{"mode", "gp <script>alert(1)</script>"}, {"lambda", "10"}};
  wg_kv results[1] = {{"W1 & floor", "0.25 \"exact\""}};
  wg_report r = {"run <1>", config, 2, results, 1};
  CHECK(wg_report_write(dir, &r) == WG_OK, "%s", wg_last_error());
  const char *h = read_report();
  CHECK(strncmp(h, "<!DOCTYPE html>", 15) == 0, "no doctype");
  CHECK(strstr(h, "<script>") == NULL, "unescaped script tag");
  CHECK(strstr(h, "gp &lt;script&gt;alert(1)&lt;/script&gt;") != NULL, "config value not escaped");
  CHECK(strstr(h, "<title>run &lt;1&gt;</title>") != NULL, "title not escaped");
  CHECK(strstr(h, "W1 &amp; floor") && strstr(h, "0.25 &quot;exact&quot;"), "results not escaped");
  CHECK(strstr(h, "src=\"a%3Cb%3E%26%22c%22%20d.png\"") != NULL, "odd file name not URL-encoded");
  CHECK(strstr(h, "alt=\"a&lt;b&gt;&amp;&quot;c&quot; d.png\"") != NULL, "odd file name not escaped");
  CHECK(strstr(h, "hidden") == NULL, "hidden file listed");
  CHECK(strstr(h, "href=\"metrics.csv\"") != NULL, "metrics.csv not listed");
  CHECK(strstr(h, "http") == NULL, "a network reference");
  const char *loss = strstr(h, "src=\"loss.png\""), *s500 = strstr(h, "src=\"samples_000500.png\""),
             *s1000 = strstr(h, "src=\"samples_001000.png\""), *s10000 = strstr(h, "src=\"samples_010000.png\""),
             *toy = strstr(h, "src=\"toy_000100.png\"");
  CHECK(loss && s500 && s1000 && s10000 && toy, "an image is missing");
  if (loss && s500 && s1000 && s10000 && toy)
    CHECK(loss < s500 && s500 < s1000 && s1000 < s10000 && s10000 < toy, "images out of order");
  CHECK(strstr(h, "iteration 500<") != NULL, "no iteration caption");
  CHECK(entries() == 9, "%zu entries: a temporary file left behind?", entries());
}

static void case_errors(void) {
  wg_report r = {0};
  CHECK(wg_report_write("/nonexistent-wgan-dir", &r) == WG_EIO, "missing directory accepted");
  CHECK(strstr(wg_last_error(), "/nonexistent-wgan-dir") != NULL, "%s", wg_last_error());
  r.nconfig = 1;
  CHECK(wg_report_write(dir, &r) == WG_EINVAL, "NULL config with nconfig 1 accepted");
}

int main(void) {
  printf("seed none (no randomness)\n");
  if (!mkdtemp(dir)) return 1;
  RUN(case_page);
  RUN(case_errors);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
