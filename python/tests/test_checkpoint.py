"""wgan.load_checkpoint on checkpoints written by `wgan train`: the
configuration and progress as the run had them, each network's state_dict
with the names and shapes of PyTorch's layers (written out here by hand),
tiling the flat parameter count, and the first format refused with a
message."""
import os

import numpy as np
import pytest

import wgan

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data")


def test_toy_state_dicts(train):
    run = train("toy", "--data", "8gaussians", "--iters", 2, "--dim", 8, "--batch", 16,
                "--nz", 3)
    ck = wgan.load_checkpoint(run)
    assert ck.config["model"] == "mlp" and ck.config["dim"] == 8 and ck.config["nz"] == 3
    assert ck.iteration == 2 and ck.sample_shape == (2,)
    # Linear(3, 8) ReLU Linear(8, 8) ReLU Linear(8, 8) ReLU Linear(8, 2), as nn.Sequential indexes them
    want = {"main.0.weight": (8, 3), "main.0.bias": (8,), "main.2.weight": (8, 8), "main.2.bias": (8,),
            "main.4.weight": (8, 8), "main.4.bias": (8,), "main.6.weight": (2, 8), "main.6.bias": (2,)}
    gen = ck.state_dict("gen")
    assert {k: v.shape for k, v in gen.items()} == want
    assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in gen.values())
    critic = ck.state_dict("critic")
    assert critic["main.0.weight"].shape == (8, 2) and critic["main.6.weight"].shape == (1, 8)
    # the named tensors hold every parameter: as many as the optimizer's moments
    for net, opt in (("gen", "opt_gen.v"), ("critic", "opt_critic.v")):
        assert sum(v.size for v in ck.state_dict(net).values()) == ck.tensors[opt].size


def test_batchnorm_statistics(train, tiny_idx):
    run = train("bn", "--data", tiny_idx, "--loss", "clip", "--batchnorm", "--iters", 2, "--dim", 2, "--batch", 8,
                "--n-critic", 2, "--no-warmup-critic")
    gen = wgan.load_checkpoint(run).state_dict("gen")
    # the MNIST generator: Linear(128, 128) BatchNorm1d(128) ReLU Unflatten ConvTranspose2d(8, 4, 5)
    # BatchNorm2d(4) ...: each BatchNorm's running statistics beside its affine
    for i, c in ((1, 128), (5, 4), (9, 2)):
        for k in ("weight", "bias", "running_mean", "running_var"):
            assert gen[f"main.{i}.{k}"].shape == (c,)
    assert gen["main.4.weight"].shape == (8, 4, 5, 5)
    assert not np.allclose(gen["main.1.running_var"], 1)  # trained away from the start


def test_bad_net_name(train):
    ck = wgan.load_checkpoint(train("t", "--data", "8gaussians", "--iters", 1, "--dim", 4, "--batch", 8))
    with pytest.raises(ValueError, match="'gen' or 'critic'"):
        ck.state_dict("generator")


def test_first_format_refused():
    """A checkpoint of the first format (one flat tensor per network) has no
    state_dict to give."""
    with pytest.raises(ValueError, match="first format"):
        wgan.load_checkpoint(os.path.join(DATA, "checkpoint-v1-8gaussians-gp.safetensors"))


def test_damaged_file_refused(tmp_path):
    """The library's reader checks the checksum: one byte changed is refused."""
    b = bytearray(open(os.path.join(DATA, "checkpoint-v1-8gaussians-gp.safetensors"), "rb").read())
    b[-3] ^= 0x40
    (tmp_path / "bad.safetensors").write_bytes(bytes(b))
    with pytest.raises(ValueError, match="bad.safetensors"):
        wgan.load_checkpoint(str(tmp_path / "bad.safetensors"))


def test_missing_file():
    with pytest.raises(OSError, match="nope"):
        wgan.load_checkpoint("/nonexistent/nope.safetensors")
