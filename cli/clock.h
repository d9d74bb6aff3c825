/* A monotonic clock for the subcommands' timings. */
#ifndef WGAN_CLI_CLOCK_H
#define WGAN_CLI_CLOCK_H

/* Seconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
double cli_now(void);

#endif
