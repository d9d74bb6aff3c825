/* Evaluation: exact W1 against its floor, mode coverage, the Fréchet
 * distance (closed forms), and the feature classifier (a tiny training run,
 * save/load). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wgan/eval.h"
#include "wgan/io.h"

static uint64_t seed;

static void case_w1_real_near_floor_noise_far(void) {
  wg_rng r;
  wg_rng_seed(&r, seed);
  int64_t n = 500;
  float *a = malloc(sizeof(float) * 2 * n), *b = malloc(sizeof(float) * 2 * n),
        *c = malloc(sizeof(float) * 2 * n), *u = malloc(sizeof(float) * 2 * n);
  wg_toy_sample(WG_TOY_25GAUSSIANS, &r, a, n);
  wg_toy_sample(WG_TOY_25GAUSSIANS, &r, b, n);
  wg_toy_sample(WG_TOY_25GAUSSIANS, &r, c, n);
  wg_rng_fill_uniform(&r, u, 2 * n, -2, 2);
  double w_real, floor1, w_noise, floor2;
  CHECK(wg_eval_w1(c, a, b, n, 2, &w_real, &floor1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_eval_w1(u, a, b, n, 2, &w_noise, &floor2) == WG_OK, "%s", wg_last_error());
  CHECK(floor1 == floor2, "the floor depends only on the real sets: %g %g", floor1, floor2);
  CHECK(floor1 > 0 && w_real < 2 * floor1, "real sample %g against floor %g", w_real, floor1);
  CHECK(w_noise > 2 * floor1, "uniform noise %g against floor %g", w_noise, floor1);
  /* A translated copy of the real set: W1 is exactly the shift. */
  for (int64_t i = 0; i < 2 * n; i++) u[i] = a[i] + (i % 2 ? 0.3f : 0.4f);
  CHECK(wg_eval_w1(u, a, b, n, 2, &w_noise, &floor2) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(w_noise, 0.5, 1e-5, 0);
  CHECK(wg_eval_w1(u, a, b, 0, 2, &w_noise, &floor2) == WG_EINVAL, "n = 0 refused");
  free(a), free(b), free(c), free(u);
}

static void case_modes(void) {
  wg_rng r;
  wg_rng_seed(&r, seed + 1);
  int64_t n = 2000;
  float *x = malloc(sizeof(float) * 2 * n);
  wg_mode_coverage m;
  wg_toy_sample(WG_TOY_8GAUSSIANS, &r, x, n);
  CHECK(wg_eval_modes(WG_TOY_8GAUSSIANS, x, n, 0, &m) == WG_OK, "%s", wg_last_error());
  CHECK(m.n_modes == 8 && m.covered == 8, "%d of %d", m.covered, m.n_modes);
  CHECK(m.share_near > 0.97, "share %g (a 2-D Gaussian has 98.9%% within 3 sigma)", m.share_near);
  CHECK(m.min_count == 50, "min count %lld = 0.2 * 2000 / 8", (long long)m.min_count);
  /* Everything on one centre: one mode; at the origin: none. */
  const float *c;
  float std;
  CHECK(wg_toy_centres(WG_TOY_25GAUSSIANS, &c, &std) == 25, "25 centres");
  for (int64_t i = 0; i < n; i++) x[2 * i] = c[6] + 0.5f * std, x[2 * i + 1] = c[7];
  CHECK(wg_eval_modes(WG_TOY_25GAUSSIANS, x, n, 0, &m) == WG_OK, "%s", wg_last_error());
  CHECK(m.covered == 1 && m.counts[3] == n && m.share_near == 1.0, "%d covered, counts[3] %lld", m.covered,
        (long long)m.counts[3]);
  /* Just outside 3 sigma of that centre: still its mode, but not sharp. */
  for (int64_t i = 0; i < n; i++) x[2 * i] = c[6] + 3.05f * std;
  CHECK(wg_eval_modes(WG_TOY_25GAUSSIANS, x, n, 1, &m) == WG_OK, "%s", wg_last_error());
  CHECK(m.covered == 1 && m.counts[3] == n && m.share_near == 0.0, "%d covered, share %g", m.covered, m.share_near);
  /* In the middle of four centres of the grid (2/2.828 apart): in no cell. */
  for (int64_t i = 0; i < n; i++) x[2 * i] = c[6] + 0.5f * (2.0f / 2.828f), x[2 * i + 1] = c[7] + 0.5f * (2.0f / 2.828f);
  CHECK(wg_eval_modes(WG_TOY_25GAUSSIANS, x, n, 1, &m) == WG_OK, "%s", wg_last_error());
  CHECK(m.covered == 0, "%d covered by points between two centres", m.covered);
  CHECK(wg_eval_modes(WG_TOY_SWISSROLL, x, n, 0, &m) == WG_EINVAL, "swiss roll has no modes");
  free(x);
}

