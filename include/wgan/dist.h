/* Data parallelism over MPI (docs/distributed.md): the ranks of a job and
 * the few collective operations the trainer needs. A library built without
 * MPI (plain make), or a process not started by mpirun or srun, is the one
 * rank of a job of one: every operation is then the identity.
 *
 * Communication errors are MPI's: its default handler ends the whole job
 * with its message, so no rank waits for one that failed. */
#ifndef WGAN_DIST_H
#define WGAN_DIST_H
#include "wgan/base.h"
#include "wgan/eval.h"
#include "wgan/rng.h"

/* Joins the job when a launcher (mpirun, srun) started the process; a
 * process started alone stays a job of one without touching MPI. Call it
 * once, before any other wg_dist_ function; WG_EINVAL if the build has MPI
 * but MPI cannot start. */
wg_status wg_dist_init(int *argc, char ***argv);
/* Leaves the job (after wg_dist_init; nothing otherwise). */
void wg_dist_finalize(void);
/* Whether the library was built with MPI (make MPI=1). */
int wg_dist_built_with_mpi(void);
int wg_dist_rank(void);
int wg_dist_size(void);

/* x[n] := the mean over the ranks of x[n], in place (the sum, then / size). */
void wg_dist_mean_floats(float *x, int64_t n);
void wg_dist_mean_doubles(double *x, int n);
/* bytes of buf from rank root to every rank. */
void wg_dist_broadcast(void *buf, size_t bytes, int root);

/* Rank rank's block [*first, *end) of total items split over ranks ranks
 * as evenly as they go (the first total % ranks ranks one more). */
void wg_dist_block(int64_t total, int rank, int ranks, int64_t *first, int64_t *end);
/* Every rank's block of x[total] (wg_dist_block) into x on every rank;
 * each rank's own block is in place when it calls. One sum over the ranks
 * of x with all but its own block zeroed: exact, each value meets zeros. */
void wg_dist_share_blocks(double *x, int64_t total);

/* The job's verdict on a step every rank took: WG_OK if every rank's st
 * is WG_OK; otherwise the status and message of the lowest failing rank,
 * left on every rank (the others' messages say which rank failed). With
 * stop non-NULL (a value >= 0: 0 to go on), *stop becomes the largest of
 * the ranks' values on every rank, so a signal that reached the ranks at
 * different iterations stops them all at the same one, and each knows
 * which. One small allreduce (and a broadcast on failure). */
wg_status wg_dist_agree(wg_status st, int *stop);

/* wg_evaluate over the job: every rank solves its block of the o->bootstrap
 * repetitions (wg_eval_repeat), then rank 0 alone the rest of the
 * evaluation and the repetitions' summaries, into out (rank 0's; the
 * others' is left unset). Every rank calls it with the same options, and
 * gets the job's verdict. Each repetition's value depends on (seed, r)
 * alone and the summaries take them in order, so out is the serial
 * wg_evaluate's bit for bit, whatever the rank and thread counts. */
wg_status wg_dist_evaluate(const wg_eval_opts *o, wg_eval_result *out);

/* Seconds this process spent in the collective operations so far (waiting
 * for the slowest rank included): what data parallelism costs a step. */
double wg_dist_seconds(void);

/* Rank rank's own random stream, derived from a state every rank shares:
 * rank 0 keeps the state itself (so rank 0 of one rank draws what a
 * serial run draws); rank r > 0 is reseeded from it and r. */
void wg_dist_rank_stream(wg_rng *rng, int rank);

#endif
