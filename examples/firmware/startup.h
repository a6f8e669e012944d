/* What startup.c tells main() about the stack. */
#ifndef EDGERNN_FIRMWARE_STARTUP_H
#define EDGERNN_FIRMWARE_STARTUP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes reserved for the stack (STACK_SIZE in the linker script). */
size_t stack_size(void);
/** Deepest use of the stack so far, in bytes (the part no longer holding the paint). */
size_t stack_used(void);

#ifdef __cplusplus
}
#endif

#endif
