/* The training run through the library: a C program gets the CLI's
 * defaults and the CLI's result; the configuration table holds the
 * reference codes' settings; a resume refuses a changed setting; a
 * checkpoint written before the table existed still loads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wgan.h"

static char tmp[] = "/tmp/wgan-test-run-XXXXXX";

static void read_text(const char *path, char *out, size_t cap) {
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(out, 1, cap - 1, f) : 0;
  out[n] = '\0';
  if (f) fclose(f);
}

/* metrics.csv without its two timing columns. */
static void metrics_without_time(const char *dir, char *out, size_t cap) {
  char path[512], text[1 << 14];
  snprintf(path, sizeof path, "%s/metrics.csv", dir);
  read_text(path, text, sizeof text);
  size_t k = 0;
  for (char *line = strtok(text, "\n"); line && k + 200 < cap; line = strtok(NULL, "\n")) {
    int commas = 0;
    for (char *p = line; *p && commas < 6; p++) {
      if (*p == ',') commas++;
      if (commas < 6) out[k++] = *p;
    }
    out[k++] = '\n';
  }
  out[k] = '\0';
}

static void library_run_equals_cli_run(void) {
  char lib_dir[256], cli_dir[256], cmd[1024];
  snprintf(lib_dir, sizeof lib_dir, "%s/lib", tmp);
  snprintf(cli_dir, sizeof cli_dir, "%s/cli", tmp);
  wg_train_config cfg;
  wg_train_config_defaults(&cfg, WG_LOSS_GP, WG_MODEL_MLP);
  snprintf(cfg.data, sizeof cfg.data, "8gaussians");
  cfg.iters = 4;
  wg_run_opts o = wg_run_defaults();
  o.out = lib_dir;
  wg_run *run;
  CHECK(wg_run_open_config(&run, &cfg, &o) == WG_OK, "%s", wg_last_error());
  if (!run) return;
  CHECK(wg_run_train(run) == WG_OK, "%s", wg_last_error());
  wg_run_close(run);
  const char *bin = getenv("WGAN_BIN") ? getenv("WGAN_BIN") : "build/wgan";
  snprintf(cmd, sizeof cmd, "%s train --data 8gaussians --iters 4 --out %s 2>/dev/null", bin, cli_dir);
  CHECK(system(cmd) == 0, "%s failed", cmd);
  char a[1 << 14], b[1 << 14];
  metrics_without_time(lib_dir, a, sizeof a);
  metrics_without_time(cli_dir, b, sizeof b);
  CHECK(strlen(a) > 40 && !strcmp(a, b), "metrics differ:\n%s\nvs\n%s", a, b);
  wg_gan_state x, y;
  char pa[512], pb[512];
  wg_checkpoint_path(lib_dir, pa, sizeof pa);
  wg_checkpoint_path(cli_dir, pb, sizeof pb);
  CHECK(wg_checkpoint_load(pa, &x) == WG_OK && wg_checkpoint_load(pb, &y) == WG_OK, "%s", wg_last_error());
  CHECK(!memcmp(&x.cfg, &y.cfg, sizeof x.cfg), "the configurations differ");
  CHECK(x.models.gen->n_params == y.models.gen->n_params &&
            !memcmp(x.models.gen->params, y.models.gen->params, sizeof(float) * (size_t)x.models.gen->n_params),
        "the generators differ");
  wg_gan_state_free(&x);
  wg_gan_state_free(&y);
}

/* The values below are the reference codes' settings, written out here. */
static void defaults_are_the_reference_settings(void) {
  wg_train_config c;
  wg_train_config_defaults(&c, WG_LOSS_GP, WG_MODEL_MLP); /* gan_toy.py */
  CHECK(c.lr_gen == 1e-4f && c.lr_critic == 1e-4f && c.beta1 == 0.5f && c.beta2 == 0.9f && c.n_critic == 5,
        "gp: Adam(1e-4, 0.5, 0.9), 5 critic steps");
  CHECK(c.batch == 256 && c.dim == 512 && c.nz == 2 && c.lambda == 0.1f, "toy mlp: batch 256, 512 wide, nz 2, 0.1");
  CHECK(c.init == WG_INIT_PYTORCH, "toy mlp: PyTorch's initialisation");
  wg_train_config_defaults(&c, WG_LOSS_GP, WG_MODEL_DCGAN28); /* gan_mnist.py */
  CHECK(c.batch == 50 && c.dim == 64 && c.nz == 128 && c.lambda == 10, "dcgan28: batch 50, DIM 64, nz 128, lambda 10");
  wg_train_config_defaults(&c, WG_LOSS_CLIP, WG_MODEL_DCGAN); /* the WGAN code */
  CHECK(c.lr_gen == 5e-5f && c.beta1 == 0.99f && c.clip == 0.01f && c.warmup_critic && c.n_critic == 5,
        "clip: RMSprop 5e-5 (alpha 0.99), clip 0.01, warm-up");
  CHECK(c.batch == 64 && c.nz == 100 && c.dim == 64, "dcgan: batch 64, nz 100, ngf = ndf = 64");
  CHECK(c.init == WG_INIT_DCGAN, "dcgan: the WGAN code's initialisation");
  wg_train_config_defaults(&c, WG_LOSS_GAN, WG_MODEL_MLP);
  CHECK(c.lr_gen == 2e-4f && c.beta2 == 0.999f && c.n_critic == 1, "gan: Adam(2e-4, 0.5, 0.999), one step");
  CHECK(wg_train_config_set(&c, "lr_gen", "0.003") == WG_OK && c.lr_critic == 0.003f, "lr_gen sets both rates");
  CHECK(wg_train_config_set(&c, "batch", "0") == WG_EINVAL && strstr(wg_last_error(), "batch"), "%s",
        wg_last_error());
  CHECK(wg_train_config_set(&c, "model", "vgg") == WG_EINVAL, "an unknown model was taken");
  snprintf(c.data, sizeof c.data, "8gaussians");
  CHECK(wg_train_config_check(&c) == WG_OK, "%s", wg_last_error());
  c.batch = 0;
  CHECK(wg_train_config_check(&c) == WG_EINVAL && strstr(wg_last_error(), "batch"), "batch 0 passed the check");
  c.batch = 4, c.model = (wg_model_kind)3;
  CHECK(wg_train_config_check(&c) == WG_EINVAL && strstr(wg_last_error(), "model"), "model 3 passed the check");
}

