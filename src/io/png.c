/* PNG reading and writing through libpng. libpng reports errors by
 * longjmp; the handlers below keep its message for wg_last_error(). */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "io/tmpfile.h"
#include "wgan/io.h"

typedef struct {
  jmp_buf jmp;
  char msg[256];
} png_err;

static void on_error(png_structp png, png_const_charp msg) {
  png_err *e = png_get_error_ptr(png);
  snprintf(e->msg, sizeof e->msg, "%s", msg);
  longjmp(e->jmp, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

/* Opens path and checks the signature. */
static FILE *open_png(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    wg_set_error(WG_EIO, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  unsigned char sig[8];
  if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
    wg_set_error(WG_EFORMAT, "%s: not a PNG file (bad signature)", path);
    fclose(f);
    return NULL;
  }
  return f;
}

/* Shared by wg_png_info and wg_png_read: decodes the header and, when px is
 * not NULL, the pixels, converted to `channels` (0: the file's own). */
static wg_status read_png(const char *path, int channels, int *w, int *h, int *c, uint8_t **px) {
  FILE *f = open_png(path);
  if (!f) return wg_last_status();
  png_err err = {.msg = ""};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  /* Freed after a longjmp too, hence volatile. */
  uint8_t *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  wg_status st;
  if (!info) {
    st = wg_set_error(WG_ENOMEM, "%s: out of memory", path);
    goto done;
  }
  if (setjmp(err.jmp)) {
    st = wg_set_error(WG_EFORMAT, "%s: bad PNG: %s", path, err.msg);
    goto done;
  }
  png_init_io(png, f);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  int type = png_get_color_type(png, info);
  int native = (type & PNG_COLOR_MASK_COLOR) ? 3 : 1;
  int want = channels ? channels : native;
  *w = (int)png_get_image_width(png, info);
  *h = (int)png_get_image_height(png, info);
  *c = want;
  /* Deflate expands at most 1032 to 1: a header promising more pixels than
   * the file can hold is refused before anything is allocated for them. */
  struct stat sb;
  double bytes = (double)*w * *h * png_get_channels(png, info) * png_get_bit_depth(png, info) / 8;
  if (fstat(fileno(f), &sb) == 0 && bytes > 1032.0 * (double)sb.st_size) {
    st = wg_set_error(WG_EFORMAT, "%s: bad PNG: a %dx%d image needs %.0f bytes of pixels, more than a %lld-byte file "
                      "can hold (truncated?)", path, *w, *h, bytes, (long long)sb.st_size);
    goto done;
  }
  st = WG_OK;
  if (!px) goto done;
  if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
    png_set_expand_gray_1_2_4_to_8(png);
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  if (native == 1 && want == 3) png_set_gray_to_rgb(png);
  if (native == 3 && want == 1) png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, -1, -1);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  size_t row = (size_t)*w * want;
  if (png_get_rowbytes(png, info) != row) {
    st = wg_set_error(WG_EFORMAT, "%s: unsupported PNG pixel layout", path);
    goto done;
  }
  pixels = malloc(row * (size_t)*h);
  rows = malloc(sizeof(png_bytep) * (size_t)*h);
  if (!pixels || !rows) {
    st = wg_set_error(WG_ENOMEM, "%s: out of memory for %dx%d pixels", path, *w, *h);
    goto done;
  }
  for (int y = 0; y < *h; y++) rows[y] = pixels + row * (size_t)y;
  png_read_image(png, rows);
  png_read_end(png, NULL);
  *px = pixels;
  pixels = NULL;
done:
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  free(pixels);
  free(rows);
  fclose(f);
  return st;
}

wg_status wg_png_info(const char *path, int *w, int *h, int *c) {
  return read_png(path, 0, w, h, c, NULL);
}

wg_status wg_png_read(const char *path, int channels, int *w, int *h, int *c, uint8_t **px) {
  if (channels != 0 && channels != 1 && channels != 3)
    return wg_set_error(WG_EINVAL, "%s: channels must be 0, 1 or 3 (got %d)", path, channels);
  *px = NULL;
  return read_png(path, channels, w, h, c, px);
}

/* Writes interleaved 8-bit pixels px[h, w, c] through a temporary file. */
static wg_status write_pixels(const char *path, const uint8_t *px, int c, int h, int w) {
  wg_tmpfile t;
  if (wg_tmpfile_open(&t, path) != WG_OK) return wg_last_status();
  png_err err = {.msg = ""};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(png ? &png : NULL, NULL);
    wg_tmpfile_abort(&t);
    return wg_set_error(WG_ENOMEM, "%s: out of memory", path);
  }
  if (setjmp(err.jmp)) {
    png_destroy_write_struct(&png, &info);
    wg_tmpfile_abort(&t);
    return wg_set_error(WG_EIO, "%s: PNG write failed: %s", path, err.msg);
  }
  png_init_io(png, t.f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
               c == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < h; y++) png_write_row(png, px + (size_t)y * w * c);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return wg_tmpfile_commit(&t);
}

