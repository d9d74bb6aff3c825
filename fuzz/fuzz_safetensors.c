/* The safetensors reader as any file reaches it: the header's length, its
 * JSON (entries, dtypes, shapes, offsets, metadata), the layout of the data
 * and the stored checksum. What it accepts must be usable: every accessor,
 * every tensor's bytes read back. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void use(const wg_safetensors *st) {
  int n = wg_safetensors_count(st);
  for (int i = 0; i < n; i++) {
    const wg_st_tensor *t = wg_safetensors_at(st, i);
    FUZZ_ASSERT(t->name && t->name[0] && (int)t->dtype >= 0 && t->dtype <= WG_DT_BOOL);
    FUZZ_ASSERT(t->ndim >= 0 && t->ndim <= WG_ST_MAX_DIMS);
    FUZZ_ASSERT(wg_safetensors_find(st, t->name) == t);
    size_t bytes = wg_dtype_size(t->dtype);
    for (int d = 0; d < t->ndim; d++) bytes *= (size_t)t->shape[d];
    fuzz_touch(t->data, bytes);
    void *copy = malloc(bytes ? bytes : 1);
    FUZZ_ASSERT(copy != NULL);
    FUZZ_ASSERT(wg_safetensors_copy(st, t->name, t->dtype, t->ndim, t->shape, copy) == WG_OK);
    FUZZ_ASSERT(bytes == 0 || memcmp(copy, t->data, bytes) == 0);
    free(copy);
  }
  for (int i = 0; i < wg_safetensors_meta_count(st); i++) {
    const char *key, *value;
    wg_safetensors_meta_at(st, i, &key, &value);
    FUZZ_ASSERT(key && value && wg_safetensors_meta(st, key) == value);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_file("model.safetensors", data, size);
  for (int need_checksum = 0; need_checksum < 2; need_checksum++) {
    wg_safetensors *st = wg_safetensors_open(path, need_checksum);
    if (!st) {
      fuzz_refused(wg_last_status(), path);
      break; /* what the structural checks refuse, the checksum does too */
    }
    use(st);
    wg_safetensors_close(st);
  }
  return 0;
}
