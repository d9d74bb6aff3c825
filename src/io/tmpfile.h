/* Internal: writing a file through "<path>.tmp", fsync'ed and renamed over
 * path, so that a crash leaves either the old file or the new one. */
#ifndef WGAN_IO_TMPFILE_H
#define WGAN_IO_TMPFILE_H
#include <stdio.h>

#include "wgan/base.h"

typedef struct {
  FILE *f;
  const char *path;
  char *tmp;  /* "<path>.tmp", malloc'd */
} wg_tmpfile;

/* Opens path.tmp for writing. */
wg_status wg_tmpfile_open(wg_tmpfile *t, const char *path);
/* Flushes, fsyncs, closes and renames over the target; on any failure the
 * temporary file is removed. Either way t is finished. */
wg_status wg_tmpfile_commit(wg_tmpfile *t);
/* Closes and removes the temporary file (after a failed write). */
void wg_tmpfile_abort(wg_tmpfile *t);

#endif
