/* Crash-safe file replacement: write a temporary file, fsync, rename. */
#include "io/tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

wg_status wg_tmpfile_open(wg_tmpfile *t, const char *path) {
  t->path = path;
  t->f = NULL;
  t->tmp = malloc(strlen(path) + 5);
  if (!t->tmp) return wg_set_error(WG_ENOMEM, "%s: out of memory", path);
  strcpy(t->tmp, path);
  strcat(t->tmp, ".tmp");
  t->f = fopen(t->tmp, "wb");
  if (!t->f) {
    wg_status st = wg_set_error(WG_EIO, "%s: cannot create: %s", t->tmp, strerror(errno));
    free(t->tmp);
    t->tmp = NULL;
    return st;
  }
  return WG_OK;
}

/* Makes the rename itself durable. */
static void sync_dir(const char *path) {
  char *copy = strdup(path);
  if (!copy) return;
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(copy);
}

wg_status wg_tmpfile_commit(wg_tmpfile *t) {
  wg_status st = WG_OK;
  int bad = fflush(t->f) != 0 || ferror(t->f) || fsync(fileno(t->f)) != 0;
  int err = errno;
  if (fclose(t->f) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  if (bad) {
    st = wg_set_error(WG_EIO, "%s: write failed: %s", t->tmp, strerror(err));
    unlink(t->tmp);
  } else if (rename(t->tmp, t->path) != 0) {
    st = wg_set_error(WG_EIO, "%s: cannot rename %s over it: %s", t->path, t->tmp, strerror(errno));
    unlink(t->tmp);
  } else {
    sync_dir(t->path);
  }
  free(t->tmp);
  t->tmp = NULL;
  t->f = NULL;
  return st;
}

void wg_tmpfile_abort(wg_tmpfile *t) {
  if (t->f) fclose(t->f);
  if (t->tmp) unlink(t->tmp);
  free(t->tmp);
  t->tmp = NULL;
  t->f = NULL;
}
