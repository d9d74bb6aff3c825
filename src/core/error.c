/* The per-thread last error. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

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

const char *wg_last_error(void) { return last_message; }

wg_status wg_last_status(void) { return last_status; }

void wg_clear_error(void) {
  last_message[0] = '\0';
  last_status = WG_OK;
}
