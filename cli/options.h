/* The one option parser of every subcommand, over tables of wg_field
 * ("--name value" and "--name=value"; flags take no value), the generated
 * --help, and the one way to report a failure and pick the exit code. */
#ifndef WGAN_CLI_OPTIONS_H
#define WGAN_CLI_OPTIONS_H
#include <stdio.h>

#include "wgan.h"

/* Options whose values go into the members of obj; given[i] is set to the
 * text of fields[i] when the command line gave it ("1"/"0" for flags). */
typedef struct {
  const wg_field *fields;
  int n;
  void *obj;
  const char **given;  /* [n], NULL if not wanted */
} cli_group;

/* What a subcommand takes: its usage lines, option groups, and at most
 * max_pos positional arguments (into pos, their count into *npos). */
typedef struct {
  const char *usage;     /* printed before the options */
  const char *epilog;    /* after them; may be NULL */
  cli_group *groups;
  int ngroups;
  const char **pos;
  int max_pos, *npos;
  int help_after_parse;  /* --help: parse the other options too, print nothing, return 1 */
} cli_command;

/* An option of a subcommand's own table: key, option, type, WG_FIELD_AT(...),
 * lo, hi, choices, help (its default is the member's initial value). */
#define CLI_OPTION(...) {__VA_ARGS__, WG_DEFAULT_NONE, {0}, 0}

/* The name of the running subcommand, for messages ("train"). */
extern const char *cli_name;

/* Parses argv into the groups. Returns 0, 1 when --help was asked (the
 * help printed, unless help_after_parse), or 2 after printing one line on a
 * bad option. */
int cli_parse(const cli_command *c, int argc, char **argv);
/* f's member of obj as help shows it: a choice's name, a number by %g. */
void cli_value_text(const wg_field *f, const void *obj, char *out, size_t cap);
/* The usage lines, every option with its help and default, the epilog. */
void cli_usage(FILE *out, const cli_command *c);
/* Prints "wgan NAME: message" on stderr and returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The exit code for a library status: 2 bad input (EINVAL, EFORMAT, EIO),
 * 1 a failure while running (ENOMEM, ELIMIT, ENUMERIC). */
int cli_exit_code(wg_status st);
/* cli_fail with the library's last message and the code of its status. */
int cli_fail_lib(void);

#endif
