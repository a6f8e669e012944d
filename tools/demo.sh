#!/usr/bin/env bash
# The main job, end to end on this machine: installs what it needs (Debian packages), builds
# the release configuration, trains the sine model with `edgernn train`, runs it through the
# inference core (validation error, latency per step) and leaves two SVG plots.
# Usage: tools/demo.sh [OUTDIR]   (default build/demo/sine)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/common.sh

ensure_packages "${HOST_PACKAGES[@]}"

out=${1:-build/demo/sine}

say "building (release preset, -O3 -march=native)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(jobs)" --target edgernn_cli edgernn_sine_validate

say "sine demo: SimpleRNN(50, relu) + Dense(1), trained in C++, run by the inference core"
examples/sine/run.sh build/release/tools/edgernn "$out"

say "done: the plots are $out/plots/loss.svg and $out/plots/predictions.svg"
