/* Settings by name, as bindings give them: one "key=value" per line, applied
 * with wg_train_config_set, then the same list given to wg_run_open. The
 * data setting is left out there, so that wg_run_open stops after the
 * settings (a new run needs data) and never opens data or starts work. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

enum { MAX_SETTINGS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  FUZZ_ASSERT(text != NULL);
  memcpy(text, data, size);
  text[size] = '\0';
  wg_setting settings[MAX_SETTINGS];
  int n = 0;
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  for (char *line = text, *next; line && n < MAX_SETTINGS; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *eq = strchr(line, '=');
    if (eq) *eq = '\0';
    const char *key = line, *value = eq ? eq + 1 : "";
    wg_status st = wg_train_config_set(&cfg, key, value);
    if (st != WG_OK) fuzz_refused(st, key);
    if (strcmp(key, "data")) settings[n++] = (wg_setting){key, value};
  }
  wg_run_opts o = wg_run_defaults();
  wg_run *run = (wg_run *)&o; /* must come back NULL */
  wg_status st = wg_run_open(&run, settings, n, &o);
  FUZZ_ASSERT(st == WG_EINVAL && run == NULL);
  FUZZ_ASSERT(wg_last_error()[0]);
  free(text);
  return 0;
}