static void case_gaussian_fit(void) {
  /* Points (0,0), (2,0), (0,4), (2,4): mean (1,2), covariance diag(4/3, 16/3). */
  float x[] = {0, 0, 2, 0, 0, 4, 2, 4};
  double mu[2], cov[4];
  CHECK(wg_gaussian_fit(x, 4, 2, mu, cov) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(mu[0], 1, 1e-12, 0);
  CHECK_CLOSE(mu[1], 2, 1e-12, 0);
  CHECK_CLOSE(cov[0], 4.0 / 3, 1e-12, 0);
  CHECK_CLOSE(cov[3], 16.0 / 3, 1e-12, 0);
  CHECK_CLOSE(cov[1], 0, 1e-12, 0);
  CHECK(wg_gaussian_fit(x, 1, 2, mu, cov) == WG_EINVAL, "n = 1 refused");
}

static void case_frechet_closed_forms(void) {
  /* Diagonal (commuting) covariances: sum of (sqrt a - sqrt b)^2. */
  double mu1[3] = {1, 2, 3}, mu2[3] = {1, 0, 3};
  double c1[9] = {4, 0, 0, 0, 9, 0, 0, 0, 1}, c2[9] = {1, 0, 0, 0, 9, 0, 0, 0, 0};
  double fd;
  CHECK(wg_frechet_distance(mu1, c1, mu2, c2, 3, &fd) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(fd, 4 + 1 + 0 + 1, 1e-9, 0);
  CHECK(wg_frechet_distance(mu1, c1, mu1, c1, 3, &fd) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(fd, 0, 1e-9, 0);
  /* 2x2, not commuting: tr sqrt(C1 C2) = sqrt(tr(C1 C2) + 2 sqrt(det C1 det C2)). */
  double a[4] = {2, 1, 1, 3}, b[4] = {1, -0.5, -0.5, 2}, z[2] = {0, 0};
  double tr12 = a[0] * b[0] + a[1] * b[2] + a[2] * b[1] + a[3] * b[3];
  double det = (a[0] * a[3] - a[1] * a[2]) * (b[0] * b[3] - b[1] * b[2]);
  double expect = (a[0] + a[3]) + (b[0] + b[3]) - 2 * sqrt(tr12 + 2 * sqrt(det));
  CHECK(wg_frechet_distance(z, a, z, b, 2, &fd) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(fd, expect, 1e-9, 1e-9);
}

static void case_frechet_features_shift(void) {
  /* The same features shifted by t: FD = |t|^2 exactly. */
  wg_rng r;
  wg_rng_seed(&r, seed + 2);
  int n = 400, d = 16;
  float *a = malloc(sizeof(float) * n * d), *b = malloc(sizeof(float) * n * d);
  wg_rng_fill_normal(&r, a, (size_t)n * d, 0, 1);
  for (int i = 0; i < n * d; i++) b[i] = a[i] + (i % d == 3 ? 2.0f : 0.0f);
  double fd;
  CHECK(wg_frechet_features(a, n, b, n, d, &fd) == WG_OK, "%s", wg_last_error());
  CHECK_CLOSE(fd, 4.0, 1e-4, 0);
  free(a), free(b);
}

static void case_classifier_train_save_load(void) {
  wg_dataset *train = wg_idx_load_named("fashion-mnist", 1, 1500, 0.0f, 1.0f);
  wg_dataset *test = wg_idx_load_named("fashion-mnist", 0, 1000, 0.0f, 1.0f);
  CHECK(train && test, "fashion-mnist: %s", wg_last_error());
  if (!train || !test) return;
  wg_rng r;
  wg_rng_seed(&r, seed + 3);
  wg_classifier c, c2;
  CHECK(wg_classifier_init(&c, &r) == WG_OK, "%s", wg_last_error());
  wg_classifier_opts o = wg_classifier_defaults();
  o.epochs = 1;
  o.seed = seed;
  CHECK(wg_classifier_train(&c, train, &o, NULL, NULL) == WG_OK, "%s", wg_last_error());
  double acc = 0;
  CHECK(wg_classifier_accuracy(&c, test, &acc) == WG_OK, "%s", wg_last_error());
  CHECK(acc > 0.4, "test accuracy %g after a tiny run (chance is 0.1)", acc);
  char dir[] = "/tmp/wgan_test_eval_XXXXXX", path[64];
  CHECK(mkdtemp(dir) != NULL, "mkdtemp");
  snprintf(path, sizeof path, "%s/c.safetensors", dir);
  CHECK(wg_classifier_save(&c, path, NULL, 0) == WG_OK, "%s", wg_last_error());
  CHECK(wg_classifier_load(&c2, path) == WG_OK, "%s", wg_last_error());
  float *f1 = malloc(sizeof(float) * 10 * WG_CLASSIFIER_FEATURES), *f2 = malloc(sizeof(float) * 10 * WG_CLASSIFIER_FEATURES);
  float *tx = wg_dataset_floats(test);
  CHECK(wg_classifier_features(&c, tx, 10, f1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_classifier_features(&c2, tx, 10, f2) == WG_OK, "%s", wg_last_error());
  free(tx);
  CHECK(!memcmp(f1, f2, sizeof(float) * 10 * WG_CLASSIFIER_FEATURES), "features differ after a reload");
  /* A file of another kind is refused with its name. */
  const char *meta[] = {"x", "y"};
  float v = 1;
  wg_st_tensor t = {.name = "w", .dtype = WG_DT_F32, .ndim = 1, .shape = {1}, .data = &v};
  CHECK(wg_safetensors_write(path, &t, 1, meta, 1) == WG_OK, "%s", wg_last_error());
  CHECK(wg_classifier_load(&c2, path) == WG_EFORMAT && strstr(wg_last_error(), path), "%s", wg_last_error());
  unlink(path);
  rmdir(dir);
  free(f1), free(f2);
  wg_classifier_free(&c);
  wg_classifier_free(&c2);
  wg_dataset_free(train);
  wg_dataset_free(test);
}

int main(void) {
  seed = check_seed(20240611);
  RUN(case_w1_real_near_floor_noise_far);
  RUN(case_modes);
  RUN(case_gaussian_fit);
  RUN(case_frechet_closed_forms);
  RUN(case_frechet_features_shift);
  RUN(case_classifier_train_save_load);
  CHECK_EXIT();
}
