#!/usr/bin/env bash
# Every test suite: installs what it needs (Debian packages), then configures, builds and runs
# each configuration with -Werror. Usage: tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/lib/common.sh

ensure_packages "${HOST_PACKAGES[@]}"

start=$(date +%s)
summary=()
run_preset() {
  local preset=$1 t0 log
  t0=$(date +%s)
  say "$preset: configure and build"
  cmake --preset "$preset" >/dev/null || { summary+=("$preset: configure FAILED"); return 1; }
  cmake --build --preset "$preset" -j "$(jobs)" || { summary+=("$preset: build FAILED"); return 1; }
  say "$preset: test"
  log=$(mktemp)
  if ! ctest --preset "$preset" -j "$(jobs)" 2>&1 | tee "$log"; then
    summary+=("$preset: FAILED")
    rm -f "$log"
    return 1
  fi
  summary+=("$preset: $(grep -E 'tests passed' "$log" | tail -n 1) ($(( $(date +%s) - t0 )) s)")
  rm -f "$log"
}

status=0
for preset in release asan scalar; do
  run_preset "$preset" || status=1
done

say "summary ($(( $(date +%s) - start )) s)"
printf '  %s\n' "${summary[@]}"
exit $status
