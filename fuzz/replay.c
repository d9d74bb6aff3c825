/* A fuzz target as a test (no libFuzzer): feeds it every file of
 * fuzz/corpus/TARGET and fuzz/regressions/TARGET, in name order, and prints
 * "ok TARGET" (tests/run.sh counts it). A finding aborts the process; the
 * file it was replaying is the last "replay" line on stderr. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fuzz.h"

/* As libFuzzer's -malloc_limit_mb: an input that makes a parser ask for
 * gigabytes is a finding. Past 2 GiB an allocation fails, and the target's
 * check of the status (never WG_ENOMEM) reports it. Under AddressSanitizer,
 * which maps far more than that for itself, through its own options. */
#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1:max_allocation_size_mb=2048"; }
#endif

static void limit_memory(void) {
#ifndef __SANITIZE_ADDRESS__
  struct rlimit r = {2ul << 30, 2ul << 30};
  setrlimit(RLIMIT_DATA, &r);
#endif
}

static int not_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

static unsigned char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0, n = 0, got;
  if (!f) return NULL;
  do {
    if (n == cap) {
      cap = cap ? 2 * cap : 4096;
      unsigned char *grown = realloc(buf, cap);
      if (!grown) abort();
      buf = grown;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *size = n;
  return buf;
}

/* Replays the files of dir; their count, or -1 if dir cannot be read. */
static int replay_dir(const char *dir) {
  struct dirent **list;
  int n = scandir(dir, &list, not_hidden, alphasort);
  if (n < 0) return -1;
  for (int i = 0; i < n; i++) {
    char path[1024];
    size_t size;
    snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
    fprintf(stderr, "replay %s\n", path);
    unsigned char *data = slurp(path, &size);
    if (!data) {
      printf("FAIL %s: cannot read %s\n", FUZZ_TARGET, path);
      exit(1);
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    free(list[i]);
  }
  free(list);
  return n;
}

int main(void) {
  limit_memory();
  int corpus = replay_dir("fuzz/corpus/" FUZZ_TARGET);
  int regressions = replay_dir("fuzz/regressions/" FUZZ_TARGET); /* none yet is fine */
  if (corpus <= 0) {
    printf("FAIL %s: no seed files in fuzz/corpus/%s (run from the top folder)\n", FUZZ_TARGET, FUZZ_TARGET);
    return 1;
  }
  printf("seed none (%d corpus and %d regression files)\n", corpus, regressions > 0 ? regressions : 0);
  printf("ok %s\n", FUZZ_TARGET);
  return 0;
}
