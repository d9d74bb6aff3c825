/* Parsing, comparing and printing the members a field table describes. */
#include "wgan/field.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static void *member(const wg_field *f, void *obj) { return (char *)obj + f->offset; }
static const void *cmember(const wg_field *f, const void *obj) { return (const char *)obj + f->offset; }

static wg_status parse_integer(const wg_field *f, void *obj, const char *text) {
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || end == text || *end || (double)v < f->lo || (double)v > f->hi) {
    if (f->hi >= 1e15) return wg_set_error(WG_EINVAL, "'%s' is not an integer >= %.0f", text, f->lo);
    return wg_set_error(WG_EINVAL, "'%s' is not an integer in [%.0f, %.0f]", text, f->lo, f->hi);
  }
  /* Not through a double: that rounds an int64 above 2^53, and INT64_MAX up past the range. */
  if (f->type == WG_FIELD_INT64) *(int64_t *)member(f, obj) = v;
  else *(int *)member(f, obj) = (int)v;
  return WG_OK;
}

static wg_status parse_real(const wg_field *f, void *obj, const char *text) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(v) || v < f->lo || v > f->hi) {
    if (f->hi >= 1e30) return wg_set_error(WG_EINVAL, "'%s' is not a number >= %g", text, f->lo);
    return wg_set_error(WG_EINVAL, "'%s' is not a number in [%g, %g]", text, f->lo, f->hi);
  }
  wg_field_set_number(f, obj, v);
  return WG_OK;
}

static wg_status parse_choice(const wg_field *f, void *obj, const char *text) {
  char names[256] = "";
  for (int i = 0; f->choices[i]; i++) {
    if (!strcmp(text, f->choices[i])) {
      *(int *)member(f, obj) = i;
      return WG_OK;
    }
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", f->choices[i]);
  }
  return wg_set_error(WG_EINVAL, "'%s' is not one of %s", text, names);
}

wg_status wg_field_parse(const wg_field *f, void *obj, const char *text) {
  switch (f->type) {
    case WG_FIELD_INT:
    case WG_FIELD_INT64:
      return parse_integer(f, obj, text);
    case WG_FIELD_FLOAT:
    case WG_FIELD_DOUBLE:
      return parse_real(f, obj, text);
    case WG_FIELD_U64: {
      char *end;
      errno = 0;
      unsigned long long v = strtoull(text, &end, 10);
      if (errno || end == text || *end || text[0] == '-')
        return wg_set_error(WG_EINVAL, "'%s' is not a non-negative integer", text);
      *(uint64_t *)member(f, obj) = v;
      return WG_OK;
    }
    case WG_FIELD_TEXT:
      if (strlen(text) >= f->size) return wg_set_error(WG_EINVAL, "'%.40s...' is too long", text);
      strcpy(member(f, obj), text);
      return WG_OK;
    case WG_FIELD_STRING:
      *(const char **)member(f, obj) = text;
      return WG_OK;
    case WG_FIELD_CHOICE:
      return parse_choice(f, obj, text);
    case WG_FIELD_FLAG:
    case WG_FIELD_FLAG_OFF:
      if (strcmp(text, "0") && strcmp(text, "1")) return wg_set_error(WG_EINVAL, "'%s' is not 0 or 1", text);
      *(int *)member(f, obj) = text[0] == '1';
      return WG_OK;
  }
  WG_ASSERT(!"a field of unknown type");
}

void wg_field_set_number(const wg_field *f, void *obj, double v) {
  void *m = member(f, obj);
  switch (f->type) {
    case WG_FIELD_INT:
    case WG_FIELD_CHOICE:
    case WG_FIELD_FLAG:
    case WG_FIELD_FLAG_OFF:
      *(int *)m = (int)v;
      return;
    case WG_FIELD_INT64:
      *(int64_t *)m = (int64_t)v;
      return;
    case WG_FIELD_U64:
      *(uint64_t *)m = (uint64_t)v;
      return;
    case WG_FIELD_FLOAT:
      *(float *)m = (float)v;
      return;
    case WG_FIELD_DOUBLE:
      *(double *)m = v;
      return;
    case WG_FIELD_TEXT:
    case WG_FIELD_STRING:
      break;
  }
  WG_ASSERT(!"a number stored into a text field");
}

double wg_field_number(const wg_field *f, const void *obj) {
  const void *m = cmember(f, obj);
  switch (f->type) {
    case WG_FIELD_INT:
    case WG_FIELD_CHOICE:
    case WG_FIELD_FLAG:
    case WG_FIELD_FLAG_OFF:
      return *(const int *)m;
    case WG_FIELD_INT64:
      return (double)*(const int64_t *)m;
    case WG_FIELD_U64:
      return (double)*(const uint64_t *)m;
    case WG_FIELD_FLOAT:
      return *(const float *)m;
    case WG_FIELD_DOUBLE:
      return *(const double *)m;
    case WG_FIELD_TEXT:
    case WG_FIELD_STRING:
      break;
  }
  WG_ASSERT(!"a text field read as a number");
}

int wg_field_equal(const wg_field *f, const void *a, const void *b) {
  if (f->type == WG_FIELD_TEXT) return !strcmp(cmember(f, a), cmember(f, b));
  if (f->type == WG_FIELD_STRING) {
    const char *x = *(const char *const *)cmember(f, a), *y = *(const char *const *)cmember(f, b);
    return x == y || (x && y && !strcmp(x, y));
  }
  return !memcmp(cmember(f, a), cmember(f, b), f->size);
}

void wg_field_format(const wg_field *f, const void *obj, char *out, size_t cap) {
  const void *m = cmember(f, obj);
  switch (f->type) {
    case WG_FIELD_TEXT:
      snprintf(out, cap, "%s", (const char *)m);
      return;
    case WG_FIELD_STRING:
      snprintf(out, cap, "%s", *(const char *const *)m ? *(const char *const *)m : "");
      return;
    case WG_FIELD_CHOICE:
      snprintf(out, cap, "%s", f->choices[*(const int *)m]);
      return;
    case WG_FIELD_U64:
      snprintf(out, cap, "%" PRIu64, *(const uint64_t *)m);
      return;
    case WG_FIELD_INT64:
      snprintf(out, cap, "%" PRId64, *(const int64_t *)m);
      return;
    case WG_FIELD_FLOAT:
      snprintf(out, cap, "%.9g", *(const float *)m);
      return;
    default:
      snprintf(out, cap, "%.17g", wg_field_number(f, obj));
  }
}
