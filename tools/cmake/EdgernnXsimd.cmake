# Provides the imported target `xsimd` when xsimd's headers can be found.
#
# Debian's xsimd config links a bare `xtl` (a library it never ships a target for): give it an
# empty one. A cross build does not see that config (it sits under the host's lib directory), so
# fall back to the headers themselves, which serve every target.
if(TARGET xsimd)
  return()
endif()
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
find_package(xsimd CONFIG QUIET)
if(NOT TARGET xsimd)
  find_path(EDGERNN_XSIMD_INCLUDE_DIR xsimd/xsimd.hpp PATHS /usr/include /usr/local/include
            NO_CMAKE_FIND_ROOT_PATH)
  if(EDGERNN_XSIMD_INCLUDE_DIR)
    add_library(xsimd INTERFACE IMPORTED)
    # SYSTEM: warnings inside xsimd are not ours to fix.
    set_target_properties(xsimd PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${EDGERNN_XSIMD_INCLUDE_DIR}"
                                           INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${EDGERNN_XSIMD_INCLUDE_DIR}")
  endif()
endif()

# EDGERNN_XSIMD_VERSION: the version of the headers found ("" when there are none).
set(EDGERNN_XSIMD_VERSION "")
if(TARGET xsimd)
  get_target_property(_edgernn_xsimd_dirs xsimd INTERFACE_INCLUDE_DIRECTORIES)
  foreach(_dir IN LISTS _edgernn_xsimd_dirs)
    if(EXISTS "${_dir}/xsimd/config/xsimd_config.hpp")
      file(STRINGS "${_dir}/xsimd/config/xsimd_config.hpp" _defines
           REGEX "^#define XSIMD_VERSION_(MAJOR|MINOR|PATCH) ")
      string(REGEX REPLACE "[^;]*_MAJOR ([0-9]+)[^;]*;[^;]*_MINOR ([0-9]+)[^;]*;[^;]*_PATCH ([0-9]+).*"
                           "\\1.\\2.\\3" EDGERNN_XSIMD_VERSION "${_defines}")
      set(EDGERNN_XSIMD_INCLUDE "${_dir}")
      break()
    endif()
  endforeach()
endif()
