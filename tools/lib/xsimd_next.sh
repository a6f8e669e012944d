# The `xsimd-next` suite of tools/test.sh: the same build against a newer xsimd than Debian 12's
# 8.1, so that a change which only builds with 8.1 (or only with a later version) shows up here.
#
# The newer headers are Debian 13's own packages (libxsimd-dev and the xtl-dev its CMake config
# requires), downloaded with apt from the machine's Debian mirror into a private state directory
# and unpacked under build/deps: nothing is installed and the machine's apt configuration is
# untouched. Apt checks the suite's signature with the machine's Debian keyring, as for any
# package. Configure checks the version (EDGERNN_XSIMD_MAJOR), so a build cannot fall back to
# Debian 12's headers unnoticed.

XSIMD_NEXT_SUITE=trixie                  # Debian 13
XSIMD_NEXT_MAJOR=13                      # the version its libxsimd-dev carries (13.2)
XSIMD_NEXT_DIR=build/deps/xsimd-next     # the preset's CMAKE_PREFIX_PATH is $XSIMD_NEXT_DIR/usr

# Unpacks the newer xsimd into $XSIMD_NEXT_DIR unless it is there already; prints its version.
fetch_xsimd_next() {
  local dir=$XSIMD_NEXT_DIR header="$XSIMD_NEXT_DIR/usr/include/xsimd/config/xsimd_config.hpp"
  if [ ! -f "$header" ] || [ ! -f "$dir/usr/share/cmake/xtl/xtlConfig.cmake" ]; then
    local apt="$dir.apt" opts
    rm -rf "$dir" "$apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/debs"
    # The Debian mirror this machine's apt already uses (deb.debian.org if none is found).
    local mirror
    mirror=$(apt-cache policy 2>/dev/null |
             sed -n 's|^ *[0-9]* \(https\?://[^ ]*/debian\)/\? [a-z]*/main .*Packages$|\1|p' | head -n 1) || true
    echo "deb ${mirror:-http://deb.debian.org/debian} $XSIMD_NEXT_SUITE main" >"$apt/sources.list"
    opts=(-o "Dir::Etc::sourcelist=$PWD/$apt/sources.list" -o "Dir::Etc::sourceparts=$PWD/$apt/parts"
          -o "Dir::Etc::preferencesparts=$PWD/$apt/parts" -o "Dir::State::Lists=$PWD/$apt/lists"
          -o "Dir::Cache=$PWD/$apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
    say "xsimd-next: downloading libxsimd-dev and xtl-dev from Debian $XSIMD_NEXT_SUITE" >&2
    apt-get "${opts[@]}" -qq update >&2 || { echo "error: apt-get update of $XSIMD_NEXT_SUITE failed" >&2; return 1; }
    (cd "$apt/debs" && apt-get "${opts[@]}" -qq download libxsimd-dev xtl-dev >&2) ||
      { echo "error: downloading libxsimd-dev and xtl-dev from $XSIMD_NEXT_SUITE failed" >&2; return 1; }
    local deb
    for deb in "$apt"/debs/*.deb; do
      dpkg-deb -x "$deb" "$dir" || return 1
    done
    rm -rf "$apt"
  fi
  echo "xsimd $(sed -n 's/^#define XSIMD_VERSION_\(MAJOR\|MINOR\) \([0-9]*\).*/\2/p' "$header" | paste -sd .)"
}

# NEON against the same headers, on a budget: builds cross preset $1's no-exceptions program
# (every layer type, run twice, outputs compared) against the newer xsimd in
# build/xsimd-next-$1, runs it under qemu through ctest, and prints the kernels it ran. The
# full ARM suites run against Debian 12's xsimd.
xsimd_next_cross() {
  local preset=$1 dir=build/xsimd-next-$1 out
  out=$(cmake --preset "$preset" -B "$dir" -DEDGERNN_XSIMD_INCLUDE_DIR="$PWD/$XSIMD_NEXT_DIR/usr/include" \
        -DEDGERNN_XSIMD_MAJOR="$XSIMD_NEXT_MAJOR" 2>&1) || { echo "$out" >&2; return 1; }
  out=$(cmake --build "$dir" -j "$(jobs)" --target edgernn_noexcept 2>&1) || { echo "$out" >&2; return 1; }
  out=$(ctest --test-dir "$dir" -R "without exceptions" --no-tests=error --output-on-failure -V) ||
    { echo "$out" >&2; return 1; }
  echo "$out" | grep -o "ok ([^)]* kernels)" | head -n 1
}
