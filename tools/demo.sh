#!/usr/bin/env bash
# The main job, end to end on this machine: installs what it needs (Debian packages), builds
# the release configuration and runs the demo. Usage: tools/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/common.sh

ensure_packages "${HOST_PACKAGES[@]}"

say "building (release preset, -O3 -march=native)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(jobs)" --target edgernn_builtin_demo

say "running a PyTorch-trained SimpleRNN over a sine wave"
build/release/examples/edgernn_builtin_demo tests/data/golden/srnn_tanh_h17_i1_sine
