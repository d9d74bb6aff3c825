/* wg_checkpoint_load on a damaged checkpoint: a byte flipped at every
 * offset, the file cut at every offset, a header that lies about sizes,
 * offsets, dtypes and shapes, and files whose checksum is right but whose
 * content no run writes. Each is refused with a message naming the file, or
 * (a flip that only changes the header's padding into other whitespace)
 * loads the very same state; never a crash or a read out of bounds (run
 * under make asan). */
#include <cJSON.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file_bytes.h"
#include "wgan.h"

/* In memory where there is a tmpfs: each rewritten case is fsync'ed. */
static char dir[] = "/dev/shm/wgan_test_ckfaults_XXXXXX", dir_tmp[] = "/tmp/wgan_test_ckfaults_XXXXXX";
static const char *base;
static char good[300], bad[300], resaved[300];
static unsigned char *orig;
static size_t orig_len;
static uint64_t orig_hlen;

/* A small checkpoint written by the library: the toy MLP 4 wide, Adam. */
static int make_checkpoint(void) {
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  snprintf(cfg.data, sizeof cfg.data, "8gaussians");
  cfg.dim = 4;
  cfg.seed = 7;
  wg_gan_state s;
  if (wg_gan_state_init(&s, &cfg, 1, (int[]){2}) != WG_OK) return -1;
  s.iter = 3;
  s.opt_gen.step = 3, s.opt_critic.step = 15;
  wg_status st = wg_checkpoint_save(good, &s);
  wg_gan_state_free(&s);
  if (st != WG_OK) return -1;
  orig = slurp(good, &orig_len);
  for (int i = 0; i < 8; i++) orig_hlen |= (uint64_t)orig[i] << (8 * i);
  return 0;
}

/* 1: refused naming the file; 0: loaded a state that saves back to the
 * original bytes; -1: loaded something else (reported by the caller). */
