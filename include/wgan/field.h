/* Settings described by a table: each field names a member of a struct, its
 * type and range, and its help. The trainer's configuration is one such
 * table (it drives the command line, the checkpoint metadata, the resume
 * checks and the defaults); the command line describes every subcommand's
 * options with the same fields. */
#ifndef WGAN_FIELD_H
#define WGAN_FIELD_H
#include <stddef.h>

#include "wgan/base.h"

typedef enum {
  WG_FIELD_INT,       /* int in [lo, hi] */
  WG_FIELD_INT64,     /* int64_t in [lo, hi] */
  WG_FIELD_U64,       /* uint64_t, any */
  WG_FIELD_FLOAT,     /* float in [lo, hi], finite */
  WG_FIELD_DOUBLE,    /* double in [lo, hi], finite */
  WG_FIELD_TEXT,      /* char[size] */
  WG_FIELD_STRING,    /* const char *, pointing into the parsed text */
  WG_FIELD_CHOICE,    /* an int enum, named by choices[value] */
  WG_FIELD_FLAG,      /* int: given on the command line sets 1 */
  WG_FIELD_FLAG_OFF   /* int: given on the command line sets 0 */
} wg_field_type;

/* How a trainer field's default is chosen (other tables leave it 0: their
 * defaults are the struct's initial values). */
typedef enum { WG_DEFAULT_NONE, WG_DEFAULT_FIXED, WG_DEFAULT_BY_LOSS, WG_DEFAULT_BY_MODEL } wg_default_rule;

typedef struct {
  const char *key;            /* the name in settings and in checkpoints */
  const char *option;         /* on the command line, "--batch" or "-n" */
  wg_field_type type;
  size_t offset, size;        /* of the member in its struct */
  double lo, hi;              /* the range of numbers */
  const char *const *choices; /* WG_FIELD_CHOICE: names by value, NULL-terminated */
  const char *help;
  /* The trainer's configuration only: */
  wg_default_rule rule;
  double def[3];              /* FIXED: def[0]; BY_LOSS / BY_MODEL: by enum value */
  int may_change_on_resume;   /* 0: a resumed run must be given the same value */
} wg_field;

#define WG_FIELD_AT(type, member) offsetof(type, member), sizeof(((type *)0)->member)

/* Parses text into f's member of obj: whole-string numbers in range, a
 * known choice, text that fits. WG_EINVAL with a message that says what the
 * value should be (without the field's name: callers prefix key or option). */
wg_status wg_field_parse(const wg_field *f, void *obj, const char *text);
/* Whether f's member is the same in a and b. */
int wg_field_equal(const wg_field *f, const void *a, const void *b);
/* f's member of obj as text (a number with all its digits, a choice's name). */
void wg_field_format(const wg_field *f, const void *obj, char *out, size_t cap);
/* Stores a number into f's member (numbers, choices and flags). */
void wg_field_set_number(const wg_field *f, void *obj, double v);
/* f's member as a number (numbers, choices and flags). */
double wg_field_number(const wg_field *f, const void *obj);

#endif
