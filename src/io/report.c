/* report.html of a run directory: settings, final numbers, and the images
 * found there, in one page that needs no network. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "wgan/metrics.h"
#include "wgan/report.h"

/* Evaluations shown: the last ones (all of them are in evals.csv). */
enum { REPORT_EVAL_ROWS = 12 };

typedef struct {
  char *name;      /* file name in the run directory */
  char *group;     /* name without ".png" and without the trailing iteration */
  long iter;       /* the trailing number, -1 if none */
  long long size;  /* bytes */
  int is_png;
} entry;

static void put_escaped(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      case '\'': fputs("&#39;", f); break;
      default: fputc(*s, f);
    }
  }
}

/* A file name as a relative URL: every byte outside [A-Za-z0-9._~-] as %XX,
 * which also leaves nothing to escape for HTML. */
static void put_url(FILE *f, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("._~-", c))
      fputc(c, f);
    else
      fprintf(f, "%%%02X", c);
  }
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Splits "samples_000500.png" into group "samples" and iteration 500. */
static int split_name(entry *e) {
  size_t n = strlen(e->name) - 4, d = n;
  while (d > 0 && e->name[d - 1] >= '0' && e->name[d - 1] <= '9') d--;
  e->iter = -1;
  if (d < n && n - d <= 15) e->iter = strtol(e->name + d, NULL, 10);
  else d = n;
  size_t g = d;
  while (g > 0 && (e->name[g - 1] == '_' || e->name[g - 1] == '-')) g--;
  if (g == 0) g = d;
  e->group = strndup(e->name, g);
  return e->group != NULL;
}

static int by_group_then_iter(const void *a, const void *b) {
  const entry *x = a, *y = b;
  int loss_x = strcmp(x->name, "loss.png") == 0, loss_y = strcmp(y->name, "loss.png") == 0;
  if (loss_x != loss_y) return loss_y - loss_x;
  int c = strcmp(x->group, y->group);
  if (c) return c;
  if (x->iter != y->iter) return (x->iter > y->iter) - (x->iter < y->iter);
  return strcmp(x->name, y->name);
}

static int by_name(const void *a, const void *b) { return strcmp(((const entry *)a)->name, ((const entry *)b)->name); }

static void free_entries(entry *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].name);
    free(v[i].group);
  }
  free(v);
}

/* The visible regular files of dir, except report.html itself. */
static wg_status list_dir(const char *dir, entry **out, size_t *count) {
  DIR *d = opendir(dir);
  if (!d) return wg_set_error(WG_EIO, "%s: cannot read the run directory: %s", dir, strerror(errno));
  entry *v = NULL;
  size_t n = 0, cap = 0;
  wg_status st = WG_OK;
  for (struct dirent *de; (de = readdir(d));) {
    if (de->d_name[0] == '.' || strcmp(de->d_name, "report.html") == 0) continue;
    struct stat sb;
    if (fstatat(dirfd(d), de->d_name, &sb, 0) != 0 || !S_ISREG(sb.st_mode)) continue;
    if (n == cap) {
      entry *grown = realloc(v, (cap = cap ? 2 * cap : 32) * sizeof *v);
      if (!grown) {
        st = wg_set_error(WG_ENOMEM, "%s: out of memory listing the files", dir);
        break;
      }
      v = grown;
    }
    entry *e = &v[n];
    *e = (entry){.name = strdup(de->d_name), .size = (long long)sb.st_size, .iter = -1};
    e->is_png = e->name && has_suffix(e->name, ".png") && strlen(e->name) > 4;
    n++;
    if (!e->name || !(e->is_png ? split_name(e) : (e->group = strdup("")) != NULL)) {
      st = wg_set_error(WG_ENOMEM, "%s: out of memory listing the files", dir);
      break;
    }
  }
  closedir(d);
  if (st) {
    free_entries(v, n);
    return st;
  }
  *out = v;
  *count = n;
  return WG_OK;
}

