/* Internal: leaving the message that wg_last_error() returns. */
#ifndef WGAN_CORE_ERROR_H
#define WGAN_CORE_ERROR_H
#include "wgan/base.h"

/* Records status and a printf-style message for this thread; returns status. */
wg_status wg_set_error(wg_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
