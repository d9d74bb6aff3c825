/* cli_parse, the one option parser of the subcommands, with a fuzzed argv:
 * the arguments are the input's NUL-separated strings, the first byte picks
 * the command: train's (the trainer's table and a table of run options, as
 * cmd_train groups them) or one with every other kind of option and
 * positional arguments. Parsed train options must then be settings the
 * library takes, as cmd_train passes them on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "options.h"

enum { MAX_ARGS = 64, MAX_FIELDS = 32 };

typedef struct {
  const char *out;
  int64_t every;
  int log_every;
} run_options;

#define RUN(m) WG_FIELD_AT(run_options, m)
static const wg_field run_fields[] = {
    CLI_OPTION("out", "--out", WG_FIELD_STRING, RUN(out), 0, 0, NULL, "run directory"),
    CLI_OPTION("every", "--every", WG_FIELD_INT64, RUN(every), 0, 1e9, NULL, "every N iterations"),
    CLI_OPTION("log_every", "--log-every", WG_FIELD_INT, RUN(log_every), 1, 1e9, NULL, "log every N"),
};

typedef struct {
  const char *weights;
  int metric, method, normalize, verbose;
  double p, reg;
  int64_t max_iter;
  uint64_t seed;
  float lr;
  char name[16];
} other_options;

static const char *const metrics[] = {"euclidean", "sqeuclidean", "cityblock", NULL};
static const char *const methods[] = {"exact", "sinkhorn", NULL};
#define OTHER(m) WG_FIELD_AT(other_options, m)
static const wg_field other_fields[] = {
    CLI_OPTION("weights", "--weights-a", WG_FIELD_STRING, OTHER(weights), 0, 0, NULL, "weights"),
    CLI_OPTION("metric", "--metric", WG_FIELD_CHOICE, OTHER(metric), 0, 0, metrics, "ground cost"),
    CLI_OPTION("method", "--method", WG_FIELD_CHOICE, OTHER(method), 0, 0, methods, "solver"),
    CLI_OPTION("p", "--p", WG_FIELD_DOUBLE, OTHER(p), 1, 1e300, NULL, "exponent"),
    CLI_OPTION("reg", "--reg", WG_FIELD_DOUBLE, OTHER(reg), 1e-300, 1e300, NULL, "regularisation"),
    CLI_OPTION("max_iter", "--max-iter", WG_FIELD_INT64, OTHER(max_iter), 1, 9e18, NULL, "limit"),
    CLI_OPTION("seed", "--seed", WG_FIELD_U64, OTHER(seed), 0, 0, NULL, "seed"),
    CLI_OPTION("lr", "--lr", WG_FIELD_FLOAT, OTHER(lr), 1e-30, 10, NULL, "learning rate"),
    CLI_OPTION("name", "-n", WG_FIELD_TEXT, OTHER(name), 0, 0, NULL, "a name"),
    CLI_OPTION("normalize", "--normalize", WG_FIELD_FLAG, OTHER(normalize), 0, 1, NULL, "normalise"),
    CLI_OPTION("verbose", "--quiet", WG_FIELD_FLAG_OFF, OTHER(verbose), 0, 1, NULL, "less output"),
};

static int parse_train(int argc, char **argv) {
  int nf;
  const wg_field *fields = wg_train_fields(&nf);
  FUZZ_ASSERT(nf <= MAX_FIELDS);
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  run_options o = {.log_every = 100};
  const char *given[MAX_FIELDS] = {0};
  cli_group groups[] = {{fields, nf, &cfg, given}, {run_fields, sizeof run_fields / sizeof *run_fields, &o, NULL}};
  cli_command c = {.usage = "usage: fuzz train\n", .groups = groups, .ngroups = 2};
  int rc = cli_parse(&c, argc, argv);
  FUZZ_ASSERT(rc == 0 || rc == 1 || rc == 2);
  if (rc) return rc;
  wg_train_config again;
  wg_train_config_defaults(&again, WG_LOSS_GP, WG_MODEL_MLP);
  for (int i = 0; i < nf; i++)
    FUZZ_ASSERT(!given[i] || wg_train_config_set(&again, fields[i].key, given[i]) == WG_OK);
  return 0;
}

static int parse_other(int argc, char **argv) {
  other_options o = {.p = 1, .reg = 0.1, .lr = 1e-3f, .verbose = 1};
  const char *pos[2];
  int npos;
  cli_group g = {other_fields, sizeof other_fields / sizeof *other_fields, &o, NULL};
  cli_command c = {.usage = "usage: fuzz other A B\n", .epilog = "\n", .groups = &g, .ngroups = 1,
                   .pos = pos, .max_pos = 2, .npos = &npos};
  int rc = cli_parse(&c, argc, argv);
  FUZZ_ASSERT(rc == 0 || rc == 1 || rc == 2);
  FUZZ_ASSERT(npos >= 0 && npos <= 2);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  if (!text) return 0;
  char *argv[MAX_ARGS + 1];
  int argc = 0;
  for (char *a = text; a < text + size - 1 && argc < MAX_ARGS; a += strlen(a) + 1) argv[argc++] = a;
  argv[argc] = NULL;
  cli_name = "fuzz";
  if (data[0] & 1) parse_other(argc, argv);
  else parse_train(argc, argv);
  free(text);
  return 0;
}
