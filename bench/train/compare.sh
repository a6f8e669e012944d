#!/usr/bin/env bash
# Training speed, edgernn vs PyTorch 1.13 (one thread, OpenBLAS), on the sine task: RNN(50) +
# Dense(1), 1000 windows of 50 steps (800 train, 200 validation), 100 epochs, batch 32, Adam
# 1e-3, MSE. Runs both back to back, alternating which goes first, several times; prints each
# run, the medians and the ratio. Times are the training loops (validation after every epoch
# included, process start and data generation excluded), as each tool measures its own.
#
#   bench/train/compare.sh [--reps N] [--cell simple_rnn|lstm|gru] [--edgernn PATH]
#
# The machine is shared and noisy: compare the ratio within one run, not seconds across runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/lib/common.sh

reps=5
cell=simple_rnn
edgernn=build/release/tools/edgernn
while [ $# -gt 0 ]; do
  case $1 in
    --reps) reps=$2; shift 2 ;;
    --cell) cell=$2; shift 2 ;;
    --edgernn) edgernn=$2; shift 2 ;;
    *) echo "usage: $0 [--reps N] [--cell simple_rnn|lstm|gru] [--edgernn PATH]" >&2; exit 2 ;;
  esac
done

# PyTorch from Debian, with OpenBLAS as its BLAS (the reference BLAS is several times slower
# and would flatter us).
ensure_packages python3-torch libopenblas0-serial
if [ ! -x "$edgernn" ]; then
  say "building edgernn (release preset)"
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(jobs)" --target edgernn_cli
  edgernn=build/release/tools/edgernn
fi

act=()
[ "$cell" = simple_rnn ] && act=(--activation relu)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

field() { sed -n "s/^ *\"$2\": \([-0-9.eE+]*\),\{0,1\}$/\1/p" "$1" | head -n 1; }

run_ours() {
  "$edgernn" train --data sine --cell "$cell" "${act[@]}" --units 50 --epochs 100 --batch 32 \
    --lr 1e-3 --seed "$1" -q -o "$tmp/m.ern" --report "$tmp/r.json"
  echo "$(field "$tmp/r.json" seconds) $(field "$tmp/r.json" val_mse) $(field "$tmp/r.json" threads)"
}
run_torch() {
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/train/torch_sine.py \
    --cell "$cell" --seed "$1" > "$tmp/t.json"
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["seconds"], r["val_mse"])' "$tmp/t.json"
}

say "sine task, $cell(50), 100 epochs, batch 32: $reps runs each, alternating order"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PyTorch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), BLAS $(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 -c '
import torch, sys
torch.ones(8, 8) @ torch.ones(8, 8)
libs = {l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l}
print(", ".join(sorted(libs)) or "unknown")')"
printf '%4s %12s %14s %12s %14s %8s\n' run "edgernn s" "edgernn val" "pytorch s" "pytorch val" ratio
ours_s=()
torch_s=()
ratios=()
ours_val=()
for i in $(seq 1 "$reps"); do
  if [ $((i % 2)) -eq 1 ]; then
    read -r os ov threads < <(run_ours "$i")
    read -r ts tv < <(run_torch "$i")
  else
    read -r ts tv < <(run_torch "$i")
    read -r os ov threads < <(run_ours "$i")
  fi
  r=$(awk -v a="$ts" -v b="$os" 'BEGIN { printf "%.2f", a / b }')
  printf '%4d %12.3f %14.3e %12.3f %14.3e %8s\n' "$i" "$os" "$ov" "$ts" "$tv" "$r"
  ours_s+=("$os")
  torch_s+=("$ts")
  ratios+=("$r")
  ours_val+=("$ov")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mo=$(median "${ours_s[@]}")
mt=$(median "${torch_s[@]}")
mr=$(median "${ratios[@]}")
worst_val=$(printf '%s\n' "${ours_val[@]}" | sort -g | tail -n 1)
echo
printf 'medians: edgernn %.3f s (%s threads), PyTorch %.3f s (1 thread)\n' "$mo" "$threads" "$mt"
echo "ratio of medians: $(awk -v a="$mt" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')x; median of per-run ratios: ${mr}x"
echo "edgernn validation MSE: worst of $reps runs $worst_val (target <= 1e-5)"
