/* The scratch files of a fuzz target and its checks on refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

enum { MAX_FILES = 8 };
static char dir[] = "/tmp/wgan_fuzz_XXXXXX";
static char files[MAX_FILES][sizeof dir + 64];
static int n_files;

static void remove_scratch(void) {
  for (int i = 0; i < n_files; i++) unlink(files[i]);
  rmdir(dir);
}

const char *fuzz_dir(void) {
  static int made;
  if (!made) {
    made = 1;
    if (!mkdtemp(dir)) {
      perror("fuzz: mkdtemp");
      abort();
    }
    atexit(remove_scratch);
  }
  return dir;
}

const char *fuzz_file(const char *name, const void *data, size_t size) {
  char path[sizeof files[0]];
  snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
  int k = 0;
  while (k < n_files && strcmp(files[k], path)) k++;
  if (k == n_files) {
    if (n_files == MAX_FILES || strlen(name) > 60) abort();
    strcpy(files[n_files++], path);
  }
  FILE *f = fopen(files[k], "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
    perror(files[k]);
    abort();
  }
  return files[k];
}

void fuzz_refused(wg_status st, const char *names) {
  const char *msg = wg_last_error();
  int status_ok = st == WG_EINVAL || st == WG_EFORMAT || st == WG_EIO;
  if (status_ok && msg[0] && (!names || strstr(msg, names))) return;
  fprintf(stderr, "fuzz: not a clean refusal: status %d, message '%s' (should name '%s')\n", (int)st, msg,
          names ? names : "");
  abort();
}

unsigned fuzz_touch(const void *p, size_t n) {
  unsigned sum = 0;
  for (size_t i = 0; i < n; i++) sum += ((const unsigned char *)p)[i];
  return sum;
}

void fuzz_broken(const char *cond, const char *file, int line) {
  fprintf(stderr, "fuzz: %s:%d: %s\n", file, line, cond);
  abort();
}

char *fuzz_text(const uint8_t *data, size_t size) {
  if (size < 1) return NULL;
  char *text = malloc(size);
  FUZZ_ASSERT(text != NULL);
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  return text;
}
