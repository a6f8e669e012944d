# Shared by the Raspberry Pi toolchain files: libraries come from the target's directory,
# header-only packages (xsimd, doctest, nlohmann-json) from the host's, and tests run under
# qemu-user with the target's libraries (-L: qemu-user has no binfmt here).
macro(edgernn_linux_sysroot root qemu)
  set(CMAKE_FIND_ROOT_PATH ${root})
  set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
  set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${qemu} -L ${root})
endmacro()