static int load_outcome(const char *p) {
  wg_gan_state s;
  wg_clear_error();
  if (wg_checkpoint_load(p, &s) != WG_OK) {
    if (!strstr(wg_last_error(), p)) {
      CHECK(0, "the message does not name %s: %s", p, wg_last_error());
    }
    return 1;
  }
  wg_status st = wg_checkpoint_save(resaved, &s);
  wg_gan_state_free(&s);
  size_t len;
  unsigned char *b = st == WG_OK ? slurp(resaved, &len) : NULL;
  int same = b && len == orig_len && memcmp(b, orig, len) == 0;
  free(b);
  return same ? 0 : -1;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Every byte, header included, XORed with 0x01, 0x80 and a random mask. */
static void flipped_at_every_offset(void) {
  unsigned long long seed = check_seed(0);
  wg_rng rng;
  wg_rng_seed(&rng, seed);
  unsigned char *b = malloc(orig_len);
  memcpy(b, orig, orig_len);
  int refused = 0, same = 0, wrong = 0;
  for (size_t i = 0; i < orig_len; i++) {
    unsigned masks[3] = {0x01, 0x80, 1 + (unsigned)wg_rng_below(&rng, 255)};
    for (int k = 0; k < 3; k++) {
      b[i] ^= (unsigned char)masks[k];
      spit(bad, b, orig_len);
      int r = load_outcome(bad);
      /* Only the padding may change, and only into other whitespace. */
      int harmless = i >= 8 && i < 8 + orig_hlen && is_space(orig[i]) && is_space(b[i]);
      if (r == 1) refused++;
      else if (r == 0 && harmless) same++;
      else if (wrong++ < 3) CHECK(0, "byte %zu ^ 0x%02x was accepted (%s)", i, masks[k], r ? "another state" : "unchanged");
      b[i] = orig[i];
    }
  }
  CHECK(wrong == 0, "%d of %zu flips accepted", wrong, 3 * orig_len);
  CHECK(refused > (int)(2 * orig_len), "only %d flips refused", refused);
  printf("  %zu bytes: %d flips refused, %d into padding whitespace loaded the same state\n", orig_len, refused, same);
  free(b);
}

static void truncated_at_every_offset(void) {
  int accepted = 0;
  for (size_t cut = 0; cut < orig_len; cut++) {
    spit(bad, orig, cut);
    if (load_outcome(bad) != 1 && accepted++ < 3) CHECK(0, "cut at %zu of %zu accepted", cut, orig_len);
  }
  CHECK(accepted == 0, "%d cuts accepted", accepted);
}

/* ---- headers that lie: the original's JSON edited, data left as it was ---- */

/* Writes the original data under header json (padded to 8), with the
 * length field hlen (0: the JSON's own). */
static void write_with_header(const char *json, uint64_t hlen) {
  size_t jl = strlen(json), padded = jl + (8 - (8 + jl) % 8) % 8, data = orig_len - 8 - orig_hlen;
  unsigned char *b = malloc(8 + padded + data);
  uint64_t len = hlen ? hlen : padded;
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(len >> (8 * i));
  memcpy(b + 8, json, jl);
  memset(b + 8 + jl, ' ', padded - jl);
  memcpy(b + 8 + padded, orig + 8 + orig_hlen, data);
  spit(bad, b, 8 + padded + data);
  free(b);
}

static cJSON *original_header(void) { return cJSON_ParseWithLength((const char *)orig + 8, orig_hlen); }

static void expect_refused(const char *what) {
  if (load_outcome(bad) != 1) CHECK(0, "%s: accepted", what);
}

/* Sets entry's member key to the JSON text value and writes the file. */
static void lie(const char *tensor, const char *key, const char *value, const char *what) {
  cJSON *h = original_header(), *e = cJSON_GetObjectItemCaseSensitive(h, tensor);
  CHECK(e, "%s: the checkpoint has no tensor '%s'", what, tensor);
  cJSON_ReplaceItemInObjectCaseSensitive(e, key, cJSON_Parse(value));
  char *text = cJSON_PrintUnformatted(h);
  write_with_header(text, 0);
  expect_refused(what);
  free(text);
  cJSON_Delete(h);
}

static void lying_headers(void) {
  lie("gen.main.0.weight", "dtype", "\"F64\"", "a weight as F64");
  lie("gen.main.0.weight", "dtype", "\"F16\"", "a weight as F16");
  lie("gen.main.0.weight", "dtype", "\"Q8\"", "an unknown dtype");
  lie("gen.main.0.weight", "dtype", "7", "a dtype that is a number");
  lie("critic.main.6.weight", "shape", "[3, 1000000000000]", "a shape far beyond the file");
  lie("critic.main.6.weight", "shape", "[-4]", "a negative size");
  lie("critic.main.6.weight", "shape", "[9223372036854775807, 9223372036854775807]", "a shape whose size overflows");
  lie("critic.main.6.weight", "shape", "[1,1,1,1,1,1,1,1,1,1]", "ten dimensions");
  lie("critic.main.6.weight", "shape", "\"17\"", "a shape that is a string");
  lie("rng", "shape", "[2, 2]", "rng as 2 x 2");
  lie("rng", "data_offsets", "[0, 32]", "rng over another tensor's bytes");
  lie("progress", "data_offsets", "[0, 1e300]", "an offset of 1e300");
  lie("progress", "data_offsets", "[24, 0]", "offsets in the wrong order");
  lie("progress", "data_offsets", "[0]", "one offset");
  lie("batcher", "data_offsets", "[4, 44]", "offsets moved by 4");
  /* the length field: past the file, short of the JSON, into the data */
  cJSON *h = original_header();
  char *text = cJSON_PrintUnformatted(h);
  cJSON_Delete(h);
  write_with_header(text, 0);
  CHECK(load_outcome(bad) == 0, "the header re-serialised is refused: %s", wg_last_error());
  const uint64_t lens[] = {UINT64_MAX, orig_len, orig_hlen - 1, orig_hlen / 2, 1, orig_hlen + 8, orig_hlen + 64};
  for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
    write_with_header(text, lens[i]);
    char what[64];
    snprintf(what, sizeof what, "a header length of %llu", (unsigned long long)lens[i]);
    expect_refused(what);
  }
  free(text);
}

