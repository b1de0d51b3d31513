#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write a cpio "newc" archive (what Linux's gen_init_cpio writes).

    scripts/mkinitramfs.py OUT DEST=SRC...

Each SRC file becomes the regular file DEST (e.g. bin/hello=build/user/
hello), mode 0755 for executables and 0644 otherwise, owned by root;
the directories above each DEST come first.  Times are 0, so the same
inputs give the same bytes.
"""

import os
import sys
from typing import List, Tuple

TRAILER = 'TRAILER!!!'


def newc_entry(ino: int, name: str, mode: int, data: bytes = b'') -> bytes:
    """One header, its NUL-terminated name and data, each 4-byte padded."""
    fields = (ino, mode, 0, 0, 1 if mode & 0o100000 else 2, 0, len(data),
              0, 0, 0, 0, len(name) + 1, 0)
    head = b'070701' + b''.join(b'%08X' % f for f in fields)
    out = head + name.encode() + b'\0'
    out += b'\0' * (-len(out) % 4)
    out += data + b'\0' * (-len(data) % 4)
    return out


def archive(files: List[Tuple[str, bytes, int]]) -> bytes:
    """files: (dest, data, mode); directories above each dest are added."""
    dirs = sorted({'/'.join(d.split('/')[:i])
                   for d, _, _ in files for i in range(1, d.count('/') + 1)})
    out, ino = b'', 1
    for d in dirs:
        out += newc_entry(ino, d, 0o040755)
        ino += 1
    for dest, data, mode in files:
        out += newc_entry(ino, dest, 0o100000 | mode, data)
        ino += 1
    out += newc_entry(0, TRAILER, 0)
    return out + b'\0' * (-len(out) % 512)


def main(argv: List[str]) -> int:
    if len(argv) < 3 or any('=' not in a for a in argv[2:]):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    files = []
    for arg in argv[2:]:
        dest, src = arg.split('=', 1)
        with open(src, 'rb') as f:
            data = f.read()
        mode = 0o755 if os.access(src, os.X_OK) else 0o644
        files.append((dest.strip('/'), data, mode))
    with open(argv[1] + '.tmp', 'wb') as f:
        f.write(archive(files))
    os.replace(argv[1] + '.tmp', argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
