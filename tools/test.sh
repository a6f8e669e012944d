#!/usr/bin/env bash
# Every test suite: installs what it needs (Debian packages), then configures, builds and runs
# each configuration with -Werror. Usage: tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/common.sh
source tools/lib/cross.sh
source tools/lib/xsimd_next.sh

ensure_packages "${HOST_PACKAGES[@]}" "${CROSS_PACKAGES[@]}"
# The fuzzers (clang-14 and libFuzzer's runtime) and the PyTorch exporter's test (ctest).
ensure_packages clang-14 libclang-rt-14-dev python3-torch

start=$(date +%s)
summary=()
run_preset() {
  local preset=$1 t0 log
  shift
  t0=$(date +%s)
  say "$preset: configure and build"
  cmake --preset "$preset" "$@" >/dev/null || { summary+=("$preset: configure FAILED"); return 1; }
  cmake --build --preset "$preset" -j "$(jobs)" || { summary+=("$preset: build FAILED"); return 1; }
  say "$preset: test"
  log=$(mktemp)
  if ! ctest --preset "$preset" -j "$(jobs)" 2>&1 | tee "$log"; then
    summary+=("$preset: FAILED")
    rm -f "$log"
    return 1
  fi
  local kernels=""
  if [[ " ${CROSS_PRESETS[*]} " == *" $preset "* ]]; then
    kernels=$(check_kernels "$preset") || { summary+=("$preset: wrong kernels FAILED"); rm -f "$log"; return 1; }
    kernels=", kernels $kernels"
  fi
  summary+=("$preset: $(grep -E 'tests passed' "$log" | tail -n 1) ($(( $(date +%s) - t0 )) s$kernels)")
  rm -f "$log"
}

status=0
for preset in release asan scalar; do
  run_preset "$preset" || status=1
done
# The release build again, against Debian 13's xsimd (see tools/lib/xsimd_next.sh).
if xsimd_next=$(fetch_xsimd_next); then
  say "xsimd-next: $xsimd_next"
  run_preset xsimd-next || status=1
  for preset in aarch64 armhf; do
    say "xsimd-next-$preset: the no-exceptions program under qemu"
    if ran=$(xsimd_next_cross "$preset") && [[ $ran =~ ^ok\ \($(expected_kernels "$preset")\ kernels\)$ ]]; then
      summary+=("xsimd-next-$preset: every layer type $ran")
    else
      summary+=("xsimd-next-$preset: FAILED (${ran:-no output})")
      status=1
    fi
  done
else
  summary+=("xsimd-next: download of the newer xsimd FAILED")
  status=1
fi
# The ARM targets under qemu. The Cortex-M build generates headers with the host's `edgernn`:
# reuse the release build's rather than building another.
host_tool=()
[ -x build/release/tools/edgernn ] && host_tool=(-DEDGERNN_HOST_EDGERNN="$PWD/build/release/tools/edgernn")
for preset in "${CROSS_PRESETS[@]}"; do
  case $preset in
    cortex-m*) run_preset "$preset" "${host_tool[@]}" || status=1 ;;
    *) run_preset "$preset" || status=1 ;;
  esac
done

# libFuzzer on the model-file and JSON parsers under ASan + UBSan: both targets at once,
# 35 s each (tests/fuzz/run.sh); a finding fails the run.
run_fuzz() {
  local t0 log rc=0
  t0=$(date +%s)
  say "fuzz: build with clang-14, run each target 35 s"
  log=$(mktemp)
  tests/fuzz/run.sh 35 2>&1 | tee "$log" || rc=1
  summary+=("fuzz: $([ $rc -eq 0 ] && echo "no finding" || echo FAILED) ($(( $(date +%s) - t0 )) s)")
  while IFS= read -r line; do summary+=("  $line"); done < <(grep '^fuzz_' "$log")
  rm -f "$log"
  return $rc
}
run_fuzz || status=1

say "summary ($(( $(date +%s) - start )) s)"
printf '  %s\n' "${summary[@]}"
exit $status
