#!/usr/bin/python3
"""The PyTorch side of bench/train_vs_torch.sh: the same networks and the same step
structure as `wgan train`, timed per generator iteration. For the side-by-side only.

Configurations (the MNIST and toy models of the WGAN-GP reference code,
igul222/improved_wgan_training, gan_mnist.py and gan_toy.py):
  mnist-clip  the WGAN-GP MNIST nets (DIM 64, no BatchNorm, as the penalty nets),
              RMSprop 5e-5 (alpha 0.99, eps 1e-8), clip +-0.01 after each critic step
  mnist-gp    the same nets, gradient penalty (lambda 10), Adam 1e-4 (0.5, 0.9)
  toy-gp      toy MLPs (3 x 512 ReLU, 2-d noise), batch 256, penalty, Adam
One generator iteration = n_critic critic steps (fresh noise and a fresh real batch
each) + one generator step. The image data are Fashion-MNIST when the Debian package is
installed, else random images in [0, 1] (the speed is the same); toy data 8gaussians.

Prints the parameter counts, then one line per timed iteration ("iter K SECONDS"),
then "median_s_per_gen_iter S" over the iterations after the warm-up.
"""
import argparse
import gzip
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def same_pads(size, k, s):
    """TensorFlow SAME padding (lo, hi) of a square input: the smaller half first."""
    out = (size + s - 1) // s
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class SameConv(nn.Conv2d):
    """Conv2d with TF SAME padding: F.pad(left, right, top, bottom) then a valid conv."""

    def __init__(self, cin, cout, k, s, size):
        super().__init__(cin, cout, k, s, padding=0)
        self.pads = same_pads(size, k, s)

    def forward(self, x):
        lo, hi = self.pads
        return super().forward(F.pad(x, (lo, hi, lo, hi)))


class SameConvT(nn.ConvTranspose2d):
    """The adjoint of a SAME conv from `size` down: the full transposed conv (no
    padding) cropped to rows/columns [lo, lo + size)."""

    def __init__(self, cin, cout, k, s, size):
        super().__init__(cin, cout, k, s, padding=0)
        self.lo = same_pads(size, k, s)[0]
        self.size = size

    def forward(self, x):
        y = super().forward(x)
        return y[:, :, self.lo:self.lo + self.size, self.lo:self.lo + self.size]


class Gen28(nn.Module):
    def __init__(self, nz=128, dim=64):
        super().__init__()
        self.dim = dim
        self.fc = nn.Linear(nz, 4 * 4 * 4 * dim)
        self.up8 = SameConvT(4 * dim, 2 * dim, 5, 2, 8)
        self.up14 = SameConvT(2 * dim, dim, 5, 2, 14)
        self.up28 = SameConvT(dim, 1, 5, 2, 28)

    def forward(self, z):
        h = F.relu(self.fc(z)).view(-1, 4 * self.dim, 4, 4)
        h = F.relu(self.up8(h))[:, :, :7, :7]  # the reference's crop to 7x7
        h = F.relu(self.up14(h))
        return torch.sigmoid(self.up28(h))


