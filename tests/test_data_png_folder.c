/* Folders of PNG images: sorted by name, gray promoted to RGB when any file
 * is in colour, scaled to [lo, hi]; each bad folder refused by name. */
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "wgan.h"

static char root[] = "/tmp/wgan_test_pngdir_XXXXXX";

static char *sub(const char *name) {
  static char p[4][400];
  static int k;
  k = (k + 1) % 4;
  snprintf(p[k], sizeof p[k], "%s/%s", root, name);
  return p[k];
}

/* A gray h x w image whose every pixel is the byte v. */
static void gray(const char *path, int h, int w, int v) {
  float x[64 * 64];
  for (int i = 0; i < h * w; i++) x[i] = (float)v / 255.0f;
  wg_png_write(path, x, 1, h, w, 0, 1);
}

static void good_gray(void) {
  mkdir(sub("g"), 0700);
  /* Written out of order: the loader sorts by name. */
  gray(sub("g/b.png"), 3, 5, 20);
  gray(sub("g/a.png"), 3, 5, 10);
  gray(sub("g/c.PNG"), 3, 5, 255);
  FILE *f = fopen(sub("g/notes.txt"), "w"); /* not a .png: ignored */
  fputs("hello", f);
  fclose(f);
  mkdir(sub("g/dir.png"), 0700); /* a folder: ignored */
  wg_dataset *ds = wg_png_folder_load(sub("g"), 0, -1, 1);
  CHECK(ds != NULL, "%s", wg_last_error());
  if (!ds) return;
  CHECK(ds->n == 3 && ds->ndim == 3 && ds->shape[0] == 1 && ds->shape[1] == 3 && ds->shape[2] == 5,
        "n %lld shape [%d %d %d]", (long long)ds->n, ds->shape[0], ds->shape[1], ds->shape[2]);
  CHECK(ds->labels == NULL, "labels from a folder");
  float *x = wg_dataset_floats(ds);
  if (x) {
    CHECK_CLOSE(x[0], -1 + 2 * 10 / 255.0, 1e-6, 0);
    CHECK_CLOSE(x[15 + 7], -1 + 2 * 20 / 255.0, 1e-6, 0);
    CHECK(x[30 + 14] == 1.0f, "255 maps to %g", x[44]);
  }
  free(x);
  wg_dataset_free(ds);
  ds = wg_png_folder_load(sub("g"), 2, 0, 1);
  CHECK(ds && ds->n == 2, "limit 2");
  wg_dataset_free(ds);
}

static void colour_promotes_gray(void) {
  mkdir(sub("c"), 0700);
  gray(sub("c/1.png"), 2, 2, 60);
  float rgb[3][2][2];
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++) rgb[c][i / 2][i % 2] = (float)(100 * c + i) / 255.0f;
  wg_png_write(sub("c/2.png"), &rgb[0][0][0], 3, 2, 2, 0, 1);
  wg_dataset *ds = wg_png_folder_load(sub("c"), 0, 0, 255);
  CHECK(ds && ds->shape[0] == 3 && ds->dim == 12, "colour folder: %s", wg_last_error());
  if (!ds) return;
  float x[24];
  wg_dataset_get(ds, 0, x);
  wg_dataset_get(ds, 1, x + 12);
  for (int i = 0; i < 12; i++) CHECK_CLOSE(x[i], 60, 1e-4, 0); /* gray replicated */
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++) CHECK_CLOSE(x[12 + 4 * c + i], 100 * c + i, 1e-4, 0); /* planar */
  wg_dataset_free(ds);
}

static void bad_folders(void) {
  mkdir(sub("empty"), 0700);
  FILE *f = fopen(sub("empty/readme.txt"), "w");
  fclose(f);
  CHECK(wg_png_folder_load(sub("empty"), 0, 0, 1) == NULL, "empty folder accepted");
  CHECK(strstr(wg_last_error(), sub("empty")) && strstr(wg_last_error(), "no .png"), "%s", wg_last_error());

  mkdir(sub("sizes"), 0700);
  gray(sub("sizes/a.png"), 4, 4, 1);
  gray(sub("sizes/b.png"), 4, 4, 1);
  gray(sub("sizes/c.png"), 5, 4, 1);
  CHECK(wg_png_folder_load(sub("sizes"), 0, 0, 1) == NULL, "mixed sizes accepted");
  const char *m = wg_last_error();
  CHECK(strstr(m, "sizes/c.png") && strstr(m, "4x5") && strstr(m, "sizes/a.png") && strstr(m, "4x4"),
        "message: %s", m);

  mkdir(sub("text"), 0700);
  gray(sub("text/a.png"), 4, 4, 1);
  f = fopen(sub("text/b.png"), "w");
  fputs("definitely not a PNG", f);
  fclose(f);
  CHECK(wg_png_folder_load(sub("text"), 0, 0, 1) == NULL, "text file accepted");
  CHECK(strstr(wg_last_error(), "text/b.png") && strstr(wg_last_error(), "not a PNG"), "%s", wg_last_error());

  CHECK(wg_png_folder_load(sub("missing"), 0, 0, 1) == NULL && wg_last_status() == WG_EIO, "missing folder");
}

int main(void) {
  if (!mkdtemp(root)) return 1;
  RUN(good_gray);
  RUN(colour_promotes_gray);
  RUN(bad_folders);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
