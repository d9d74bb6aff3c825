/* An append-only numeric CSV log: one write() per row, so a crash loses at
 * most the row in flight; reopening for a resumed run cuts the file back. */
#include "io/csv_log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

struct wg_csv_log {
  int fd;
  char *path;
  const wg_csv_schema *schema;
  size_t ncols;
  double last_iter;  /* -1 before the first row */
};

/* Reads a whole file; *text is NUL-terminated. ENOENT is left in errno. */
static wg_status slurp(const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return wg_set_error(WG_EIO, "%s: cannot open: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    char *grown = realloc(buf, cap *= 2);
    if (!grown) free(buf);
    buf = grown;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf) return wg_set_error(WG_ENOMEM, "%s: out of memory reading the file", path);
  if (bad) {
    free(buf);
    return wg_set_error(WG_EIO, "%s: read error", path);
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return WG_OK;
}

/* The name of column k in the header, for messages. */
static void column_name(const char *header, size_t k, char *out, size_t cap) {
  const char *p = header;
  for (size_t i = 0; i < k && p; i++) {
    p = strchr(p, ',');
    if (p) p++;
  }
  size_t len = p ? strcspn(p, ",") : 0;
  if (len >= cap) len = cap - 1;
  memcpy(out, p ? p : "", len);
  out[len] = '\0';
}

/* Parses one data line [s, e) (no newline) into row[ncols]. */
static wg_status parse_row(const char *path, size_t lineno, const char *s, const char *e,
                           const wg_csv_schema *schema, size_t ncols, double *row) {
  const char *line = s;
  for (size_t k = 0; k < ncols; k++) {
    const char *end = s;
    while (end < e && *end != ',') end++;
    char field[64], name[64];
    size_t len = (size_t)(end - s);
    column_name(schema->header, k, name, sizeof name);
    size_t col = (size_t)(s - line) + 1;
    if (len == 0) return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: %s: empty field", path, lineno, col, name);
    if (len >= sizeof field)
      return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: %s: field too long", path, lineno, col, name);
    memcpy(field, s, len);
    field[len] = '\0';
    char *stop;
    errno = 0;
    double v = schema->kinds[k] == 'i' ? (double)strtol(field, &stop, 10) : strtod(field, &stop);
    if (*stop != '\0' || stop == field || isspace((unsigned char)field[0]))
      return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: %s: not %s: '%s'", path, lineno, col, name,
                          schema->kinds[k] == 'i' ? "an integer" : "a number", field);
    if (errno == ERANGE && schema->kinds[k] == 'i')
      return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: %s: out of range: '%s'", path, lineno, col, name, field);
    row[k] = v;
    if (k + 1 < ncols) {
      if (end == e)
        return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: %zu fields, expected %zu", path, lineno,
                            (size_t)(e - line) + 1, k + 1, ncols);
      s = end + 1;
    } else if (end != e) {
      return wg_set_error(WG_EFORMAT, "%s:%zu:%zu: more than %zu fields", path, lineno,
                          (size_t)(end - line) + 1, ncols);
    }
  }
  return WG_OK;
}

/* Walks the lines of a log. With first_iter >= 0 (resume) it stops at the
 * first row whose iter >= first_iter and at a torn (unterminated) last line,
 * and *keep gets the byte length to keep. rows may be NULL (only counting).
 * *header_ok is 0 when the file has no complete first line. */
static wg_status scan(const char *path, const char *text, size_t len, const wg_csv_schema *schema,
                      long first_iter, double *rows, size_t *nrows, size_t *keep, int *header_ok) {
  size_t ncols = strlen(schema->kinds), hlen = strlen(schema->header);
  const char *nl = memchr(text, '\n', len);
  *nrows = 0;
  *keep = 0;
  *header_ok = 0;
  if (!nl) {
    if (first_iter >= 0) return WG_OK;
    if (len == 0) return wg_set_error(WG_EFORMAT, "%s: empty file, expected the header '%s'", path, schema->header);
    nl = text + len;
  }
  size_t first = (size_t)(nl - text);
  if (first > 0 && text[first - 1] == '\r') first--;
  if (first != hlen || memcmp(text, schema->header, hlen) != 0)
    return wg_set_error(WG_EFORMAT, "%s:1: expected the header '%s'", path, schema->header);
  *header_ok = 1;
  const char *p = nl < text + len ? nl + 1 : text + len;
  const char *end = text + len;
  *keep = (size_t)(p - text);
  double last = -1, row[16];
  for (size_t lineno = 2; p < end; lineno++) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e) {
      if (first_iter >= 0) break;  /* torn by a crash mid-write: dropped on resume */
      e = end;
    }
    const char *content_end = (e > p && e[-1] == '\r') ? e - 1 : e;
    wg_status st = parse_row(path, lineno, p, content_end, schema, ncols, row);
    if (st) return st;
    if (row[0] < 0 || row[0] <= last)
      return wg_set_error(WG_EFORMAT, "%s:%zu:1: iter %.0f does not follow %.0f", path, lineno, row[0], last);
    if (first_iter >= 0 && row[0] >= (double)first_iter) break;
    last = row[0];
    if (rows) memcpy(rows + *nrows * ncols, row, ncols * sizeof *row);
    (*nrows)++;
    p = e < end ? e + 1 : end;
    *keep = (size_t)(p - text);
  }
  return WG_OK;
}