class Critic28(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.c1 = SameConv(1, dim, 5, 2, 28)
        self.c2 = SameConv(dim, 2 * dim, 5, 2, 14)
        self.c3 = SameConv(2 * dim, 4 * dim, 5, 2, 7)
        self.fc = nn.Linear(4 * 4 * 4 * dim, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2)
        h = F.leaky_relu(self.c3(h), 0.2)
        return self.fc(h.flatten(1))  # (C, H, W) order as the reference


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def init_wgangp(net, first_he=False):
    """The WGAN-GP reference code's init (igul222/improved_wgan_training): uniform of
    half-width stdev * sqrt(3), stdev from the fans as below (stride 2), biases 0.
    first_he: gan_toy.py's ReLU layers are all he, the first one included."""
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for m in net.modules():
        if isinstance(m, nn.ConvTranspose2d):
            cin, cout, k, _ = m.weight.shape
            std = math.sqrt(4.0 / (cin * k * k / 4 + cout * k * k))
        elif isinstance(m, nn.Conv2d):
            cout, cin, k, _ = m.weight.shape
            std = math.sqrt(4.0 / (cin * k * k + cout * k * k / 4))
        elif isinstance(m, nn.Linear):
            cout, cin = m.weight.shape
            edge = (m is linears[0] and not first_he) or m is linears[-1]
            std = math.sqrt(2.0 / (cin + cout)) if edge else math.sqrt(2.0 / cin)
        else:
            continue
        with torch.no_grad():
            m.weight.uniform_(-std * math.sqrt(3), std * math.sqrt(3))
            m.bias.zero_()


def load_images():
    """Fashion-MNIST as floats in [0, 1] if installed, else 60,000 random images."""
    if os.path.exists(FASHION):
        import numpy as np
        with gzip.open(FASHION, "rb") as f:
            raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
        return torch.from_numpy(raw.astype(np.float32) / 255.0).view(-1, 1, 28, 28), "fashion-mnist"
    return torch.rand(60000, 1, 28, 28), "random images in [0, 1]"


def eight_gaussians(n):
    """gan_toy.py's 8gaussians: 2 x unit-circle centres at 45 degrees, N(0, 0.02^2), / 1.414."""
    angles = torch.randint(0, 8, (n,)).float() * (math.pi / 4)
    centres = 2 * torch.stack([torch.cos(angles), torch.sin(angles)], 1)
    return (centres + 0.02 * torch.randn(n, 2)) / 1.414


def penalty(critic, real, fake, lam):
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)))
    xhat = (real + alpha * (fake - real)).requires_grad_(True)
    g, = torch.autograd.grad(critic(xhat).sum(), xhat, create_graph=True)
    norm = torch.sqrt(g.flatten(1).pow(2).sum(1) + 1e-12)  # epsilon: no NaN at g = 0
    return lam * ((norm - 1) ** 2).mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config", choices=["mnist-clip", "mnist-gp", "toy-gp"])
    ap.add_argument("--iters", type=int, default=25, help="timed generator iterations")
    ap.add_argument("--warmup", type=int, default=3, help="generator iterations before timing")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lambda", dest="lam", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--print-w", type=int, default=0, metavar="N",
                    help="print the critic's W estimate every N generator iterations")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    if a.config == "toy-gp":
        gen, critic, nz, batch = mlp([2, 512, 512, 512, 2]), mlp([2, 512, 512, 512, 1]), 2, 256
        sample_real, data = eight_gaussians, "8gaussians"
    else:
        gen, critic, nz, batch = Gen28(), Critic28(), 128, 50
        images, data = load_images()
        sample_real = lambda n: images[torch.randint(0, images.shape[0], (n,))]
    init_wgangp(gen, first_he=a.config == "toy-gp")
    init_wgangp(critic, first_he=a.config == "toy-gp")
    clip = a.config == "mnist-clip"
    if clip:
        opt_g = torch.optim.RMSprop(gen.parameters(), lr=5e-5, alpha=0.99, eps=1e-8)
        opt_c = torch.optim.RMSprop(critic.parameters(), lr=5e-5, alpha=0.99, eps=1e-8)
    else:
        opt_g = torch.optim.Adam(gen.parameters(), lr=1e-4, betas=(0.5, 0.9))
        opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))
    count = lambda m: sum(p.numel() for p in m.parameters())
    print(f"config {a.config}; data {data}; batch {batch}; threads {torch.get_num_threads()}; "
          f"torch {torch.__version__}")
    print(f"parameters generator {count(gen)} critic {count(critic)}")
    sys.stdout.flush()

    times = []
    for it in range(a.warmup + a.iters):
        t0 = time.perf_counter()
        for p in critic.parameters():
            p.requires_grad_(True)
        for _ in range(5):
            real = sample_real(batch)
            with torch.no_grad():
                fake = gen(torch.randn(batch, nz))
            loss = critic(fake).mean() - critic(real).mean()
            w_estimate = -loss.item() if a.print_w else 0.0
            if not clip:
                loss = loss + penalty(critic, real, fake, a.lam)
            opt_c.zero_grad(set_to_none=True)
            loss.backward()
            opt_c.step()
            if clip:
                with torch.no_grad():
                    for p in critic.parameters():
                        p.clamp_(-0.01, 0.01)
        # generator step: the critic's weights need no gradient here
        for p in critic.parameters():
            p.requires_grad_(False)
        loss_g = -critic(gen(torch.randn(batch, nz))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        dt = time.perf_counter() - t0
        if a.print_w and it % a.print_w == 0:
            print(f"w_estimate {it + 1} {w_estimate:.4f}")
        if it >= a.warmup:
            times.append(dt)
            print(f"iter {it - a.warmup + 1} {dt:.4f}")
    print(f"median_s_per_gen_iter {statistics.median(times):.4f}")


if __name__ == "__main__":
    main()
