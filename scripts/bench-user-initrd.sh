#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The Linux initramfs of the user pass (scripts/bench-user.sh, and
# scripts/bench-domU.sh with BENCH_PASSES=user):
#
#   scripts/bench-user-initrd.sh BASE.cpio.gz OUT.cpio.gz
#
# BASE (dom0/build.sh's Linux domU initramfs) followed by a second,
# uncompressed archive with this tree's dom0/domU-init as /init (its
# test "lmbench") and build/user/lmbench as /bench/lmbench: Linux
# unpacks both, the later files replacing the earlier.  Zeros pad BASE to
# a multiple of 512 bytes: Linux takes a cpio header only at an offset
# that is a multiple of 4 and skips zeros between archives.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# = 2 ] || { echo "usage: $0 BASE.cpio.gz OUT.cpio.gz" >&2; exit 2; }
base=$1
dest=$2
lmbench=$root/build/user/lmbench
[ -f "$lmbench" ] || { echo "bench-user-initrd.sh: $lmbench missing: run make" >&2; exit 1; }
extra=$dest.extra.cpio
python3 "$root/scripts/mkinitramfs.py" "$extra" \
	"init=$root/tools/testing/selftests/xen/dom0/domU-init" "bench/lmbench=$lmbench"
size=$(stat -c %s "$base")
{
	cat "$base"
	head -c $(((512 - size % 512) % 512)) /dev/zero
	cat "$extra"
} >"$dest.tmp"
rm -f "$extra"
mv "$dest.tmp" "$dest"
