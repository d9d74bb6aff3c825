/* Writes the seed corpus of every fuzz target into fuzz/corpus/TARGET/:
 * small valid inputs and near-valid ones (one thing wrong), binary ones made
 * with the library itself (PNG, safetensors, checkpoints) or with libpng and
 * zlib where the library writes no such file. Run by `make fuzz-corpus` from
 * the top folder; the same files every time. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "wgan.h"

static char path_buf[512];

static const char *path_of(const char *target, const char *name) {
  snprintf(path_buf, sizeof path_buf, "fuzz/corpus/%s", target);
  mkdir(path_buf, 0755);
  snprintf(path_buf, sizeof path_buf, "fuzz/corpus/%s/%s", target, name);
  return path_buf;
}

static void die(const char *what) {
  fprintf(stderr, "make_corpus: %s: %s\n", what, wg_last_error());
  exit(1);
}

static void put(const char *target, const char *name, const void *data, size_t size) {
  FILE *f = fopen(path_of(target, name), "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f)) die(path_buf);
}

static void put_text(const char *target, const char *name, const char *text) {
  put(target, name, text, strlen(text));
}

static unsigned char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(*size + 1);
  if (!b || fread(b, 1, *size, f) != *size) die(path);
  fclose(f);
  return b;
}

/* ---- CSV ---- */

static void csv(void) {
  static const char *const seeds[][2] = {
      {"points", "x,y\n0.5,1\n-2,3e-3\n1e-300,-0\n"},
      {"no_header", "1,2,3\n4,5,6\n"},
      {"weights", "0.25\n0.75\n"},
      {"weights_negative", "-1\n2\n"},
      {"weights_zero", "0\n0\n"},
      {"crlf_blank_end", "1,2\r\n3,4\r\n\r\n\n"},
      {"spaces", " 1 ,\t2 \n\t3,4\t\n"},
      {"ragged", "1,2\n3\n"},
      {"nan", "1,nan\n"},
      {"inf", "a\n-inf\n"},
      {"blank_inside", "1\n\n2\n"},
      {"empty_field", "1,,2\n"},
      {"header_only", "a,b\n"},
      {"two_headers", "a,b\nc,d\n1,2\n"},
      {"too_big_for_float", "1e300,1\n"},
      {"hex", "0x1p3,1\n"},
      {"no_newline", "7"},
  };
  for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) put_text("fuzz_csv", seeds[i][0], seeds[i][1]);
  char field[200];
  memset(field, '1', sizeof field - 2);
  field[sizeof field - 2] = '\n';
  field[sizeof field - 1] = '\0';
  put_text("fuzz_csv", "long_field", field);
}

/* ---- IDX ---- */

static size_t idx_images(unsigned char *out, uint32_t n, uint32_t rows, uint32_t cols, uint32_t magic) {
  uint32_t head[4] = {magic, n, rows, cols};
  size_t len = 0;
  for (int i = 0; i < 4; i++)
    for (int b = 3; b >= 0; b--) out[len++] = (unsigned char)(head[i] >> (8 * b));
  for (uint32_t i = 0; i < n * rows * cols; i++) out[len++] = (unsigned char)(i * 37);
  return len;
}

static size_t idx_labels(unsigned char *out, uint32_t n) {
  uint32_t head[2] = {0x801, n};
  size_t len = 0;
  for (int i = 0; i < 2; i++)
    for (int b = 3; b >= 0; b--) out[len++] = (unsigned char)(head[i] >> (8 * b));
  for (uint32_t i = 0; i < n; i++) out[len++] = (unsigned char)(i % 10);
  return len;
}

static size_t gzip_bytes(const unsigned char *in, size_t len, unsigned char *out, size_t cap) {
  z_stream z = {0};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) die("deflateInit2");
  z.next_in = (unsigned char *)in;
  z.avail_in = (uInt)len;
  z.next_out = out;
  z.avail_out = (uInt)cap;
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) die("deflate");
  deflateEnd(&z);
  return cap - z.avail_out;
}

