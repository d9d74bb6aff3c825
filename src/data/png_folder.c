/* A folder of PNG images as a dataset: every *.png, sorted by name (byte
 * order, not the locale's, so every machine sees the same order). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/error.h"
#include "wgan/data.h"
#include "wgan/io.h"

static int is_png_name(const struct dirent *e) {
  size_t len = strlen(e->d_name);
  return len > 4 && e->d_name[0] != '.' && strcasecmp(e->d_name + len - 4, ".png") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static char *join(const char *dir, const char *name) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *p = malloc(len);
  if (p) snprintf(p, len, "%s/%s", dir, name);
  return p;
}

wg_dataset *wg_png_folder_load(const char *dir, int64_t limit, float lo, float hi) {
  struct dirent **list = NULL;
  int count = scandir(dir, &list, is_png_name, by_name);
  if (count < 0) {
    wg_set_error(WG_EIO, "%s: cannot read the folder: %s", dir, strerror(errno));
    return NULL;
  }
  wg_dataset *ds = NULL;
  char **paths = calloc((size_t)count + 1, sizeof *paths);
  int n = 0, ok = paths != NULL;
  if (!ok) wg_set_error(WG_ENOMEM, "%s: out of memory", dir);
  /* Regular files only (a folder named x.png is skipped). */
  for (int i = 0; ok && i < count && (limit <= 0 || n < limit); i++) {
    struct stat sb;
    char *p = join(dir, list[i]->d_name);
    if (!p) {
      ok = 0;
      wg_set_error(WG_ENOMEM, "%s: out of memory", dir);
    } else if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
      paths[n++] = p;
    } else {
      free(p);
    }
  }
  if (ok && n == 0) {
    ok = 0;
    wg_set_error(WG_EINVAL, "%s: no .png files in the folder", dir);
  }
  /* First pass, headers only: one size for all, colour if any is. */
  int w0 = 0, h0 = 0, c = 1;
  for (int i = 0; ok && i < n; i++) {
    int w, h, ci;
    if (wg_png_info(paths[i], &w, &h, &ci) != WG_OK) {
      ok = 0;
    } else if (i == 0) {
      w0 = w;
      h0 = h;
    } else if (w != w0 || h != h0) {
      ok = 0;
      wg_set_error(WG_EFORMAT, "%s: image is %dx%d but %s is %dx%d; all images must have one size",
                   paths[i], w, h, paths[0], w0, h0);
    }
    if (ok && ci == 3) c = 3;
  }
  if (ok) {
    int shape[3] = {c, h0, w0};
    ds = wg_dataset_new_bytes(n, 3, shape, 0);
    ok = ds != NULL;
  }
  const float scale = (hi - lo) / 255.0f;
  for (int k = 0; ds && k < 256; k++) ds->levels[k] = lo + scale * (float)k;
  for (int i = 0; ok && i < n; i++) {
    int w, h, ci;
    uint8_t *px; /* [h, w, c] */
    if (wg_png_read(paths[i], c, &w, &h, &ci, &px) != WG_OK) {
      ok = 0;
      break;
    }
    if (w != w0 || h != h0) { /* changed since the first pass */
      free(px);
      ok = 0;
      wg_set_error(WG_EFORMAT, "%s: image is %dx%d, expected %dx%d", paths[i], w, h, w0, h0);
      break;
    }
    uint8_t *out = ds->bytes + (int64_t)i * ds->dim; /* [c, h, w] */
    for (int ch = 0; ch < c; ch++)
      for (int64_t k = 0; k < (int64_t)h * w; k++) out[ch * (int64_t)h * w + k] = px[k * c + ch];
    free(px);
  }
  for (int i = 0; i < count; i++) free(list[i]);
  free(list);
  for (int i = 0; paths && i < n; i++) free(paths[i]);
  free(paths);
  if (!ok) {
    wg_dataset_free(ds);
    return NULL;
  }
  return ds;
}
