/* Parsing the options of `wgan train` and checking them against a run being resumed. */
#ifndef WGAN_CLI_TRAIN_OPTIONS_H
#define WGAN_CLI_TRAIN_OPTIONS_H
#include <stdio.h>

#include "wgan.h"

typedef struct {
  wg_train_config cfg;
  char out[1024];           /* the run directory */
  char resume[1024];        /* the run directory to continue, or "" */
  int64_t sample_every, checkpoint_every, log_every, eval_every;
  int given_loss;
  unsigned char given[32];  /* which options the command line set, by table index */
} train_options;

/* 0 parsed; 1 help asked; 2 bad usage (a line printed). */
int train_options_parse(int argc, char **argv, train_options *o);
/* Adopts the saved configuration of a resumed run; the options given again
 * must agree with it except --iters and --threads. 0, or 2 after printing why. */
int train_options_resume(train_options *o, const wg_train_config *saved);
void train_options_usage(FILE *f);

#endif