/* flags, then (with labels) the images' length in two bytes, the images, the labels. */
static void put_idx(const char *name, int flags, const unsigned char *images, size_t ni, const unsigned char *labels,
                    size_t nl) {
  unsigned char buf[4096];
  size_t len = 0;
  buf[len++] = (unsigned char)flags;
  if (flags & 4) {
    buf[len++] = (unsigned char)ni;
    buf[len++] = (unsigned char)(ni >> 8);
  }
  memcpy(buf + len, images, ni);
  len += ni;
  memcpy(buf + len, labels, nl);
  len += nl;
  put("fuzz_idx", name, buf, len);
}

static void idx(void) {
  unsigned char img[1024], lab[64], gz[2048], gzl[256];
  size_t ni = idx_images(img, 3, 2, 4, 0x803), nl = idx_labels(lab, 3);
  put_idx("plain", 0, img, ni, NULL, 0);
  put_idx("limit_one", 1, img, ni, NULL, 0);
  put_idx("labels", 4, img, ni, lab, nl);
  put_idx("labels_limit_two", 4 | 2, img, ni, lab, nl);
  put_idx("gzip_by_target", 8, img, ni, NULL, 0);
  put_idx("gzip_both_by_target", 4 | 8 | 16, img, ni, lab, nl);
  size_t ngz = gzip_bytes(img, ni, gz, sizeof gz), ngzl = gzip_bytes(lab, nl, gzl, sizeof gzl);
  put_idx("gzip_file", 0, gz, ngz, NULL, 0);
  put_idx("gzip_files_labels", 4, gz, ngz, gzl, ngzl);
  put_idx("gzip_truncated", 0, gz, ngz - 5, NULL, 0);
  put_idx("truncated_pixels", 0, img, ni - 1, NULL, 0);
  img[ni] = 9;
  put_idx("extra_byte", 0, img, ni + 1, NULL, 0);
  put_idx("labels_count_differs", 4, img, ni, lab, idx_labels(lab, 2));
  put_idx("labels_truncated", 4, img, ni, lab, nl - 1);
  put_idx("header_only", 0, img, 12, NULL, 0);
  ni = idx_images(img, 2, 2, 2, 0x801);
  put_idx("wrong_magic", 0, img, ni, NULL, 0);
  ni = idx_images(img, 1, 0, 3, 0x803);
  put_idx("zero_rows", 0, img, ni, NULL, 0);
}

/* ---- PNG ---- */

/* A w x h image of libpng's colour type and depth, written directly. */
static void put_png(const char *name, int w, int h, int type, int depth, int interlace) {
  FILE *f = fopen(path_of("fuzz_png", name), "wb");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  if (!f || !info || setjmp(png_jmpbuf(png))) die(name);
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, type, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (type == PNG_COLOR_TYPE_PALETTE) {
    png_color pal[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {255, 255, 255}};
    png_set_PLTE(png, info, pal, 4);
  }
  png_write_info(png, info);
  int channels = type == PNG_COLOR_TYPE_RGB ? 3 : type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                 : type == PNG_COLOR_TYPE_GRAY_ALPHA                                ? 2
                                                                                    : 1;
  size_t row = ((size_t)w * channels * depth + 7) / 8;
  unsigned char *px = malloc(row * (size_t)h);
  for (size_t i = 0; i < row * (size_t)h; i++) px[i] = (unsigned char)(i * 29 + 3);
  png_bytep rows[64];
  for (int y = 0; y < h; y++) rows[y] = px + row * (size_t)y;
  png_write_image(png, rows);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  fclose(f);
  free(px);
}

