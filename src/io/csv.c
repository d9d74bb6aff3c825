/* The numeric CSV reader. Lines are read whole (any length), fields are
 * split on commas, surrounding spaces and a trailing '\r' are ignored, and
 * each field must be a complete finite number (strtod accepts "nan" and
 * "inf", so finiteness is checked apart). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "wgan/csv.h"

/* Parses one field [s, e) into *v; 0 = a number, 1 = not a number,
 * 2 = a number that is not finite, 3 = empty. */
static int parse_field(const char *s, const char *e, double *v) {
  while (s < e && (*s == ' ' || *s == '\t')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
  if (s == e) return 3;
  char tmp[128];
  size_t len = (size_t)(e - s);
  if (len >= sizeof tmp) return 1;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  char *end;
  errno = 0;
  *v = strtod(tmp, &end);
  if (*end != '\0') return 1;
  return isfinite(*v) ? 0 : 2;
}

/* Copies a field for a message: at most 40 characters, no newline. */
static void quote(char *out, size_t cap, const char *s, const char *e) {
  size_t len = (size_t)(e - s);
  if (len > cap - 4) len = cap - 4;
  memcpy(out, s, len);
  out[len] = '\0';
  if ((size_t)(e - s) > len) strcat(out, "...");
}

static int is_blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return 0;
  return 1;
}

/* The reader between lines: rows out [cap, ncols] so far, and the row being
 * parsed, row [ncols]. ncols is 0 until the first data row sets it. */
typedef struct {
  const char *path;
  int64_t lineno, n, cap;
  int64_t blank_at; /* the first blank line after some data or the header, or 0 */
  int ncols, header_seen;
  double *out, *row;
} reader;

/* Field f [s, e) of the current line, found bad (parse_field's code). */
static wg_status field_error(const reader *r, int f, const char *s, const char *e, int bad) {
  char q[48];
  quote(q, sizeof q, s, e);
  return wg_set_error(WG_EFORMAT, "%s:%lld:%d: %s: '%s'", r->path, (long long)r->lineno, f + 1,
                      bad == 2 ? "not a finite number" : bad == 3 ? "empty field" : "not a number",
                      q);
}

/* Appends row to out, doubling its capacity when full. */
static wg_status append_row(reader *r) {
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 1024;
    double *grown = realloc(r->out, (size_t)r->cap * (size_t)r->ncols * sizeof *r->out);
    if (!grown) return wg_set_error(WG_ENOMEM, "%s: out of memory", r->path);
    r->out = grown;
  }
  memcpy(r->out + r->n * r->ncols, r->row, (size_t)r->ncols * sizeof *r->row);
  r->n++;
  return WG_OK;
}

/* One line that is not blank: the header (a word in the first line), which
 * is skipped, or a data row, which must have ncols numbers and is appended. */
static wg_status read_line(reader *r, const char *line) {
  int nf = 1;
  for (const char *c = line; *c; c++) nf += *c == ',';
  if (r->ncols == 0) {
    r->ncols = nf;
    r->row = malloc((size_t)nf * sizeof *r->row);
    if (!r->row) return wg_set_error(WG_ENOMEM, "%s: out of memory", r->path);
  }
  const char *s = line;
  for (int f = 0; f < nf; f++) {
    const char *e = strchr(s, ',');
    if (!e) e = s + strlen(s);
    double v = 0;
    int bad = f < r->ncols ? parse_field(s, e, &v) : 0;
    if (bad == 1 && r->n == 0 && !r->header_seen) {
      r->header_seen = 1;
      r->ncols = 0; /* the first data row sets the width */
      free(r->row);
      r->row = NULL;
      return WG_OK;
    }
    if (nf != r->ncols)
      return wg_set_error(WG_EFORMAT, "%s:%lld:%d: %d fields where the first row has %d", r->path,
                          (long long)r->lineno, f + 1, nf, r->ncols);
    if (bad) return field_error(r, f, s, e, bad);
    r->row[f] = v;
    s = *e ? e + 1 : e;
  }
  return append_row(r);
}

wg_status wg_csv_read(const char *path, double **data, int64_t *rows, int *cols) {
  *data = NULL;
  *rows = 0;
  *cols = 0;
  FILE *fp = fopen(path, "r");
  if (!fp) return wg_set_error(WG_EIO, "%s: cannot open: %s", path, strerror(errno));
  reader r = {.path = path};
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t got;
  wg_status st = WG_OK;
  while (!st && (got = getline(&line, &line_cap, fp)) >= 0) {
    r.lineno++;
    if (got > 0 && line[got - 1] == '\n') line[--got] = '\0';
    if (got > 0 && line[got - 1] == '\r') line[--got] = '\0';
    if (is_blank(line)) {
      if (!r.blank_at && (r.n > 0 || r.header_seen)) r.blank_at = r.lineno;
    } else if (r.blank_at) {
      st = wg_set_error(WG_EFORMAT, "%s:%lld:1: empty line inside the data", path,
                        (long long)r.blank_at);
    } else {
      st = read_line(&r, line);
    }
  }
  if (!st && ferror(fp)) st = wg_set_error(WG_EIO, "%s: read error: %s", path, strerror(errno));
  if (!st && r.n == 0)
    st = wg_set_error(WG_EFORMAT, "%s:%lld:1: no data rows (empty file)", path,
                      (long long)(r.lineno ? r.lineno : 1));
  fclose(fp);
  free(line);
  free(r.row);
  if (st) {
    free(r.out);
    return st;
  }
  *data = r.out;
  *rows = r.n;
  *cols = r.ncols;
  return WG_OK;
}
