/* safetensors checkpoints: writing through a temporary file, and reading
 * with every structural check the format allows plus our own CRC-32. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"
#include "io/tmpfile.h"
#include "wgan/io.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c stores tensors in host order, which must be little-endian"
#endif

/* As the reference implementation: a larger header is refused unread. */
#define MAX_HEADER (100u << 20)
#define META_KEY "__metadata__"

static const char *const dtype_names[] = {"F64", "F32", "F16", "BF16", "I64", "I32", "I16",
                                          "I8",  "U64", "U32", "U16", "U8",   "BOOL"};
static const size_t dtype_sizes[] = {8, 4, 2, 2, 8, 4, 2, 1, 8, 4, 2, 1, 1};
#define N_DTYPES ((int)(sizeof dtype_sizes / sizeof *dtype_sizes))

const char *wg_dtype_name(wg_dtype dt) { return dtype_names[dt]; }
size_t wg_dtype_size(wg_dtype dt) { return dtype_sizes[dt]; }

/* numel * dtype size, or -1 when it overflows int64. */
static int64_t tensor_bytes(wg_dtype dt, int ndim, const int64_t *shape) {
  int64_t bytes = (int64_t)dtype_sizes[dt];
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0) return -1;
    if (shape[i] != 0 && bytes > INT64_MAX / shape[i]) return -1;
    bytes *= shape[i];
  }
  return bytes;
}

/* ---- the checksum: tensor entries and metadata in header order, then the
 * data area; the same stream on both sides. ---- */

static uLong crc_entry(uLong crc, const char *name, wg_dtype dt, int ndim, const int64_t *shape,
                       int64_t begin, int64_t end) {
  int64_t v[WG_ST_MAX_DIMS + 4];
  int k = 0;
  v[k++] = dt;
  v[k++] = ndim;
  for (int i = 0; i < ndim; i++) v[k++] = shape[i];
  v[k++] = begin;
  v[k++] = end;
  crc = crc32(crc, (const Bytef *)name, (uInt)strlen(name) + 1);
  return crc32(crc, (const Bytef *)v, (uInt)(k * sizeof *v));
}

static uLong crc_pair(uLong crc, const char *key, const char *value) {
  crc = crc32(crc, (const Bytef *)key, (uInt)strlen(key) + 1);
  return crc32(crc, (const Bytef *)value, (uInt)strlen(value) + 1);
}

static uLong crc_data(uLong crc, const unsigned char *p, size_t len) {
  while (len > 0) {
    uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
    crc = crc32(crc, p, chunk);
    p += chunk;
    len -= chunk;
  }
  return crc;
}

/* ---- writing ---- */

static wg_status check_write_args(const char *path, const wg_st_tensor *t, int n,
                                  const char *const *meta, int n_meta) {
  if (n < 0 || n_meta < 0) return wg_set_error(WG_EINVAL, "%s: negative tensor or metadata count", path);
  for (int i = 0; i < n; i++) {
    if (!t[i].name || !t[i].name[0] || strcmp(t[i].name, META_KEY) == 0)
      return wg_set_error(WG_EINVAL, "%s: tensor %d has no usable name", path, i);
    for (int j = 0; j < i; j++)
      if (strcmp(t[i].name, t[j].name) == 0)
        return wg_set_error(WG_EINVAL, "%s: two tensors are named '%s'", path, t[i].name);
    if ((int)t[i].dtype < 0 || (int)t[i].dtype >= N_DTYPES || t[i].ndim < 0 ||
        t[i].ndim > WG_ST_MAX_DIMS || tensor_bytes(t[i].dtype, t[i].ndim, t[i].shape) < 0)
      return wg_set_error(WG_EINVAL, "%s: tensor '%s' has a bad dtype or shape", path, t[i].name);
    if (!t[i].data && tensor_bytes(t[i].dtype, t[i].ndim, t[i].shape) > 0)
      return wg_set_error(WG_EINVAL, "%s: tensor '%s' has no data", path, t[i].name);
  }
  for (int i = 0; i < n_meta; i++) {
    if (!meta[2 * i] || !meta[2 * i + 1] || strcmp(meta[2 * i], WG_ST_CRC_KEY) == 0)
      return wg_set_error(WG_EINVAL, "%s: metadata pair %d is missing or uses the reserved key", path, i);
    for (int j = 0; j < i; j++)
      if (strcmp(meta[2 * i], meta[2 * j]) == 0)
        return wg_set_error(WG_EINVAL, "%s: metadata key '%s' given twice", path, meta[2 * i]);
  }
  return WG_OK;
}