static void png(void) {
  float x[3 * 4 * 5];
  for (int i = 0; i < 60; i++) x[i] = (float)i / 59.0f;
  if (wg_png_write(path_of("fuzz_png", "gray_3x4"), x, 1, 3, 4, 0, 1) != WG_OK) die("png");
  if (wg_png_write(path_of("fuzz_png", "rgb_4x5"), x, 3, 4, 5, 0, 1) != WG_OK) die("png");
  put_png("palette_2bit", 5, 3, PNG_COLOR_TYPE_PALETTE, 2, PNG_INTERLACE_NONE);
  put_png("gray_1bit", 9, 2, PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE);
  put_png("gray_16bit", 3, 3, PNG_COLOR_TYPE_GRAY, 16, PNG_INTERLACE_NONE);
  put_png("gray_alpha", 2, 3, PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE);
  put_png("rgba_16bit", 3, 2, PNG_COLOR_TYPE_RGB_ALPHA, 16, PNG_INTERLACE_NONE);
  put_png("rgb_interlaced", 9, 9, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_ADAM7);
  size_t size;
  unsigned char *b = slurp(path_of("fuzz_png", "gray_3x4"), &size);
  put("fuzz_png", "truncated", b, size - 20);
  b[1] = 'Q';
  put("fuzz_png", "bad_signature", b, size);
  free(b);
}

/* ---- safetensors ---- */

static void safetensors(void) {
  float w[3][4] = {{1, -2, 3, 0.5f}, {1e-42f, 0, -0.0f, 7}, {8, 9, 10, 11}};
  int64_t counts[3] = {0, -1, INT64_MAX};
  uint8_t bytes[5] = {0, 1, 2, 254, 255};
  uint16_t half[2] = {0x3c00, 0x7e00};
  float scalar = 2;
  wg_st_tensor t[] = {
      {.name = "critic.w", .dtype = WG_DT_F32, .ndim = 2, .shape = {3, 4}, .data = w},
      {.name = "step", .dtype = WG_DT_I64, .ndim = 1, .shape = {3}, .data = counts},
      {.name = "empty", .dtype = WG_DT_F32, .ndim = 2, .shape = {0, 3}, .data = NULL},
      {.name = "bytes", .dtype = WG_DT_U8, .ndim = 1, .shape = {5}, .data = bytes},
      {.name = "half", .dtype = WG_DT_F16, .ndim = 2, .shape = {1, 2}, .data = half},
      {.name = "scalar", .dtype = WG_DT_F32, .ndim = 0, .data = &scalar},
  };
  const char *meta[] = {"mode", "wgan-gp", "note", "\"quoted\" \\ \xc3\xbc"};
  if (wg_safetensors_write(path_of("fuzz_safetensors", "ours"), t, 6, meta, 2) != WG_OK) die("safetensors");
  if (wg_safetensors_write(path_of("fuzz_safetensors", "one_tensor"), t, 1, NULL, 0) != WG_OK) die("safetensors");
  if (wg_safetensors_write(path_of("fuzz_safetensors", "nothing"), t, 0, NULL, 0) != WG_OK) die("safetensors");
  /* As other writers write them: no checksum, spaces, entries out of data order. */
  static const char foreign[] =
      "{\"b\": {\"dtype\": \"I32\", \"shape\": [2], \"data_offsets\": [4, 12]},\n"
      " \"a\": {\"dtype\": \"BF16\", \"shape\": [2, 1], \"data_offsets\": [0, 4]},\n"
      " \"__metadata__\": {\"format\": \"pt\"}}  ";
  static const char *const broken[][2] = {
      {"overlap", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                  "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}"},
      {"gap", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}"},
      {"span_differs", "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}"},
      {"unknown_dtype", "{\"a\":{\"dtype\":\"F8\",\"shape\":[4],\"data_offsets\":[0,4]}}"},
      {"extra_key", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4],\"x\":1}}"},
      {"metadata_number", "{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}"},
      {"duplicate", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                    "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}"},
      {"not_json", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]"},
      {"big_shape", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}"},
  };
  unsigned char buf[1024];
  size_t len = strlen(foreign);
  for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)len >> (8 * i));
  memcpy(buf + 8, foreign, len);
  memset(buf + 8 + len, 0x41, 12);
  put("fuzz_safetensors", "foreign", buf, 8 + len + 12);
  for (size_t k = 0; k < sizeof broken / sizeof *broken; k++) {
    len = strlen(broken[k][1]);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)len >> (8 * i));
    memcpy(buf + 8, broken[k][1], len);
    memset(buf + 8 + len, 7, 4);
    put("fuzz_safetensors", broken[k][0], buf, 8 + len + 4);
  }
  size_t size;
  unsigned char *b = slurp(path_of("fuzz_safetensors", "ours"), &size);
  b[size - 1] ^= 1;
  put("fuzz_safetensors", "bad_checksum", b, size);
  put("fuzz_safetensors", "truncated", b, size - 3);
  b[0] = 0xff;
  put("fuzz_safetensors", "header_too_long", b, size);
  free(b);
}

