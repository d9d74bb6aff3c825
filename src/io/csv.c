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

wg_status wg_csv_read(const char *path, double **data, int64_t *rows, int *cols) {
  *data = NULL;
  *rows = 0;
  *cols = 0;
  FILE *fp = fopen(path, "r");
  if (!fp) return wg_set_error(WG_EIO, "%s: cannot open: %s", path, strerror(errno));
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t got;
  int64_t lineno = 0, n = 0, cap = 0, blank_at = 0;
  int ncols = 0, header_seen = 0;
  double *out = NULL, *row = NULL;
  wg_status st = WG_OK;
  while ((got = getline(&line, &line_cap, fp)) >= 0) {
    lineno++;
    if (got > 0 && line[got - 1] == '\n') line[--got] = '\0';
    if (got > 0 && line[got - 1] == '\r') line[--got] = '\0';
    if (is_blank(line)) {
      if (!blank_at && (n > 0 || header_seen)) blank_at = lineno;
      continue;
    }
    if (blank_at) {
      st = wg_set_error(WG_EFORMAT, "%s:%lld:1: empty line inside the data", path,
                        (long long)blank_at);
      goto done;
    }
    /* count and parse the fields */
    int nf = 1;
    for (char *c = line; *c; c++) nf += *c == ',';
    if (ncols == 0) {
      ncols = nf;
      row = malloc((size_t)ncols * sizeof *row);
      if (!row) {
        st = wg_set_error(WG_ENOMEM, "%s: out of memory", path);
        goto done;
      }
    }
    int header = 0;
    const char *s = line;
    for (int f = 0; f < nf; f++) {
      const char *e = strchr(s, ',');
      if (!e) e = s + strlen(s);
      double v = 0;
      int bad = f < ncols ? parse_field(s, e, &v) : 0;
      if (bad == 1 && n == 0 && !header_seen) {
        header = 1; /* the first line has a word: a header */
        break;
      }
      if (nf != ncols) {
        st = wg_set_error(WG_EFORMAT, "%s:%lld:%d: %d fields where the first row has %d", path,
                          (long long)lineno, f + 1, nf, ncols);
        goto done;
      }
      if (bad) {
        char q[48];
        quote(q, sizeof q, s, e);
        st = wg_set_error(WG_EFORMAT, "%s:%lld:%d: %s: '%s'", path, (long long)lineno, f + 1,
                          bad == 2 ? "not a finite number" : bad == 3 ? "empty field" : "not a number",
                        q);
        goto done;
      }
      row[f] = v;
      s = *e ? e + 1 : e;
    }
    if (header) {
      header_seen = 1;
      ncols = 0; /* the first data row sets the width */
      free(row);
      row = NULL;
      continue;
    }
    if (n == cap) {
      cap = cap ? 2 * cap : 1024;
      double *grown = realloc(out, (size_t)cap * (size_t)ncols * sizeof *out);
      if (!grown) {
        st = wg_set_error(WG_ENOMEM, "%s: out of memory", path);
        goto done;
      }
      out = grown;
    }
    memcpy(out + n * ncols, row, (size_t)ncols * sizeof *row);
    n++;
  }
  if (ferror(fp)) {
    st = wg_set_error(WG_EIO, "%s: read error: %s", path, strerror(errno));
    goto done;
  }
  if (n == 0) {
    st = wg_set_error(WG_EFORMAT, "%s:%lld:1: no data rows (empty file)", path,
                      (long long)(lineno ? lineno : 1));
    goto done;
  }
done:
  fclose(fp);
  free(line);
  free(row);
  if (st) {
    free(out);
    return st;
  }
  *data = out;
  *rows = n;
  *cols = ncols;
  return WG_OK;
}
