# The `edgernn` command built for the host (export-header, convert and run serve the firmware
# and tests/mcu): the imported executable target `edgernn_host`.
#
# EDGERNN_HOST_EDGERNN names an existing host build (e.g. build/release/tools/edgernn); left
# empty, this project is built once more for the host under <build>/host, target edgernn_cli
# only, and kept up to date at every build.
include_guard(GLOBAL)
set(EDGERNN_HOST_EDGERNN "" CACHE FILEPATH "host build of the edgernn command (empty: build one)")

add_executable(edgernn_host IMPORTED GLOBAL)
if(EDGERNN_HOST_EDGERNN)
  set_target_properties(edgernn_host PROPERTIES IMPORTED_LOCATION ${EDGERNN_HOST_EDGERNN})
else()
  include(ExternalProject)
  set(_host_bin ${CMAKE_BINARY_DIR}/host)
  ExternalProject_Add(edgernn_host_build
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${_host_bin}
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DEDGERNN_BUILD_TESTS=OFF -DEDGERNN_BUILD_BENCH=OFF
    BUILD_COMMAND ${CMAKE_COMMAND} --build ${_host_bin} --target edgernn_cli
    BUILD_BYPRODUCTS ${_host_bin}/tools/edgernn
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON)
  set_target_properties(edgernn_host PROPERTIES IMPORTED_LOCATION ${_host_bin}/tools/edgernn)
  add_dependencies(edgernn_host edgernn_host_build)
endif()
