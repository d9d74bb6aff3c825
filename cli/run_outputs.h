/* The files a training run writes into its directory besides the checkpoint and metrics.csv. */
#ifndef WGAN_CLI_RUN_OUTPUTS_H
#define WGAN_CLI_RUN_OUTPUTS_H
#include "wgan.h"
#include "wgan/source.h"

/* samples_ITER.png (a grid from the fixed noise, 8 per row) for images;
 * samples_ITER.csv for points, and for 2-D toy data frame_ITER.png (real and
 * generated points over the critic's value). -1 if a file could not be written. */
int run_write_samples(const char *dir, wg_gan_state *s, wg_source *src, const float *fixed_noise, int64_t iter);
/* loss.png from metrics.csv (and evals.csv); a missing gnuplot is a warning. */
void run_plot_loss(const char *dir);
/* report.html: configuration, final numbers, plots and samples. */
void run_write_report(const char *dir, const wg_gan_state *s, const wg_iter_stats *last, const char *status);

#endif
