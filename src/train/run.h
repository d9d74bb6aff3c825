/* Internal: a training run and the outputs it writes besides its
 * checkpoint and metric logs. */
#ifndef WGAN_TRAIN_RUN_H
#define WGAN_TRAIN_RUN_H
#include "wgan/eval.h"
#include "wgan/metrics.h"
#include "wgan/train.h"

/* Rows of fixed noise a run keeps for its samples (the toy frames use all). */
enum { WG_RUN_FIXED_NOISE_ROWS = 512 };

struct wg_run {
  wg_run_opts opts;
  wg_gan_state s;
  wg_source src;
  int resumed, stopped;
  int64_t ckpt_iter;    /* the iteration of the checkpoint on disk; -1: none yet */
  char dir[1024], ckpt[1100];
  float *fixed_noise;   /* [WG_RUN_FIXED_NOISE_ROWS, nz] */
  wg_iter_stats last;   /* of the last iteration run by this process */
  int has_last;
};

/* Passes a warning to the caller's on_warning. */
void wg_run_warn(const wg_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* samples_ITER.png (a grid of 64 from the fixed noise, 8 per row) for
 * images; samples_ITER.csv for points, and for 2-D toy data frame_ITER.png
 * (real and generated points over the critic's value); loss.png from the
 * logs; report.html with status ("running", "finished", "interrupted").
 * None of it draws from the run's RNG, so outputs never change the
 * training. Samples that cannot be written are an error (WG_EIO naming the
 * file: a full disk stops the run); the figures and the report, which
 * gnuplot may be missing to draw and the next output redraws, are
 * warnings. */
wg_status wg_run_write_outputs(wg_run *r, const char *status);

/* The exact W1 between generated and real samples, and between two real
 * samples of the same n (the floor sampling noise sets), at iteration iter.
 * Draws from its own RNG, never the run's. */
wg_status wg_run_eval_w1(wg_run *r, wg_eval_row *row);

#endif