/* The JSON header, padded with spaces so the data starts 8-byte aligned.
 * The CRC takes the metadata, then the entries, then the data, the order
 * check_crc replays. */
static char *make_header(const wg_st_tensor *t, int n, const char *const *meta, int n_meta,
                         size_t *len) {
  cJSON *root = cJSON_CreateObject(), *md = cJSON_CreateObject();
  uLong crc = crc32(0, NULL, 0);
  int64_t offset = 0;
  int ok = root && md && cJSON_AddItemToObject(root, META_KEY, md);
  if (!ok) cJSON_Delete(md);
  for (int i = 0; ok && i < n_meta; i++) {
    ok = cJSON_AddStringToObject(md, meta[2 * i], meta[2 * i + 1]) != NULL;
    crc = crc_pair(crc, meta[2 * i], meta[2 * i + 1]);
  }
  for (int i = 0; ok && i < n; i++) {
    int64_t end = offset + tensor_bytes(t[i].dtype, t[i].ndim, t[i].shape);
    cJSON *e = cJSON_AddObjectToObject(root, t[i].name);
    cJSON *shape = e ? cJSON_AddArrayToObject(e, "shape") : NULL;
    cJSON *off = shape ? cJSON_AddArrayToObject(e, "data_offsets") : NULL;
    ok = off && cJSON_AddStringToObject(e, "dtype", dtype_names[t[i].dtype]);
    for (int d = 0; ok && d < t[i].ndim; d++)
      ok = cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t[i].shape[d]));
    ok = ok && cJSON_AddItemToArray(off, cJSON_CreateNumber((double)offset)) &&
         cJSON_AddItemToArray(off, cJSON_CreateNumber((double)end));
    crc = crc_entry(crc, t[i].name, t[i].dtype, t[i].ndim, t[i].shape, offset, end);
    offset = end;
  }
  for (int i = 0; ok && i < n; i++)
    crc = crc_data(crc, t[i].data, (size_t)tensor_bytes(t[i].dtype, t[i].ndim, t[i].shape));
  char hex[9];
  snprintf(hex, sizeof hex, "%08lx", (unsigned long)crc);
  ok = ok && cJSON_AddStringToObject(md, WG_ST_CRC_KEY, hex);
  char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  if (!text) return NULL;
  size_t raw = strlen(text), padded = raw + (8 - (8 + raw) % 8) % 8;
  char *out = realloc(text, padded + 1);
  if (!out) {
    free(text);
    return NULL;
  }
  memset(out + raw, ' ', padded - raw);
  out[padded] = '\0';
  *len = padded;
  return out;
}

wg_status wg_safetensors_write(const char *path, const wg_st_tensor *tensors, int n,
                               const char *const *meta, int n_meta) {
  if (check_write_args(path, tensors, n, meta, n_meta) != WG_OK) return WG_EINVAL;
  size_t hlen;
  char *header = make_header(tensors, n, meta, n_meta, &hlen);
  if (!header) return wg_set_error(WG_ENOMEM, "%s: out of memory for the header", path);
  wg_tmpfile t;
  if (wg_tmpfile_open(&t, path) != WG_OK) {
    free(header);
    return wg_last_status();
  }
  unsigned char len8[8];
  for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
  int ok = fwrite(len8, 1, 8, t.f) == 8 && fwrite(header, 1, hlen, t.f) == hlen;
  for (int i = 0; ok && i < n; i++) {
    size_t bytes = (size_t)tensor_bytes(tensors[i].dtype, tensors[i].ndim, tensors[i].shape);
    ok = bytes == 0 || fwrite(tensors[i].data, 1, bytes, t.f) == bytes;
  }
  free(header);
  if (!ok) {
    wg_status st = wg_set_error(WG_EIO, "%s: write failed: %s", t.tmp, strerror(errno));
    wg_tmpfile_abort(&t);
    return st;
  }
  return wg_tmpfile_commit(&t);
}

