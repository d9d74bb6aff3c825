/* The training progress display on stderr. On a terminal: one line redrawn in
 * place (iteration/total, a bar, it/s, ETA, W estimate), at most ~10 times a
 * second. Otherwise (a log file, a pipe): a plain line every log_every
 * iterations and at the end. One display at a time (the CLI runs one job). */
#ifndef WGAN_CLI_PROGRESS_H
#define WGAN_CLI_PROGRESS_H

/* done: iterations already done (a resumed run); total: the last iteration;
 * log_every <= 0: the plain log prints only the final line. */
void progress_start(long done, long total, long log_every);
/* iter: iterations done so far (1..total); w_estimate: the critic's W estimate. */
void progress_update(long iter, double w_estimate);
/* A message on its own line (a checkpoint, a warning) that leaves the bar intact. */
void progress_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The final state and a newline. */
void progress_end(void);

#endif
