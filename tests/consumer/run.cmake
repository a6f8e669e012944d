# ctest driver: install this build to a scratch prefix, then configure, build and run
# tests/consumer against it with find_package(edgernn), optimized as a user's release build.
#   -DBUILD_DIR=<edgernn build> -DSOURCE_DIR=<tests/consumer> -DWORK_DIR=<scratch>
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(step IN ITEMS
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${WORK_DIR}/build;-DCMAKE_BUILD_TYPE=Release;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix;-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build"
    "${WORK_DIR}/build/consumer")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer test failed at: ${step}")
  endif()
endforeach()
