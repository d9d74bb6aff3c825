#!/usr/bin/env bash
# Installs the Debian packages wgan needs, when missing. Nothing else is downloaded.
# `deps.sh fuzz` adds what `make fuzz` needs: clang with libFuzzer and OpenMP.
# `deps.sh mpi` (or MPI=1 in the environment: make deps MPI=1) adds Open MPI for make MPI=1;
# `deps.sh test` (make test) adds it too, so that the MPI build is tested beside the plain one.
set -eu
# python3-numpy, python3-pytest: the Python module and its tests. python3-pot (it brings
# scipy) is left out: only its comparison tests and bench/emd_python_vs_pot.py use it.
packages=(gcc make pkg-config libopenblas-openmp-dev libdnnl-dev zlib1g-dev libpng-dev libcjson-dev
          gnuplot-nox dataset-fashion-mnist python3-numpy python3-pytest)
[ "${1:-}" = fuzz ] && packages+=(clang-14 libclang-rt-14-dev libomp-14-dev)
# `deps.sh bench` (make bench) adds what its side-by-side runs time: PyTorch, POT, /usr/bin/time.
[ "${1:-}" = bench ] && packages+=(python3-torch python3-pot time)
if [ "${1:-}" = mpi ] || [ "${1:-}" = test ] || [ "${MPI:-0}" = 1 ]; then packages+=(libopenmpi-dev openmpi-bin); fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "wgan: missing Debian packages; install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "wgan: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
