/* wgan: Wasserstein distances and Wasserstein GANs. The one header to include. */
#ifndef WGAN_H
#define WGAN_H
#include "wgan/base.h"
#include "wgan/rng.h"
#include "wgan/tensor.h"
#include "wgan/nn.h"
#include "wgan/optim.h"
#include "wgan/data.h"
#include "wgan/io.h"
#include "wgan/csv.h"
#include "wgan/ot.h"
#include "wgan/metrics.h"
#include "wgan/plot.h"
#include "wgan/report.h"
#include "wgan/train.h"
#include "wgan/dist.h"
#include "wgan/eval.h"
#include "wgan/figures.h"
#endif
