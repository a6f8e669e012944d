# The ARM targets of tools/test.sh: their Debian packages, and the kernels each one must run.

# Cross compilers, newlib, and qemu (user mode for the Pi targets, system mode for Cortex-M).
CROSS_PACKAGES=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user qemu-system-arm
                gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib)

# cortex-m55 runs on mps3-an547, whose 512 KiB heap (an eighth of the M4 board's) keeps the
# suite honest about the memory a test may take on a small part.
CROSS_PRESETS=(aarch64 armhf armv6 cortex-m4 cortex-m55)

# Regex for the "kernels for X," line the core suite prints (xsimd 8 names NEON "arm64+neon"
# and "arm32+neon", later versions "neon64" and "neon").
expected_kernels() {
  case $1 in
    aarch64) echo '(arm64\+neon|neon64)' ;;
    armhf) echo '(arm32\+)?neon' ;;
    armv6 | cortex-m*) echo 'scalar' ;;
  esac
}

# Checks that the last ctest run of build/$1 printed the expected kernels; prints them.
check_kernels() {
  local preset=$1 log=build/$1/Testing/Temporary/LastTest.log found
  found=$(grep -oE 'kernels for [^,]+,' "$log" | sort -u | sed 's/^kernels for //; s/,$//' | paste -sd ' ')
  if ! grep -qE "kernels for $(expected_kernels "$preset")," "$log" ||
     [ "$(grep -oE 'kernels for [^,]+,' "$log" | sort -u | wc -l)" -ne 1 ]; then
    echo "error: $preset ran kernels '$found', expected $(expected_kernels "$preset")" >&2
    return 1
  fi
  echo "$found"
}
