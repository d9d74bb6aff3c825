/* PNG: grids and single images written, read back through libpng itself;
 * the reader's conversions of gray+alpha, RGBA, palette and 16-bit files. */
#include <png.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgan.h"

static char dir[] = "/tmp/wgan_test_png_XXXXXX";

/* Reads a PNG with libpng's simplified API as 8-bit gray or RGB. */
static uint8_t *libpng_read(const char *path, int rgb, int *w, int *h) {
  png_image im;
  memset(&im, 0, sizeof im);
  im.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&im, path)) return NULL;
  im.format = rgb ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  uint8_t *px = malloc(PNG_IMAGE_SIZE(im));
  if (!png_image_finish_read(&im, NULL, px, 0, NULL)) {
    free(px);
    return NULL;
  }
  *w = (int)im.width;
  *h = (int)im.height;
  return px;
}

/* Writes rows of raw samples in any PNG colour type, for the reader's tests. */
static void raw_write(const char *path, int w, int h, int type, int depth, const uint8_t *data,
                      const png_color *palette, int n_palette) {
  FILE *f = fopen(path, "wb");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (palette) png_set_PLTE(png, info, palette, n_palette);
  png_write_info(png, info);
  int ch = type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : type == PNG_COLOR_TYPE_RGB ? 3
           : type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
  size_t row = (size_t)w * ch * (depth == 16 ? 2 : 1);
  for (int y = 0; y < h; y++) png_write_row(png, data + row * y);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  fclose(f);
}

static void grid_gray(void) {
  enum { N = 10, H = 5, W = 4, NCOL = 4 };
  static float x[N][1][H][W];
  /* Pixel (k, y, x) gets byte value 20k + 3y + x + 1, stored in [-1, 1]. */
  for (int k = 0; k < N; k++)
    for (int y = 0; y < H; y++)
      for (int i = 0; i < W; i++) x[k][0][y][i] = -1.0f + 2.0f * (float)(20 * k + 3 * y + i + 1) / 255.0f;
  char path[300];
  snprintf(path, sizeof path, "%s/grid.png", dir);
  CHECK(wg_png_write_grid(path, &x[0][0][0][0], N, 1, H, W, NCOL, -1, 1) == WG_OK, "%s", wg_last_error());
  int w, h;
  uint8_t *px = libpng_read(path, 0, &w, &h);
  CHECK(px != NULL, "libpng cannot read the grid");
  if (!px) return;
  CHECK(w == NCOL * (W + 2) + 2 && h == 3 * (H + 2) + 2, "grid is %dx%d", w, h);
  int wrong = 0;
  for (int yy = 0; yy < h; yy++)
    for (int xx = 0; xx < w; xx++) {
      int cy = (yy - 2) / (H + 2), cx = (xx - 2) / (W + 2);
      int y = (yy - 2) % (H + 2), i = (xx - 2) % (W + 2);
      int k = cy * NCOL + cx;
      int inside = yy >= 2 && xx >= 2 && y < H && i < W && k < N;
      int want = inside ? 20 * k + 3 * y + i + 1 : 0;
      if (px[yy * w + xx] != want && wrong++ < 3)
        CHECK(0, "pixel (%d, %d) is %d, expected %d", xx, yy, px[yy * w + xx], want);
    }
  CHECK(wrong == 0, "%d pixels wrong", wrong);
  free(px);
  char tmp[310];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  CHECK(access(tmp, F_OK) != 0, "temporary file left behind");
}

static void plain_rgb(void) {
  enum { H = 3, W = 2 };
  float x[3][H][W];
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < H; y++)
      for (int i = 0; i < W; i++) x[c][y][i] = (float)(50 * c + 10 * y + i) / 255.0f;
  x[0][0][0] = 7.0f;  /* above hi: 255 */
  x[1][0][0] = -3.0f; /* below lo: 0 */
  x[2][0][0] = NAN;   /* 0 */
  char path[300];
  snprintf(path, sizeof path, "%s/rgb.png", dir);
  CHECK(wg_png_write(path, &x[0][0][0], 3, H, W, 0, 1) == WG_OK, "%s", wg_last_error());
  int w, h;
  uint8_t *px = libpng_read(path, 1, &w, &h);
  CHECK(px && w == W && h == H, "read back %dx%d", px ? w : -1, px ? h : -1);
  if (!px) return;
  CHECK(px[0] == 255 && px[1] == 0 && px[2] == 0, "clamped pixel %d %d %d", px[0], px[1], px[2]);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < H; y++)
      for (int i = 0; i < W; i++)
        if (y || i) CHECK(px[(y * W + i) * 3 + c] == 50 * c + 10 * y + i, "pixel %d %d %d", c, y, i);
  free(px);
  CHECK(wg_png_write(path, &x[0][0][0], 2, H, W, 0, 1) == WG_EINVAL, "2 channels accepted");
  CHECK(wg_png_write(path, &x[0][0][0], 3, H, W, 1, 1) == WG_EINVAL, "lo == hi accepted");
  CHECK(wg_png_write("/nonexistent/a.png", &x[0][0][0], 3, H, W, 0, 1) == WG_EIO, "missing folder");
}

