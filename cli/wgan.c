/* wgan: the command-line tool. Dispatches to one subcommand per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  int every_rank; /* under mpirun, every rank runs it (else rank 0 alone) */
} command;

static const command commands[] = {
    {"train", cmd_train, "train a WGAN (clip), WGAN-GP (gp) or standard GAN (gan)", 1},
    {"sample", cmd_sample, "draw samples from a trained generator", 0},
    {"version", cmd_version, "print the version", 0},
    {"classifier", cmd_classifier, "train the feature classifier of wgan eval", 0},
    {"eval", cmd_eval, "exact W1, Fréchet distance and mode coverage of samples", 1},
    {"emd", cmd_emd, "exact Wasserstein distance between two point sets", 0},
    {"js", cmd_js, "Jensen-Shannon (or KL) divergence of two histograms", 0},
    {"figure", cmd_figure, "draw one of the article's figures and print its numbers", 0},
};

static void usage(FILE *f) {
  fprintf(f, "usage: wgan COMMAND [ARGS...]   (wgan COMMAND --help for its options)\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

/* What the tool sets in its own environment, then executes itself again to
 * have read (libgomp and OpenBLAS read these variables when they load); a
 * user's own setting of any of them wins.
 *
 * OpenMP's default wait policy keeps idle workers spinning for about 300k
 * spins; with any other load on the machine every parallel region then waits
 * for a descheduled thread (a training step measured 10x slower at load 3 on
 * 2 cores). Purely passive waiting (a futex sleep at every region's end) costs
 * 20-35 % on an idle machine for the toy MLP and DIM 16-32 image models. A
 * short spin of 10k before sleeping keeps the idle speed and, with two busy
 * processes beside it, stays about as fast as passive (README: the CLI section).
 *
 * On a CPU whose model OpenBLAS does not know, OpenBLAS would run its oldest
 * kernels: OPENBLAS_CORETYPE names those of the CPU's level instead (an exact
 * EMD at d = 784, n = 4000, its cost matrix a double product, took 2.7x less
 * CPU on such an Intel Xeon), and the float products stay on oneDNN's sgemm
 * (WGAN_SGEMM=onednn), faster there than OpenBLAS's either way
 * (docs/performance.md). */
static void prepare_environment(char **argv) {
  int changed = 0;
  if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) {
    setenv("OMP_WAIT_POLICY", "passive", 1);
    setenv("GOMP_SPINCOUNT", "10000", 1);
    changed = 1;
  }
  const char *core = wg_openblas_coretype_wanted();
  if (core) {
    setenv("OPENBLAS_CORETYPE", core, 1);
    setenv("WGAN_SGEMM", "onednn", 0);
    changed = 1;
  }
  if (changed) execv("/proc/self/exe", argv); /* returns only on failure: carry on as we are */
}

/* Under mpirun or srun: the job joined, and ranks other than 0 silent (the
 * library hands rank 0 every rank's failure: wg_dist_agree). */
static int join_job(int *argc, char ***argv) {
  if (wg_dist_init(argc, argv) != WG_OK) {
    fprintf(stderr, "wgan: %s\n", wg_last_error());
    return 2;
  }
  if (wg_dist_rank() > 0 && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))) return 1;
  return 0;
}

static int run_command(const command *c, int argc, char **argv) {
  cli_name = c->name;
  if (!c->every_rank && wg_dist_rank() > 0) return 0;
  return c->run(argc, argv);
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return run_command(&commands[i], argc - 2, argv + 2);
  fprintf(stderr, "wgan: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}

int main(int argc, char **argv) {
  prepare_environment(argv);
  int rc = join_job(&argc, &argv);
  if (rc == 0) rc = dispatch(argc, argv);
  wg_dist_finalize();
  return rc;
}