/* ---- reading ---- */

typedef struct {
  wg_st_tensor t;
  int64_t begin, end;
  int order;  /* position in the header, breaks ties of empty tensors */
} entry;

struct wg_safetensors {
  char *path;
  unsigned char *buf;   /* the whole file */
  size_t size;
  int n;
  entry *e;             /* [n], sorted by data offset */
  int n_meta;
  char **meta;          /* [2 n_meta]: key, value, ... */
};

void wg_safetensors_close(wg_safetensors *st) {
  if (!st) return;
  for (int i = 0; i < st->n; i++) free((char *)st->e[i].t.name);
  for (int i = 0; i < 2 * st->n_meta; i++) free(st->meta[i]);
  free(st->e);
  free(st->meta);
  free(st->buf);
  free(st->path);
  free(st);
}

static wg_status read_file(wg_safetensors *st) {
  FILE *f = fopen(st->path, "rb");
  if (!f) return wg_set_error(WG_EIO, "%s: cannot open: %s", st->path, strerror(errno));
  wg_status s = WG_OK;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    s = wg_set_error(WG_EIO, "%s: cannot determine the file size", st->path);
  } else {
    st->size = (size_t)size;
    st->buf = malloc(st->size ? st->size : 1);
    if (!st->buf)
      s = wg_set_error(WG_ENOMEM, "%s: out of memory for %ld bytes", st->path, size);
    else if (fread(st->buf, 1, st->size, f) != st->size)
      s = wg_set_error(WG_EIO, "%s: read failed", st->path);
  }
  fclose(f);
  return s;
}

/* A JSON number that is an exact non-negative integer below 2^53. */
static int get_count(const cJSON *j, int64_t *v) {
  if (!cJSON_IsNumber(j)) return 0;
  double d = j->valuedouble;
  if (!(d >= 0 && d <= 9007199254740992.0) || d != floor(d)) return 0;
  *v = (int64_t)d;
  return 1;
}

/* One tensor entry of the header into e; the message names the tensor. */
static wg_status parse_entry(const char *path, const cJSON *j, entry *e) {
  const char *name = j->string;
  if (!cJSON_IsObject(j)) return wg_set_error(WG_EFORMAT, "%s: header: '%s' is not an object", path, name);
  const cJSON *dtype = NULL, *shape = NULL, *offs = NULL, *k;
  cJSON_ArrayForEach(k, j) {
    const cJSON **slot = strcmp(k->string, "dtype") == 0          ? &dtype
                         : strcmp(k->string, "shape") == 0        ? &shape
                         : strcmp(k->string, "data_offsets") == 0 ? &offs
                                                                  : NULL;
    if (!slot || *slot)
      return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': unexpected or repeated key '%s'", path,
                          name, k->string);
    *slot = k;
  }
  if (!dtype || !shape || !offs)
    return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': missing %s", path, name,
                        !dtype ? "dtype" : !shape ? "shape" : "data_offsets");
  int dt = -1;
  for (int i = 0; cJSON_IsString(dtype) && i < N_DTYPES; i++)
    if (strcmp(dtype->valuestring, dtype_names[i]) == 0) dt = i;
  if (dt < 0)
    return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': unknown dtype %s", path, name,
                        cJSON_IsString(dtype) ? dtype->valuestring : "(not a string)");
  e->t.dtype = (wg_dtype)dt;
  int nd = cJSON_IsArray(shape) ? cJSON_GetArraySize(shape) : -1;
  if (nd < 0 || nd > WG_ST_MAX_DIMS)
    return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': shape is not an array of at most %d sizes",
                        path, name, WG_ST_MAX_DIMS);
  e->t.ndim = nd;
  for (int i = 0; i < nd; i++)
    if (!get_count(cJSON_GetArrayItem(shape, i), &e->t.shape[i]))
      return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': shape[%d] is not a size", path, name, i);
  if (!cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2 ||
      !get_count(cJSON_GetArrayItem(offs, 0), &e->begin) ||
      !get_count(cJSON_GetArrayItem(offs, 1), &e->end) || e->end < e->begin)
    return wg_set_error(WG_EFORMAT, "%s: header: tensor '%s': data_offsets is not [begin, end]", path,
                        name);
  int64_t bytes = tensor_bytes(e->t.dtype, nd, e->t.shape);
  if (bytes != e->end - e->begin)
    return wg_set_error(WG_EFORMAT,
                        "%s: header: tensor '%s': its shape and dtype need %lld bytes, data_offsets "
                        "span %lld",
                        path, name, (long long)bytes, (long long)(e->end - e->begin));
  return WG_OK;
}

