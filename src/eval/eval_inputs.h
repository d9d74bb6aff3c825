/* Internal: what wg_evaluate and wg_eval_repeat share: the real data, the
 * sample count, and the generated samples of the plain evaluation or of a
 * repetition. */
#ifndef WGAN_EVAL_INPUTS_H
#define WGAN_EVAL_INPUTS_H
#include "wgan/eval.h"

typedef struct {
  wg_eval_data d;
  int64_t n, dim;
  int is_image;
} wg_eval_inputs;

/* Opens o->data, checks the samples' dimension against it and picks n
 * (o->n, else 2000 points or 1000 images, lowered to what the samples and
 * the real pools hold). */
wg_status wg_eval_inputs_open(const wg_eval_opts *o, wg_eval_inputs *in);
void wg_eval_inputs_close(wg_eval_inputs *in);

/* gen[n, dim] in [0, 1] for images. rep < 0: the file's first n, or n
 * draws of the generator from o->seed. rep >= 0: n of the file's drawn
 * without replacement, or n draws of the generator, from stream (o->seed,
 * rep). */
wg_status wg_eval_generated(const wg_eval_opts *o, const wg_eval_inputs *in, int64_t rep, float *gen);

/* The seed of repetition rep's real draws (wg_eval_data_draw). */
uint64_t wg_eval_rep_seed(uint64_t seed, int64_t rep);

#endif
