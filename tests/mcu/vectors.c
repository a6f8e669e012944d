/* Vector table of the test programs. Reset turns the FPU on and enters newlib's semihosting
 * startup (librdimon's _start: stack and heap from SYS_HEAPINFO, .bss zeroed, argv from
 * SYS_GET_CMDLINE, constructors, main, exit status through SYS_EXIT_EXTENDED). A fault ends
 * the run with status 128 rather than leaving qemu spinning. */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t __stack_top__[];
void _start(void);

/* CPACR (0xE000ED88) bits 20-23: full access to CP10 and CP11, the FPU. */
__attribute__((naked, noreturn)) void reset_handler(void) {
  __asm__ volatile(
      "ldr r0, =0xE000ED88\n\t"
      "ldr r1, [r0]\n\t"
      "orr r1, r1, #(0xF << 20)\n\t"
      "str r1, [r0]\n\t"
      "dsb\n\t"
      "isb\n\t"
      "b _start\n\t");
}

static void fault_handler(void) {
  semihosting_write("test program: fault exception, stopped\n");
  semihosting_exit(128);
  for (;;) {
  }
}

struct vector_table {
  uint32_t* initial_sp;
  void (*handler[15])(void);
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    __stack_top__,
    {reset_handler, fault_handler, fault_handler, fault_handler, fault_handler, fault_handler, 0, 0,
     0, 0, fault_handler, fault_handler, 0, fault_handler, fault_handler},
};
