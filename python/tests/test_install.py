"""Where the module finds libwgan.so: after `make install` (the path the
install wrote beside the package), from WGAN_LIB, and a clear ImportError
where there is none."""
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

import wgan

PROBE = "import wgan; print(wgan._lib.path); print(wgan.emd([[0, 0], [1, 0]], [[0, 1], [1, 1]]))"


def python(code, cwd, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WGAN_LIB")}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_installed_package_loads_installed_library(tmp_path):
    if os.environ.get("BUILD", "build") != "build":
        pytest.skip(f"make install installs the plain build, not BUILD={os.environ['BUILD']}")
    prefix = tmp_path / "prefix"
    make = subprocess.run(["make", "--no-print-directory", "install", f"PREFIX={prefix}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert make.returncode == 0, make.stdout[-500:] + make.stderr[-500:]
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "dist-packages"
    out = python(PROBE, tmp_path, PYTHONPATH=str(site))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(prefix / "lib" / "libwgan.so"), "1.0"]


def test_build_tree_package_loads_build_library(tmp_path):
    lib = os.path.join(ROOT, "build", "libwgan.so")
    if not os.path.exists(lib):
        pytest.skip(f"no {lib} (make)")
    out = python(PROBE, tmp_path, PYTHONPATH=os.path.join(ROOT, "python"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [lib, "1.0"]


def test_wgan_lib_names_the_library(tmp_path):
    lib = str(tmp_path / "copy.so")
    shutil.copyfile(wgan._lib.path, lib)
    out = python(PROBE, tmp_path, PYTHONPATH=os.path.join(ROOT, "python"), WGAN_LIB=lib)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [lib, "1.0"]


def test_missing_library_is_an_import_error(tmp_path):
    missing = str(tmp_path / "none" / "libwgan.so")
    out = python("import wgan", tmp_path, PYTHONPATH=os.path.join(ROOT, "python"),
                 WGAN_LIB=missing)
    assert out.returncode != 0
    assert f"ImportError: wgan: cannot load {missing}" in out.stderr
    assert "set WGAN_LIB" in out.stderr
