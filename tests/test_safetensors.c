/* safetensors: bit-exact round trip, and every kind of damage refused. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file_bytes.h"
#include "wgan.h"

static char dir[] = "/tmp/wgan_test_st_XXXXXX";
static char path[256];

/* The sample checkpoint: several dtypes, a scalar and an empty tensor. */
static float w[3][4];
static int64_t counters[5] = {0, -1, INT64_MAX, INT64_MIN, 123456789012345LL};
static uint8_t bytes[7] = {0, 1, 2, 254, 255, 7, 9};
static float scalar = -0.0f;

static wg_status write_sample(const char *p) {
  wg_st_tensor t[5] = {
      {.name = "critic.w", .dtype = WG_DT_F32, .ndim = 2, .shape = {3, 4}, .data = w},
      {.name = "step", .dtype = WG_DT_I64, .ndim = 1, .shape = {5}, .data = counters},
      {.name = "empty", .dtype = WG_DT_F32, .ndim = 2, .shape = {0, 3}, .data = NULL},
      {.name = "bytes", .dtype = WG_DT_U8, .ndim = 1, .shape = {7}, .data = bytes},
      {.name = "scalar", .dtype = WG_DT_F32, .ndim = 0, .data = &scalar},
  };
  const char *meta[] = {"mode", "wgan-gp", "note", "\"quoted\" and \\ ü"};
  return wg_safetensors_write(p, t, 5, meta, 2);
}

static void round_trip(void) {
  wg_rng r;
  wg_rng_seed(&r, 11);
  printf("seed 11\n");
  wg_rng_fill_normal(&r, &w[0][0], 12, 0, 1);
  w[1][2] = 1e-42f; /* a subnormal must survive too */
  CHECK(write_sample(path) == WG_OK, "%s", wg_last_error());
  char tmp[300];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  CHECK(access(tmp, F_OK) != 0, "the temporary file was left behind");
  size_t len;
  unsigned char *b = slurp(path, &len);
  uint64_t hlen = 0;
  for (int i = 0; i < 8; i++) hlen |= (uint64_t)b[i] << (8 * i);
  CHECK((8 + hlen) % 8 == 0, "data area not aligned: header %llu", (unsigned long long)hlen);
  CHECK(b[8] == '{', "header does not start with {");
  free(b);

  wg_safetensors *st = wg_safetensors_open(path, 1);
  CHECK(st != NULL, "%s", wg_last_error());
  if (!st) return;
  CHECK(wg_safetensors_count(st) == 5, "%d tensors", wg_safetensors_count(st));
  float w2[3][4];
  int64_t c2[5];
  uint8_t b2[7];
  float s2 = 1;
  CHECK(wg_safetensors_copy(st, "critic.w", WG_DT_F32, 2, (int64_t[]){3, 4}, w2) == WG_OK, "%s",
        wg_last_error());
  CHECK(memcmp(w, w2, sizeof w) == 0, "F32 data differs");
  CHECK(wg_safetensors_copy(st, "step", WG_DT_I64, 1, (int64_t[]){5}, c2) == WG_OK, "%s", wg_last_error());
  CHECK(memcmp(counters, c2, sizeof c2) == 0, "I64 data differs");
  CHECK(wg_safetensors_copy(st, "bytes", WG_DT_U8, 1, (int64_t[]){7}, b2) == WG_OK, "%s", wg_last_error());
  CHECK(memcmp(bytes, b2, sizeof b2) == 0, "U8 data differs");
  CHECK(wg_safetensors_copy(st, "scalar", WG_DT_F32, 0, NULL, &s2) == WG_OK, "%s", wg_last_error());
  CHECK(memcmp(&s2, &scalar, 4) == 0, "scalar differs (sign of zero lost?)");
  const wg_st_tensor *e = wg_safetensors_find(st, "empty");
  CHECK(e && e->ndim == 2 && e->shape[0] == 0 && e->shape[1] == 3, "empty tensor's shape lost");
  CHECK(wg_safetensors_find(st, "nope") == NULL, "found a tensor that does not exist");
  const char *m = wg_safetensors_meta(st, "note");
  CHECK(m && strcmp(m, "\"quoted\" and \\ ü") == 0, "metadata: %s", m ? m : "(null)");
  CHECK(wg_safetensors_meta(st, "mode") && strcmp(wg_safetensors_meta(st, "mode"), "wgan-gp") == 0,
        "metadata mode");
  CHECK(wg_safetensors_meta(st, "absent") == NULL, "absent key found");
  CHECK(wg_safetensors_meta(st, WG_ST_CRC_KEY) != NULL, "no checksum written");

  CHECK(wg_safetensors_copy(st, "step", WG_DT_F32, 1, (int64_t[]){5}, c2) == WG_EFORMAT, "dtype");
  CHECK(strstr(wg_last_error(), "step") && strstr(wg_last_error(), "I64") && strstr(wg_last_error(), path),
        "message: %s", wg_last_error());
  CHECK(wg_safetensors_copy(st, "critic.w", WG_DT_F32, 2, (int64_t[]){4, 3}, w2) == WG_EFORMAT, "shape");
  CHECK(strstr(wg_last_error(), "[3, 4]") && strstr(wg_last_error(), "[4, 3]"), "message: %s",
        wg_last_error());
  CHECK(wg_safetensors_copy(st, "missing", WG_DT_F32, 0, NULL, w2) == WG_EFORMAT, "missing");
  CHECK(strstr(wg_last_error(), "missing") != NULL, "message: %s", wg_last_error());
  wg_safetensors_close(st);
}

