/* IDX files: tiny files written here (plain and gzip) load with the right
 * values; each kind of damage is refused with a message; the real
 * Fashion-MNIST files load (skipped when they are not installed). */
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "wgan.h"

static char dir[] = "/tmp/wgan_test_idx_XXXXXX";

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void write_file(const char *path, const uint8_t *b, size_t len, int gz) {
  if (gz) {
    gzFile f = gzopen(path, "wb");
    gzwrite(f, b, (unsigned)len);
    gzclose(f);
  } else {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
  }
}

/* n images of rows x cols, pixel (i, k) = (7i + k) mod 256; labels i mod 10.
 * Returns the image file's length. */
enum { N = 5, ROWS = 3, COLS = 4 };
static uint8_t img[16 + N * ROWS * COLS], lab[8 + N];

static void make_bytes(void) {
  put_be32(img, 0x803);
  put_be32(img + 4, N);
  put_be32(img + 8, ROWS);
  put_be32(img + 12, COLS);
  for (int i = 0; i < N; i++)
    for (int k = 0; k < ROWS * COLS; k++) img[16 + i * ROWS * COLS + k] = (uint8_t)((7 * i + k) % 256);
  img[16] = 255;
  put_be32(lab, 0x801);
  put_be32(lab + 4, N);
  for (int i = 0; i < N; i++) lab[8 + i] = (uint8_t)(i % 10);
}

static void good(int gz) {
  char ip[300], lp[300];
  snprintf(ip, sizeof ip, "%s/img%s", dir, gz ? ".gz" : "");
  snprintf(lp, sizeof lp, "%s/lab%s", dir, gz ? ".gz" : "");
  write_file(ip, img, sizeof img, gz);
  write_file(lp, lab, sizeof lab, gz);
  wg_dataset *ds = wg_idx_load(ip, lp, 0, -1, 1);
  CHECK(ds != NULL, "%s", wg_last_error());
  if (!ds) return;
  CHECK(ds->n == N && ds->ndim == 3 && ds->shape[0] == 1 && ds->shape[1] == ROWS && ds->shape[2] == COLS &&
            ds->dim == ROWS * COLS,
        "shape n %lld [%d %d %d]", (long long)ds->n, ds->shape[0], ds->shape[1], ds->shape[2]);
  CHECK(ds->bytes && !ds->x, "8-bit images held as floats");
  float *x = wg_dataset_floats(ds);
  for (int i = 0; x && i < N * ROWS * COLS; i++) CHECK_CLOSE(x[i], -1 + 2 * img[16 + i] / 255.0, 1e-6, 0);
  if (x) CHECK(x[0] == 1.0f, "255 maps to %g, not hi", x[0]);
  free(x);
  for (int i = 0; i < N; i++) CHECK(ds->labels[i] == i % 10, "label %d", i);
  wg_dataset_free(ds);
  /* A limit, no labels, [0, 1]. */
  ds = wg_idx_load(ip, NULL, 2, 0, 1);
  CHECK(ds && ds->n == 2 && ds->labels == NULL, "limited load");
  float v[ROWS * COLS];
  if (ds) wg_dataset_get(ds, 1, v);
  if (ds) CHECK_CLOSE(v[1], (7 + 1) / 255.0, 1e-7, 0);
  wg_dataset_free(ds);
}

static void plain_file(void) { good(0); }
static void gzip_file(void) { good(1); }

static void expect_refused(const uint8_t *ib, size_t il, const uint8_t *lb, size_t ll, int gz,
                           const char *bad_name, const char *word) {
  char ip[300], lp[300];
  snprintf(ip, sizeof ip, "%s/bad-img%s", dir, gz ? ".gz" : "");
  snprintf(lp, sizeof lp, "%s/bad-lab%s", dir, gz ? ".gz" : "");
  write_file(ip, ib, il, gz);
  write_file(lp, lb, ll, gz);
  wg_dataset *ds = wg_idx_load(ip, lp, 0, 0, 1);
  CHECK(ds == NULL, "%s accepted", word);
  wg_dataset_free(ds);
  const char *name = strcmp(bad_name, "img") == 0 ? ip : lp;
  CHECK(strstr(wg_last_error(), name) && strstr(wg_last_error(), word),
        "message for '%s': %s", word, wg_last_error());
  CHECK(wg_last_status() == WG_EFORMAT, "status %d", wg_last_status());
}