/* ---- checksum right, content no run writes: rewritten by the writer ---- */

typedef struct {
  const char *meta_key, *meta_value; /* replaces that metadata value */
  const char *tensor;                /* that tensor... */
  int64_t numel;                     /* ...with this many elements (0: as it is) */
  int retype;                        /* ...as dtype */
  wg_dtype dtype;
  int drop;                          /* ...left out */
  int poison;                        /* ...its first float NaN, or its int64s negative */
  const char *word;                  /* in the message */
  int loads;                         /* the unchanged control: loads the original state */
} rewrite;

static void rewritten(const rewrite *c, const char *what) {
  wg_safetensors *st = wg_safetensors_open(good, 1);
  if (!st) {
    CHECK(0, "%s", wg_last_error());
    return;
  }
  wg_st_tensor t[64];
  int n = 0;
  static unsigned char scratch[1 << 16];
  for (int i = 0; i < wg_safetensors_count(st); i++) {
    wg_st_tensor x = *wg_safetensors_at(st, i);
    if (c->tensor && !strcmp(x.name, c->tensor)) {
      if (c->drop) continue;
      size_t bytes = wg_dtype_size(x.dtype);
      for (int d = 0; d < x.ndim; d++) bytes *= (size_t)x.shape[d];
      memcpy(scratch, x.data, bytes);
      if (c->numel) x.ndim = 1, x.shape[0] = c->numel;
      if (c->retype) x.dtype = c->dtype;
      if (c->poison && x.dtype == WG_DT_F32) ((float *)scratch)[1] = NAN;
      if (c->poison && x.dtype == WG_DT_I64) ((int64_t *)scratch)[0] = -5;
      if (c->poison && x.dtype == WG_DT_U64) memset(scratch, 0, bytes);
      x.data = scratch;
    }
    t[n++] = x;
  }
  const char *meta[16];
  int nm = 0;
  for (int i = 0; i < wg_safetensors_meta_count(st); i++) {
    const char *k, *v;
    wg_safetensors_meta_at(st, i, &k, &v);
    if (!strcmp(k, WG_ST_CRC_KEY)) continue;
    meta[2 * nm] = k;
    meta[2 * nm + 1] = c->meta_key && !strcmp(k, c->meta_key) ? c->meta_value : v;
    nm++;
  }
  CHECK(wg_safetensors_write(bad, t, n, meta, nm) == WG_OK, "%s: %s", what, wg_last_error());
  wg_safetensors_close(st);
  if (c->loads) CHECK(load_outcome(bad) == 0, "%s: refused: %s", what, wg_last_error());
  else if (load_outcome(bad) != 1) CHECK(0, "%s: accepted", what);
  else if (c->word) CHECK(strstr(wg_last_error(), c->word) != NULL, "%s: message: %s", what, wg_last_error());
}

/* The configuration as saved, with key set to the JSON text value. */
static char *config_with(const char *key, const char *value) {
  wg_safetensors *st = wg_safetensors_open(good, 1);
  cJSON *j = cJSON_Parse(wg_safetensors_meta(st, "config"));
  wg_safetensors_close(st);
  cJSON_ReplaceItemInObjectCaseSensitive(j, key, cJSON_Parse(value));
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return text;
}

