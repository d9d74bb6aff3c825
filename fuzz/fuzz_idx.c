/* IDX images and labels, plain or gzip. The first byte chooses: bits 0-1 the
 * limit (0: all), bit 2 a labels file, bit 3 gzip the images, bit 4 gzip the
 * labels (so the fuzzed IDX content also reaches zlib's reader; gzip seeds
 * written as such fuzz the stream itself). With labels, two bytes
 * (little-endian) give the images file's length and the rest is the labels
 * file. */
#include <zlib.h>

#include "fuzz.h"

static const char *write_file(const char *name, const uint8_t *data, size_t size, int gzip) {
  const char *path = fuzz_file(name, data, size); /* the scratch path; gzip rewrites it */
  if (!gzip) return path;
  gzFile f = gzopen(path, "wb");
  FUZZ_ASSERT(f != NULL);
  FUZZ_ASSERT(size == 0 || gzwrite(f, data, (unsigned)size) == (int)size);
  FUZZ_ASSERT(gzclose(f) == Z_OK);
  return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int flags = data[0];
  data++, size--;
  size_t images_len = size;
  if (flags & 4) {
    if (size < 2) return 0;
    images_len = (size_t)(data[0] | data[1] << 8);
    data += 2, size -= 2;
    if (images_len > size) images_len = size;
  }
  const char *images = write_file("images-idx3-ubyte", data, images_len, flags & 8);
  const char *labels =
      flags & 4 ? write_file("labels-idx1-ubyte", data + images_len, size - images_len, flags & 16) : NULL;
  static const int64_t limits[] = {0, 1, 2, 1000};
  int64_t limit = limits[flags & 3];
  wg_dataset *ds = wg_idx_load(images, labels, limit, -1.0f, 1.0f);
  if (!ds) {
    /* The message names whichever file is bad. */
    fuzz_refused(wg_last_status(), fuzz_dir());
    return 0;
  }
  FUZZ_ASSERT(ds->n >= 1 && (limit == 0 || ds->n <= limit));
  FUZZ_ASSERT(ds->ndim == 3 && ds->shape[0] == 1 && ds->dim == (int64_t)ds->shape[1] * ds->shape[2]);
  FUZZ_ASSERT(ds->bytes && ds->levels[0] == -1.0f && ds->levels[255] == 1.0f);
  fuzz_touch(ds->bytes, (size_t)(ds->n * ds->dim));
  FUZZ_ASSERT(!labels == !ds->labels);
  if (labels) fuzz_touch(ds->labels, (size_t)ds->n);
  wg_dataset_free(ds);
  return 0;
}