static void put_table(FILE *f, const char *heading, const wg_kv *kv, size_t n) {
  if (!n) return;
  fprintf(f, "<h2>%s</h2>\n<table>\n", heading);
  for (size_t i = 0; i < n; i++) {
    fputs("<tr><th>", f);
    put_escaped(f, kv[i].key);
    fputs("</th><td>", f);
    put_escaped(f, kv[i].value);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void put_figure(FILE *f, const entry *e) {
  fputs("<figure><a href=\"", f);
  put_url(f, e->name);
  fputs("\"><img loading=\"lazy\" src=\"", f);
  put_url(f, e->name);
  fputs("\" alt=\"", f);
  put_escaped(f, e->name);
  fputs("\"></a><figcaption>", f);
  if (e->iter >= 0) fprintf(f, "iteration %ld", e->iter);
  else put_escaped(f, e->name);
  fputs("</figcaption></figure>\n", f);
}

static void put_number(FILE *f, double v) {
  if (isnan(v)) fputs("<td>&ndash;</td>", f);
  else fprintf(f, "<td>%.6g</td>", v);
}

/* The last evaluations of run_dir/evals.csv (--eval-every), if it has any. */
static void put_evaluations(FILE *f, const char *run_dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/evals.csv", run_dir);
  wg_eval_row *rows = NULL;
  size_t n = 0;
  if (access(path, F_OK) != 0) return;
  if (wg_evals_read(path, &rows, &n) != WG_OK) {
    fputs("<h2>Evaluations</h2>\n<p>", f);
    put_escaped(f, wg_last_error());
    fputs("</p>\n", f);
    return;
  }
  if (n == 0) {
    free(rows);
    return;
  }
  fputs("<h2>Evaluations</h2>\n<p>Each beside its floor, the same distance between two real samples of the same "
        "size (sampling noise): a generator is as good as these can tell when it reaches it.</p>\n<table>\n"
        "<tr><th>iteration</th><th>exact W1</th><th>floor</th><th>sliced W1</th><th>floor</th></tr>\n", f);
  for (size_t i = n > REPORT_EVAL_ROWS ? n - REPORT_EVAL_ROWS : 0; i < n; i++) {
    fprintf(f, "<tr><td>%ld</td>", rows[i].iter);
    put_number(f, rows[i].w1);
    put_number(f, rows[i].w1_floor);
    put_number(f, rows[i].sliced_w1);
    put_number(f, rows[i].sliced_w1_floor);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
  if (n > REPORT_EVAL_ROWS) fprintf(f, "<p>The last %d of %zu; all in evals.csv.</p>\n", REPORT_EVAL_ROWS, n);
  free(rows);
}

static const char *const css =
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
    "table{border-collapse:collapse}th,td{text-align:left;padding:.2em .8em;border-bottom:1px solid #eee;"
    "vertical-align:top}th{font-weight:600;white-space:nowrap}td{font-family:monospace;word-break:break-all}"
    ".gallery{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}"
    "figure img{max-width:100%;border:1px solid #ddd}.gallery img{max-width:360px}"
    "figcaption{font-size:.85em;color:#555;text-align:center}ul.files{font-family:monospace}";

static void put_page(FILE *f, const char *run_dir, const wg_report *r, entry *v, size_t n) {
  const char *title = r->title ? r->title : "wgan run";
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
  put_escaped(f, title);
  fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
  put_escaped(f, title);
  fputs("</h1>\n", f);
  put_table(f, "Results", r->results, r->nresults);
  put_evaluations(f, run_dir);
  put_table(f, "Configuration", r->config, r->nconfig);

  qsort(v, n, sizeof *v, by_group_then_iter);
  for (size_t i = 0; i < n; i++) {
    if (!v[i].is_png) continue;
    if (strcmp(v[i].name, "loss.png") == 0) {
      fputs("<h2>Training curve</h2>\n", f);
      put_figure(f, &v[i]);
      continue;
    }
    size_t j = i;
    while (j < n && v[j].is_png && strcmp(v[j].group, v[i].group) == 0) j++;
    fputs("<h2>", f);
    put_escaped(f, v[i].group);
    fputs("</h2>\n<div class=\"gallery\">\n", f);
    for (size_t k = i; k < j; k++) put_figure(f, &v[k]);
    fputs("</div>\n", f);
    i = j - 1;
  }

  qsort(v, n, sizeof *v, by_name);
  if (n) fputs("<h2>Files</h2>\n<ul class=\"files\">\n", f);
  for (size_t i = 0; i < n; i++) {
    fputs("<li><a href=\"", f);
    put_url(f, v[i].name);
    fputs("\">", f);
    put_escaped(f, v[i].name);
    fprintf(f, "</a> (%lld bytes)</li>\n", v[i].size);
  }
  if (n) fputs("</ul>\n", f);
  fputs("</body>\n</html>\n", f);
}

wg_status wg_report_write(const char *run_dir, const wg_report *report) {
  if (!run_dir || !report) return wg_set_error(WG_EINVAL, "report: NULL argument");
  if ((report->nconfig && !report->config) || (report->nresults && !report->results))
    return wg_set_error(WG_EINVAL, "report: NULL key/value list");
  entry *v = NULL;
  size_t n = 0;
  wg_status st = list_dir(run_dir, &v, &n);
  if (st) return st;
  size_t len = strlen(run_dir);
  char *tmp = malloc(len + 32), *final = malloc(len + 16);
  int fd = -1;
  if (tmp && final) {
    snprintf(tmp, len + 32, "%s/.report.html.XXXXXX", run_dir);
    snprintf(final, len + 16, "%s/report.html", run_dir);
    fd = mkostemp(tmp, O_CLOEXEC);
  }
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    st = tmp && final ? wg_set_error(WG_EIO, "%s/report.html: cannot create: %s", run_dir, strerror(errno))
                      : wg_set_error(WG_ENOMEM, "report: out of memory");
    if (fd >= 0) {
      close(fd);
      unlink(tmp);
    }
  } else {
    put_page(f, run_dir, report, v, n);
    int bad = fflush(f) != 0 || ferror(f) || fchmod(fd, 0644) != 0 || fsync(fd) != 0;
    bad |= fclose(f) != 0;
    if (bad) st = wg_set_error(WG_EIO, "%s: write failed: %s", final, strerror(errno));
    else if (rename(tmp, final) != 0) st = wg_set_error(WG_EIO, "%s: cannot rename into place: %s", final, strerror(errno));
    if (st) unlink(tmp);
  }
  free(tmp);
  free(final);
  free_entries(v, n);
  return st;
}
