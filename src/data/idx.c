/* IDX files (the MNIST format): a big-endian header, then unsigned bytes.
 * zlib's gzread reads plain and gzip files alike; offsets in messages count
 * the uncompressed bytes. */
#include "wgan/data.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/error.h"

#define IDX_IMAGES_MAGIC 0x00000803u
#define IDX_LABELS_MAGIC 0x00000801u

/* Reads exactly len bytes at offset; a short read is a truncated file. */
static wg_status read_exact(gzFile f, const char *path, int64_t offset, void *buf, size_t len,
                            const char *what) {
  size_t got = 0;
  while (got < len) {
    unsigned chunk = len - got > (1u << 30) ? (1u << 30) : (unsigned)(len - got);
    int r = gzread(f, (char *)buf + got, chunk);
    if (r < 0) {
      int err;
      const char *msg = gzerror(f, &err);
      return wg_set_error(WG_EFORMAT, "%s: offset %lld: %s", path, (long long)(offset + got), msg);
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  if (got < len)
    return wg_set_error(WG_EFORMAT, "%s: offset %lld: truncated: expected %zu bytes of %s, found %zu",
                        path, (long long)(offset + got), len, what, got);
  return WG_OK;
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Opens an IDX file and checks its magic number; reads the ndims
 * dimensions that follow it into dims. */
static gzFile open_idx(const char *path, uint32_t magic, int ndims, uint32_t *dims) {
  errno = 0;
  gzFile f = gzopen(path, "rb");
  if (!f) {
    wg_set_error(WG_EIO, "%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
    return NULL;
  }
  unsigned char head[16];
  size_t len = 4 + 4 * (size_t)ndims;
  if (read_exact(f, path, 0, head, len, "header") != WG_OK) goto fail;
  uint32_t m = be32(head);
  if (m != magic) {
    wg_set_error(WG_EFORMAT, "%s: offset 0: magic number 0x%08x, expected 0x%08x (an %s file)", path,
                 m, magic, magic == IDX_IMAGES_MAGIC ? "idx3-ubyte image" : "idx1-ubyte label");
    goto fail;
  }
  for (int i = 0; i < ndims; i++) {
    dims[i] = be32(head + 4 + 4 * i);
    /* Bounded so that n * rows * cols stays far inside int64. */
    if (dims[i] == 0 || dims[i] > (i == 0 ? 100000000u : 65536u)) {
      wg_set_error(WG_EFORMAT, "%s: offset %d: dimension %d is %u", path, 4 + 4 * i, i, dims[i]);
      goto fail;
    }
  }
  return f;
fail:
  gzclose(f);
  return NULL;
}

/* The most bytes a read of path can give (f is open on it, its header
 * read): its size for a plain file; for gzip what deflate can expand that
 * to, at most 1032 to 1. */
static int64_t most_bytes(gzFile f, const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0 || sb.st_size > INT64_MAX / 1032) return INT64_MAX;
  return gzdirect(f) ? (int64_t)sb.st_size : 1032 * (int64_t)sb.st_size;
}

/* After the last wanted byte of a full load: any byte left is an error,
 * since it means the header's dimensions do not describe the file. */
static wg_status check_end(gzFile f, const char *path, int64_t offset) {
  unsigned char extra;
  int r = gzread(f, &extra, 1);
  if (r < 0) {
    int err;
    return wg_set_error(WG_EFORMAT, "%s: offset %lld: %s", path, (long long)offset, gzerror(f, &err));
  }
  if (r > 0)
    return wg_set_error(WG_EFORMAT, "%s: offset %lld: data continues past the size the header gives",
                        path, (long long)offset);
  return WG_OK;
}

static wg_status load_labels(const char *path, int64_t n_images, int64_t n, uint8_t *labels) {
  uint32_t count;
  gzFile f = open_idx(path, IDX_LABELS_MAGIC, 1, &count);
  if (!f) return wg_last_status();
  wg_status st = WG_OK;
  if (count != n_images)
    st = wg_set_error(WG_EFORMAT, "%s: offset 4: %u labels for %lld images", path, count,
                      (long long)n_images);
  if (!st) st = read_exact(f, path, 8, labels, (size_t)n, "labels");
  if (!st && n == count) st = check_end(f, path, 8 + n);
  gzclose(f);
  return st;
}

wg_dataset *wg_idx_load(const char *images_path, const char *labels_path, int64_t limit,
                        float lo, float hi) {
  uint32_t dims[3];
  gzFile f = open_idx(images_path, IDX_IMAGES_MAGIC, 3, dims);
  if (!f) return NULL;
  int64_t n = limit > 0 && limit < dims[0] ? limit : dims[0];
  int shape[3] = {1, (int)dims[1], (int)dims[2]};
  int64_t dim = (int64_t)dims[1] * dims[2], most = most_bytes(f, images_path);
  /* Checked before allocating, so a header cannot ask for more memory than the file could fill. */
  if (16 + n * dim > most) {
    gzclose(f);
    wg_set_error(WG_EFORMAT, "%s: offset 4: truncated: %lld images of %ux%u need %lld bytes, more than the file "
                 "can hold (%lld)", images_path, (long long)n, dims[1], dims[2], (long long)(16 + n * dim),
                 (long long)most);
    return NULL;
  }
  wg_dataset *ds = wg_dataset_new_bytes(n, 3, shape, labels_path != NULL);
  wg_status st = ds ? read_exact(f, images_path, 16, ds->bytes, (size_t)(n * dim), "pixels") : wg_last_status();
  if (!st && n == dims[0]) st = check_end(f, images_path, 16 + n * dim);
  gzclose(f);
  const float scale = (hi - lo) / 255.0f;
  for (int k = 0; ds && k < 256; k++) ds->levels[k] = lo + scale * (float)k;
  if (!st && labels_path) st = load_labels(labels_path, dims[0], n, ds->labels);
  if (st) {
    wg_dataset_free(ds);
    return NULL;
  }
  return ds;
}

#define FASHION_DIR "/usr/share/datasets/fashion-mnist/"

wg_status wg_idx_known_paths(const char *name, int train, const char **images_path,
                             const char **labels_path) {
  if (strcmp(name, "fashion-mnist") != 0)
    return wg_set_error(WG_EINVAL, "unknown IDX data set '%s' (known: fashion-mnist)", name);
  *images_path = train ? FASHION_DIR "train-images-idx3-ubyte.gz" : FASHION_DIR "t10k-images-idx3-ubyte.gz";
  *labels_path = train ? FASHION_DIR "train-labels-idx1-ubyte.gz" : FASHION_DIR "t10k-labels-idx1-ubyte.gz";
  return WG_OK;
}

wg_dataset *wg_idx_load_named(const char *name, int train, int64_t limit, float lo, float hi) {
  const char *images, *labels;
  if (wg_idx_known_paths(name, train, &images, &labels) != WG_OK) return NULL;
  return wg_idx_load(images, labels, limit, lo, hi);
}
