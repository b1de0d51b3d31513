#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Make a hybrid BIOS+UEFI GRUB ISO that loads pvk through multiboot2.
#
#   scripts/mkiso.sh build/pvk build/pvk.iso [CMDLINE [INITRAMFS]]
#
# CMDLINE (default empty) is written into grub.cfg after the kernel path;
# each whitespace-separated word is single-quoted for GRUB's parser.
# INITRAMFS, a cpio newc archive, becomes the first multiboot2 module
# (pvk's initramfs); without it there is no module.
# GRUB's console goes to COM1 (115200) and the screen.  Needs grub-mkrescue
# (grub-common), the i386-pc modules (grub-pc-bin) for the BIOS El Torito
# image, the x86_64-efi modules (grub-efi-amd64-bin) and mtools for the
# EFI system partition image, and xorriso.  Under UEFI, GRUB exits boot
# services before it enters pvk (the multiboot2 header asks for no EFI
# boot services), so pvk sees the same 32-bit entry either way.
set -eu

usage() {
	echo "usage: $0 KERNEL-ELF OUTPUT-ISO [CMDLINE [INITRAMFS]]" >&2
	exit 2
}

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
	usage
fi
kernel=$1
iso=$2
cmdline=${3-}
initramfs=${4-}

grub_lib=/usr/lib/grub
root=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "mkiso: $*" >&2
	exit 1
}

[ -f "$kernel" ] || die "kernel '$kernel' not found"
[ -z "$initramfs" ] || [ -f "$initramfs" ] || die "initramfs '$initramfs' not found"
command -v grub-mkrescue >/dev/null 2>&1 ||
	die "grub-mkrescue not found: apt-get install grub-common grub-pc-bin xorriso (or run scripts/setup.sh)"
command -v xorriso >/dev/null 2>&1 ||
	die "xorriso not found: apt-get install xorriso (or run scripts/setup.sh)"
[ -f "$grub_lib/i386-pc/modinfo.sh" ] ||
	die "$grub_lib/i386-pc missing (BIOS GRUB modules): apt-get install grub-pc-bin"
[ -f "$grub_lib/x86_64-efi/modinfo.sh" ] ||
	die "$grub_lib/x86_64-efi missing (UEFI GRUB modules): apt-get install grub-efi-amd64-bin"
command -v mformat >/dev/null 2>&1 ||
	die "mformat not found (EFI image): apt-get install mtools (or run scripts/setup.sh)"

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
module=
if [ -n "$initramfs" ]; then
	cp "$initramfs" "$tmp/iso/boot/initramfs.cpio"
	module="module2 /boot/initramfs.cpio initramfs"
fi
cat >"$tmp/iso/boot/grub/grub.cfg" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
multiboot2 /boot/pvk$grub_args
$module
boot
EOF

# Without -d, grub-mkrescue builds for every platform installed under
# $grub_lib: i386-pc (BIOS) and x86_64-efi (UEFI), checked above.
if ! grub-mkrescue -o "$tmp/out.iso" "$tmp/iso" >"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	die "grub-mkrescue failed"
fi
[ -s "$tmp/out.iso" ] || { cat "$tmp/log" >&2; die "grub-mkrescue made no ISO"; }
# Both firmware kinds must find a boot image, or the ISO is not hybrid.
catalog=$(xorriso -indev "$tmp/out.iso" -report_el_torito plain 2>/dev/null)
for pltf in BIOS UEFI; do
	printf '%s\n' "$catalog" | grep -q "^El Torito boot img : *[0-9]* *$pltf " ||
		die "grub-mkrescue made no $pltf boot image"
done

mkdir -p "$(dirname "$iso")"
mv -f "$tmp/out.iso" "$iso"
echo "mkiso: $iso (BIOS+UEFI, multiboot2 /boot/pvk${grub_args:+ $cmdline}${initramfs:+, initramfs $initramfs})"
