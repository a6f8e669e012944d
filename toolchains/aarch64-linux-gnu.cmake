# Raspberry Pi 3/4/5 with a 64-bit OS (Debian's g++-aarch64-linux-gnu). NEON kernels.
# -DEDGERNN_CPU=cortex-a53 (Pi 3), cortex-a72 (Pi 4, the default) or cortex-a76 (Pi 5).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(EDGERNN_CPU cortex-a72 CACHE STRING "-mcpu of the target core")

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_C_FLAGS_INIT "-mcpu=${EDGERNN_CPU}")
set(CMAKE_CXX_FLAGS_INIT "-mcpu=${EDGERNN_CPU}")

include(${CMAKE_CURRENT_LIST_DIR}/linux-sysroot.cmake)
edgernn_linux_sysroot(/usr/aarch64-linux-gnu qemu-aarch64)
