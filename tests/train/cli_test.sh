#!/usr/bin/env bash
# `edgernn train` end to end: outputs, determinism, quiet mode, and one clear error (non-zero
# exit, no output file) for each kind of bad input.  Usage: cli_test.sh EDGERNN WORKDIR
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# ---- a successful run: model, report, plots -------------------------------------------------
if ! "$bin" train --data sine --cell simple_rnn --activation relu --units 8 --epochs 3 \
    -o a.ern --report a.json --plots plots > a.out 2> a.err; then
  fail "sine run exited non-zero: $(cat a.err)"
fi
[ -s a.ern ] || fail "no model file"
[ "$(grep -c '^Epoch ' a.out)" -eq 3 ] || fail "expected 3 epoch lines, got: $(cat a.out)"
grep -q '^Epoch 3/3 - loss: [0-9.e+-]* - val_loss: [0-9.e+-]* - [0-9.]*s - ETA ' a.out ||
  fail "epoch line format: $(grep '^Epoch 3' a.out)"
[ ! -s a.err ] || fail "stderr not empty on success: $(cat a.err)"
for key in '"train_mse"' '"val_mse"' '"test_mse": null' '"baseline_mse"' '"epochs": 3' \
    '"seconds"' '"params": 89'; do
  grep -q "$key" a.json || fail "report lacks $key"
done
for f in plots/loss.svg plots/predictions.svg; do
  [ -s "$f" ] || { fail "no $f"; continue; }
  head -c 5 "$f" | grep -q '<svg' || fail "$f is not SVG"
  tail -n 1 "$f" | grep -q '</svg>' || fail "$f is truncated"
done
grep -q '(log scale)' plots/loss.svg || fail "loss plot has no log-scale label"
grep -q '>validation<' plots/loss.svg || fail "loss plot has no legend"
ls | grep -q '\.tmp' && fail "temporary files left behind: $(ls)"

# ---- determinism: same seed → identical model bytes, whatever the thread count --------------
"$bin" train --data sine --units 8 --epochs 3 --threads 1 -q -o t1.ern || fail "threads 1 run"
"$bin" train --data sine --units 8 --epochs 3 --threads 2 -q -o t2.ern || fail "threads 2 run"
cmp -s t1.ern t2.ern || fail "models differ between 1 and 2 threads"
"$bin" train --data sine --units 8 --epochs 3 --seed 2 -q -o s2.ern || fail "seed 2 run"
cmp -s t1.ern s2.ern && fail "another seed gave the same model"

# ---- --weights f16: the same training, stored as binary16 (format 1.1, about half the bytes) --
"$bin" train --data sine --units 8 --epochs 3 --threads 1 -q --weights f16 -o h1.ern ||
  fail "f16 run"
[ "$(od -An -tx1 -j10 -N2 h1.ern | tr -d ' ')" = "0100" ] || fail "f16 file is not version 1.1"
full=$(stat -c %s t1.ern)
half=$(stat -c %s h1.ern)
[ $((half * 10)) -lt $((full * 7)) ] || fail "f16 file is $half bytes, f32 $full"
printf '0.1\n0.5\n-0.3\n0.9\n' > in.csv
"$bin" run t1.ern --input in.csv --output p32.csv || fail "run f32"
"$bin" run h1.ern --input in.csv --output p16.csv || fail "run f16"
# binary16 keeps 11 significant bits: an 89-weight model moves by far less than 1e-2.
paste -d, p32.csv p16.csv | awk -F, '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-2) bad = 1 }
  END { exit bad }' || fail "f16 predictions differ from f32: $(paste -d, p32.csv p16.csv)"
if "$bin" train --data sine --units 4 --epochs 1 -q --weights f16 -o h.json 2> e.err; then
  fail "--weights f16 with JSON output succeeded"
fi
grep -q "not to JSON output" e.err || fail "f16 JSON error: $(cat e.err)"
[ -e h.json ] && fail "f16 JSON error left a file"

