#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) in build/fuzz and runs both at once,
# each for a bounded time, from the seeds, the regression inputs and the corpus kept in
# build/fuzz/corpus by earlier runs. Exits non-zero on any finding; its input is left in
# build/fuzz/artifacts. Needs clang-14 and libclang-rt-14-dev (tools/test.sh installs them).
# Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]   (default 35)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-35}
B=build/fuzz
data=tests/data/fuzz
# Mutations stay under this many bytes (larger seeds are read truncated, which costs nothing
# but the time to read them): small inputs keep thousands of executions per second.
max_len=32768

cmake -S tests/fuzz -B "$B" -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$B" -j "$(nproc 2>/dev/null || echo 2)" >"$B/build.log" 2>&1 || {
  cat "$B/build.log"
  exit 1
}

# Seeds: the JSON models (ours and the golden cases) and their model files (make_seeds.cpp).
rm -rf "$B/seeds"
mkdir -p "$B/seeds/keras_json" "$B/corpus/model_file" "$B/corpus/keras_json" "$B/artifacts"
json=("$data"/seeds/keras_json/*.json tests/data/golden/*/model.json)
"$B/edgernn_fuzz_make_seeds" "$B/seeds/model_file" "${json[@]}"
for f in "${json[@]}"; do
  [ "$(stat -c %s "$f")" -le $max_len ] || continue
  cp "$f" "$B/seeds/keras_json/$(basename "$(dirname "$f")")_$(basename "$f")"
done

fuzz() {  # target, extra options...
  local target=$1
  shift
  "$B/fuzz_$target" -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$B/artifacts/$target-" "$@" \
    "$B/corpus/$target" "$B/seeds/$target" "$data/regressions/$target" >"$B/$target.log" 2>&1
}
fuzz model_file &
pid_model=$!
fuzz keras_json -dict=tests/fuzz/keras_json.dict &
pid_json=$!

status=0
report() {  # target, pid
  local rc=0 runs rate
  wait "$2" || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$1.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$B/$1.log")
  if [ $rc -ne 0 ]; then
    tail -n 40 "$B/$1.log"
    echo "fuzz_$1: FINDING (exit $rc); input in $B/artifacts/, log $B/$1.log."
    echo "  reproduce: $B/fuzz_$1 FILE; fix it, then keep FILE in $data/regressions/$1/"
    status=1
  else
    echo "fuzz_$1: ${runs:-?} runs in ${seconds} s (${rate:-?}/s)," \
      "corpus $(ls "$B/corpus/$1" | wc -l) inputs, no finding"
  fi
}
report model_file $pid_model
report keras_json $pid_json
exit $status