/* Refused even when a file without a checksum would do. */
static void expect_refused(const char *p, const char *what, const char *word) {
  wg_clear_error();
  wg_safetensors *st = wg_safetensors_open(p, 0);
  CHECK(st == NULL, "%s: accepted", what);
  if (st) {
    wg_safetensors_close(st);
    return;
  }
  CHECK(strstr(wg_last_error(), p) != NULL, "%s: message does not name the file: %s", what, wg_last_error());
  if (word) CHECK(strstr(wg_last_error(), word) != NULL, "%s: message: %s", what, wg_last_error());
}

static void truncated(void) {
  CHECK(write_sample(path) == WG_OK, "%s", wg_last_error());
  size_t len;
  unsigned char *b = slurp(path, &len);
  uint64_t hlen = 0;
  for (int i = 0; i < 8; i++) hlen |= (uint64_t)b[i] << (8 * i);
  size_t cuts[] = {0, 3, 8, 9, 8 + hlen / 2, 8 + hlen - 1, 8 + hlen, 8 + hlen + 1, len - 4, len - 1};
  char bad[300];
  snprintf(bad, sizeof bad, "%s/cut.safetensors", dir);
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    spit(bad, b, cuts[i]);
    char what[64];
    snprintf(what, sizeof what, "cut at %zu of %zu", cuts[i], len);
    expect_refused(bad, what, NULL);
  }
  /* Bytes appended after the data are refused too. */
  unsigned char *longer = malloc(len + 8);
  memcpy(longer, b, len);
  memset(longer + len, 0, 8);
  spit(bad, longer, len + 8);
  expect_refused(bad, "8 bytes appended", "after the last tensor");
  free(longer);
  free(b);
}

/* Every single flipped bit of the length or the header, and one of the data,
 * is detected: by the JSON parser, the layout checks or the checksum. */
static void flipped_bytes(void) {
  CHECK(write_sample(path) == WG_OK, "%s", wg_last_error());
  size_t len;
  unsigned char *b = slurp(path, &len);
  uint64_t hlen = 0;
  for (int i = 0; i < 8; i++) hlen |= (uint64_t)b[i] << (8 * i);
  char bad[300];
  snprintf(bad, sizeof bad, "%s/flip.safetensors", dir);
  int accepted = 0;
  const unsigned masks[] = {0x01, 0x20, 0x80};
  for (size_t i = 0; i < 8 + hlen; i++)
    for (int m = 0; m < 3; m++) {
      b[i] ^= masks[m];
      spit(bad, b, len);
      wg_safetensors *st = wg_safetensors_open(bad, 1);
      if (st) {
        if (accepted++ < 3) CHECK(0, "flip 0x%02x at byte %zu accepted", masks[m], i);
        wg_safetensors_close(st);
      }
      b[i] ^= masks[m];
    }
  CHECK(accepted == 0, "%d flipped headers accepted", accepted);
  b[len - 10] ^= 0x04;
  spit(bad, b, len);
  expect_refused(bad, "flipped data byte", "checksum");
  free(b);
}

