#!/usr/bin/python3
"""The projection of docs/distributed.md: time per generator iteration of
WGAN-GP over N ranks, from a measured 1-rank time per iteration (ms, 1 thread:
bench/mpi_train.sh) and the gradient buffers' sizes, for two stated networks.

  T(N) = c B / N + sum over the iteration's allreduces of
         (2 log2(N) alpha + 2 (N - 1) / N m / beta) + small log2(N) alpha

c: compute per sample (the 1-rank time / B), m: bytes of one allreduce (5
critic buffers and 1 generator buffer per iteration at n_critic 5), small:
the 9 collectives of a few bytes per iteration (agreements, the logged
figures, the stream's broadcast). The allreduce term is Rabenseifner's
(reduce-scatter then allgather, what MPI libraries use for large buffers).
It assumes compute scales perfectly with the rank's batch (a rank of 1 to 4
samples runs its small matrix products less efficiently) and no overlap of
communication with compute.

  bench/mpi_projection.py TOY_MS DCGAN28_MS
"""
import math
import sys

NETWORKS = [('InfiniBand 100 Gb/s: 12 GB/s, 2 µs', 2e-6, 12e9), ('10 GbE: 1.2 GB/s, 30 µs', 30e-6, 1.2e9)]


def per_iteration(c, batch, ranks, buffers, alpha, beta, small=9):
    lg = math.log2(ranks)
    comm = sum(2 * lg * alpha + 2 * (ranks - 1) / ranks * m / beta for m in buffers) + small * lg * alpha
    return c * batch / ranks, comm


def table(name, ms, batch, gen_bytes, critic_bytes):
    c = ms / 1e3 / batch
    buffers = [critic_bytes] * 5 + [gen_bytes]
    print('\n%s: %.2f ms per sample per generator iteration (1 rank), %.1f MB allreduced per iteration\n'
          % (name, c * 1e3, sum(buffers) / 1e6))
    print('| network | ranks | global batch | per rank | compute ms | communication ms | ms / iteration | speed-up | efficiency |')
    print('|---|---|---|---|---|---|---|---|---|')
    for net, alpha, beta in NETWORKS:
        for fixed in (True, False):
            for n in (8, 64, 512):
                b = batch if fixed else 64 * n
                if b < n:
                    print('| %s | %d | %d | < 1 | | | | | |' % (net, n, b))
                    continue
                comp, comm = per_iteration(c, b, n, buffers, alpha, beta)
                one = c * b
                print('| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f %% |'
                      % (net, n, b, b // n, comp * 1e3, comm * 1e3, (comp + comm) * 1e3, one / (comp + comm),
                         100 * one / (comp + comm) / n))


if __name__ == '__main__':
    table('8gaussians gp, mlp 512', float(sys.argv[1]), 256, 4 * 527874, 4 * 527361)
    table('fashion-mnist gp, dcgan28 DIM 64 (global batch 64: 50 does not split over 8)', float(sys.argv[2]) * 64 / 50,
          64, 4 * 1554177, 4 * 1030145)