/* ---- checkpoints ---- */

static void save(const char *name, wg_loss_kind loss, wg_model_kind model, int ndim, const int *shape, int dim,
                 int nz, int batchnorm) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, loss, model);
  snprintf(cfg.data, sizeof cfg.data, "8gaussians");
  cfg.dim = dim;
  cfg.nz = nz;
  cfg.batchnorm = batchnorm;
  wg_gan_state s;
  if (wg_gan_state_init(&s, &cfg, ndim, shape) != WG_OK) die(name);
  s.iter = 3;
  s.opt_gen.step = 3;
  s.opt_critic.step = 15;
  s.seconds = 0.25;
  if (wg_checkpoint_save(path_of("fuzz_checkpoint", name), &s) != WG_OK) die(name);
  wg_gan_state_free(&s);
}

/* A copy of checkpoint `from` with metadata `key` set to value (NULL: left
 * out), written by the library so that its checksum holds. */
static void with_meta(const char *from, const char *name, const char *key, const char *value) {
  char src[512];
  snprintf(src, sizeof src, "%s", path_of("fuzz_checkpoint", from));
  wg_safetensors *st = wg_safetensors_open(src, 1);
  if (!st) die(src);
  wg_st_tensor t[64];
  int n = wg_safetensors_count(st), k = 0;
  if (n > 64) die(src);
  for (int i = 0; i < n; i++) t[i] = *wg_safetensors_at(st, i);
  const char *meta[16];
  for (int i = 0; i < wg_safetensors_meta_count(st); i++) {
    const char *mk, *mv;
    wg_safetensors_meta_at(st, i, &mk, &mv);
    if (!strcmp(mk, WG_ST_CRC_KEY)) continue;
    if (!strcmp(mk, key)) mv = value;
    if (!mv) continue;
    meta[2 * k] = mk;
    meta[2 * k + 1] = mv;
    k++;
  }
  if (wg_safetensors_write(path_of("fuzz_checkpoint", name), t, n, meta, k) != WG_OK) die(name);
  wg_safetensors_close(st);
}

static void checkpoints(void) {
  save("gp_mlp", WG_LOSS_GP, WG_MODEL_MLP, 1, (int[]){2}, 3, 2, 0);
  save("clip_mlp_1d", WG_LOSS_CLIP, WG_MODEL_MLP, 1, (int[]){1}, 2, 1, 0);
  save("gan_mlp_image", WG_LOSS_GAN, WG_MODEL_MLP, 3, (int[]){1, 2, 2}, 2, 2, 0);
  with_meta("gp_mlp", "other_format", "format", "wgan-checkpoint-0");
  with_meta("gp_mlp", "no_seconds", "seconds", NULL);
  with_meta("gp_mlp", "bad_sample_shape", "sample_shape", "2,x,0");
  with_meta("gp_mlp", "shape_differs", "sample_shape", "3,0,0");
  with_meta("gp_mlp", "config_not_json", "config", "{\"data\":");
  with_meta("gp_mlp", "config_missing_key", "config", "{\"data\":\"8gaussians\"}");
  size_t size;
  unsigned char *b = slurp(path_of("fuzz_checkpoint", "gp_mlp"), &size);
  b[size - 2] ^= 0x40;
  put("fuzz_checkpoint", "bad_checksum", b, size);
  free(b);
  /* the first format, one flat tensor per network, as a run of that version wrote it */
  b = slurp("tests/data/checkpoint-v1-8gaussians-gp.safetensors", &size);
  put("fuzz_checkpoint", "first_format", b, size);
  free(b);
}

/* ---- options ---- */

