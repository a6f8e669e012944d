#!/bin/sh
# Checks a binary linked with edgernn_dispatch: every shared (global or weak, i.e. possibly
# COMDAT-merged across translation units) function that uses AVX or AVX-512 instructions
# (VEX/EVEX: ymm/zmm/opmask registers or v-prefixed SSE/AVX mnemonics) must belong to an AVX
# path: name an xsimd AVX architecture (avx2, fma3, avx512) in its demangled name. Any other
# such function could be the copy the linker kept for the SSE2/SSE4.2 paths too, and fault on an
# older CPU. Local functions (IPA clones, statics) never leave their translation unit.
# Usage: check_isolation.sh BINARY
set -eu
bin=$1
command -v objdump >/dev/null 2>&1 || { echo "objdump not found (binutils)"; exit 1; }
shared=$(mktemp)
trap 'rm -f "$shared"' EXIT
nm --defined-only "$bin" | awk '$2 ~ /^[TWV]$/ { print $1 }' | sed 's/^0*//' | sort -u > "$shared"
objdump -d -C --no-show-raw-insn "$bin" | awk -v shared="$shared" '
  BEGIN { while ((getline a < shared) > 0) keep[a] = 1 }
  /^[0-9a-f]+ <.*>:$/ {
    addr = $1; sub(/^0*/, "", addr)
    fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn)
    checked = (addr in keep)
    next
  }
  checked && /^ +[0-9a-f]+:/ {
    insn = $0; sub(/^ +[0-9a-f]+:[ \t]+/, "", insn)
    split(insn, w, /[ \t]+/); m = w[1]
    wide = insn ~ /%[yz]mm[0-9]/ || insn ~ /%k[0-7]/ || m ~ /^v(add|sub|mul|div|fmadd|fnmadd|fmsub|mov|broadcast|cvt|min|max|xor|and|or|perm|shuf|unpck|blend|cmp|insert|extract|pxor|pand|por|padd|psub|pcmp|psll|psrl|psra|pshuf|punpck|pmov|zeroupper|zeroall|sqrt|rcp|round|test|pextr|pinsr|gather)/
    if (wide && fn !~ /avx|fma3/ && !(fn in bad)) { bad[fn] = insn; n++ }
  }
  END {
    for (f in bad) printf "newer instruction outside an AVX path: %s: %s\n", f, bad[f]
    if (n) exit 1
    print "every shared function with AVX/AVX-512 instructions is in an AVX path"
  }'
