/* wgan sample DIR|CHECKPOINT -n N [--out grid.png] [--csv points.csv] [--seed S]
 * [--noise z.csv]: draws from a trained generator. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"

typedef struct {
  int n;
  uint64_t seed;
  const char *png, *csv, *noise;
} sample_opts;

#define AT(member) WG_FIELD_AT(sample_opts, member)
static const wg_field fields[] = {
    CLI_OPTION("n", "-n", WG_FIELD_INT, AT(n), 1, 1000000, NULL, "samples to draw (default 64)"),
    CLI_OPTION("out", "--out", WG_FIELD_STRING, AT(png), 0, 0, NULL, "images: write a grid PNG (8 per row)"),
    CLI_OPTION("csv", "--csv", WG_FIELD_STRING, AT(csv), 0, 0, NULL, "one sample per row (default for points: stdout)"),
    CLI_OPTION("seed", "--seed", WG_FIELD_U64, AT(seed), 0, 0, NULL, "the noise"),
    CLI_OPTION("noise", "--noise", WG_FIELD_STRING, AT(noise), 0, 0, NULL,
               "a CSV of noise vectors, one per row (nz columns): a sample for each, instead of -n and --seed"),
};

/* The noise of --noise as floats: nz columns, at least one row. 0 or the exit code. */
static int read_noise(const char *path, int nz, float **z, int *n) {
  double *d;
  int64_t rows;
  int cols, code = 0;
  *z = NULL;
  if (wg_csv_read(path, &d, &rows, &cols) != WG_OK) return cli_fail_lib();
  if (cols != nz) code = cli_fail(2, "%s: %d columns, but this generator takes noise of %d values", path, cols, nz);
  else if (rows > 1000000) code = cli_fail(2, "%s: %lld rows, more than the 1000000 samples one call draws", path, (long long)rows);
  else if (!(*z = malloc(sizeof(float) * (size_t)(rows * cols)))) code = cli_fail(1, "out of memory for %s", path);
  for (int64_t i = 0; *z && i < rows * cols; i++) (*z)[i] = (float)d[i];
  free(d);
  *n = (int)rows;
  return code;
}

static int write_csv(FILE *f, const float *x, int n, int64_t dim) {
  for (int i = 0; i < n; i++)
    for (int64_t k = 0; k < dim; k++) fprintf(f, "%.9g%c", x[i * dim + k], k + 1 < dim ? ',' : '\n');
  return ferror(f) ? -1 : 0;
}

/* Draws n samples of s (from noise z, or from the seed's when z is NULL)
 * and writes them where o says; the exit code. */
static int draw(wg_gan_state *s, const sample_opts *o, const float *z, int n) {
  int64_t dim = 1;
  for (int i = 0; i < s->sample_ndim; i++) dim *= s->sample_shape[i];
  float *x = malloc(sizeof(float) * (size_t)(n * dim));
  wg_rng rng;
  wg_rng_seed(&rng, o->seed);
  int code = 0;
  if (!x) code = cli_fail(1, "out of memory for %d samples", n);
  else if ((z ? wg_gan_generate(&s->models, z, n, x) : wg_gan_sample(&s->models, &rng, n, x)) != WG_OK)
    code = cli_fail_lib();
  else if (o->png && wg_png_write_grid(o->png, x, n, s->sample_shape[0], s->sample_shape[1], s->sample_shape[2], 8,
                                       s->models.out_lo, s->models.out_hi) != WG_OK)
    code = cli_fail_lib();
  if (!code && (o->csv || !o->png)) {
    FILE *f = o->csv ? fopen(o->csv, "w") : stdout;
    if (!f || write_csv(f, x, n, dim) || (o->csv && fclose(f)))
      code = cli_fail(1, "cannot write %s", o->csv ? o->csv : "stdout");
  }
  free(x);
  return code;
}

int cmd_sample(int argc, char **argv) {
  sample_opts o = {.seed = 1};
  const char *source;
  int npos;
  cli_group g = {fields, sizeof fields / sizeof fields[0], &o, NULL};
  cli_command c = {.usage = "usage: wgan sample DIR|CHECKPOINT [options]\n", .groups = &g, .ngroups = 1,
                   .pos = &source, .max_pos = 1, .npos = &npos};
  int rc = cli_parse(&c, argc, argv);
  if (rc) return rc == 1 ? 0 : rc;
  if (!npos) return cli_fail(2, "needs a run directory or checkpoint (wgan sample --help)");
  if (o.noise && o.n) return cli_fail(2, "--noise draws one sample per row of its file; -n cannot be given with it");
  char path[1100];
  wg_checkpoint_path(source, path, sizeof path);
  wg_gan_state s;
  if (wg_checkpoint_load(path, &s) != WG_OK) return cli_fail_lib();
  if (o.png && s.sample_ndim != 3)
    rc = cli_fail(2, "--out makes an image grid, but this generator makes %d-D points; use --csv", s.sample_shape[0]);
  else if (o.noise) {
    int n = 0;
    float *z;
    rc = read_noise(o.noise, s.models.nz, &z, &n);
    if (!rc) rc = draw(&s, &o, z, n);
    free(z);
  } else
    rc = draw(&s, &o, NULL, o.n ? o.n : 64);
  wg_gan_state_free(&s);
  return rc;
}
