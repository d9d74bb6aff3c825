/* Checkpoints: wg_checkpoint_load, behind the CRC that refuses nearly every
 * mutated file. Before loading, the input's stored checksum (the value of
 * "wgan.crc32", where it is written as the writer writes it) is replaced by
 * the checksum of the input's own header and data, computed as the writer
 * computes it (src/io/safetensors.c), so the loader's own checks (metadata,
 * configuration, sample shape, tensors against the models) see the
 * mutations. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"

/* As the reader takes them: exact non-negative integers below 2^53. */
static int count_of(const cJSON *j, int64_t *v) {
  if (!cJSON_IsNumber(j) || !(j->valuedouble >= 0 && j->valuedouble <= 9007199254740992.0) ||
      j->valuedouble != floor(j->valuedouble))
    return 0;
  *v = (int64_t)j->valuedouble;
  return 1;
}

/* One tensor entry into the checksum: name and NUL, then as int64 the dtype's
 * index, ndim, the sizes, begin and end. 0 if the entry is malformed (the
 * reader refuses it before any checksum). */
static int crc_entry(uLong *crc, const cJSON *e) {
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(e, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
  const cJSON *offs = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
  int64_t v[WG_ST_MAX_DIMS + 4];
  int k = 0, dt = -1;
  for (int i = 0; cJSON_IsString(dtype) && i <= WG_DT_BOOL; i++)
    if (!strcmp(dtype->valuestring, wg_dtype_name((wg_dtype)i))) dt = i;
  int nd = cJSON_IsArray(shape) ? cJSON_GetArraySize(shape) : -1;
  if (dt < 0 || nd < 0 || nd > WG_ST_MAX_DIMS || !cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2) return 0;
  v[k++] = dt;
  v[k++] = nd;
  for (int i = 0; i < nd; i++)
    if (!count_of(cJSON_GetArrayItem(shape, i), &v[k++])) return 0;
  if (!count_of(cJSON_GetArrayItem(offs, 0), &v[k++]) || !count_of(cJSON_GetArrayItem(offs, 1), &v[k++])) return 0;
  *crc = crc32(*crc, (const Bytef *)e->string, (uInt)strlen(e->string) + 1);
  *crc = crc32(*crc, (const Bytef *)v, (uInt)(k * sizeof *v));
  return 1;
}

/* The checksum of file[size]: the metadata pairs but the checksum's own (key
 * and NUL, value and NUL), the entries, both in header order, then the data.
 * 0 if the header is not one the reader would get that far with. */
static int file_crc(const uint8_t *file, size_t size, uLong *crc) {
  uint64_t hlen = 0;
  for (int i = 0; i < 8 && i < (int)size; i++) hlen |= (uint64_t)file[i] << (8 * i);
  if (size < 8 || hlen > size - 8) return 0;
  cJSON *root = cJSON_ParseWithLength((const char *)file + 8, (size_t)hlen);
  const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "__metadata__"), *j;
  int ok = cJSON_IsObject(root);
  *crc = crc32(0, NULL, 0);
  cJSON_ArrayForEach(j, md) {
    if (!cJSON_IsString(j) || !strcmp(j->string, WG_ST_CRC_KEY)) continue;
    *crc = crc32(*crc, (const Bytef *)j->string, (uInt)strlen(j->string) + 1);
    *crc = crc32(*crc, (const Bytef *)j->valuestring, (uInt)strlen(j->valuestring) + 1);
  }
  for (j = ok ? root->child : NULL; ok && j; j = j->next)
    if (strcmp(j->string, "__metadata__")) ok = crc_entry(crc, j);
  cJSON_Delete(root);
  if (ok) *crc = crc32(*crc, file + 8 + hlen, (uInt)(size - 8 - hlen));
  return ok;
}

/* Writes the checksum of file into its "wgan.crc32":"xxxxxxxx". */
static void seal(uint8_t *file, size_t size) {
  static const char key[] = "\"" WG_ST_CRC_KEY "\":\"";
  uLong crc;
  if (!file_crc(file, size, &crc)) return;
  char text[9];
  snprintf(text, sizeof text, "%08lx", (unsigned long)crc);
  uint8_t *end = file + size, *p = file;
  while ((p = memmem(p, (size_t)(end - p), key, sizeof key - 1))) {
    p += sizeof key - 1;
    if (end - p >= 9 && p[8] == '"') memcpy(p, text, 8);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *file = malloc(size ? size : 1);
  FUZZ_ASSERT(file != NULL);
  memcpy(file, data, size);
  seal(file, size);
  const char *path = fuzz_file("checkpoint.safetensors", file, size);
  free(file);
  wg_gan_state s;
  wg_status st = wg_checkpoint_load(path, &s);
  if (st != WG_OK) {
    fuzz_refused(st, path);
    return 0;
  }
  FUZZ_ASSERT(s.models.gen && s.models.critic);
  /* What a run resumes from: counts and time that can be, a configuration the table allows. */
  FUZZ_ASSERT(s.iter >= 0 && s.opt_gen.step >= 0 && s.opt_critic.step >= 0);
  FUZZ_ASSERT(isfinite(s.seconds) && s.seconds >= 0);
  int n;
  const wg_field *f = wg_train_fields(&n);
  for (int i = 0; i < n; i++)
    if (f[i].type != WG_FIELD_TEXT && f[i].type != WG_FIELD_U64 && f[i].type != WG_FIELD_CHOICE) {
      double v = wg_field_number(&f[i], &s.cfg);
      FUZZ_ASSERT(v >= f[i].lo && v <= f[i].hi);
    }
  fuzz_touch(s.models.gen->params, sizeof(float) * (size_t)s.models.gen->n_params);
  fuzz_touch(s.models.critic->params, sizeof(float) * (size_t)s.models.critic->n_params);
  wg_gan_state_free(&s);
  return 0;
}
