# Fails if a firmware links anything of the heap (malloc and friends, operator new, _sbrk).
#   cmake -DELF=f.elf -DNM=arm-none-eabi-nm -P no_heap_check.cmake
execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT symbols MATCHES " reset_handler\n")
  message(FATAL_ERROR "${NM} ${ELF} failed: ${symbols}")
endif()
set(found "")
foreach(s malloc _malloc_r calloc _calloc_r realloc _realloc_r free _free_r _sbrk _sbrk_r
          _Znwj _Znaj _ZdlPv _ZdaPv)
  if(symbols MATCHES " ${s}\n")
    list(APPEND found ${s})
  endif()
endforeach()
if(found)
  message(FATAL_ERROR "${ELF} links heap functions: ${found}")
endif()
message("${ELF}: no heap function linked")