static wg_status write_all(int fd, const char *path, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return wg_set_error(WG_EIO, "%s: write failed: %s", path, strerror(errno));
    buf += w;
    n -= (size_t)w;
  }
  return WG_OK;
}

wg_csv_log *wg_csv_log_open(const char *path, const wg_csv_schema *schema, long first_iter) {
  if (!path || !schema) {
    wg_set_error(WG_EINVAL, "csv log: NULL argument");
    return NULL;
  }
  size_t ncols = strlen(schema->kinds);
  WG_ASSERT(ncols >= 1 && ncols <= 16 && schema->kinds[0] == 'i'); /* the schemas are ours */
  wg_csv_log *log = calloc(1, sizeof *log);
  char *copy = strdup(path);
  if (!log || !copy) {
    free(log);
    free(copy);
    wg_set_error(WG_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  log->path = copy;
  log->schema = schema;
  log->ncols = ncols;
  log->last_iter = -1;
  log->fd = -1;
  int fresh = first_iter < 0 || access(path, F_OK) != 0;
  wg_status st = WG_OK;
  if (fresh) {
    log->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log->fd < 0) st = wg_set_error(WG_EIO, "%s: cannot create: %s", path, strerror(errno));
  } else {
    char *text = NULL;
    size_t len = 0, nrows = 0, keep = 0;
    int header_ok = 0;
    st = slurp(path, &text, &len);
    if (!st) st = scan(path, text, len, schema, first_iter, NULL, &nrows, &keep, &header_ok);
    if (!st && nrows > 0) {
      /* The last kept row's iter, so appends keep increasing. */
      const char *lastline = text + keep - 1;
      while (lastline > text && lastline[-1] != '\n') lastline--;
      log->last_iter = strtod(lastline, NULL);
    }
    free(text);
    if (!st) {
      fresh = !header_ok;
      log->fd = open(path, O_WRONLY | O_CLOEXEC);
      if (log->fd < 0) st = wg_set_error(WG_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
      else if (ftruncate(log->fd, (off_t)keep) != 0 || lseek(log->fd, 0, SEEK_END) < 0)
        st = wg_set_error(WG_EIO, "%s: cannot truncate: %s", path, strerror(errno));
    }
  }
  if (!st && fresh) {
    char line[512];
    snprintf(line, sizeof line, "%s\n", schema->header);
    st = write_all(log->fd, path, line, strlen(line));
  }
  if (st) {
    wg_csv_log_close(log);
    return NULL;
  }
  return log;
}

wg_status wg_csv_log_append(wg_csv_log *log, const double *row) {
  if (!log || !row) return wg_set_error(WG_EINVAL, "csv log: NULL argument");
  if (!(row[0] > log->last_iter))
    return wg_set_error(WG_EINVAL, "%s: iter %.0f does not follow %.0f", log->path, row[0], log->last_iter);
  char line[16 * 32];
  size_t n = 0;
  for (size_t k = 0; k < log->ncols; k++) {
    const char *sep = k + 1 < log->ncols ? "," : "\n";
    double v = row[k];
    if (log->schema->kinds[k] == 'i') n += (size_t)snprintf(line + n, sizeof line - n, "%.0f%s", v, sep);
    else if (isnan(v)) n += (size_t)snprintf(line + n, sizeof line - n, "nan%s", sep);
    else if (isinf(v)) n += (size_t)snprintf(line + n, sizeof line - n, "%sinf%s", v < 0 ? "-" : "", sep);
    else n += (size_t)snprintf(line + n, sizeof line - n, "%.9g%s", v, sep);
  }
  wg_status st = write_all(log->fd, log->path, line, n);
  if (!st) log->last_iter = row[0];
  return st;
}

wg_status wg_csv_log_close(wg_csv_log *log) {
  if (!log) return WG_OK;
  wg_status st = WG_OK;
  if (log->fd >= 0 && close(log->fd) != 0)
    st = wg_set_error(WG_EIO, "%s: close failed: %s", log->path, strerror(errno));
  free(log->path);
  free(log);
  return st;
}

wg_status wg_csv_log_read(const char *path, const wg_csv_schema *schema, double **rows, size_t *n) {
  if (!path || !schema || !rows || !n) return wg_set_error(WG_EINVAL, "csv log: NULL argument");
  *rows = NULL;
  *n = 0;
  char *text = NULL;
  size_t len = 0, count = 0, keep = 0;
  int header_ok = 0;
  wg_status st = slurp(path, &text, &len);
  if (st) return st;
  st = scan(path, text, len, schema, -1, NULL, &count, &keep, &header_ok);
  size_t ncols = strlen(schema->kinds);
  double *out = NULL;
  if (!st && count > 0) {
    out = malloc(count * ncols * sizeof *out);
    if (!out) st = wg_set_error(WG_ENOMEM, "%s: out of memory for %zu rows", path, count);
    else st = scan(path, text, len, schema, -1, out, &count, &keep, &header_ok);
  }
  free(text);
  if (st) {
    free(out);
    return st;
  }
  *rows = out;
  *n = count;
  return WG_OK;
}
