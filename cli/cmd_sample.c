/* wgan sample DIR|CHECKPOINT -n N [--out grid.png] [--csv points.csv] [--seed S]:
 * draws from a trained generator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "commands.h"
#include "wgan.h"

static void usage(FILE *f) {
  fprintf(f, "usage: wgan sample DIR|CHECKPOINT -n N [--out grid.png] [--csv points.csv] [--seed S]\n"
             "  images: --out writes a grid (8 per row), --csv one flattened image per row\n"
             "  points: --csv writes one point per row (the default: stdout)\n");
}

/* DIR/checkpoint.safetensors, or the path itself. */
static void checkpoint_path(const char *arg, char *out, size_t size) {
  struct stat sb;
  if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) snprintf(out, size, "%s/checkpoint.safetensors", arg);
  else snprintf(out, size, "%s", arg);
}

static int write_csv(FILE *f, const float *x, int n, int64_t dim) {
  for (int i = 0; i < n; i++)
    for (int64_t k = 0; k < dim; k++) fprintf(f, "%.9g%c", x[i * dim + k], k + 1 < dim ? ',' : '\n');
  return ferror(f) ? -1 : 0;
}

int cmd_sample(int argc, char **argv) {
  const char *source = NULL, *png = NULL, *csv = NULL;
  long n = 64;
  uint64_t seed = 1;
  for (int i = 0; i < argc; i++) {
    const char *v;
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage(stdout);
      return 0;
    } else if (arg_is(argv[i], "-n")) {
      if (!(v = arg_value("sample", argc, argv, &i)) || arg_long("sample", "-n", v, 1, 1000000, &n)) return 2;
    } else if (arg_is(argv[i], "--out")) {
      if (!(png = arg_value("sample", argc, argv, &i))) return 2;
    } else if (arg_is(argv[i], "--csv")) {
      if (!(csv = arg_value("sample", argc, argv, &i))) return 2;
    } else if (arg_is(argv[i], "--seed")) {
      if (!(v = arg_value("sample", argc, argv, &i)) || arg_u64("sample", "--seed", v, &seed)) return 2;
    } else if (argv[i][0] == '-' || source) {
      fprintf(stderr, "wgan sample: unexpected argument '%s'\n", argv[i]);
      return 2;
    } else {
      source = argv[i];
    }
  }
  if (!source) {
    usage(stderr);
    return 2;
  }
  char path[1100];
  checkpoint_path(source, path, sizeof path);
  wg_gan_state s;
  if (wg_checkpoint_load(path, &s) != WG_OK) {
    fprintf(stderr, "wgan sample: %s\n", wg_last_error());
    return 2;
  }
  int image = s.sample_ndim == 3;
  if (png && !image) {
    fprintf(stderr, "wgan sample: --out makes an image grid, but this generator makes %d-D points; use --csv\n",
            s.sample_shape[0]);
    wg_gan_state_free(&s);
    return 2;
  }
  int64_t dim = 1;
  for (int i = 0; i < s.sample_ndim; i++) dim *= s.sample_shape[i];
  float *x = malloc(sizeof(float) * (size_t)(n * dim));
  wg_rng rng;
  wg_rng_seed(&rng, seed);
  int code = 0;
  if (!x || wg_gan_sample(&s.models, &rng, (int)n, x) != WG_OK) {
    fprintf(stderr, "wgan sample: %s\n", wg_last_error());
    code = 1;
  }
  if (!code && png &&
      wg_png_write_grid(png, x, (int)n, s.sample_shape[0], s.sample_shape[1], s.sample_shape[2], 8, s.models.out_lo,
                        s.models.out_hi) != WG_OK) {
    fprintf(stderr, "wgan sample: %s\n", wg_last_error());
    code = 1;
  }
  if (!code && (csv || !png)) {
    FILE *f = csv ? fopen(csv, "w") : stdout;
    if (!f || write_csv(f, x, (int)n, dim) || (csv && fclose(f))) {
      fprintf(stderr, "wgan sample: cannot write %s\n", csv ? csv : "stdout");
      code = 1;
    }
  }
  free(x);
  wg_gan_state_free(&s);
  return code;
}
