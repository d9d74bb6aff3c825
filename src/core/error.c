/* The per-thread last error, and the invariant check. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local char last_message[1024];
static _Thread_local wg_status last_status;

wg_status wg_set_error(wg_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  last_status = status;
  return status;
}

wg_status wg_failed(const char *what) {
  return last_status != WG_OK ? last_status : wg_set_error(WG_EINVAL, "%s failed", what);
}

wg_status wg_error_prefix(const char *prefix) {
  wg_status st = wg_failed(prefix);
  char old[sizeof last_message];
  snprintf(old, sizeof old, "%s", last_message);
  return wg_set_error(st, "%s: %s", prefix, old);
}

const char *wg_last_error(void) { return last_message; }

wg_status wg_last_status(void) { return last_status; }

void wg_clear_error(void) {
  last_message[0] = '\0';
  last_status = WG_OK;
}

/* The one place the library writes to stderr: a bug, not a user's error. */
void wg_assert_fail(const char *cond, const char *file, int line) {
  fprintf(stderr, "wgan: internal error: %s:%d: assertion '%s' failed\n", file, line, cond);
  abort();
}
