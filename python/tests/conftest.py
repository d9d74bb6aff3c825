"""Fixtures of the module's tests, and --lines FILE: one "ok NAME",
"FAIL NAME: why" or "skip NAME: why" line per test (or per module skipped
or broken at collection), the lines tests/run.sh counts."""
import os
import struct
import subprocess

import numpy as np
import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
_lines = None


def pytest_addoption(parser):
    parser.addoption("--lines", metavar="FILE", help="write ok/FAIL/skip lines to FILE")


def pytest_configure(config):
    global _lines
    if config.getoption("lines"):
        _lines = open(config.getoption("lines"), "w", encoding="utf-8", buffering=1)


def pytest_unconfigure(config):
    if _lines:
        _lines.close()


def _name(nodeid):
    """python/tests/test_values.py::test_translation[2] -> values.translation[2]"""
    path, _, test = nodeid.partition("::")
    module = os.path.basename(path).removesuffix(".py").removeprefix("test_")
    return f"{module}.{test.removeprefix('test_')}" if test else module


def _why(report):
    if report.skipped:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash else str(report.longrepr).strip().splitlines()[-1]
    return " ".join(text.split())[:400]


def _write(report):
    if not _lines:
        return
    if report.passed:
        _lines.write(f"ok {_name(report.nodeid)}\n")
    else:
        word = "skip" if report.skipped else "FAIL"
        _lines.write(f"{word} {_name(report.nodeid)}: {_why(report)}\n")


def pytest_runtest_logreport(report):
    # a test is one line: its call, or the setup that skipped or failed it
    if report.when == "call" or not report.passed:
        _write(report)


def pytest_collectreport(report):
    if not report.passed:
        _write(report)


@pytest.fixture
def rng(request):
    """A generator seeded by the test's name: the same draws on every run."""
    return np.random.default_rng(sum(map(ord, request.node.name)))


@pytest.fixture(scope="session")
def wgan_bin():
    path = os.environ.get("WGAN_BIN") or os.path.join(ROOT, "build", "wgan")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no CLI at {path} (make)")
    return path


@pytest.fixture
def train(wgan_bin, tmp_path):
    """train(name, *args): a `wgan train` run of one thread, no sample
    grids, into tmp_path/name; its directory."""
    def run(name, *args):
        out = tmp_path / name
        r = subprocess.run([wgan_bin, "train", *map(str, args), "--threads", "1", "--sample-every", "0",
                            "--out", str(out)], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return str(out)
    return run


@pytest.fixture
def tiny_idx(tmp_path, rng):
    """40 random 28 x 28 images in IDX format: the MNIST model's data."""
    path = tmp_path / "tiny-idx3-ubyte"
    with open(path, "wb") as f:
        f.write(struct.pack(">iiii", 0x803, 40, 28, 28))
        f.write(rng.integers(0, 256, (40, 28, 28), dtype=np.uint8).tobytes())
    return str(path)
