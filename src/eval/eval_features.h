/* Internal: the figures of wg_evaluate in the feature classifier's space. */
#ifndef WGAN_EVAL_FEATURES_H
#define WGAN_EVAL_FEATURES_H
#include "wgan/eval.h"

/* For gen, real, real2 [n, 784]: the Frechet distance, KID and precision /
 * recall in the features of the classifier o names or the search finds, each
 * beside its real-vs-real floor. No classifier found: WG_OK with the reason
 * in out->no_frechet_reason. */
wg_status wg_eval_features(const wg_eval_opts *o, const float *gen, const float *real, const float *real2, int64_t n,
                           wg_eval_result *out);

/* The KID subset size and count o asks for, at n samples per set. */
int64_t wg_eval_kid_subset_size(const wg_eval_opts *o, int64_t n);
int wg_eval_kid_subsets(const wg_eval_opts *o);

#endif