static int by_offset(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  if (a->begin != b->begin) return a->begin < b->begin ? -1 : 1;
  if (a->end != b->end) return a->end < b->end ? -1 : 1;
  return a->order - b->order;
}

static int by_key(const void *pa, const void *pb) {
  return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* No two entries (tensors and metadata keys) share a name. */
static wg_status check_unique(wg_safetensors *st, const char *what, char **names, int n) {
  char **sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
  if (!sorted) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
  memcpy(sorted, names, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, by_key);
  wg_status s = WG_OK;
  for (int i = 1; i < n && !s; i++)
    if (strcmp(sorted[i - 1], sorted[i]) == 0)
      s = wg_set_error(WG_EFORMAT, "%s: header: %s '%s' appears twice", st->path, what, sorted[i]);
  free(sorted);
  return s;
}

static wg_status parse_header(wg_safetensors *st, size_t hlen, cJSON **rootp) {
  const char *text = (const char *)st->buf + 8, *end = NULL;
  cJSON *root = *rootp = cJSON_ParseWithLengthOpts(text, hlen, &end, 0);
  if (!root)
    return wg_set_error(WG_EFORMAT, "%s: offset %lld: the header is not valid JSON", st->path,
                        (long long)(8 + (end ? end - text : 0)));
  for (const char *p = end; p < text + hlen; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      return wg_set_error(WG_EFORMAT, "%s: offset %lld: unexpected bytes after the header's JSON",
                          st->path, (long long)(8 + (p - text)));
  if (!cJSON_IsObject(root)) return wg_set_error(WG_EFORMAT, "%s: header: not a JSON object", st->path);
  const cJSON *j, *md = NULL;
  int count = 0;
  cJSON_ArrayForEach(j, root) {
    if (strcmp(j->string, META_KEY) != 0) count++;
    else if (md) return wg_set_error(WG_EFORMAT, "%s: header: two %s objects", st->path, META_KEY);
    else md = j;
  }
  if (md && !cJSON_IsObject(md))
    return wg_set_error(WG_EFORMAT, "%s: header: %s is not an object", st->path, META_KEY);
  st->n_meta = md ? cJSON_GetArraySize(md) : 0;
  st->e = calloc((size_t)count + 1, sizeof *st->e);
  st->meta = calloc(2 * (size_t)st->n_meta + 1, sizeof *st->meta);
  if (!st->e || !st->meta) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
  int i = 0;
  if (md) cJSON_ArrayForEach(j, md) {
      if (!cJSON_IsString(j))
        return wg_set_error(WG_EFORMAT, "%s: header: metadata '%s' is not a string", st->path, j->string);
      st->meta[2 * i] = strdup(j->string);
      st->meta[2 * i + 1] = strdup(j->valuestring);
      if (!st->meta[2 * i] || !st->meta[2 * i + 1]) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
      i++;
    }
  cJSON_ArrayForEach(j, root) {
    if (strcmp(j->string, META_KEY) == 0) continue;
    entry *e = &st->e[st->n];
    e->order = st->n;
    if (!(e->t.name = strdup(j->string))) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
    st->n++;
    if (!j->string[0]) return wg_set_error(WG_EFORMAT, "%s: header: a tensor has an empty name", st->path);
    if (parse_entry(st->path, j, e) != WG_OK) return WG_EFORMAT;
  }
  char **names = malloc((size_t)(st->n + 1) * sizeof *names);
  if (!names) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
  for (int k = 0; k < st->n; k++) names[k] = (char *)st->e[k].t.name;
  wg_status s = check_unique(st, "tensor", names, st->n);
  free(names);
  if (s) return s;
  names = malloc((size_t)(st->n_meta + 1) * sizeof *names);
  if (!names) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
  for (int k = 0; k < st->n_meta; k++) names[k] = st->meta[2 * k];
  s = check_unique(st, "metadata key", names, st->n_meta);
  free(names);
  return s;
}

/* The spans tile the data area exactly: from 0, no overlap, no gap, to its end. */
static wg_status check_layout(wg_safetensors *st, int64_t data_size) {
  qsort(st->e, (size_t)st->n, sizeof *st->e, by_offset);
  int64_t at = 0;
  for (int i = 0; i < st->n; i++) {
    const entry *e = &st->e[i];
    if (e->end > data_size)
      return wg_set_error(WG_EFORMAT,
                          "%s: tensor '%s' ends at byte %lld of the data area, which has only %lld "
                          "bytes (truncated file?)",
                          st->path, e->t.name, (long long)e->end, (long long)data_size);
    if (e->begin < at)
      return wg_set_error(WG_EFORMAT, "%s: tensor '%s' [%lld, %lld) overlaps '%s'", st->path, e->t.name,
                          (long long)e->begin, (long long)e->end, st->e[i - 1].t.name);
    if (e->begin > at)
      return wg_set_error(WG_EFORMAT, "%s: gap of %lld bytes in the data area before tensor '%s'",
                          st->path, (long long)(e->begin - at), e->t.name);
    at = e->end;
  }
  if (at != data_size)
    return wg_set_error(WG_EFORMAT, "%s: %lld bytes after the last tensor's data", st->path,
                        (long long)(data_size - at));
  return WG_OK;
}

static wg_status check_crc(wg_safetensors *st, const unsigned char *data, size_t data_size,
                           int need_checksum) {
  const char *stored = wg_safetensors_meta(st, WG_ST_CRC_KEY);
  if (!stored && need_checksum)
    return wg_set_error(WG_EFORMAT, "%s: no %s checksum in the metadata (damaged, or not written by wgan)",
                        st->path, WG_ST_CRC_KEY);
  if (!stored) return WG_OK;
  uLong crc = crc32(0, NULL, 0);
  for (int i = 0; i < st->n_meta; i++)
    if (strcmp(st->meta[2 * i], WG_ST_CRC_KEY) != 0) crc = crc_pair(crc, st->meta[2 * i], st->meta[2 * i + 1]);
  /* Entries in header order (the array is sorted by offset by now). */
  int *at = malloc((size_t)(st->n + 1) * sizeof *at);
  if (!at) return wg_set_error(WG_ENOMEM, "%s: out of memory", st->path);
  for (int i = 0; i < st->n; i++) at[st->e[i].order] = i;
  for (int k = 0; k < st->n; k++) {
    const entry *e = &st->e[at[k]];
    crc = crc_entry(crc, e->t.name, e->t.dtype, e->t.ndim, e->t.shape, e->begin, e->end);
  }
  free(at);
  crc = crc_data(crc, data, data_size);
  char hex[9];
  snprintf(hex, sizeof hex, "%08lx", (unsigned long)crc);
  if (strcmp(hex, stored) != 0)
    return wg_set_error(WG_EFORMAT, "%s: checksum %s does not match the stored %s: the file is corrupted",
                        st->path, hex, stored);
  return WG_OK;
}

wg_safetensors *wg_safetensors_open(const char *path, int need_checksum) {
  wg_safetensors *st = calloc(1, sizeof *st);
  if (!st || !(st->path = strdup(path))) {
    free(st);
    wg_set_error(WG_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  cJSON *root = NULL;
  wg_status s = read_file(st);
  uint64_t hlen = 0;
  if (!s && st->size < 8)
    s = wg_set_error(WG_EFORMAT, "%s: %zu bytes, too short for the 8-byte header length", path, st->size);
  if (!s) {
    for (int i = 0; i < 8; i++) hlen |= (uint64_t)st->buf[i] << (8 * i);
    if (hlen < 2 || hlen > MAX_HEADER)
      s = wg_set_error(WG_EFORMAT, "%s: offset 0: header length %llu is not plausible", path,
                       (unsigned long long)hlen);
    else if (hlen > st->size - 8)
      s = wg_set_error(WG_EFORMAT, "%s: offset 0: header length %llu exceeds the %zu bytes that follow "
                       "(truncated file?)", path, (unsigned long long)hlen, st->size - 8);
  }
  if (!s) s = parse_header(st, (size_t)hlen, &root);
  cJSON_Delete(root);
  if (!s) s = check_layout(st, (int64_t)(st->size - 8 - hlen));
  if (!s) s = check_crc(st, st->buf + 8 + hlen, st->size - 8 - hlen, need_checksum);
  if (s) {
    wg_safetensors_close(st);
    return NULL;
  }
  for (int i = 0; i < st->n; i++) st->e[i].t.data = st->buf + 8 + hlen + st->e[i].begin;
  return st;
}

int wg_safetensors_count(const wg_safetensors *st) { return st->n; }

const wg_st_tensor *wg_safetensors_at(const wg_safetensors *st, int i) { return &st->e[i].t; }

const wg_st_tensor *wg_safetensors_find(const wg_safetensors *st, const char *name) {
  for (int i = 0; i < st->n; i++)
    if (strcmp(st->e[i].t.name, name) == 0) return &st->e[i].t;
  return NULL;
}

static void shape_str(char *buf, size_t size, int ndim, const int64_t *shape) {
  size_t len = (size_t)snprintf(buf, size, "[");
  for (int i = 0; i < ndim && len < size; i++)
    len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? ", " : "", (long long)shape[i]);
  if (len < size) snprintf(buf + len, size - len, "]");
}

wg_status wg_safetensors_copy(const wg_safetensors *st, const char *name, wg_dtype dtype, int ndim,
                              const int64_t *shape, void *dst) {
  const wg_st_tensor *t = wg_safetensors_find(st, name);
  if (!t) return wg_set_error(WG_EFORMAT, "%s: no tensor '%s'", st->path, name);
  if (t->dtype != dtype)
    return wg_set_error(WG_EFORMAT, "%s: tensor '%s' has dtype %s, expected %s", st->path, name,
                        dtype_names[t->dtype], dtype_names[dtype]);
  if (t->ndim != ndim || (ndim > 0 && memcmp(t->shape, shape, (size_t)ndim * sizeof *shape) != 0)) {
    char have[160], want[160];
    shape_str(have, sizeof have, t->ndim, t->shape);
    shape_str(want, sizeof want, ndim, shape);
    return wg_set_error(WG_EFORMAT, "%s: tensor '%s' has shape %s, expected %s", st->path, name, have,
                        want);
  }
  size_t bytes = (size_t)tensor_bytes(t->dtype, t->ndim, t->shape);
  if (bytes > 0) memcpy(dst, t->data, bytes);
  return WG_OK;
}

const char *wg_safetensors_meta(const wg_safetensors *st, const char *key) {
  for (int i = 0; i < st->n_meta; i++)
    if (strcmp(st->meta[2 * i], key) == 0) return st->meta[2 * i + 1];
  return NULL;
}

int wg_safetensors_meta_count(const wg_safetensors *st) { return st->n_meta; }

void wg_safetensors_meta_at(const wg_safetensors *st, int i, const char **key, const char **value) {
  *key = st->meta[2 * i];
  *value = st->meta[2 * i + 1];
}
