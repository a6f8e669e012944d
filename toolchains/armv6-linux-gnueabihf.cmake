# Raspberry Pi Zero/1 (ARM1176, ARMv6 + VFPv2, no NEON) with a 32-bit OS: the scalar kernels.
# Our code is compiled for ARMv6 in ARM mode. Debian's armhf runtime (crt1.o, libgcc,
# libstdc++) targets ARMv7, so binaries for a real Zero/1 need that board's own sysroot
# (-DCMAKE_SYSROOT=...); under qemu the ARMv7 runtime serves to test our code.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(EDGERNN_CPU arm1176jzf-s CACHE STRING "-mcpu of the target core")

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_C_FLAGS_INIT "-mcpu=${EDGERNN_CPU} -mfpu=vfp -mfloat-abi=hard -marm")
# -Wno-psabi: GCC notes that passing some std types changed ABI in GCC 7.1; nothing here
# links with code built before that, and the notes (dozens per build) would bury real warnings.
set(CMAKE_CXX_FLAGS_INIT "-mcpu=${EDGERNN_CPU} -mfpu=vfp -mfloat-abi=hard -marm -Wno-psabi")

include(${CMAKE_CURRENT_LIST_DIR}/linux-sysroot.cmake)
edgernn_linux_sysroot(/usr/arm-linux-gnueabihf qemu-arm)
