/* Internal: leaving the message that wg_last_error() returns, and the
 * asserts that guard the library's own invariants. */
#ifndef WGAN_CORE_ERROR_H
#define WGAN_CORE_ERROR_H
#include "wgan/base.h"

/* Records status and a printf-style message for this thread; returns status. */
wg_status wg_set_error(wg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The status of a call that has just failed: the last recorded one, or,
 * when the failure left none (an op given a NULL input records nothing),
 * WG_EINVAL with a message naming what: never WG_OK for a failure. */
wg_status wg_failed(const char *what);

/* Puts "prefix: " before the last message (saying where a failure of a
 * lower layer happened); returns its status. */
wg_status wg_error_prefix(const char *prefix);

/* A broken invariant of the library (never bad user input): prints where,
 * then aborts. Stays on whatever NDEBUG says. */
#define WG_ASSERT(cond) ((cond) ? (void)0 : wg_assert_fail(#cond, __FILE__, __LINE__))
_Noreturn void wg_assert_fail(const char *cond, const char *file, int line);

#endif
