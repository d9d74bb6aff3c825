#!/usr/bin/env bash
# make demo: the biggest job that works so far.
set -eu
cd "$(dirname "$0")/.."
build/wgan version
