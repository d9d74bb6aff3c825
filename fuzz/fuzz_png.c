/* PNG images as a data set folder's entries (wg_png_folder_load on a folder
 * holding the input as its one .png), then wg_png_read converting to the
 * other channel count. libpng refuses a chunk whose CRC is wrong, so the
 * CRC of every whole chunk is set first: the mutated content then reaches
 * the decoder. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* After the 8-byte signature, chunks: length, type, data, CRC of type and data. */
static void set_crcs(uint8_t *png, size_t size) {
  size_t at = 8;
  while (at + 12 <= size && be32(png + at) <= size - at - 12) {
    uint32_t len = be32(png + at);
    uint32_t crc = (uint32_t)crc32(0, png + at + 4, len + 4);
    uint8_t *out = png + at + 8 + len;
    for (int i = 0; i < 4; i++) out[i] = (uint8_t)(crc >> (24 - 8 * i));
    at += 12 + (size_t)len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *png = malloc(size ? size : 1);
  FUZZ_ASSERT(png != NULL);
  memcpy(png, data, size);
  set_crcs(png, size);
  const char *path = fuzz_file("image.png", png, size);
  free(png);
  wg_dataset *ds = wg_png_folder_load(fuzz_dir(), 0, 0.0f, 1.0f);
  if (!ds) {
    fuzz_refused(wg_last_status(), path);
    return 0;
  }
  FUZZ_ASSERT(ds->n == 1 && ds->ndim == 3 && (ds->shape[0] == 1 || ds->shape[0] == 3));
  FUZZ_ASSERT(ds->bytes && ds->levels[0] == 0.0f && ds->levels[255] == 1.0f);
  fuzz_touch(ds->bytes, (size_t)ds->dim);
  int w, h, c;
  uint8_t *px;
  wg_status st = wg_png_read(path, ds->shape[0] == 1 ? 3 : 1, &w, &h, &c, &px);
  if (st == WG_OK) {
    FUZZ_ASSERT(w == ds->shape[2] && h == ds->shape[1] && c == 4 - ds->shape[0]);
    fuzz_touch(px, (size_t)w * h * c);
    free(px);
  } else {
    fuzz_refused(st, path);
  }
  wg_dataset_free(ds);
  return 0;
}
