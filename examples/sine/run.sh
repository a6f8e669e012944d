#!/usr/bin/env bash
# The sine demo end to end: train SimpleRNN(50, relu) + Dense(1) on sine windows (800 train,
# 200 validation, 100 epochs, batch 32, Adam 1e-3), write the model file and the two plots,
# then run the validation windows through the inference core and time it.
#
#   examples/sine/run.sh EDGERNN OUTDIR
# EDGERNN: the built `edgernn` binary; edgernn_sine_validate is taken from the build's
# examples directory beside it (or from $SINE_VALIDATE).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 EDGERNN OUTDIR" >&2
  exit 2
fi
edgernn=$1
out=$2
validate=${SINE_VALIDATE:-$(dirname "$edgernn")/../examples/edgernn_sine_validate}
[ -x "$edgernn" ] || { echo "error: $edgernn is not an executable" >&2; exit 1; }
[ -x "$validate" ] || { echo "error: $validate not found (build target edgernn_sine_validate)" >&2; exit 1; }
mkdir -p "$out"

echo "==> training (edgernn train)"
"$edgernn" train --data sine --cell simple_rnn --activation relu --units 50 \
  --epochs 100 --batch 32 --lr 1e-3 --seed 1 \
  -o "$out/sine.ern" --report "$out/report.json" --plots "$out/plots"

echo
echo "==> running the model file through the inference core"
"$validate" "$out/sine.ern" 1

echo
echo "model:  $out/sine.ern"
echo "report: $out/report.json"
echo "plots:  $out/plots/loss.svg (training and validation loss per epoch)"
echo "        $out/plots/predictions.svg (true vs predicted on validation)"
