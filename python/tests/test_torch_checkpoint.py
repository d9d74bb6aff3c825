"""Checkpoints of `wgan train` loaded into PyTorch: the reference models
written here in PyTorch from the reference codes' descriptions (gan_toy.py's
MLPs, gan_mnist.py's generator and critic, with and without the BatchNorm of
its clipping mode) take each network's state_dict with load_state_dict
(strict: every name and shape must match), and the generator then draws
the same samples as `wgan sample --noise` for the same noise, to 1e-5.
Skipped where Debian's python3-torch is not installed."""
import subprocess

import numpy as np
import pytest

import wgan

torch = pytest.importorskip("torch", reason="no torch (apt-get install python3-torch)")
nn = torch.nn


class SameConvTranspose2d(nn.ConvTranspose2d):
    """TensorFlow's conv2d_transpose with padding "SAME", stride 2, kernel 5:
    the adjoint of a SAME convolution 2H -> H, which pads (H - 1) 2 + 5 - 2H
    = 3 rows in all, 1 above and 2 below; so the full transposed output
    (2H + 3 rows) without its first row and its last two."""

    def __init__(self, c_in, c_out):
        super().__init__(c_in, c_out, 5, stride=2)

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        return super().forward(x)[:, :, 1:1 + 2 * h, 1:1 + 2 * w]


class SameConv2d(nn.Conv2d):
    """TensorFlow's conv2d with padding "SAME", stride 2, kernel 5: the total
    padding (out - 1) * 2 + 5 - in, its smaller half before."""

    def __init__(self, c_in, c_out):
        super().__init__(c_in, c_out, 5, stride=2)

    def forward(self, x):
        size = x.shape[2]
        out = (size + 1) // 2
        total = (out - 1) * 2 + 5 - size
        before = total // 2
        x = nn.functional.pad(x, (before, total - before, before, total - before))
        return super().forward(x)


class Crop(nn.Module):
    """gan_mnist.py's generator: 8 x 8 -> its first 7 rows and columns."""

    def forward(self, x):
        return x[:, :, :7, :7]


def toy_mlp(nz, dim, out):
    """gan_toy.py's generator and critic: three hidden ReLU layers of dim."""
    gen = nn.Sequential(nn.Linear(nz, dim), nn.ReLU(), nn.Linear(dim, dim), nn.ReLU(),
                        nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, out))
    critic = nn.Sequential(nn.Linear(out, dim), nn.ReLU(), nn.Linear(dim, dim), nn.ReLU(),
                           nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))
    return gen, critic


def mnist_models(nz, dim, batchnorm):
    """gan_mnist.py's generator (Linear -> [4 dim, 4, 4] -> 8 -> crop 7 -> 14 ->
    28, sigmoid) and critic (28 -> 14 -> 7 -> 4, LeakyReLU 0.2, Linear), with
    BatchNorm after the generator's Linear and transposed convolutions and
    the critic's second and third convolutions in its clipping mode."""
    def bn1(c):
        return [nn.BatchNorm1d(c)] if batchnorm else []

    def bn2(c):
        return [nn.BatchNorm2d(c)] if batchnorm else []

    gen = nn.Sequential(nn.Linear(nz, 64 * dim), *bn1(64 * dim), nn.ReLU(), nn.Unflatten(1, (4 * dim, 4, 4)),
                        SameConvTranspose2d(4 * dim, 2 * dim), *bn2(2 * dim), nn.ReLU(), Crop(),
                        SameConvTranspose2d(2 * dim, dim), *bn2(dim), nn.ReLU(),
                        SameConvTranspose2d(dim, 1), nn.Sigmoid())
    critic = nn.Sequential(SameConv2d(1, dim), nn.LeakyReLU(0.2), SameConv2d(dim, 2 * dim), *bn2(2 * dim),
                           nn.LeakyReLU(0.2), SameConv2d(2 * dim, 4 * dim), *bn2(4 * dim), nn.LeakyReLU(0.2),
                           nn.Flatten(), nn.Linear(64 * dim, 1))
    return gen, critic


class Reference(nn.Module):
    """The networks as attribute `main`, the name the checkpoint's keys use."""

    def __init__(self, seq):
        super().__init__()
        self.main = seq

    def forward(self, x):
        return self.main(x)


def same_samples(wgan_bin, tmp_path, ck, gen, rng, n=20):
    """gen(z) against `wgan sample --noise` for n noise vectors."""
    z = rng.standard_normal((n, ck.config["nz"])).astype(np.float32)
    np.savetxt(tmp_path / "z.csv", z, delimiter=",", fmt="%.9g")  # %.9g round-trips a float32
    r = subprocess.run([wgan_bin, "sample", ck.path, "--noise", tmp_path / "z.csv", "--csv", tmp_path / "x.csv"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    ours = np.loadtxt(tmp_path / "x.csv", delimiter=",", ndmin=2)
    gen.eval()
    with torch.no_grad():
        theirs = gen(torch.from_numpy(z)).reshape(n, -1).double().numpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)
    return np.abs(ours - theirs).max()


def load(module, state):
    module.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)


def test_toy_mlp(wgan_bin, train, tmp_path, rng):
    ck = wgan.load_checkpoint(train("toy", "--data", "8gaussians", "--iters", 3, "--dim", 32, "--batch", 16))
    gen, critic = (Reference(s) for s in toy_mlp(ck.config["nz"], ck.config["dim"], 2))
    load(gen, ck.state_dict("gen"))
    load(critic, ck.state_dict("critic"))
    same_samples(wgan_bin, tmp_path, ck, gen, rng)


@pytest.mark.parametrize("loss,extra", [("gp", []), ("clip", ["--batchnorm"])])
def test_mnist_model(wgan_bin, train, tiny_idx, tmp_path, rng, loss, extra):
    """The two modes of the reference script: the penalty without
    normalisation, clipping with BatchNorm."""
    ck = wgan.load_checkpoint(train(loss, "--data", tiny_idx, "--loss", loss, "--iters", 3, "--dim", 4,
                                    "--batch", 8, "--n-critic", 2, "--no-warmup-critic", *extra))
    assert ck.config["model"] == "dcgan28"
    batchnorm = bool(ck.config["batchnorm"])
    assert batchnorm == bool(extra)
    gen, critic = (Reference(s) for s in mnist_models(ck.config["nz"], ck.config["dim"], batchnorm))
    load(gen, ck.state_dict("gen"))
    load(critic, ck.state_dict("critic"))
    if batchnorm:  # statistics trained away from their start, so eval mode is tested
        assert not np.allclose(ck.state_dict("gen")["main.1.running_mean"], 0)
    same_samples(wgan_bin, tmp_path, ck, gen, rng)
