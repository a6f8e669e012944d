# Bare-metal Cortex-M (Debian's gcc-arm-none-eabi + newlib): the scalar kernels, hard float.
# -DEDGERNN_CPU=cortex-m4 (M4F, the default), cortex-m7 or cortex-m55 (its Helium unit is not
# used: the scalar path). Tests run under qemu-system-arm with semihosting on a board with that
# core (EDGERNN_QEMU_MACHINE): mps2-an386 (M4), mps2-an500 (M7), mps3-an547 (M55).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(EDGERNN_CPU cortex-m4 CACHE STRING "-mcpu of the target core: cortex-m4, cortex-m7 or cortex-m55")
set(_edgernn_machine_cortex-m4 mps2-an386)
set(_edgernn_machine_cortex-m7 mps2-an500)
set(_edgernn_machine_cortex-m55 mps3-an547)
set(EDGERNN_QEMU_MACHINE ${_edgernn_machine_${EDGERNN_CPU}})
if(NOT EDGERNN_QEMU_MACHINE)
  message(FATAL_ERROR "EDGERNN_CPU=${EDGERNN_CPU}: expected cortex-m4, cortex-m7 or cortex-m55")
endif()

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # nothing links without a startup and a map
# -mfp16-format=ieee: binary16 weights widen with the FPU's half conversion (VCVTB, FPv4 and
# later) instead of in software.
set(_edgernn_flags "-mcpu=${EDGERNN_CPU} -mthumb -mfpu=auto -mfloat-abi=hard -mfp16-format=ieee -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_edgernn_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_edgernn_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# The host's /usr/include (xsimd, glibc) must never reach newlib's compiler.
set(CMAKE_IGNORE_PATH /usr/include)
set(CMAKE_CROSSCOMPILING_EMULATOR sh ${CMAKE_CURRENT_LIST_DIR}/qemu-semihosting.sh ${EDGERNN_QEMU_MACHINE})