static void right_checksum_wrong_content(void) {
  const struct {
    const char *key, *value, *word;
  } configs[] = {
      {"batch", "-3", "batch"},          {"batch", "2.5", "batch"},     {"batch", "1e300", "batch"},
      {"n_critic", "0", "n_critic"},     {"iters", "0", "iters"},       {"threads", "5000", "threads"},
      {"lr_gen", "-1", "lr_gen"},        {"beta2", "1", "beta2"},       {"batchnorm", "2", "batchnorm"},
      {"loss", "\"hinge\"", "loss"},     {"model", "\"vgg\"", "model"}, {"dim", "\"4\"", "dim"},
      {"dim", "512", "gen.main.0.weight"}, {"nz", "3", "gen.main.0.weight"},     {"model", "\"dcgan28\"", "build"},
      {"dim", "5000", "gen.main.0.weight"},
  };
  for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
    char *text = config_with(configs[i].key, configs[i].value), what[96];
    snprintf(what, sizeof what, "config %s = %s", configs[i].key, configs[i].value);
    rewritten(&(rewrite){.meta_key = "config", .meta_value = text, .word = configs[i].word}, what);
    free(text);
  }
  const char *shapes[] = {"2,-1,0", "0,0,0", "-2,0,0", "2,x,0", "2,0,5", "2", "2,0,0junk", "100000,100000,100000", ""};
  for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
    char what[96];
    snprintf(what, sizeof what, "sample_shape '%s'", shapes[i]);
    rewritten(&(rewrite){.meta_key = "sample_shape", .meta_value = shapes[i], .word = "sample shape"}, what);
  }
  const char *times[] = {"-1", "abc", "inf", "nan", "1e400", ""};
  for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
    char what[96];
    snprintf(what, sizeof what, "seconds '%s'", times[i]);
    rewritten(&(rewrite){.meta_key = "seconds", .meta_value = times[i], .word = "training time"}, what);
  }
  rewritten(&(rewrite){.meta_key = "format", .meta_value = "wgan-checkpoint-9", .word = "not a wgan checkpoint"},
            "another format");
  rewritten(&(rewrite){.meta_key = "config", .meta_value = "{\"batch\":", .word = "JSON"}, "config not JSON");
  rewritten(&(rewrite){.tensor = "gen.main.2.weight", .numel = 5, .word = "gen.main.2.weight"}, "a weight short");
  rewritten(&(rewrite){.tensor = "critic.main.0.bias", .numel = 9, .word = "critic.main.0.bias"}, "a bias long");
  rewritten(&(rewrite){.tensor = "gen.main.6.bias", .drop = 1, .word = "gen.main.6.bias"}, "no last bias");
  rewritten(&(rewrite){.tensor = "opt_gen.m", .numel = 7, .word = "opt_gen.m"}, "opt_gen.m short");
  rewritten(&(rewrite){.tensor = "opt_critic.v", .retype = 1, .dtype = WG_DT_I32, .word = "opt_critic.v"}, "opt_critic.v as I32");
  rewritten(&(rewrite){.tensor = "rng", .drop = 1, .word = "rng"}, "no rng");
  rewritten(&(rewrite){.tensor = "batcher", .drop = 1, .word = "batcher"}, "no batcher");
  rewritten(&(rewrite){.tensor = "critic.main.4.weight", .poison = 1, .word = "critic.main.4.weight"}, "a NaN parameter");
  rewritten(&(rewrite){.tensor = "opt_gen.v", .poison = 1, .word = "opt_gen.v"}, "a NaN moment");
  rewritten(&(rewrite){.tensor = "progress", .poison = 1, .word = "negative progress"}, "iteration -5");
  rewritten(&(rewrite){.tensor = "rng", .poison = 1, .word = "RNG state"}, "an all-zero RNG state");
  /* and the unchanged rewrite loads: the cases differ from it in one thing */
  rewritten(&(rewrite){.loads = 1}, "control");
}

int main(void) {
  if (!(base = mkdtemp(dir)) && !(base = mkdtemp(dir_tmp))) return 1;
  snprintf(good, sizeof good, "%s/good.safetensors", base);
  snprintf(bad, sizeof bad, "%s/bad.safetensors", base);
  snprintf(resaved, sizeof resaved, "%s/resaved.safetensors", base);
  if (make_checkpoint() != 0) {
    printf("FAIL make_checkpoint: %s\n", wg_last_error());
    return 1;
  }
  RUN(flipped_at_every_offset);
  RUN(truncated_at_every_offset);
  RUN(lying_headers);
  RUN(right_checksum_wrong_content);
  free(orig);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system(cmd) != 0) return 1;
  CHECK_EXIT();
}
