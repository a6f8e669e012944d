# edgernn_warnings(<target>): the warning set every target of this project builds with.
include(CheckCXXSourceCompiles)

# GCC 12's own avx512fintrin.h trips -Wuninitialized (`__Y`) as soon as AVX-512 is enabled,
# even for a bare xsimd include: silence those two warnings for AVX-512 builds only.
set(CMAKE_REQUIRED_FLAGS "${CMAKE_CXX_FLAGS}")
if(EDGERNN_NATIVE)
  string(APPEND CMAKE_REQUIRED_FLAGS " -march=native")
endif()
check_cxx_source_compiles("
#ifndef __AVX512F__
#error no avx512
#endif
int main() { return 0; }" EDGERNN_HAVE_AVX512)
unset(CMAKE_REQUIRED_FLAGS)

function(edgernn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(EDGERNN_HAVE_AVX512 AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-uninitialized -Wno-maybe-uninitialized)
  endif()
  if(EDGERNN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
