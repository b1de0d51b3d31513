#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Make a BIOS-bootable GRUB ISO that loads pvk through multiboot2.
#
#   scripts/mkiso.sh build/pvk build/pvk.iso [CMDLINE]
#
# CMDLINE (default empty) is written into grub.cfg after the kernel path;
# each whitespace-separated word is single-quoted for GRUB's parser.
# GRUB's console goes to COM1 (115200) and the screen.  Needs grub-mkrescue
# (grub-common), the i386-pc modules (grub-pc-bin) and xorriso.
set -eu

usage() {
	echo "usage: $0 KERNEL-ELF OUTPUT-ISO [CMDLINE]" >&2
	exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	usage
fi
kernel=$1
iso=$2
cmdline=${3-}

grub_dir=/usr/lib/grub/i386-pc
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "mkiso: $*" >&2
	exit 1
}

[ -f "$kernel" ] || die "kernel '$kernel' not found"
command -v grub-mkrescue >/dev/null 2>&1 ||
	die "grub-mkrescue not found: apt-get install grub-common grub-pc-bin xorriso (or run scripts/setup.sh)"
command -v xorriso >/dev/null 2>&1 ||
	die "xorriso not found: apt-get install xorriso (or run scripts/setup.sh)"
[ -f "$grub_dir/modinfo.sh" ] ||
	die "$grub_dir missing (BIOS GRUB modules): apt-get install grub-pc-bin"

# Quote each word of the command line for grub.cfg: 'word', with an
# embedded ' written as '\''.
grub_args=
set -f
for word in $cmdline; do
	q=$(printf '%s' "$word" | sed "s/'/'\\\\''/g")
	grub_args="$grub_args '$q'"
done
set +f

mkdir -p "$root/build"
tmp=$(mktemp -d "$root/build/.mkiso.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/iso/boot/grub"
cp "$kernel" "$tmp/iso/boot/pvk"
cat >"$tmp/iso/boot/grub/grub.cfg" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
multiboot2 /boot/pvk$grub_args
boot
EOF

if ! grub-mkrescue -d "$grub_dir" -o "$tmp/out.iso" "$tmp/iso" \
		>"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	die "grub-mkrescue failed"
fi
[ -s "$tmp/out.iso" ] || { cat "$tmp/log" >&2; die "grub-mkrescue made no ISO"; }

mkdir -p "$(dirname "$iso")"
mv -f "$tmp/out.iso" "$iso"
echo "mkiso: $iso (multiboot2 /boot/pvk${grub_args:+ $cmdline})"
