/* wg_field_parse for every field type: a table with one field of each type
 * over a struct of its own, then every field of the trainer's table. The
 * first byte picks the field, the rest is the text. A parsed value must
 * print back and parse again to the same member. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

typedef struct {
  int i;
  int64_t l, any;
  uint64_t u;
  float f;
  double d;
  char text[8];
  const char *s;
  int choice, flag, flag_off;
} all_types;

static const char *const names[] = {"euclidean", "sqeuclidean", "cityblock", NULL};

#define AT(m) WG_FIELD_AT(all_types, m)
#define FIELD(key, type, m, lo, hi, choices) {key, "--" key, type, AT(m), lo, hi, choices, "", WG_DEFAULT_NONE, {0}, 0}
static const wg_field own[] = {
    FIELD("int", WG_FIELD_INT, i, -7, 65536, NULL),
    FIELD("int64", WG_FIELD_INT64, l, 1, 9e18, NULL),
    /* The whole int64 range, as a table may ask for it. */
    FIELD("any", WG_FIELD_INT64, any, (double)INT64_MIN, (double)INT64_MAX, NULL),
    FIELD("u64", WG_FIELD_U64, u, 0, 0, NULL),
    FIELD("float", WG_FIELD_FLOAT, f, -1e30, 1e30, NULL),
    FIELD("double", WG_FIELD_DOUBLE, d, 1e-300, 1e300, NULL),
    FIELD("text", WG_FIELD_TEXT, text, 0, 0, NULL),
    FIELD("string", WG_FIELD_STRING, s, 0, 0, NULL),
    FIELD("choice", WG_FIELD_CHOICE, choice, 0, 0, names),
    FIELD("flag", WG_FIELD_FLAG, flag, 0, 1, NULL),
    FIELD("flag_off", WG_FIELD_FLAG_OFF, flag_off, 0, 1, NULL),
};
enum { N_OWN = sizeof own / sizeof own[0] };

/* Whether f's member of obj holds what text says, read by the C library's
 * own conversions. */
static int holds(const wg_field *f, const void *obj, const char *text) {
  const char *m = (const char *)obj + f->offset;
  switch (f->type) {
    case WG_FIELD_INT:
      return *(const int *)m == strtoll(text, NULL, 10);
    case WG_FIELD_INT64:
      return *(const int64_t *)m == strtoll(text, NULL, 10);
    case WG_FIELD_U64:
      return *(const uint64_t *)m == strtoull(text, NULL, 10);
    case WG_FIELD_FLOAT:
      return *(const float *)m == (float)strtod(text, NULL);
    case WG_FIELD_DOUBLE:
      return *(const double *)m == strtod(text, NULL);
    case WG_FIELD_TEXT:
      return !strcmp(m, text);
    case WG_FIELD_STRING:
      return *(const char *const *)m == text;
    case WG_FIELD_CHOICE:
      return !strcmp(f->choices[*(const int *)m], text);
    case WG_FIELD_FLAG:
    case WG_FIELD_FLAG_OFF:
      return *(const int *)m == (text[0] == '1');
  }
  return 0;
}

/* Parses text into f's member of obj (size bytes): a refusal changes
 * nothing; a value is the text's, in range, and prints as text that gives
 * it back (floats print exactly, but may round past a bound). */
static void parse(const wg_field *f, void *obj, size_t size, const char *text) {
  void *before = malloc(size);
  FUZZ_ASSERT(before != NULL);
  memcpy(before, obj, size);
  wg_status st = wg_field_parse(f, obj, text);
  if (st != WG_OK) {
    fuzz_refused(st, NULL);
    FUZZ_ASSERT(st == WG_EINVAL && !memcmp(before, obj, size));
    free(before);
    return;
  }
  FUZZ_ASSERT(holds(f, obj, text));
  if (f->type == WG_FIELD_INT || f->type == WG_FIELD_INT64 || f->type == WG_FIELD_DOUBLE)
    FUZZ_ASSERT(strtod(text, NULL) >= f->lo && strtod(text, NULL) <= f->hi);
  char out[1100];
  wg_field_format(f, obj, out, sizeof out);
  if (f->type == WG_FIELD_FLOAT) {
    FUZZ_ASSERT(holds(f, obj, out));
  } else if (f->type != WG_FIELD_STRING) {
    memcpy(before, obj, size);
    FUZZ_ASSERT(wg_field_parse(f, before, out) == WG_OK && wg_field_equal(f, obj, before));
  }
  free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  if (!text) return 0;
  int n;
  const wg_field *train = wg_train_fields(&n);
  int pick = data[0] % (N_OWN + n);
  if (pick < N_OWN) {
    all_types obj = {0};
    parse(&own[pick], &obj, sizeof obj, text);
  } else {
    wg_train_config cfg;
    wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
    parse(&train[pick - N_OWN], &cfg, sizeof cfg, text);
  }
  free(text);
  return 0;
}
