#!/usr/bin/env bash
# The README's latency table: builds the benchmark (release preset: -O3 -march=native), runs it
# with repetitions and prints a markdown table of the medians (CPU time).
#
# Usage: tools/bench_table.sh [--build-dir DIR] [--repetitions N] [--filter REGEX] [--json FILE]
#   --build-dir    a configured build with edgernn_bench (default: build/release, configured
#                  with `cmake --preset release` if missing)
#   --repetitions  repetitions per benchmark, medians reported (default 5)
#   --filter       Google Benchmark filter over the cell/size rows (default: all)
#   --json         also keep the raw JSON output there
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
reps=5
filter=""
json=""
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) build=$2; shift 2 ;;
    --repetitions) reps=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [ ! -f "$build/CMakeCache.txt" ]; then
  [ "$build" = build/release ] || { echo "$build is not a configured build" >&2; exit 1; }
  cmake --preset release >/dev/null
fi
cmake --build "$build" --target edgernn_bench -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
bench="$build/bench/edgernn_bench"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Repetitions in random order across the benchmarks: on a shared machine a burst of noise then
# lands on one repetition of several rows, which the median drops, not on every repetition of one.
args=(--benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true
      --benchmark_report_aggregates_only=true --benchmark_format=json)
[ -n "$filter" ] && args+=(--benchmark_filter="$filter")
# In the background and waited for, so that an interrupted caller (Ctrl-C, a killed shell) takes
# the benchmark down with it: a stray benchmark left running skews every later measurement.
"$bench" "${args[@]}" >"$out" &
bench_pid=$!
trap 'kill "$bench_pid" 2>/dev/null || true; rm -f "$out"' EXIT
trap 'exit 130' INT TERM HUP
wait "$bench_pid"
[ -n "$json" ] && cp "$out" "$json"

python3 - "$out" "$reps" <<'PY'
import json, sys

data = json.load(open(sys.argv[1]))
reps = sys.argv[2]
ctx = data["context"]
rows = {}
for b in data["benchmarks"]:
    # With one repetition Google Benchmark reports the run itself and no aggregates.
    if b.get("aggregate_name", "median" if reps == "1" else None) != "median":
        continue
    cell, h, i, kind, kernels = b["run_name"].split("/")
    key = (cell, int(h.split(":")[1]), int(i.split(":")[1]))
    rows.setdefault(key, {})[(kind, kernels)] = b

def ns(b):
    return b["ns/step"] * 1e9 if b["ns/step"] < 1e-3 else b["ns/step"]

def find(r, kind, scalar=False):
    for (k, kern), b in r.items():
        if k == kind and (kern == "scalar") == scalar:
            return kern, b
    return None, None

order = {"simple_rnn": 0, "lstm": 1, "gru": 2}
print("Medians of %s repetitions (CPU time) of one step of the cell followed by Dense(1), batch 1. "
      "Measured by the benchmark itself on this machine: FMA peak %.0f GFLOP/s, %.0f GFLOP/s "
      "with every multiplicand widened from binary16; read bandwidth L1 %.0f, L2 %.0f, L3 %.0f "
      "GB/s (caches of %s, %s and %s KiB; a level holds weights up to 3/4 of its size). %% ceiling: "
      "weight bytes per step / bandwidth of the cache level holding them, over "
      "the step's time; for f16, the slower of that and the step's flops at the widened rate. "
      "Kernel widths by the %s rule (simd::width_rule)." % (
          reps, float(ctx.get("peak_gflops", 0)), float(ctx.get("widened_gflops", 0)),
          float(ctx.get("read_GBps_L1", 0)), float(ctx.get("read_GBps_L2", 0)),
          float(ctx.get("read_GBps_L3", 0)), ctx.get("cache_KiB_L1", "?"),
          ctx.get("cache_KiB_L2", "?"), ctx.get("cache_KiB_L3", "?"), ctx.get("width_rule", "?")))