/* Writes a file with a hand-made header (no checksum), as another tool would. */
static void craft(const char *p, const char *json, size_t data_len) {
  size_t hl = strlen(json);
  unsigned char *b = calloc(8 + hl + data_len, 1);
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)hl >> (8 * i));
  memcpy(b + 8, json, hl);
  spit(p, b, 8 + hl + data_len);
  free(b);
}

static void bad_headers(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/crafted.safetensors", dir);
  /* A foreign file without a checksum is accepted when it is sound. */
  craft(p, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
           "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[8,16]}}", 16);
  wg_safetensors *st = wg_safetensors_open(p, 0);
  CHECK(st != NULL, "sound foreign file refused: %s", wg_last_error());
  if (st) {
    CHECK(wg_safetensors_count(st) == 2 && wg_safetensors_at(st, 1)->dtype == WG_DT_BF16, "entries");
    wg_safetensors_close(st);
  }
  CHECK(wg_safetensors_open(p, 1) == NULL && strstr(wg_last_error(), "no " WG_ST_CRC_KEY),
        "foreign file accepted where a checksum is needed: %s", wg_last_error());
  struct {
    const char *json;
    size_t data;
    const char *word;
  } cases[] = {
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
       "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlaps"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
       "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16, "gap"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "gap"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12, "truncated"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "need 12 bytes"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "data_offsets"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "data_offsets"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "shape[0]"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "shape[0]"},
      {"{\"a\":{\"dtype\":\"X9\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "missing data_offsets"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8, "unexpected"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
       "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", 8, "twice"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8, "not valid JSON"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", 8, "after the header"},
      {"[1, 2]", 0, "not a JSON object"},
      {"{\"__metadata__\":{\"k\":1}}", 0, "not a string"},
      {"{\"__metadata__\":{\"" WG_ST_CRC_KEY "\":\"12345678\"}}", 0, "checksum"},
      {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4, "shape"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    craft(p, cases[i].json, cases[i].data);
    char what[32];
    snprintf(what, sizeof what, "case %zu", i);
    expect_refused(p, what, cases[i].word);
  }
  /* A header length far beyond the file. */
  unsigned char b[16] = {0xff, 0xff, 0, 0, 0, 0, 0, 0, '{', '}'};
  spit(p, b, 10);
  expect_refused(p, "huge header length", "header length");
  expect_refused("/nonexistent/x.safetensors", "missing file", "cannot open");
}

static void write_failures(void) {
  CHECK(write_sample("/nonexistent/dir/x.safetensors") == WG_EIO, "write into a missing folder");
  wg_st_tensor dup[2] = {{.name = "a", .dtype = WG_DT_U8, .ndim = 1, .shape = {1}, .data = bytes},
                         {.name = "a", .dtype = WG_DT_U8, .ndim = 1, .shape = {1}, .data = bytes}};
  char p[300];
  snprintf(p, sizeof p, "%s/dup.safetensors", dir);
  CHECK(wg_safetensors_write(p, dup, 2, NULL, 0) == WG_EINVAL, "duplicate names accepted");
  const char *meta[] = {WG_ST_CRC_KEY, "x"};
  CHECK(wg_safetensors_write(p, dup, 1, meta, 1) == WG_EINVAL, "reserved key accepted");
  CHECK(access(p, F_OK) != 0, "a refused write left a file");
  /* An existing file is replaced whole. */
  CHECK(wg_safetensors_write(path, dup, 1, NULL, 0) == WG_OK, "%s", wg_last_error());
  wg_safetensors *st = wg_safetensors_open(path, 1);
  CHECK(st && wg_safetensors_count(st) == 1, "rewritten file");
  wg_safetensors_close(st);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  snprintf(path, sizeof path, "%s/ck.safetensors", dir);
  RUN(round_trip);
  RUN(truncated);
  RUN(flipped_bytes);
  RUN(bad_headers);
  RUN(write_failures);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
