# Raspberry Pi 2/3/4 with a 32-bit OS (Debian's g++-arm-linux-gnueabihf): ARMv7+, NEON, hard
# float. -DEDGERNN_CPU=cortex-a7 (Pi 2, the default: runs on every model since), cortex-a53
# (Pi 3) or cortex-a72 (Pi 4); the FPU and NEON follow from the core (-mfpu=auto).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(EDGERNN_CPU cortex-a7 CACHE STRING "-mcpu of the target core")

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
# -mfp16-format=ieee: binary16 weights widen with NEON's half conversion (VCVT.F32.F16).
set(CMAKE_C_FLAGS_INIT "-mcpu=${EDGERNN_CPU} -mfpu=auto -mfloat-abi=hard -mfp16-format=ieee")
# -Wno-psabi: GCC notes that passing some std types changed ABI in GCC 7.1; nothing here
# links with code built before that, and the notes (dozens per build) would bury real warnings.
set(CMAKE_CXX_FLAGS_INIT "-mcpu=${EDGERNN_CPU} -mfpu=auto -mfloat-abi=hard -mfp16-format=ieee -Wno-psabi")

include(${CMAKE_CURRENT_LIST_DIR}/linux-sysroot.cmake)
edgernn_linux_sysroot(/usr/arm-linux-gnueabihf qemu-arm)