# Rows of the wide-input sizes (tests/support/sizes.hpp: EDGERNN_BENCH_WIDE_SIZES, 16 inputs and
# more, step() and run() only) go to a table of their own below.
WIDE = 16
keys = sorted(rows, key=lambda k: (order.get(k[0], 9), k[2], k[1]))
main = [k for k in keys if k[2] < WIDE]
if main:
    print()
    print("| cell | H | In | kernels | f32 ns/step | GFLOP/s | % peak | % ceiling "
          "| speed-up vs scalar | run() ns/step | run() vs step() | f16 ns/step | f16 % ceiling "
          "| f16 vs f32 | fast ns/step | fast vs f32 | DynamicModel ns/step "
          "| DynamicModel vs static |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in main:
    r = rows[key]
    kern, s = find(r, "static")
    if s is None:
        continue
    row = [key[0], str(key[1]), str(key[2]), kern, "%.1f" % ns(s), "%.1f" % s["GFLOP/s"],
           "%.0f" % s["%peak"], "%.0f" % s["%ceiling"]]
    _, sc = find(r, "static", scalar=True)
    row.append("%.1f×" % (ns(sc) / ns(s)) if sc else "—")
    _, seq = find(r, "sequence")
    row += ["%.1f" % ns(seq), "%.2f×" % (ns(s) / ns(seq))] if seq else ["—", "—"]
    _, f16 = find(r, "static-f16")
    row += (["%.1f" % ns(f16), "%.0f" % f16["%ceiling"], "%.2f×" % (ns(s) / ns(f16))]
            if f16 else ["—", "—", "—"])
    _, fast = find(r, "static-fast")
    row += ["%.1f" % ns(fast), "%.2f×" % (ns(s) / ns(fast))] if fast else ["—", "—"]
    _, dyn = find(r, "dynamic")
    row += ["%.1f" % ns(dyn), "%.2f×" % (ns(s) / ns(dyn))] if dyn else ["—", "—"]
    print("| " + " | ".join(row) + " |")

# The two kernel widths of an AVX-512 build: every size with an "-alt" row ("static-alt" beside
# "static"; "width-alt" beside "width" for the sizes of EDGERNN_BENCH_WIDTH_SIZES, which have
# only these two rows).
alts = [k for k in keys if any(kind.endswith("-alt") for kind, _ in rows[k])]
if alts:
    print()
    print("Kernel widths: one step with the kernels the layer types choose, and with the other "
          "width (simd::narrow_by_default), same medians.")
    print()
    print("| cell | H | In | default kernels | ns/step | other kernels | ns/step "
          "| default vs other |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(alts, key=lambda k: (order.get(k[0], 9), k[1], k[2])):
        r = rows[key]
        for kind in ("static", "width"):
            kern, s = find(r, kind)
            alt_kern, a = find(r, kind + "-alt")
            if s is not None and a is not None:
                print("| " + " | ".join([key[0], str(key[1]), str(key[2]), kern, "%.1f" % ns(s),
                                         alt_kern, "%.1f" % ns(a), "%.2f×" % (ns(a) / ns(s))])
                      + " |")

wide = [k for k in keys if k[2] >= WIDE and find(rows[k], "static")[1] is not None
        and find(rows[k], "sequence")[1] is not None]
if wide:
    print()
    print("Wide inputs: one step against run() over 1000 steps, per step, same medians.")
    print()
    print("| cell | H | In | kernels | step() ns | GFLOP/s | % peak | % ceiling | run() ns/step "
          "| run() vs step() |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key in wide:
        r = rows[key]
        kern, s = find(r, "static")
        _, seq = find(r, "sequence")
        print("| " + " | ".join([key[0], str(key[1]), str(key[2]), kern, "%.1f" % ns(s),
                                 "%.1f" % s["GFLOP/s"], "%.0f" % s["%peak"],
                                 "%.0f" % s["%ceiling"], "%.1f" % ns(seq),
                                 "%.2f×" % (ns(s) / ns(seq))]) + " |")
PY
