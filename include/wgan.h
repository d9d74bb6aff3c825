/* wgan: Wasserstein distances and Wasserstein GANs. The one header to include. */
#ifndef WGAN_H
#define WGAN_H
#include "wgan/base.h"
#include "wgan/csv.h"
#include "wgan/ot.h"
#include "wgan/rng.h"
#include "wgan/tensor.h"
#endif
