/* Parsing the subcommands' options from their field tables. */
#include "options.h"

#include <stdarg.h>
#include <string.h>

const char *cli_name = "";

int cli_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "wgan %s: ", cli_name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return code;
}

int cli_exit_code(wg_status st) {
  return st == WG_OK ? 0 : st == WG_EINVAL || st == WG_EFORMAT || st == WG_EIO ? 2 : 1;
}

int cli_fail_lib(void) { return cli_fail(cli_exit_code(wg_last_status()), "%s", wg_last_error()); }


static int is_help(const char *arg) { return !strcmp(arg, "-h") || !strcmp(arg, "--help"); }

static int is_flag(const wg_field *f) { return f->type == WG_FIELD_FLAG || f->type == WG_FIELD_FLAG_OFF; }

static const char *by_loss(int k) { return wg_loss_name((wg_loss_kind)k); }
static const char *by_model(int k) { return wg_model_name((wg_model_kind)k); }

void cli_value_text(const wg_field *f, const void *obj, char *out, size_t cap) {
  if (f->type == WG_FIELD_CHOICE || f->type == WG_FIELD_U64) wg_field_format(f, obj, out, cap);
  else snprintf(out, cap, "%g", wg_field_number(f, obj));
}

/* The default a trainer field's rule gives, or the member's value before
 * parsing, as "(default ...)". */
static void default_text(const wg_field *f, const void *obj, char *out, size_t cap) {
  char v[64];
  out[0] = '\0';
  if (is_flag(f)) return;
  if (f->rule == WG_DEFAULT_BY_LOSS || f->rule == WG_DEFAULT_BY_MODEL) {
    const char *(*name)(int) = f->rule == WG_DEFAULT_BY_LOSS ? by_loss : by_model;
    char d[3][32];
    for (int k = 0; k < 3; k++)
      if (f->type == WG_FIELD_CHOICE) snprintf(d[k], sizeof d[k], "%s", f->choices[(int)f->def[k]]);
      else snprintf(d[k], sizeof d[k], "%g", f->def[k]);
    snprintf(out, cap, " (%s %s, %s %s, %s %s)", name(0), d[0], name(1), d[1], name(2), d[2]);
  } else if (f->rule == WG_DEFAULT_FIXED && f->type == WG_FIELD_CHOICE) {
    snprintf(out, cap, " (default %s)", f->choices[(int)f->def[0]]);
  } else if (f->rule == WG_DEFAULT_FIXED) {
    snprintf(out, cap, " (default %g)", f->def[0]);
  } else if (f->rule == WG_DEFAULT_NONE && f->type != WG_FIELD_STRING && f->type != WG_FIELD_TEXT &&
             !strstr(f->help, "default")) {
    cli_value_text(f, obj, v, sizeof v);
    snprintf(out, cap, " (default %s)", v);
  }
}

void cli_usage(FILE *out, const cli_command *c) {
  fputs(c->usage, out);
  for (int g = 0; g < c->ngroups; g++)
    for (int i = 0; i < c->groups[g].n; i++) {
      const wg_field *f = &c->groups[g].fields[i];
      char def[160];
      default_text(f, c->groups[g].obj, def, sizeof def);
      fprintf(out, "  %-20s %s%s\n", f->option, f->help, def);
    }
  if (c->epilog) fputs(c->epilog, out);
}

/* The field arg names ("--batch" or "--batch=64"), and its group. */
static const wg_field *find(const cli_command *c, const char *arg, cli_group **group) {
  for (int g = 0; g < c->ngroups; g++)
    for (int i = 0; i < c->groups[g].n; i++) {
      const char *name = c->groups[g].fields[i].option;
      size_t k = strlen(name);
      if (!strncmp(arg, name, k) && (arg[k] == '\0' || arg[k] == '=')) {
        *group = &c->groups[g];
        return &c->groups[g].fields[i];
      }
    }
  return NULL;
}

int cli_parse(const cli_command *c, int argc, char **argv) {
  if (c->npos) *c->npos = 0;
  int help = 0;
  for (int k = 0; k < argc; k++) help |= is_help(argv[k]);
  if (help && !c->help_after_parse) {
    cli_usage(stdout, c);
    return 1;
  }
  for (int k = 0; k < argc; k++) {
    const char *a = argv[k];
    if (is_help(a)) continue;
    cli_group *g;
    const wg_field *f = a[0] == '-' && a[1] ? find(c, a, &g) : NULL;
    if (!f && a[0] == '-' && a[1])
      return cli_fail(2, "unknown option '%s' (wgan %s --help lists them)", a, cli_name);
    if (!f) {
      if (!c->npos || *c->npos >= c->max_pos) return cli_fail(2, "unexpected argument '%s' (wgan %s --help)", a, cli_name);
      c->pos[(*c->npos)++] = a;
      continue;
    }
    const char *eq = strchr(a, '='), *text;
    if (is_flag(f)) {
      if (eq) return cli_fail(2, "%s takes no value", f->option);
      text = f->type == WG_FIELD_FLAG ? "1" : "0";
    } else if (eq) {
      text = eq + 1;
    } else if (k + 1 < argc) {
      text = argv[++k];
    } else {
      return cli_fail(2, "%s needs a value", f->option);
    }
    if (wg_field_parse(f, g->obj, text) != WG_OK) return cli_fail(2, "%s: %s", f->option, wg_last_error());
    if (g->given) g->given[f - g->fields] = text;
  }
  return help;
}
