/* Cortex-M startup: the vector table, and the reset handler that gets C and C++ ready for
 * main(): FPU on, .data copied from flash, .bss zeroed, the stack painted (stack_used() then
 * tells how deep main went), constructors run. main()'s status leaves through semihosting. */
#include <stddef.h>
#include <stdint.h>

#include "semihosting.h"
#include "startup.h"

/* From sections.ld. */
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];
extern void (*const __init_array_start[])(void);
extern void (*const __init_array_end[])(void);

int main(void);

#define STACK_PAINT 0x57AC57ACu

_Noreturn void start(void) {
  for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;)
    *dst++ = *src++;
  for (uint32_t* p = __bss_start__; p < __bss_end__;)
    *p++ = 0;
  /* Paint up to 64 bytes below this frame: the part of the stack main() can reach. */
  uint32_t* sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t* p = __stack_limit__; p < sp - 16;)
    *p++ = STACK_PAINT;
  for (void (*const* f)(void) = __init_array_start; f < __init_array_end; ++f)
    (*f)();
  semihosting_exit(main());
  for (;;) {
  }
}

/* CPACR (0xE000ED88) bits 20-23: full access to CP10 and CP11, the FPU. No floating-point
 * instruction may run before this, so it is the first thing, in assembly. */
__attribute__((naked, noreturn)) void reset_handler(void) {
  __asm__ volatile(
      "ldr r0, =0xE000ED88\n\t"
      "ldr r1, [r0]\n\t"
      "orr r1, r1, #(0xF << 20)\n\t"
      "str r1, [r0]\n\t"
      "dsb\n\t"
      "isb\n\t"
      "b start\n\t");
}

static _Noreturn void fault_handler(void) {
  semihosting_write("firmware: fault exception, stopped\n");
  semihosting_exit(128);
  for (;;) {
  }
}

size_t stack_size(void) {
  return (size_t)((char*)__stack_top__ - (char*)__stack_limit__);
}

size_t stack_used(void) {
  const uint32_t* p = __stack_limit__;
  while (p < __stack_top__ && *p == STACK_PAINT)
    ++p;
  return (size_t)((const char*)__stack_top__ - (const char*)p);
}

/* The core's 16 entries: initial stack pointer, reset, then the fault and system handlers.
 * No interrupt is enabled here, so the device's IRQ entries that follow on a real part
 * (82 on an STM32F407) are left out. */
struct vector_table {
  uint32_t* initial_sp;
  void (*handler[15])(void);
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    __stack_top__,
    {
        reset_handler, /* Reset */
        fault_handler, /* NMI */
        fault_handler, /* HardFault */
        fault_handler, /* MemManage */
        fault_handler, /* BusFault */
        fault_handler, /* UsageFault */
        0, 0, 0, 0,    /* reserved */
        fault_handler, /* SVCall */
        fault_handler, /* DebugMonitor */
        0,             /* reserved */
        fault_handler, /* PendSV */
        fault_handler, /* SysTick */
    },
};