static void bad_files(void) {
  for (int gz = 0; gz < 2; gz++) {
    uint8_t b[sizeof img], l[sizeof lab];
    memcpy(b, img, sizeof b);
    put_be32(b, 0x801); /* a label file given as images */
    expect_refused(b, sizeof b, lab, sizeof lab, gz, "img", "magic number 0x00000801");
    memcpy(l, lab, sizeof l);
    put_be32(l, 0x803);
    expect_refused(img, sizeof img, l, sizeof l, gz, "lab", "magic number 0x00000803");
    memcpy(b, img, sizeof b);
    put_be32(b + 8, 0); /* zero rows */
    expect_refused(b, sizeof b, lab, sizeof lab, gz, "img", "offset 8: dimension 1 is 0");
    memcpy(b, img, sizeof b);
    put_be32(b + 4, N + 1); /* one image more than the file holds */
    expect_refused(b, sizeof b, lab, sizeof lab, gz, "img", "truncated");
    expect_refused(img, sizeof img - 1, lab, sizeof lab, gz, "img", "truncated");
    expect_refused(img, 10, lab, sizeof lab, gz, "img", "truncated");
    expect_refused(img, sizeof img, lab, sizeof lab - 1, gz, "lab", "truncated");
    memcpy(l, lab, sizeof l);
    put_be32(l + 4, N - 1); /* fewer labels than images */
    expect_refused(img, sizeof img, l, sizeof l - 1, gz, "lab", "4 labels for 5 images");
    memcpy(b, img, sizeof b);
    put_be32(b + 4, N - 1); /* dims describe less than the file holds */
    expect_refused(b, sizeof b, lab, sizeof lab, gz, "img", "past the size");
  }
  /* A gzip stream cut short. */
  char p[300];
  snprintf(p, sizeof p, "%s/cut.gz", dir);
  write_file(p, img, sizeof img, 1);
  FILE *f = fopen(p, "rb");
  uint8_t buf[512];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  write_file(p, buf, len - 12, 0);
  wg_dataset *ds = wg_idx_load(p, NULL, 0, 0, 1);
  CHECK(ds == NULL && strstr(wg_last_error(), p), "cut gzip: %s", wg_last_error());
  wg_dataset_free(ds);
  ds = wg_idx_load("/nonexistent/x-idx3-ubyte", NULL, 0, 0, 1);
  CHECK(ds == NULL && wg_last_status() == WG_EIO, "missing file: %s", wg_last_error());
}

static void known_names(void) {
  const char *ip, *lp;
  CHECK(wg_idx_known_paths("fashion-mnist", 1, &ip, &lp) == WG_OK, "known name");
  CHECK(wg_idx_known_paths("cifar", 1, &ip, &lp) == WG_EINVAL && strstr(wg_last_error(), "cifar"), "unknown");
}

static void fashion_mnist(void) {
  const char *ip, *lp;
  wg_idx_known_paths("fashion-mnist", 1, &ip, &lp);
  if (access(ip, R_OK) != 0) SKIP("%s not installed (Debian package dataset-fashion-mnist)", ip);
  for (int train = 0; train < 2; train++) {
    wg_dataset *ds = wg_idx_load_named("fashion-mnist", train, 100, -1, 1);
    CHECK(ds != NULL, "%s", wg_last_error());
    if (!ds) return;
    CHECK(ds->n == 100 && ds->shape[0] == 1 && ds->shape[1] == 28 && ds->shape[2] == 28, "shape");
    float lo = 9, hi = -9;
    float *x = wg_dataset_floats(ds);
    for (int64_t i = 0; x && i < ds->n * ds->dim; i++) lo = fminf(lo, x[i]), hi = fmaxf(hi, x[i]);
    free(x);
    CHECK(lo >= -1 && hi <= 1 && hi > lo, "values in [%g, %g]", lo, hi);
    int seen[10] = {0}, kinds = 0;
    for (int i = 0; i < 100; i++) {
      CHECK(ds->labels[i] < 10, "label %d", ds->labels[i]);
      if (ds->labels[i] < 10 && !seen[ds->labels[i]]++) kinds++;
    }
    CHECK(kinds >= 8, "only %d classes among the first 100", kinds);
    wg_dataset_free(ds);
  }
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  make_bytes();
  RUN(plain_file);
  RUN(gzip_file);
  RUN(bad_files);
  RUN(known_names);
  RUN(fashion_mnist);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
