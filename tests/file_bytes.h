/* Whole files as bytes, for tests that damage files on purpose. */
#ifndef WGAN_TESTS_FILE_BYTES_H
#define WGAN_TESTS_FILE_BYTES_H
#include <stdio.h>
#include <stdlib.h>

/* The bytes of file p (malloc'ed, one spare byte) and their count; NULL if
 * it cannot be opened, *len 0 if it cannot be read whole. */
static unsigned char *slurp(const char *p, size_t *len) {
  FILE *f = fopen(p, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(*len + 1);
  if (fread(b, 1, *len, f) != *len) *len = 0;
  fclose(f);
  return b;
}

/* Writes b[len] as the whole of file p. */
static void spit(const char *p, const void *b, size_t len) {
  FILE *f = fopen(p, "wb");
  if (len) fwrite(b, 1, len, f);
  fclose(f);
}

#endif
