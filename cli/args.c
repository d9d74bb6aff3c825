/* Strict parsing of option values. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int arg_is(const char *arg, const char *name) {
  size_t n = strlen(name);
  return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

const char *arg_value(const char *cmd, int argc, char **argv, int *i) {
  const char *eq = strchr(argv[*i], '=');
  if (eq) return eq + 1;
  if (*i + 1 >= argc) {
    fprintf(stderr, "wgan %s: %s needs a value\n", cmd, argv[*i]);
    return NULL;
  }
  return argv[++*i];
}

int arg_long(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < lo || v > hi) {
    fprintf(stderr, "wgan %s: %s: '%s' is not an integer in [%ld, %ld]\n", cmd, opt, text, lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

int arg_double(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(v) || v < lo || v > hi) {
    fprintf(stderr, "wgan %s: %s: '%s' is not a number in [%g, %g]\n", cmd, opt, text, lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

int arg_u64(const char *cmd, const char *opt, const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-') {
    fprintf(stderr, "wgan %s: %s: '%s' is not a non-negative integer\n", cmd, opt, text);
    return -1;
  }
  *out = v;
  return 0;
}
