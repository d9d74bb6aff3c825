#!/usr/bin/python3
"""The PyTorch side of bench/quality_vs_torch.sh: a WGAN-GP, WGAN (clipping) or
standard GAN trained by PyTorch on the same data and at the same settings as
`wgan train`, writing N samples of the generator every EVERY generator
iterations (DIR/samples_ITER.csv: one sample per row; images flattened, in
[0, 1]), so that both sides are scored by the same exact W1.

The models are the WGAN-GP reference code's (igul222/improved_wgan_training):
gan_toy.py's MLPs (3 x 512 ReLU, 2-d noise) and gan_mnist.py's DCGAN at DIM 64,
at PyTorch's default initialisation (torch.nn's Linear and Conv layers): the
PyTorch port a user would write; --init wgangp gives them the reference code's.
The settings: gp Adam(1e-4, 0.5, 0.9), lambda 0.1 for the toy MLPs
(gan_toy.py) and 10 for images, n_critic 5; clip RMSprop(5e-5), c = 0.01,
n_critic 5 with the WGAN code's 100 critic steps while the generator
iteration is < 25 and at every 500th; gan Adam(2e-4, 0.5, 0.999), one
discriminator step, the non-saturating generator loss.
Toy data as gan_toy.py draws them: 8gaussians and swissroll fresh each batch,
25gaussians from a fixed set of 100,000 points; a CSV point cloud (one point
per row) and Fashion-MNIST drawn uniformly with replacement.
"""
import argparse
import gzip
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_wgan import Critic28, Gen28, eight_gaussians, init_wgangp, mlp, penalty  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def twenty_five_gaussians(rng):
    """gan_toy.py: 4,000 rounds of the 25 centres (2i, 2j) plus N(0, 0.05^2), / 2.828, shuffled."""
    grid = np.array([(2 * x, 2 * y) for x in range(-2, 3) for y in range(-2, 3)], dtype=np.float64)
    points = np.tile(grid, (4000, 1)) + 0.05 * rng.standard_normal((100000, 2))
    points /= 2.828
    return torch.from_numpy(points[rng.permutation(100000)].astype(np.float32))


def swissroll(n):
    """gan_toy.py's sklearn make_swiss_roll(n, noise=0.25), (x, z) / 7.5."""
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n))
    xz = torch.stack([t * torch.cos(t), t * torch.sin(t)], 1)
    return (xz + 0.25 * torch.randn(n, 2)) / 7.5


def real_sampler(data, rng):
    """(draw(n) -> a batch, sample shape, is_images)."""
    if data == "8gaussians":
        return eight_gaussians, (2,), False
    if data == "swissroll":
        return swissroll, (2,), False
    if data == "25gaussians":
        fixed = twenty_five_gaussians(rng)
        return lambda n: fixed[torch.randint(0, fixed.shape[0], (n,))], (2,), False
    if data == "fashion-mnist":
        with gzip.open(FASHION, "rb") as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
        images = torch.from_numpy(raw.astype(np.float32) / 255.0).view(-1, 1, 28, 28)
        return lambda n: images[torch.randint(0, images.shape[0], (n,))], (1, 28, 28), True
    points = torch.from_numpy(np.loadtxt(data, delimiter=",", ndmin=2).astype(np.float32))
    return lambda n: points[torch.randint(0, points.shape[0], (n,))], (points.shape[1],), False


def optimisers(loss, gen, critic):
    if loss == "clip":
        make = lambda p: torch.optim.RMSprop(p, lr=5e-5, alpha=0.99, eps=1e-8)
    elif loss == "gp":
        make = lambda p: torch.optim.Adam(p, lr=1e-4, betas=(0.5, 0.9))
    else:
        make = lambda p: torch.optim.Adam(p, lr=2e-4, betas=(0.5, 0.999))
    return make(gen.parameters()), make(critic.parameters())


def critic_loss(loss, critic, real, fake, lam):
    c_real, c_fake = critic(real), critic(fake)
    if loss == "gan":
        return F.softplus(-c_real).mean() + F.softplus(c_fake).mean()
    out = c_fake.mean() - c_real.mean()
    return out + penalty(critic, real, fake, lam) if loss == "gp" else out


def critic_steps(loss, it):
    if loss == "gan":
        return 1
    return 100 if loss == "clip" and (it < 25 or it % 500 == 0) else 5


def write_samples(path, gen, nz, n, seed):
    # Its own generator: writing samples must not move the training's draws
    # (the run is then the same whatever --every is, as wgan train's).
    noise = torch.randn(n, nz, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        x = gen(noise).reshape(n, -1).numpy()
    np.savetxt(path, x, delimiter=",", fmt="%.7g")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="8gaussians | 25gaussians | swissroll | fashion-mnist | FILE.csv")
    ap.add_argument("--loss", choices=["gp", "clip", "gan"], default="gp")
    ap.add_argument("--iters", type=int, default=3000)
    ap.add_argument("--every", type=int, default=500)
    ap.add_argument("--n", type=int, default=2000, help="samples written each time")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", choices=["pytorch", "wgangp"], default="pytorch",
                    help="torch.nn's default, or the WGAN-GP code's (gan_toy.py: he, biases 0)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    draw, shape, images = real_sampler(a.data, np.random.default_rng(a.seed))
    if images:
        gen, critic, nz, batch, lam = Gen28(), Critic28(), 128, 50, 10.0
    else:
        d = shape[0]
        gen, critic, nz, batch, lam = mlp([2, 512, 512, 512, d]), mlp([d, 512, 512, 512, 1]), 2, 256, 0.1
    if a.init == "wgangp":
        init_wgangp(gen, first_he=not images)
        init_wgangp(critic, first_he=not images)
    opt_g, opt_c = optimisers(a.loss, gen, critic)
    os.makedirs(a.out, exist_ok=True)
    for it in range(a.iters):
        for p in critic.parameters():
            p.requires_grad_(True)
        for _ in range(critic_steps(a.loss, it)):
            real = draw(batch)
            with torch.no_grad():
                fake = gen(torch.randn(batch, nz))
            opt_c.zero_grad(set_to_none=True)
            critic_loss(a.loss, critic, real, fake, lam).backward()
            opt_c.step()
            if a.loss == "clip":
                with torch.no_grad():
                    for p in critic.parameters():
                        p.clamp_(-0.01, 0.01)
        for p in critic.parameters():
            p.requires_grad_(False)
        c_fake = critic(gen(torch.randn(batch, nz)))
        loss_g = F.softplus(-c_fake).mean() if a.loss == "gan" else -c_fake.mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        if (it + 1) % a.every == 0:
            write_samples(os.path.join(a.out, f"samples_{it + 1:06d}.csv"), gen, nz, a.n, a.seed * 1000003 + it + 1)


if __name__ == "__main__":
    main()
