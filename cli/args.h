/* Option values for the subcommands: "--name value" or "--name=value",
 * checked strictly; each failure prints one line "wgan CMD: ..." on stderr. */
#ifndef WGAN_CLI_ARGS_H
#define WGAN_CLI_ARGS_H
#include <stdint.h>

/* Whether argv[*i] is option name (either form). */
int arg_is(const char *arg, const char *name);
/* The value of the option at argv[*i] (advancing *i past a separate value);
 * NULL, after printing why, if it has none. */
const char *arg_value(const char *cmd, int argc, char **argv, int *i);
/* Parses text as an integer / number in [lo, hi]; -1 after printing why. */
int arg_long(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out);
int arg_double(const char *cmd, const char *opt, const char *text, double lo, double hi, double *out);
int arg_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);

#endif
