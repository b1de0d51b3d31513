#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turn `nm -n` output into the kernel's symbol table for backtraces.

Format of the .ksyms section: u64 count; count x {u64 addr; u32 name_off;
u32 pad}; then the NUL-terminated names.  Only text symbols are kept, in
address order.
"""
import sys


def main():
    syms = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tT":
            continue
        addr = int(parts[0], 16)
        if addr < 0xffffffff80000000:
            continue
        syms.append((addr, parts[2]))
    out = ['\t.section .ksyms, "a"', "\t.balign 8", "\t.quad %d" % len(syms)]
    off = 0
    for addr, name in syms:
        out.append("\t.quad 0x%x\n\t.long %d, 0" % (addr, off))
        off += len(name) + 1
    for _, name in syms:
        out.append('\t.asciz "%s"' % name)
    print("\n".join(out))


if __name__ == "__main__":
    main()
