#!/bin/sh
# Runs a bare-metal ELF on a qemu-system-arm board with its console on semihosting:
#   qemu-semihosting.sh MACHINE ELF [ARGS...]
# qemu splits -append at spaces, so each argument travels with "\" as "\\" and a space as "\s"
# (tests/mcu decodes them from SYS_GET_CMDLINE). The exit status is the program's
# (SYS_EXIT_EXTENDED); a program that never exits is stopped after EDGERNN_QEMU_TIMEOUT s.
machine=$1 elf=$2
shift 2
cmdline=
for a in "$@"; do
  cmdline="$cmdline $(printf '%s' "$a" | sed -e 's/\\/\\\\/g' -e 's/ /\\s/g')"
done
exec timeout "${EDGERNN_QEMU_TIMEOUT:-600}" qemu-system-arm -M "$machine" -nographic \
  -monitor none -serial null -chardev stdio,id=console \
  -semihosting-config enable=on,target=native,chardev=console \
  -kernel "$elf" -append "${cmdline# }"