static void read_conversions(void) {
  char path[300];
  snprintf(path, sizeof path, "%s/conv.png", dir);
  int w, h, c;
  uint8_t *px;
  /* gray + alpha: alpha dropped */
  uint8_t ga[2 * 2] = {10, 99, 200, 0};
  raw_write(path, 2, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, ga, NULL, 0);
  CHECK(wg_png_info(path, &w, &h, &c) == WG_OK && w == 2 && h == 1 && c == 1, "info gray+alpha");
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 1 && px[0] == 10 && px[1] == 200, "gray+alpha read as %d: %d %d", c, px[0], px[1]);
  free(px);
  CHECK(wg_png_read(path, 3, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 3 && px[3] == 200 && px[4] == 200 && px[5] == 200, "gray to RGB");
  free(px);
  /* RGBA */
  uint8_t rgba[4] = {1, 2, 3, 4};
  raw_write(path, 1, 1, PNG_COLOR_TYPE_RGB_ALPHA, 8, rgba, NULL, 0);
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 3 && px[0] == 1 && px[1] == 2 && px[2] == 3, "RGBA read as %d channels", c);
  free(px);
  /* palette, 4-bit indices */
  png_color pal[3] = {{0, 0, 0}, {255, 128, 1}, {9, 8, 7}};
  uint8_t idx[1] = {0x12}; /* pixels 1, 2 */
  raw_write(path, 2, 1, PNG_COLOR_TYPE_PALETTE, 4, idx, pal, 3);
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 3 && px[0] == 255 && px[1] == 128 && px[2] == 1 && px[3] == 9, "palette");
  free(px);
  /* 16-bit gray: the high byte */
  uint8_t g16[4] = {0xab, 0xcd, 0x01, 0x02};
  raw_write(path, 2, 1, PNG_COLOR_TYPE_GRAY, 16, g16, NULL, 0);
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 1 && (px[0] == 0xab || px[0] == 0xac) && px[1] <= 0x02, "16-bit: %d %d", px[0], px[1]);
  free(px);
  /* 1-bit gray */
  uint8_t g1[1] = {0x80};
  raw_write(path, 2, 1, PNG_COLOR_TYPE_GRAY, 1, g1, NULL, 0);
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_OK, "%s", wg_last_error());
  CHECK(c == 1 && px[0] == 255 && px[1] == 0, "1-bit: %d %d", px[0], px[1]);
  free(px);
}

static void bad_files(void) {
  char path[300];
  snprintf(path, sizeof path, "%s/text.png", dir);
  FILE *f = fopen(path, "w");
  fputs("not an image\n", f);
  fclose(f);
  int w, h, c;
  uint8_t *px;
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_EFORMAT, "text accepted");
  CHECK(strstr(wg_last_error(), path) && strstr(wg_last_error(), "not a PNG"), "%s", wg_last_error());
  /* A PNG cut in the middle of its pixel data. */
  snprintf(path, sizeof path, "%s/cut.png", dir);
  float x[64 * 64];
  wg_rng r;
  wg_rng_seed(&r, 5);
  printf("seed 5\n");
  wg_rng_fill_uniform(&r, x, 64 * 64, 0, 1);
  CHECK(wg_png_write(path, x, 1, 64, 64, 0, 1) == WG_OK, "%s", wg_last_error());
  CHECK(truncate(path, 200) == 0, "truncate");
  CHECK(wg_png_read(path, 0, &w, &h, &c, &px) == WG_EFORMAT, "truncated PNG accepted");
  CHECK(strstr(wg_last_error(), path) != NULL, "%s", wg_last_error());
  CHECK(wg_png_read("/nonexistent.png", 0, &w, &h, &c, &px) == WG_EIO, "missing file");
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  RUN(grid_gray);
  RUN(plain_rgb);
  RUN(read_conversions);
  RUN(bad_files);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
