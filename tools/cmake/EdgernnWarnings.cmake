# edgernn_warnings(<target>): the warning set every target of this project builds with.

# GCC's -Wuninitialized false positives from its own avx512fintrin.h are switched off by the
# core's headers themselves (EDGERNN_DIAGNOSTICS_BEGIN in include/edgernn/simd/arch.hpp), for
# users' builds as for this one: no flag here hides them.

function(edgernn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(EDGERNN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