static void fields(void) {
  /* The first byte picks the field: 0-10 fuzz_field.c's own (int, int64,
   * any int64, u64, float, double, text, string, choice, flag, flag off),
   * 11 on the trainer's (data, model, loss, seed, iters, batch, ...). */
  static const struct {
    const char *name;
    int field;
    const char *text;
  } seeds[] = {
      {"int", 0, "42"},          {"int_low", 0, "-8"},          {"int_junk", 0, "12x"},
      {"int64", 1, "9000000000000000001"},                      {"int64_zero", 1, "0"},
      {"any_near_max", 2, "9223372036854775000"},               {"any_min", 2, "-9223372036854775808"},
      {"u64_max", 3, "18446744073709551615"},                   {"u64_negative", 3, "-1"},
      {"float_bound", 4, "1e30"},                               {"float_tiny", 4, "1e-46"},
      {"double", 5, "2.5e-300"}, {"double_nan", 5, "nan"},       {"text", 6, "abcdefg"},
      {"text_long", 6, "abcdefgh"},                             {"string", 7, "any thing"},
      {"choice", 8, "cityblock"}, {"choice_bad", 8, "city"},     {"flag", 9, "1"},
      {"flag_bad", 9, "yes"},    {"flag_off", 10, "0"},          {"train_data", 11, "8gaussians"},
      {"train_model", 12, "dcgan28"},                           {"train_loss", 13, "clip"},
      {"train_seed", 14, "7"},   {"train_iters", 15, "1000000000"}, {"train_batch", 16, "0"},
      {"train_lr", 19, "1e30"},  {"train_beta1", 21, "0.999999"}, {"train_g1d_std", 29, "1e-9"},
  };
  for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
    char buf[64];
    buf[0] = (char)seeds[i].field;
    size_t len = strlen(seeds[i].text);
    memcpy(buf + 1, seeds[i].text, len);
    put("fuzz_field", seeds[i].name, buf, len + 1);
  }
}

static void settings(void) {
  static const char *const seeds[][2] = {
      {"train", "data=8gaussians\nloss=clip\nbatch=64\nlr_gen=1e-4\nlr_critic=2e-4"},
      {"unknown", "nosuch=1"},
      {"no_value", "batch"},
      {"extremes", "seed=18446744073709551615\niters=1000000000\nthreads=1024\ng1d_std=1e-9"},
      {"model", "model=dcgan\nbatchnorm=1\nwarmup_critic=0\nnz=65536\ndim=1"},
      {"out_of_range", "nz=0"},
      {"repeated", "batch=5\nbatch=6\nlambda=1e9"},
  };
  for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) put_text("fuzz_settings", seeds[i][0], seeds[i][1]);
}

/* A literal with its embedded NULs: the arguments of one argv. */
#define PUT_ARGV(name, literal) put("fuzz_cli", name, literal, sizeof literal - 1)

static void cli(void) {
  /* The first byte: even for train's tables, odd for the other one. */
  PUT_ARGV("train", "\0--data\0008gaussians\0--batch=64\0--loss\0clip\0--no-warmup-critic\0--every\0005");
  PUT_ARGV("other", "\1a.csv\0b.csv\0--metric\0cityblock\0--p=2\0--normalize\0--quiet\0-n\0abc\0--seed=9");
  PUT_ARGV("help", "\0--batch\0001\0--help");
  PUT_ARGV("missing_value", "\0--batch");
  PUT_ARGV("unknown_option", "\0--nosuch=1");
  PUT_ARGV("flag_value", "\0--batchnorm=1");
  PUT_ARGV("positional_train", "\0data.csv");
  PUT_ARGV("too_many_positional", "\1a\0b\0c");
  PUT_ARGV("bad_value", "\1--lr=1e-31\0--max-iter\0009e18");
  PUT_ARGV("dash", "\1-\0--\0-n=abcdefghijklmnopq");
}

int main(void) {
  mkdir("fuzz/corpus", 0755);
  csv();
  idx();
  png();
  safetensors();
  checkpoints();
  fields();
  settings();
  cli();
  return 0;
}
