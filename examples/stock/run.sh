#!/usr/bin/env bash
# The stock demo: predict the next day's DAX close from a 30-day window of the four indices
# (DAX, SMI, CAC, FTSE, daily closes 1991–1998; eustockmarkets.csv beside this script).
# Windows split chronologically 70/15/15; scaling fitted on the training part. Three seeds are
# trained and the one with the lowest validation error is kept (the test part plays no role
# in that choice); its test RMSE is printed next to the persistence forecast (tomorrow = today).
#
#   examples/stock/run.sh EDGERNN OUTDIR
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 EDGERNN OUTDIR" >&2
  exit 2
fi
edgernn=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$edgernn" ] || { echo "error: $edgernn is not an executable" >&2; exit 1; }
mkdir -p "$out"

# A number from the JSON report (one "key": value per line).
field() { sed -n "s/^ *\"$2\": \([-0-9.eE+]*\),\{0,1\}$/\1/p" "$1" | head -n 1; }

best=""
best_val=""
printf '%-6s %12s %12s %18s %8s\n' seed "val RMSE" "test RMSE" "persistence RMSE" epochs
for seed in 1 2 3; do
  "$edgernn" train --csv "$here/eustockmarkets.csv" --columns DAX,SMI,CAC,FTSE --target DAX \
    --window 30 --horizon 1 --scale minmax --cell simple_rnn --activation relu --units 16 \
    --epochs 300 --patience 30 --batch 32 --lr 1e-3 --seed "$seed" --quiet \
    -o "$out/seed$seed.ern" --report "$out/seed$seed.json" --plots "$out/plots-seed$seed"
  r="$out/seed$seed.json"
  val=$(field "$r" val_rmse)
  printf '%-6s %12.2f %12.2f %18.2f %8s\n' "$seed" "$val" "$(field "$r" test_rmse)" \
    "$(field "$r" baseline_rmse)" "$(field "$r" epochs)"
  if [ -z "$best" ] || awk -v a="$val" -v b="$best_val" 'BEGIN { exit !(a < b) }'; then
    best=$seed
    best_val=$val
  fi
done

cp "$out/seed$best.ern" "$out/stock.ern"
cp "$out/seed$best.json" "$out/report.json"
rm -rf "$out/plots"
cp -r "$out/plots-seed$best" "$out/plots"
test_rmse=$(field "$out/report.json" test_rmse)
base_rmse=$(field "$out/report.json" baseline_rmse)
echo
echo "kept seed $best (lowest validation RMSE)"
printf 'test RMSE %.2f DAX points; persistence (tomorrow = today) %.2f: ' "$test_rmse" "$base_rmse"
awk -v a="$test_rmse" -v b="$base_rmse" 'BEGIN {
  if (a < b) printf "the model wins by %.1f%%\n", 100 * (b - a) / b;
  else printf "persistence wins by %.1f%%\n", 100 * (a - b) / b }'
echo "model: $out/stock.ern   report: $out/report.json   plots: $out/plots/"
