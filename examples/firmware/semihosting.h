/* Semihosting: console text and the exit status go to the debugger, or to qemu's
 * -semihosting-config. With no debugger attached, BKPT 0xAB halts the core: a board running on
 * its own sends the console to a UART instead (console.cpp is the only place that prints). */
#ifndef EDGERNN_FIRMWARE_SEMIHOSTING_H
#define EDGERNN_FIRMWARE_SEMIHOSTING_H

#define SEMIHOSTING_SYS_WRITE0 0x04
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20
#define SEMIHOSTING_ADP_STOPPED_APPLICATION_EXIT 0x20026

static inline int semihosting_call(int op, const void* arg) {
  int result;
  __asm__ volatile("mov r0, %1\n\tmov r1, %2\n\tbkpt 0xAB\n\tmov %0, r0"
                   : "=r"(result)
                   : "r"(op), "r"(arg)
                   : "r0", "r1", "memory");
  return result;
}

/** Writes a NUL-terminated string to the host's console. */
static inline void semihosting_write(const char* text) {
  semihosting_call(SEMIHOSTING_SYS_WRITE0, text);
}

/** Ends the program with `status` as the host process's exit status. */
static inline void semihosting_exit(int status) {
  const unsigned block[2] = {SEMIHOSTING_ADP_STOPPED_APPLICATION_EXIT, (unsigned)status};
  semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, block);
}

#endif