# ---- quiet ------------------------------------------------------------------------------------
out=$("$bin" train --data sine --units 4 --epochs 1 -q -o q.ern)
[ -z "$out" ] || fail "--quiet printed: $out"

# ---- a CSV run with a stacked model: test metrics and the baseline --------------------------
{
  echo "date,x,y"
  for i in $(seq 0 299); do
    awk -v i="$i" 'BEGIN { printf "2020-%03d,%.6f,%.6f\n", i, sin(0.2 * i) * 10 + 50, cos(0.2 * i) }'
  done
} > series.csv
"$bin" train --csv series.csv --columns x,y --target x --window 10 --cell lstm,gru --units 8,6 \
  --dense 4 --epochs 2 --scale minmax -q -o csv.ern --report csv.json --plots csvplots ||
  fail "csv run"
grep -q '"test_mse": [0-9]' csv.json || fail "csv report has no test_mse"
grep -q '"baseline_test_mse": [0-9]' csv.json || fail "csv report has no baseline"
[ -s csvplots/test_predictions.svg ] || fail "no test prediction plot"

# ---- errors: one line naming the culprit, exit status != 0, no output file -----------------
expect_error() {  # expect_error "fragment" args...
  local fragment=$1
  shift
  rm -f out.ern
  if "$bin" train "$@" -o out.ern > e.out 2> e.err; then
    fail "succeeded: $*"
    return
  fi
  [ -e out.ern ] && fail "left an output file: $*"
  ls | grep -q '\.tmp' && fail "left a temporary file: $*"
  grep -qF -- "$fragment" e.err || fail "stderr lacks '$fragment' for: $*; got: $(cat e.err)"
  [ "$(grep -cF -- "$fragment" e.err)" -eq 1 ] || fail "message repeated for: $*"
  [ "$(wc -l < e.err)" -le 2 ] || fail "more than one error line for: $*: $(cat e.err)"
}
printf 'a,b\n1,2\n3,x\n' > bad.csv
expect_error "missing.csv: cannot open" --csv missing.csv --columns a --target a --window 2
expect_error "no column named 'zz'" --csv series.csv --columns x,zz --target x --window 3
expect_error "--target: no column named 'q'" --csv series.csv --columns x --target q --window 3
expect_error "bad.csv:3: column 'b': expected a finite number, found 'x'" \
  --csv bad.csv --columns a,b --target a --window 1
expect_error "too few for a train / validation / test split" \
  --csv series.csv --columns x --target x --window 295
expect_error "--csv needs --window" --csv series.csv --columns x --target x
expect_error "exactly one of --data sine and --csv" --data sine --csv series.csv --columns x --target x --window 3
expect_error "exactly one of --data sine and --csv" --units 4
expect_error "--data: unknown data set 'cosine'" --data cosine
expect_error "--cell: unknown cell 'lstmx'" --data sine --cell lstmx
expect_error "lstm layers use tanh" --data sine --cell lstm --activation relu
expect_error "--activation: unknown activation 'selu'" --data sine --activation selu
expect_error "one value or one per layer" --data sine --cell lstm,gru --units 4,5,6
expect_error "--units: expected a positive number of units, found 0" --data sine --units 0
expect_error "--epochs: expected at least 1, found 0" --data sine --epochs 0
expect_error "--scale: unknown scaling 'log'" --csv series.csv --columns x --target x --window 3 --scale log
expect_error "--epochs" --data sine --epochs many
expect_error "--loss" --data sine --loss huber
rm -f out.ern
if "$bin" train --data sine --units 4 --epochs 1 -q -o /nonexistent/dir/m.ern 2> e.err; then
  fail "wrote into a missing directory"
fi
grep -qF "directory /nonexistent/dir does not exist" e.err || fail "missing directory: $(cat e.err)"
touch plotfile
if "$bin" train --data sine --units 4 --epochs 1 -q -o p.ern --plots plotfile 2> e.err; then
  fail "--plots accepted a file"
fi
[ -e p.ern ] && fail "model written although --plots was wrong"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "edgernn train: all CLI checks passed"
