# Prints a firmware's text / data / bss (arm-none-eabi-size) with its flash (text + data) and
# RAM (data + bss, the stack included) use, and fails above the budget.
#   cmake -DELF=f.elf -DSIZE=arm-none-eabi-size -DFLASH_BUDGET=49152 -DRAM_BUDGET=12288
#         -P size_budget.cmake
execute_process(COMMAND ${SIZE} ${ELF} OUTPUT_VARIABLE berkeley RESULT_VARIABLE rc)
execute_process(COMMAND ${SIZE} -A ${ELF} OUTPUT_VARIABLE sysv)
if(NOT rc EQUAL 0 OR NOT berkeley MATCHES "\n *([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)")
  message(FATAL_ERROR "${SIZE} ${ELF} failed: ${berkeley}")
endif()
set(text ${CMAKE_MATCH_1})
set(data ${CMAKE_MATCH_2})
set(bss ${CMAKE_MATCH_3})
set(stack 0)
if(sysv MATCHES "\n\\.stack[ \t]+([0-9]+)")
  set(stack ${CMAKE_MATCH_1})
endif()
math(EXPR flash "${text} + ${data}")
math(EXPR ram "${data} + ${bss}")
get_filename_component(name ${ELF} NAME)
message("${name}: text ${text}, data ${data}, bss ${bss} B -> flash ${flash} of ${FLASH_BUDGET} B, "
        "RAM ${ram} of ${RAM_BUDGET} B (stack ${stack} included)")
if(flash GREATER FLASH_BUDGET OR ram GREATER RAM_BUDGET)
  message(FATAL_ERROR "${name} is over its budget")
endif()