static void settings_and_resume(void) {
  char dir[256];
  snprintf(dir, sizeof dir, "%s/settings", tmp);
  wg_setting s[] = {{"data", "8gaussians"}, {"iters", "2"}, {"dim", "8"}, {"lr_critic", "0.01"}, {"lr_gen", "0.5"}};
  wg_run_opts o = wg_run_defaults();
  o.out = dir;
  wg_run *run;
  CHECK(wg_run_open(&run, s, 5, &o) == WG_OK, "%s", wg_last_error());
  if (!run) return;
  const wg_train_config *c = &wg_run_state(run)->cfg;
  CHECK(c->model == WG_MODEL_MLP && c->batch == 256 && c->dim == 8, "the data's model and its defaults");
  CHECK(c->lr_gen == 0.5f && c->lr_critic == 0.01f, "lr_critic given wins over lr_gen whatever the order");
  CHECK(wg_run_train(run) == WG_OK, "%s", wg_last_error());
  wg_run_close(run);
  wg_setting more[] = {{"iters", "3"}, {"dim", "9"}};
  o.resume = dir;
  CHECK(wg_run_open(&run, more, 2, &o) == WG_EINVAL && strstr(wg_last_error(), "--dim"), "%s", wg_last_error());
  CHECK(wg_run_open(&run, more, 1, &o) == WG_OK, "%s", wg_last_error());
  if (run) CHECK(wg_run_state(run)->cfg.iters == 3 && wg_run_state(run)->iter == 2, "resumed at 2 of 3");
  wg_run_close(run);
}

/* tests/data holds a checkpoint and 5 samples (seed 2) that the tool wrote
 * before the configuration became a table. The samples are compared to
 * float rounding (1e-5), not bit for bit: the sgemm that computes them
 * sums in another order on another CPU or library (core/sgemm.c). */
static void old_checkpoint_loads(void) {
  wg_gan_state s;
  CHECK(wg_checkpoint_load("tests/data/checkpoint-v1-8gaussians-gp.safetensors", &s) == WG_OK, "%s", wg_last_error());
  if (!s.models.gen) return;
  CHECK(s.cfg.model == WG_MODEL_MLP && s.cfg.loss == WG_LOSS_GP && s.iter == 2, "its configuration");
  CHECK(s.cfg.init == WG_INIT_WGANGP, "a checkpoint without 'init' was initialised by the WGAN-GP code's scheme");
  float x[10];
  wg_rng rng;
  wg_rng_seed(&rng, 2);
  CHECK(wg_gan_sample(&s.models, &rng, 5, x) == WG_OK, "%s", wg_last_error());
  FILE *f = fopen("tests/data/checkpoint-v1-samples-seed2.csv", "r");
  for (int i = 0; f && i < 10; i++) {
    float v;
    CHECK(fscanf(f, "%g%*[,\n]", &v) == 1 && fabsf(v - x[i]) <= 1e-5f * (1 + fabsf(v)), "sample value %d: %.9g, saved %.9g",
          i, x[i], v);
  }
  if (f) fclose(f);
  wg_gan_state_free(&s);
}

int main(void) {
  printf("seed fixed (the defaults' seed 1)\n");
  if (!mkdtemp(tmp)) return 1;
  RUN(library_run_equals_cli_run);
  RUN(defaults_are_the_reference_settings);
  RUN(settings_and_resume);
  RUN(old_checkpoint_loads);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
  if (system(cmd)) printf("note: %s failed\n", cmd);
  CHECK_EXIT();
}