static uint8_t to_byte(float v, float lo, float hi) {
  float u = (v - lo) / (hi - lo) * 255.0f + 0.5f;
  if (!(u > 0)) return 0; /* also NaN */
  return u >= 255 ? 255 : (uint8_t)u;
}

static wg_status check_image(const char *path, int c, int h, int w, float lo, float hi) {
  if (c != 1 && c != 3)
    return wg_set_error(WG_EINVAL, "%s: images need 1 or 3 channels (got %d)", path, c);
  if (h <= 0 || w <= 0 || h > 1 << 14 || w > 1 << 14)
    return wg_set_error(WG_EINVAL, "%s: bad image size %dx%d", path, w, h);
  if (!(hi > lo)) return wg_set_error(WG_EINVAL, "%s: need lo < hi (got %g, %g)", path, lo, hi);
  return WG_OK;
}

/* n images x[n, c, h, w] in rows of ncol, `border` black pixels around
 * and between them. */
static wg_status write_grid(const char *path, const float *x, int n, int c, int h, int w,
                            int ncol, int border, float lo, float hi) {
  if (check_image(path, c, h, w, lo, hi) != WG_OK) return WG_EINVAL;
  if (n <= 0 || ncol <= 0 || n > 1 << 16)
    return wg_set_error(WG_EINVAL, "%s: bad grid of %d images, %d per row", path, n, ncol);
  if (ncol > n) ncol = n;
  int nrow = (n + ncol - 1) / ncol;
  int gw = ncol * (w + border) + border, gh = nrow * (h + border) + border;
  if ((int64_t)gw * gh * c > (int64_t)1 << 30)
    return wg_set_error(WG_EINVAL, "%s: a %dx%d grid is too large", path, gw, gh);
  uint8_t *px = calloc((size_t)gw * gh * c, 1);
  if (!px) return wg_set_error(WG_ENOMEM, "%s: out of memory for a %dx%d grid", path, gw, gh);
  for (int k = 0; k < n; k++) {
    int top = border + k / ncol * (h + border), left = border + k % ncol * (w + border);
    const float *img = x + (size_t)k * c * h * w; /* [c, h, w] */
    for (int ch = 0; ch < c; ch++)
      for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++)
          px[((size_t)(top + y) * gw + left + xx) * c + ch] =
              to_byte(img[((size_t)ch * h + y) * w + xx], lo, hi);
  }
  wg_status st = write_pixels(path, px, c, gh, gw);
  free(px);
  return st;
}

wg_status wg_png_write(const char *path, const float *x, int c, int h, int w, float lo, float hi) {
  return write_grid(path, x, 1, c, h, w, 1, 0, lo, hi);
}

wg_status wg_png_write_grid(const char *path, const float *x, int n, int c, int h, int w,
                            int ncol, float lo, float hi) {
  return write_grid(path, x, n, c, h, w, ncol, WG_PNG_GRID_BORDER, lo, hi);
}
